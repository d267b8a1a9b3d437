package io.ringmetrics.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeriesHashTest
{
    /** A non-empty string whose {@code hashCode()} is 0: it never has a cached hash to read. */
    private static final String ZERO_HASH = "f5a5a608";

    @Test
    void thisJdkKeepsTheStringHashWhereTheLookupsReadIt()
    {
        assertTrue(SeriesHash.stringHashOffset() >= 0,
            "String has no int field 'hash' on " + Runtime.version() + ": every lookup would take the general " +
            "path, whose inlined hashCode() loops keep it from being inlined into its caller");
    }

    @Test
    void theCachedHashIsZeroUntilTheStringIsHashedThenItsHashCode()
    {
        assertEquals(0, ZERO_HASH.hashCode());
        for (final String s : List.of("method", "GET", "/api/v1/users", "\u00fc", "\u20ac/\u00e9t\u00e9"))
        {
            final String fresh = new String(s.toCharArray());
            assertEquals(0, SeriesHash.cachedOrZero(fresh), s + " before its hash was computed");
            final int hash = fresh.hashCode();
            assertEquals(hash, SeriesHash.cachedOrZero(fresh), s + " after hashCode()");
            assertEquals(s.hashCode(), SeriesHash.cachedOrZero(s), s + " as a constant");
        }
        assertEquals(0, SeriesHash.cachedOrZero(ZERO_HASH));
        assertEquals(0, SeriesHash.cachedOrZero(""));
    }

    @Test
    void theKnownMaskIsNegativeExactlyForNonZeroHashes()
    {
        for (final int h : new int[] { 1, -1, 42, Integer.MIN_VALUE, Integer.MAX_VALUE, "GET".hashCode() })
        {
            assertTrue(SeriesHash.knownMask(h) < 0, Integer.toString(h));
        }
        assertEquals(0, SeriesHash.knownMask(0));
        assertTrue((SeriesHash.knownMask(7) & SeriesHash.knownMask(0) & SeriesHash.knownMask(-3)) >= 0);
    }

    @Test
    void theHashFromCachedHashesIsTheHashFromTheStrings()
    {
        final String k = "path";
        final String v = "/x";
        assertEquals(SeriesHash.pair(k, v), SeriesHash.pair(k.hashCode(), v.hashCode()));
        assertEquals(SeriesHash.of("m", SeriesHash.pair(k, v)),
            SeriesHash.of("m".hashCode(), SeriesHash.pair(k.hashCode(), v.hashCode())));
    }
}
