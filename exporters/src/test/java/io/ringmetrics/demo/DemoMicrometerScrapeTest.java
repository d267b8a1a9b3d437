package io.ringmetrics.demo;

import io.ringmetrics.exporter.it.PrometheusServer;
import io.ringmetrics.exporter.it.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 end to end: the demo runs as a real process, a real Prometheus (127.0.0.1, scrape every second)
 * scrapes it, and the series of its Micrometer-instrumented code and of Micrometer's JVM binders are queryable,
 * with the values Micrometer's code produced (a timer's count and SLO buckets, a counter, a gauge); promtool finds
 * nothing to complain about in the same exposition.
 */
@Timeout(180)
class DemoMicrometerScrapeTest
{
    private static final Pattern SERVING = Pattern.compile("serving http://([^:]+):(\\d+)/metrics");
    private static final Duration AWAIT = Duration.ofSeconds(60);

    @Test
    void prometheusQueriesMicrometerAndJvmSeriesOfTheDemo() throws Exception
    {
        final ProcessBuilder builder = DemoServiceTest.demo();
        builder.environment().put("METRICS_HTTP_PORT", "0");
        final Path log = Files.createTempFile("ringmetrics-demo-micrometer", ".log");
        builder.redirectOutput(log.toFile());
        final Process process = builder.start();
        try
        {
            int port = -1;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (port < 0 && System.nanoTime() < deadline && process.isAlive())
            {
                final Matcher m = SERVING.matcher(Files.readString(log));
                if (m.find())
                {
                    port = Integer.parseInt(m.group(2));
                }
                else
                {
                    Thread.sleep(50);
                }
            }
            assertTrue(port > 0, "demo printed where it listens: " + Files.readString(log));

            try (PrometheusServer prom = PrometheusServer.start(port))
            {
                assertEquals(1.0, prom.awaitScalar("up", v -> v == 1.0, AWAIT), prom::describe);
                // Micrometer-instrumented code: timer (count, SLO bucket), counter, summary, gauge
                assertTrue(prom.awaitScalar("sum(http_server_requests_seconds_count)", v -> v > 0, AWAIT) > 0);
                assertTrue(prom.querySeriesCount(
                    "http_server_requests_seconds_bucket{le=\"0.025\",method=\"GET\"}") >= 1, prom::describe);
                assertTrue(prom.awaitScalar("model_downloads_total", v -> v > 0, AWAIT) > 0);
                assertTrue(prom.awaitScalar("model_download_size_bytes_count", v -> v > 0, AWAIT) > 0);
                assertTrue(prom.awaitScalar("model_cache_entries", v -> v > 0, AWAIT) > 0);
                // JVM binders
                assertTrue(prom.querySeriesCount("jvm_memory_used_bytes{area=\"heap\"}") >= 1, prom::describe);
                assertTrue(prom.queryScalar("jvm_threads_live_threads") > 1);
                assertTrue(prom.queryScalar("jvm_classes_loaded_classes") > 100);
                assertTrue(prom.queryScalar("process_uptime_seconds") > 0);
                assertTrue(prom.queryScalar("process_files_open_files") > 0);
                assertTrue(prom.queryScalar("system_cpu_processors") >= 1);
                // nothing was refused along the way
                assertEquals(0.0, prom.queryScalar("sum(metrics_validation_errors_total) or vector(0)"));
            }

            final String text = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .header("Accept", "text/plain;version=0.0.4").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(text.contains("\njvm_gc_memory_allocated_bytes_total "), text);
            Promtool.assertClean(text);
        }
        finally
        {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
    }
}
