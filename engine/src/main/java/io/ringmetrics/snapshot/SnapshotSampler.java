package io.ringmetrics.snapshot;

/**
 * A source of values that are read, not pushed: asked to publish its current values just before the engine takes
 * a snapshot (e.g. a Micrometer gauge's function, a function counter, JVM pool sizes).
 * <p>
 * <b>Threading.</b> {@link #sample()} runs on the thread that asks for the snapshot (an exporter's scrape or flush
 * thread, or a caller of {@code MetricsEngine.snapshot()}), never on the writer thread and never on an update
 * path; it may run on several such threads at once. It publishes through ordinary handles, so the snapshot that
 * follows reflects what it published. It should be quick (it delays the snapshot) and must not take a snapshot
 * itself. An exception it throws is counted ({@code metrics_errors_total{error_type="invalid_value",
 * operation="sample"}}) and does not stop the snapshot.
 */
@FunctionalInterface
public interface SnapshotSampler
{
    /** Publishes the current values of this source. */
    void sample();
}
