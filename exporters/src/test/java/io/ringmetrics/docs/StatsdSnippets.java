package io.ringmetrics.docs;

import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.StatsdTagStyle;
import io.ringmetrics.exporter.statsd.StatsdConfig;
import io.ringmetrics.exporter.statsd.StatsdExporter;

/**
 * The block of docs/statsd.md, verbatim between the {@code doc:} markers, run by {@link DocSnippetsRunTest}.
 */
final class StatsdSnippets
{
    private StatsdSnippets()
    {
    }

    /**
     * @param port a UDP port on 127.0.0.1 where the test receives.
     */
    static void exporter(final int port)
    {
        // doc:begin statsd-exporter
        MetricsEngine engine = MetricsEngine.start();
        StatsdExporter exporter = new StatsdExporter(StatsdConfig.builder()
                .host("127.0.0.1").port(port).prefix("myapp.prod")   // port: the daemon's, e.g. 8125
                .tagStyle(StatsdTagStyle.NONE)               // or DOGSTATSD
                .build());                                   // or StatsdConfig.from(EnvironmentConfig.fromEnv())
        exporter.start(engine);                              // first flush one interval later
        engine.counter("jobs_total").increment(3);           // sent as myapp.prod.jobs_total:3|c
        exporter.close();                                    // final flush of everything published before close
        engine.close();                                      // close the engine after the exporter
        // doc:end
    }
}
