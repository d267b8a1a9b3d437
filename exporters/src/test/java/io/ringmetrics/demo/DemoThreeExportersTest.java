package io.ringmetrics.demo;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.ringmetrics.exporter.it.OtlpTestReceiver;
import io.ringmetrics.exporter.it.StatsdDaemon;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo service with {@code METRICS_EXPORTER=prometheus,statsd,otlp}, as a real process: it serves its scrape
 * endpoint, pushes to the real Etsy StatsD daemon and to an OTLP/HTTP receiver at once, and all three get its
 * metrics; SIGTERM still stops it with status 0.
 */
class DemoThreeExportersTest
{
    private static final Pattern SERVING = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern REQUESTS = Pattern.compile("(?m)^http_requests_total\\{[^}]*} (\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void prometheusStatsdAndOtlpAllReceiveTheDemosMetrics() throws Exception
    {
        try (StatsdDaemon statsd = StatsdDaemon.start(); OtlpTestReceiver collector = OtlpTestReceiver.start())
        {
            final ProcessBuilder builder = DemoServiceTest.demo();
            builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_"));
            builder.environment().put("METRICS_EXPORTER", "prometheus,statsd,otlp");
            builder.environment().put("METRICS_HTTP_PORT", "0");
            builder.environment().put("STATSD_HOST", "127.0.0.1");
            builder.environment().put("STATSD_PORT", Integer.toString(statsd.port()));
            builder.environment().put("STATSD_FLUSH_INTERVAL_MS", "200");
            builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
            builder.environment().put("OTEL_METRIC_EXPORT_INTERVAL", "200");
            builder.environment().put("OTEL_SERVICE_NAME", "transcription-demo");
            final Path log = Files.createTempFile("ringmetrics-demo-three", ".log");
            builder.redirectOutput(log.toFile());
            final Process process = builder.start();
            try
            {
                int port = -1;
                final String lastStartLine = "exporting with otlp to "; // the exporters report after the server
                final long deadline = System.nanoTime() + WAIT.toNanos();
                while (System.nanoTime() < deadline && process.isAlive())
                {
                    final String soFar = Files.readString(log);
                    final Matcher m = SERVING.matcher(soFar);
                    if (m.find() && soFar.contains(lastStartLine))
                    {
                        port = Integer.parseInt(m.group(1));
                        break;
                    }
                    Thread.sleep(50);
                }
                final String started = Files.readString(log);
                assertTrue(port > 0, "the demo serves its scrape endpoint: " + started);
                assertTrue(started.contains("configuration: exporter=prometheus,statsd,otlp, "), started);
                assertTrue(started.contains("exporting with statsd to 127.0.0.1:" + statsd.port()), started);
                assertTrue(started.contains("exporting with otlp to " + collector.endpoint() + "/v1/metrics"), started);

                // StatsD: the real daemon counts the demo's requests.
                statsd.await(s -> s.counters().entrySet().stream()
                    .anyMatch(e -> e.getKey().startsWith("http_requests_total") && e.getValue() > 0), WAIT);

                // OTLP: the receiver decodes the demo's requests, with the resource from OTEL_SERVICE_NAME.
                final List<OtlpTestReceiver.Received> otlp = collector.await(r -> r.stream().anyMatch(x ->
                    x.metrics().stream().anyMatch(DemoThreeExportersTest::hasRequests)), WAIT);
                assertEquals("transcription-demo", otlp.get(otlp.size() - 1).resource().get("service.name"));

                // Prometheus: the scrape endpoint serves them too.
                final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                final String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port +
                    "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                final Matcher requests = REQUESTS.matcher(body);
                assertTrue(requests.find() && Long.parseLong(requests.group(1)) > 0, body);

                process.destroy(); // SIGTERM: each exporter's final push, then exit 0
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "demo stops on SIGTERM");
                final String output = Files.readString(log);
                assertEquals(0, process.exitValue(), output);
                assertTrue(output.contains("ringmetrics demo: stopped"), output);
                assertTrue(!output.contains("Metrics export via"), "no export failed: " + output);
            }
            finally
            {
                process.destroyForcibly();
                Files.deleteIfExists(log);
            }
        }
    }

    private static boolean hasRequests(final Metric metric)
    {
        return metric.getName().equals("http_requests_total") && metric.getSum().getIsMonotonic() &&
            metric.getSum().getDataPointsList().stream().anyMatch(p -> p.getAsInt() > 0);
    }
}
