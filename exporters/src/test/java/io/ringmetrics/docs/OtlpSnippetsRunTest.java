package io.ringmetrics.docs;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.ringmetrics.config.OtlpSettings;
import io.ringmetrics.exporter.it.FreePorts;
import io.ringmetrics.exporter.it.OtlpTestReceiver;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the code block of docs/otlp.md against a real OTLP/HTTP receiver. */
class OtlpSnippetsRunTest
{
    @Test
    void theOtlpBlockPushesTheCounterWithItsResource()
    {
        try (OtlpTestReceiver receiver = OtlpTestReceiver.start())
        {
            OtlpSnippets.exporters(OtlpSettings.metricsEndpoint(receiver.endpoint()), FreePorts.tcp());
            final List<OtlpTestReceiver.Received> received = receiver.received();
            assertEquals(1, received.size(), "one export: the final one at close (the interval is 15 s)");
            final Metric jobs = received.get(0).metrics().stream().filter(m -> m.getName().equals("jobs_total"))
                .findFirst().orElseThrow();
            assertTrue(jobs.getSum().getIsMonotonic());
            assertEquals(3, jobs.getSum().getDataPoints(0).getAsInt());
            assertEquals("checkout", received.get(0).resource().get("service.name"));
            assertEquals("prod", received.get(0).resource().get("deployment.environment"));
        }
    }
}
