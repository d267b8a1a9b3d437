package io.ringmetrics.exporter.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The real Etsy StatsD daemon ({@code node stats.js config.js}, npm {@code statsd}, installed by
 * {@code .ci/install-test-deps.sh}) listening on {@code 127.0.0.1:<udp port>}.
 *
 * <h2>How aggregates are observed</h2>
 * StatsD resets counters and timers at every flush, and its management interface only shows the
 * current (unflushed) interval, as {@code util.inspect} text that truncates arrays after 100
 * items. So the daemon is started with a tiny test backend (written to the temp directory,
 * loaded through statsd's normal {@code backends} list): on every flush it adds the flushed
 * counter values, timer counts/sums and set members to running totals, keeps the latest gauges,
 * and atomically rewrites {@code state.json}. {@link #snapshot()} reads that file. Totals are
 * therefore exact since start, whatever the flush interval (default 200 ms, so results appear
 * quickly). On close, statsd's SIGTERM handler performs a final flush.
 *
 * <p>StatsD's own counters ({@code packets_received}, {@code metrics_received},
 * {@code bad_lines_seen}) use prefix {@value #INTERNAL_PREFIX} and are kept out of
 * {@link Snapshot#counters()}; see {@link Snapshot#internalCounters()}. Key names are sanitized by
 * statsd as usual ({@code keyNameSanitize} default): characters outside
 * {@code [a-zA-Z0-9_.;=-]} are dropped, whitespace becomes {@code _}, {@code /} becomes {@code -};
 * DogStatsD tags {@code |#k:v} become {@code ;k=v} suffixes.
 *
 * <p>Protocol: UDP by default; {@link #startTcp()} starts statsd's TCP server ({@code servers/tcp},
 * newline-terminated lines) instead, on a free loopback TCP port. {@link #suspend()} and
 * {@link #resume()} stop and continue the daemon (SIGSTOP / SIGCONT) to simulate a daemon that is alive
 * but not reading.
 *
 * <p>Readiness: {@code start*} returns only after a probe counter sent over the daemon's protocol has
 * come out of a flush, so the socket is bound and the backend works. The probe key
 * ({@value #PROBE_KEY}) is internal too. The management TCP port is bound to 127.0.0.1 on a free
 * port (statsd always opens it; its default would be 0.0.0.0:8126).
 */
public final class StatsdDaemon implements AutoCloseable {

    public static final String INTERNAL_PREFIX = "_statsd.";
    public static final String PROBE_KEY = INTERNAL_PREFIX + "it_probe";
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    /** Totals of one timer since start. {@code count} honours sample rates; {@code samples} is raw values received. */
    public record TimerTotals(double count, long samples, double sum, double min, double max) {}

    /** One reading of the backend's state file. {@code flushes} is -1 before the first write. */
    public record Snapshot(long flushes,
                           Map<String, Double> counters,
                           Map<String, Double> gauges,
                           Map<String, TimerTotals> timers,
                           Map<String, Set<String>> sets,
                           Map<String, Double> internalCounters) {

        /** Counts per timer (sample-rate scaled), as statsd's {@code count}. */
        public Map<String, Double> timerCounts() {
            Map<String, Double> m = new TreeMap<>();
            timers.forEach((k, t) -> m.put(k, t.count()));
            return m;
        }

        public double counter(String key) {
            return counters.getOrDefault(key, 0.0);
        }

        public double badLinesSeen() {
            return internalCounters.getOrDefault(INTERNAL_PREFIX + "bad_lines_seen", 0.0);
        }
    }

    private static final String BACKEND_JS = """
            // Test-only StatsD backend written by io.ringmetrics.exporter.it.StatsdDaemon.
            // Accumulates every flush into totals since start; rewrites the state file atomically.
            'use strict';
            const fs = require('fs');

            exports.init = function (startupTime, config, events) {
              const file = config.ringmetricsIt.stateFile;
              const state = { flushes: 0, counters: {}, gauges: {}, timers: {}, sets: {} };
              const write = function () {
                const tmp = file + '.tmp';
                fs.writeFileSync(tmp, JSON.stringify(state));
                fs.renameSync(tmp, file);
              };
              events.on('flush', function (ts, metrics) {
                for (const k in metrics.counters) {
                  state.counters[k] = (state.counters[k] || 0) + metrics.counters[k];
                }
                state.gauges = Object.assign({}, metrics.gauges);
                for (const k in metrics.timers) {
                  const vals = metrics.timers[k];
                  const t = state.timers[k] ||
                      (state.timers[k] = { count: 0, samples: 0, sum: 0, min: null, max: null });
                  t.count += metrics.timer_counters[k] || 0;
                  t.samples += vals.length;
                  for (const v of vals) {
                    t.sum += v;
                    t.min = t.min === null ? v : Math.min(t.min, v);
                    t.max = t.max === null ? v : Math.max(t.max, v);
                  }
                }
                for (const k in metrics.sets) {
                  const s = state.sets[k] || (state.sets[k] = {});
                  for (const v of metrics.sets[k].values()) {
                    s[v] = true;
                  }
                }
                state.flushes++;
                write();
              });
              write();
              return true;
            };
            """;

    private final ManagedProcess process;
    private final boolean tcp;
    private final int port;
    private final int mgmtPort;
    private final Path stateFile;

    private StatsdDaemon(ManagedProcess process, boolean tcp, int port, int mgmtPort, Path stateFile) {
        this.process = process;
        this.tcp = tcp;
        this.port = port;
        this.mgmtPort = mgmtPort;
        this.stateFile = stateFile;
    }

    /** Starts on a free UDP port. */
    public static StatsdDaemon start() {
        return start(0, DEFAULT_FLUSH_INTERVAL, false);
    }

    /** Starts statsd's TCP server ({@code servers/tcp}) on a free loopback TCP port, and no UDP server. */
    public static StatsdDaemon startTcp() {
        return start(0, DEFAULT_FLUSH_INTERVAL, false, true);
    }

    /** Starts statsd's TCP server on the given port, e.g. one an exporter has been failing to connect to. */
    public static StatsdDaemon startTcpOnPort(int tcpPort) {
        return start(tcpPort, DEFAULT_FLUSH_INTERVAL, false, true);
    }

    /**
     * Starts on the given UDP port, e.g. one from {@link FreePorts#udp()} that an exporter has
     * been sending to while no daemon listened.
     */
    public static StatsdDaemon startOnPort(int udpPort) {
        return start(udpPort, DEFAULT_FLUSH_INTERVAL, false);
    }

    /**
     * @param udpPort       0 for a free port
     * @param flushInterval statsd {@code flushInterval}; totals are exact for any value
     * @param dumpMessages  log every received metric line to the daemon log (shown by {@link #describe()})
     */
    public static StatsdDaemon start(int udpPort, Duration flushInterval, boolean dumpMessages) {
        return start(udpPort, flushInterval, dumpMessages, false);
    }

    private static StatsdDaemon start(int udpPort, Duration flushInterval, boolean dumpMessages, boolean tcp) {
        Path node = TestTools.node();
        Path statsMain = TestTools.statsdMain();
        String lastFailure = "";
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = udpPort > 0 ? udpPort : tcp ? FreePorts.tcp() : FreePorts.udp();
            int mgmtPort = FreePorts.tcp();
            Path dir = ManagedProcess.newTempDir("statsd");
            Path backend = dir.resolve("it-backend.js");
            Path state = dir.resolve("state.json");
            Path config = dir.resolve("config.js");
            String configText = "{\n"
                    + "  \"address\": \"" + FreePorts.LOOPBACK + "\",\n"
                    + "  \"port\": " + port + ",\n"
                    + (tcp ? "  \"servers\": [{ \"server\": \"./servers/tcp\", \"address\": \""
                            + FreePorts.LOOPBACK + "\", \"port\": " + port + " }],\n" : "")
                    + "  \"mgmt_address\": \"" + FreePorts.LOOPBACK + "\",\n"
                    + "  \"mgmt_port\": " + mgmtPort + ",\n"
                    + "  \"flushInterval\": " + Math.max(10, flushInterval.toMillis()) + ",\n"
                    + "  \"backends\": [" + jsString(backend.toString()) + "],\n"
                    + "  \"prefixStats\": \"" + INTERNAL_PREFIX.substring(0, INTERNAL_PREFIX.length() - 1) + "\",\n"
                    + "  \"dumpMessages\": " + dumpMessages + ",\n"
                    + "  \"automaticConfigReload\": false,\n"
                    + "  \"title\": false,\n"
                    + "  \"ringmetricsIt\": { \"stateFile\": " + jsString(state.toString()) + " }\n"
                    + "}\n";
            try {
                Files.writeString(backend, BACKEND_JS, StandardCharsets.UTF_8);
                Files.writeString(config, configText, StandardCharsets.UTF_8);
            } catch (IOException e) {
                ManagedProcess.deleteRecursively(dir);
                throw new UncheckedIOException(e);
            }
            ManagedProcess mp = ManagedProcess.start("statsd",
                    List.of(node.toString(), statsMain.toString(), config.toString()), dir);
            StatsdDaemon d = new StatsdDaemon(mp, tcp, port, mgmtPort, state);
            if (d.awaitReady()) {
                return d;
            }
            lastFailure = mp.describe();
            String log = mp.log();
            mp.close();
            boolean mgmtClash = log.contains("EADDRINUSE") && log.contains(":" + mgmtPort);
            boolean udpClash = log.contains("EADDRINUSE") && log.contains(":" + port) && udpPort == 0;
            if (!mgmtClash && !udpClash) {
                break;
            }
        }
        return fail("statsd did not become ready within " + READY_TIMEOUT.toSeconds() + " s"
                + (udpPort > 0 ? " on UDP port " + udpPort : "") + (tcp ? " (TCP server)" : "") + ": " + lastFailure);
    }

    private boolean awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                send(PROBE_KEY + ":1|c");
            } catch (UncheckedIOException e) {
                // TCP server not listening yet
            }
            Snapshot s = snapshot();
            if (s.internalCounters().getOrDefault(PROBE_KEY, 0.0) > 0) {
                return true;
            }
            PrometheusServer.sleep(50);
        }
        return false;
    }

    /** The UDP (or, after {@link #startTcp()}, TCP) port statsd receives metrics on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** The management TCP port (127.0.0.1), e.g. for {@code echo health | nc}. */
    public int mgmtPort() {
        return mgmtPort;
    }

    /**
     * Sends each string as one UDP datagram to the daemon, or, over TCP, as one line of a new
     * connection (test convenience).
     */
    public void send(String... datagrams) {
        if (tcp) {
            try (Socket socket = new Socket(FreePorts.loopback(), port)) {
                OutputStream out = socket.getOutputStream();
                for (String d : datagrams) {
                    out.write((d + "\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        try (DatagramSocket socket = new DatagramSocket(0, FreePorts.loopback())) {
            for (String d : datagrams) {
                byte[] b = d.getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(b, b.length, FreePorts.loopback(), port));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the daemon (SIGSTOP): alive, sockets open, reading nothing until {@link #resume()}. */
    public void suspend() {
        process.suspend();
    }

    /** Continues the daemon after {@link #suspend()} (SIGCONT). */
    public void resume() {
        process.resume();
    }

    /** Totals as of the latest flush. */
    public Snapshot snapshot() {
        String json;
        try {
            json = Files.readString(stateFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Snapshot(-1, Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(json);
    }

    /** Counter totals since start (user keys only). */
    public Map<String, Double> counters() {
        return snapshot().counters();
    }

    /** Latest gauge values (user keys only). */
    public Map<String, Double> gauges() {
        return snapshot().gauges();
    }

    /** Timer counts since start (sample-rate scaled). */
    public Map<String, Double> timerCounts() {
        return snapshot().timerCounts();
    }

    /** Timer totals since start. */
    public Map<String, TimerTotals> timers() {
        return snapshot().timers();
    }

    /** Union of set members since start. */
    public Map<String, Set<String>> sets() {
        return snapshot().sets();
    }

    /** Lines statsd rejected ({@code bad_lines_seen}). */
    public double badLinesSeen() {
        return snapshot().badLinesSeen();
    }

    /** Polls (every 50 ms) until {@code until} holds; fails with the last snapshot and log on timeout. */
    public Snapshot await(Predicate<Snapshot> until, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Snapshot s = snapshot();
            if (until.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                return fail("statsd state did not satisfy the condition within " + timeout
                        + "; last snapshot: " + s + "\n" + describe());
            }
            PrometheusServer.sleep(50);
        }
    }

    /**
     * Waits until {@code n} more flushes have happened; anything received before this call is
     * then included in {@link #snapshot()} (useful before asserting that nothing else arrived).
     */
    public Snapshot awaitFlushes(int n, Duration timeout) {
        long target = snapshot().flushes() + n;
        return await(s -> s.flushes() >= target, timeout);
    }

    public String describe() {
        return process.describe();
    }

    /** SIGTERM (statsd flushes once more and exits), SIGKILL if needed; deletes the temp dir. */
    @Override
    public void close() {
        process.close();
    }

    static Snapshot parse(String json) {
        Map<String, Object> root = MiniJson.asObject(MiniJson.parse(json));
        Map<String, Double> counters = new TreeMap<>();
        Map<String, Double> internal = new TreeMap<>();
        MiniJson.asObject(root.get("counters")).forEach((k, v) ->
                (k.startsWith(INTERNAL_PREFIX) ? internal : counters).put(k, MiniJson.asDouble(v)));
        Map<String, Double> gauges = new TreeMap<>();
        MiniJson.asObject(root.get("gauges")).forEach((k, v) -> {
            if (!k.startsWith(INTERNAL_PREFIX)) {
                gauges.put(k, MiniJson.asDouble(v));
            }
        });
        Map<String, TimerTotals> timers = new TreeMap<>();
        MiniJson.asObject(root.get("timers")).forEach((k, v) -> {
            Map<String, Object> t = MiniJson.asObject(v);
            timers.put(k, new TimerTotals(
                    MiniJson.asDouble(t.get("count")),
                    (long) MiniJson.asDouble(t.get("samples")),
                    MiniJson.asDouble(t.get("sum")),
                    MiniJson.asDouble(t.get("min")),
                    MiniJson.asDouble(t.get("max"))));
        });
        Map<String, Set<String>> sets = new TreeMap<>();
        MiniJson.asObject(root.get("sets")).forEach((k, v) ->
                sets.put(k, Collections.unmodifiableSet(new LinkedHashSet<>(MiniJson.asObject(v).keySet()))));
        long flushes = (long) MiniJson.asDouble(root.get("flushes"));
        return new Snapshot(flushes,
                Collections.unmodifiableMap(counters),
                Collections.unmodifiableMap(gauges),
                Collections.unmodifiableMap(timers),
                Collections.unmodifiableMap(sets),
                Collections.unmodifiableMap(internal));
    }

    private static String jsString(String s) {
        Map<Character, String> esc = new LinkedHashMap<>();
        esc.put('\\', "\\\\");
        esc.put('"', "\\\"");
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            b.append(esc.getOrDefault(c, String.valueOf(c)));
        }
        return b.append('"').toString();
    }
}
