package io.ringmetrics.stress;

import io.ringmetrics.error.MetricsException;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.registry.SeriesRegistry;

/**
 * Runs one registration and names its outcome, for JCStress results.
 * <p>
 * Outcomes: {@code SERIES} (a real series), {@code OVERFLOW} (the metric's overflow series: the label-combination
 * limit refused a new series), the {@link io.ringmetrics.error.ErrorType} name in upper case for a
 * {@link MetricsException} (e.g. {@code METRIC_LIMIT_EXCEEDED}, {@code TYPE_CONFLICT}), or {@code ERROR:<class>}
 * for any other throwable, which every test forbids.
 */
final class Registrations
{
    /** A real series. */
    static final String SERIES = "SERIES";
    /** The overflow series. */
    static final String OVERFLOW = "OVERFLOW";

    private Registrations()
    {
    }

    /** Result of one registration. */
    static final class Attempt
    {
        final SeriesDescriptor series;
        final String outcome;

        Attempt(final SeriesDescriptor series, final String outcome)
        {
            this.series = series;
            this.outcome = outcome;
        }
    }

    static Attempt register(
        final SeriesRegistry registry, final MetricType type, final String name, final String... labelPairs)
    {
        try
        {
            final SeriesDescriptor series = registry.register(type, name, null, null, labelPairs);
            return new Attempt(series, series.isOverflow() ? OVERFLOW : SERIES);
        }
        catch (final MetricsException ex)
        {
            return new Attempt(null, ex.errorType().name());
        }
        catch (final Throwable t)
        {
            return new Attempt(null, "ERROR:" + t.getClass().getSimpleName());
        }
    }

    static String outcome(final Attempt attempt)
    {
        return attempt == null ? "NOT_RUN" : attempt.outcome;
    }
}
