package io.ringmetrics.exporter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the integration-test harness against the real programs: promtool, a Prometheus server
 * scraping a JDK HTTP server, and the Etsy StatsD daemon. Fails (does not skip) when the tools
 * are missing: run {@code .ci/install-test-deps.sh}.
 */
class RealComponentsSmokeTest {

    private static final Duration AWAIT = Duration.ofSeconds(20);

    @Test
    @Timeout(30)
    void promtoolAcceptsValidAndRejectsInvalidExpositions() {
        Promtool.assertClean("""
                # HELP demo_requests_total Requests served.
                # TYPE demo_requests_total counter
                demo_requests_total{path="/a"} 42
                # HELP demo_latency_seconds Request latency.
                # TYPE demo_latency_seconds histogram
                demo_latency_seconds_bucket{le="0.1"} 1
                demo_latency_seconds_bucket{le="+Inf"} 2
                demo_latency_seconds_sum 0.35
                demo_latency_seconds_count 2
                """);

        Promtool.Result noTotal = Promtool.checkMetrics("""
                # HELP demo_requests Requests served.
                # TYPE demo_requests counter
                demo_requests 42
                """);
        assertNotEquals(0, noTotal.exitCode(), noTotal.output());
        assertTrue(noTotal.output().contains("_total"), noTotal.output());

        Promtool.Result malformed = Promtool.checkMetrics("demo_requests_total{ 42\n");
        assertNotEquals(0, malformed.exitCode(), malformed.output());
        assertTrue(malformed.output().contains("parsing error"), malformed.output());
    }

    @Test
    @Timeout(30)
    void prometheusScrapesALoopbackTarget() throws IOException {
        HttpServer target = HttpServer.create(new InetSocketAddress(FreePorts.loopback(), 0), 0);
        target.createContext("/metrics", exchange -> {
            byte[] body = ("# HELP demo_requests_total Requests.\n"
                    + "# TYPE demo_requests_total counter\n"
                    + "demo_requests_total 42\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        target.start();
        try (PrometheusServer prom = PrometheusServer.start(target.getAddress().getPort())) {
            assertEquals(42.0, prom.awaitScalar("demo_requests_total", v -> v == 42.0, AWAIT));
            assertEquals(1.0, prom.awaitScalar("up", v -> v == 1.0, AWAIT));
            assertEquals(1, prom.querySeriesCount("up"));
            PrometheusServer.Sample s = prom.querySamples("demo_requests_total").get(0);
            assertEquals("ringmetrics", s.labels().get("job"));
            assertEquals(prom.target(), s.labels().get("instance"));
            assertTrue(Double.isNaN(prom.queryScalar("no_such_metric")));
        } finally {
            target.stop(0);
        }
    }

    @Test
    @Timeout(30)
    void statsdAggregatesCountersGaugesAndTimers() throws IOException {
        int port = FreePorts.udp();
        try (StatsdDaemon statsd = StatsdDaemon.startOnPort(port)) {
            assertEquals(port, statsd.port());
            try (DatagramSocket socket = new DatagramSocket(0, FreePorts.loopback())) {
                for (String line : new String[] {"a.b:3|c", "a.b:4|c", "g1:7|g", "t1:12|ms", "t1:12|ms", "t1:12|ms"}) {
                    byte[] b = line.getBytes(StandardCharsets.US_ASCII);
                    socket.send(new DatagramPacket(b, b.length, FreePorts.loopback(), port));
                }
            }
            StatsdDaemon.Snapshot s = statsd.await(x -> x.counter("a.b") == 7.0
                    && x.gauges().getOrDefault("g1", 0.0) == 7.0
                    && x.timerCounts().getOrDefault("t1", 0.0) == 3.0, AWAIT);
            assertEquals(36.0, s.timers().get("t1").sum());
            assertEquals(0.0, s.badLinesSeen());

            // totals survive further flushes (statsd itself resets counters every flush)
            statsd.awaitFlushes(3, AWAIT);
            assertEquals(7.0, statsd.counters().get("a.b"));
            assertEquals(3.0, statsd.timerCounts().get("t1"));
        }
    }
}
