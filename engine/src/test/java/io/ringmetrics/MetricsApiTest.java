package io.ringmetrics;

import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.error.ValidationException;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsApiTest
{
    private Metrics metrics;

    /** Exporter that does nothing, so these tests exercise the API alone. */
    static final class NoExport implements MetricsExporter
    {
        @Override
        public String name()
        {
            return "none";
        }

        @Override
        public void start(final MetricsEngine engine)
        {
        }

        @Override
        public void close()
        {
        }
    }

    private Metrics create(final MetricsResourceConfig limits, final MetricsErrorConfig errors)
    {
        final EngineConfig config = EngineConfig.builder().limits(limits).backpressure(BackpressurePolicy.BLOCK).build();
        metrics = new Metrics(MetricsEngine.start(config), new NoExport(), errors);
        return metrics;
    }

    private Metrics silent()
    {
        return create(MetricsResourceConfig.DEFAULTS, MetricsErrorConfig.DEFAULTS);
    }

    private Metrics propagating()
    {
        return create(MetricsResourceConfig.DEFAULTS, MetricsErrorConfig.builder().propagateErrors(true).build());
    }

    @AfterEach
    void close()
    {
        if (metrics != null)
        {
            metrics.close();
        }
    }

    @Test
    void nameBasedOperationsUpdateTheirSeries()
    {
        final Metrics m = silent();
        m.increment("requests_total", "method", "GET");
        m.increment("requests_total", "method", "GET");
        m.incrementBy("bytes_processed", 1024, "protocol", "http");
        m.setGauge("memory_usage_bytes", 512.0);
        m.incrementGauge("active_connections", 3, "server", "web1");
        m.decrementGauge("active_connections", 1, "server", "web1");
        m.observeHistogram("request_duration_seconds", 0.125, "endpoint", "/api");
        final MetricsSnapshot s = m.engine().snapshot();
        assertEquals(2, s.counter("requests_total", "method", "GET"));
        assertEquals(1024, s.counter("bytes_processed", "protocol", "http"));
        assertEquals(512.0, s.gauge("memory_usage_bytes"));
        assertEquals(2.0, s.gauge("active_connections", "server", "web1"));
        assertEquals(1, s.histogram("request_duration_seconds", "endpoint", "/api").count());
    }

    @Test
    void convenienceMethodsCreateTheSpecifiedSeries()
    {
        final Metrics m = silent();
        m.recordHttpRequest("/api/v1/transcribe", "POST", "200", 0.145);
        m.recordJobCompleted("whisper-large", "en", 12.5, "success");
        m.recordError("validation", "invalid_file_format");
        final MetricsSnapshot s = m.engine().snapshot();
        assertEquals(1, s.counter("http_requests_total",
            "method", "POST", "endpoint", "/api/v1/transcribe", "status", "200"));
        assertEquals(0.145, s.histogram("http_request_duration_seconds",
            "method", "POST", "endpoint", "/api/v1/transcribe").sum(), 1e-12);
        assertEquals(1, s.counter("jobs_completed_total", "model", "whisper-large", "language", "en", "status", "success"));
        assertEquals(12.5, s.histogram("job_duration_seconds", "model", "whisper-large", "language", "en").sum());
        assertEquals(1, s.counter("errors_total", "category", "validation", "error_type", "invalid_file_format"));
    }

    @Test
    void labelOrderNeverMatters()
    {
        final Metrics m = silent();
        m.increment("http_total", "a", "1", "b", "2");
        m.increment("http_total", "b", "2", "a", "1");
        assertEquals(1, m.labelCombinationCount());
        assertEquals(2, m.engine().snapshot().counter("http_total", "a", "1", "b", "2"));
    }

    @Test
    void everyFixedArityOverloadFindsTheSeriesWhateverThePairOrder()
    {
        final Metrics m = silent();
        m.increment("three_total", "a", "1", "b", "2", "c", "3");
        m.increment("three_total", "a", "1", "c", "3", "b", "2");
        m.increment("three_total", "b", "2", "a", "1", "c", "3");
        m.increment("three_total", "b", "2", "c", "3", "a", "1");
        m.increment("three_total", "c", "3", "a", "1", "b", "2");
        m.increment("three_total", "c", "3", "b", "2", "a", "1");
        m.incrementBy("two_total", 2, "a", "1", "b", "2");
        m.incrementBy("two_total", 3, "b", "2", "a", "1");
        m.setGauge("two_gauge", 1.0, "b", "2", "a", "1");
        m.incrementGauge("one_gauge", 2.0, "a", "1");
        m.decrementGauge("one_gauge", 0.5, "a", "1");
        m.observeHistogram("two_seconds", 0.5, "a", "1", "b", "2");
        m.observeHistogram("two_seconds", 1.5, "b", "2", "a", "1");
        m.increment("two_total", new String("b"), new String("2"), new String("a"), new String("1"));
        m.increment(new String("two_total"), "a", "1", "b", "2");
        assertEquals(5, m.labelCombinationCount(), "one series per metric");
        final MetricsSnapshot s = m.engine().snapshot();
        assertEquals(6, s.counter("three_total", "c", "3", "b", "2", "a", "1"));
        assertEquals(7, s.counter("two_total", "a", "1", "b", "2"));
        assertEquals(1.0, s.gauge("two_gauge", "a", "1", "b", "2"));
        assertEquals(1.5, s.gauge("one_gauge", "a", "1"));
        assertEquals(2.0, s.histogram("two_seconds", "b", "2", "a", "1").sum(), 1e-12);
    }

    @Test
    void aLabelNameGivenTwiceNeverUpdatesAnExistingSeries()
    {
        final Metrics m = propagating();
        m.increment("dup_total", "a", "1", "b", "1");
        m.increment("dup3_total", "a", "1", "b", "1", "c", "1");
        assertEquals(ErrorType.DUPLICATE_LABEL, assertThrows(ValidationException.class,
            () -> m.increment("dup_total", "a", "1", "a", "1")).errorType());
        assertEquals(ErrorType.DUPLICATE_LABEL, assertThrows(ValidationException.class,
            () -> m.increment("dup_total", "b", "1", "b", "1")).errorType());
        assertEquals(ErrorType.DUPLICATE_LABEL, assertThrows(ValidationException.class,
            () -> m.increment("dup3_total", "a", "1", "b", "1", "a", "1")).errorType());
        assertEquals(ErrorType.DUPLICATE_LABEL, assertThrows(ValidationException.class,
            () -> m.increment("dup_total", new String[] { "a", "1", "a", "1" })).errorType());
        final MetricsSnapshot s = m.engine().snapshot();
        assertEquals(1, s.counter("dup_total", "a", "1", "b", "1"));
        assertEquals(1, s.counter("dup3_total", "a", "1", "b", "1", "c", "1"));
        assertEquals(2, m.labelCombinationCount());
    }

    @Test
    void otherLabelNamesWithTheSameValuesAreAConflictNotAMatch()
    {
        final Metrics m = propagating();
        m.increment("names_total", "a", "1", "b", "2");
        assertEquals(ErrorType.LABEL_NAMES_CONFLICT, assertThrows(ValidationException.class,
            () -> m.increment("names_total", "a", "1", "c", "2")).errorType());
        assertEquals(ErrorType.LABEL_NAMES_CONFLICT, assertThrows(ValidationException.class,
            () -> m.increment("names_total", "a", "1")).errorType());
        assertEquals(ErrorType.TYPE_CONFLICT, assertThrows(ValidationException.class,
            () -> m.setGauge("names_total", 1.0, "a", "1", "b", "2")).errorType());
        assertEquals(1, m.engine().snapshot().counter("names_total", "a", "1", "b", "2"));
    }

    @Test
    void nullLabelStringsInFixedArityCallsAreReportedNotThrownAsNullPointers()
    {
        final Metrics m = propagating();
        m.increment("n_total", "a", "1", "b", "2");
        assertEquals(ErrorType.INVALID_LABEL_VALUE, assertThrows(ValidationException.class,
            () -> m.increment("n_total", "a", "1", "b", null)).errorType());
        assertEquals(ErrorType.INVALID_LABEL_NAME, assertThrows(ValidationException.class,
            () -> m.increment("n_total", "a", "1", null, "2")).errorType());
        assertEquals(ErrorType.INVALID_NAME, assertThrows(ValidationException.class,
            () -> m.increment(null, "a", "1", "b", "2")).errorType());
        assertEquals(1, m.engine().snapshot().counter("n_total", "a", "1", "b", "2"));
    }

    static Stream<Arguments> invalidInput()
    {
        return Stream.of(
            Arguments.of("http-requests-total", new String[0], ErrorType.INVALID_NAME),
            Arguments.of("123_invalid", new String[0], ErrorType.INVALID_NAME),
            Arguments.of("", new String[0], ErrorType.INVALID_NAME),
            Arguments.of("a".repeat(129), new String[0], ErrorType.NAME_TOO_LONG),
            Arguments.of("ok_total", new String[] { "method", "GET", "method", "POST" }, ErrorType.DUPLICATE_LABEL),
            Arguments.of("ok_total", new String[] { "invalid\"quote", "value" }, ErrorType.INVALID_LABEL_NAME),
            Arguments.of("ok_total", new String[] { "name", "value\"quote" }, ErrorType.INVALID_LABEL_VALUE),
            Arguments.of("ok_total", new String[] { "name", "value\nwith\nnewlines" }, ErrorType.INVALID_LABEL_VALUE),
            Arguments.of("ok_total", new String[] { "name", "back\\slash" }, ErrorType.INVALID_LABEL_VALUE),
            Arguments.of("ok_total", new String[] { "name", "statsd|pipe" }, ErrorType.INVALID_LABEL_VALUE),
            Arguments.of("ok_total", new String[] { "__reserved", "v" }, ErrorType.INVALID_LABEL_NAME),
            Arguments.of("ok_total", new String[] { "l".repeat(65), "v" }, ErrorType.LABEL_NAME_TOO_LONG),
            Arguments.of("ok_total", new String[] { "l", "v".repeat(257) }, ErrorType.LABEL_VALUE_TOO_LONG),
            Arguments.of("ok_total", new String[] { "odd" }, ErrorType.INVALID_LABELS),
            Arguments.of("metrics_validation_errors_total", new String[0], ErrorType.RESERVED_NAME));
    }

    @ParameterizedTest
    @MethodSource("invalidInput")
    void invalidInputIsCountedInSilentModeAndLosesNothing(
        final String name, final String[] labels, final ErrorType expected)
    {
        final Metrics m = silent();
        m.increment("good_total", "k", "v");
        m.increment(name, labels); // returns normally
        m.increment("good_total", "k", "v");
        final MetricsSnapshot s = m.engine().snapshot();
        assertEquals(2, s.counter("good_total", "k", "v"), "other series are untouched");
        assertEquals(1, m.engine().errors().total(expected), "counted as " + expected.label());
        assertEquals(1, m.metricCount(), "nothing registered for the bad input");
    }

    @ParameterizedTest
    @MethodSource("invalidInput")
    void invalidInputThrowsInPropagateMode(final String name, final String[] labels, final ErrorType expected)
    {
        final Metrics m = propagating();
        final MetricsException ex = assertThrows(ValidationException.class, () -> m.increment(name, labels));
        assertEquals(expected, ex.errorType());
        assertTrue(ex.getMessage().startsWith("Metrics increment operation failed for '"), ex.getMessage());
        assertEquals(1, m.engine().errors().total(expected), "counted in propagate mode too");
    }

    @Test
    void anOddNumberOfLabelStringsIsWordedForOneAndForMany()
    {
        final Metrics m = propagating();
        final ValidationException one = assertThrows(ValidationException.class,
            () -> m.increment("odd_total", new String[] { "method" }));
        assertTrue(one.getMessage().contains("labels must be name/value pairs (an even number of strings); got 1 " +
            "string: a label name without its value"), one.getMessage());
        final ValidationException three = assertThrows(ValidationException.class,
            () -> m.increment("odd_total", new String[] { "method", "GET", "status" }));
        assertTrue(three.getMessage().contains("got 3 strings: the last label name has no value"), three.getMessage());
    }

    @Test
    void longestAllowedNamesAndValuesAreAccepted()
    {
        final Metrics m = silent();
        final String name = "n".repeat(128);
        m.increment(name, "l".repeat(64), "v".repeat(256));
        assertEquals(1, m.engine().snapshot().counter(name, "l".repeat(64), "v".repeat(256)));
    }

    @Test
    void invalidValuesAreRejectedBeforeTheRing()
    {
        final Metrics m = propagating();
        assertEquals(ErrorType.INVALID_VALUE,
            assertThrows(ValidationException.class, () -> m.incrementBy("c_total", -1)).errorType());
        assertThrows(ValidationException.class, () -> m.setGauge("g", Double.NaN));
        assertThrows(ValidationException.class, () -> m.observeHistogram("h_seconds", Double.POSITIVE_INFINITY));
        assertEquals(0, m.metricCount(), "a refused value registers nothing");
    }

    static Stream<Arguments> refusedObservations()
    {
        return Stream.of(Arguments.of(-1.0), Arguments.of(-Double.MIN_VALUE), Arguments.of(Double.NaN),
            Arguments.of(Double.POSITIVE_INFINITY), Arguments.of(Double.NEGATIVE_INFINITY));
    }

    @ParameterizedTest
    @MethodSource("refusedObservations")
    void aRefusedObservationByNameIsCountedInSilentModeAndNeverTouchesTheSeries(final double value)
    {
        final Metrics m = silent();
        m.observeHistogram("h_seconds", 0.5, "k", "v");
        m.observeHistogram("h_seconds", value, "k", "v"); // returns normally
        m.observeHistogram("h_seconds", value, new String[] { "k", "v" });
        m.observeHistogram("h_seconds", value, "k", "v", "k2", "v2");
        m.recordHttpRequest("/api", "GET", "200", value);
        m.recordJobCompleted("model", "en", value, "success");
        final MetricsSnapshot s = m.engine().snapshot();
        final HistogramSample h = s.histogram("h_seconds", "k", "v");
        assertEquals(1, h.count());
        assertEquals(0.5, h.sum(), "the sum never goes backwards");
        assertEquals(0.5, h.max());
        assertEquals(5, m.engine().errors().total(ErrorType.INVALID_VALUE), "each refusal counted");
        assertEquals(1, s.counter("http_requests_total", "method", "GET", "endpoint", "/api", "status", "200"),
            "the request itself is still counted");
        assertNull(s.histogram("http_request_duration_seconds", "method", "GET", "endpoint", "/api"),
            "no duration observed");
        assertEquals(0, s.stats().dropped(EngineStats.DropReason.INVALID_VALUE, UpdateOp.KIND_HISTOGRAM),
            "refused before the ring");
    }

    @ParameterizedTest
    @MethodSource("refusedObservations")
    void aRefusedObservationByNameThrowsInPropagateMode(final double value)
    {
        final Metrics m = propagating();
        m.observeHistogram("h_seconds", 0.5);
        final ValidationException ex = assertThrows(ValidationException.class,
            () -> m.observeHistogram("h_seconds", value));
        assertEquals(ErrorType.INVALID_VALUE, ex.errorType());
        assertTrue(ex.getMessage().contains("finite and >= 0, was " + value), ex.getMessage());
        assertThrows(ValidationException.class, () -> m.observeHistogram("h_seconds", value, "k", "v"));
        assertThrows(ValidationException.class, () -> m.recordJobCompleted("model", "en", value, "success"));
        assertEquals(3, m.engine().errors().total(ErrorType.INVALID_VALUE), "counted in propagate mode too");
        final HistogramSample h = m.engine().snapshot().histogram("h_seconds");
        assertEquals(1, h.count());
        assertEquals(0.5, h.sum());
    }

    @Test
    void typeConflictIsAnErrorAndTheExistingSeriesIsUntouched()
    {
        final Metrics m = silent();
        m.increment("shared_name");
        m.setGauge("shared_name", 5.0);
        m.increment("shared_name", "extra", "label");
        final MetricsSnapshot s = m.engine().snapshot();
        assertEquals(1, s.counter("shared_name"));
        assertTrue(Double.isNaN(s.gauge("shared_name")));
        assertEquals(1, m.engine().errors().total(ErrorType.TYPE_CONFLICT));
        assertEquals(1, m.engine().errors().total(ErrorType.LABEL_NAMES_CONFLICT));
    }

    @Test
    void metricLimitAtExactlyNAndNPlusOne()
    {
        final Metrics m = create(MetricsResourceConfig.builder().maxMetrics(3).build(), MetricsErrorConfig.DEFAULTS);
        m.increment("a_total");
        m.increment("b_total");
        m.increment("c_total");
        assertEquals(3, m.metricCount());
        m.increment("d_total");
        assertEquals(3, m.metricCount(), "never more than max_metrics");
        assertEquals(1, m.engine().errors().total(ErrorType.METRIC_LIMIT_EXCEEDED));
        assertEquals(-1, m.engine().snapshot().counter("d_total"));
    }

    @Test
    void labelCombinationLimitFoldsIntoTheOverflowSeriesSoTotalsStayRight()
    {
        final Metrics m = create(MetricsResourceConfig.builder().maxLabelCombinations(3).build(),
            MetricsErrorConfig.DEFAULTS);
        for (int user = 0; user < 10; user++)
        {
            m.increment("logins_total", "user", "u" + user);
        }
        assertEquals(3, m.labelCombinationCount(), "exactly N series");
        final MetricsSnapshot s = m.engine().snapshot();
        long total = 0;
        for (int user = 0; user < 3; user++)
        {
            total += s.counter("logins_total", "user", "u" + user);
        }
        final long overflow = s.counter("logins_total", "overflow", "true");
        assertEquals(7, overflow, "updates N+1..10 are folded, not lost");
        assertEquals(10, total + overflow);
        assertEquals(7, m.engine().errors().total(ErrorType.LABEL_COMBINATION_LIMIT_EXCEEDED));
    }

    @Test
    void labelsPerMetricLimit()
    {
        final Metrics m = create(MetricsResourceConfig.builder().maxLabelsPerMetric(2).build(),
            MetricsErrorConfig.builder().propagateErrors(true).build());
        m.increment("two_total", "a", "1", "b", "2");
        assertEquals(ErrorType.TOO_MANY_LABELS, assertThrows(ValidationException.class,
            () -> m.increment("three_total", "a", "1", "b", "2", "c", "3")).errorType());
    }

    @Test
    void removalAllowedAndRefused()
    {
        final Metrics m = silent();
        m.increment("old_total");
        assertTrue(m.isMetricRemovalAllowed());
        assertTrue(m.removeCounter("old_total"));
        assertEquals(0, m.metricCount());
        m.setGauge("kept", 1.0);
        m.setAllowMetricRemoval(false);
        assertFalse(m.removeGauge("kept"));
        assertEquals(1, m.engine().errors().total(ErrorType.REMOVAL_NOT_ALLOWED));
        assertEquals(1.0, m.engine().snapshot().gauge("kept"));
    }

    @Test
    void removalRefusedThrowsInPropagateMode()
    {
        final Metrics m = propagating();
        m.setGauge("kept", 1.0);
        m.setAllowMetricRemoval(false);
        assertThrows(ResourceLimitException.class, () -> m.removeGauge("kept"));
    }

    @Test
    void detailedContextAppendsLimitsSimpleContextDoesNot()
    {
        final Metrics detailed = create(MetricsResourceConfig.DEFAULTS,
            MetricsErrorConfig.builder().propagateErrors(true).build());
        final String withContext = assertThrows(MetricsException.class, () -> detailed.increment("bad-name")).getMessage();
        assertEquals("Metrics increment operation failed for 'bad-name': metric name 'bad-name' is invalid; allowed: " +
            "[a-zA-Z_:][a-zA-Z0-9_:]* (no hyphen, no leading digit) (Context: max_metrics=1000, " +
            "max_label_combinations=10000, max_labels_per_metric=16, max_metric_name_length=128, " +
            "max_label_value_length=256)", withContext);
        detailed.close();
        final Metrics simple = create(MetricsResourceConfig.DEFAULTS,
            MetricsErrorConfig.builder().propagateErrors(true).detailedErrorContext(false).build());
        final String without = assertThrows(MetricsException.class, () -> simple.increment("bad-name")).getMessage();
        assertFalse(without.contains("Context"), without);
        assertTrue(without.startsWith("Metrics increment operation failed for 'bad-name': "), without);
    }

    @Test
    void validationMetaMetricNameLabelIsBounded()
    {
        final Metrics m = silent();
        for (int i = 0; i < 500; i++)
        {
            m.increment("bad-" + i);           // invalid: counted under _invalid
            m.increment("good_" + i, "l", "a\nb"); // valid name, bad label value: name kept up to a bound
        }
        final long distinct = m.engine().errors().entries(ErrorType.Category.VALIDATION).stream()
            .map(e -> e.getKey().metricName()).distinct().count();
        assertTrue(distinct <= 102, "bounded metric_name label, got " + distinct);
        assertEquals(1000, m.engine().errors().total(ErrorType.Category.VALIDATION));
    }

    @Test
    void cleanupEvictsIdleSeriesAndFreesTheirCapacity() throws Exception
    {
        final Metrics m = create(MetricsResourceConfig.builder().maxLabelCombinations(2).enableMetricCleanup(true)
            .cleanupIntervalSeconds(1).build(), MetricsErrorConfig.DEFAULTS);
        m.increment("idle_total", "k", "1");
        m.increment("idle_total", "k", "2");
        assertEquals(2, m.labelCombinationCount());
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (m.labelCombinationCount() > 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(100);
        }
        assertEquals(0, m.labelCombinationCount(), "idle series evicted");
        m.increment("idle_total", "k", "3");
        m.increment("idle_total", "k", "4");
        final MetricsSnapshot s = m.engine().snapshot();
        assertEquals(1, s.counter("idle_total", "k", "3"), "freed capacity is usable again");
        assertEquals(1, s.counter("idle_total", "k", "4"));
        assertEquals(-1, s.counter("idle_total", "overflow", "true"));
    }
}
