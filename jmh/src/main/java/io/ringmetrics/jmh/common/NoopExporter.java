package io.ringmetrics.jmh.common;

import io.ringmetrics.MetricsEngine;
import io.ringmetrics.MetricsExporter;

/**
 * An exporter that starts no thread and exports nothing, so that a benchmark measures the caller path and the
 * writer alone. (Kept here rather than using the exporters module's {@code NullExporter}, so the benchmarks do
 * not depend on that module's state.)
 */
public final class NoopExporter implements MetricsExporter {

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public void start(MetricsEngine engine) {
        // nothing to export
    }

    @Override
    public void close() {
        // nothing to stop
    }
}
