package io.ringmetrics.docs;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.exporter.it.FreePorts;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the documentation's Java regions (see {@link DocSnippets}) and checks they produce exactly what the text next
 * to them says. Regions that read the environment run in a child JVM with a chosen environment: the Prometheus
 * exporter on a free loopback port.
 */
class DocSnippetsRunTest
{
    /** {@code name{label,label}} as the docs state a convenience method's series. */
    private static final Pattern STATED_SERIES = Pattern.compile("([a-z_]+)\\{([a-z_,]+)}");

    @Test
    void theReadmeExampleServesExactlyTheSeriesTheReadmeListsAndCountsNoError()
    {
        final List<String> scrapes = runInOwnJvm(ReadmeEmbedding.class);
        assertEquals(1, scrapes.size());
        final String scrape = scrapes.get(0);
        assertEquals(promised("readme-embedding"), countersAndCounts(scrape), scrape);
        assertNoErrorAndNoDrop(scrape);
        assertStatedLabelSets(DocSnippets.regions().get("readme-embedding"), scrape);
    }

    @Test
    void theMigrationBlocksRunTogetherWithoutErrorAndTheConvenienceMethodsUpdateTheStatedLabelSets()
    {
        final List<String> scrapes = runInOwnJvm(MigrationSnippets.class);
        assertEquals(1, scrapes.size());
        final String scrape = scrapes.get(0);
        assertNoErrorAndNoDrop(scrape);
        final TreeMap<String, Double> samples = countersAndCounts(scrape);
        assertEquals(3.0, samples.get(
            "http_requests_total{endpoint=\"/api/v1/transcribe\",method=\"POST\",status=\"200\"}"),
            "handle, name-based call and recordHttpRequest all feed one series: " + samples);
        assertEquals(4.0, samples.get("http_request_duration_seconds_count{endpoint=\"/api/v1/transcribe\"," +
            "method=\"POST\"}"), samples.toString());
        assertEquals(1.0, samples.get("audio_length_seconds_count{model=\"whisper-large\"}"), samples.toString());
        assertEquals(5, assertStatedLabelSets(DocSnippets.regions().get("migration-convenience"), scrape) / 2,
            "the convenience block states five series; each is checked");
        assertEquals(1.0, samples.get(
            "http_server_requests_seconds_count{method=\"POST\",uri=\"/api/v1/transcribe\"}"), samples.toString());
        assertEquals(1.0, samples.get("cache_misses_total{cache=\"models\"}"), samples.toString());
        for (final String series : new String[] {
            "\nhttp_server_requests_seconds_bucket{method=\"POST\",uri=\"/api/v1/transcribe\",le=\"0.5\"} 1\n",
            "\nqueue_depth 2.0\n", "\njvm_memory_used_bytes{" })
        {
            assertTrue(scrape.contains(series), "the Micrometer block serves " + series.trim() + ": " + scrape);
        }
    }

    @Test
    void theConfigurationBlocksThatReadTheEnvironmentServeWhatItSays()
    {
        final List<String> scrapes = runInOwnJvm(ConfigurationSnippets.class);
        assertEquals(2, scrapes.size(), "fromEnvOrNullExporter() and the hand-built Metrics both serve /metrics");
        for (final String scrape : scrapes)
        {
            assertNoErrorAndNoDrop(scrape);
        }
    }

    @Test
    void theConfigurationBuildersBuildWhatTheTextSays()
    {
        final Object[] built = ConfigurationSnippets.builders();
        final MetricsResourceConfig limits = (MetricsResourceConfig)built[0];
        final EngineConfig engine = (EngineConfig)built[1];
        final MetricsErrorConfig errors = (MetricsErrorConfig)built[2];
        assertEquals(5_000, limits.maxMetrics());
        assertEquals(100_000, limits.maxLabelCombinations());
        assertEquals(8, limits.maxLabelsPerMetric());
        assertEquals(limits, engine.limits());
        assertEquals(8192, engine.ringSize());
        assertEquals(BackpressurePolicy.DROP, engine.backpressure());
        assertEquals(Duration.ofSeconds(2), engine.snapshotTimeout());
        assertTrue(errors.propagateErrors());
        try (MetricsEngine started = MetricsEngine.start(engine))
        {
            started.histogram("configured_seconds").observe(0.07);
            assertEquals(8, started.snapshot().histogram("configured_seconds").bucketCount(), "7 bounds and +Inf");
        }
    }

