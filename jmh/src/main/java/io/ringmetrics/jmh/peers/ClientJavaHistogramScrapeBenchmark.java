package io.ringmetrics.jmh.peers;

import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.PATH;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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
 * client_java 1.10's own histogram (classic default buckets and native schema 5, its defaults), {@code series}
 * label combinations with the observations of {@code HistogramScrapeBenchmark}: {@code registry.scrape()} and its
 * {@code PrometheusProtobufWriter}, as its HTTP server answers a protobuf scrape.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class ClientJavaHistogramScrapeBenchmark {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    @Param({"1000", "10000"})
    public int series;

    private PrometheusRegistry registry;
    private ExpositionFormatWriter protobuf;
    private ByteArrayOutputStream out;

    @Setup
    public void setup() throws IOException {
        registry = new PrometheusRegistry();
        Histogram histogram = Histogram.builder().name(HISTOGRAM_NAME).help("Request duration.")
                .labelNames(METHOD, PATH).register(registry);
        for (int i = 0; i < series; i++) {
            java.util.Random random = new java.util.Random(i); // as HistogramScrapeBenchmark.observations(i)
            var point = histogram.labelValues(METHODS[i & 3], "/api/v1/resource/" + (i >>> 2));
            for (int n = 0; n < 200; n++) {
                point.observe(Math.exp(Math.log(0.02) + 0.6 * random.nextGaussian()));
            }
        }
        protobuf = ExpositionFormats.init().getPrometheusProtobufWriter();
        if (!protobuf.isAvailable()) {
            throw new IllegalStateException("client_java's protobuf writer is not on the class path");
        }
        out = new ByteArrayOutputStream(1 << 22);
        protobuf.write(out, registry.scrape());
        if (out.size() < series * 100) {
            throw new IllegalStateException("exposition too small for " + series + " histograms: " + out.size());
        }
    }

    @Benchmark
    public int scrapeProtobuf() throws IOException {
        out.reset();
        protobuf.write(out, registry.scrape());
        return out.size();
    }
}
