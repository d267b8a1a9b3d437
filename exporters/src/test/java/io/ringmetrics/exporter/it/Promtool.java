package io.ringmetrics.exporter.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code promtool check metrics} (Prometheus text format 0.0.4 linter).
 *
 * <p>promtool 2.42 (Debian 12) exits 0 when clean, 3 when there are lint problems (e.g. a counter
 * without the {@code _total} suffix, missing HELP, non-base units such as {@code _milliseconds}),
 * and 1 on a parse error; messages go to stderr, which is merged into {@link Result#output()}.
 * It parses only the classic text format: an OpenMetrics exposition ({@code # EOF}, counter
 * family names without {@code _total}) is misread and reported as lint problems.
 */
public final class Promtool {

    /** promtool's exit code and its merged stdout+stderr. */
    public record Result(int exitCode, String output) {
        /** Non-blank output lines. */
        public List<String> lines() {
            return output.lines().filter(l -> !l.isBlank()).toList();
        }

        public boolean clean() {
            return exitCode == 0 && lines().isEmpty();
        }
    }

    private Promtool() {}

    /** {@code promtool check metrics} with {@code exposition} on stdin (30 s limit). */
    public static Result checkMetrics(String exposition) {
        ProcessBuilder pb = new ProcessBuilder(TestTools.promtool().toString(), "check", "metrics")
                .redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run promtool", e);
        }
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(exposition.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // promtool may exit early on a parse error and close its stdin; its output says why
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("promtool check metrics did not finish within 30 s");
            }
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running promtool", e);
        } catch (Exception e) {
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("promtool failed: " + e, e);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Fails (showing promtool's output and the exposition) unless promtool exits 0 with no output. */
    public static void assertClean(String exposition) {
        Result r = checkMetrics(exposition);
        if (!r.clean()) {
            fail("promtool check metrics: exit " + r.exitCode() + "\n" + r.output()
                    + "\n--- exposition checked ---\n" + exposition);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
