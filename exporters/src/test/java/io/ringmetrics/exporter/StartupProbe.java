package io.ringmetrics.exporter;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.limits.MetricsResourceConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * A {@code main} for {@link StartupFailureTest}, run in a JVM of its own (without the Agrona option, or with a small
 * heap):
 * <ul>
 *   <li>{@code engine [maxLabelCombinations]}: {@code MetricsEngine.start}; prints {@code started} and exits 0, or
 *       prints {@code refused: <message>} and exits 3 on a {@link MetricsException}. Anything else escapes.</li>
 *   <li>{@code factory NAME VALUE ...}: {@code MetricsFactory.fromOrNullExporter} with those variables, then uses the
 *       result through the name-based API and a handle; prints the exporter and the engine's health; exits 0.</li>
 * </ul>
 */
public final class StartupProbe
{
    private StartupProbe()
    {
    }

    public static void main(final String[] args)
    {
        if ("engine".equals(args[0]))
        {
            final EngineConfig.Builder config = EngineConfig.builder();
            if (args.length > 1)
            {
                config.limits(MetricsResourceConfig.builder().maxLabelCombinations(Integer.parseInt(args[1])).build());
            }
            try
            {
                MetricsEngine.start(config.build()).close();
                System.out.println("started");
                System.exit(0);
            }
            catch (final MetricsException ex)
            {
                System.out.println("refused: " + ex.getMessage());
                System.exit(3);
            }
        }
        final Map<String, String> env = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2)
        {
            env.put(args[i], args[i + 1]);
        }
        try (Metrics metrics = MetricsFactory.fromOrNullExporter(env))
        {
            metrics.increment("probe_total", "step", "name_based");
            final Counter handle = metrics.engine().counter("probe_handle_total");
            handle.increment();
            System.out.println("exporter: " + metrics.exporter().name());
            System.out.println("health: " + metrics.engine().health());
        }
        System.exit(0);
    }
}
