package io.ringmetrics;

import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.error.ResourceLimitException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20, item 7: after {@code close()}, a name-based update of a series seen before gets exactly what a new name
 * gets — {@code engine_closed}, counted, and thrown in propagate mode — for every name-based method.
 */
class UseAfterCloseTest
{
    /** Each name-based update, applied to a metric name derived from the given prefix. */
    static Stream<Arguments> updates()
    {
        final Stream<Arguments> byName = Stream.of(
            Arguments.of("increment()", (BiConsumer<Metrics, String>)(m, n) -> m.increment(n + "_total")),
            Arguments.of("increment(k,v)", (BiConsumer<Metrics, String>)(m, n) -> m.increment(n + "_total", "a", "1")),
            Arguments.of("increment(k,v,k,v)",
                (BiConsumer<Metrics, String>)(m, n) -> m.increment(n + "_total", "a", "1", "b", "2")),
            Arguments.of("increment(k,v,k,v,k,v)",
                (BiConsumer<Metrics, String>)(m, n) -> m.increment(n + "_total", "a", "1", "b", "2", "c", "3")),
            Arguments.of("increment(varargs)",
                (BiConsumer<Metrics, String>)(m, n) -> m.increment(n + "_total", new String[] { "a", "1", "b", "2",
                    "c", "3", "d", "4" })),
            Arguments.of("incrementBy(k,v)", (BiConsumer<Metrics, String>)(m, n) -> m.incrementBy(n + "_total", 5, "a",
                "1")),
            Arguments.of("setGauge(k,v)", (BiConsumer<Metrics, String>)(m, n) -> m.setGauge(n, 1.5, "a", "1")),
            Arguments.of("setGauge(varargs)", (BiConsumer<Metrics, String>)(m, n) -> m.setGauge(n, 1.5)),
            Arguments.of("incrementGauge(k,v)",
                (BiConsumer<Metrics, String>)(m, n) -> m.incrementGauge(n, 1.5, "a", "1")),
            Arguments.of("decrementGauge(varargs)", (BiConsumer<Metrics, String>)(m, n) -> m.decrementGauge(n, 1.5)),
            Arguments.of("observeHistogram(k,v,k,v)",
                (BiConsumer<Metrics, String>)(m, n) -> m.observeHistogram(n + "_seconds", 0.5, "a", "1", "b", "2")));
        final Stream<Arguments> convenience = Stream.of(
            Arguments.of("recordError", (BiConsumer<Metrics, String>)(m, n) -> m.recordError("io", n)),
            Arguments.of("recordHttpRequest",
                (BiConsumer<Metrics, String>)(m, n) -> m.recordHttpRequest("/" + n, "GET", "200", 0.1)),
            Arguments.of("recordJobCompleted",
                (BiConsumer<Metrics, String>)(m, n) -> m.recordJobCompleted(n, "en", 2.0, "success")));
        return Stream.concat(byName, convenience);
    }

    private static Metrics started(final boolean propagate)
    {
        return new Metrics(MetricsEngine.start(), new MetricsApiTest.NoExport(),
            MetricsErrorConfig.builder().propagateErrors(propagate).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updates")
    void silentModeCountsAKnownNameLikeANewOne(final String method, final BiConsumer<Metrics, String> update)
    {
        final Metrics metrics = started(false);
        update.accept(metrics, "known"); // registers the series (convenience names: their label values)
        final long publishedBefore = metrics.engine().stats().published();
        metrics.close();

        update.accept(metrics, "known");
        final long afterKnown = metrics.engine().errors().total(ErrorType.ENGINE_CLOSED);
        update.accept(metrics, "brand_new");
        final long afterNew = metrics.engine().errors().total(ErrorType.ENGINE_CLOSED);

        assertTrue(afterKnown > 0, method + ": a known name after close is counted as engine_closed");
        assertEquals(afterKnown, afterNew - afterKnown, method + ": a known and a new name are counted alike");
        assertEquals(publishedBefore, metrics.engine().stats().published(),
            method + ": nothing refused after close enters a ring");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updates")
    void propagateModeThrowsForAKnownNameLikeANewOne(final String method, final BiConsumer<Metrics, String> update)
    {
        final Metrics metrics = started(true);
        update.accept(metrics, "known");
        metrics.close();

        final MetricsException known = assertThrows(ResourceLimitException.class,
            () -> update.accept(metrics, "known"), method);
        final MetricsException fresh = assertThrows(ResourceLimitException.class,
            () -> update.accept(metrics, "brand_new"), method);
        assertEquals(ErrorType.ENGINE_CLOSED, known.errorType());
        assertEquals(ErrorType.ENGINE_CLOSED, fresh.errorType());
        assertTrue(known.getMessage().contains("the metrics engine is closed"), known.getMessage());
        assertEquals(2, metrics.engine().errors().total(ErrorType.ENGINE_CLOSED), method + ": both counted");
    }
}
