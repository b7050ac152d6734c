package io.lwtemu.node.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Configures the host side of TUN devices by running iproute2's {@code ip}: namespaces, moving a device into one,
 * MTU, addresses, routes, up. Running the tool is more robust than speaking rtnetlink through JNA (no struct layouts
 * to keep right, and the command in an error message is one a user can run by hand).
 */
final class HostSide {
    static final Path NETNS_DIR = Path.of("/var/run/netns");

    private HostSide() {
    }

    static boolean namespaceExists(String ns) {
        return Files.exists(NETNS_DIR.resolve(ns));
    }

    /** {@code ip} with {@code args}, in {@code ns} when not null ({@code ip -n NS ...}); fails with its message. */
    static void ip(String ns, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        if (ns != null) {
            cmd.add("-n");
            cmd.add(ns);
        }
        cmd.addAll(List.of(args));
        run(cmd);
    }

    static void run(List<String> cmd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TunException("cannot run '" + cmd.get(0) + "' (" + e.getMessage() + "): the host side of TUN"
                    + " devices is configured with iproute2's 'ip', install iproute2; " + TunException.WITHOUT_TUN);
        }
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TunException("'" + String.join(" ", cmd) + "' did not finish in 30s");
            }
        } catch (IOException e) {
            throw new TunException("'" + String.join(" ", cmd) + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunException("interrupted while running '" + String.join(" ", cmd) + "'");
        }
        if (p.exitValue() != 0) {
            String hint = out.contains("Operation not permitted") || out.contains("Permission denied")
                    ? " (needs CAP_NET_ADMIN, e.g. root); " + TunException.WITHOUT_TUN : "";
            throw new TunException("'" + String.join(" ", cmd) + "' failed: " + out.replace('\n', ' ') + hint);
        }
    }
}
