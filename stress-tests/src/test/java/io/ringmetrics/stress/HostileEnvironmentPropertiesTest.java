package io.ringmetrics.stress;

import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsSettings;
import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.error.ErrorType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile environment values: every variable of {@link EnvironmentConfig#VARIABLES} set to random strings (numbers
 * out of range, signs, exponents, unicode, control characters, huge values). The only outcomes allowed are valid
 * settings or one {@link ConfigurationException} naming every bad variable; never another exception, never a limit
 * outside its documented range.
 */
class HostileEnvironmentPropertiesTest
{
    @Provide
    Arbitrary<Map<String, String>> environments()
    {
        final Arbitrary<String> hostile = Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12),
            Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(8),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.integers().between(-2, 70_000).map(String::valueOf),
            Arbitraries.of("true", "false", "TRUE", "yes", "0", "1", "", " ", "1e3", "0x10", "-0", "NaN", "∞",
                "prometheus", "statsd", "null", "dogstatsd", "none", "block", "drop", "backoff", "busy_spin",
                "warn", "error", "debug", "a_b", "9lives", "my.app", "0.01,0.1,1", "1,1", "127.0.0.1", "::1",
                "4096", "1024", "99999999999999999999", "otlp", "prometheus,statsd,otlp", "otlp,otlp", "null,otlp",
                "http://127.0.0.1:4318", "https://[::1]:4318/x/", "ftp://h", "http://", "a=b,c=%2C", "a=%zz", "=v",
                "k=", "10s", "5m", "0ms", "delta", "lowmemory", "http/protobuf", "grpc"));
        return Arbitraries.maps(Arbitraries.of(EnvironmentConfig.VARIABLES), hostile).ofMaxSize(12);
    }

    @Property(tries = 2_000)
    void eitherValidSettingsOrOneConfigurationErrorNamingEveryBadVariable(
        @ForAll("environments") final Map<String, String> env)
    {
        try
        {
            final MetricsSettings settings = EnvironmentConfig.from(new HashMap<>(env));
            final var limits = settings.engine().limits();
            assertTrue(limits.maxMetrics() >= 1 && limits.maxLabelCombinations() >= 1);
            assertTrue(Integer.bitCount(settings.engine().ringSize()) == 1);
            assertTrue(settings.statsdPort() >= 1 && settings.statsdPort() <= 65_535);
            assertTrue(settings.httpPort() >= 0 && settings.httpPort() <= 65_535);
        }
        catch (final ConfigurationException ex)
        {
            assertEquals(ErrorType.INVALID_CONFIG, ex.errorType());
            final List<String> lines = List.of(ex.getMessage().split("\n"));
            assertTrue(lines.size() >= 2, ex.getMessage());
            for (final String line : lines.subList(1, lines.size()))
            {
                final String variable = line.trim().substring(0, line.trim().indexOf('='));
                assertTrue(env.containsKey(variable), "names a variable that was set: " + line);
                assertTrue(line.contains("is invalid; allowed: "), line);
            }
        }
    }
}
