package io.ringmetrics.jmh;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.SlotAllocator;
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
 * The name + labels lookup alone ({@code SeriesRegistry.find}), without the ring publish that
 * {@link RingMetricsBenchmark}'s {@code *ByLabels} benchmarks add to it. No engine, no writer thread: a registry
 * holding the series {@code http_requests{method="GET", path="/api"}} and {@code series - 1} others of the same
 * metric ({@code path} = a distinct string each).
 *
 * <ul>
 *   <li>{@code findInOrder}: {@code find(type, name, k1, v1, k2, v2)} with the pairs in canonical order and the
 *       very string constants the series was registered with (reference equality).</li>
 *   <li>{@code findReversed}: the same pairs in the other order.</li>
 *   <li>{@code findEqualStrings}: equal strings that are other objects (no reference match: {@code equals}).</li>
 *   <li>{@code findVarargs}: the {@code String[]} form (what the varargs API calls), pairs in canonical order.</li>
 *   <li>{@code findSpread}: a different series every op, cycling over all {@code series} of them (the table and
 *       the descriptors no longer all sit in cache at 100 000 series).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class RegistryLookupBenchmark {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    /** Series of the metric in the registry. */
    @Param({"1", "100000"})
    public int series;

    private SeriesRegistry registry;
    private String[] canonicalPairs;
    private String equalName;
    private String equalMethod;
    private String equalMethodValue;
    private String equalPath;
    private String equalPathValue;
    private String[] spreadMethods;
    private String[] spreadPaths;
    private int next;

    @Setup
    public void setup() {
        MetricsResourceConfig limits = MetricsResourceConfig.builder().maxLabelCombinations(series).build();
        registry = new SeriesRegistry(limits, new SlotAllocator(SeriesRegistry.slotCapacity(limits)), Set.of(),
                HistogramSpec.DEFAULT_SECONDS);
        spreadMethods = new String[series];
        spreadPaths = new String[series];
        spreadMethods[0] = METHOD_VALUE;
        spreadPaths[0] = PATH_VALUE;
        for (int i = 1; i < series; i++) {
            spreadMethods[i] = METHODS[i & 3];
            spreadPaths[i] = "/api/v1/resource/" + i;
        }
        for (int i = 0; i < series; i++) {
            registry.register(MetricType.COUNTER, COUNTER_NAME, null, null,
                    new String[] {METHOD, spreadMethods[i], PATH, spreadPaths[i]});
        }
        canonicalPairs = new String[] {METHOD, METHOD_VALUE, PATH, PATH_VALUE};
        equalName = new String(COUNTER_NAME);
        equalMethod = new String(METHOD);
        equalMethodValue = new String(METHOD_VALUE);
        equalPath = new String(PATH);
        equalPathValue = new String(PATH_VALUE);
        if (findEqualStrings() != findInOrder() || findReversed() != findInOrder() || findVarargs() != findInOrder()
                || findInOrder() == null) {
            throw new IllegalStateException("lookups disagree");
        }
    }

    @Benchmark
    public SeriesDescriptor findInOrder() {
        return registry.find(MetricType.COUNTER, COUNTER_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE);
    }

    @Benchmark
    public SeriesDescriptor findReversed() {
        return registry.find(MetricType.COUNTER, COUNTER_NAME, PATH, PATH_VALUE, METHOD, METHOD_VALUE);
    }

    @Benchmark
    public SeriesDescriptor findEqualStrings() {
        return registry.find(MetricType.COUNTER, equalName, equalMethod, equalMethodValue, equalPath,
                equalPathValue);
    }

    @Benchmark
    public SeriesDescriptor findVarargs() {
        return registry.find(MetricType.COUNTER, COUNTER_NAME, canonicalPairs);
    }

    @Benchmark
    public SeriesDescriptor findSpread() {
        int i = next;
        next = i + 1 == series ? 0 : i + 1;
        return registry.find(MetricType.COUNTER, COUNTER_NAME, METHOD, spreadMethods[i], PATH, spreadPaths[i]);
    }
}
