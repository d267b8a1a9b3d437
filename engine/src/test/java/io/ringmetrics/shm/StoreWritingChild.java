package io.ringmetrics.shm;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second JVM for {@link StoreFileSecondProcessTest}: an engine with its store file in {@code args[0]}, a counter a
 * background thread increments every millisecond, and commands on stdin, answered on stdout:
 * <pre>
 *   step N   N increments of child_requests_total, N observations of 0.003 s, the gauge set to N; flush; "done"
 *   quiesce  stop the background counter; flush; "quiet TICKS" with the ticks it applied
 * </pre>
 * It never closes its engine: the test ends it with kill -9.
 */
public final class StoreWritingChild
{
    private StoreWritingChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final MetricsEngine engine = MetricsEngine.start(EngineConfig.builder().shmDirectory(Path.of(args[0]))
            .shmDeleteOnClose(true).build());
        final Counter requests = engine.counter("child_requests_total", "method", "GET");
        final Histogram latency = engine.histogram("child_latency_seconds");
        final Gauge depth = engine.gauge("child_queue_depth");
        final Counter ticks = engine.counter("child_ticks_total");
        final java.util.concurrent.atomic.AtomicLong ticked = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread ticker = new Thread(() ->
        {
            while (!stop.get())
            {
                ticks.increment();
                ticked.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
            }
        }, "ticker");
        engine.flush();
        System.out.println("file " + engine.storeFile());
        ticker.start();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null)
        {
            if (line.startsWith("step "))
            {
                final int n = Integer.parseInt(line.substring(5).trim());
                for (int i = 0; i < n; i++)
                {
                    requests.increment();
                    latency.observe(0.003);
                }
                depth.set(n);
                engine.flush();
                System.out.println("done");
            }
            else if (line.equals("quiesce"))
            {
                stop.set(true);
                ticker.interrupt();
                ticker.join();
                engine.flush();
                System.out.println("quiet " + ticked.get());
            }
            System.out.flush();
        }
    }
}
