package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.it.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code promtool check metrics} (Prometheus 2.42) finds no parse error and no lint problem in the text
 * format output of every fixture — meta-metrics, label values at their 256-character limit, names at their
 * length limits, help texts needing escaping, percentile and max families — with and without a namespace, written
 * by the fast path and served over HTTP.
 * <p>
 * promtool 2.42 only parses the text format 0.0.4, so the OpenMetrics output is checked by
 * {@link OpenMetricsStructureTest} and by a real Prometheus server scraping it ({@link PrometheusServerScrapeTest}).
 */
@Timeout(120)
class PromtoolCheckTest
{
    static Stream<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Fixtures.Fixture fixture : Fixtures.lintable())
        {
            cases.add(Arguments.of(fixture, null));
            cases.add(Arguments.of(fixture, "whisper_api"));
            cases.add(Arguments.of(fixture, "created")); // with _created samples
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} namespace={1}")
    @MethodSource("cases")
    void textOutputIsLintClean(final Fixtures.Fixture fixture, final String namespace) throws IOException
    {
        try (MetricsEngine engine = fixture.start())
        {
            final String text = RingMetricsCollectorTest.text(RingMetricsCollector.builder(engine)
                .namespace(namespace).created("created".equals(namespace)).build());
            assertTrue(text.contains("metrics_series"), "meta-metrics are part of every exposition");
            Promtool.assertClean(text);
        }
    }

    @Test
    void longLabelValuesAreInTheCheckedOutput() throws IOException
    {
        try (MetricsEngine engine = Fixtures.all().stream().filter(f -> f.name().equals("labels")).findFirst()
            .orElseThrow().start())
        {
            final String text = RingMetricsCollectorTest.text(RingMetricsCollector.builder(engine).build());
            assertTrue(text.contains("value=\"" + Fixtures.LONG_VALUE + "\""), text);
            assertEquals(256, Fixtures.LONG_VALUE.length());
            Promtool.assertClean(text);
        }
    }

    @Test
    void servedTextIsLintCleanAndConflictsWouldNotBe() throws Exception
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            Fixtures.service(engine);
            Fixtures.gauges(engine);
            Fixtures.labels(engine);
            final PrometheusExporter exporter = PrometheusExporter.builder().port(0).namespace("svc").build();
            exporter.start(engine);
            try
            {
                final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
                final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                Promtool.assertClean(response.body());
            }
            finally
            {
                exporter.close();
            }
        }
        // The check is not vacuous: promtool does reject what conflict detection prevents.
        final Promtool.Result duplicate = Promtool.checkMetrics("""
            # HELP dup_total a
            # TYPE dup_total counter
            dup_total 1
            # HELP dup_total b
            # TYPE dup_total counter
            dup_total 2
            """);
        assertNotEquals(0, duplicate.exitCode(), duplicate.output());
    }
}