    @Test
    void thePrometheusExporterBlockServesTheNamespacedCounter()
    {
        final String scrape = PrometheusSnippets.exporter(DocSnippetsRunTest::get);
        assertTrue(scrape.contains("\nwhisper_api_jobs_total 1.0\n"), scrape);
    }

    @Test
    void theExemplarBlockKeepsTheExemplarOfItsBucket()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            PrometheusSnippets.exemplars(engine);
            final io.ringmetrics.snapshot.HistogramSample h = engine.snapshot().histogram("checkout_seconds");
            assertTrue(h.count() == 2 && h.nativeBuckets() != null, "two observations, native buckets kept");
            final io.ringmetrics.snapshot.ExemplarSample e = h.exemplarAt(3); // le=0.05
            assertTrue(e != null && e.traceIdHex().equals("4bf92f3577b34da6a3ce929d0e0e4736") &&
                e.spanIdHex().equals("00f067aa0ba902b7") && e.value() == 0.042, String.valueOf(e));
        }
    }

    @Test
    void theRegistryBlockServesTheEngineThroughClientJavasServer() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            engine.counter("jobs_total").increment(2);
            final int port = FreePorts.tcp();
            final HTTPServer server = PrometheusSnippets.registry(engine, port);
            try
            {
                final String scrape = get(port);
                assertTrue(scrape.contains("\nwhisper_api_jobs_total 2.0\n"), scrape);
            }
            finally
            {
                server.close();
            }
        }
    }

    @Test
    void theStatsdBlockSendsTheStatedLine() throws IOException
    {
        try (DatagramChannel channel = DatagramChannel.open())
        {
            channel.bind(new InetSocketAddress(FreePorts.loopback(), 0));
            StatsdSnippets.exporter(((InetSocketAddress)channel.getLocalAddress()).getPort());
            channel.configureBlocking(false);
            final StringBuilder received = new StringBuilder();
            final ByteBuffer buffer = ByteBuffer.allocate(65_536);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!received.toString().contains("myapp.prod.jobs_total:3|c") && System.nanoTime() < deadline)
            {
                buffer.clear();
                if (channel.receive(buffer) == null)
                {
                    Thread.onSpinWait();
                    continue;
                }
                buffer.flip();
                received.append(StandardCharsets.UTF_8.decode(buffer)).append('\n');
            }
            final Set<String> lines = new TreeSet<>(List.of(received.toString().split("\n")));
            assertTrue(lines.contains("myapp.prod.jobs_total:3|c"), "received: " + lines);
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    /**
     * Runs {@code main} of a snippet class in its own JVM, with the Prometheus exporter on a free loopback port and
     * no other variable of ours; it must exit 0 within 60 s and print nothing but its scrapes.
     *
     * @return the scrapes it printed.
     */
    private static List<String> runInOwnJvm(final Class<?> main)
    {
        try
        {
            final Path log = Files.createTempFile("ringmetrics-doc-snippet", ".log");
            try
            {
                final ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), main.getName());
                builder.environment().keySet().removeIf(k -> k.startsWith("METRICS_") ||
                    k.startsWith("PROMETHEUS_") || k.startsWith("STATSD_"));
                builder.environment().put("METRICS_EXPORTER", "prometheus");
                builder.environment().put("METRICS_HTTP_HOST", FreePorts.LOOPBACK);
                builder.environment().put("METRICS_HTTP_PORT", Integer.toString(FreePorts.tcp()));
                builder.redirectErrorStream(true).redirectOutput(log.toFile());
                final Process process = builder.start();
                try
                {
                    assertTrue(process.waitFor(60, TimeUnit.SECONDS), main.getSimpleName() + " ran over 60 s");
                }
                finally
                {
                    process.destroyForcibly();
                }
                final String output = Files.readString(log);
                assertEquals(0, process.exitValue(), output);
                final List<String> scrapes = new ArrayList<>();
                final StringBuilder rest = new StringBuilder();
                int from = 0;
                for (int begin = output.indexOf(DocProbe.BEGIN); begin >= 0;
                    begin = output.indexOf(DocProbe.BEGIN, from))
                {
                    final int end = output.indexOf(DocProbe.END, begin);
                    assertTrue(end > begin, output);
                    rest.append(output, from, begin);
                    scrapes.add(output.substring(begin + DocProbe.BEGIN.length(), end));
                    from = end + DocProbe.END.length();
                }
                rest.append(output.substring(from));
                assertTrue(rest.toString().isBlank(), main.getSimpleName() +
                    " logs nothing (no refused update, no fallback):\n" + rest);
                return scrapes;
            }
            finally
            {
                Files.deleteIfExists(log);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    private static void assertNoErrorAndNoDrop(final String scrape)
    {
        int checked = 0;
        for (final String line : scrape.split("\n"))
        {
            if (line.startsWith("metrics_validation_errors_total") || line.startsWith("metrics_resource_errors_total") ||
                line.startsWith("metrics_config_errors_total") || line.startsWith("metrics_updates_dropped_total"))
            {
                assertTrue(line.endsWith(" 0.0"), "no error and no drop: " + line + "\n" + scrape);
                checked++;
            }
        }
        assertTrue(checked >= 4, "the error meta-metrics are in the scrape:\n" + scrape);
    }

    /**
     * Every {@code name{label,...}} stated in a region's comments is a metric of the scrape whose series carry
     * exactly those label names.
     *
     * @return the number of (family, label set) statements checked.
     */
    private static int assertStatedLabelSets(final String region, final String scrape)
    {
        int checked = 0;
        for (final String line : region.split("\n"))
        {
            if (!line.trim().startsWith("//"))
            {
                continue;
            }
            final Matcher stated = STATED_SERIES.matcher(line);
            while (stated.find())
            {
                final String family = stated.group(1);
                final Set<String> labels = new TreeSet<>(List.of(stated.group(2).split(",")));
                final Set<Set<String>> found = new java.util.HashSet<>();
                for (final String sample : samples(scrape).keySet())
                {
                    final int brace = sample.indexOf('{');
                    final String name = brace < 0 ? sample : sample.substring(0, brace);
                    if (name.equals(family) || name.equals(family + "_count"))
                    {
                        found.add(labelNames(sample));
                    }
                }
                assertEquals(Set.of(labels), found, "the series of " + family + " as stated in: " + line);
                checked += 2;
            }
        }
        assertTrue(checked > 0, "no stated series in:\n" + region);
        return checked;
    }

    private static Set<String> labelNames(final String sample)
    {
        final Set<String> names = new TreeSet<>();
        final Matcher label = Pattern.compile("[{,]([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(sample);
        while (label.find())
        {
            names.add(label.group(1));
        }
        return names;
    }

    /**
     * @param name a snippet.
     * @return the lines of its {@code <!-- output: name -->} block in the docs, name and labels mapped to value.
     */
    static TreeMap<String, Double> promised(final String name)
    {
        final List<String> found = new ArrayList<>();
        for (final Path file : DocSnippets.markdownFiles())
        {
            for (final DocSnippets.Block block : DocSnippets.blocks(file))
            {
                if ("output".equals(block.markerKind) && name.equals(block.markerValue))
                {
                    found.add(block.text);
                }
            }
        }
        assertEquals(1, found.size(), "one output block for " + name);
        return samples(found.get(0));
    }

    /** The user's counters ({@code _total}) and histogram counts ({@code _count}) of an exposition. */
    static TreeMap<String, Double> countersAndCounts(final String exposition)
    {
        final TreeMap<String, Double> all = samples(exposition);
        all.keySet().removeIf(k -> k.startsWith("metrics_") ||
            !(k.matches("[a-z_]+_total(\\{.*)?") || k.matches("[a-z_]+_count(\\{.*)?")));
        return all;
    }

    private static TreeMap<String, Double> samples(final String exposition)
    {
        final TreeMap<String, Double> samples = new TreeMap<>();
        for (final String line : exposition.split("\n"))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final int space = line.lastIndexOf(' ');
            assertFalse(space < 0, line);
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static String get(final int port)
    {
        try
        {
            final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }
}
