package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scrapes an endpoint as Prometheus does with native histograms on, and parses the answer with client_java's classes. */
final class ProtobufScrape
{
    /** What Prometheus 2.42 sends first with {@code --enable-feature=native-histograms}. */
    static final String ACCEPT = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;" +
        "encoding=delimited;q=0.8,application/openmetrics-text;version=1.0.0;q=0.7,text/plain;version=0.0.4;q=0.5";

    private ProtobufScrape()
    {
    }

    /** @return the families by name, in the order served. */
    static Map<String, Metrics.MetricFamily> scrape(final int port) throws IOException, InterruptedException
    {
        final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        final HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).header("Accept", ACCEPT)
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        final String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("application/vnd.google.protobuf"), type);
        final Map<String, Metrics.MetricFamily> families = new LinkedHashMap<>();
        final ByteArrayInputStream in = new ByteArrayInputStream(response.body());
        Metrics.MetricFamily family;
        while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null)
        {
            families.put(family.getName(), family);
        }
        return families;
    }

    /**
     * Decodes spans and deltas into absolute bucket indexes and counts.
     *
     * @return {@code index -> count} of the non-empty buckets, ascending.
     */
    static Map<Integer, Long> buckets(final List<Metrics.BucketSpan> spans, final List<Long> deltas)
    {
        final Map<Integer, Long> result = new LinkedHashMap<>();
        final List<Long> counts = new ArrayList<>();
        long count = 0;
        for (final long delta : deltas)
        {
            count += delta;
            counts.add(count);
        }
        int index = 0;
        int next = 0;
        for (final Metrics.BucketSpan span : spans)
        {
            index += span.getOffset();
            for (int i = 0; i < span.getLength(); i++)
            {
                final long bucket = counts.get(next++);
                if (bucket != 0) // a span may bridge a small gap with empty buckets
                {
                    result.put(index, bucket);
                }
                index++;
            }
        }
        return result;
    }
}
