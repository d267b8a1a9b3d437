package io.ringmetrics.exporter.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The Prometheus HTTP query API ({@code /api/v1/query}, {@code /api/v1/query_range}) of a server started by the
 * tests: {@link PrometheusServer#api()} or {@link VictoriaMetricsServer#api()}, which serve the same API. Failures
 * carry the server's own description (target health, log tail). Not thread-safe to share across servers' lifetimes:
 * it is only valid while its server runs.
 */
public final class PromQlApi {

    /** One point of a range-query series. */
    public record Point(double epochSeconds, double value) {}

    /** One series of a range-query result. */
    public record Series(Map<String, String> labels, List<Point> points) {}

    private final String name;
    private final URI base;
    private final HttpClient http;
    private final Supplier<String> describe;

    PromQlApi(String name, URI base, HttpClient http, Supplier<String> describe) {
        this.name = name;
        this.base = base;
        this.http = http;
        this.describe = describe;
    }

    /** The server's name, for messages: {@code prometheus}, {@code victoria-metrics}. */
    public String name() {
        return name;
    }

    /** The series of an instant query evaluated now. */
    public List<PrometheusServer.Sample> query(String promql) {
        return PrometheusServer.samples(body("/api/v1/query?query=" + encode(promql), promql));
    }

    /** The series of an instant query evaluated at {@code at}. */
    public List<PrometheusServer.Sample> query(String promql, Instant at) {
        return PrometheusServer.samples(body("/api/v1/query?query=" + encode(promql) + "&time=" + seconds(at),
                promql));
    }

    /** The one value of an instant query evaluated at {@code at}; fails unless exactly one series answers. */
    public double queryOne(String promql, Instant at) {
        List<PrometheusServer.Sample> s = query(promql, at);
        if (s.size() != 1) {
            return fail(name + ": `" + promql + "` at " + at + " gave " + s.size() + " series, expected 1: " + s
                    + "\n" + describe.get());
        }
        return s.get(0).value();
    }

    /** The series of a range query from {@code start} to {@code end} every {@code step}. */
    public List<Series> queryRange(String promql, Instant start, Instant end, Duration step) {
        String json = body("/api/v1/query_range?query=" + encode(promql) + "&start=" + seconds(start)
                + "&end=" + seconds(end) + "&step=" + step.toSeconds(), promql);
        Object root = MiniJson.parse(json);
        if (!"success".equals(MiniJson.at(root, "status"))
                || !"matrix".equals(MiniJson.at(root, "data", "resultType"))) {
            return fail(name + ": range query `" + promql + "` failed: " + json);
        }
        List<Series> out = new ArrayList<>();
        for (Object series : MiniJson.asList(MiniJson.at(root, "data", "result"))) {
            Map<String, String> labels = new LinkedHashMap<>();
            MiniJson.asObject(MiniJson.at(series, "metric")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
            List<Point> points = new ArrayList<>();
            for (Object p : MiniJson.asList(MiniJson.at(series, "values"))) {
                points.add(new Point(MiniJson.asDouble(MiniJson.at(p, 0)), MiniJson.asDouble(MiniJson.at(p, 1))));
            }
            out.add(new Series(labels, points));
        }
        return out;
    }

    /** Polls the instant query (now) every 200 ms until {@code until} holds; fails with details on timeout. */
    public List<PrometheusServer.Sample> awaitQuery(String promql, Predicate<List<PrometheusServer.Sample>> until,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<PrometheusServer.Sample> s = query(promql);
            if (until.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                return fail(name + ": query `" + promql + "` did not satisfy the condition within " + timeout
                        + "; last result: " + s + "\n" + describe.get());
            }
            PrometheusServer.sleep(200);
        }
    }

    /** The server's description: target health and log tail. */
    public String describe() {
        return describe.get();
    }

    private String body(String pathAndQuery, String promql) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(name + ": query " + promql + " failed: " + e + "\n" + describe.get(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (r.statusCode() != 200) {
            throw new AssertionError(name + ": query " + promql + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static String encode(String promql) {
        return URLEncoder.encode(promql, StandardCharsets.UTF_8);
    }

    private static String seconds(Instant at) {
        return at.getEpochSecond() + "." + String.format("%03d", at.getNano() / 1_000_000);
    }
}
