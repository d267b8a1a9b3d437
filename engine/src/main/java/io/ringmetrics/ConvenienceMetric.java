package io.ringmetrics;

import io.ringmetrics.registry.MetricType;

/**
 * The metrics that {@link Metrics}' convenience methods record, with their type, label names and one-line help text:
 * the single source of these names and texts. A metric registered under one of these names and types without a help
 * text of its own (a convenience call, or a handle such as {@code engine.counter("http_requests_total", ...)}) gets
 * this help, so {@code # HELP} says what it counts instead of a placeholder.
 */
public enum ConvenienceMetric
{
    /** {@link Metrics#recordHttpRequest}: one per request. */
    HTTP_REQUESTS("http_requests_total", MetricType.COUNTER,
        "HTTP requests handled, by method, endpoint and status code.", "method", "endpoint", "status"),
    /** {@link Metrics#recordHttpRequest}: the request's duration. */
    HTTP_REQUEST_DURATION("http_request_duration_seconds", MetricType.HISTOGRAM,
        "Time taken to handle an HTTP request, in seconds, by method and endpoint.", "method", "endpoint"),
    /** {@link Metrics#recordJobCompleted}: one per job. */
    JOBS_COMPLETED("jobs_completed_total", MetricType.COUNTER,
        "Jobs completed, by model, language and outcome status.", "model", "language", "status"),
    /** {@link Metrics#recordJobCompleted}: the job's duration. */
    JOB_DURATION("job_duration_seconds", MetricType.HISTOGRAM,
        "Time a completed job took, in seconds, by model and language.", "model", "language"),
    /** {@link Metrics#recordError}: one per error. */
    ERRORS("errors_total", MetricType.COUNTER,
        "Errors recorded by the application, by category and error type.", "category", "error_type");

    private final String metricName;
    private final MetricType type;
    private final String help;
    private final String[] labelNames;

    ConvenienceMetric(final String metricName, final MetricType type, final String help, final String... labelNames)
    {
        this.metricName = metricName;
        this.type = type;
        this.help = help;
        this.labelNames = labelNames;
    }

    /** @return the metric's name, e.g. {@code http_requests_total}. */
    public String metricName()
    {
        return metricName;
    }

    /** @return its type. */
    public MetricType type()
    {
        return type;
    }

    /** @return its one-line help text. */
    public String help()
    {
        return help;
    }

    /** @return the label names the convenience method records, in its argument order. */
    public String[] labelNames()
    {
        return labelNames.clone();
    }

    /**
     * @param type metric type.
     * @param name metric name.
     * @return the help text of the convenience metric of that name and type, or {@code null} if there is none.
     */
    public static String helpFor(final MetricType type, final String name)
    {
        for (final ConvenienceMetric metric : values())
        {
            if (metric.type == type && metric.metricName.equals(name))
            {
                return metric.help;
            }
        }
        return null;
    }
}
