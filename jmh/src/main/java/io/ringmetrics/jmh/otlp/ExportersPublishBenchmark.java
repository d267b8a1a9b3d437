package io.ringmetrics.jmh.otlp;

import io.ringmetrics.Counter;
import io.ringmetrics.Metrics;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.exporter.CompositeExporter;
import io.ringmetrics.exporter.MetricsFactory;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The caller's publish ({@code counter.increment()} on a handle, round-robin over 1 024 series) while the exporters
 * of {@code METRICS_EXPORTER} run: {@code prometheus} alone, or {@code prometheus,statsd,otlp}. All of them work
 * all along, far more often than in production: a background client scrapes {@code /metrics} every 100 ms, StatsD
 * flushes every 100 ms to a bound UDP socket nobody reads, OTLP exports every 100 ms to a
 * {@link LoopbackOtlpReceiver}. The exporters only take snapshots from the writer; the caller's cost should not
 * move. Figures for docs/benchmarks.md:
 * <pre>
 * nice -n 10 java -jar jmh/target/benchmarks.jar -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc ExportersPublishBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class ExportersPublishBenchmark
{
    private static final int SERIES = 1024;

    @Param({ "prometheus", "prometheus,statsd,otlp" })
    public String exporters;

    private LoopbackOtlpReceiver receiver;
    private DatagramChannel statsdSink;
    private Metrics metrics;
    private Counter[] counters;
    private Thread scraper;
    private volatile boolean stopping;
    private volatile long scrapes;
    private int next;

    @Setup
    public void setUp() throws Exception
    {
        receiver = new LoopbackOtlpReceiver();
        statsdSink = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final Map<String, String> env = new HashMap<>();
        env.put("METRICS_EXPORTER", exporters);
        env.put("METRICS_HTTP_PORT", "0");
        env.put("METRICS_LOG_EXPORT_ERRORS", "false");
        env.put("STATSD_HOST", "127.0.0.1");
        env.put("STATSD_PORT", Integer.toString(((InetSocketAddress)statsdSink.getLocalAddress()).getPort()));
        env.put("STATSD_FLUSH_INTERVAL_MS", "100");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        env.put("OTEL_METRIC_EXPORT_INTERVAL", "100");
        metrics = MetricsFactory.create(EnvironmentConfig.from(env));
        counters = new Counter[SERIES];
        for (int i = 0; i < SERIES; i++)
        {
            counters[i] = metrics.engine().counter("requests_total", "path", "/api/v1/resource/" + i);
        }
        final int port = CompositeExporter.find(metrics.exporter(), PrometheusExporter.class).orElseThrow().port();
        final HttpClient http = HttpClient.newHttpClient();
        final HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        scraper = new Thread(() ->
        {
            while (!stopping)
            {
                try
                {
                    try (InputStream body = http.send(scrape, HttpResponse.BodyHandlers.ofInputStream()).body())
                    {
                        body.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                    scrapes++;
                    Thread.sleep(100);
                }
                catch (final Exception ex)
                {
                    return;
                }
            }
        }, "scraper");
        scraper.setDaemon(true);
        scraper.start();
    }

    @Benchmark
    public void counterIncrement()
    {
        counters[next++ & (SERIES - 1)].increment();
    }

    @TearDown
    public void tearDown() throws Exception
    {
        stopping = true;
        scraper.join(5_000);
        metrics.close();
        System.out.printf("%n%s: %d scrapes, %d OTLP requests, %s%n", exporters, scrapes, receiver.requests(),
            metrics.engine().errors().entries(io.ringmetrics.error.ErrorType.Category.EXPORT));
        receiver.close();
        statsdSink.close();
    }
}
