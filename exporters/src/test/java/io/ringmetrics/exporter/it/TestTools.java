package io.ringmetrics.exporter.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the external programs the integration tests use: {@code promtool} and
 * {@code prometheus} (Debian package {@code prometheus}), {@code victoria-metrics} (Debian package
 * {@code victoria-metrics}), {@code node}, and the Etsy StatsD
 * daemon installed by {@code .ci/install-test-deps.sh} into {@code <repo>/.tools/statsd}.
 *
 * <p>Anything missing fails the calling test (never a silent skip) with a message telling to
 * run {@code .ci/install-test-deps.sh}.
 */
public final class TestTools {

    static final String INSTALL_HINT =
            "run `bash .ci/install-test-deps.sh` from the repository root "
                    + "(installs Debian `prometheus` and `victoria-metrics`, and npm `statsd` into .tools/statsd)";

    private static volatile Path repoRoot;

    private TestTools() {}

    /** The repository root: the nearest directory at or above {@code user.dir} that holds {@code .ci/}. */
    public static Path repoRoot() {
        Path r = repoRoot;
        if (r != null) {
            return r;
        }
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".ci"))) {
                repoRoot = p;
                return p;
            }
        }
        return fail("cannot locate the repository root (a directory containing .ci/) above " + start);
    }

    public static Path promtool() {
        return onPath("promtool");
    }

    public static Path prometheus() {
        return onPath("prometheus");
    }

    /** {@code victoria-metrics} (Debian package {@code victoria-metrics}), for the fleet test. */
    public static Path victoriaMetrics() {
        return onPath("victoria-metrics");
    }

    public static Path node() {
        return onPath("node");
    }

    /** {@code <repo>/.tools/statsd/node_modules/statsd/stats.js}. */
    public static Path statsdMain() {
        Path p = repoRoot().resolve(".tools/statsd/node_modules/statsd/stats.js");
        if (!Files.isRegularFile(p)) {
            fail("StatsD daemon not found at " + p + ": " + INSTALL_HINT);
        }
        return p;
    }

    /** Finds an executable on {@code PATH} (then {@code /usr/bin}, {@code /usr/local/bin}). */
    public static Path onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        String[] dirs = (path + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/local/bin")
                .split(File.pathSeparator);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("`" + name + "` not found on PATH (" + path + "): " + INSTALL_HINT);
    }
}
