package io.ringmetrics.exporter.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child process of the test JVM with its own temp directory and a log file (stdout and stderr
 * merged) inside it. {@link #close()} terminates it (SIGTERM, then SIGKILL) and deletes the temp
 * directory; a JVM shutdown hook does the same for every process still alive, so nothing outlives
 * the test JVM even when a test fails or forgets to close.
 *
 * <p>Set {@code -Dringmetrics.it.keepTempDirs=true} to keep temp directories for debugging.
 */
public final class ManagedProcess implements AutoCloseable {

    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final boolean KEEP_TEMP = Boolean.getBoolean("ringmetrics.it.keepTempDirs");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ManagedProcess p : List.copyOf(LIVE)) {
                p.close();
            }
        }, "ringmetrics-it-reaper"));
    }

    private final String name;
    private final Path dir;
    private final Path log;
    private final Process process;
    private volatile boolean suspended;

    private ManagedProcess(String name, Path dir, Path log, Process process) {
        this.name = name;
        this.dir = dir;
        this.log = log;
        this.process = process;
    }

    /** Creates a fresh temp directory for a process called {@code name}. */
    public static Path newTempDir(String name) {
        try {
            return Files.createTempDirectory("ringmetrics-it-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code command} with working directory {@code dir} (which this object then owns and
     * deletes on close), stdin closed, and output to {@code dir/<name>.log}.
     */
    public static ManagedProcess start(String name, List<String> command, Path dir) {
        return start(name, command, dir, Map.of());
    }

    /**
     * Like {@link #start(String, List, Path)}, with {@code environment} added to (and overriding) the test JVM's
     * environment; a {@code null} value removes that variable.
     */
    public static ManagedProcess start(String name, List<String> command, Path dir, Map<String, String> environment) {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        environment.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        try {
            Process p = pb.start();
            ManagedProcess mp = new ManagedProcess(name, dir, log, p);
            LIVE.add(mp);
            return mp;
        } catch (IOException e) {
            deleteRecursively(dir);
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    public Path logFile() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Exit code, or null while running. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** The whole log (empty if unreadable). */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String logTail(int lines) {
        List<String> all;
        try {
            all = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return "<no log: " + e + ">";
        }
        List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
        return String.join("\n", tail);
    }

    /** A multi-line description for assertion messages: state plus log tail. */
    public String describe() {
        Integer code = exitCode();
        return name + " (pid " + pid() + ", " + (code == null ? "running" : "exited with " + code)
                + "), log " + log + ", last lines:\n" + logTail(40);
    }

    /**
     * Stops the process with SIGSTOP: it stays alive, its sockets stay open, but it runs (and reads) nothing until
     * {@link #resume()}. {@link #close()} resumes it first.
     */
    public void suspend() {
        signal("STOP");
        suspended = true;
    }

    /** Continues a process stopped by {@link #suspend()} (SIGCONT). */
    public void resume() {
        signal("CONT");
        suspended = false;
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid()))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }

    /** SIGTERM, wait up to 5 s, then SIGKILL; deletes the temp directory. Idempotent. */
    @Override
    public void close() {
        if (!LIVE.remove(this)) {
            return;
        }
        if (suspended && process.isAlive()) {
            try {
                resume();
            } catch (RuntimeException ignored) {
                // SIGKILL below ends a stopped process too
            }
        }
        List<ProcessHandle> children = new ArrayList<>();
        process.descendants().forEach(children::add);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        if (!KEEP_TEMP) {
            deleteRecursively(dir);
        }
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
