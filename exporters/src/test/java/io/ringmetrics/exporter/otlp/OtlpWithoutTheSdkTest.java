package io.ringmetrics.exporter.otlp;

import io.ringmetrics.exporter.StartupProbe;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OTel SDK is an optional dependency: in a JVM whose class path lacks every {@code io.opentelemetry} jar, the
 * other exporters work as before, and selecting {@code otlp} fails in one line naming the missing artifacts (which
 * {@code fromOrNullExporter} answers with the Null exporter).
 */
class OtlpWithoutTheSdkTest
{
    private static String[] probe(final String... args) throws Exception
    {
        final String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains(File.separator + "opentelemetry" + File.separator) &&
                !entry.contains("opentelemetry-"))
            .collect(Collectors.joining(File.pathSeparator));
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", classPath,
            StartupProbe.class.getName()));
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

    @Test
    void withoutTheSdkPrometheusAndStatsdRunAsBefore() throws Exception
    {
        final String[] result = probe("factory", "METRICS_EXPORTER", "prometheus,statsd", "METRICS_HTTP_PORT", "0",
            "STATSD_HOST", "127.0.0.1");
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("exporter: composite\n"), result[1]);
        assertTrue(result[1].contains("health: running"), result[1]);
        assertFalse(result[1].contains("Exception") || result[1].contains("NoClassDefFoundError"), result[1]);
    }

    @Test
    void withoutTheSdkSelectingOtlpFailsInOneLineNamingWhatIsMissing() throws Exception
    {
        final String[] result = probe("factory", "METRICS_EXPORTER", "prometheus,otlp", "METRICS_HTTP_PORT", "0");
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("exporter: null\n"), "the never-throwing factory falls back: " + result[1]);
        assertEquals(1, result[1].lines().filter(l -> l.contains("Metrics configuration failed, using the Null " +
            "exporter with default settings: the otlp exporter needs io.opentelemetry:opentelemetry-exporter-otlp " +
            "and opentelemetry-exporter-sender-jdk on the class path")).count(), result[1]);
        assertFalse(result[1].contains("NoClassDefFoundError") || result[1].contains("\tat "), "no stack trace: " +
            result[1]);
    }
}
