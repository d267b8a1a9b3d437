package io.ringmetrics.demo;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20, item 11: README command 1 as written — it builds {@code exporters/target/ringmetrics-demo.jar} (package
 * phase; this test runs after it) and starts it with {@code java -jar} and no JVM option. The demo's exit status and
 * its one-line messages reach the caller unchanged, and it serves on the port it prints.
 */
class DemoJarIT
{
    private static final Pattern SERVING = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/metrics");

    private static Path root;
    private static List<String> run;

    /** Reads README command 1 and splits it into the build and the command that starts the demo. */
    @BeforeAll
    static void readmeCommandOne() throws Exception
    {
        // Only the surefire execution bound after the package phase (exporters/pom.xml) runs this class for real; an
        // explicit -Dtest=DemoJarIT also reaches the test-phase execution, before the jar exists.
        Assumptions.assumeTrue(Boolean.getBoolean("ringmetrics.demoJarBuilt"), "runs after the package phase");
        root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("README.md")))
        {
            root = root.getParent();
        }
        assertTrue(root != null, "README.md above " + Path.of("").toAbsolutePath());
        final String readme = Files.readString(root.resolve("README.md"));
        final Matcher block = Pattern.compile("\\n1\\. [^\\n]*demo[\\s\\S]*?```\\n\\s*(.+?)\\n\\s*```").matcher(readme);
        assertTrue(block.find(), "README has command 1");
        final String[] parts = block.group(1).trim().split(" && ");
        assertEquals(2, parts.length, "command 1 builds, then starts the demo: " + block.group(1));
        assertTrue(parts[0].startsWith("mvn ") && parts[0].contains(" -pl exporters ") && parts[0].endsWith(" package"),
            "command 1 builds the jar with Maven: " + parts[0]);
        run = new ArrayList<>(List.of(parts[1].trim().split("\\s+")));
        assertEquals(List.of("java", "-jar", "exporters/target/ringmetrics-demo.jar"), run,
            "no JVM option: the jar's manifest carries Add-Exports");
        assertTrue(Files.isRegularFile(root.resolve(run.get(2))), "the package phase built " + run.get(2));
        run.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static ProcessBuilder demo(final String... variables)
    {
        final ProcessBuilder builder = new ProcessBuilder(run).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("METRICS_") || k.startsWith("PROMETHEUS_") ||
            k.startsWith("STATSD_") || k.startsWith("DEMO_") || k.equals("JDK_JAVA_OPTIONS") ||
            k.equals("JAVA_TOOL_OPTIONS"));
        for (int i = 0; i < variables.length; i += 2)
        {
            builder.environment().put(variables[i], variables[i + 1]);
        }
        return builder;
    }

    @Test
    void aBadSettingPrintsItsMessageAndExitsWithTwoNothingElse() throws Exception
    {
        final Process process = demo("METRICS_MAX_METRICS", "lots").start();
        try
        {
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue(), output);
            assertEquals("ringmetrics demo: invalid metrics configuration:\n" +
                "  METRICS_MAX_METRICS='lots' is invalid; allowed: a whole number from 1 to 8388608\n", output);
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    @Test
    void servesOnThePortItPrintsWarnsOfATypoAndStopsWithZeroOnSigterm() throws Exception
    {
        final Path log = Files.createTempFile("ringmetrics-demo-jar", ".log");
        final ProcessBuilder builder = demo("METRICS_HTTP_PORT", "0", "PROMETHEUS_PORT", "9100");
        builder.redirectOutput(log.toFile());
        final Process process = builder.start();
        try
        {
            int port = -1;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (port < 0 && System.nanoTime() < deadline && process.isAlive())
            {
                final Matcher m = SERVING.matcher(Files.readString(log));
                if (m.find())
                {
                    port = Integer.parseInt(m.group(1));
                }
                else
                {
                    Thread.sleep(50);
                }
            }
            assertTrue(port > 0, "the demo prints the port it bound: " + Files.readString(log));
            final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5)).build();
            final HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            final HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("# TYPE http_requests_total counter"), metrics.body());

            process.destroy(); // SIGTERM, as Ctrl-C's SIGINT
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
            final String output = Files.readString(log);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("unknown variable PROMETHEUS_PORT is ignored; did you mean METRICS_HTTP_PORT?"),
                output);
            assertFalse(output.contains("Exception"), output);
        }
        finally
        {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
