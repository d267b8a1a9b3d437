package io.ringmetrics.exporter;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.ring.BackpressurePolicy;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NullExporterTest
{
    @Test
    void acceptsEverythingSendsNothingAndStartsNoThread()
    {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (MetricsEngine engine = MetricsEngine.start(
            EngineConfig.builder().backpressure(BackpressurePolicy.BLOCK).build()))
        {
            final NullExporter exporter = new NullExporter();
            assertEquals("null", exporter.name());
            assertNull(exporter.engine());
            exporter.start(engine);
            assertSame(engine, exporter.engine());
            for (int i = 0; i < 1_000; i++)
            {
                engine.counter("requests_total", "method", "GET").increment();
                engine.gauge("level").set(i);
                engine.histogram("latency_seconds").observe(0.001 * i);
            }
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t)).noneMatch(t -> t.getName().contains("null")));
            assertEquals(1_000, engine.snapshot().counter("requests_total", "method", "GET"),
                "the engine keeps working behind a null exporter");
            assertFalse(exporter.isClosed());
            exporter.close();
            exporter.close();
            assertTrue(exporter.isClosed());
            exporter.start(engine); // harmless
            assertEquals(0, engine.errors().total(ErrorType.Category.EXPORT));
        }
    }

    @Test
    void rejectsOnlyANullEngine()
    {
        assertThrows(NullPointerException.class, () -> new NullExporter().start(null));
    }
}
