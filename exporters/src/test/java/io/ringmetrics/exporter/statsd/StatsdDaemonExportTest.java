package io.ringmetrics.exporter.statsd;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.StatsdProtocol;
import io.ringmetrics.config.StatsdTagStyle;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.exporter.it.FreePorts;
import io.ringmetrics.exporter.it.StatsdDaemon;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringmetrics.exporter.statsd.StatsdFlusherTest.blocking;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end against the real Etsy StatsD daemon (npm {@code statsd}, see docs/ci.md): a known workload goes through
 * the engine and the exporter, and the daemon's totals must equal what was published.
 */
class StatsdDaemonExportTest
{
    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final String NASTY = "a:b, c#d.e";
    private static final int THREADS = 2;
    private static final int PER_THREAD = 20_000;
    private static final int OBSERVATIONS = 3_000;

    @Test
    void plainStatsdTotalsEqualWhatWasPublished() throws Exception
    {
        final Expected expected = runWorkload(StatsdTagStyle.NONE, Map.of(
            "get", "t.requests_total.method_GET.path_a_b__c_d_e",
            "post", "t.requests_total.method_POST.path_a_b__c_d_e",
            "depth", "t.queue_depth.queue_a",
            "balance", "t.balance.account_x_y",
            "latency", "t.latency_seconds.route__api_v1"));
        assertTrue(expected.datagrams > 1, "several flushes happened during the workload");
    }

    @Test
    void plainStatsdTotalsEqualWhatWasPublishedOverTcp() throws Exception
    {
        final Expected expected = runWorkload(StatsdProtocol.TCP, StatsdTagStyle.NONE, Map.of(
            "get", "t.requests_total.method_GET.path_a_b__c_d_e",
            "post", "t.requests_total.method_POST.path_a_b__c_d_e",
            "depth", "t.queue_depth.queue_a",
            "balance", "t.balance.account_x_y",
            "latency", "t.latency_seconds.route__api_v1"));
        assertTrue(expected.datagrams > 1, "several flushes happened during the workload");
    }

    @Test
    void dogstatsdTotalsEqualWhatWasPublished() throws Exception
    {
        // statsd 0.9.0 turns |#k:v tags into ;k=v suffixes and then drops ':' '#' (and maps '/' to '-')
        runWorkload(StatsdTagStyle.DOGSTATSD, Map.of(
            "get", "t.requests_total;method=GET;path=ab__cd.e",
            "post", "t.requests_total;method=POST;path=ab__cd.e",
            "depth", "t.queue_depth;queue=a",
            "balance", "t.balance;account=x_y",
            "latency", "t.latency_seconds%s;route=-api-v1"));
    }

    /** Totals of a run, for extra assertions. */
    private record Expected(long datagrams)
    {
    }

    private Expected runWorkload(final StatsdTagStyle style, final Map<String, String> keys) throws Exception
    {
        return runWorkload(StatsdProtocol.UDP, style, keys);
    }

