package io.ringmetrics.exporter.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real VictoriaMetrics single-node server (Debian package {@code victoria-metrics}, {@code /usr/bin/victoria-metrics})
 * scraping its targets itself with {@code -promscrape.config}, queried through its Prometheus-compatible API.
 *
 * <p>Everything it writes (the scrape config, the files the config refers to, its data and log) lives in one temp
 * directory that {@link #close()} deletes; it listens on {@code 127.0.0.1:<free port>} only. Relative paths in the
 * config (e.g. {@code file_sd_configs}) resolve against that directory.
 *
 * <p>Flags beyond the config: {@code -search.latencyOffset=0s} (by default the newest 30 s are hidden from queries,
 * as possibly incomplete), {@code -search.disableCache} (every query reads the stored samples, never a cached
 * answer from an earlier, shorter view), {@code -loggerLevel=WARN}.
 */
public final class VictoriaMetricsServer implements AutoCloseable {

    /** One point of a range-query series. */
    public record Point(double epochSeconds, double value) {}

    /** One series of a range-query result. */
    public record Series(Map<String, String> labels, List<Point> points) {}

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final ManagedProcess process;
    private final int port;
    private final HttpClient http;

    private VictoriaMetricsServer(ManagedProcess process, int port, HttpClient http) {
        this.process = process;
        this.port = port;
        this.http = http;
    }

    /**
     * Starts VictoriaMetrics with {@code promscrapeConfig} as its {@code -promscrape.config}, written to
     * {@code promscrape.yml} in its temp directory next to {@code files} (name → content), and waits until
     * {@code /health} answers. Fails the test with the log when it does not start.
     */
    public static VictoriaMetricsServer start(String promscrapeConfig, Map<String, String> files) {
        Path binary = TestTools.victoriaMetrics();
        HttpClient http = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        String lastFailure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path dir = ManagedProcess.newTempDir("victoria-metrics");
            int port = FreePorts.tcp();
            try {
                Files.writeString(dir.resolve("promscrape.yml"), promscrapeConfig, StandardCharsets.UTF_8);
                for (Map.Entry<String, String> file : files.entrySet()) {
                    Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                ManagedProcess.deleteRecursively(dir);
                throw new UncheckedIOException(e);
            }
            List<String> cmd = List.of(
                    binary.toString(),
                    "-promscrape.config=" + dir.resolve("promscrape.yml"),
                    "-storageDataPath=" + dir.resolve("data"),
                    "-httpListenAddr=" + FreePorts.LOOPBACK + ":" + port,
                    "-search.latencyOffset=0s",
                    "-search.disableCache",
                    "-loggerLevel=WARN");
            ManagedProcess mp = ManagedProcess.start("victoria-metrics", cmd, dir);
            VictoriaMetricsServer server = new VictoriaMetricsServer(mp, port, http);
            if (server.awaitReady()) {
                return server;
            }
            lastFailure = mp.describe();
            boolean portClash = mp.log().contains("address already in use");
            mp.close();
            if (!portClash) {
                break;
            }
        }
        return fail("victoria-metrics did not become ready within " + READY_TIMEOUT.toSeconds() + " s: "
                + lastFailure);
    }

    private boolean awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                if (get("/health").statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            PrometheusServer.sleep(100);
        }
        return false;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + port);
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
            return fail("`" + promql + "` at " + at + " gave " + s.size() + " series, expected 1: " + s + "\n"
                    + describe());
        }
        return s.get(0).value();
    }

    /** The series of a range query from {@code start} to {@code end} every {@code step}. */
    public List<Series> queryRange(String promql, Instant start, Instant end, Duration step) {
        String json = body("/api/v1/query_range?query=" + encode(promql) + "&start=" + seconds(start)
                + "&end=" + seconds(end) + "&step=" + step.toMillis() + "ms", promql);
        Object root = MiniJson.parse(json);
        if (!"success".equals(MiniJson.at(root, "status"))
                || !"matrix".equals(MiniJson.at(root, "data", "resultType"))) {
            return fail("range query `" + promql + "` failed: " + json);
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
                return fail("query `" + promql + "` did not satisfy the condition within " + timeout
                        + "; last result: " + s + "\n" + describe());
            }
            PrometheusServer.sleep(200);
        }
    }

    /** Target health and last scrape error, plus the log tail, for failure messages. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        try {
            Object root = MiniJson.parse(get("/api/v1/targets").body());
            for (Object t : MiniJson.asList(MiniJson.at(root, "data", "activeTargets"))) {
                Map<String, Object> m = MiniJson.asObject(t);
                b.append("target ").append(m.get("scrapeUrl")).append(" health=").append(m.get("health"))
                        .append(" lastError=").append(m.get("lastError")).append('\n');
            }
        } catch (IOException | RuntimeException e) {
            b.append("targets: ").append(e).append('\n');
        }
        return b.append(process.describe()).toString();
    }

    /** Terminates VictoriaMetrics and deletes its temp directory. */
    @Override
    public void close() {
        process.close();
    }

    private String body(String pathAndQuery, String promql) {
        HttpResponse<String> r;
        try {
            r = get(pathAndQuery);
        } catch (IOException e) {
            throw new AssertionError("query " + promql + " failed: " + e + "\n" + describe(), e);
        }
        if (r.statusCode() != 200) {
            throw new AssertionError("query " + promql + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private HttpResponse<String> get(String path) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUri() + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String encode(String promql) {
        return URLEncoder.encode(promql, StandardCharsets.UTF_8);
    }

    private static String seconds(Instant at) {
        return at.getEpochSecond() + "." + String.format("%03d", at.getNano() / 1_000_000);
    }
}
