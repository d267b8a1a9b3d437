package io.ringmetrics.jmh.peers;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.PATH;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Prometheus client_java: cost of one scrape of a registry holding {@code series} counter series.
 *
 * <p>One Counter with two labels, {@code method} (4 values) and {@code path} ({@code series / 4}
 * values), with {@code series} label combinations, each incremented once.
 *
 * <ul>
 *   <li>{@code scrape}: {@code registry.scrape()} + {@code PrometheusTextFormatWriter.write(...)} into a
 *       reused {@link ByteArrayOutputStream} (reset every operation), i.e. the whole
 *       {@code /metrics} request minus the HTTP layer.</li>
 *   <li>{@code snapshotOnly}: {@code registry.scrape()} alone.</li>
 *   <li>{@code writeOnly}: text formatting of a snapshot taken once in set-up.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class ClientJavaScrapeBenchmark {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    @Param({"1000", "10000", "100000"})
    public int series;

    private PrometheusRegistry registry;
    private PrometheusTextFormatWriter writer;
    private ByteArrayOutputStream out;
    private MetricSnapshots snapshot;

    @Setup
    public void setup() throws IOException {
        registry = new PrometheusRegistry();
        Counter counter = Counter.builder().name(COUNTER_NAME).labelNames(METHOD, PATH).register(registry);
        for (int i = 0; i < series; i++) {
            counter.labelValues(METHODS[i & 3], "/api/v1/resource/" + (i >>> 2)).inc();
        }
        writer = PrometheusTextFormatWriter.create();
        out = new ByteArrayOutputStream(1 << 20);
        snapshot = registry.scrape();
        writer.write(out, snapshot);
        int lines = 0;
        for (byte b : out.toByteArray()) {
            if (b == '\n') {
                lines++;
            }
        }
        // HELP/TYPE lines aside, one line per series.
        if (lines < series) {
            throw new IllegalStateException("expected " + series + " series, exposition has " + lines + " lines");
        }
    }

    @Benchmark
    public int scrape() throws IOException {
        MetricSnapshots snapshots = registry.scrape();
        out.reset();
        writer.write(out, snapshots);
        return out.size();
    }

    @Benchmark
    public MetricSnapshots snapshotOnly() {
        return registry.scrape();
    }

    @Benchmark
    public int writeOnly() throws IOException {
        out.reset();
        writer.write(out, snapshot);
        return out.size();
    }
}
