package io.lwtemu.sim.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.ScenarioLoader;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html opens in a real browser without a server and renders without JavaScript errors: headless Chromium
 * loads the file with an error hook in front of the page's script and dumps the DOM the script built. Skipped
 * when Chromium is not installed (Debian: apt-get install -y chromium).
 */
class HtmlReportBrowserTest {
    @TempDir
    Path dir;

    private static String chromium() {
        for (String c : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
            for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(p, c))) {
                    return Path.of(p, c).toString();
                }
            }
        }
        return null;
    }

    @Test
    void shouldBeOneFileThatNeedsNothingFromTheNetwork() throws Exception {
        ExperimentReport rep = Experiments.run(ScenarioLoader.load(Experiments.SHIPPED.resolve("ring-reroute.yaml")),
                null, true, null);
        rep.write(dir);
        String html = Files.readString(dir.resolve("report.html"));

        assertThat(html).doesNotContain(" src=").doesNotContain(" href=").doesNotContain("@import");
        Matcher m = Pattern.compile("https?://[^\"' ]+").matcher(html);
        while (m.find()) {
            assertThat(m.group()).isEqualTo("http://www.w3.org/2000/svg"); // the SVG namespace name, never fetched
        }
    }

    @Test
    void shouldRenderInHeadlessChromiumWithoutErrors() throws Exception {
        String chromium = chromium();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install -y chromium); browser test skipped");
        ExperimentReport ring = Experiments.run(ScenarioLoader.load(Experiments.SHIPPED.resolve("ring-reroute.yaml")),
                null, true, null);
        String d = render(chromium, ring, "ring");
        // topology, timeline and one latency chart drawn by the script
        assertThat(d.split("<svg", -1)).hasSize(4);
        assertThat(d).contains("Conservation OK").contains("udp-h1-h2").contains("link down r1:eth1");

        // Several drop reasons (one line each), three flows with latencies.
        ExperimentReport ipip = Experiments.run(ScenarioLoader.load(Experiments.SHIPPED.resolve("ipip-ge-flap.yaml")),
                null, 1_300_000_000L, true, null);
        String e = render(chromium, ipip, "ipip");
        assertThat(e.split("<svg", -1)).hasSize(1 + 2 + 3);
        assertThat(e).contains("loss drops/s").contains("link_down drops/s");
    }

    /** Loads the report with an error hook in front of its script; returns the DOM after the script ran. */
    private String render(String chromium, ExperimentReport rep, String name) throws Exception {
        Path out = dir.resolve(name);
        rep.write(out);
        String html = Files.readString(out.resolve("report.html"));
        String hook = "<script>window.addEventListener('error',function(e){document.documentElement.setAttribute("
                + "'data-js-error',String(e.message));});console.error=function(m){document.documentElement"
                + ".setAttribute('data-js-error',String(m));};</script>";
        Path page = out.resolve("checked.html");
        Files.writeString(page, html.replace("<head>", "<head>" + hook));

        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + out.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom",
                page.toUri().toString()).redirectError(out.resolve("chromium.log").toFile()).start();
        byte[] dom = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String d = new String(dom, StandardCharsets.UTF_8);

        assertThat(d).doesNotContain("data-js-error=\"");
        assertThat(d).contains("data-rendered=\"true\"");
        return d;
    }
}
