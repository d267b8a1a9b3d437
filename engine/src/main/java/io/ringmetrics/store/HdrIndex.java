package io.ringmetrics.store;

/**
 * The counts-array layout of an HdrHistogram with a given lowest discernible value and number of significant
 * digits: which index a value is counted at, and the highest value equivalent to an index. The same arithmetic as
 * {@code org.HdrHistogram.AbstractHistogram} (whose index methods are not public), so that windowed percentiles read
 * exactly what the since-start {@code IntCountsHistogram} reads for the same values.
 * <p>
 * <b>Threading.</b> Immutable.
 */
final class HdrIndex
{
    private final int unitMagnitude;
    private final int subBucketHalfCountMagnitude;
    private final int subBucketHalfCount;
    private final long subBucketMask;
    private final int leadingZeroCountBase;

    /**
     * @param lowestDiscernible lowest value told apart from 0, at least 1.
     * @param significantDigits 1..5.
     */
    HdrIndex(final long lowestDiscernible, final int significantDigits)
    {
        final long singleUnitResolution = 2 * (long)Math.pow(10, significantDigits);
        unitMagnitude = (int)Math.floor(Math.log(lowestDiscernible) / Math.log(2));
        final int subBucketCountMagnitude = (int)Math.ceil(Math.log(singleUnitResolution) / Math.log(2));
        subBucketHalfCountMagnitude = Math.max(subBucketCountMagnitude, 1) - 1;
        final int subBucketCount = 1 << (subBucketHalfCountMagnitude + 1);
        subBucketHalfCount = subBucketCount / 2;
        subBucketMask = ((long)subBucketCount - 1) << unitMagnitude;
        leadingZeroCountBase = 64 - unitMagnitude - subBucketHalfCountMagnitude - 1;
    }

    /**
     * @param value a value not negative.
     * @return its counts index.
     */
    int indexOf(final long value)
    {
        final int bucketIndex = leadingZeroCountBase - Long.numberOfLeadingZeros(value | subBucketMask);
        final int subBucketIndex = (int)(value >>> (bucketIndex + unitMagnitude));
        return ((bucketIndex + 1) << subBucketHalfCountMagnitude) + (subBucketIndex - subBucketHalfCount);
    }

    /**
     * @param index a counts index.
     * @return the highest value counted at that index (what HdrHistogram reports for it).
     */
    long highestEquivalentValue(final int index)
    {
        int bucketIndex = (index >> subBucketHalfCountMagnitude) - 1;
        int subBucketIndex = (index & (subBucketHalfCount - 1)) + subBucketHalfCount;
        if (bucketIndex < 0)
        {
            subBucketIndex -= subBucketHalfCount;
            bucketIndex = 0;
        }
        final long lowest = (long)subBucketIndex << (bucketIndex + unitMagnitude);
        return lowest + (1L << (unitMagnitude + bucketIndex)) - 1;
    }
}
