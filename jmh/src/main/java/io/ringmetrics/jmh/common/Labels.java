package io.ringmetrics.jmh.common;

/**
 * The label set every "ByLabels" benchmark looks up, identical across ringmetrics and the peers:
 * {@code method="GET", path="/api"}.
 */
public final class Labels {
    public static final String METHOD = "method";
    public static final String PATH = "path";
    public static final String METHOD_VALUE = "GET";
    public static final String PATH_VALUE = "/api";

    public static final String COUNTER_NAME = "http_requests";
    public static final String HISTOGRAM_NAME = "http_request_duration_seconds";
    public static final String GAUGE_NAME = "queue_depth";

    private Labels() {
    }
}
