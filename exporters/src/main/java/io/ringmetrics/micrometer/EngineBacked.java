package io.ringmetrics.micrometer;

import io.ringmetrics.registry.SeriesDescriptor;

/**
 * A meter whose values live in engine series: the registry reads them back through snapshots and, when the meter
 * is removed, removes their metrics from the engine once no other meter uses them.
 */
interface EngineBacked
{
    /** @return the engine series this meter publishes into. */
    SeriesDescriptor[] series();
}
