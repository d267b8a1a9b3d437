package io.ringmetrics.exporter.prometheus;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that an exposition is rendered into, reused from scrape to scrape.
 * <p>
 * <b>Threading.</b> Not thread-safe: one scrape at a time owns a sink (see {@link SinkPool}). It never blocks; it
 * allocates only when it has to grow.
 * <p>
 * The number formatting here must match {@code io.prometheus.metrics.expositionformats.TextFormatUtil} exactly:
 * {@link #putLong(long)} writes {@code Long.toString}, {@link #putDouble(double)} writes {@code +Inf}, {@code -Inf}
 * or {@link Double#toString(double)} (with a shortcut for whole numbers below 10<sup>7</sup>, where
 * {@code Double.toString} is the digits followed by {@code .0}).
 */
final class ByteSink extends OutputStream
{
    private static final byte[] POSITIVE_INFINITY = ascii("+Inf");
    private static final byte[] NEGATIVE_INFINITY = ascii("-Inf");
    private static final byte[] LONG_MIN = ascii(Long.toString(Long.MIN_VALUE));
    private static final long NEGATIVE_ZERO_BITS = Double.doubleToRawLongBits(-0.0);
    private static final double PLAIN_LIMIT = 1e7; // Double.toString switches to E notation from here

    private byte[] buf;
    private int size;

    /**
     * @param initialCapacity initial size in bytes.
     */
    ByteSink(final int initialCapacity)
    {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** @return bytes written since the last {@link #reset()}. */
    int size()
    {
        return size;
    }

    /** @return the current capacity. */
    int capacity()
    {
        return buf.length;
    }

    /** Forgets the content, keeps the capacity. */
    void reset()
    {
        size = 0;
    }

    /** @return a copy of the content. */
    byte[] toByteArray()
    {
        return Arrays.copyOf(buf, size);
    }

    /** @return the content decoded as UTF-8, for tests and debugging. */
    @Override
    public String toString()
    {
        return new String(buf, 0, size, StandardCharsets.UTF_8);
    }

    /**
     * Copies the content to a stream.
     *
     * @param out destination.
     * @throws IOException from the destination.
     */
    void writeTo(final OutputStream out) throws IOException
    {
        out.write(buf, 0, size);
    }

    private void ensure(final int extra)
    {
        final int needed = size + extra;
        if (needed > buf.length)
        {
            if (needed < 0)
            {
                throw new OutOfMemoryError("exposition larger than 2 GiB");
            }
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length + (buf.length >> 1)));
        }
    }

    @Override
    public void write(final int b)
    {
        ensure(1);
        buf[size++] = (byte)b;
    }

    @Override
    public void write(final byte[] b, final int off, final int len)
    {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    void put(final byte b)
    {
        ensure(1);
        buf[size++] = b;
    }

    void put(final byte[] b)
    {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    void put(final byte[] b1, final byte[] b2)
    {
        ensure(b1.length + b2.length);
        System.arraycopy(b1, 0, buf, size, b1.length);
        System.arraycopy(b2, 0, buf, size + b1.length, b2.length);
        size += b1.length + b2.length;
    }

    /**
     * Writes a string made of characters below 128 only (numbers, names).
     *
     * @param s ASCII text.
     */
    void putAscii(final String s)
    {
        final int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++)
        {
            buf[size + i] = (byte)s.charAt(i);
        }
        size += n;
    }

    /**
     * Writes a long in decimal, as {@code TextFormatUtil.writeLong}.
     *
     * @param value value.
     */
    void putLong(final long value)
    {
        if (value == Long.MIN_VALUE)
        {
            put(LONG_MIN);
            return;
        }
        ensure(20);
        long v = value;
        if (v < 0)
        {
            buf[size++] = '-';
            v = -v;
        }
        final int digits = digits(v);
        int pos = size + digits;
        size = pos;
        do
        {
            final long q = v / 10;
            buf[--pos] = (byte)('0' + (int)(v - q * 10));
            v = q;
        }
        while (v != 0);
    }

    private static int digits(final long v)
    {
        long limit = 10;
        for (int d = 1; d < 19; d++)
        {
            if (v < limit)
            {
                return d;
            }
            limit *= 10;
        }
        return 19;
    }

    /**
     * Writes a double as {@code TextFormatUtil.writeDouble}: {@code +Inf}, {@code -Inf}, else
     * {@link Double#toString(double)}.
     *
     * @param d value.
     */
    void putDouble(final double d)
    {
        if (d < PLAIN_LIMIT && d > -PLAIN_LIMIT && d == (long)d &&
            Double.doubleToRawLongBits(d) != NEGATIVE_ZERO_BITS)
        {
            // Whole number with |d| < 1e7: Double.toString gives the digits and ".0".
            putLong((long)d);
            ensure(2);
            buf[size++] = '.';
            buf[size++] = '0';
        }
        else if (d == Double.POSITIVE_INFINITY)
        {
            put(POSITIVE_INFINITY);
        }
        else if (d == Double.NEGATIVE_INFINITY)
        {
            put(NEGATIVE_INFINITY);
        }
        else
        {
            putAscii(Double.toString(d));
        }
    }
}
