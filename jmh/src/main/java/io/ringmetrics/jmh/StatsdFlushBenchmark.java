package io.ringmetrics.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.StatsdTagStyle;
import io.ringmetrics.exporter.statsd.StatsdConfig;
import io.ringmetrics.exporter.statsd.StatsdFlusher;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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

/**
 * StatsD exporter: one flush of {@code series} series that all changed since the previous flush (the worst case:
 * every series yields its lines), sent over UDP to a bound loopback socket that nobody reads (the kernel drops what
 * does not fit its buffer; the sender's cost is the same).
 *
 * <ul>
 *   <li>{@code flush}: {@code engine.snapshot()} + {@link StatsdFlusher#flush}: what the exporter thread does
 *       every interval.</li>
 *   <li>{@code flushOnly}: {@link StatsdFlusher#flush} of a snapshot taken in set-up: line building, packing and
 *       {@code send} only.</li>
 * </ul>
 * Workloads ({@code workload}): {@code counters} = {@code series} counters with labels {@code method} (4 values) and
 * {@code path} ({@code /api/v1/resource/<n>}), one line each; {@code mixed} = 80 % such counters, 15 % gauges, 5 %
 * histograms (each changed histogram gives 7 lines). Before every invocation ({@code Level.Invocation}, not
 * measured) each series is updated once and the engine is flushed.
 * <p>
 * The trial tear-down prints the flusher's totals: datagrams, payload bytes per datagram, lines per flush, largest
 * datagram. Figures for docs/statsd.md:
 * <pre>
 * java -jar jmh/target/benchmarks.jar -f 1 -wi 3 -i 5 StatsdFlushBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class StatsdFlushBenchmark {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    @Param({"10000"})
    public int series;

    @Param({"counters", "mixed"})
    public String workload;

    @Param({"NONE", "DOGSTATSD"})
    public String tagStyle;

    @Param({"1432"})
    public int maxPacketSize;

    private MetricsEngine engine;
    private DatagramChannel sink;
    private StatsdFlusher flusher;
    private Counter[] counters;
    private Gauge[] gauges;
    private Histogram[] histograms;
    private long round;
    private MetricsSnapshot snapshot;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        engine = MetricsEngine.start(EngineConfig.builder()
                .backpressure(BackpressurePolicy.BLOCK)
                .limits(MetricsResourceConfig.builder().maxLabelCombinations(2L * series + 100).build())
                .build());
        final boolean mixed = workload.equals("mixed");
        final int gaugeCount = mixed ? series * 15 / 100 : 0;
        final int histogramCount = mixed ? series * 5 / 100 : 0;
        final int counterCount = series - gaugeCount - histogramCount;
        counters = new Counter[counterCount];
        for (int i = 0; i < counterCount; i++) {
            counters[i] = engine.counter("http_requests_total", "method", METHODS[i & 3],
                    "path", "/api/v1/resource/" + (i >>> 2));
        }
        gauges = new Gauge[gaugeCount];
        for (int i = 0; i < gaugeCount; i++) {
            gauges[i] = engine.gauge("queue_depth", "queue", "queue-" + i);
        }
        histograms = new Histogram[histogramCount];
        for (int i = 0; i < histogramCount; i++) {
            histograms[i] = engine.histogram("http_request_duration_seconds", "route", "/api/v1/route/" + i);
        }
        sink = DatagramChannel.open();
        sink.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();
        flusher = new StatsdFlusher(StatsdConfig.builder()
                .host(InetAddress.getLoopbackAddress().getHostAddress())
                .port(port)
                .prefix("bench")
                .maxPacketSize(maxPacketSize)
                .tagStyle(StatsdTagStyle.valueOf(tagStyle))
                .build(), engine);
    }

    /** Changes every series, so that the next flush sends a line (or seven) for each. */
    @Setup(Level.Invocation)
    public void changeEverySeries() {
        round++;
        for (Counter c : counters) {
            c.increment();
        }
        for (Gauge g : gauges) {
            g.set(round);
        }
        for (int i = 0; i < histograms.length; i++) {
            histograms[i].observe(0.001 * ((round + i) % 1000 + 1));
        }
        snapshot = engine.snapshot();
    }

    @Benchmark
    public boolean flush() {
        return flusher.flush(engine.snapshot());
    }

    @Benchmark
    public boolean flushOnly() {
        return flusher.flush(snapshot);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        final StatsdFlusher.Stats s = flusher.stats();
        System.out.println();
        System.out.printf(Locale.ROOT, "[statsd %s %s %d series, max packet %d] flushes=%d failed=%d "
                        + "datagrams/flush=%.1f lines/flush=%.1f bytes/datagram=%.1f (%.1f%% of max) "
                        + "largest=%d bytes/line=%.1f%n",
                workload, tagStyle, series, maxPacketSize, s.flushes(), s.failedFlushes(),
                (double) s.datagrams() / s.flushes(), (double) s.lines() / s.flushes(), s.bytesPerDatagram(),
                100.0 * s.bytesPerDatagram() / maxPacketSize, s.largestDatagram(),
                s.lines() == 0 ? 0.0 : (double) s.bytes() / s.lines());
        flusher.close();
        engine.close();
        try {
            sink.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
