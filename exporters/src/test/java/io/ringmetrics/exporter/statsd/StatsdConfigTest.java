package io.ringmetrics.exporter.statsd;

import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.config.StatsdProtocol;
import io.ringmetrics.config.StatsdTagStyle;
import io.ringmetrics.error.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsdConfigTest
{
    @Test
    void defaultsMatchTheSpecification()
    {
        final StatsdConfig c = StatsdConfig.DEFAULTS;
        assertEquals("localhost", c.host());
        assertEquals(8125, c.port());
        assertNull(c.prefix());
        assertEquals(Duration.ofSeconds(10), c.flushInterval());
        assertEquals(1432, c.maxPacketSize());
        assertEquals(StatsdTagStyle.NONE, c.tagStyle());
        assertEquals(StatsdProtocol.UDP, c.protocol());
        assertSame(MetricsErrorConfig.DEFAULTS, c.errors());
    }

    @Test
    void protocolArrivesThroughTheEnvironmentAndABadOneNamesWhatIsAllowed()
    {
        assertEquals(StatsdProtocol.TCP, StatsdConfig.from(EnvironmentConfig.from(Map.of("STATSD_PROTOCOL", "tcp")))
            .protocol());
        assertEquals(StatsdProtocol.UDP, StatsdConfig.from(EnvironmentConfig.from(Map.of("STATSD_PROTOCOL", "UDP")))
            .protocol());
        assertEquals(StatsdProtocol.DEFAULT, StatsdConfig.from(EnvironmentConfig.from(Map.of())).protocol());
        assertEquals(StatsdProtocol.DEFAULT, StatsdConfig.DEFAULTS.protocol());
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () ->
            EnvironmentConfig.from(Map.of("STATSD_PROTOCOL", "uds")));
        assertTrue(ex.getMessage().contains("STATSD_PROTOCOL='uds' is invalid; allowed: one of udp, tcp"),
            ex.getMessage());
        assertTrue(StatsdConfig.DEFAULTS.toBuilder().protocol(StatsdProtocol.TCP).build().toString()
            .contains("protocol=TCP"));
    }

    @Test
    void documentedProtocolDefaultIsTheCodesDefault() throws Exception
    {
        final String expected = StatsdProtocol.DEFAULT.name().toLowerCase(Locale.ROOT);
        final Path docs = docsDir();
        final String configuration = Files.readString(docs.resolve("configuration.md"));
        assertTrue(configuration.contains("| `STATSD_PROTOCOL` | `" + expected + "` |"),
            "docs/configuration.md documents the default of STATSD_PROTOCOL as `" + expected + "`");
        final String statsd = Files.readString(docs.resolve("statsd.md"));
        assertTrue(statsd.contains("| `protocol` | `STATSD_PROTOCOL` | `" + StatsdProtocol.DEFAULT.name() + "` |"),
            "docs/statsd.md documents the default of STATSD_PROTOCOL as `" + StatsdProtocol.DEFAULT.name() + "`");
    }

    private static Path docsDir()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs")))
        {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "no docs/ directory above the working directory");
        return dir.resolve("docs");
    }

    @Test
    void environmentVariablesArriveThroughMetricsSettings()
    {
        final StatsdConfig c = StatsdConfig.from(EnvironmentConfig.from(Map.of(
            "STATSD_HOST", "statsd.internal", "STATSD_PORT", "9125", "STATSD_PREFIX", "myapp.prod-1",
            "STATSD_FLUSH_INTERVAL_MS", "250", "STATSD_MAX_PACKET_SIZE", "8932", "STATSD_TAG_STYLE", "dogstatsd")));
        assertEquals("statsd.internal", c.host());
        assertEquals(9125, c.port());
        assertEquals("myapp.prod-1", c.prefix());
        assertEquals(Duration.ofMillis(250), c.flushInterval());
        assertEquals(8932, c.maxPacketSize());
        assertEquals(StatsdTagStyle.DOGSTATSD, c.tagStyle());
    }

    @Test
    void errorLogSettingsArriveThroughMetricsSettings()
    {
        final StatsdConfig c = StatsdConfig.from(EnvironmentConfig.from(Map.of(
            "METRICS_LOG_EXPORT_ERRORS", "false", "METRICS_ERROR_LOG_LEVEL", "error")));
        assertFalse(c.errors().logExportErrors());
        assertEquals(Level.ERROR, c.errors().errorLogLevel());
        assertTrue(StatsdConfig.from(EnvironmentConfig.from(Map.of())).errors().logExportErrors());
    }

    @Test
    void badEnvironmentValuesAreConfigurationErrorsNamingTheVariable()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> StatsdConfig.from(
            EnvironmentConfig.from(Map.of("STATSD_PORT", "0", "STATSD_MAX_PACKET_SIZE", "70000"))));
        assertTrue(ex.getMessage().contains("STATSD_PORT"), ex.getMessage());
        assertTrue(ex.getMessage().contains("STATSD_MAX_PACKET_SIZE"), ex.getMessage());
    }

    @Test
    void outOfRangeValuesAreRejectedWithWhatIsAllowed()
    {
        assertMessage("between 1 and 65535, was 0", () -> StatsdConfig.builder().port(0));
        assertMessage("between 1 and 65535, was 65536", () -> StatsdConfig.builder().port(65_536));
        assertMessage("between 64 and 65507 bytes, was 63", () -> StatsdConfig.builder().maxPacketSize(63));
        assertMessage("between 64 and 65507 bytes, was 65508", () -> StatsdConfig.builder().maxPacketSize(65_508));
        assertMessage("between 10 ms and 1 h, was 9 ms",
            () -> StatsdConfig.builder().flushInterval(Duration.ofMillis(9)));
        assertMessage("between 10 ms and 1 h", () -> StatsdConfig.builder().flushInterval(Duration.ofHours(2)));
        assertMessage("host name or IP address", () -> StatsdConfig.builder().host(" "));
        assertMessage("whitespace", () -> StatsdConfig.builder().host("a b"));
    }

    @Test
    void prefixMustBeDotSeparatedSafeSegments()
    {
        for (final String ok : new String[] { "myapp", "myapp.prod", "a-b_c.d1", "1st.app" })
        {
            assertEquals(ok, StatsdConfig.builder().prefix(ok).build().prefix());
        }
        for (final String bad : new String[] { "a:b", "a|b", "a#b", "a b", ".a", "a.", "a..b", "a@b", "a/b", "é" })
        {
            assertMessage("dot-separated segments of [a-zA-Z0-9_-]", () -> StatsdConfig.builder().prefix(bad));
        }
        assertNull(StatsdConfig.builder().prefix("").build().prefix());
        assertNull(StatsdConfig.builder().prefix(null).build().prefix());
    }

    @Test
    void toBuilderKeepsEverySetting()
    {
        final StatsdConfig c = StatsdConfig.builder().host("h").port(1).prefix("p").flushInterval(Duration.ofMillis(10))
            .maxPacketSize(64).tagStyle(StatsdTagStyle.DOGSTATSD)
            .errors(MetricsErrorConfig.builder().logExportErrors(false).build()).build();
        assertEquals(c.toString(), c.toBuilder().build().toString());
        assertSame(c.errors(), c.toBuilder().build().errors());
    }

    private static void assertMessage(final String expected, final org.junit.jupiter.api.function.Executable call)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
