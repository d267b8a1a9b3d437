package io.ringmetrics.shm;

import java.util.Optional;

/**
 * The header of a store file as read at one instant: who wrote it, when it last showed signs of life.
 *
 * @param file             the file (or buffer description).
 * @param layoutVersion    layout version.
 * @param pid              the writing process.
 * @param startTimeMillis  that process's start time as the OS reported it (epoch ms, 0 if unknown).
 * @param heartbeatMillis  the writer's last heartbeat (epoch ms); the writer stores it about every 10 ms.
 * @param capacity         slots (records).
 * @param closedCleanly    whether the engine closed the file (it did not crash).
 * @param reuseTimeoutMillis how long a reclaimed record stays unused.
 */
public record StoreHeader(
    String file, int layoutVersion, long pid, long startTimeMillis, long heartbeatMillis, int capacity,
    boolean closedCleanly, int reuseTimeoutMillis)
{
    /** Heartbeat age beyond which a writer is reported dead by {@link #writerAlive(long, long)} by default. */
    public static final long DEFAULT_MAX_HEARTBEAT_AGE_MILLIS = 1000;

    /**
     * @return whether the process that wrote the file is still running: its pid exists and, when the OS reports
     *         start times, was started at the recorded time (a reused pid is another process).
     */
    public boolean processAlive()
    {
        final Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive())
        {
            return false;
        }
        final long started = processStartMillis(process.get());
        return started == 0 || startTimeMillis == 0 || Math.abs(started - startTimeMillis) <= 1000;
    }

    /**
     * @param process a process.
     * @return its start time in epoch milliseconds as the OS reports it, or 0 if unknown.
     */
    static long processStartMillis(final ProcessHandle process)
    {
        return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    }

    /**
     * @param nowMillis          wall-clock time.
     * @param maxHeartbeatAgeMillis oldest heartbeat still counted as alive.
     * @return whether the writer is alive: not closed, its process running and its heartbeat recent.
     */
    public boolean writerAlive(final long nowMillis, final long maxHeartbeatAgeMillis)
    {
        return !closedCleanly && nowMillis - heartbeatMillis <= maxHeartbeatAgeMillis && processAlive();
    }
}
