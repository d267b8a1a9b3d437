package io.ringmetrics.shm;

import java.nio.file.Path;

/**
 * A store file that cannot be read: missing, not a store file, truncated, corrupt, or written by a newer layout.
 * The message is one line naming the file and the problem.
 */
public final class StoreFileException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param file    the file (or the buffer's description).
     * @param problem what is wrong, and what was expected.
     */
    public StoreFileException(final Object file, final String problem)
    {
        super(file + ": " + problem);
    }

    /**
     * @param file    the file.
     * @param problem what is wrong.
     * @param cause   the underlying failure.
     */
    public StoreFileException(final Path file, final String problem, final Throwable cause)
    {
        super(file + ": " + problem, cause);
    }
}
