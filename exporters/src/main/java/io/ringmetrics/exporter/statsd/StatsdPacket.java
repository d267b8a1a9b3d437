package io.ringmetrics.exporter.statsd;

import java.nio.ByteBuffer;

/**
 * Assembles StatsD lines into one datagram, never splitting a line and never exceeding the max packet size.
 * <p>
 * A <i>unit</i> (one line, or the two lines {@code k:0|g\nk:-5|g} of a negative gauge, which must arrive together
 * and in order) is first written into a heap scratch array ({@link #beginUnit()}, {@code put*}), then either fits
 * into the direct datagram buffer after a {@code '\n'} separator ({@link #unitFitsDatagram()},
 * {@link #appendUnit()}) or the datagram is sent first. A unit longer than the max packet size can never be sent:
 * {@link #unitTooLong()} says so and the caller skips it.
 * <pre>
 *   datagram:  line '\n' line '\n' ... line          (no trailing newline; length &lt;= maxPacketSize)
 *   line:      key[suffix] ':' value '|' type [tags]
 * </pre>
 * <b>Threading.</b> Owned by the flush thread. Reuses its buffers: the only allocation is the {@link String} of a
 * non-integral double ({@link Double#toString(double)}).
 */
final class StatsdPacket
{
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final int maxPacketSize;
    private final ByteBuffer datagram;
    private final byte[] unit;
    private int unitLength;
    private boolean unitOverflow;
    private int linesInDatagram;
    private int linesInUnit;

    /**
     * @param maxPacketSize largest datagram payload.
     */
    StatsdPacket(final int maxPacketSize)
    {
        this.maxPacketSize = maxPacketSize;
        this.datagram = ByteBuffer.allocateDirect(maxPacketSize);
        this.unit = new byte[maxPacketSize];
    }

    /** Starts a new unit in the scratch array. */
    void beginUnit()
    {
        unitLength = 0;
        unitOverflow = false;
        linesInUnit = 1;
    }

    /** Starts the second line of a unit. */
    void newLine()
    {
        put((byte)'\n');
        linesInUnit++;
    }

    void put(final byte b)
    {
        if (unitLength < unit.length)
        {
            unit[unitLength++] = b;
        }
        else
        {
            unitOverflow = true;
        }
    }

    void put(final byte[] bytes)
    {
        if (unitLength + bytes.length <= unit.length)
        {
            System.arraycopy(bytes, 0, unit, unitLength, bytes.length);
            unitLength += bytes.length;
        }
        else
        {
            unitOverflow = true;
        }
    }

    /**
     * Writes a long in decimal.
     *
     * @param value value.
     */
    void putLong(final long value)
    {
        if (value == Long.MIN_VALUE)
        {
            put(MIN_LONG);
            return;
        }
        long v = value;
        if (v < 0)
        {
            put((byte)'-');
            v = -v;
        }
        final int digits = digits(v);
        if (unitLength + digits > unit.length)
        {
            unitOverflow = true;
            return;
        }
        int pos = unitLength + digits;
        do
        {
            unit[--pos] = (byte)('0' + (int)(v % 10));
            v /= 10;
        }
        while (v != 0);
        unitLength += digits;
    }

    /**
     * Writes a finite double: integral values below 10^15 as plain integers ({@code -0.0} as {@code 0}), others in
     * the shortest form that reads back exactly ({@link Double#toString(double)}, e.g. {@code 0.125},
     * {@code 1.5E-4}), which every StatsD implementation parses (JavaScript {@code Number}, Go
     * {@code strconv.ParseFloat}).
     *
     * @param value finite value.
     */
    void putDouble(final double value)
    {
        if (Math.abs(value) < 1e15 && value == Math.rint(value))
        {
            putLong((long)value);
            return;
        }
        final String s = Double.toString(value);
        if (unitLength + s.length() > unit.length)
        {
            unitOverflow = true;
            return;
        }
        for (int i = 0; i < s.length(); i++)
        {
            unit[unitLength++] = (byte)s.charAt(i);
        }
    }

    private static int digits(final long v)
    {
        long bound = 10;
        for (int d = 1; d < 19; d++)
        {
            if (v < bound)
            {
                return d;
            }
            bound *= 10;
        }
        return 19;
    }

    /** @return whether the unit is longer than a datagram may be, so it can never be sent. */
    boolean unitTooLong()
    {
        return unitOverflow;
    }

    /** @return the unit's length in bytes. */
    int unitLength()
    {
        return unitLength;
    }

    /** @return lines in the unit. */
    int unitLines()
    {
        return linesInUnit;
    }

    /** @return whether the unit fits into the current datagram (with its separator). */
    boolean unitFitsDatagram()
    {
        final int separator = datagram.position() > 0 ? 1 : 0;
        return !unitOverflow && datagram.position() + separator + unitLength <= maxPacketSize;
    }

    /** Appends the unit to the datagram; only after {@link #unitFitsDatagram()} said yes. */
    void appendUnit()
    {
        if (datagram.position() > 0)
        {
            datagram.put((byte)'\n');
        }
        datagram.put(unit, 0, unitLength);
        linesInDatagram += linesInUnit;
    }

    /** @return whether the datagram holds no line. */
    boolean isDatagramEmpty()
    {
        return datagram.position() == 0;
    }

    /** @return lines in the datagram. */
    int datagramLines()
    {
        return linesInDatagram;
    }

    /**
     * Flips the datagram for sending.
     *
     * @return the buffer, positioned at 0, limited to the payload.
     */
    ByteBuffer datagramForSend()
    {
        datagram.flip();
        return datagram;
    }

    /** Empties the datagram for the next lines. */
    void clearDatagram()
    {
        datagram.clear();
        linesInDatagram = 0;
    }

    /**
     * Copies the unit, for tests.
     *
     * @return the unit as a string.
     */
    String unitAsString()
    {
        return new String(unit, 0, unitLength, java.nio.charset.StandardCharsets.UTF_8);
    }
}
