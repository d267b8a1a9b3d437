package io.ringmetrics;

import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.registry.MetricFamily;
import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric ringmetrics defines itself — the convenience metrics of {@link Metrics} and the engine's meta-metrics —
 * carries a real one-line help text: not empty, not a placeholder, not just its name, one sentence of at least three
 * words. A service's own metrics registered without help are not the library's and are not checked.
 */
class LibraryHelpTextsTest
{
    private static final List<String> PLACEHOLDERS =
        List.of("no help", "help text", "todo", "tbd", "fixme", "placeholder", "description", "xxx");

    /** @return what is wrong with {@code help} as the HELP of {@code name}, or {@code null} if nothing. */
    static String problem(final String name, final String help)
    {
        if (help == null || help.isBlank())
        {
            return name + ": no help text";
        }
        final String lower = help.toLowerCase(Locale.ROOT);
        for (final String placeholder : PLACEHOLDERS)
        {
            if (lower.contains(placeholder))
            {
                return name + ": placeholder help '" + help + "' (contains '" + placeholder + "')";
            }
        }
        if (help.contains("\n") || help.contains("\r"))
        {
            return name + ": help spans lines: '" + help + "'";
        }
        if (lower.contains(name.toLowerCase(Locale.ROOT)) || help.trim().split("\\s+").length < 3)
        {
            return name + ": help must say what it counts in words, not repeat the name: '" + help + "'";
        }
        if (!help.endsWith("."))
        {
            return name + ": help is one sentence ending with '.': '" + help + "'";
        }
        return null;
    }

    @Test
    void convenienceAndMetaMetricsHaveRealOneLineHelp()
    {
        final Metrics metrics = new Metrics(MetricsEngine.start(EngineConfig.builder().build()),
            new MetricsApiTest.NoExport(), MetricsErrorConfig.DEFAULTS);
        try
        {
            // As README does: a handle first, registered without help, then the convenience methods.
            metrics.engine().counter("http_requests_total", "method", "GET", "endpoint", "/api", "status", "200")
                .increment();
            metrics.recordHttpRequest("/api", "GET", "200", 0.1);
            metrics.recordJobCompleted("m", "en", 1.5, "success");
            metrics.recordError("db", "timeout");
            final MetricsSnapshot snapshot = metrics.engine().snapshot();

            final List<String> problems = new ArrayList<>();
            final Set<String> seen = new HashSet<>();
            for (final MetricsSnapshot.FamilySamples samples : snapshot.families())
            {
                final MetricFamily family = samples.family();
                seen.add(family.name());
                final String problem = problem(family.name(), family.help());
                if (problem != null)
                {
                    problems.add(problem);
                }
                assertEquals(ConvenienceMetric.helpFor(family.type(), family.name()), family.help(),
                    family.name() + " carries ConvenienceMetric's help");
            }
            for (final ConvenienceMetric metric : ConvenienceMetric.values())
            {
                assertTrue(seen.contains(metric.metricName()), metric + " was recorded: " + seen);
            }
            for (final MetaMetrics.Family family : MetaMetrics.collect(snapshot.stats(), metrics.engine().errors(),
                100, 10))
            {
                final String problem = problem(family.name(), family.help());
                if (problem != null)
                {
                    problems.add(problem);
                }
            }
            assertTrue(problems.isEmpty(), String.join("\n", problems));
        }
        finally
        {
            metrics.close();
        }
    }

    @Test
    void theRuleRefusesEmptyPlaceholderAndNameOnlyHelp()
    {
        assertTrue(problem("errors_total", "").contains("no help text"));
        assertTrue(problem("errors_total", "errors_total (counter, no help text registered)").contains("placeholder"));
        assertTrue(problem("errors_total", "TODO").contains("placeholder"));
        assertTrue(problem("errors_total", "Errors.").contains("not repeat the name"));
        assertTrue(problem("errors_total", "Errors seen by\nthe app.").contains("spans lines"));
        assertEquals(null, problem("errors_total", "Errors recorded by the application, by category."));
    }

    @Test
    void ownHelpWinsOverTheConvenienceHelp()
    {
        final Metrics metrics = new Metrics(MetricsEngine.start(EngineConfig.builder().build()),
            new MetricsApiTest.NoExport(), MetricsErrorConfig.DEFAULTS);
        try
        {
            metrics.engine().counter("errors_total", "Failed payments, by provider.", new String[] { "provider", "x" })
                .increment();
            metrics.engine().counter("cache_misses_total", "cache", "models").increment();
            final MetricsSnapshot snapshot = metrics.engine().snapshot();
            for (final MetricsSnapshot.FamilySamples samples : snapshot.families())
            {
                if (samples.family().name().equals("errors_total"))
                {
                    assertEquals("Failed payments, by provider.", samples.family().help());
                }
                if (samples.family().name().equals("cache_misses_total"))
                {
                    assertEquals("", samples.family().help(), "a service's own metric gets no invented help");
                }
            }
        }
        finally
        {
            metrics.close();
        }
    }
}
