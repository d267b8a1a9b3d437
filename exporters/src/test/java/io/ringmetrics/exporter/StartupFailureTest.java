package io.ringmetrics.exporter;

import io.ringmetrics.MetricsEngine;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20, item 2, in JVMs of their own: without {@value MetricsEngine#AGRONA_JVM_OPTION} the engine's start fails
 * with one message naming that option (not a raw {@code IllegalAccessError}), and limits the heap cannot hold name the
 * setting and the memory; {@code fromOrNullExporter} keeps its word in both cases and says why in one line.
 */
class StartupFailureTest
{
    private static final String FLAG_MESSAGE = "the metrics engine cannot start: add the JVM option " +
        "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    /** Runs {@link StartupProbe} in a new JVM and returns its exit status followed by its merged output. */
    private static String[] probe(final List<String> jvmOptions, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StartupProbe.class.getName());
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        final Process process = builder.start();
        try
        {
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe ended: " + output);
            return new String[] { String.valueOf(process.exitValue()), output };
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    private static long linesContaining(final String output, final String text)
    {
        return output.lines().filter(line -> line.contains(text)).count();
    }

    @Test
    void withoutTheAgronaOptionTheEngineStartNamesIt() throws Exception
    {
        final String[] result = probe(List.of(), "engine");
        assertEquals("3", result[0], result[1]);
        assertTrue(result[1].startsWith("refused: " + FLAG_MESSAGE), result[1]);
        assertFalse(result[1].contains("IllegalAccessError"), result[1]);
        assertEquals(1, result[1].strip().lines().count(), "one message: " + result[1]);
    }

    @Test
    void withoutTheAgronaOptionTheNeverThrowingFactoryDisablesMetricsAndSaysWhyInOneLine() throws Exception
    {
        final String[] result = probe(List.of(), "factory", "METRICS_HTTP_PORT", "0");
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("exporter: null\n"), result[1]);
        assertTrue(result[1].contains("health: disabled: metrics are disabled: " + FLAG_MESSAGE), result[1]);
        assertEquals(1, linesContaining(result[1], "Metrics configuration failed, metrics are disabled (calls are " +
            "accepted, nothing is recorded): " + FLAG_MESSAGE), result[1]);
        assertFalse(result[1].contains("Exception"), "no stack trace: " + result[1]);
    }

    @Test
    void limitsTheHeapCannotHoldNameTheSettingAndTheMemory() throws Exception
    {
        final String[] result = probe(List.of(MetricsEngine.AGRONA_JVM_OPTION.split(" ")[0],
            MetricsEngine.AGRONA_JVM_OPTION.split(" ")[1], "-Xmx32m"), "engine", "8388608");
        assertEquals("3", result[0], result[1]);
        assertTrue(result[1].startsWith("refused: the metrics engine cannot allocate its up-front memory for " +
            "max_label_combinations=8388608 (METRICS_MAX_LABEL_COMBINATIONS) + max_metrics=1000 (METRICS_MAX_METRICS): " +
            "8389672 slots need 65 MiB off-heap (-XX:MaxDirectMemorySize) and 97 MiB of heap, this JVM's -Xmx is "),
            result[1]);
        assertTrue(result[1].contains("; lower the limits or give the JVM more memory (java.lang.OutOfMemoryError"),
            result[1]);
    }

    @Test
    void limitsTheHeapCannotHoldFallBackToDefaultsInOneLine() throws Exception
    {
        final String[] result = probe(List.of(MetricsEngine.AGRONA_JVM_OPTION.split(" ")[0],
            MetricsEngine.AGRONA_JVM_OPTION.split(" ")[1], "-Xmx32m"), "factory",
            "METRICS_MAX_LABEL_COMBINATIONS", "8388608", "METRICS_HTTP_PORT", "0");
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("exporter: null\n"), result[1]);
        assertTrue(result[1].contains("health: running: running"), result[1]);
        assertEquals(1, linesContaining(result[1], "Metrics configuration failed, using the Null exporter with default " +
            "settings: the metrics engine cannot allocate its up-front memory for max_label_combinations=8388608"),
            result[1]);
    }
}
