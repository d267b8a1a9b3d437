package io.ringmetrics.config;

import io.ringmetrics.error.ConfigurationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20, item 9: a set variable with one of our prefixes that the engine does not know gets one WARNING line
 * naming the closest known variable, through the library's logger ({@code io.ringmetrics}); it never stops the
 * service.
 */
class UnknownVariableTest
{
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler()
    {
        @Override
        public void publish(final LogRecord record)
        {
            logged.add(record);
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    };

    @BeforeEach
    void listen()
    {
        Logger.getLogger("io.ringmetrics").addHandler(capture);
    }

    @AfterEach
    void stopListening()
    {
        Logger.getLogger("io.ringmetrics").removeHandler(capture);
    }

    private List<String> warnings()
    {
        return logged.stream().filter(r -> r.getLevel() == java.util.logging.Level.WARNING)
            .map(LogRecord::getMessage).filter(m -> m.startsWith("unknown variable")).toList();
    }

    @Test
    void eachTypoGetsOneWarningNamingTheClosestKnownVariableAndTheServiceStarts()
    {
        final Map<String, String> env = new HashMap<>();
        env.put("PROMETHEUS_PORT", "70000");         // a name users of other clients try
        env.put("METRICS_MAX_METRIC", "5");          // a letter missing
        env.put("STATSD_FLUSH_INTERVAL", "100");     // the unit missing
        env.put("METRICS_PROPAGATE_ERROR", "true");
        env.put("HOME", "/root");                    // not ours: no word
        env.put("METRICS_HTTP_PORT", "0");

        final MetricsSettings settings = EnvironmentConfig.from(env);

        assertEquals(0, settings.httpPort(), "the known variables still apply");
        assertEquals(List.of(
            "unknown variable METRICS_MAX_METRIC is ignored; did you mean METRICS_MAX_METRICS?",
            "unknown variable METRICS_PROPAGATE_ERROR is ignored; did you mean METRICS_PROPAGATE_ERRORS?",
            "unknown variable PROMETHEUS_PORT is ignored; did you mean METRICS_HTTP_PORT?",
            "unknown variable STATSD_FLUSH_INTERVAL is ignored; did you mean STATSD_FLUSH_INTERVAL_MS?"), warnings());
    }

    @Test
    void everyKnownVariableIsSilentEvenWhenBlank()
    {
        final Map<String, String> env = new HashMap<>();
        for (final String variable : EnvironmentConfig.VARIABLES)
        {
            env.put(variable, " ");
        }
        EnvironmentConfig.from(env);
        assertEquals(List.of(), warnings());
        assertEquals(List.of(), EnvironmentConfig.unknownVariableWarnings(env));
    }

    @Test
    void aTypoIsReportedEvenWhenABadValueStopsTheConfiguration()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> EnvironmentConfig.from(Map.of("PROMETHEUS_HOST", "0.0.0.0", "METRICS_HTTP_PORT", "x")));
        assertTrue(ex.getMessage().contains("METRICS_HTTP_PORT='x'"), ex.getMessage());
        assertEquals(List.of("unknown variable PROMETHEUS_HOST is ignored; did you mean METRICS_HTTP_HOST?"),
            warnings());
    }

    @Test
    void theWarningsCanBeSilencedWithTheConfigLogSwitch()
    {
        EnvironmentConfig.from(Map.of("STATSD_PROT", "tcp", "METRICS_LOG_CONFIG_ERRORS", "false"));
        assertEquals(List.of(), warnings());
        assertEquals(List.of("unknown variable STATSD_PROT is ignored; did you mean STATSD_PORT?"),
            EnvironmentConfig.unknownVariableWarnings(Map.of("STATSD_PROT", "tcp")));
    }

    @Test
    void theKnownVariablesAreTheOnesTheParserReads()
    {
        assertEquals(EnvironmentConfig.VARIABLES.size(), new java.util.HashSet<>(EnvironmentConfig.VARIABLES).size(),
            "each once: " + EnvironmentConfig.VARIABLES);
        assertTrue(EnvironmentConfig.VARIABLES.containsAll(List.of("METRICS_EXPORTER", "PROMETHEUS_MAX_METRICS",
            "STATSD_TAG_STYLE", "METRICS_LOG_CONFIG_ERRORS", "METRICS_HISTOGRAM_SIGNIFICANT_DIGITS")));
    }
}
