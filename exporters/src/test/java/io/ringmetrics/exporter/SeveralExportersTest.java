package io.ringmetrics.exporter;

import io.ringmetrics.Counter;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsExporter;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.exporter.it.OtlpTestReceiver;
import io.ringmetrics.exporter.it.StatsdDaemon;
import io.ringmetrics.exporter.otlp.OtlpExporter;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.exporter.statsd.StatsdExporter;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code METRICS_EXPORTER=prometheus,statsd,otlp}: three exporters on one engine, each on its own threads with its
 * own snapshots, so that a stalled StatsD daemon and an OTLP collector that holds every request never delay a
 * Prometheus scrape; a start-up failure of one leaves none running.
 */
class SeveralExportersTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern SAMPLE = Pattern.compile("(?m)^orders_total (\\d+)");

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aStalledStatsdDaemonAndAHangingCollectorNeverDelayAPrometheusScrape() throws Exception
    {
        try (StatsdDaemon statsd = StatsdDaemon.startTcp(); OtlpTestReceiver collector = OtlpTestReceiver.start())
        {
            final Map<String, String> env = new HashMap<>();
            env.put("METRICS_EXPORTER", "otlp,statsd,prometheus");
            env.put("METRICS_HTTP_PORT", "0");
            env.put("STATSD_HOST", "127.0.0.1");
            env.put("STATSD_PORT", Integer.toString(statsd.port()));
            env.put("STATSD_PROTOCOL", "tcp");
            env.put("STATSD_FLUSH_INTERVAL_MS", "50");
            env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint());
            env.put("OTEL_METRIC_EXPORT_INTERVAL", "50");
            env.put("OTEL_EXPORTER_OTLP_TIMEOUT", "60s"); // an export waits for the held request all along
            final Metrics metrics = MetricsFactory.create(EnvironmentConfig.from(env));
            try
            {
                final CompositeExporter composite = assertInstanceOf(CompositeExporter.class, metrics.exporter());
                assertEquals(List.of("prometheus", "statsd", "otlp"),
                    composite.exporters().stream().map(e -> e.name()).toList(), "one of each, in a fixed order");
                final int port = CompositeExporter.find(composite, PrometheusExporter.class).orElseThrow().port();
                final Counter orders = metrics.engine().counter("orders_total");

                statsd.suspend();  // alive but not reading (SIGSTOP)
                collector.hang();  // takes requests and never answers
                orders.increment();
                final long deadline = System.nanoTime() + WAIT.toNanos();
                while (collector.held() == 0 && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                }
                assertTrue(collector.held() > 0, "the OTLP exporter is stuck in a request");

                for (int i = 2; i <= 21; i++)
                {
                    orders.increment();
                    final HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, scrape.statusCode());
                    final Matcher m = SAMPLE.matcher(scrape.body());
                    assertTrue(m.find(), scrape.body());
                    assertEquals(i, Long.parseLong(m.group(1)), "the scrape sees every increment made before it");
                }
                assertTrue(collector.held() > 0, "the collector held the OTLP exporter all along");

                statsd.resume();
                collector.release();
                metrics.close(); // each exporter's final push
                assertEquals(21.0, statsd.await(s -> s.counter("orders_total") >= 21, WAIT).counter("orders_total"),
                    "StatsD got every increment once");
                long latest = 0;
                long latestTime = -1;
                for (final OtlpTestReceiver.Received r : collector.received())
                {
                    for (final Metric metric : r.metrics())
                    {
                        if (metric.getName().equals("orders_total"))
                        {
                            for (final NumberDataPoint p : metric.getSum().getDataPointsList())
                            {
                                if (p.getTimeUnixNano() >= latestTime)
                                {
                                    latestTime = p.getTimeUnixNano();
                                    latest = p.getAsInt();
                                }
                            }
                        }
                    }
                }
                assertEquals(21, latest, "the collector got the total");
            }
            finally
            {
                statsd.resume();
                collector.release();
                metrics.close();
            }
        }
    }

    @Test
    void anExporterThatCannotStartLeavesNoneRunning() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final Map<String, String> env = Map.of("METRICS_EXPORTER", "statsd,otlp,prometheus",
                "METRICS_HTTP_PORT", Integer.toString(taken.getLocalPort()),
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", "STATSD_HOST", "127.0.0.1");
            final ConfigurationException ex = assertThrows(ConfigurationException.class,
                () -> MetricsFactory.create(EnvironmentConfig.from(env)));
            assertTrue(ex.getMessage().contains(Integer.toString(taken.getLocalPort())), ex.getMessage());
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (exporterThreads() > 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertEquals(0, exporterThreads(), "no exporter thread left running");
        }
    }

    private static long exporterThreads()
    {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() &&
            (t.getName().equals("ringmetrics-statsd") || t.getName().equals("ringmetrics-otlp"))).count();
    }

    @Test
    void theProgrammaticEquivalentRunsTheGivenExportersAndRefusesTwoOfOneName()
    {
        final IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
            () -> CompositeExporter.of(new NullExporter(), new NullExporter()));
        assertEquals("two exporters named 'null'; each exporter may run once (its name labels its errors)",
            twice.getMessage());
        final NullExporter one = new NullExporter();
        final MetricsExporter two = MetricsFactory.statsdExporter("127.0.0.1", 9);
        final Metrics metrics = MetricsFactory.withExporters(one, two);
        try
        {
            assertTrue(one.engine() == metrics.engine(), "every exporter runs on the one engine");
            assertTrue(CompositeExporter.find(metrics.exporter(), StatsdExporter.class).orElseThrow() == two);
            assertTrue(CompositeExporter.find(metrics.exporter(), OtlpExporter.class).isEmpty());
        }
        finally
        {
            metrics.close();
        }
        assertTrue(one.isClosed(), "closing the metrics closes every exporter");
    }
}
