package io.ringmetrics.exporter.statsd;

import io.ringmetrics.config.StatsdTagStyle;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsdLineFormatTest
{
    private static final String NASTY = "a:b,c#d.e f@g/h=i;j";

    @Test
    void foldedLabelsKeepOnlySafeCharactersInTheKey()
    {
        final String key = key(null, "http:requests_total", StatsdTagStyle.NONE, "method", "GET", "path", NASTY);
        assertEquals("http_requests_total.method_GET.path_a_b_c_d_e_f_g_h_i_j", key);
        assertEquals("app.prod.x.k_", key("app.prod", "x", StatsdTagStyle.NONE, "k", ""));
        // one '_' per code point, whatever its UTF-16 or UTF-8 length
        assertEquals("x.k_caf__", key(null, "x", StatsdTagStyle.NONE, "k", "café\uD83D\uDE00"));
        StatsdLines.parse(key + ":1|c");
    }

    @Test
    void dogstatsdTagsKeepValuesButNotSeparators()
    {
        assertEquals("app.http_requests_total", key("app", "http:requests_total", StatsdTagStyle.DOGSTATSD,
            "method", "GET", "path", NASTY));
        final String tags = tags(StatsdTagStyle.DOGSTATSD, "method", "GET", "path", NASTY);
        assertEquals("|#method:GET,path:a:b_c#d.e_f@g/h=i;j", tags);
        final StatsdLines.Line line = StatsdLines.parse("app.x:1|c" + tags);
        assertEquals(Map.of("method", "GET", "path", "a:b_c#d.e_f@g/h=i;j"), line.tags());
        assertEquals("|#k:café_x", tags(StatsdTagStyle.DOGSTATSD, "k", "café\u2003x"));
        assertEquals("", tags(StatsdTagStyle.DOGSTATSD));
        assertEquals("", tags(StatsdTagStyle.NONE, "k", "v"));
    }

    @Test
    void numbersAreWrittenPlainAndExact()
    {
        final StatsdPacket p = new StatsdPacket(1432);
        assertEquals("0", number(p, 0.0));
        assertEquals("0", number(p, -0.0));
        assertEquals("-5", number(p, -5.0));
        assertEquals("123456789012345", number(p, 123456789012345.0));
        assertEquals("0.125", number(p, 0.125));
        assertEquals("1.5E-4", number(p, 1.5e-4));
        assertEquals("1.0E15", number(p, 1e15));
        for (final long v : new long[] { 0, 1, 9, 10, 99, 100, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000_007L })
        {
            p.beginUnit();
            p.putLong(v);
            assertEquals(Long.toString(v), p.unitAsString());
        }
        final Random random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            final double v = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(v))
            {
                assertEquals(v, Double.parseDouble(number(p, v)), 0.0);
            }
        }
    }

    @Test
    void packingNeverExceedsTheMaxPacketSizeAndNeverSplitsALine()
    {
        for (final int max : new int[] { 64, 100, 512, 1432 })
        {
            final StatsdPacket p = new StatsdPacket(max);
            final Random random = new Random(max);
            final List<String> sent = new ArrayList<>();
            final List<byte[]> datagrams = new ArrayList<>();
            for (int i = 0; i < 5_000; i++)
            {
                final String line = "m" + i + "." + "x".repeat(random.nextInt(max)) + ":" + random.nextInt(1000) + "|c";
                p.beginUnit();
                p.put(line.getBytes(StandardCharsets.UTF_8));
                if (p.unitTooLong())
                {
                    assertTrue(line.length() > max, line);
                    continue;
                }
                if (!p.unitFitsDatagram())
                {
                    datagrams.add(take(p));
                }
                assertTrue(p.unitFitsDatagram());
                p.appendUnit();
                sent.add(line);
            }
            datagrams.add(take(p));
            final List<String> received = new ArrayList<>();
            for (int d = 0; d < datagrams.size(); d++)
            {
                final byte[] datagram = datagrams.get(d);
                assertTrue(datagram.length <= max, datagram.length + " > " + max);
                final String text = new String(datagram, StandardCharsets.UTF_8);
                assertFalse(text.startsWith("\n") || text.endsWith("\n") || text.contains("\n\n"), text);
                for (final String line : text.split("\n"))
                {
                    received.add(line);
                }
                if (d + 1 < datagrams.size())
                {
                    // as few datagrams as possible: the next line did not fit into this one
                    final int next = new String(datagrams.get(d + 1), StandardCharsets.UTF_8).split("\n")[0].length();
                    assertTrue(datagram.length + 1 + next > max, "datagram " + d + " could have taken the next line");
                }
            }
            assertEquals(sent, received, "every line arrives whole and in order");
        }
    }

    @Test
    void aNegativeGaugeIsOneUnitOfTwoLines()
    {
        final StatsdPacket p = new StatsdPacket(64);
        p.beginUnit();
        p.put("g:0|g".getBytes(StandardCharsets.US_ASCII));
        p.newLine();
        p.put("g:-5|g".getBytes(StandardCharsets.US_ASCII));
        assertEquals(2, p.unitLines());
        p.appendUnit();
        assertEquals("g:0|g\ng:-5|g", new String(take(p), StandardCharsets.US_ASCII));
    }

    private static byte[] take(final StatsdPacket p)
    {
        final ByteBuffer b = p.datagramForSend();
        final byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        p.clearDatagram();
        return bytes;
    }

    private static String number(final StatsdPacket p, final double v)
    {
        p.beginUnit();
        p.putDouble(v);
        return p.unitAsString();
    }

    private static String key(final String prefix, final String name, final StatsdTagStyle style, final String... pairs)
    {
        return new String(StatsdNames.key(prefix, name, style, names(pairs), values(pairs)), StandardCharsets.UTF_8);
    }

    private static String tags(final StatsdTagStyle style, final String... pairs)
    {
        return new String(StatsdNames.tags(style, names(pairs), values(pairs)), StandardCharsets.UTF_8);
    }

    private static String[] names(final String[] pairs)
    {
        final String[] n = new String[pairs.length / 2];
        for (int i = 0; i < n.length; i++)
        {
            n[i] = pairs[2 * i];
        }
        return n;
    }

    private static String[] values(final String[] pairs)
    {
        final String[] v = new String[pairs.length / 2];
        for (int i = 0; i < v.length; i++)
        {
            v[i] = pairs[2 * i + 1];
        }
        return v;
    }
}
