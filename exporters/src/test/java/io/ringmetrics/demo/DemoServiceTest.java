package io.ringmetrics.demo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the demo service as a real process, the way README command 1 does: it must serve live, changing metrics,
 * stop on SIGTERM with status 0, refuse a bad configuration with status 2, and export every metric the Grafana
 * dashboard queries.
 */
class DemoServiceTest
{
    private static final Pattern SERVING = Pattern.compile("serving http://([^:]+):(\\d+)/metrics");

    static ProcessBuilder demo()
    {
        final ProcessBuilder builder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            DemoService.class.getName());
        builder.environment().keySet().removeIf(k -> k.startsWith("METRICS_") || k.startsWith("PROMETHEUS_") ||
            k.startsWith("STATSD_") || k.startsWith("DEMO_"));
        builder.redirectErrorStream(true);
        return builder;
    }

    @Test
    void servesLiveMetricsStopsOnSigtermWithStatusZeroAndExportsEveryDashboardMetric() throws Exception
    {
        final ProcessBuilder builder = demo();
        builder.environment().put("METRICS_HTTP_PORT", "0");
        final Path log = Files.createTempFile("ringmetrics-demo", ".log");
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
                    assertEquals("127.0.0.1", m.group(1), "binds loopback by default");
                    port = Integer.parseInt(m.group(2));
                }
                else
                {
                    Thread.sleep(50);
                }
            }
            assertTrue(port > 0, "demo printed where it listens: " + Files.readString(log));
            assertTrue(Files.readString(log).contains("configuration: exporter=prometheus, prometheus_namespace=(none), " +
                "allow_removal=true, http=127.0.0.1:" + port + ' '), "the settings line shows the bound port, not 0: " +
                Files.readString(log));

            final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            final URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            Thread.sleep(500);
            final String first = http.send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            Thread.sleep(1500);
            final String second = http.send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            final long before = total(first, "http_requests_total");
            final long after = total(second, "http_requests_total");
            assertTrue(before > 0 && after > before, "live, changing values: " + before + " then " + after);
            assertNotEquals(-1, second.indexOf("jobs_completed_total{"));
            final String openMetrics = http.send(HttpRequest.newBuilder(metrics)
                .header("Accept", "application/openmetrics-text;version=1.0.0").build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(java.util.regex.Pattern.compile("\njob_queue_wait_seconds_bucket\\{le=\"[0-9.]+\"} \\d+ # " +
                "\\{span_id=\"[0-9a-f]{16}\",trace_id=\"[0-9a-f]{32}\"} [0-9.eE-]+ [0-9.]+\n").matcher(openMetrics).find(),
                "the demo's traced jobs leave exemplars on the queue wait buckets: " + openMetrics);

            for (final String name : dashboardMetricNames())
            {
                assertTrue(second.contains("\n" + name + "{") || second.contains("\n" + name + " "),
                    "the dashboard queries " + name + " but the demo does not export it");
            }

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "demo stops on SIGTERM");
            final String output = Files.readString(log);
            assertEquals(0, process.exitValue(), "exit status 0 after SIGTERM: " + output);
            assertTrue(output.contains("ringmetrics demo: stopped"), output);
        }
        finally
        {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    @Test
    void badConfigurationExitsWithStatusTwoAndSaysWhatIsWrong() throws Exception
    {
        final ProcessBuilder builder = demo();
        builder.environment().put("METRICS_MAX_METRICS", "lots");
        builder.environment().put("METRICS_HTTP_PORT", "0");
        final Process process = builder.start();
        try
        {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, process.exitValue(), output);
            assertTrue(output.contains("METRICS_MAX_METRICS='lots' is invalid; allowed: a whole number from 1 to"),
                output);
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    @Test
    void anAddressInUseExitsWithStatusTwo() throws Exception
    {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            final ProcessBuilder builder = demo();
            builder.environment().put("METRICS_HTTP_PORT", String.valueOf(taken.getLocalPort()));
            builder.environment().put("DEMO_WORKERS", "zero");
            final Process process = builder.start();
            try
            {
                assertTrue(process.waitFor(30, TimeUnit.SECONDS));
                final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(2, process.exitValue(), output);
                assertTrue(output.contains("DEMO_WORKERS='zero' is invalid"), output);
            }
            finally
            {
                process.destroyForcibly();
            }
            final ProcessBuilder second = demo();
            second.environment().put("METRICS_HTTP_PORT", String.valueOf(taken.getLocalPort()));
            final Process busy = second.start();
            try
            {
                assertTrue(busy.waitFor(30, TimeUnit.SECONDS));
                final String output = new String(busy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(2, busy.exitValue(), output);
                assertTrue(output.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), output);
            }
            finally
            {
                busy.destroyForcibly();
            }
        }
    }

    @Test
    void limitsTooSmallForTheDemoExitNonZeroAtOnceWithOneLineAndLeaveNothingListening() throws Exception
    {
        final int port = io.ringmetrics.exporter.it.FreePorts.tcp();
        final ProcessBuilder builder = demo();
        builder.environment().put("METRICS_MAX_METRICS", "3");
        builder.environment().put("METRICS_HTTP_PORT", String.valueOf(port));
        final long start = System.nanoTime();
        final Process process = builder.start();
        try
        {
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the demo must not keep running after a failed start");
            final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, process.exitValue(), output);
            assertTrue(output.startsWith("ringmetrics demo: cannot register the demo's metrics: ") &&
                output.contains("max_metrics=3"), output);
            assertEquals(1, output.strip().lines().count(), "one line, no stack trace: " + output);
            System.out.println("demo with METRICS_MAX_METRICS=3 exited " + process.exitValue() + " after " + millis +
                " ms (JVM start included)");
        }
        finally
        {
            process.destroyForcibly();
        }
        try (java.net.ServerSocket free = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            assertEquals(port, free.getLocalPort(), "nothing is left listening on the demo's port");
        }
    }

    private static long total(final String exposition, final String name)
    {
        long total = 0;
        for (final String line : exposition.split("\n"))
        {
            if (line.startsWith(name + "{"))
            {
                total += (long)Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** Metric names referenced by the dashboard's PromQL expressions. */
    static Set<String> dashboardMetricNames() throws IOException
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/grafana")))
        {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "docs/grafana not found above " + Path.of("").toAbsolutePath());
        final Set<String> names = new TreeSet<>();
        final Pattern expr = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
        final Pattern identifier = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
        final Set<String> promql = Set.of("sum", "rate", "irate", "increase", "by", "without", "histogram_quantile",
            "max", "min", "avg", "count", "topk", "bottomk", "le", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "clamp_min", "clamp_max", "abs", "delta", "deriv", "label_replace", "vector",
            "scalar", "time", "offset", "bool", "quantile", "stddev", "avg_over_time", "max_over_time");
        try (var files = Files.walk(dir.resolve("docs/grafana")))
        {
            for (final Path file : (Iterable<Path>)files.filter(p -> p.toString().endsWith(".json"))::iterator)
            {
                final Matcher m = expr.matcher(Files.readString(file));
                while (m.find())
                {
                    final String query = m.group(1)
                        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
                        .replaceAll("\\{[^}]*}", "").replaceAll("\\[[^]]*]", "")
                        .replaceAll("\\$\\w+", "").replaceAll("\\\\\"[^\\\\]*\\\\\"", "");
                    final Matcher id = identifier.matcher(query);
                    while (id.find())
                    {
                        final String token = id.group();
                        if (!promql.contains(token) && token.contains("_"))
                        {
                            names.add(token);
                        }
                    }
                }
            }
        }
        assertTrue(names.size() >= 5, "found dashboard metrics: " + names);
        return names;
    }
}
