package io.ringmetrics.micrometer;

/**
 * A meter whose values are read from the application (a function, an object, active tasks) rather than pushed:
 * {@link #sample()} publishes them into its engine series just before each engine snapshot, on the snapshotting
 * (exporter) thread; see {@link io.ringmetrics.snapshot.SnapshotSampler}. Implementations may be sampled by
 * several threads at once.
 */
interface Sampled extends EngineBacked
{
    /** Publishes the meter's current values. */
    void sample();
}
