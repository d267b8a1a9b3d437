package io.ringmetrics;

import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.writer.WriterIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Immutable settings of a {@link MetricsEngine}: ring size, writer idle strategy, backpressure policy, default
 * histogram shape, snapshot timeout and resource limits. Build with {@link #builder()}; setters reject values out of
 * range with an {@link IllegalArgumentException} naming the setting, the value and what is allowed.
 */
public final class EngineConfig
{
    /**
     * Defaults: rings of 1024 slots growing up to 65 536, back-off idle up to 1 ms, DROP, default seconds
     * histogram, 5 s snapshots.
     */
    public static final EngineConfig DEFAULTS = builder().build();

    /** Default {@link #ringMemoryBudget()}: 64 MiB (64 threads at the largest default ring, 4096 at the first). */
    public static final long DEFAULT_RING_MEMORY_BUDGET = 64L << 20;
    /** Smallest {@link #ringMemoryBudget()}: 64 KiB. */
    public static final long MIN_RING_MEMORY_BUDGET = 1L << 16;
    /** Largest {@link #ringMemoryBudget()}: 1 TiB. */
    public static final long MAX_RING_MEMORY_BUDGET = 1L << 40;

    private final int ringSize;
    private final int initialRingSize;
    private final WriterIdleStrategy idleStrategy;
    private final Supplier<? extends IdleStrategy> customIdleStrategy;
    private final long maxIdleParkNanos;
    private final BackpressurePolicy backpressure;
    private final HistogramSpec defaultHistogram;
    private final Duration snapshotTimeout;
    private final int maxPooledRings;
    private final long ringMemoryBudget;
    private final MetricsResourceConfig limits;
    private final Path shmDirectory;
    private final boolean shmDeleteOnClose;
    private final Duration shmReuseTimeout;

    private EngineConfig(final Builder b)
    {
        this.ringSize = b.ringSize;
        this.initialRingSize = Math.min(b.initialRingSize, b.ringSize);
        this.idleStrategy = b.idleStrategy;
        this.customIdleStrategy = b.customIdleStrategy;
        this.maxIdleParkNanos = b.maxIdleParkNanos;
        this.backpressure = b.backpressure;
        this.defaultHistogram = b.defaultHistogram;
        this.snapshotTimeout = b.snapshotTimeout;
        this.maxPooledRings = b.maxPooledRings;
        this.ringMemoryBudget = b.ringMemoryBudget;
        this.limits = b.limits;
        this.shmDirectory = b.shmDirectory;
        this.shmDeleteOnClose = b.shmDeleteOnClose;
        this.shmReuseTimeout = b.shmReuseTimeout;
    }

    /** @return a builder with the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return a builder holding this configuration. */
    public Builder toBuilder()
    {
        final Builder b = new Builder();
        b.ringSize = ringSize;
        b.initialRingSize = initialRingSize;
        b.idleStrategy = idleStrategy;
        b.customIdleStrategy = customIdleStrategy;
        b.maxIdleParkNanos = maxIdleParkNanos;
        b.backpressure = backpressure;
        b.defaultHistogram = defaultHistogram;
        b.snapshotTimeout = snapshotTimeout;
        b.maxPooledRings = maxPooledRings;
        b.ringMemoryBudget = ringMemoryBudget;
        b.limits = limits;
        b.shmDirectory = shmDirectory;
        b.shmDeleteOnClose = shmDeleteOnClose;
        b.shmReuseTimeout = shmReuseTimeout;
        return b;
    }

    /**
     * @return slots a caller thread's ring may grow to, a power of two (default 65 536 = 1 MiB of slots). A full
     *         ring at this size drops or blocks, per {@link #backpressure()}.
     */
    public int ringSize()
    {
        return ringSize;
    }

    /**
     * @return slots of a caller thread's first ring, a power of two, at most {@link #ringSize()} (default 1024 =
     *         16 KiB); the ring doubles each time it fills, up to {@link #ringSize()}.
     */
    public int initialRingSize()
    {
        return initialRingSize;
    }

    /** @return writer idle strategy (default BACKOFF). */
    public WriterIdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @return the factory given to {@link Builder#customIdleStrategy(Supplier)}, or {@code null} (the default) to
     *         use {@link #idleStrategy()}.
     */
    public Supplier<? extends IdleStrategy> customIdleStrategy()
    {
        return customIdleStrategy;
    }

    /**
     * A new idle strategy for one writer thread: the custom one if set, else {@link #idleStrategy()} with
     * {@link #maxIdleParkNanos()}.
     *
     * @return a strategy used by one writer thread only.
     */
    public IdleStrategy newWriterIdleStrategy()
    {
        return customIdleStrategy != null ?
            java.util.Objects.requireNonNull(customIdleStrategy.get(), "customIdleStrategy supplied null") :
            idleStrategy.create(maxIdleParkNanos);
    }

    /** @return longest writer park with BACKOFF, in nanoseconds (default 1 ms; a snapshot request wakes the writer). */
    public long maxIdleParkNanos()
    {
        return maxIdleParkNanos;
    }

    /** @return what a caller does when its ring is full (default DROP). */
    public BackpressurePolicy backpressure()
    {
        return backpressure;
    }

    /** @return histogram shape used when a registration gives none. */
    public HistogramSpec defaultHistogram()
    {
        return defaultHistogram;
    }

    /** @return longest wait for a snapshot before the request fails (default 5 s). */
    public Duration snapshotTimeout()
    {
        return snapshotTimeout;
    }

    /** @return rings of dead threads kept for reuse (default 64). */
    public int maxPooledRings()
    {
        return maxPooledRings;
    }

    /**
     * @return most bytes of ring slots the engine holds for all caller threads together (default 64 MiB): rings start
     *         smaller and stop growing when the next size would exceed it, so a pool of any size cannot make the
     *         engine hold more, apart from a 16-slot (256-byte) ring for each thread that arrives once it is used up.
     *         Updates a held-back ring cannot take are dropped and counted ({@code ring_full}).
     */
    public long ringMemoryBudget()
    {
        return ringMemoryBudget;
    }

    /** @return resource limits. */
    public MetricsResourceConfig limits()
    {
        return limits;
    }

    /**
     * @return directory of the memory-mapped store file other processes can read ({@code ringmetrics-<pid>.dat}),
     *         or {@code null} (the default): values stay in anonymous off-heap memory.
     */
    public Path shmDirectory()
    {
        return shmDirectory;
    }

    /** @return whether a clean close deletes the store file (default true); a crash always leaves it. */
    public boolean shmDeleteOnClose()
    {
        return shmDeleteOnClose;
    }

    /** @return how long a reclaimed store-file record (and its slot) stays unused before reuse (default 1 s). */
    public Duration shmReuseTimeout()
    {
        return shmReuseTimeout;
    }

    @Override
    public String toString()
    {
        return "ring_size=" + ringSize + ", initial_ring_size=" + initialRingSize + ", idle_strategy=" +
            (customIdleStrategy != null ? "custom" : idleStrategy) + ", backpressure=" + backpressure +
            ", snapshot_timeout=" + snapshotTimeout.toMillis() + "ms, histogram_window=" +
            defaultHistogram.window().toSeconds() + "s/" + defaultHistogram.windowSlices() +
            ", ring_memory_budget=" + ringMemoryBudget + "B, shm_dir=" + shmDirectory +
            ", shm_delete_on_close=" + shmDeleteOnClose + ", shm_reuse_timeout=" + shmReuseTimeout.toMillis() + "ms, " +
            limits + ", histograms=" + defaultHistogram;
    }

    /** Builder of {@link EngineConfig}. */
    public static final class Builder
    {
        private int ringSize = 1 << 16;
        private int initialRingSize = 1024;
        private WriterIdleStrategy idleStrategy = WriterIdleStrategy.BACKOFF;
        private Supplier<? extends IdleStrategy> customIdleStrategy;
        private long maxIdleParkNanos = TimeUnit.MILLISECONDS.toNanos(1);
        private BackpressurePolicy backpressure = BackpressurePolicy.DROP;
        private HistogramSpec defaultHistogram = HistogramSpec.DEFAULT_SECONDS;
        private Duration snapshotTimeout = Duration.ofSeconds(5);
        private int maxPooledRings = 64;
        private long ringMemoryBudget = DEFAULT_RING_MEMORY_BUDGET;
        private MetricsResourceConfig limits = MetricsResourceConfig.DEFAULTS;
        private Path shmDirectory;
        private boolean shmDeleteOnClose = true;
        private Duration shmReuseTimeout = Duration.ofSeconds(1);

        private Builder()
        {
        }

        /**
         * @param size slots a caller ring may grow to: a power of two, 16..1048576.
         * @return this.
         */
        public Builder ringSize(final int size)
        {
            if (size < 16 || size > (1 << 20) || Integer.bitCount(size) != 1)
            {
                throw new IllegalArgumentException("ring_size must be a power of two between 16 and 1048576, was " + size);
            }
            ringSize = size;
            return this;
        }

        /**
         * @param size slots of a caller thread's first ring: a power of two, 16..1048576; capped at
         *             {@link #ringSize(int)}. Equal to it, rings never grow.
         * @return this.
         */
        public Builder initialRingSize(final int size)
        {
            if (size < 16 || size > (1 << 20) || Integer.bitCount(size) != 1)
            {
                throw new IllegalArgumentException(
                    "initial_ring_size must be a power of two between 16 and 1048576, was " + size);
            }
            initialRingSize = size;
            return this;
        }

        /**
         * @param strategy writer idle strategy.
         * @return this.
         */
        public Builder idleStrategy(final WriterIdleStrategy strategy)
        {
            idleStrategy = java.util.Objects.requireNonNull(strategy, "idle_strategy");
            customIdleStrategy = null;
            return this;
        }

        /**
         * An Agrona idle strategy the enum does not offer (e.g. {@code SleepingMillisIdleStrategy}, or one that
         * pins or reports). The writer thread calls {@code idle(workCount)} after every pass over the rings; the
         * strategy must not block for long (snapshots wait for the next pass). A strategy that throws ends the writer
         * thread: {@link MetricsEngine#health()} then reports {@link EngineHealth.State#WRITER_DIED} with the cause.
         *
         * @param factory called once per engine start, on the starting thread; {@code null} restores
         *                {@link #idleStrategy(WriterIdleStrategy)}.
         * @return this.
         */
        public Builder customIdleStrategy(final Supplier<? extends IdleStrategy> factory)
        {
            customIdleStrategy = factory;
            return this;
        }

        /**
         * @param park longest BACKOFF park: 1 µs..100 ms.
         * @return this.
         */
        public Builder maxIdlePark(final Duration park)
        {
            final long nanos = park.toNanos();
            if (nanos < 1_000 || nanos > 100_000_000)
            {
                throw new IllegalArgumentException("max idle park must be between 1 µs and 100 ms, was " + park);
            }
            maxIdleParkNanos = nanos;
            return this;
        }

        /**
         * @param policy backpressure policy.
         * @return this.
         */
        public Builder backpressure(final BackpressurePolicy policy)
        {
            backpressure = java.util.Objects.requireNonNull(policy, "backpressure");
            return this;
        }

        /**
         * @param spec default histogram shape.
         * @return this.
         */
        public Builder defaultHistogram(final HistogramSpec spec)
        {
            defaultHistogram = java.util.Objects.requireNonNull(spec, "default histogram");
            return this;
        }

        /**
         * @param timeout longest wait for a snapshot: 1 ms..5 min.
         * @return this.
         */
        public Builder snapshotTimeout(final Duration timeout)
        {
            if (timeout.toMillis() < 1 || timeout.toMillis() > 300_000)
            {
                throw new IllegalArgumentException("snapshot timeout must be between 1 ms and 5 min, was " + timeout);
            }
            snapshotTimeout = timeout;
            return this;
        }

        /**
         * @param count rings kept for reuse: 0..65536.
         * @return this.
         */
        public Builder maxPooledRings(final int count)
        {
            if (count < 0 || count > 65_536)
            {
                throw new IllegalArgumentException("max pooled rings must be between 0 and 65536, was " + count);
            }
            maxPooledRings = count;
            return this;
        }

        /**
         * @param bytes most bytes of ring slots held for all caller threads together:
         *              {@value #MIN_RING_MEMORY_BUDGET}..{@value #MAX_RING_MEMORY_BUDGET}.
         * @return this.
         */
        public Builder ringMemoryBudget(final long bytes)
        {
            if (bytes < MIN_RING_MEMORY_BUDGET || bytes > MAX_RING_MEMORY_BUDGET)
            {
                throw new IllegalArgumentException("ring memory budget must be between " + MIN_RING_MEMORY_BUDGET +
                    " and " + MAX_RING_MEMORY_BUDGET + " bytes, was " + bytes);
            }
            ringMemoryBudget = bytes;
            return this;
        }

        /**
         * @param config resource limits.
         * @return this.
         */
        public Builder limits(final MetricsResourceConfig config)
        {
            limits = java.util.Objects.requireNonNull(config, "limits");
            return this;
        }

        /**
         * Puts the engine's values and a description of every series in a memory-mapped file,
         * {@code <directory>/ringmetrics-<pid>.dat}, that other processes read with {@code io.ringmetrics.shm.StoreReader}
         * or the {@code ringmetrics-stat} CLI, live or after a crash. Files of processes no longer running are removed
         * from the directory at start.
         *
         * @param directory where the file goes (created if missing), e.g. {@code /dev/shm/ringmetrics}; {@code null}
         *                  turns the file off (the default).
         * @return this.
         */
        public Builder shmDirectory(final Path directory)
        {
            shmDirectory = directory;
            return this;
        }

        /**
         * @param delete whether a clean close deletes the store file (default true).
         * @return this.
         */
        public Builder shmDeleteOnClose(final boolean delete)
        {
            shmDeleteOnClose = delete;
            return this;
        }

        /**
         * @param timeout how long a freed series' record and slot stay unused before a new series takes them, so a
         *                reader never attributes a value to the wrong series: 1 ms..10 min.
         * @return this.
         */
        public Builder shmReuseTimeout(final Duration timeout)
        {
            if (timeout.toMillis() < 1 || timeout.toMillis() > 600_000)
            {
                throw new IllegalArgumentException("shm reuse timeout must be between 1 ms and 10 min, was " + timeout);
            }
            shmReuseTimeout = timeout;
            return this;
        }

        /** @return the configuration. */
        public EngineConfig build()
        {
            return new EngineConfig(this);
        }
    }
}
