package io.ringmetrics;

import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorHandler;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.error.ValidationException;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.store.HistogramSeries;

/**
 * The Metrics API a service embeds: name-based operations, convenience methods, management, error handling, on
 * top of a {@link MetricsEngine} and one {@link MetricsExporter}.
 * <pre>{@code
 * Metrics metrics = MetricsFactory.fromEnv();          // or withPrometheusExporter(), withNullExporter(), ...
 * metrics.increment("requests_total", "method", "GET");
 * metrics.observeHistogram("request_duration_seconds", 0.125, "endpoint", "/api");
 * metrics.recordHttpRequest("/api/v1/transcribe", "POST", "200", 0.145);
 * }</pre>
 * <b>Name-based calls.</b> Labels are name/value pairs in any order. The first call for a series validates and
 * registers it; later calls find it again without validating, locking or allocating: one lock-free probe of the
 * registry's index with a hash of the name and the pairs (in any order). The fixed-arity overloads pass their
 * strings straight down (no varargs array, no per-thread state); only a miss builds an array, for registration.
 * <p>
 * <b>Errors.</b> In silent mode (default) an invalid or refused operation returns normally, is counted in the
 * error meta-metrics and logged (rate-limited). In propagate mode it throws a {@link MetricsException} subtype.
 * A refused operation never changes another series. After {@link #close()} every name-based update is refused
 * the same way, for a name seen before as for a new one: {@code engine_closed}, counted as a resource error
 * ({@code metrics_resource_errors_total}) and thrown in propagate mode.
 * <p>
 * <b>Threading.</b> Thread-safe. Valid updates cost one lookup and one ring publish on the calling thread.
 */
public final class Metrics implements AutoCloseable
{
    private static final String[] NO_LABELS = new String[0];

    private final MetricsEngine engine;
    private final SeriesRegistry registry; // the engine's, held here to save a load per lookup
    private final MetricsExporter exporter;
    private final ErrorHandler errors;

    /**
     * Wraps a running engine and starts the exporter on it.
     *
     * @param engine      the engine (owned by this object from now on).
     * @param exporter    the exporter (owned, started here).
     * @param errorConfig error settings.
     */
    public Metrics(final MetricsEngine engine, final MetricsExporter exporter, final MetricsErrorConfig errorConfig)
    {
        this.engine = engine;
        this.registry = engine.registry();
        this.exporter = exporter;
        this.errors = new ErrorHandler(errorConfig, engine.config().limits(), engine.errors());
        exporter.start(engine);
    }

    // ---------------------------------------------------------------------------------------------------- counters

    /**
     * Adds one to a counter.
     *
     * @param name       metric name.
     * @param labelPairs label name/value pairs.
     */
    public void increment(final String name, final String... labelPairs)
    {
        update(registry.find(MetricType.COUNTER, name, labelPairs), MetricType.COUNTER, "increment", name, labelPairs,
            UpdateOp.COUNTER_ADD, 1L);
    }

    /**
     * @param name metric name.
     */
    public void increment(final String name)
    {
        update(registry.find(MetricType.COUNTER, name), MetricType.COUNTER, "increment", name, UpdateOp.COUNTER_ADD,
            1L);
    }

    /**
     * @param name metric name.
     * @param k1   label name.
     * @param v1   label value.
     */
    public void increment(final String name, final String k1, final String v1)
    {
        update(registry.find(MetricType.COUNTER, name, k1, v1), MetricType.COUNTER, "increment", name, k1, v1,
            UpdateOp.COUNTER_ADD, 1L);
    }

    /**
     * @param name metric name.
     * @param k1   label name.
     * @param v1   label value.
     * @param k2   label name.
     * @param v2   label value.
     */
    public void increment(final String name, final String k1, final String v1, final String k2, final String v2)
    {
        update(registry.find(MetricType.COUNTER, name, k1, v1, k2, v2), MetricType.COUNTER, "increment", name, k1, v1,
            k2, v2, UpdateOp.COUNTER_ADD, 1L);
    }

    /**
     * @param name metric name.
     * @param k1   label name.
     * @param v1   label value.
     * @param k2   label name.
     * @param v2   label value.
     * @param k3   label name.
     * @param v3   label value.
     */
    public void increment(
        final String name, final String k1, final String v1, final String k2, final String v2, final String k3,
        final String v3)
    {
        update(registry.find(MetricType.COUNTER, name, k1, v1, k2, v2, k3, v3), MetricType.COUNTER, "increment", name,
            k1, v1, k2, v2, k3, v3, UpdateOp.COUNTER_ADD, 1L);
    }

