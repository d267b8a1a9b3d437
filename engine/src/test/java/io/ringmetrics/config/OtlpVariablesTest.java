package io.ringmetrics.config;

import io.ringmetrics.error.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code METRICS_EXPORTER} as a list of exporters, and the standard {@code OTEL_*} variables of the OTLP exporter
 * read as the OTel SDK's autoconfigure reads them, each bad value refused in one line.
 */
class OtlpVariablesTest
{
    private static String refusal(final Map<String, String> env)
    {
        final String message = assertThrows(ConfigurationException.class, () -> EnvironmentConfig.from(env))
            .getMessage();
        final String[] lines = message.split("\n");
        assertEquals(2, lines.length, "a header and one line per bad variable: " + message);
        return lines[1].trim();
    }

    private static Map<String, String> otlp(final String... pairs)
    {
        final Map<String, String> env = new HashMap<>();
        env.put("METRICS_EXPORTER", "otlp");
        for (int i = 0; i < pairs.length; i += 2)
        {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void severalExportersInAnyOrderAndCase()
    {
        assertEquals(EnumSet.of(ExporterKind.PROMETHEUS), EnvironmentConfig.from(Map.of()).exporters());
        final Set<ExporterKind> three = EnvironmentConfig.from(Map.of("METRICS_EXPORTER", " OTLP, statsd ,prometheus"))
            .exporters();
        assertEquals(EnumSet.of(ExporterKind.PROMETHEUS, ExporterKind.STATSD, ExporterKind.OTLP), three);
        assertEquals(three, EnvironmentConfig.from(Map.of("METRICS_EXPORTER", "prometheus,statsd,otlp")).exporters());
        assertEquals(ExporterKind.PROMETHEUS, EnvironmentConfig.from(Map.of("METRICS_EXPORTER", "otlp,prometheus"))
            .exporter(), "exporter() is the first in ExporterKind order");
        assertEquals(EnumSet.of(ExporterKind.NULL), EnvironmentConfig.from(Map.of("METRICS_EXPORTER", "null"))
            .exporters());
        assertTrue(EnvironmentConfig.from(Map.of("METRICS_EXPORTER", "statsd,otlp")).toString()
            .startsWith("exporter=statsd,otlp, "));
    }

    @Test
    void duplicatesUnknownNamesEmptyItemsAndNullWithOthersAreRefusedInOneLine()
    {
        for (final String bad : List.of("prometheus,prometheus", "prometheus,graphite", "statsd,,otlp", "null,otlp",
            "otlp,", "Prometheus,PROMETHEUS"))
        {
            assertEquals("METRICS_EXPORTER='" + bad + "' is invalid; allowed: prometheus, statsd, otlp, or several " +
                "of them separated by commas, each once (e.g. prometheus,otlp); or null alone",
                refusal(Map.of("METRICS_EXPORTER", bad)), bad);
        }
    }

    @Test
    void defaultsAreTheSdksAndEveryVariableIsHonoured()
    {
        final OtlpSettings defaults = EnvironmentConfig.from(Map.of("METRICS_EXPORTER", "otlp")).otlp();
        assertEquals("http://localhost:4318/v1/metrics", defaults.endpoint());
        assertEquals(Duration.ofSeconds(10), defaults.timeout());
        assertEquals(Duration.ofSeconds(60), defaults.interval());
        assertEquals(OtlpTemporality.CUMULATIVE, defaults.temporality());
        assertEquals(Map.of("service.name", "unknown_service:java"), defaults.resource());
        assertTrue(defaults.headers().isEmpty());

        final OtlpSettings s = EnvironmentConfig.from(otlp(
            "OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example:4318/base",
            "OTEL_EXPORTER_OTLP_HEADERS", "api-key = k1 ,x-scope=a%2Cb",
            "OTEL_EXPORTER_OTLP_TIMEOUT", "2s",
            "OTEL_METRIC_EXPORT_INTERVAL", "15000",
            "OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attributes,deployment.environment=prod",
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "Delta")).otlp();
        assertEquals("https://collector.example:4318/base/v1/metrics", s.endpoint());
        assertEquals(Map.of("api-key", "k1", "x-scope", "a,b"), s.headers());
        assertEquals(Duration.ofSeconds(2), s.timeout());
        assertEquals(Duration.ofSeconds(15), s.interval());
        assertEquals("from-attributes", s.resource().get("service.name"));
        assertEquals("prod", s.resource().get("deployment.environment"));
        assertEquals(OtlpTemporality.DELTA, s.temporality());

        assertEquals("http://c:4318/v1/metrics", EnvironmentConfig.from(otlp(
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/")).otlp().endpoint(), "one / before v1/metrics");
        assertEquals("http://m:9999/custom", EnvironmentConfig.from(otlp(
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://m:9999/custom")).otlp().endpoint(),
            "the signal's own endpoint is used as given");
        assertEquals("svc", EnvironmentConfig.from(otlp("OTEL_SERVICE_NAME", "svc",
            "OTEL_RESOURCE_ATTRIBUTES", "service.name=other")).otlp().resource().get("service.name"));
        assertEquals(OtlpTemporality.DELTA, EnvironmentConfig.from(otlp(
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "lowmemory")).otlp().temporality());
        assertEquals(OtlpSettings.PROTOCOL, "http/protobuf");
        assertEquals(defaults.toString(), EnvironmentConfig.from(otlp("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"))
            .otlp().toString());
    }

    @Test
    void eachBadOtelValueIsRefusedInOneLineSayingWhatIsAllowed()
    {
        assertEquals("OTEL_EXPORTER_OTLP_ENDPOINT='collector:4318' is invalid; allowed: an http:// or https:// URL " +
            "with a host, e.g. http://localhost:4318", refusal(otlp("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")));
        assertTrue(refusal(otlp("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "ftp://c/v1/metrics"))
            .startsWith("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT='ftp://c/v1/metrics' is invalid; allowed: an http://"));
        final String header = refusal(otlp("OTEL_EXPORTER_OTLP_HEADERS", "api-key:secret"));
        assertEquals("OTEL_EXPORTER_OTLP_HEADERS='(not shown: may hold a secret)' is invalid; allowed: key=value " +
            "pairs separated by commas, values percent-encoded (e.g. api-key=secret,x-tenant=a%20b)", header);
        assertFalse(header.contains("secret,") && header.contains("api-key:secret"), "the value is not logged");
        assertTrue(refusal(otlp("OTEL_EXPORTER_OTLP_HEADERS", "bad name=x")).startsWith(
            "OTEL_EXPORTER_OTLP_HEADERS='bad name=...' is invalid"));
        assertTrue(refusal(otlp("OTEL_RESOURCE_ATTRIBUTES", "a=1,b")).startsWith(
            "OTEL_RESOURCE_ATTRIBUTES='a=1,b' is invalid; allowed: key=value pairs"));
        assertTrue(refusal(otlp("OTEL_RESOURCE_ATTRIBUTES", "a=%zz")).startsWith("OTEL_RESOURCE_ATTRIBUTES="));
        for (final String bad : List.of("0", "-5", "ten", "3600001", "5 days", "2d"))
        {
            assertEquals("OTEL_EXPORTER_OTLP_TIMEOUT='" + bad + "' is invalid; allowed: milliseconds from 1 to " +
                "3600000, or a whole number with a unit ms, s, m or h (e.g. 10s)",
                refusal(otlp("OTEL_EXPORTER_OTLP_TIMEOUT", bad)), bad);
            assertTrue(refusal(otlp("OTEL_METRIC_EXPORT_INTERVAL", bad)).startsWith("OTEL_METRIC_EXPORT_INTERVAL="));
        }
        assertEquals("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE='sometimes' is invalid; allowed: one of " +
            "cumulative, delta, lowmemory",
            refusal(otlp("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes")));
        assertEquals("OTEL_EXPORTER_OTLP_PROTOCOL='grpc' is invalid; allowed: http/protobuf (gRPC is not supported)",
            refusal(otlp("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
    }

    @Test
    void otelVariablesAreListedButJudgedOnlyWhenOtlpIsSelected()
    {
        for (final String name : List.of("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_METRIC_EXPORT_INTERVAL",
            "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
            "OTEL_EXPORTER_OTLP_PROTOCOL"))
        {
            assertTrue(EnvironmentConfig.VARIABLES.contains(name), name);
        }
        // A service whose own OTel SDK traces over gRPC, exporting metrics with Prometheus only: no refusal.
        final MetricsSettings s = EnvironmentConfig.from(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"));
        assertEquals(EnumSet.of(ExporterKind.PROMETHEUS), s.exporters());
        assertTrue(EnvironmentConfig.unknownVariableWarnings(Map.of("OTEL_TRACES_EXPORTER", "otlp")).isEmpty(),
            "other OTEL_ variables belong to the OTel SDK, not to us");
    }
}
