package io.ringmetrics.config;

import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.writer.WriterIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvironmentConfigTest
{
    @Test
    void emptyEnvironmentGivesTheSpecifiedDefaults()
    {
        final MetricsSettings s = EnvironmentConfig.from(Map.of());
        assertEquals(ExporterKind.PROMETHEUS, s.exporter());
        assertNull(s.prometheusNamespace());
        assertTrue(s.allowRemoval());
        assertEquals("localhost", s.statsdHost());
        assertEquals(8125, s.statsdPort());
        assertNull(s.statsdPrefix());
        assertEquals(StatsdProtocol.UDP, s.statsdProtocol());
        assertEquals("127.0.0.1", s.httpHost());
        assertEquals(8081, s.httpPort());
        assertEquals(1000, s.engine().limits().maxMetrics());
        assertEquals(10_000, s.engine().limits().maxLabelCombinations());
        assertEquals(128, s.engine().limits().maxMetricNameLength());
        assertEquals(64, s.engine().limits().maxLabelNameLength());
        assertEquals(256, s.engine().limits().maxLabelValueLength());
        assertEquals(16, s.engine().limits().maxLabelsPerMetric());
        assertFalse(s.engine().limits().enableMetricCleanup());
        assertEquals(300, s.engine().limits().cleanupIntervalSeconds());
        final MetricsErrorConfig e = s.errors();
        assertTrue(e.logValidationErrors() && e.logResourceErrors() && e.logExportErrors() && e.logConfigErrors());
        assertFalse(e.propagateErrors());
        assertTrue(e.detailedErrorContext());
        assertEquals(Level.WARNING, e.errorLogLevel());
        assertEquals(65_536, s.engine().ringSize());
        assertEquals(BackpressurePolicy.DROP, s.engine().backpressure());
        assertEquals(WriterIdleStrategy.BACKOFF, s.engine().idleStrategy());
    }

    @Test
    void everyVariableIsParsed()
    {
        final Map<String, String> env = new HashMap<>();
        env.put("METRICS_EXPORTER", "statsd");
        env.put("PROMETHEUS_NAMESPACE", "whisper_api");
        env.put("PROMETHEUS_ALLOW_REMOVAL", "false");
        env.put("METRICS_EXPOSE_CREATED", "true");
        env.put("STATSD_HOST", "127.0.0.1");
        env.put("STATSD_PORT", "9125");
        env.put("STATSD_PREFIX", "whisper.prod");
        env.put("STATSD_FLUSH_INTERVAL_MS", "250");
        env.put("STATSD_MAX_PACKET_SIZE", "512");
        env.put("STATSD_TAG_STYLE", "dogstatsd");
        env.put("STATSD_PROTOCOL", "tcp");
        env.put("METRICS_HTTP_HOST", "0.0.0.0");
        env.put("METRICS_HTTP_PORT", "9100");
        env.put("METRICS_HTTP_THREADS", "4");
        env.put("METRICS_HTTP_MAX_CONNECTIONS", "64");
        env.put("METRICS_HTTP_REQUEST_TIMEOUT_MS", "1500");
        env.put("METRICS_HTTP_RESPONSE_TIMEOUT_MS", "2500");
        env.put("METRICS_MAX_METRICS", "5000");
        env.put("METRICS_MAX_LABEL_COMBINATIONS", "50000");
        env.put("METRICS_MAX_METRIC_NAME_LENGTH", "100");
        env.put("METRICS_MAX_LABEL_NAME_LENGTH", "32");
        env.put("METRICS_MAX_LABEL_VALUE_LENGTH", "128");
        env.put("METRICS_MAX_LABELS_PER_METRIC", "8");
        env.put("METRICS_ENABLE_CLEANUP", "true");
        env.put("METRICS_CLEANUP_INTERVAL_SECONDS", "60");
        env.put("METRICS_LOG_VALIDATION_ERRORS", "false");
        env.put("METRICS_LOG_RESOURCE_ERRORS", "0");
        env.put("METRICS_LOG_EXPORT_ERRORS", "no");
        env.put("METRICS_LOG_CONFIG_ERRORS", "off");
        env.put("METRICS_PROPAGATE_ERRORS", "TRUE");
        env.put("METRICS_DETAILED_ERROR_CONTEXT", "false");
        env.put("METRICS_ERROR_LOG_LEVEL", "error");
        env.put("METRICS_RING_SIZE", "1024");
        env.put("METRICS_RING_MEMORY_BUDGET_BYTES", "8388608");
        env.put("METRICS_IDLE_STRATEGY", "busy-spin");
        env.put("METRICS_BACKPRESSURE", "block");
        env.put("METRICS_SNAPSHOT_TIMEOUT_MS", "750");
        env.put("METRICS_HISTOGRAM_BUCKETS", "0.01, 0.1, 1, 10");
        env.put("METRICS_HISTOGRAM_SIGNIFICANT_DIGITS", "3");
        env.put("METRICS_SHM_DIR", "/dev/shm/ringmetrics");
        env.put("METRICS_SHM_DELETE_ON_CLOSE", "false");
        env.put("METRICS_SHM_REUSE_TIMEOUT_MS", "2000");
        env.put("METRICS_HISTOGRAM_WINDOW_SECONDS", "300");
        env.put("METRICS_HISTOGRAM_WINDOW_SLICES", "10");
        env.put("METRICS_NATIVE_HISTOGRAMS", "yes");
        env.put("METRICS_NATIVE_HISTOGRAM_SCHEMA", "-2");
        env.put("METRICS_NATIVE_HISTOGRAM_MAX_BUCKETS", "300");
        assertEquals(EnvironmentConfig.VARIABLES.stream().filter(v -> !v.startsWith("OTEL_")).count(), env.size() + 1,
            "all but PROMETHEUS_MAX_METRICS (and the OTEL_* ones: OtlpVariablesTest) set here");
        final MetricsSettings s = EnvironmentConfig.from(env);
        assertEquals(ExporterKind.STATSD, s.exporter());
        assertEquals("whisper_api", s.prometheusNamespace());
        assertFalse(s.allowRemoval());
        assertTrue(s.exposeCreated());
        assertEquals("127.0.0.1", s.statsdHost());
        assertEquals(9125, s.statsdPort());
        assertEquals("whisper.prod", s.statsdPrefix());
        assertEquals(Duration.ofMillis(250), s.statsdFlushInterval());
        assertEquals(512, s.statsdMaxPacketSize());
        assertEquals(StatsdTagStyle.DOGSTATSD, s.statsdTagStyle());
        assertEquals(StatsdProtocol.TCP, s.statsdProtocol());
        assertEquals("0.0.0.0", s.httpHost());
        assertEquals(9100, s.httpPort());
        assertEquals(4, s.httpThreads());
        assertEquals(64, s.httpMaxConnections());
        assertEquals(Duration.ofMillis(1500), s.httpRequestTimeout());
        assertEquals(Duration.ofMillis(2500), s.httpResponseTimeout());
        assertEquals(5000, s.engine().limits().maxMetrics());
        assertEquals(50_000, s.engine().limits().maxLabelCombinations());
        assertEquals(100, s.engine().limits().maxMetricNameLength());
        assertEquals(32, s.engine().limits().maxLabelNameLength());
        assertEquals(128, s.engine().limits().maxLabelValueLength());
        assertEquals(8, s.engine().limits().maxLabelsPerMetric());
        assertTrue(s.engine().limits().enableMetricCleanup());
        assertEquals(60, s.engine().limits().cleanupIntervalSeconds());
        final MetricsErrorConfig e = s.errors();
        assertFalse(e.logValidationErrors() || e.logResourceErrors() || e.logExportErrors() || e.logConfigErrors());
        assertTrue(e.propagateErrors());
        assertFalse(e.detailedErrorContext());
        assertEquals(Level.ERROR, e.errorLogLevel());
        assertEquals(1024, s.engine().ringSize());
        assertEquals(8L << 20, s.engine().ringMemoryBudget());
        assertEquals(WriterIdleStrategy.BUSY_SPIN, s.engine().idleStrategy());
        assertEquals(BackpressurePolicy.BLOCK, s.engine().backpressure());
        assertEquals(Duration.ofMillis(750), s.engine().snapshotTimeout());
        assertEquals(java.nio.file.Path.of("/dev/shm/ringmetrics"), s.engine().shmDirectory());
        assertFalse(s.engine().shmDeleteOnClose());
        assertEquals(Duration.ofMillis(2000), s.engine().shmReuseTimeout());
        assertArrayEquals(new double[] { 0.01, 0.1, 1, 10 }, s.engine().defaultHistogram().bucketBounds());
        assertEquals(3, s.engine().defaultHistogram().significantDigits());
        assertEquals(Duration.ofSeconds(300), s.engine().defaultHistogram().window());
        assertEquals(10, s.engine().defaultHistogram().windowSlices());
        assertTrue(s.engine().defaultHistogram().hasNativeBuckets());
        assertEquals(-2, s.engine().defaultHistogram().nativeSchema());
        assertEquals(300, s.engine().defaultHistogram().nativeMaxBuckets());
    }

    @Test
    void theHistogramWindowDefaultsToSixtySecondsInFiveSlicesAndZeroMeansSinceStart()
    {
        final MetricsSettings defaults = EnvironmentConfig.from(Map.of());
        assertEquals(HistogramSpec.DEFAULT_WINDOW, defaults.engine().defaultHistogram().window());
        assertEquals(Duration.ofSeconds(60), defaults.engine().defaultHistogram().window());
        assertEquals(5, defaults.engine().defaultHistogram().windowSlices());
        assertTrue(defaults.engine().toString().contains("histogram_window=60s/5"), defaults.engine().toString());
        assertEquals(Duration.ZERO,
            EnvironmentConfig.from(Map.of("METRICS_HISTOGRAM_WINDOW_SECONDS", "0")).engine().defaultHistogram().window());
    }

    @Test
    void createdSamplesAreOffByDefault()
    {
        assertFalse(EnvironmentConfig.from(Map.of()).exposeCreated());
        assertTrue(EnvironmentConfig.from(Map.of()).toString().contains("expose_created=false"));
        assertTrue(EnvironmentConfig.from(Map.of("METRICS_EXPOSE_CREATED", "on")).exposeCreated());
    }

    @Test
    void nativeHistogramsAreOnAtClientJavasDefaultsAndCanBeSwitchedOff()
    {
        final HistogramSpec defaults = EnvironmentConfig.from(Map.of()).engine().defaultHistogram();
        assertTrue(defaults.hasNativeBuckets());
        assertEquals(5, defaults.nativeSchema());
        assertEquals(160, defaults.nativeMaxBuckets());
        assertFalse(EnvironmentConfig.from(Map.of("METRICS_NATIVE_HISTOGRAMS", "false")).engine().defaultHistogram()
            .hasNativeBuckets());
    }

    @Test
    void prometheusMaxMetricsAloneSetsTheLimitAndTheSmallerWinsWhenBothAreSet()
    {
        assertEquals(200, EnvironmentConfig.from(Map.of("PROMETHEUS_MAX_METRICS", "200")).engine().limits().maxMetrics());
        assertEquals(150, EnvironmentConfig.from(Map.of("PROMETHEUS_MAX_METRICS", "200", "METRICS_MAX_METRICS", "150"))
            .engine().limits().maxMetrics());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "METRICS_EXPORTER|graphite|prometheus, statsd, otlp, or several of them",
        "PROMETHEUS_NAMESPACE|whisper-api|[a-zA-Z_:][a-zA-Z0-9_:]*",
        "PROMETHEUS_NAMESPACE|9lives|[a-zA-Z_:][a-zA-Z0-9_:]*",
        "PROMETHEUS_MAX_METRICS|lots|a whole number from 1 to",
        "PROMETHEUS_ALLOW_REMOVAL|maybe|true or false",
        "STATSD_HOST|bad host!|a host name or IP address",
        "STATSD_PORT|0|a whole number from 1 to 65535",
        "STATSD_PORT|70000|a whole number from 1 to 65535",
        "STATSD_PREFIX|my app|dot-separated segments",
        "STATSD_PREFIX|.leading|dot-separated segments",
        "STATSD_FLUSH_INTERVAL_MS|5|a whole number from 10 to",
        "STATSD_MAX_PACKET_SIZE|70000|a whole number from 64 to 65507",
        "STATSD_TAG_STYLE|influx|one of none, dogstatsd",
        "METRICS_HTTP_HOST|http://x|a host name or IP address",
        "METRICS_HTTP_PORT|-1|a whole number from 0 to 65535",
        "METRICS_MAX_METRICS|0|a whole number from 1 to",
        "METRICS_MAX_METRICS|1e3|a whole number from 1 to",
        "METRICS_MAX_LABEL_COMBINATIONS|-5|a whole number from 1 to",
        "METRICS_MAX_METRIC_NAME_LENGTH|abc|a whole number from 1 to 65536",
        "METRICS_MAX_LABEL_NAME_LENGTH|0|a whole number from 1 to 65536",
        "METRICS_MAX_LABEL_VALUE_LENGTH|99999999999999999999|a whole number from 1 to 65536",
        "METRICS_MAX_LABELS_PER_METRIC|2000|a whole number from 0 to 1024",
        "METRICS_ENABLE_CLEANUP|enabled|true or false",
        "METRICS_CLEANUP_INTERVAL_SECONDS|0|a whole number from 1 to",
        "METRICS_LOG_VALIDATION_ERRORS|2|true or false",
        "METRICS_LOG_RESOURCE_ERRORS|y|true or false",
        "METRICS_LOG_EXPORT_ERRORS|nope|true or false",
        "METRICS_LOG_CONFIG_ERRORS|tru|true or false",
        "METRICS_PROPAGATE_ERRORS|sometimes|true or false",
        "METRICS_DETAILED_ERROR_CONTEXT|full|true or false",
        "METRICS_ERROR_LOG_LEVEL|loud|one of error, warn, info, debug, trace",
        "METRICS_RING_SIZE|1000|a power of two",
        "METRICS_RING_SIZE|8|a whole number from 16 to",
        "METRICS_RING_MEMORY_BUDGET_BYTES|1024|a whole number from 65536 to 1099511627776",
        "METRICS_IDLE_STRATEGY|sleep|one of busy_spin, yield, backoff",
        "METRICS_BACKPRESSURE|wait|one of drop, block",
        "STATSD_PROTOCOL|uds|one of udp, tcp",
        "METRICS_SNAPSHOT_TIMEOUT_MS|0|a whole number from 1 to 300000",
        "METRICS_HTTP_THREADS|17|a whole number from 1 to 16",
        "METRICS_HTTP_MAX_CONNECTIONS|0|a whole number from 1 to 16384",
        "METRICS_HTTP_REQUEST_TIMEOUT_MS|5|a whole number from 10 to 300000",
        "METRICS_HTTP_RESPONSE_TIMEOUT_MS|1h|a whole number from 10 to 300000",
        "METRICS_HISTOGRAM_BUCKETS|1;2|comma-separated list",
        "METRICS_HISTOGRAM_BUCKETS|2,1|strictly increasing",
        "METRICS_HISTOGRAM_SIGNIFICANT_DIGITS|9|a whole number from 1 to 5",
        "METRICS_SHM_DIR|ringmetrics|an absolute directory path",
        "METRICS_SHM_DELETE_ON_CLOSE|sometimes|true or false",
        "METRICS_SHM_REUSE_TIMEOUT_MS|0|a whole number from 1 to 600000",
        "METRICS_EXPOSE_CREATED|maybe|true or false (also 1/0, yes/no, on/off)",
        "METRICS_HISTOGRAM_WINDOW_SECONDS|-1|a whole number from 0 to 86400",
        "METRICS_HISTOGRAM_WINDOW_SECONDS|1m|a whole number from 0 to 86400",
        "METRICS_HISTOGRAM_WINDOW_SECONDS|86401|a whole number from 0 to 86400",
        "METRICS_HISTOGRAM_WINDOW_SLICES|0|a whole number from 1 to 60",
        "METRICS_HISTOGRAM_WINDOW_SLICES|61|a whole number from 1 to 60",
        "METRICS_NATIVE_HISTOGRAMS|sometimes|true or false",
        "METRICS_NATIVE_HISTOGRAM_SCHEMA|9|a whole number from -4 to 8",
        "METRICS_NATIVE_HISTOGRAM_SCHEMA|-5|a whole number from -4 to 8",
        "METRICS_NATIVE_HISTOGRAM_MAX_BUCKETS|0|a whole number from 1 to 65536",
    })
    void everyBadValueIsRejectedNamingTheVariableTheValueAndWhatIsAllowed(
        final String variable, final String value, final String allowed)
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> EnvironmentConfig.from(Map.of(variable, value)));
        assertEquals(ErrorType.INVALID_CONFIG, ex.errorType());
        assertTrue(ex.getMessage().contains(variable + "='" + value + "'"), ex.getMessage());
        assertTrue(ex.getMessage().contains(allowed), ex.getMessage());
    }

    @Test
    void everyVariableHasABadValueTest() throws Exception
    {
        final String source = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(
            "src/test/java/io/ringmetrics/config/EnvironmentConfigTest.java")), java.nio.charset.StandardCharsets.UTF_8);
        for (final String variable : EnvironmentConfig.VARIABLES)
        {
            if (variable.startsWith("OTEL_"))
            {
                continue; // judged only when otlp is selected: OtlpVariablesTest has their bad values
            }
            assertTrue(source.contains("\"" + variable + "|"), "no bad-value case for " + variable);
        }
    }

    @Test
    void allProblemsAreReportedTogether()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> EnvironmentConfig.from(Map.of("STATSD_PORT", "x", "METRICS_MAX_METRICS", "y")));
        assertTrue(ex.getMessage().contains("STATSD_PORT='x'") && ex.getMessage().contains("METRICS_MAX_METRICS='y'"),
            ex.getMessage());
    }

    @Test
    void blankValuesMeanUnset()
    {
        assertEquals(8125, EnvironmentConfig.from(Map.of("STATSD_PORT", "  ")).statsdPort());
    }
}