    private Expected runWorkload(
        final StatsdProtocol protocol, final StatsdTagStyle style, final Map<String, String> keys) throws Exception
    {
        try (StatsdDaemon statsd = protocol == StatsdProtocol.TCP ? StatsdDaemon.startTcp() : StatsdDaemon.start();
            MetricsEngine engine = MetricsEngine.start(blocking()))
        {
            final StatsdExporter exporter = new StatsdExporter(StatsdConfig.builder().host(FreePorts.LOOPBACK)
                .port(statsd.port()).protocol(protocol).prefix("t").tagStyle(style).flushInterval(Duration.ofMillis(50)).build());
            exporter.start(engine);

            final Counter get = engine.counter("requests_total", "method", "GET", "path", NASTY);
            final Counter post = engine.counter("requests_total", "method", "POST", "path", NASTY);
            final Gauge depth = engine.gauge("queue_depth", "queue", "a");
            final Gauge balance = engine.gauge("balance", "account", "x y");
            final Histogram latency = engine.histogram("latency_seconds", "route", "/api/v1");
            final CountDownLatch go = new CountDownLatch(1);
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final Thread thread = new Thread(() ->
                {
                    awaitQuietly(go);
                    for (int i = 0; i < PER_THREAD; i++)
                    {
                        get.increment();
                        if ((i & 1) == 0)
                        {
                            post.increment(3);
                        }
                        if (i % 1_000 == 0)
                        {
                            sleepQuietly(5); // spread over several flushes
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            go.countDown();
            for (int i = 0; i < OBSERVATIONS; i++)
            {
                latency.observe((i % 100 + 1) / 1000.0);
                depth.set(i % 50);
                balance.set(100 - i);
                if (i % 500 == 0)
                {
                    sleepQuietly(20);
                }
            }
            depth.set(42.5);
            balance.set(-17);
            for (final Thread t : threads)
            {
                t.join();
            }
            final MetricsSnapshot published = engine.snapshot();
            exporter.close(); // final flush

            final double getTotal = THREADS * (double)PER_THREAD;
            final double postTotal = THREADS * 3.0 * (PER_THREAD / 2);
            assertEquals((long)getTotal, published.counter("requests_total", "method", "GET", "path", NASTY));
            final String latencyCount = keys.get("latency").contains("%s") ?
                String.format(keys.get("latency"), ".count") : keys.get("latency") + ".count";
            final String latencySum = keys.get("latency").contains("%s") ?
                String.format(keys.get("latency"), ".sum") : keys.get("latency") + ".sum";
            final StatsdDaemon.Snapshot s = statsd.await(x ->
                x.counter(keys.get("get")) == getTotal && x.counter(keys.get("post")) == postTotal &&
                x.counter(latencyCount) == OBSERVATIONS &&
                Double.valueOf(-17).equals(x.gauges().get(keys.get("balance"))) &&
                Double.valueOf(42.5).equals(x.gauges().get(keys.get("depth"))), AWAIT);

            statsd.awaitFlushes(2, AWAIT);
            final StatsdDaemon.Snapshot settled = statsd.snapshot();
            assertEquals(getTotal, settled.counter(keys.get("get")), "counter totals exact, nothing counted twice");
            assertEquals(postTotal, settled.counter(keys.get("post")));
            assertEquals((double)OBSERVATIONS, settled.counter(latencyCount), "histogram count exact");
            assertEquals(published.histogram("latency_seconds", "route", "/api/v1").sum(),
                settled.counter(latencySum), 1e-6);
            assertEquals(42.5, settled.gauges().get(keys.get("depth")), "gauge last value exact");
            assertEquals(-17.0, settled.gauges().get(keys.get("balance")), "negative gauge last value exact");
            assertEquals(0.0, s.badLinesSeen(), "the daemon rejected no line");
            assertEquals(0, engine.errors().total(ErrorType.Category.EXPORT));
            return new Expected(exporter.stats().datagrams());
        }
    }

    @Test
    void nothingIsLostWhileTheDaemonIsDownAndCallersNeverWait()
    {
        final int port = FreePorts.udp();
        final StatsdExporter exporter = new StatsdExporter(StatsdConfig.builder().host(FreePorts.LOOPBACK).port(port)
            .prefix("t").flushInterval(Duration.ofMillis(50)).build());
        try (MetricsEngine engine = MetricsEngine.start(EngineConfig.DEFAULTS))
        {
            try
            {
                exporter.start(engine);
                publishWhileDownThenRecover(engine, exporter, port);
            }
            finally
            {
                exporter.close();
            }
        }
    }

    @Test
    void overTcpNothingIsLostWhileTheDaemonIsDownAndTheConnectionIsOpenedAgain()
    {
        final int port = FreePorts.tcp();
        final StatsdExporter exporter = new StatsdExporter(StatsdConfig.builder().host(FreePorts.LOOPBACK).port(port)
            .protocol(StatsdProtocol.TCP).prefix("t").flushInterval(Duration.ofMillis(50)).build());
        try (MetricsEngine engine = MetricsEngine.start(EngineConfig.DEFAULTS))
        {
            try
            {
                exporter.start(engine);
                publishWhileDownThenRecover(engine, exporter, port);
            }
            finally
            {
                exporter.close();
            }
        }
    }

    private static void publishWhileDownThenRecover(
        final MetricsEngine engine, final StatsdExporter exporter, final int port)
    {
        final Counter counter = engine.counter("orders_total", "shop", "eu");
        final Gauge gauge = engine.gauge("stock");
        final Histogram histogram = engine.histogram("checkout_seconds");

        // publish for a while with nobody listening: flushes fail, callers must not notice
        final AtomicLong worstCallNanos = new AtomicLong();
        final long publishUntil = System.nanoTime() + Duration.ofMillis(600).toNanos();
        long calls = 0;
        while (System.nanoTime() < publishUntil || exporter.stats().failedFlushes() < 3)
        {
            final long t0 = System.nanoTime();
            counter.increment();
            gauge.set(calls);
            histogram.observe(0.002);
            worstCallNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
            calls++;
            if (calls % 100 == 0)
            {
                sleepQuietly(1);
            }
            assertTrue(System.nanoTime() - publishUntil < Duration.ofSeconds(20).toNanos(), "3 failed flushes did not happen within 20 s");
        }
        assertTrue(engine.errors().total(ErrorType.CONNECTION_REFUSED) >= 3,
            "refusals counted: " + engine.errors().total(ErrorType.CONNECTION_REFUSED));
        assertTrue(worstCallNanos.get() < Duration.ofMillis(200).toNanos(),
            "a publishing call took " + worstCallNanos.get() / 1_000_000 + " ms");

        final MetricsSnapshot published = engine.snapshot();
        final long total = published.counter("orders_total", "shop", "eu");
        final long observations = published.histogram("checkout_seconds").count();
        // (with the default DROP policy a starved writer may drop updates; the daemon must then match what was applied)
        final boolean tcp = exporter.config().protocol() == StatsdProtocol.TCP;
        try (StatsdDaemon statsd = tcp ? StatsdDaemon.startTcpOnPort(port) : StatsdDaemon.startOnPort(port))
        {
            statsd.await(s -> s.counter("t.orders_total.shop_eu") == total &&
                s.counter("t.checkout_seconds.count") == observations, AWAIT);
            assertEquals(published.gauge("stock"), statsd.gauges().get("t.stock"));
            exporter.close();
            statsd.awaitFlushes(2, AWAIT);
            assertEquals((double)total, statsd.counters().get("t.orders_total.shop_eu"), "complete, not doubled");
            assertEquals((double)observations, statsd.counters().get("t.checkout_seconds.count"));
            assertTrue(statsd.counters().get("t.metrics_export_errors_total.exporter_statsd" +
                ".error_type_connection_refused") >= 3, "the daemon sees the refusals too");
            assertEquals(0.0, statsd.badLinesSeen());
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
