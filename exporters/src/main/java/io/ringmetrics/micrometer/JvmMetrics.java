package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * JVM and process metrics from Micrometer's own binders, bound to a registry (normally a
 * {@link RingMetricsMeterRegistry}, so they are served with the engine's metrics). Off unless a service binds them.
 * <table>
 *   <caption>What is bound (names as exposed)</caption>
 *   <tr><td>memory pools and buffers</td><td>{@link JvmMemoryMetrics}: {@code jvm_memory_used_bytes},
 *       {@code jvm_memory_committed_bytes}, {@code jvm_memory_max_bytes}, {@code jvm_buffer_*}</td></tr>
 *   <tr><td>GC pauses, allocation</td><td>{@link JvmGcMetrics}: {@code jvm_gc_pause_seconds},
 *       {@code jvm_gc_memory_allocated_bytes_total}, {@code jvm_gc_live_data_size_bytes}, ...</td></tr>
 *   <tr><td>threads</td><td>{@link JvmThreadMetrics}: {@code jvm_threads_live_threads},
 *       {@code jvm_threads_states_threads{state}}, ...</td></tr>
 *   <tr><td>classes</td><td>{@link ClassLoaderMetrics}: {@code jvm_classes_loaded_classes}, ...</td></tr>
 *   <tr><td>CPU</td><td>{@link ProcessorMetrics}: {@code system_cpu_count}, {@code process_cpu_usage},
 *       {@code system_load_average_1m}, ...</td></tr>
 *   <tr><td>file descriptors</td><td>{@link FileDescriptorMetrics}: {@code process_files_open_files},
 *       {@code process_files_max_files}</td></tr>
 *   <tr><td>uptime</td><td>{@link UptimeMetrics}: {@code process_uptime_seconds},
 *       {@code process_start_time_seconds}</td></tr>
 * </table>
 * Two of the binders' meters are adjusted by a {@link MeterFilter} so that {@code promtool check metrics} is clean:
 * the gauge {@code system.cpu.count} is exposed as {@code system_cpu_processors} (a gauge may not end in
 * {@code _count}), and the function counter {@code process.cpu.time} is left out (Micrometer counts it in
 * nanoseconds, promtool wants seconds and a filter cannot convert values; {@code process_cpu_usage} covers CPU).
 * The filter only touches these two ids.
 * <p>
 * The gauges among them are sampled at snapshot time, on the exporter thread; GC pauses are recorded by the JVM's
 * notification thread into an engine histogram.
 */
public final class JvmMetrics implements AutoCloseable
{
    /** Renames the two binder meters whose Prometheus names promtool refuses; see the class comment. */
    static final MeterFilter PROMTOOL_CLEAN_NAMES = new MeterFilter()
    {
        @Override
        public MeterFilterReply accept(final Meter.Id id)
        {
            return "process.cpu.time".equals(id.getName()) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }

        @Override
        public Meter.Id map(final Meter.Id id)
        {
            if ("system.cpu.count".equals(id.getName()))
            {
                return id.withName("system.cpu.processors");
            }
            return id;
        }
    };

    private final JvmGcMetrics gc = new JvmGcMetrics();

    private JvmMetrics()
    {
    }

    /**
     * Binds every JVM and process binder listed above.
     *
     * @param registry where to register them.
     * @return a handle whose {@link #close()} stops listening for GC notifications (the meters stay registered).
     */
    public static JvmMetrics bindTo(final MeterRegistry registry)
    {
        registry.config().meterFilter(PROMTOOL_CLEAN_NAMES);
        final JvmMetrics jvm = new JvmMetrics();
        final MeterBinder[] binders = {
            new JvmMemoryMetrics(), jvm.gc, new JvmThreadMetrics(), new ClassLoaderMetrics(), new ProcessorMetrics(),
            new FileDescriptorMetrics(), new UptimeMetrics() };
        for (final MeterBinder binder : binders)
        {
            binder.bindTo(registry);
        }
        return jvm;
    }

    /** Stops listening for GC notifications. */
    @Override
    public void close()
    {
        gc.close();
    }
}
