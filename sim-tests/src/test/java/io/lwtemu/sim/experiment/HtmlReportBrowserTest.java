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
        ExperimentReport rep = Experiments.run(ScenarioLoader.load(Experiments.SHIPPED.resolve("ring-reroute.yaml")),
                null, true, null);
        rep.write(dir);
        String html = Files.readString(dir.resolve("report.html"));
        String hook = "<script>window.addEventListener('error',function(e){document.documentElement.setAttribute("
                + "'data-js-error',String(e.message));});console.error=function(m){document.documentElement"
                + ".setAttribute('data-js-error',String(m));};</script>";
        Path page = dir.resolve("checked.html");
        Files.writeString(page, html.replace("<head>", "<head>" + hook));

        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom",
                page.toUri().toString()).redirectError(dir.resolve("chromium.log").toFile()).start();
        byte[] dom = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String d = new String(dom, StandardCharsets.UTF_8);

        assertThat(d).doesNotContain("data-js-error=\"");
        assertThat(d).contains("data-rendered=\"true\"");
        // topology, timeline and one latency chart drawn by the script
        assertThat(d.split("<svg", -1)).hasSize(4);
        assertThat(d).contains("Conservation OK").contains("udp-h1-h2").contains("link down r1:eth1");
    }
}
