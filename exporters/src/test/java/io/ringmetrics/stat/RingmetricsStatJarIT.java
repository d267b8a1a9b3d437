package io.ringmetrics.stat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands of docs/operations.md, "Reading a service from outside", as written (the directory replaced by a
 * temporary one): the demo jar with {@code METRICS_SHM_DIR} in one process, {@code ringmetrics-stat.jar} in others,
 * while the demo runs and after it is killed with SIGKILL.
 */
class RingmetricsStatJarIT
{
    private static final String DOC_DIR = "/dev/shm/ringmetrics";
    private static Path root;
    private static String service;
    private static String live;
    private static String prometheus;

    @BeforeAll
    static void readTheCommands() throws Exception
    {
        Assumptions.assumeTrue(Boolean.getBoolean("ringmetrics.demoJarBuilt"), "runs after the package phase");
        root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("docs/operations.md")))
        {
            root = root.getParent();
        }
        final String doc = Files.readString(root.resolve("docs/operations.md"));
        service = command(doc, "shm-service");
        live = command(doc, "ringmetrics-stat-live");
        prometheus = command(doc, "ringmetrics-stat-prometheus");
        assertEquals("METRICS_SHM_DIR=" + DOC_DIR + " java -jar exporters/target/ringmetrics-demo.jar", service);
        assertEquals("java -jar exporters/target/ringmetrics-stat.jar " + DOC_DIR, live);
        assertTrue(prometheus.startsWith("java -jar exporters/target/ringmetrics-stat.jar --prometheus " + DOC_DIR +
            " > "), prometheus);
    }

    private static String command(final String doc, final String name)
    {
        final Matcher m = Pattern.compile("<!-- command: " + name + " -->\\n```\\n(.+?)\\n```").matcher(doc);
        assertTrue(m.find(), "docs/operations.md has command " + name);
        return m.group(1).trim();
    }

    /** The command's words, {@code java} from this JDK, the directory replaced, a shell redirect dropped. */
    private static ProcessBuilder process(final String command, final Path dir)
    {
        final String withoutRedirect = command.replaceAll(" > \\S+$", "");
        final List<String> words = new ArrayList<>(List.of(withoutRedirect.replace(DOC_DIR, dir.toString()).split(" ")));
        final ProcessBuilder builder = new ProcessBuilder().directory(root.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("METRICS_") || k.startsWith("PROMETHEUS_") ||
            k.startsWith("STATSD_") || k.equals("JDK_JAVA_OPTIONS") || k.equals("JAVA_TOOL_OPTIONS"));
        while (words.get(0).contains("="))
        {
            final String[] variable = words.remove(0).split("=", 2);
            builder.environment().put(variable[0], variable[1]);
        }
        words.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return builder.command(words);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theDocumentedCommandsReadALiveAndAKilledService(@TempDir final Path dir) throws Exception
    {
        final ProcessBuilder demoBuilder = process(service, dir);
        demoBuilder.environment().put("METRICS_HTTP_PORT", "0");
        final Path demoLog = dir.resolve("demo.log");
        final Process demo = demoBuilder.redirectErrorStream(true).redirectOutput(demoLog.toFile()).start();
        Process watcher = null;
        try
        {
            final Path file = dir.resolve("ringmetrics-" + demo.pid() + ".dat");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(file) && System.nanoTime() < deadline && demo.isAlive())
            {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(file), "the demo writes " + file + ": " + Files.readString(demoLog));

            // live: the refreshing listing, two refreshes, then stopped like Ctrl-C
            watcher = process(live, dir).redirectErrorStream(true).start();
            final BufferedReader out = new BufferedReader(new InputStreamReader(watcher.getInputStream(),
                StandardCharsets.UTF_8));
            final List<Long> requests = new ArrayList<>();
            final Pattern header = Pattern.compile(Pattern.quote(file.toString()) + " pid " + demo.pid() +
                ", writer alive, heartbeat \\d+ ms ago, (\\d+) series");
            final Pattern counter = Pattern.compile("counter\\s+(\\d+)  http_requests_total\\{.*");
            String line;
            int refreshes = 0;
            long sum = 0;
            while (refreshes < 4 && (line = out.readLine()) != null)
            {
                if (header.matcher(line).find())
                {
                    if (refreshes++ > 0)
                    {
                        requests.add(sum);
                    }
                    sum = 0;
                }
                final Matcher m = counter.matcher(line.trim());
                if (m.find())
                {
                    sum += Long.parseLong(m.group(1));
                }
            }
            assertEquals(4, refreshes, "refreshes of the live listing");
            assertTrue(requests.get(requests.size() - 1) > requests.get(0), "requests increase: " + requests);
            watcher.destroy();
            watcher.waitFor(30, TimeUnit.SECONDS);

            // kill -9 the service: its file keeps the last values, the CLI says it is not running
            demo.destroyForcibly();
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS));
            final Process dead = process(live.replace(DOC_DIR, DOC_DIR + " --once"), dir).start();
            final String afterKill = new String(dead.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(dead.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, dead.exitValue(), afterKill);
            assertTrue(afterKill.contains("process NOT RUNNING (crashed"), afterKill);

            final Process text = process(prometheus, dir).start();
            final String exposition = new String(text.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, text.exitValue(), exposition);
            assertTrue(exposition.contains("# TYPE http_requests_total counter\n"), exposition);
            assertTrue(exposition.contains("# TYPE http_request_duration_seconds histogram\n"), exposition);
            long total = 0;
            final Matcher m = Pattern.compile("(?m)^http_requests_total\\{.*} (\\S+)$").matcher(exposition);
            while (m.find())
            {
                total += (long)Double.parseDouble(m.group(1));
            }
            assertTrue(total >= requests.get(requests.size() - 1), "the last values: " + total + " >= " + requests);
        }
        finally
        {
            if (watcher != null)
            {
                watcher.destroyForcibly();
            }
            demo.destroyForcibly();
            demo.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