    /**
     * Adds {@code amount} (non-negative) to a counter.
     *
     * @param name       metric name.
     * @param amount     amount, at least 0.
     * @param labelPairs label pairs.
     */
    public void incrementBy(final String name, final long amount, final String... labelPairs)
    {
        if (checkIncrement(name, amount))
        {
            update(registry.find(MetricType.COUNTER, name, labelPairs), MetricType.COUNTER, "increment_by", name,
                labelPairs, UpdateOp.COUNTER_ADD, amount);
        }
    }

    /**
     * @param name   metric name.
     * @param amount amount, at least 0.
     * @param k1     label name.
     * @param v1     label value.
     */
    public void incrementBy(final String name, final long amount, final String k1, final String v1)
    {
        if (checkIncrement(name, amount))
        {
            update(registry.find(MetricType.COUNTER, name, k1, v1), MetricType.COUNTER, "increment_by", name, k1, v1,
                UpdateOp.COUNTER_ADD, amount);
        }
    }

    /**
     * @param name   metric name.
     * @param amount amount, at least 0.
     * @param k1     label name.
     * @param v1     label value.
     * @param k2     label name.
     * @param v2     label value.
     */
    public void incrementBy(
        final String name, final long amount, final String k1, final String v1, final String k2, final String v2)
    {
        if (checkIncrement(name, amount))
        {
            update(registry.find(MetricType.COUNTER, name, k1, v1, k2, v2), MetricType.COUNTER, "increment_by", name,
                k1, v1, k2, v2, UpdateOp.COUNTER_ADD, amount);
        }
    }

