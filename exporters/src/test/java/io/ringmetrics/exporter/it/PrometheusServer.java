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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;

/**
 * A real Prometheus server (the Debian {@code prometheus} binary) scraping one target on
 * 127.0.0.1, for end-to-end tests of the exposition endpoint.
 *
 * <p>Everything it writes (config, TSDB, active-query log, its own log) lives in one temp
 * directory that {@link #close()} deletes; it listens on {@code 127.0.0.1:<free port>} only.
 * Processes are also killed by a JVM shutdown hook (see {@link ManagedProcess}).
 *
 * <pre>{@code
 * try (PrometheusServer prom = PrometheusServer.start(exporterPort)) {
 *     prom.awaitScalar("up", v -> v == 1, Duration.ofSeconds(20));
 *     double v = prom.queryScalar("demo_requests_total");
 * }
 * }</pre>
 */
public final class PrometheusServer implements AutoCloseable {

    /** One series of an instant-query result. */
    public record Sample(Map<String, String> labels, double value) {}

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final ManagedProcess process;
    private final int port;
    private final String target;
    private final HttpClient http;

    private PrometheusServer(ManagedProcess process, int port, String target, HttpClient http) {
        this.process = process;
        this.port = port;
        this.target = target;
        this.http = http;
    }

    /** Scrapes {@code http://127.0.0.1:<targetPort>/metrics} every second. */
    public static PrometheusServer start(int targetPort) {
        return start(targetPort, "/metrics", Duration.ofSeconds(1));
    }

    /**
     * Scrapes {@code http://127.0.0.1:<targetPort><metricsPath>} every {@code scrapeInterval}
     * (whole seconds or milliseconds; scrape timeout = interval), job name {@code ringmetrics}.
     */
    public static PrometheusServer start(int targetPort, String metricsPath, Duration scrapeInterval) {
        String target = FreePorts.LOOPBACK + ":" + targetPort;
        String interval = scrapeInterval.toMillis() + "ms";
        String config = ""
                + "global:\n"
                + "  scrape_interval: " + interval + "\n"
                + "  scrape_timeout: " + interval + "\n"
                + "  evaluation_interval: " + interval + "\n"
                + "scrape_configs:\n"
                + "  - job_name: ringmetrics\n"
                + "    metrics_path: " + metricsPath + "\n"
                + "    scheme: http\n"
                + "    static_configs:\n"
                + "      - targets: ['" + target + "']\n";
        return start(config, Map.of(), target, List.of());
    }

    /**
     * Starts Prometheus with {@code config} as its {@code --config.file}, written to {@code prometheus.yml} in its
     * temp directory next to {@code files} (name → content; relative paths in the config, e.g. of
     * {@code file_sd_configs}, resolve against that directory). {@link #target()} is empty.
     */
    public static PrometheusServer start(String config, Map<String, String> files) {
        return start(config, files, "", List.of());
    }

