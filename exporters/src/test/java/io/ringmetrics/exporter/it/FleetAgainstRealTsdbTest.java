package io.ringmetrics.exporter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 21, item 3: a fleet of three services, each its own JVM with the Prometheus exporter ({@link FleetMember}),
 * scraped at the same time by two real TSDBs that no one here wrote: VictoriaMetrics (Debian's
 * {@code victoria-metrics}, {@code -promscrape.config}) and Prometheus (Debian's {@code prometheus},
 * {@code --config.file}), both given the one scrape configuration shown in docs/operations.md ("Running a fleet"),
 * read from there verbatim. Everything is checked through their query APIs, every check on each; nothing is
 * aggregated in-process: each member exposes its own series without any instance label, and the TSDB adds
 * {@code job} and {@code instance}.
 *
 * <p>The workload is deterministic: member {@code i} serves {@code RATES[i]} requests per second for
 * {@value #PHASE_SECONDS} s (in 100 ms ticks), each request one increment of {@code http_requests_total} and one
 * observation of {@code LATENCIES[i]} seconds in {@code http_request_duration_seconds} (default buckets). So the
 * fleet's rate is {@code sum(RATES)} = 150/s, its totals are known exactly, and the merged latency distribution is
 * 20/150 at 20 ms, 40/150 at 70 ms and 90/150 at 300 ms: its median is 300 ms, in the bucket (0.25, 0.5].
 *
 * <p><b>Tolerance.</b> Stored totals and bucket counts are compared exactly, and so is VictoriaMetrics'
 * {@code increase()}, which does not extrapolate: every series is scraped at 0 before the workload starts and again
 * after it ends. Prometheus' {@code increase()} extrapolates, by a bounded amount, upwards only (see
 * {@code assertIncrease}). {@code rate()} over a {@value #RATE_WINDOW_SECONDS} s window is compared within
 * {@value #RATE_TOLERANCE} (relative): it divides the increase between two scrapes about 10 s apart by the
 * difference of their timestamps, and a timestamp is when the scrape started, not when the member took its
 * snapshot. The counter also moves in steps of one tick (100 ms of requests), and on this shared two-core machine a
 * tick or a scrape can be late by a few hundred ms. One tick plus 0.4 s of skew between the two ends is 0.5 s in
 * 10 s: 5 %. A rate off by more than that is not scrape timing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class FleetAgainstRealTsdbTest {

    /** Requests per second of each member (multiples of 10: a tick is 100 ms). */
    static final int[] RATES = {20, 40, 90};
    /** Each member's (constant) request latency, seconds: three different default buckets. */
    static final double[] LATENCIES = {0.02, 0.07, 0.3};
    /** How long each member publishes. */
    static final int PHASE_SECONDS = 16;
    /** How long the restarted member publishes. */
    static final int RESTART_SECONDS = 6;
    static final int RATE_WINDOW_SECONDS = 10;
    static final double RATE_TOLERANCE = 0.05;
    /** The windows that look for a negative jump around the restart. */
    static final int SHORT_WINDOW_SECONDS = 15;
    /** The job name of the documented scrape config. */
    static final String JOB = "ringmetrics";
    /** The marker above the documented scrape config in docs/operations.md. */
    static final String CONFIG_MARKER = "<!-- fleet-test: fleet.yml -->";
    static final String TARGETS_FILE = "ringmetrics-targets.json";

    private static final Duration AWAIT = Duration.ofSeconds(30);

    private static final List<ManagedProcess> members = new ArrayList<>();
    private static final int[] ports = new int[RATES.length];
    private static VictoriaMetricsServer vm;
    private static PrometheusServer prometheus;
    /** Both TSDBs' query APIs: every check runs against each. */
    private static final List<PromQlApi> tsdbs = new ArrayList<>();
    /** When the members were told to start: every sample before is 0. */
    private static Instant go;
    /** When the TSDB held every member's final total of the first phase. */
    private static Instant phaseOneDone;

    @BeforeAll
    static void startTheFleetAndRunTheWorkload() throws IOException {
        long started = System.nanoTime();
        Set<Integer> distinct = new TreeSet<>();
        for (int i = 0; i < RATES.length; i++) {
            int p;
            do {
                p = FreePorts.tcp();
            } while (!distinct.add(p));
            ports[i] = p;
            members.add(startMember(i, RATES[i] * PHASE_SECONDS, false));
        }
        for (ManagedProcess m : members) {
            awaitLog(m, "fleet member: serving http://127.0.0.1:");
        }

        String targets = "[{\"targets\": [" + java.util.Arrays.stream(ports)
                .mapToObj(p -> "\"" + target(p) + "\"").collect(Collectors.joining(", ")) + "]}]\n";
        String config = documentedScrapeConfig();
        vm = VictoriaMetricsServer.start(config, Map.of(TARGETS_FILE, targets));
        tsdbs.add(vm.api());
        prometheus = PrometheusServer.start(config, Map.of(TARGETS_FILE, targets));
        tsdbs.add(prometheus.api());

        // Every member scraped by both at least once with its counter still at 0.
        for (PromQlApi tsdb : tsdbs) {
            tsdb.awaitQuery("up", s -> s.size() == RATES.length && s.stream().allMatch(x -> x.value() == 1.0),
                    AWAIT);
            tsdb.awaitQuery(FleetMember.REQUESTS,
                    s -> s.size() == RATES.length && s.stream().allMatch(x -> x.value() == 0.0), AWAIT);
        }

        go = Instant.now();
        for (ManagedProcess m : members) {
            Files.createFile(m.dir().resolve("go"));
        }
        for (ManagedProcess m : members) {
            awaitLog(m, "fleet member: published " + totalOf(members.indexOf(m)) + " requests");
        }
        // Each TSDB holds exactly what each member published.
        for (PromQlApi tsdb : tsdbs) {
            tsdb.awaitQuery(FleetMember.REQUESTS, s -> s.size() == RATES.length && s.stream().allMatch(
                    x -> x.value() == expectedTotal(x.labels().get("instance"))), AWAIT);
        }
        phaseOneDone = Instant.now();
        System.out.printf("fleet: three members, victoria-metrics and prometheus up, %d s workload done after %.1f s%n",
                PHASE_SECONDS, (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    static void stopEverything() {
        for (ManagedProcess m : members) {
            m.close();
        }
        if (vm != null) {
            vm.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    @Order(1)
    void eachInstanceIsIdentifiedByTheLabelsTheTsdbAddsNotByTheService() throws Exception {
        Map<String, String> expected = new TreeMap<>();
        for (int p : ports) {
            expected.put(target(p), JOB);
        }
        for (PromQlApi tsdb : tsdbs) {
            Map<String, String> jobByInstance = new TreeMap<>();
            for (PrometheusServer.Sample s : tsdb.query("count by (job, instance) (" + FleetMember.REQUESTS + ")")) {
                jobByInstance.put(s.labels().get("instance"), s.labels().get("job"));
                assertEquals(1.0, s.value(), tsdb.name() + ": one series per instance: " + s);
            }
            assertEquals(expected, jobByInstance, tsdb.name());
        }

        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        String exposition = http.send(HttpRequest.newBuilder(URI.create("http://" + target(ports[0]) + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
        assertTrue(exposition.contains(FleetMember.REQUESTS + "{"), exposition);
        assertFalse(exposition.contains("instance=") || exposition.contains("job="),
                "the service names no instance or job itself: " + exposition);
    }

    @Test
    @Order(2)
    void sumOfRatesOverTheInstancesMatchesWhatTheyPublished() {
        double fleetRate = java.util.Arrays.stream(RATES).sum();
        double published = 0;
        for (int i = 0; i < RATES.length; i++) {
            published += totalOf(i);
        }
        long window = secondsSince(go, phaseOneDone) + 5;
        for (PromQlApi tsdb : tsdbs) {
            double lowest = Double.POSITIVE_INFINITY;
            double highest = Double.NEGATIVE_INFINITY;
            // Windows inside the steady part of the workload: from 2 s after the start to 2 s before its end.
            for (int end = 2 + RATE_WINDOW_SECONDS; end <= PHASE_SECONDS - 2; end++) {
                Instant at = go.plusSeconds(end);
                double sum = tsdb.queryOne("sum(rate(" + FleetMember.REQUESTS + "[" + RATE_WINDOW_SECONDS + "s]))",
                        at);
                assertEquals(fleetRate, sum, fleetRate * RATE_TOLERANCE,
                        tsdb.name() + ": sum(rate) at go+" + end + " s: the members publish " + fleetRate + "/s");
                lowest = Math.min(lowest, sum);
                highest = Math.max(highest, sum);
                for (PrometheusServer.Sample s : tsdb.query(
                        "rate(" + FleetMember.REQUESTS + "[" + RATE_WINDOW_SECONDS + "s])", at)) {
                    int i = memberOf(s.labels().get("instance"));
                    assertEquals(RATES[i], s.value(), RATES[i] * RATE_TOLERANCE,
                            tsdb.name() + ": rate of " + s.labels() + " at go+" + end + " s");
                }
            }
            // Over the whole phase: what was published, no loss (and for VictoriaMetrics exactly that).
            double increase = tsdb.queryOne("sum(increase(" + FleetMember.REQUESTS + "[" + window + "s]))",
                    phaseOneDone);
            assertIncrease(tsdb, published, increase, phaseOneDone, "sum(increase) over the phase");
            assertEquals(published, tsdb.queryOne("sum(" + FleetMember.REQUESTS + ")", phaseOneDone),
                    tsdb.name() + ": the fleet's total");
            System.out.printf("fleet: %s: sum(rate(%s[%ds])) from %.2f to %.2f /s (published %.0f /s, "
                            + "tolerance %.0f %%); sum(increase[%ds]) %.1f (published %.0f)%n", tsdb.name(),
                    FleetMember.REQUESTS, RATE_WINDOW_SECONDS, lowest, highest, fleetRate, RATE_TOLERANCE * 100,
                    window, increase, published);
        }
    }

    @Test
    @Order(3)
    void histogramQuantileOverTheMergedBucketsLandsInTheRightBucket() {
        Instant at = go.plusSeconds(2 + RATE_WINDOW_SECONDS);
        String merged = "sum by (le) (rate(" + FleetMember.DURATION + "_bucket[" + RATE_WINDOW_SECONDS + "s]))";
        String perInstance = "sum by (instance, le) (rate(" + FleetMember.DURATION + "_bucket["
                + RATE_WINDOW_SECONDS + "s]))";
        double n0 = totalOf(0);
        double n1 = totalOf(1);
        double n2 = totalOf(2);
        for (PromQlApi tsdb : tsdbs) {
            // Of 150 requests a second: 20 at 20 ms, 40 at 70 ms, 90 at 300 ms.
            double p10 = tsdb.queryOne("histogram_quantile(0.1, " + merged + ")", at);
            double p25 = tsdb.queryOne("histogram_quantile(0.25, " + merged + ")", at);
            double p50 = tsdb.queryOne("histogram_quantile(0.5, " + merged + ")", at);
            double p99 = tsdb.queryOne("histogram_quantile(0.99, " + merged + ")", at);
            assertInBucket(tsdb, p10, 0.01, 0.025, "p10");
            assertInBucket(tsdb, p25, 0.05, 0.1, "p25");
            assertInBucket(tsdb, p50, 0.25, 0.5, "p50");
            assertInBucket(tsdb, p99, 0.25, 0.5, "p99");

            // What a percentile computed per instance (or in-process) and then averaged gives instead: the
            // instances' medians (17.5 ms, 75 ms, 375 ms interpolated) average to about 156 ms, where no request of
            // the fleet was.
            double averagedMedians = tsdb.queryOne("avg(histogram_quantile(0.5, " + perInstance + "))", at);
            assertInBucket(tsdb, averagedMedians, 0.1, 0.25, "the average of the instances' medians");
            System.out.printf("fleet: %s: histogram_quantile over sum by (le): p10 %.4f p25 %.4f p50 %.4f p99 %.4f s;"
                    + " average of the instances' p50: %.4f s%n", tsdb.name(), p10, p25, p50, p99, averagedMedians);

            // The merged buckets themselves are exact at the end of the phase (cumulative counts).
            Map<String, Double> buckets = new HashMap<>();
            for (PrometheusServer.Sample s : tsdb.query("sum by (le) (" + FleetMember.DURATION + "_bucket)",
                    phaseOneDone)) {
                buckets.put(s.labels().get("le"), s.value());
            }
            Map<String, Double> expected = new HashMap<>(buckets);
            expected.putAll(Map.of("0.01", 0.0, "0.025", n0, "0.05", n0, "0.1", n0 + n1, "0.25", n0 + n1,
                    "0.5", n0 + n1 + n2, "+Inf", n0 + n1 + n2));
            assertEquals(expected, buckets, tsdb.name() + ": merged cumulative bucket counts");
        }
    }

    @Test
    @Order(4)
    void aRestartedInstanceIsACounterResetThatIncreaseHandles() {
        int last = RATES.length - 1;
        String instance = target(ports[last]);
        String selector = FleetMember.REQUESTS + "{instance=\"" + instance + "\"}";
        long before = totalOf(last);

        members.get(last).close(); // SIGTERM: the member closes its metrics and exits
        for (PromQlApi tsdb : tsdbs) {
            tsdb.awaitQuery("up{instance=\"" + instance + "\"}", s -> s.size() == 1 && s.get(0).value() == 0.0,
                    AWAIT);
        }

        long after = (long) RATES[last] * RESTART_SECONDS;
        ManagedProcess restarted = startMember(last, after, true); // same port, so the same instance label
        members.set(last, restarted);
        awaitLog(restarted, "fleet member: published " + after + " requests");
        for (PromQlApi tsdb : tsdbs) {
            tsdb.awaitQuery(selector, s -> s.size() == 1 && s.get(0).value() == after, AWAIT);
        }
        Instant end = Instant.now();
        long window = secondsSince(go, end) + 5;
        double all = totalOf(0) + totalOf(1) + before + after;

        for (PromQlApi tsdb : tsdbs) {
            assertEquals(1.0, tsdb.queryOne("resets(" + selector + "[" + window + "s])", end),
                    tsdb.name() + ": the TSDB saw the counter go back to zero once");
            double increase = tsdb.queryOne("increase(" + selector + "[" + window + "s])", end);
            assertIncrease(tsdb, before + after, increase, end, "increase() over the restart = before + after");
            assertIncrease(tsdb, all, tsdb.queryOne("sum(increase(" + FleetMember.REQUESTS + "[" + window + "s]))",
                    end), end, "the fleet's increase over the restart");
            assertIncrease(tsdb, all, tsdb.queryOne("sum(increase(" + FleetMember.DURATION + "_count[" + window
                    + "s]))", end), end, "the fleet's observations over the restart");

            // No negative jump anywhere: increase() over short windows, every second of the test. The windows are
            // long enough to span the restart's gap (Prometheus marks the series stale while the instance is down,
            // and a window holding only one side of the gap would show no reset at all).
            String shortWindow = "[" + SHORT_WINDOW_SECONDS + "s]";
            double lowest = lowest(tsdb.queryRange("increase(" + FleetMember.REQUESTS + shortWindow + ")", go, end,
                    Duration.ofSeconds(1)));
            assertTrue(lowest >= 0, tsdb.name() + ": increase() never negative, lowest " + lowest);
            // While a plain difference of the raw values (which knows nothing of resets) does jump down there.
            double lowestDelta = lowest(tsdb.queryRange("delta(" + selector + shortWindow + ")", go, end,
                    Duration.ofSeconds(1)));
            assertTrue(lowestDelta < 0,
                    tsdb.name() + ": the raw values do drop at the restart (delta " + lowestDelta + ")");
            System.out.printf("fleet: %s: restart of %s: increase %.1f (%d + %d), lowest increase%s %.1f, "
                    + "lowest delta%s %.1f%n", tsdb.name(), instance, increase, before, after, shortWindow, lowest,
                    shortWindow, lowestDelta);
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /**
     * The yaml block under {@value #CONFIG_MARKER} in docs/operations.md: the test runs VictoriaMetrics and
     * Prometheus with exactly what the docs show.
     */
    static String documentedScrapeConfig() {
        Path doc = TestTools.repoRoot().resolve("docs/operations.md");
        List<String> lines;
        try {
            lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int marker = lines.indexOf(CONFIG_MARKER);
        assertTrue(marker >= 0 && marker + 1 < lines.size() && lines.get(marker + 1).equals("```yaml"),
                doc + " shows the fleet's scrape config as a ```yaml block right under " + CONFIG_MARKER);
        StringBuilder config = new StringBuilder();
        for (int i = marker + 2; i < lines.size(); i++) {
            if (lines.get(i).equals("```")) {
                return config.toString();
            }
            config.append(lines.get(i)).append('\n');
        }
        return fail(doc + ": the block under " + CONFIG_MARKER + " is not closed");
    }

    private static ManagedProcess startMember(int i, long requests, boolean goAtOnce) {
        Path dir = ManagedProcess.newTempDir("fleet-member-" + i);
        if (goAtOnce) {
            try {
                Files.createFile(dir.resolve("go"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                FleetMember.class.getName());
        Map<String, String> env = new HashMap<>();
        System.getenv().keySet().stream()
                .filter(k -> k.startsWith("METRICS_") || k.startsWith("PROMETHEUS_") || k.startsWith("STATSD_")
                        || k.startsWith("OTEL_") || k.startsWith("FLEET_") || k.equals("JAVA_TOOL_OPTIONS")
                        || k.equals("JDK_JAVA_OPTIONS"))
                .forEach(k -> env.put(k, null));
        env.put("METRICS_EXPORTER", "prometheus");
        env.put("METRICS_HTTP_HOST", FreePorts.LOOPBACK);
        env.put("METRICS_HTTP_PORT", Integer.toString(ports[i]));
        env.put("FLEET_REQUESTS_PER_SECOND", Integer.toString(RATES[i]));
        env.put("FLEET_REQUESTS", Long.toString(requests));
        env.put("FLEET_LATENCY_SECONDS", Double.toString(LATENCIES[i]));
        return ManagedProcess.start("fleet-member-" + i, command, dir, env);
    }

    private static void awaitLog(ManagedProcess m, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(PHASE_SECONDS).plus(AWAIT).toNanos();
        while (!m.log().contains(text)) {
            if (!m.isAlive() || System.nanoTime() > deadline) {
                fail("member did not print `" + text + "`: " + m.describe());
            }
            PrometheusServer.sleep(50);
        }
    }

    private static String target(int port) {
        return FreePorts.LOOPBACK + ":" + port;
    }

    private static int memberOf(String instance) {
        for (int i = 0; i < ports.length; i++) {
            if (target(ports[i]).equals(instance)) {
                return i;
            }
        }
        return fail("unknown instance " + instance);
    }

    private static long totalOf(int member) {
        return (long) RATES[member] * PHASE_SECONDS;
    }

    private static double expectedTotal(String instance) {
        return totalOf(memberOf(instance));
    }

    private static long secondsSince(Instant from, Instant to) {
        return (long) Math.ceil(Duration.between(from, to).toMillis() / 1000.0);
    }

    private static void assertInBucket(PromQlApi tsdb, double value, double lowerExclusive, double upperInclusive,
            String what) {
        assertTrue(value > lowerExclusive && value <= upperInclusive,
                tsdb.name() + ": " + what + " = " + value + ", expected in the bucket (" + lowerExclusive + ", "
                        + upperInclusive + "]\n" + tsdb.describe());
    }

    /**
     * VictoriaMetrics' {@code increase()} takes the difference of the stored samples (plus resets): exact here.
     * Prometheus' extrapolates: not to the start of the window (the first sample there is 0, and it never
     * extrapolates a counter below zero) but from the last sample to the end of the window, at most 1.1 scrape
     * intervals (1 s) at the average slope. So it reads high by at most 1.1 s over the time sampled (from before
     * {@code go} to {@code at}), never low.
     */
    private static void assertIncrease(PromQlApi tsdb, double exact, double actual, Instant at, String what) {
        if (tsdb.name().equals("victoria-metrics")) {
            assertEquals(exact, actual, tsdb.name() + ": " + what);
            return;
        }
        double sampledSeconds = Duration.between(go, at).toMillis() / 1000.0 - 1.1;
        double high = exact * (1 + 1.1 / sampledSeconds);
        assertTrue(actual >= exact && actual <= high,
                tsdb.name() + ": " + what + ": " + actual + ", expected from " + exact + " to " + high);
    }

    private static double lowest(List<PromQlApi.Series> series) {
        double lowest = Double.POSITIVE_INFINITY;
        for (PromQlApi.Series s : series) {
            for (PromQlApi.Point p : s.points()) {
                lowest = Math.min(lowest, p.value());
            }
        }
        return lowest;
    }
}
