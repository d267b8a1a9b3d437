package io.ringmetrics.exporter.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongExemplarData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.PointData;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Points of one series that {@link OtlpSnapshotMapper} refills at every export instead of allocating new ones (as
 * the OTel SDK's {@code REUSABLE_DATA} memory mode does with its own points). Safe because one export is in flight at
 * a time and the SDK's exporter is done reading an export's data when its result completes; after an export that was
 * abandoned unfinished the mapper starts a new generation of points ({@link OtlpSnapshotMapper#abandonPoints()}).
 * Export thread only.
 */
final class ReusablePoints
{
    private ReusablePoints()
    {
    }

    /** What every point has: its series' attributes and the interval it covers, refilled at each export. */
    abstract static class Timed implements PointData
    {
        private final Attributes attributes;
        long start;
        long epoch;

        Timed(final Attributes attributes)
        {
            this.attributes = attributes;
        }

        @Override
        public long getStartEpochNanos()
        {
            return start;
        }

        @Override
        public long getEpochNanos()
        {
            return epoch;
        }

        @Override
        public Attributes getAttributes()
        {
            return attributes;
        }
    }

    /** A counter point. */
    static final class LongPoint extends Timed implements LongPointData
    {
        private long value;

        LongPoint(final Attributes attributes)
        {
            super(attributes);
        }

        LongPoint set(final long start, final long epoch, final long value)
        {
            this.start = start;
            this.epoch = epoch;
            this.value = value;
            return this;
        }

        @Override
        public long getValue()
        {
            return value;
        }

        @Override
        public List<LongExemplarData> getExemplars()
        {
            return List.of();
        }
    }

    /** A gauge point. */
    static final class DoublePoint extends Timed implements DoublePointData
    {
        private double value;

        DoublePoint(final Attributes attributes)
        {
            super(attributes);
        }

        DoublePoint set(final long start, final long epoch, final double value)
        {
            this.start = start;
            this.epoch = epoch;
            this.value = value;
            return this;
        }

        @Override
        public double getValue()
        {
            return value;
        }

        @Override
        public List<DoubleExemplarData> getExemplars()
        {
            return List.of();
        }
    }

    /** An explicit-bucket histogram point; its counts live in {@link #counts}, refilled in place. */
    static final class HistogramPoint extends Timed implements HistogramPointData
    {
        final long[] counts;
        private final List<Double> boundaries;
        private final List<Long> countList;
        private long count;
        private double sum;
        private boolean hasMinMax;
        private double min;
        private double max;

        HistogramPoint(final Attributes attributes, final List<Double> boundaries)
        {
            super(attributes);
            this.boundaries = boundaries;
            this.counts = new long[boundaries.size() + 1];
            this.countList = new LongList(counts);
        }

        /** Sets everything but {@link #counts}, which the caller has filled; the count is their sum. */
        HistogramPoint set(
            final long start, final long epoch, final double sum, final boolean hasMinMax, final double min,
            final double max)
        {
            this.start = start;
            this.epoch = epoch;
            this.sum = sum;
            this.hasMinMax = hasMinMax;
            this.min = min;
            this.max = max;
            long total = 0;
            for (final long c : counts)
            {
                total += c;
            }
            this.count = total;
            return this;
        }

        @Override
        public double getSum()
        {
            return sum;
        }

        @Override
        public long getCount()
        {
            return count;
        }

        @Override
        public boolean hasMin()
        {
            return hasMinMax;
        }

        @Override
        public double getMin()
        {
            return min;
        }

        @Override
        public boolean hasMax()
        {
            return hasMinMax;
        }

        @Override
        public double getMax()
        {
            return max;
        }

        @Override
        public List<Double> getBoundaries()
        {
            return boundaries;
        }

        @Override
        public List<Long> getCounts()
        {
            return countList;
        }

        @Override
        public List<DoubleExemplarData> getExemplars()
        {
            return List.of();
        }
    }

    /** A read-only list view of a {@code long[]}. */
    private static final class LongList extends AbstractList<Long> implements RandomAccess
    {
        private final long[] values;

        LongList(final long[] values)
        {
            this.values = values;
        }

        @Override
        public Long get(final int index)
        {
            return values[index];
        }

        @Override
        public int size()
        {
            return values.length;
        }
    }
}