    /**
     * Scrapes several jobs every second, with extra command-line flags (e.g.
     * {@code --enable-feature=native-histograms}); {@code jobs} maps a job name to
     * {@code <targetPort><metricsPath>}, e.g. {@code "ringmetrics" -> "8081/metrics"}.
     * {@link #target()} is the first job's.
     */
    public static PrometheusServer start(Map<String, String> jobs, List<String> flags) {
        StringBuilder config = new StringBuilder()
                .append("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
                .append("scrape_configs:\n");
        String first = null;
        for (Map.Entry<String, String> job : jobs.entrySet()) {
            int slash = job.getValue().indexOf('/');
            String target = FreePorts.LOOPBACK + ":" + job.getValue().substring(0, slash);
            first = first == null ? target : first;
            config.append("  - job_name: ").append(job.getKey()).append('\n')
                    .append("    metrics_path: ").append(job.getValue().substring(slash)).append('\n')
                    .append("    scheme: http\n")
                    .append("    static_configs:\n")
                    .append("      - targets: ['").append(target).append("']\n");
        }
        return start(config.toString(), Map.of(), first, flags);
    }

    private static PrometheusServer start(
            String config, Map<String, String> files, String target, List<String> flags) {
        Path prometheus = TestTools.prometheus();
        HttpClient http = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        String lastFailure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path dir = ManagedProcess.newTempDir("prometheus");
            int port = FreePorts.tcp();
            try {
                Files.writeString(dir.resolve("prometheus.yml"), config, StandardCharsets.UTF_8);
                for (Map.Entry<String, String> file : files.entrySet()) {
                    Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
                }
                Files.createDirectories(dir.resolve("data"));
            } catch (IOException e) {
                ManagedProcess.deleteRecursively(dir);
                throw new UncheckedIOException(e);
            }
            List<String> cmd = new ArrayList<>(List.of(
                    prometheus.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--storage.tsdb.retention.time=1h",
                    "--web.listen-address=" + FreePorts.LOOPBACK + ":" + port,
                    "--web.console.templates=" + dir.resolve("consoles"),
                    "--web.console.libraries=" + dir.resolve("console_libraries"),
                    "--log.level=info"));
            cmd.addAll(flags);
            ManagedProcess mp = ManagedProcess.start("prometheus", cmd, dir);
            PrometheusServer server = new PrometheusServer(mp, port, target, http);
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
        return fail("prometheus did not become ready within " + READY_TIMEOUT.toSeconds() + " s: "
                + lastFailure);
    }

    private boolean awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                HttpResponse<String> r = get("/-/ready");
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(100);
        }
        return false;
    }

    /** The port Prometheus listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + port);
    }

    /** The scraped {@code host:port} of {@link #start(int)}; empty when started with a config. */
    public String target() {
        return target;
    }

    /** The query API with instant queries at a given time and range queries (what the fleet test uses). */
    public PromQlApi api() {
        return new PromQlApi("prometheus", baseUri(), http, this::describe);
    }

    /** The raw JSON body of {@code /api/v1/query?query=<promql>} (instant query, now). */
    public String query(String promql) {
        String path = "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        HttpResponse<String> r;
        try {
            r = get(path);
        } catch (IOException e) {
            throw new AssertionError("query " + promql + " failed: " + e + "\n" + describe(), e);
        }
        if (r.statusCode() != 200) {
            throw new AssertionError("query " + promql + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * The raw JSON of {@code /api/v1/query_exemplars} for a series selector over the last hour (needs
     * {@code --enable-feature=exemplar-storage}).
     */
    public String queryExemplars(String selector) {
        long now = System.currentTimeMillis() / 1000;
        String path = "/api/v1/query_exemplars?query=" + URLEncoder.encode(selector, StandardCharsets.UTF_8)
                + "&start=" + (now - 3600) + "&end=" + (now + 60);
        try {
            HttpResponse<String> r = get(path);
            if (r.statusCode() != 200) {
                throw new AssertionError("query_exemplars " + selector + " -> HTTP " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("query_exemplars " + selector + " failed: " + e + "\n" + describe(), e);
        }
    }

    /** The series of an instant query (vector; a scalar becomes one sample without labels). */
    public List<Sample> querySamples(String promql) {
        return samples(query(promql));
    }

    /** The first sample's value, NaN if the result is empty. */
    public double queryScalar(String promql) {
        List<Sample> s = querySamples(promql);
        return s.isEmpty() ? Double.NaN : s.get(0).value();
    }

    /** How many series the instant query returns. */
    public int querySeriesCount(String promql) {
        return querySamples(promql).size();
    }

    /** Polls the query every 200 ms until {@code until} holds; fails with details on timeout. */
    public List<Sample> awaitQuery(String promql, Predicate<List<Sample>> until, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (true) {
            last = query(promql);
            List<Sample> s = samples(last);
            if (until.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                return fail("query `" + promql + "` did not satisfy the condition within " + timeout
                        + "; last result: " + last + "\n" + describe());
            }
            sleep(200);
        }
    }

    /** Like {@link #awaitQuery} on the first sample's value (NaN while empty); returns that value. */
    public double awaitScalar(String promql, DoublePredicate until, Duration timeout) {
        List<Sample> s = awaitQuery(promql,
                l -> until.test(l.isEmpty() ? Double.NaN : l.get(0).value()), timeout);
        return s.isEmpty() ? Double.NaN : s.get(0).value();
    }

    /** Raw JSON of {@code /api/v1/targets} (scrape health, lastError). */
    public String targets() {
        try {
            return get("/api/v1/targets").body();
        } catch (IOException e) {
            return "<targets unavailable: " + e + ">";
        }
    }

    /** Target health and last scrape error, plus the Prometheus log tail, for failure messages. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        try {
            Object root = MiniJson.parse(targets());
            for (Object t : MiniJson.asList(MiniJson.at(root, "data", "activeTargets"))) {
                Map<String, Object> m = MiniJson.asObject(t);
                b.append("target ").append(m.get("scrapeUrl")).append(" health=").append(m.get("health"))
                        .append(" lastError=").append(m.get("lastError")).append('\n');
            }
        } catch (RuntimeException e) {
            b.append("targets: ").append(e).append('\n');
        }
        return b.append(process.describe()).toString();
    }

    /** Terminates Prometheus and deletes its temp directory. */
    @Override
    public void close() {
        process.close();
    }

    private HttpResponse<String> get(String path) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUri() + path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static List<Sample> samples(String json) {
        Object root = MiniJson.parse(json);
        if (!"success".equals(MiniJson.at(root, "status"))) {
            throw new AssertionError("query failed: " + json);
        }
        String type = String.valueOf(MiniJson.at(root, "data", "resultType"));
        Object result = MiniJson.at(root, "data", "result");
        List<Sample> out = new ArrayList<>();
        switch (type) {
            case "scalar" ->
                    out.add(new Sample(Map.of(), MiniJson.asDouble(MiniJson.at(result, 1))));
            case "vector" -> {
                for (Object o : MiniJson.asList(result)) {
                    out.add(new Sample(labels(o), MiniJson.asDouble(MiniJson.at(o, "value", 1))));
                }
            }
            case "matrix" -> {
                for (Object o : MiniJson.asList(result)) {
                    List<Object> values = MiniJson.asList(MiniJson.at(o, "values"));
                    double last = values.isEmpty() ? Double.NaN
                            : MiniJson.asDouble(MiniJson.at(values.get(values.size() - 1), 1));
                    out.add(new Sample(labels(o), last));
                }
            }
            default -> throw new AssertionError("unexpected resultType " + type + ": " + json);
        }
        return out;
    }

    private static Map<String, String> labels(Object series) {
        Map<String, String> labels = new LinkedHashMap<>();
        MiniJson.asObject(MiniJson.at(series, "metric")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
        return labels;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
