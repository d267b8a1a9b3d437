package io.ringmetrics.docs;

import io.ringmetrics.Metrics;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What a documentation example runs between its own lines, outside the text the docs show: prints what Prometheus
 * would scrape from the example's exporter, for {@link DocSnippetsRunTest} to check.
 */
final class DocProbe
{
    static final String BEGIN = "----- scrape -----";
    static final String END = "----- end of scrape -----";

    private DocProbe()
    {
    }

    /**
     * Scrapes the example's own Prometheus endpoint over HTTP and prints the body between {@link #BEGIN} and
     * {@link #END}; fails if the example did not start a Prometheus exporter.
     *
     * @param metrics the example's metrics.
     * @throws Exception if the scrape fails.
     */
    static void printScrape(final Metrics metrics) throws Exception
    {
        if (!(metrics.exporter() instanceof PrometheusExporter))
        {
            throw new IllegalStateException("the example runs with " + metrics.exporter().name() +
                ", not the Prometheus exporter the test asked for");
        }
        final int port = ((PrometheusExporter)metrics.exporter()).port();
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200)
        {
            throw new IllegalStateException("scrape answered " + response.statusCode() + ": " + response.body());
        }
        System.out.println(BEGIN);
        System.out.print(response.body());
        System.out.println(END);
    }
}
