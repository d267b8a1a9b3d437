package io.ringmetrics.error;

/**
 * Machine-readable error types, used as the {@code error_type} label of the error meta-metrics.
 */
public enum ErrorType
{
    /** Metric name does not match {@code [a-zA-Z_:][a-zA-Z0-9_:]*} or is empty. */
    INVALID_NAME("invalid_name", Category.VALIDATION),
    /** Metric name longer than {@code max_metric_name_length}. */
    NAME_TOO_LONG("name_too_long", Category.VALIDATION),
    /** Label name does not match {@code [a-zA-Z_][a-zA-Z0-9_]*}, or starts with {@code __}. */
    INVALID_LABEL_NAME("invalid_label_name", Category.VALIDATION),
    /** Label name longer than {@code max_label_name_length}. */
    LABEL_NAME_TOO_LONG("label_name_too_long", Category.VALIDATION),
    /** Label value contains a quote, backslash, newline or StatsD delimiter. */
    INVALID_LABEL_VALUE("invalid_label_value", Category.VALIDATION),
    /** Label value longer than {@code max_label_value_length}. */
    LABEL_VALUE_TOO_LONG("label_value_too_long", Category.VALIDATION),
    /** The same label name twice in one series. */
    DUPLICATE_LABEL("duplicate_label", Category.VALIDATION),
    /** More labels than {@code max_labels_per_metric}. */
    TOO_MANY_LABELS("too_many_labels", Category.VALIDATION),
    /** Label arguments are not name/value pairs. */
    INVALID_LABELS("invalid_labels", Category.VALIDATION),
    /** The name is already registered with another type. */
    TYPE_CONFLICT("type_conflict", Category.VALIDATION),
    /** The name is already registered with another label-name set or histogram layout. */
    LABEL_NAMES_CONFLICT("label_names_conflict", Category.VALIDATION),
    /** An update value that is not allowed: NaN, infinite, or negative for a counter. */
    INVALID_VALUE("invalid_value", Category.VALIDATION),
    /** The name collides with a name the engine reserves for its own meta-metrics. */
    RESERVED_NAME("reserved_name", Category.VALIDATION),
    /** {@code max_metrics} reached: a new metric name was refused. */
    METRIC_LIMIT_EXCEEDED("metric_limit_exceeded", Category.RESOURCE),
    /** {@code max_label_combinations} reached: a new series was refused or folded into the overflow series. */
    LABEL_COMBINATION_LIMIT_EXCEEDED("label_combination_limit_exceeded", Category.RESOURCE),
    /** Removal requested while removal is not allowed. */
    REMOVAL_NOT_ALLOWED("removal_not_allowed", Category.RESOURCE),
    /** Removal of a metric that is not registered. */
    UNKNOWN_METRIC("unknown_metric", Category.RESOURCE),
    /** The engine is closed. */
    ENGINE_CLOSED("engine_closed", Category.RESOURCE),
    /** A snapshot was not served within its time limit. */
    SNAPSHOT_TIMEOUT("snapshot_timeout", Category.EXPORT),
    /** A network send failed. */
    SEND_FAILED("send_failed", Category.EXPORT),
    /** A host name could not be resolved. */
    UNRESOLVED_HOST("unresolved_host", Category.EXPORT),
    /** The peer refused the connection (for UDP: ICMP port unreachable). */
    CONNECTION_REFUSED("connection_refused", Category.EXPORT),
    /**
     * The socket send buffer is full: the peer is alive but does not read (a stalled StatsD daemon over TCP); what
     * was not sent is kept for a later attempt.
     */
    SEND_BUFFER_FULL("send_buffer_full", Category.EXPORT),
    /** Formatting an exposition failed. */
    FORMAT_FAILED("format_failed", Category.EXPORT),
    /** An OTLP collector did not answer within {@code OTEL_EXPORTER_OTLP_TIMEOUT}, after every retry. */
    EXPORT_TIMEOUT("export_timeout", Category.EXPORT),
    /** An OTLP collector answered with an error status (HTTP 4xx or 5xx), after every retry. */
    EXPORT_REJECTED("export_rejected", Category.EXPORT),
    /** A scrape refused with {@code 503}: every scrape worker busy and the scrape queue full, or queued too long. */
    TOO_MANY_SCRAPES("too_many_scrapes", Category.EXPORT),
    /** A connection cut (or refused) because the scrape endpoint's connection limit was reached. */
    TOO_MANY_CONNECTIONS("too_many_connections", Category.EXPORT),
    /** A request whose head was not complete within the request timeout; the connection was cut. */
    REQUEST_TIMEOUT("request_timeout", Category.EXPORT),
    /** A request head larger than the endpoint accepts ({@code 431}). */
    REQUEST_TOO_LARGE("request_too_large", Category.EXPORT),
    /** A request that is not valid HTTP/1.x ({@code 400}). */
    BAD_REQUEST("bad_request", Category.EXPORT),
    /** A response the client did not take within the response timeout; the connection was cut. */
    RESPONSE_TIMEOUT("response_timeout", Category.EXPORT),
    /** A configuration value is malformed or out of range. */
    INVALID_CONFIG("invalid_config", Category.CONFIGURATION);

    /** Error families, each with its own meta-metric and log switch. */
    public enum Category
    {
        /** Bad names, labels or values. */
        VALIDATION,
        /** Limits and lifecycle refusals. */
        RESOURCE,
        /** Exporter failures. */
        EXPORT,
        /** Bad configuration. */
        CONFIGURATION
    }

    private final String label;
    private final Category category;

    ErrorType(final String label, final Category category)
    {
        this.label = label;
        this.category = category;
    }

    /**
     * @return the {@code error_type} label value.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return the error family.
     */
    public Category category()
    {
        return category;
    }
}
