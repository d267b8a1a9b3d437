package io.ringmetrics.shm;

/**
 * Layout of a ringmetrics store file: the constants shared by the engine, which writes the file, and
 * {@link StoreReader}, which reads it from any process. All numbers are in the platform's native byte order
 * (little-endian on x86-64 and AArch64); the magic, read in the wrong order, reads as foreign.
 * <pre>
 *  file                                           header (HEADER_LENGTH = 128 bytes)
 *  +-----------------------------+ 0               0   magic "RMSTORE1" (long)
 *  | header                      |                 8   layout version (int) | header length (int)
 *  +-----------------------------+ VALUES_OFFSET   16  pid (long)
 *  | values: one 8-byte value    |  (4096)         24  process start time, epoch ms (long)
 *  | per slot (counter long,     |                 32  heartbeat, epoch ms (long, release store every ~10 ms)
 *  | gauge double bits)          |                 40  slot capacity (int) | record length (int)
 *  +-----------------------------+ recordsOffset   48  values offset (long)
 *  | records: RECORD_LENGTH      |  (page aligned) 56  records offset (long)
 *  | bytes per slot, same index  |                 64  file length (long)
 *  | as the value                |                 72  status (int: 1 running, 2 closed cleanly) | reuse timeout ms (int)
 *  +-----------------------------+ file length     80..128 reserved (0)
 *
 *  record (RECORD_LENGTH = 1024 bytes, at recordsOffset + slot * RECORD_LENGTH)
 *   0    state word (long): generation (high 32 bits) | state (low 32: 0 free, 1 allocated, 2 reclaimed)
 *        written last with a release store, read first with an acquire load, and read again after the rest
 *   8    type (int: 1 counter, 2 gauge, 3 histogram) | flags (int: 1 key truncated, 2 buckets not in file)
 *   16   reclaimed at, epoch ms (long): a reclaimed record is not reused before this + reuse timeout
 *   24   key length in bytes (int) | label pairs (int)
 *   32..64 reserved (0)
 *   64   key (KEY_CAPACITY = 448 bytes): name, then each label name and value, each as
 *        u16 length + UTF-8 bytes; label pairs that do not fit are left out (flag 1)
 *   512  histogram area (HISTOGRAM_AREA_LENGTH = 512 bytes), histograms only:
 *        512 sequence (long: odd while the writer updates the area)
 *        520 count (long) | 528 sum (double bits) | 536 finite bounds n (int) | 540 reserved (int)
 *        544 n bounds (double), then n + 1 bucket counts (long, not cumulative, the last is +Inf);
 *        n at most MAX_FINITE_BOUNDS (29); a histogram with more has count and sum only (flag 2)
 * </pre>
 * A counter's or gauge's value is the 8-byte slot at {@code valuesOffset + 8 * slot}; a histogram's slot there is
 * unused. Every 8-byte field is 8-byte aligned, so no read is ever torn.
 */
public final class StoreFileDescriptor
{
    /** "RMSTORE1" as a long in native order. */
    public static final long MAGIC = 0x31_45_52_4F_54_53_4D_52L;
    /** The layout this code writes and the newest it reads. */
    public static final int LAYOUT_VERSION = 1;
    /** File name prefix; the engine writes {@code ringmetrics-<pid>.dat} (then {@code -2}, {@code -3} ...). */
    public static final String FILE_PREFIX = "ringmetrics-";
    /** File name suffix. */
    public static final String FILE_SUFFIX = ".dat";

    public static final int HEADER_LENGTH = 128;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int PID_OFFSET = 16;
    public static final int START_TIME_OFFSET = 24;
    public static final int HEARTBEAT_OFFSET = 32;
    public static final int CAPACITY_OFFSET = 40;
    public static final int RECORD_LENGTH_OFFSET = 44;
    public static final int VALUES_OFFSET_OFFSET = 48;
    public static final int RECORDS_OFFSET_OFFSET = 56;
    public static final int FILE_LENGTH_OFFSET = 64;
    public static final int STATUS_OFFSET = 72;
    public static final int REUSE_TIMEOUT_OFFSET = 76;

    public static final int STATUS_RUNNING = 1;
    public static final int STATUS_CLOSED = 2;

    /** Where the values start: one page after the file start, so the header has a page of its own. */
    public static final int VALUES_OFFSET = 4096;
    public static final int PAGE = 4096;

    public static final int RECORD_LENGTH = 1024;
    public static final int STATE_OFFSET = 0;
    public static final int TYPE_OFFSET = 8;
    public static final int FLAGS_OFFSET = 12;
    public static final int RECLAIMED_AT_OFFSET = 16;
    public static final int KEY_LENGTH_OFFSET = 24;
    public static final int LABEL_PAIRS_OFFSET = 28;
    public static final int KEY_OFFSET = 64;
    public static final int KEY_CAPACITY = 448;

    public static final int HISTOGRAM_AREA_OFFSET = 512;
    public static final int HISTOGRAM_AREA_LENGTH = 512;
    /** Offsets inside the histogram area. */
    public static final int H_SEQUENCE = 0;
    public static final int H_COUNT = 8;
    public static final int H_SUM = 16;
    public static final int H_BOUNDS_COUNT = 24;
    public static final int H_BOUNDS = 32;
    /** Finite bucket bounds a histogram area holds (their n + 1 counts included). */
    public static final int MAX_FINITE_BOUNDS = (HISTOGRAM_AREA_LENGTH - H_BOUNDS - Long.BYTES) / (2 * Long.BYTES);

    public static final int STATE_FREE = 0;
    public static final int STATE_ALLOCATED = 1;
    public static final int STATE_RECLAIMED = 2;

    public static final int TYPE_COUNTER = 1;
    public static final int TYPE_GAUGE = 2;
    public static final int TYPE_HISTOGRAM = 3;

    public static final int FLAG_KEY_TRUNCATED = 1;
    public static final int FLAG_NO_BUCKETS = 2;

    /** Largest slot capacity a file can hold: every offset fits an {@code int} (one mapping). */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE - 2 * PAGE) / (RECORD_LENGTH + Long.BYTES);

    private StoreFileDescriptor()
    {
    }

    /**
     * @param capacity slots.
     * @return offset of the records region: after the values, rounded up to a page.
     */
    public static long recordsOffset(final int capacity)
    {
        return (VALUES_OFFSET + (long)capacity * Long.BYTES + PAGE - 1) & -PAGE;
    }

    /**
     * @param capacity slots.
     * @return the file's length.
     */
    public static long fileLength(final int capacity)
    {
        return recordsOffset(capacity) + (long)capacity * RECORD_LENGTH;
    }

    /**
     * @param generation record generation.
     * @param state      one of the {@code STATE_*}.
     * @return the state word.
     */
    public static long stateWord(final int generation, final int state)
    {
        return ((long)generation << 32) | (state & 0xFFFF_FFFFL);
    }

    /** @return the state of a state word. */
    public static int state(final long stateWord)
    {
        return (int)stateWord;
    }

    /** @return the generation of a state word. */
    public static int generation(final long stateWord)
    {
        return (int)(stateWord >>> 32);
    }
}
