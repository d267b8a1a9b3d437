package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.tck.MeterRegistryCompatibilityKit;
import io.ringmetrics.MetricsEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

/**
 * Micrometer's own compatibility kit ({@code io.micrometer:micrometer-test}), run unchanged against
 * {@link RingMetricsMeterRegistry} over a real engine. Every test of the kit runs except those
 * {@link KitExclusions} disables, each with its reason (one: {@code TimerTck.recordMax}, the engine's max does not
 * decay).
 */
@ExtendWith(KitExclusions.class)
class RingMetricsCompatibilityKitTest extends MeterRegistryCompatibilityKit
{
    private MetricsEngine engine;

    @Override
    public MeterRegistry registry()
    {
        engine = MetricsEngine.start();
        return new RingMetricsMeterRegistry(engine, null, new MockClock());
    }

    @Override
    public Duration step()
    {
        return Duration.ofMinutes(1);
    }

    @AfterEach
    void closeEngine()
    {
        registry.close();
        engine.close();
    }
}
