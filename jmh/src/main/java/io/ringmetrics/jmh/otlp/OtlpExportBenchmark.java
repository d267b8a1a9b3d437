package io.ringmetrics.jmh.otlp;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.OtlpSettings;
import io.ringmetrics.exporter.otlp.OtlpSnapshotMapper;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.limits.MetricsResourceConfig;
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

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One OTLP/HTTP export of {@code series} cumulative counter series ({@code requests_total}, labels {@code method}
 * (4 values) and {@code path}), posted to a {@link LoopbackOtlpReceiver} and waited for, by three peers holding the
 * same series:
 * <ul>
 *   <li>{@code ringmetrics}: what the otlp exporter's thread does per interval: {@code engine.snapshot()},
 *       {@link OtlpSnapshotMapper#map}, the OTel SDK's {@code OtlpHttpMetricExporter.export} (JDK sender), join;</li>
 *   <li>{@code otelSdk}: the OTel SDK's own {@code PeriodicMetricReader} over the same exporter:
 *       {@code forceFlush()} (collect + export), join;</li>
 *   <li>{@code micrometer}: Micrometer's {@code OtlpMeterRegistry}: its {@code publish()} (protected, called
 *       reflectively), which posts synchronously.</li>
 * </ul>
 * Time per export (ms/op) on the calling thread; run with {@code -prof gc} for B/op (allocation of every thread of
 * the JVM, the receiver's included, the same for each peer). Figures for docs/benchmarks.md:
 * <pre>
 * nice -n 10 java -jar jmh/target/benchmarks.jar -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc OtlpExportBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class OtlpExportBenchmark
{
    private static final String[] METHODS = { "GET", "POST", "PUT", "DELETE" };
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("method");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("path");

    @Param({ "1000", "10000" })
    public int series;

    @Param({ "ringmetrics", "otelSdk", "micrometer" })
    public String peer;

    private LoopbackOtlpReceiver receiver;

    private MetricsEngine engine;
    private OtlpSnapshotMapper mapper;
    private OtlpHttpMetricExporter exporter;

    private SdkMeterProvider meterProvider;
    private PeriodicMetricReader reader;

    private OtlpMeterRegistry registry;
    private Method publish;

    @Setup
    public void setUp() throws Exception
    {
        receiver = new LoopbackOtlpReceiver();
        switch (peer)
        {
            case "ringmetrics":
                engine = MetricsEngine.start(EngineConfig.builder().limits(MetricsResourceConfig.builder()
                    .maxLabelCombinations(series + 100).build()).build());
                for (int i = 0; i < series; i++)
                {
                    engine.counter("requests_total", "method", METHODS[i & 3], "path", "/api/v1/resource/" + i)
                        .increment();
                }
                engine.flush();
                mapper = OtlpSnapshotMapper.forEngine(OtlpSettings.builder().serviceName("bench").build(), null,
                    engine);
                exporter = OtlpHttpMetricExporter.builder().setEndpoint(receiver.metricsUrl()).build();
                break;
            case "otelSdk":
                reader = PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                    .setEndpoint(receiver.metricsUrl()).build()).setInterval(Duration.ofHours(1)).build();
                meterProvider = SdkMeterProvider.builder()
                    .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "bench"))))
                    .registerMetricReader(reader, type -> series + 100)
                    .build();
                final LongCounter counter = meterProvider.get("bench").counterBuilder("requests").build();
                for (int i = 0; i < series; i++)
                {
                    counter.add(1, Attributes.of(METHOD, METHODS[i & 3], PATH, "/api/v1/resource/" + i));
                }
                break;
            case "micrometer":
                final String url = receiver.metricsUrl();
                final OtlpConfig config = new OtlpConfig()
                {
                    @Override
                    public String get(final String key)
                    {
                        return null;
                    }

                    @Override
                    public String url()
                    {
                        return url;
                    }

                    @Override
                    public Duration step()
                    {
                        return Duration.ofHours(1);
                    }

                    @Override
                    public Map<String, String> resourceAttributes()
                    {
                        return Map.of("service.name", "bench");
                    }
                };
                registry = new OtlpMeterRegistry(config, Clock.SYSTEM);
                for (int i = 0; i < series; i++)
                {
                    Counter.builder("requests").tag("method", METHODS[i & 3]).tag("path", "/api/v1/resource/" + i)
                        .register(registry).increment();
                }
                publish = OtlpMeterRegistry.class.getDeclaredMethod("publish");
                publish.setAccessible(true);
                break;
            default:
                throw new IllegalArgumentException(peer);
        }
        export(); // one export before measuring: every peer has sent once
        if (receiver.requests() != 1)
        {
            throw new IllegalStateException(peer + ": the receiver got " + receiver.requests() + " requests");
        }
    }

    @Benchmark
    public long export() throws Exception
    {
        switch (peer)
        {
            case "ringmetrics":
                final List<MetricData> metrics = mapper.map(engine.snapshot());
                if (!exporter.export(metrics).join(30, TimeUnit.SECONDS).isSuccess())
                {
                    throw new IllegalStateException("export failed");
                }
                mapper.commit();
                return metrics.size();
            case "otelSdk":
                if (!reader.forceFlush().join(30, TimeUnit.SECONDS).isSuccess())
                {
                    throw new IllegalStateException("export failed");
                }
                return 1;
            default:
                publish.invoke(registry);
                return 2;
        }
    }

    @TearDown
    public void tearDown()
    {
        System.out.printf("%n%s, %d series: %d requests, %d bytes per request%n", peer, series, receiver.requests(),
            receiver.bytes() / Math.max(1, receiver.requests()));
        if (engine != null)
        {
            exporter.shutdown().join(10, TimeUnit.SECONDS);
            engine.close();
        }
        if (meterProvider != null)
        {
            meterProvider.shutdown().join(10, TimeUnit.SECONDS);
        }
        if (registry != null)
        {
            registry.close();
        }
        receiver.close();
    }
}
