package org.ha4j.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ha4j.core.Node;
import org.ha4j.health.CheckSchedule;
import org.ha4j.health.HealthChecks;
import org.ha4j.health.Probes;
import org.ha4j.health.ScheduledProbe;
import org.ha4j.proxy.Proxy;
import org.ha4j.proxy.Upstream;
import org.ha4j.proxy.balance.BalancingStrategies;
import org.ha4j.proxy.balance.ServerSpec;
import org.ha4j.vrrp.VrrpInstance;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding sample is the code between the markers below, compiled with every build; once the
 * README carries it after the {@code <!-- embedding-snippet -->} marker, and a test keeps the two identical.
 */
class EmbeddingSnippetTest {

    private static final Path SOURCE =
            Path.of("src/test/java/org/ha4j/examples/embedded/EmbeddingSnippetTest.java");
    private static final Path README = Path.of("../README.md");

    /** Compiled, and run up to (not including) start(), which needs CAP_NET_RAW and the interface. */
    static Node readmeSnippet(boolean start) throws Exception {
        // snippet-begin
        Upstream tomcat = new Upstream("tomcat", BalancingStrategies.roundRobin(), List.of(
                ServerSpec.parse("192.168.122.12:8080"),
                ServerSpec.parse("192.168.122.13:8080 max_fails=3 fail_timeout=10s")));
        Proxy proxy = Proxy.builder()
                .listen("0.0.0.0:8080", tomcat)             // nginx: listen 8080; proxy_pass tomcat;
                .build();

        HealthChecks checks = HealthChecks.create();
        ScheduledProbe database = checks.schedule("database",
                Probes.tcp("192.168.122.20", 5432), CheckSchedule.builder().fall(3).build());

        VrrpInstance vip = VrrpInstance.builder()           // keepalived's defaults everywhere
                .interfaceName("ens3").virtualRouterId(51).priority(100)
                .authPassword("1111")
                .virtualAddress("192.168.122.100/24")
                .track(proxy, 0)                            // proxy down or no backend: FAULT, VIP moves now
                .track(database, -20)                       // database unreachable: priority 80 < backup's 90
                .build();

        Node node = Node.of(proxy, vip);                    // proxy starts first; VIP handed over first on stop
        if (start) {
            node.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> { node.stop(); checks.close(); }));
        }
        // snippet-end
        checks.close();
        return node;
    }

    @Test
    void theSnippetBuildsANodeWithoutPrivileges() throws Exception {
        assertThat(readmeSnippet(false)).isNotNull();
    }

    @Test
    void theReadmeShowsExactlyTheCompiledSnippet() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        assertThat(readme).contains("<!-- embedding-snippet -->").contains(snippet());
    }

    /** The lines between the markers, indentation of the method body removed. */
    static String snippet() throws Exception {
        List<String> lines = Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("// snippet-begin")) {
                begin = i;
            } else if (lines.get(i).strip().equals("// snippet-end")) {
                end = i;
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines.subList(begin + 1, end)) {
            out.append(line.length() >= 8 ? line.substring(8) : line.strip()).append('\n');
        }
        return out.toString();
    }

    @Test
    void theSnippetPrinterMatchesTheSource() throws Exception {
        assertThat(snippet()).startsWith("Upstream tomcat = ").contains("Node node = Node.of(proxy, vip);");
    }
}
