package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopDistributionSummary;
import io.micrometer.core.instrument.noop.NoopFunctionCounter;
import io.micrometer.core.instrument.noop.NoopFunctionTimer;
import io.micrometer.core.instrument.noop.NoopGauge;
import io.micrometer.core.instrument.noop.NoopLongTaskTimer;
import io.micrometer.core.instrument.noop.NoopMeter;
import io.micrometer.core.instrument.noop.NoopTimer;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorHandler;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.registry.MetricFamily;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import io.ringmetrics.snapshot.SnapshotSampler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * A Micrometer {@link MeterRegistry} backed by a {@link MetricsEngine}: code instrumented with Micrometer (directly
 * or through Spring Boot, Kafka, Hibernate, Netty, ...) publishes into the engine's rings and is served by the
 * engine's exporters (Prometheus, StatsD) next to the engine's own metrics.
 * <pre>{@code
 * MeterRegistry registry = new RingMetricsMeterRegistry(metrics);       // metrics: an io.ringmetrics.Metrics
 * Timer timer = Timer.builder("http.server.requests").tag("uri", "/api").register(registry);
 * timer.record(12, TimeUnit.MILLISECONDS);   // http_server_requests_seconds{uri="/api"}: one ring publish
 * }</pre>
 * <b>Meters.</b>
 * <table>
 *   <caption>How each meter type maps onto the engine</caption>
 *   <tr><th>Micrometer</th><th>engine</th><th>update cost</th></tr>
 *   <tr><td>Counter</td><td>counter {@code <name>_total}</td><td>one ring publish</td></tr>
 *   <tr><td>Timer</td><td>histogram {@code <name>_seconds} ({@link DistributionShape})</td>
 *       <td>one ring publish</td></tr>
 *   <tr><td>DistributionSummary</td><td>histogram {@code <name>[_<unit>]}</td><td>one ring publish</td></tr>
 *   <tr><td>Gauge, TimeGauge, MultiGauge</td><td>gauge {@code <name>[_<unit>]}</td><td>sampled</td></tr>
 *   <tr><td>FunctionCounter</td><td>counter {@code <name>_total}</td><td>sampled</td></tr>
 *   <tr><td>FunctionTimer</td><td>counter {@code <name>_count_total}, gauge {@code <name>_time_seconds}</td>
 *       <td>sampled</td></tr>
 *   <tr><td>LongTaskTimer</td><td>gauges {@code <name>_active_tasks}, {@code <name>_duration_seconds},
 *       {@code <name>_max_seconds}</td><td>Micrometer's, then sampled</td></tr>
 *   <tr><td>custom Meter</td><td>a gauge per measurement ({@link SampledCustomMeter})</td><td>sampled</td></tr>
 * </table>
 * Names and tags follow Micrometer's Prometheus convention ({@link PrometheusStyleNaming}); tags become labels.
 * "Sampled" meters are read just before each engine snapshot, on the snapshotting (exporter) thread, never on the
 * writer or an update path ({@link SnapshotSampler}); they keep Micrometer's weak reference to the observed object.
 * <p>
 * <b>Rejections.</b> A meter the engine refuses (invalid name or label, a name registered with another type or
 * other label names, {@code max_metrics}) is counted and logged by the {@link ErrorHandler} like any rejected
 * registration ({@code metrics_errors_total{operation="register_micrometer"}}), reported to Micrometer's
 * {@code onMeterRegistrationFailed} listeners, and replaced by a no-op meter; an exception reaches the caller only
 * if the handler propagates errors. Series past {@code max_label_combinations} fold into the metric's overflow
 * series, as for every registration.
 * <p>
 * <b>Removal.</b> {@link #remove(Meter)} and {@link #clear()} stop a meter's sampling and, once no other meter of
 * this registry uses the same engine metric, remove that metric from the engine if the engine allows removal
 * (otherwise counted as {@code removal_not_allowed}; the series stays, no longer updated). The engine removes whole
 * metrics: removing one of several tagged meters of a name leaves its series exposed with its last value.
 * <p>
 * <b>Reads.</b> A meter's own accessors ({@code Counter.count()}, {@code Timer.totalTime()}, {@code takeSnapshot()},
 * ...) take an engine snapshot and so see every update published before them, from any thread; they cost a
 * snapshot each and are meant for tests and tools. Values are cumulative since the series was created: there is
 * no step, expiry or decaying max. Gauges and function meters read the application directly, as in Micrometer.
 * <p>
 * <b>Threading.</b> Every method is thread-safe. {@link #close()} stops sampling; it does not close the engine.
 */
public final class RingMetricsMeterRegistry extends MeterRegistry
{
    private static final String OPERATION = "register_micrometer";

    private final MetricsEngine engine;
    private final ErrorHandler errors;
    private final Set<Sampled> sampled = ConcurrentHashMap.newKeySet();
    private final SnapshotSampler sampler = this::sampleAll;

    /**
     * A registry over the engine of {@code metrics}, counting rejections with its error handler, on the system
     * clock.
     *
     * @param metrics the ringmetrics facade.
     */
    public RingMetricsMeterRegistry(final Metrics metrics)
    {
        this(metrics.engine(), metrics.errorHandler(), Clock.SYSTEM);
    }

    /**
     * @param engine the engine to publish into; not closed by this registry.
     * @param errors counts and logs rejected registrations; it must count into {@code engine.errors()} (e.g.
     *               {@code Metrics.errorHandler()}); {@code null} for one with {@link MetricsErrorConfig#DEFAULTS}.
     * @param clock  Micrometer's clock for timing code blocks and long task timers.
     */
    public RingMetricsMeterRegistry(final MetricsEngine engine, final ErrorHandler errors, final Clock clock)
    {
        super(clock);
        this.engine = Objects.requireNonNull(engine, "engine");
        this.errors = errors != null ? errors :
            new ErrorHandler(MetricsErrorConfig.DEFAULTS, engine.config().limits(), engine.errors());
        config().namingConvention(PrometheusStyleNaming.INSTANCE);
        // Micrometer's default pause detector makes every Timer.record read the clock and CAS a shared interval
        // estimator: a contended line per record, which the ring exists to avoid. Off by default here; a service
        // that wants pause compensation sets one with config().pauseDetector(...) and pays for it.
        config().pauseDetector(new NoPauseDetector());
        config().onMeterRemoved(this::removed);
        engine.addSampler(sampler);
    }

    /** @return the engine this registry publishes into. */
    public MetricsEngine engine()
    {
        return engine;
    }

    @Override
    protected TimeUnit getBaseTimeUnit()
    {
        return TimeUnit.SECONDS;
    }

    @Override
    protected DistributionStatisticConfig defaultHistogramConfig()
    {
        return DistributionStatisticConfig.DEFAULT;
    }

    @Override
    protected Counter newCounter(final Meter.Id id)
    {
        return createOrNoop(id, () -> new RingCounter(id, engine.counter(name(id), help(id), labels(id)), this),
            NoopCounter::new);
    }

    @Override
    protected Timer newTimer(final Meter.Id id, final DistributionStatisticConfig config,
        final PauseDetector pauseDetector)
    {
        return createOrNoop(id, () ->
        {
            final DistributionShape shape = DistributionShape.timer(config);
            return new RingTimer(id, clock, pauseDetector,
                engine.histogram(name(id), help(id), shape.spec(), labels(id)), shape, this);
        }, NoopTimer::new);
    }

    @Override
    protected DistributionSummary newDistributionSummary(final Meter.Id id, final DistributionStatisticConfig config,
        final double scale)
    {
        return createOrNoop(id, () ->
        {
            final DistributionShape shape = DistributionShape.summary(config);
            return new RingDistributionSummary(id, scale,
                engine.histogram(name(id), help(id), shape.spec(), labels(id)), shape, this);
        }, NoopDistributionSummary::new);
    }

    @Override
    protected <T> Gauge newGauge(final Meter.Id id, final T obj, final ToDoubleFunction<T> valueFunction)
    {
        return createOrNoop(id, () -> track(new SampledGauge<>(id, obj, valueFunction,
            engine.gauge(name(id), help(id), labels(id)))), NoopGauge::new);
    }

    @Override
    protected <T> FunctionCounter newFunctionCounter(final Meter.Id id, final T obj,
        final ToDoubleFunction<T> countFunction)
    {
        return createOrNoop(id, () -> track(new SampledFunctionCounter<>(id, obj, countFunction,
            engine.counter(name(id), help(id), labels(id)))), NoopFunctionCounter::new);
    }

    @Override
    protected <T> FunctionTimer newFunctionTimer(final Meter.Id id, final T obj, final ToLongFunction<T> countFunction,
        final ToDoubleFunction<T> totalTimeFunction, final TimeUnit totalTimeFunctionUnit)
    {
        return createOrNoop(id, () ->
        {
            final String base = baseName(id);
            final String[] labels = labels(id);
            return track(new SampledFunctionTimer<>(id, obj, countFunction, totalTimeFunction, totalTimeFunctionUnit,
                engine.counter(base + "_count_total", help(id), labels),
                engine.gauge(base + "_time_seconds", help(id), labels)));
        }, NoopFunctionTimer::new);
    }

    @Override
    protected LongTaskTimer newLongTaskTimer(final Meter.Id id, final DistributionStatisticConfig config)
    {
        return createOrNoop(id, () ->
        {
            final String base = baseName(id);
            final String[] labels = labels(id);
            return track(new SampledLongTaskTimer(id, clock, config,
                engine.gauge(base + "_active_tasks", help(id), labels),
                engine.gauge(base + "_duration_seconds", help(id), labels),
                engine.gauge(base + "_max_seconds", help(id), labels)));
        }, NoopLongTaskTimer::new);
    }

    @Override
    protected Meter newMeter(final Meter.Id id, final Meter.Type type, final Iterable<Measurement> measurements)
    {
        return createOrNoop(id, () ->
        {
            final List<Measurement> list = new ArrayList<>();
            measurements.forEach(list::add);
            final Measurement[] array = list.toArray(new Measurement[0]);
            final io.ringmetrics.Gauge[] handles = new io.ringmetrics.Gauge[array.length];
            final String name = name(id);
            final String[] labels = labels(id);
            for (int i = 0; i < array.length; i++)
            {
                handles[i] = engine.gauge(
                    name + SampledCustomMeter.suffix(array[i].getStatistic()), help(id), labels);
            }
            return track(new SampledCustomMeter(id, type, array, handles));
        }, NoopMeter::new);
    }

    /**
     * Creates a meter over engine series, or, when the engine refuses them, Micrometer's no-op meter of the same kind
     * (the refusal counted and reported by {@link #rejected}, thrown only in propagate mode). Registration only.
     */
    private <M extends Meter> M createOrNoop(
        final Meter.Id id, final Supplier<M> create, final Function<Meter.Id, M> noop)
    {
        try
        {
            return create.get();
        }
        catch (final MetricsException ex)
        {
            rejected(id, ex);
            return noop.apply(id);
        }
    }

    private <M extends Sampled> M track(final M meter)
    {
        sampled.add(meter);
        return meter;
    }

    private void sampleAll()
    {
        for (final Sampled meter : sampled)
        {
            try
            {
                meter.sample();
            }
            catch (final RuntimeException ex)
            {
                final SeriesDescriptor[] series = meter.series();
                engine.errors().record(io.ringmetrics.error.ErrorType.INVALID_VALUE, "sample",
                    series.length > 0 ? series[0].family().name() : null);
            }
        }
    }

    private String name(final Meter.Id id)
    {
        return getConventionName(id);
    }

    private String baseName(final Meter.Id id)
    {
        return config().namingConvention().name(id.getName(), Meter.Type.OTHER, null);
    }

    private static String help(final Meter.Id id)
    {
        return id.getDescription();
    }

    private String[] labels(final Meter.Id id)
    {
        final List<Tag> tags = getConventionTags(id);
        final String[] pairs = new String[2 * tags.size()];
        int i = 0;
        for (final Tag tag : tags)
        {
            pairs[i++] = tag.getKey();
            pairs[i++] = tag.getValue();
        }
        return pairs;
    }

    private void rejected(final Meter.Id id, final MetricsException ex)
    {
        meterRegistrationFailed(id, ex.getMessage());
        errors.handle(ex, OPERATION, id.getName());
    }

    private void removed(final Meter meter)
    {
        if (meter instanceof Sampled)
        {
            sampled.remove(meter);
        }
        if (!(meter instanceof EngineBacked))
        {
            return;
        }
        for (final SeriesDescriptor series : ((EngineBacked)meter).series())
        {
            final MetricFamily family = series.family();
            if (!usedByOtherMeter(family, meter))
            {
                try
                {
                    engine.remove(family.name(), family.type());
                }
                catch (final MetricsException ex)
                {
                    errors.handle(ex, "remove_micrometer", family.name());
                }
            }
        }
    }

    private boolean usedByOtherMeter(final MetricFamily family, final Meter removed)
    {
        for (final Meter other : getMeters())
        {
            if (other != removed && other instanceof EngineBacked)
            {
                for (final SeriesDescriptor series : ((EngineBacked)other).series())
                {
                    if (series.family() == family)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    long counterValue(final SeriesDescriptor series)
    {
        final MetricsSnapshot snapshot = engine.snapshot();
        final int i = indexOf(snapshot, series);
        return i < 0 ? 0 : snapshot.counterValue(i);
    }

    HistogramSample histogramValue(final SeriesDescriptor series)
    {
        final MetricsSnapshot snapshot = engine.snapshot();
        final int i = indexOf(snapshot, series);
        return i < 0 ? null : snapshot.histogram(i);
    }

    private static int indexOf(final MetricsSnapshot snapshot, final SeriesDescriptor series)
    {
        for (int i = 0; i < snapshot.size(); i++)
        {
            if (snapshot.series(i) == series)
            {
                return i;
            }
        }
        return -1;
    }

    /** Stops sampling this registry's meters; the engine stays open. */
    @Override
    public void close()
    {
        engine.removeSampler(sampler);
        super.close();
    }
}
