package io.ringmetrics.jmh.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the {@code shm=true} variants put the engine's store file: a fresh directory on /dev/shm (tmpfs) if any. */
public final class ShmDirectory {
    private ShmDirectory() {
    }

    /** @return a new empty directory, removed with its files when the JVM exits. */
    public static Path create() {
        try {
            Path base = Path.of("/dev/shm");
            Path dir = Files.isDirectory(base) && Files.isWritable(base)
                    ? Files.createTempDirectory(base, "ringmetrics-jmh") : Files.createTempDirectory("ringmetrics-jmh");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