    private boolean checkIncrement(final String name, final long amount)
    {
        if (amount < 0)
        {
            invalidValue("increment_by", name, "counter increment must be >= 0, was " + amount);
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------------ gauges

    /**
     * Sets a gauge.
     *
     * @param name       metric name.
     * @param value      finite value.
     * @param labelPairs label pairs.
     */
    public void setGauge(final String name, final double value, final String... labelPairs)
    {
        gauge("set_gauge", name, UpdateOp.GAUGE_SET, value, labelPairs);
    }

    /**
     * @param name  metric name.
     * @param value finite value.
     * @param k1    label name.
     * @param v1    label value.
     */
    public void setGauge(final String name, final double value, final String k1, final String v1)
    {
        if (checkFinite("set_gauge", name, value))
        {
            update(registry.find(MetricType.GAUGE, name, k1, v1), MetricType.GAUGE, "set_gauge", name, k1, v1,
                UpdateOp.GAUGE_SET, Double.doubleToRawLongBits(value));
        }
    }

    /**
     * @param name  metric name.
     * @param value finite value.
     * @param k1    label name.
     * @param v1    label value.
     * @param k2    label name.
     * @param v2    label value.
     */
    public void setGauge(
        final String name, final double value, final String k1, final String v1, final String k2, final String v2)
    {
        if (checkFinite("set_gauge", name, value))
        {
            update(registry.find(MetricType.GAUGE, name, k1, v1, k2, v2), MetricType.GAUGE, "set_gauge", name, k1, v1,
                k2, v2, UpdateOp.GAUGE_SET, Double.doubleToRawLongBits(value));
        }
    }

    private void gauge(
        final String operation, final String name, final int op, final double value, final String[] pairs)
    {
        if (checkFinite(operation, name, value))
        {
            update(registry.find(MetricType.GAUGE, name, pairs), MetricType.GAUGE, operation, name, pairs, op,
                Double.doubleToRawLongBits(value));
        }
    }

    /**
     * Adds to a gauge.
     *
     * @param name       metric name.
     * @param amount     finite amount.
     * @param labelPairs label pairs.
     */
    public void incrementGauge(final String name, final double amount, final String... labelPairs)
    {
        gauge("increment_gauge", name, UpdateOp.GAUGE_ADD, amount, labelPairs);
    }

    /**
     * @param name   metric name.
     * @param amount finite amount.
     * @param k1     label name.
     * @param v1     label value.
     */
    public void incrementGauge(final String name, final double amount, final String k1, final String v1)
    {
        if (checkFinite("increment_gauge", name, amount))
        {
            update(registry.find(MetricType.GAUGE, name, k1, v1), MetricType.GAUGE, "increment_gauge", name, k1, v1,
                UpdateOp.GAUGE_ADD, Double.doubleToRawLongBits(amount));
        }
    }

    /**
     * Subtracts from a gauge.
     *
     * @param name       metric name.
     * @param amount     finite amount.
     * @param labelPairs label pairs.
     */
    public void decrementGauge(final String name, final double amount, final String... labelPairs)
    {
        gauge("decrement_gauge", name, UpdateOp.GAUGE_ADD, -amount, labelPairs);
    }

    /**
     * @param name   metric name.
     * @param amount finite amount.
     * @param k1     label name.
     * @param v1     label value.
     */
    public void decrementGauge(final String name, final double amount, final String k1, final String v1)
    {
        if (checkFinite("decrement_gauge", name, -amount))
        {
            update(registry.find(MetricType.GAUGE, name, k1, v1), MetricType.GAUGE, "decrement_gauge", name, k1, v1,
                UpdateOp.GAUGE_ADD, Double.doubleToRawLongBits(-amount));
        }
    }

    // -------------------------------------------------------------------------------------------------- histograms

    /**
     * Observes a value in a histogram (seconds for the default buckets).
     *
     * @param name       metric name.
     * @param value      observation, finite and not negative; any other value is refused as
     *                   {@code invalid_value} (counted, or thrown in propagate mode) and never reaches the series.
     * @param labelPairs label pairs.
     */
    public void observeHistogram(final String name, final double value, final String... labelPairs)
    {
        if (checkObservation("observe_histogram", name, value))
        {
            update(registry.find(MetricType.HISTOGRAM, name, labelPairs), MetricType.HISTOGRAM, "observe_histogram",
                name, labelPairs, UpdateOp.HISTOGRAM_OBSERVE, Double.doubleToRawLongBits(value));
        }
    }

    /**
     * @param name  metric name.
     * @param value observation, finite and not negative.
     * @param k1    label name.
     * @param v1    label value.
     */
    public void observeHistogram(final String name, final double value, final String k1, final String v1)
    {
        if (checkObservation("observe_histogram", name, value))
        {
            update(registry.find(MetricType.HISTOGRAM, name, k1, v1), MetricType.HISTOGRAM, "observe_histogram", name,
                k1, v1, UpdateOp.HISTOGRAM_OBSERVE, Double.doubleToRawLongBits(value));
        }
    }

    /**
     * @param name  metric name.
     * @param value observation, finite and not negative.
     * @param k1    label name.
     * @param v1    label value.
     * @param k2    label name.
     * @param v2    label value.
     */
    public void observeHistogram(
        final String name, final double value, final String k1, final String v1, final String k2, final String v2)
    {
        if (checkObservation("observe_histogram", name, value))
        {
            update(registry.find(MetricType.HISTOGRAM, name, k1, v1, k2, v2), MetricType.HISTOGRAM, "observe_histogram",
                name, k1, v1, k2, v2, UpdateOp.HISTOGRAM_OBSERVE, Double.doubleToRawLongBits(value));
        }
    }

    // ------------------------------------------------------------------------------------------------- convenience

    /**
     * Records one HTTP request: {@code http_requests_total{method,endpoint,status}} and
     * {@code http_request_duration_seconds{method,endpoint}}.
     *
     * @param endpoint endpoint path.
     * @param method   HTTP method.
     * @param status   status code.
     * @param seconds  duration in seconds.
     */
    public void recordHttpRequest(final String endpoint, final String method, final String status, final double seconds)
    {
        update(registry.find(MetricType.COUNTER, ConvenienceMetric.HTTP_REQUESTS.metricName(), "method", method,
            "endpoint", endpoint, "status", status), MetricType.COUNTER, "record_http_request",
            ConvenienceMetric.HTTP_REQUESTS.metricName(), "method", method, "endpoint", endpoint, "status", status,
            UpdateOp.COUNTER_ADD, 1L);
        if (checkObservation("record_http_request", ConvenienceMetric.HTTP_REQUEST_DURATION.metricName(), seconds))
        {
            update(registry.find(MetricType.HISTOGRAM, ConvenienceMetric.HTTP_REQUEST_DURATION.metricName(), "method",
                method, "endpoint", endpoint), MetricType.HISTOGRAM, "record_http_request",
                ConvenienceMetric.HTTP_REQUEST_DURATION.metricName(), "method", method, "endpoint", endpoint,
                UpdateOp.HISTOGRAM_OBSERVE, Double.doubleToRawLongBits(seconds));
        }
    }

    /**
     * Records one completed job: {@code jobs_completed_total{model,language,status}} and
     * {@code job_duration_seconds{model,language}}.
     *
     * @param model    model name.
     * @param language language code.
     * @param seconds  duration in seconds.
     * @param status   outcome, e.g. {@code success}.
     */
    public void recordJobCompleted(final String model, final String language, final double seconds, final String status)
    {
        update(registry.find(MetricType.COUNTER, ConvenienceMetric.JOBS_COMPLETED.metricName(), "model", model,
            "language", language, "status", status), MetricType.COUNTER, "record_job_completed",
            ConvenienceMetric.JOBS_COMPLETED.metricName(), "model", model, "language", language, "status", status,
            UpdateOp.COUNTER_ADD, 1L);
        if (checkObservation("record_job_completed", ConvenienceMetric.JOB_DURATION.metricName(), seconds))
        {
            update(registry.find(MetricType.HISTOGRAM, ConvenienceMetric.JOB_DURATION.metricName(), "model", model,
                "language", language), MetricType.HISTOGRAM, "record_job_completed",
                ConvenienceMetric.JOB_DURATION.metricName(), "model", model, "language", language,
                UpdateOp.HISTOGRAM_OBSERVE, Double.doubleToRawLongBits(seconds));
        }
    }

    /**
     * Records one error: {@code errors_total{category,error_type}}.
     *
     * @param category  error category.
     * @param errorType error type.
     */
    public void recordError(final String category, final String errorType)
    {
        update(registry.find(MetricType.COUNTER, ConvenienceMetric.ERRORS.metricName(), "category", category,
            "error_type", errorType), MetricType.COUNTER, "record_error", ConvenienceMetric.ERRORS.metricName(),
            "category", category, "error_type", errorType, UpdateOp.COUNTER_ADD, 1L);
    }

    // -------------------------------------------------------------------------------------------------- management

    /**
     * Removes a counter and all its series, if removal is allowed.
     *
     * @param name metric name.
     * @return {@code true} if removed; {@code false} if refused (silent mode).
     */
    public boolean removeCounter(final String name)
    {
        return remove(name, MetricType.COUNTER);
    }

    /**
     * @param name metric name.
     * @return {@code true} if removed.
     */
    public boolean removeGauge(final String name)
    {
        return remove(name, MetricType.GAUGE);
    }

    /**
     * @param name metric name.
     * @return {@code true} if removed.
     */
    public boolean removeHistogram(final String name)
    {
        return remove(name, MetricType.HISTOGRAM);
    }

    private boolean remove(final String name, final MetricType type)
    {
        try
        {
            engine.remove(name, type);
            return true;
        }
        catch (final MetricsException ex)
        {
            errors.handle(ex, "remove_" + type.label(), name);
            return false;
        }
    }

    /**
     * @param allow whether removal is allowed (default true; {@code PROMETHEUS_ALLOW_REMOVAL}).
     */
    public void setAllowMetricRemoval(final boolean allow)
    {
        engine.setAllowMetricRemoval(allow);
    }

    /** @return whether removal is allowed. */
    public boolean isMetricRemovalAllowed()
    {
        return engine.isMetricRemovalAllowed();
    }

    /** @return registered metric names. */
    public int metricCount()
    {
        return engine.registry().budget().metricCount();
    }

    /** @return registered label combinations (series). */
    public int labelCombinationCount()
    {
        return engine.registry().budget().seriesCount();
    }

    /** @return {@code max_metrics}. */
    public int maxMetrics()
    {
        return engine.registry().budget().maxMetrics();
    }

    /** @return {@code max_label_combinations}. */
    public int maxLabelCombinations()
    {
        return engine.registry().budget().maxSeries();
    }

    /** @return the engine, for handles and snapshots. */
    public MetricsEngine engine()
    {
        return engine;
    }

    /** @return the exporter. */
    public MetricsExporter exporter()
    {
        return exporter;
    }

    /** @return the error handler (counts, logging, propagation). */
    public ErrorHandler errorHandler()
    {
        return errors;
    }

    /**
     * Closes the exporter (final flush for push exporters), then the engine. Idempotent.
     */
    @Override
    public void close()
    {
        try
        {
            exporter.close();
        }
        finally
        {
            engine.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------- internals

    /**
     * Publishes to the series the calling method looked up, or registers it first if the lookup missed.
     * <p>
     * Each public update method makes its own lookup ({@code registry.find}) and passes the result here, rather
     * than this method looking up: a method that several update methods share is compiled by C2 on its own, and
     * one holding both the lookup and the publish compiles to more code than C2 inlines into a caller (2.5 KB,
     * {@code InlineSmallCode}), which would make every name-based update a call (docs/benchmarks.md, "The name +
     * labels lookup"; {@code jmh/inlining.sh} shows what C2 decided).
     *
     * @param series the series found for these arguments, or {@code null}.
     */
    private void update(
        final SeriesDescriptor series, final MetricType type, final String operation, final String name,
        final String[] labelPairs, final int op, final long value)
    {
        final String[] pairs = labelPairs == null ? NO_LABELS : labelPairs;
        if (series != null)
        {
            publishFound(series, operation, name, op, value);
        }
        else
        {
            registerAndPublish(type, operation, name, pairs.clone(), op, value); // a copy: the caller may reuse it
        }
    }

    private void update(
        final SeriesDescriptor series, final MetricType type, final String operation, final String name, final int op,
        final long value)
    {
        if (series != null)
        {
            publishFound(series, operation, name, op, value);
        }
        else
        {
            registerAndPublish(type, operation, name, NO_LABELS, op, value);
        }
    }

    private void update(
        final SeriesDescriptor series, final MetricType type, final String operation, final String name,
        final String k1, final String v1, final int op, final long value)
    {
        if (series != null)
        {
            publishFound(series, operation, name, op, value);
        }
        else
        {
            registerAndPublish(type, operation, name, new String[] { k1, v1 }, op, value);
        }
    }

    private void update(
        final SeriesDescriptor series, final MetricType type, final String operation, final String name,
        final String k1, final String v1, final String k2, final String v2, final int op, final long value)
    {
        if (series != null)
        {
            publishFound(series, operation, name, op, value);
        }
        else
        {
            registerAndPublish(type, operation, name, new String[] { k1, v1, k2, v2 }, op, value);
        }
    }

    private void update(
        final SeriesDescriptor series, final MetricType type, final String operation, final String name,
        final String k1, final String v1, final String k2, final String v2, final String k3, final String v3,
        final int op, final long value)
    {
        if (series != null)
        {
            publishFound(series, operation, name, op, value);
        }
        else
        {
            registerAndPublish(type, operation, name, new String[] { k1, v1, k2, v2, k3, v3 }, op, value);
        }
    }

    /**
     * The fast path of a hit: one volatile read of the engine's closed flag, then one ring publish. After
     * {@link #close()} a known name gets what a new name gets: {@code engine_closed}, counted and, in propagate mode,
     * thrown (without this check its update would enter a ring no writer drains, and only {@code stats()} would see
     * it).
     */
    private void publishFound(
        final SeriesDescriptor series, final String operation, final String name, final int op, final long value)
    {
        if (engine.isClosed())
        {
            errors.handle(MetricsEngine.closedException(), operation, name);
            return;
        }
        engine.publish(series.id(), op, value);
    }

    /**
     * The slow path of a miss: validates and registers (locks, may allocate), then publishes.
     *
     * @param pairs label pairs owned by this call.
     */
    private void registerAndPublish(
        final MetricType type, final String operation, final String name, final String[] pairs, final int op,
        final long value)
    {
        final SeriesDescriptor series;
        try
        {
            series = engine.registerQuietly(type, name, null, null, pairs);
        }
        catch (final MetricsException ex)
        {
            errors.handle(ex, operation, name);
            return;
        }
        engine.publish(series.id(), op, value);
        if (series.isOverflow() && !isOverflowPairs(pairs))
        {
            // Folded into the overflow series so totals stay right; the refused label set is still reported.
            errors.handle(new ResourceLimitException(ErrorType.LABEL_COMBINATION_LIMIT_EXCEEDED,
                "max_label_combinations=" + maxLabelCombinations() + " reached; the update was folded into " +
                "the overflow series {" + SeriesRegistry.OVERFLOW_LABEL + "=\"true\"}"), operation, name);
        }
    }

    private static boolean isOverflowPairs(final String[] pairs)
    {
        return pairs.length == 2 && SeriesRegistry.OVERFLOW_LABEL.equals(pairs[0]) && "true".equals(pairs[1]);
    }

    private boolean checkFinite(final String operation, final String name, final double value)
    {
        if (Double.isFinite(value))
        {
            return true;
        }
        invalidValue(operation, name, "value must be finite, was " + value);
        return false;
    }

    private boolean checkObservation(final String operation, final String name, final double value)
    {
        if (HistogramSeries.accepts(value))
        {
            return true;
        }
        invalidValue(operation, name, "a histogram observation must be finite and >= 0, was " + value);
        return false;
    }

    private void invalidValue(final String operation, final String name, final String detail)
    {
        errors.handle(new ValidationException(ErrorType.INVALID_VALUE, detail), operation, name);
    }
}
