package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import io.ringmetrics.snapshot.NativeHistogramSample;

/**
 * Puts a series' native (exponential) buckets into client_java's histogram data point, next to its classic buckets.
 * Only client_java's protobuf writer shows them (a scraper that negotiated
 * {@code application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited}); its text
 * writers keep showing the classic buckets alone, so those outputs do not change.
 */
final class NativeHistogramPoints
{
    private NativeHistogramPoints()
    {
    }

    /**
     * @param point   the data point being built, with its classic buckets.
     * @param buckets the series' native buckets, or {@code null} if it keeps none (nothing is added).
     */
    static void addTo(final HistogramDataPointSnapshot.Builder point, final NativeHistogramSample buckets)
    {
        if (buckets == null)
        {
            return;
        }
        point.nativeSchema(buckets.schema())
            .nativeZeroThreshold(buckets.zeroThreshold())
            .nativeZeroCount(buckets.zeroCount())
            .nativeBucketsForPositiveValues(
                NativeHistogramBuckets.of(buckets.positiveIndexes(), buckets.positiveCounts()))
            .nativeBucketsForNegativeValues(
                NativeHistogramBuckets.of(buckets.negativeIndexes(), buckets.negativeCounts()));
    }
}
