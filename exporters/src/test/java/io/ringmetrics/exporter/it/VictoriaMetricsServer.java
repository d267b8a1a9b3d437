package io.ringmetrics.exporter.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real VictoriaMetrics single-node server (Debian package {@code victoria-metrics},
 * {@code /usr/bin/victoria-metrics}) scraping its targets itself with {@code -promscrape.config}, queried through its
 * Prometheus-compatible API ({@link #api()}).
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

    /** Its Prometheus-compatible query API. */
    public PromQlApi api() {
        return new PromQlApi("victoria-metrics", baseUri(), http, this::describe);
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
}
