package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.store.HistogramSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Engines filled with every kind of content the Prometheus exposition must get right: all metric kinds, names with
 * and without {@code _total}, label values at their length limit and in several scripts, help texts needing
 * escaping, special doubles, huge longs, empty histograms, overflow series, name conflicts, meta-metrics with
 * errors, and random content.
 */
final class Fixtures
{
    /** A named way to fill an engine. */
    record Fixture(String name, EngineConfig config, Consumer<MetricsEngine> populate)
    {
        MetricsEngine start()
        {
            final MetricsEngine engine = MetricsEngine.start(config);
            try
            {
                populate.accept(engine);
            }
            catch (final RuntimeException ex)
            {
                engine.close();
                throw ex;
            }
            return engine;
        }

        @Override
        public String toString()
        {
            return name;
        }
    }

    /** Label value of exactly the default {@code max_label_value_length} (256). */
    static final String LONG_VALUE = longValue(256);

    private Fixtures()
    {
    }

    static EngineConfig blocking()
    {
        return EngineConfig.builder().backpressure(BackpressurePolicy.BLOCK).build();
    }

    static EngineConfig blocking(final MetricsResourceConfig limits)
    {
        return EngineConfig.builder().backpressure(BackpressurePolicy.BLOCK).limits(limits).build();
    }

    static String longValue(final int length)
    {
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; sb.length() < length; i++)
        {
            sb.append((char)('a' + i % 26));
        }
        return sb.toString();
    }

    /** @return every fixed fixture plus a few random ones. */
    static List<Fixture> all()
    {
        final List<Fixture> all = new ArrayList<>(List.of(
            new Fixture("empty", blocking(), e -> { }),
            new Fixture("counters", blocking(), Fixtures::counters),
            new Fixture("gauges", blocking(), Fixtures::gauges),
            new Fixture("histograms", blocking(), Fixtures::histograms),
            new Fixture("labels", blocking(), Fixtures::labels),
            new Fixture("help", blocking(), Fixtures::help),
            new Fixture("overflow", blocking(MetricsResourceConfig.builder().maxLabelCombinations(6).build()),
                Fixtures::overflow),
            new Fixture("conflicts", blocking(), Fixtures::conflicts),
            new Fixture("colons", blocking(), e -> e.counter("colon:name_total", "A colon (lint: reserved for " +
                "recording rules).", new String[] { "k", "v" }).increment()),
            new Fixture("metaErrors", blocking(), Fixtures::metaErrors),
            new Fixture("service", blocking(), Fixtures::service)));
        for (final long seed : new long[] { 1, 2, 3, 42 })
        {
            all.add(new Fixture("random-" + seed, blocking(), e -> random(e, seed)));
        }
        return all;
    }

    /** @return fixtures whose output promtool must find clean (no deliberate name conflicts or colons). */
    static List<Fixture> lintable()
    {
        final List<Fixture> lintable = new ArrayList<>();
        for (final Fixture f : all())
        {
            if (!f.name().equals("conflicts") && !f.name().equals("colons") && !f.name().startsWith("random"))
            {
                lintable.add(f);
            }
        }
        return lintable;
    }

    static void counters(final MetricsEngine engine)
    {
        engine.counter("http_requests_total", "Requests served.",
            new String[] { "method", "GET", "status", "200" }).increment(42);
        engine.counter("http_requests_total", "Requests served.",
            new String[] { "method", "POST", "status", "500" }).increment(3);
        engine.counter("http_requests_total", "Requests served.",
            new String[] { "method", "GET", "status", "404" }).increment();
        engine.counter("jobs", "Jobs without the _total suffix.", new String[0]).increment(7);
        engine.counter("never_incremented_total", "Registered, never incremented.", new String[0]);
        engine.counter("big_total", "Large longs.", new String[] { "v", "2^53+1" }).increment((1L << 53) + 1);
        engine.counter("big_total", "Large longs.", new String[] { "v", "max" }).increment(Long.MAX_VALUE);
        engine.counter("big_total", "Large longs.", new String[] { "v", "1e7" }).increment(10_000_000L);
        engine.counter("big_total", "Large longs.", new String[] { "v", "1e7-1" }).increment(9_999_999L);
    }

    static void gauges(final MetricsEngine engine)
    {
        final double[] values = { 0.0, -0.0, 1e-9, 0.1, 0.001, 1e-3 / 3, 1.5, -1.5, 9_999_999.0, 1e7, 1.0E300,
            -1.0E-300, Double.MIN_VALUE, Double.MAX_VALUE, -123_456_789.125, 42.0, 1234567.0, 0.30000000000000004 };
        for (int i = 0; i < values.length; i++)
        {
            engine.gauge("special_values", "Doubles that format in many ways.", new String[] { "i", Integer.toString(i) })
                .set(values[i]);
        }
        engine.gauge("no_labels", "A gauge without labels.", new String[0]).set(3);
        final Gauge updown = engine.gauge("in_flight", "Goes up and down.", new String[0]);
        updown.increment(5);
        updown.decrement(2.25);
    }

    static void histograms(final MetricsEngine engine)
    {
        final Histogram latency = engine.histogram("http_request_duration_seconds", "Request latency.", null,
            new String[] { "endpoint", "/api" });
        final double[] observations = { 0.001, 0.004, 0.005, 0.0051, 0.02, 0.07, 0.2, 0.3, 0.9, 2, 7, 12, 100 };
        for (final double v : observations)
        {
            latency.observe(v);
        }
        engine.histogram("http_request_duration_seconds", "Request latency.", null,
            new String[] { "endpoint", "/health" }).observeNanos(1_500_000);
        engine.histogram("never_observed_seconds", "Registered, never observed.", null, new String[0]);
        final Histogram custom = engine.histogram("temperature_delta", "Negative and large bucket bounds.",
            HistogramSpec.secondsWithBuckets(-10, -0.5, 0, 0.25, 1e7, 1.5e9), new String[0]);
        for (final double v : new double[] { 0, 0.1, 0.2, 5e6, 2e7, 1e10 }) // observations are never negative
        {
            custom.observe(v);
        }
    }

    static void labels(final MetricsEngine engine)
    {
        engine.counter("label_values_total", "Label values of every kind.",
            new String[] { "value", LONG_VALUE }).increment();
        engine.counter("label_values_total", "Label values of every kind.",
            new String[] { "value", "" }).increment(2);
        engine.counter("label_values_total", "Label values of every kind.",
            new String[] { "value", "grüße/日本語/🚀" }).increment(3);
        engine.counter("label_values_total", "Label values of every kind.",
            new String[] { "value", "spaces and = , { } signs" }).increment(4);
        engine.counter("label_values_total", "Label values of every kind.",
            new String[] { "value", "Zeta" }).increment(5);
        engine.counter("label_values_total", "Label values of every kind.",
            new String[] { "value", "alpha" }).increment(6);
        final String[] many = new String[32];
        for (int i = 0; i < 16; i++)
        {
            many[2 * i] = (i % 2 == 0 ? "L" : "l") + Integer.toString(i, 16);
            many[2 * i + 1] = Integer.toString(i);
        }
        engine.gauge("sixteen_labels", "The maximum number of labels.", many).set(16);
        engine.gauge("label_name_order", "Label names sort by code point: upper case first.",
            new String[] { "b", "1", "B", "2", "_x", "3", "a9", "4" }).set(1);
        engine.histogram("long_label_seconds", "A histogram with a label at its length limit.", null,
            new String[] { "value", LONG_VALUE }).observe(0.3);
        // name at max_metric_name_length (128), label name at max_label_name_length (64)
        engine.gauge(longValue(128), "A name at its length limit.", new String[] { longValue(64), LONG_VALUE })
            .set(128);
    }

    static void help(final MetricsEngine engine)
    {
        engine.counter("escaped_help_total", "Back\\slash, new\nline, \"quotes\", tab\there, ünïcødé.",
            new String[0]).increment();
        engine.gauge("no_help").set(1);
        engine.counter("no_help_events_total").increment();
        engine.histogram("no_help_seconds").observe(0.2);
        engine.gauge("trailing_space_help", "ends with a space ", new String[0]).set(2);
    }

    static void overflow(final MetricsEngine engine)
    {
        for (int i = 0; i < 4; i++)
        {
            engine.counter("overflowing_total", "More label sets than allowed.",
                new String[] { "user", "u" + i }).increment(i + 1);
        }
        for (int i = 0; i < 3; i++)
        {
            engine.gauge("overflowing_level", "More label sets than allowed.",
                new String[] { "user", "u" + i }).set(i);
            engine.histogram("overflowing_seconds", "More label sets than allowed.", null,
                new String[] { "user", "u" + i }).observe(0.01 * (i + 1));
        }
    }

    static void conflicts(final MetricsEngine engine)
    {
        engine.counter("dup", "Exposed as dup_total.", new String[0]).increment();
        engine.counter("dup_total", "Also exposed as dup_total: left out.", new String[0]).increment(2);
        engine.counter("clash", "Counter family clash.", new String[0]).increment();
        engine.gauge("clash_total", "Gauge with the counter's sample name: left out.", new String[0]).set(1);
        engine.histogram("lat_seconds", "Histogram.", null, new String[0]).observe(0.1);
        engine.gauge("lat_seconds_max", "A user gauge taking the histogram's max name.", new String[0]).set(5);
        engine.gauge("lat_seconds_count", "A user gauge taking the histogram's count name: left out.",
            new String[0]).set(5);
        engine.counter("metrics_series_total", "Collides with the meta gauge metrics_series.",
            new String[0]).increment();
    }

    static void metaErrors(final MetricsEngine engine)
    {
        engine.counter("ok_total").increment();
        for (final String bad : new String[] { "bad-name", "1leading_digit", "" })
        {
            try
            {
                engine.counter(bad);
            }
            catch (final MetricsException ex)
            {
                engine.errors().record(ex.errorType(), "increment", bad);
            }
        }
        engine.errors().record(ErrorType.LABEL_VALUE_TOO_LONG, "observe", "some_metric");
        engine.errors().record(ErrorType.LABEL_VALUE_TOO_LONG, "observe", "some_metric");
        engine.errors().record(ErrorType.METRIC_LIMIT_EXCEEDED, "increment", "x");
        // Free-text labels needing escaping: backslash, quote, newline.
        engine.errors().record(ErrorType.LABEL_COMBINATION_LIMIT_EXCEEDED, "op\\with \"quotes\"\nand newline", "y");
        engine.errors().recordExport("statsd", ErrorType.SEND_FAILED);
        engine.errors().recordExport("weird\"exporter\\", ErrorType.CONNECTION_REFUSED);
        engine.errors().record(ErrorType.INVALID_CONFIG, "config", "");
    }

    static void service(final MetricsEngine engine)
    {
        final String[] endpoints = { "/api/v1/transcribe", "/api/v1/jobs", "/health" };
        final String[] methods = { "GET", "POST" };
        int n = 0;
        for (final String endpoint : endpoints)
        {
            for (final String method : methods)
            {
                n++;
                engine.counter("http_requests_total", "HTTP requests.",
                    new String[] { "method", method, "endpoint", endpoint, "status", "200" }).increment(100L * n);
                final Histogram h = engine.histogram("http_request_duration_seconds", "HTTP latency.", null,
                    new String[] { "method", method, "endpoint", endpoint });
                for (int i = 0; i < 50; i++)
                {
                    h.observe(0.001 * (i + 1) * n);
                }
            }
        }
        engine.gauge("active_connections", "Open connections.", new String[] { "server", "web1" }).set(17);
        engine.counter("jobs_completed_total", "Jobs.",
            new String[] { "model", "whisper-large", "language", "en", "status", "success" }).increment(12);
        engine.histogram("job_duration_seconds", "Job durations.", null,
            new String[] { "model", "whisper-large", "language", "en" }).observe(12.5);
    }

    /**
     * Random families, labels, values, help texts and bucket layouts; may contain name conflicts.
     *
     * @param engine engine to fill.
     * @param seed   random seed.
     */
    static void random(final MetricsEngine engine, final long seed)
    {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final String[] labelPool = { "a", "b", "B", "method", "path", "status", "x_1", "_y", "zz" };
        final String[] valuePool = { "", "GET", "/api/v1/resource/", "ü", "日本", "😀", "a b", "Z", "0", "-1" };
        final String[] nameParts = { "req", "lat", "seconds", "total", "bytes", "count", "sum", "max", "bucket" };
        final int families = 10 + rnd.nextInt(30);
        for (int f = 0; f < families; f++)
        {
            final StringBuilder name = new StringBuilder(nameParts[rnd.nextInt(nameParts.length)]);
            for (int p = rnd.nextInt(3); p > 0; p--)
            {
                name.append('_').append(nameParts[rnd.nextInt(nameParts.length)]);
            }
            final int labelCount = rnd.nextInt(4);
            final List<String> labelNames = new ArrayList<>();
            while (labelNames.size() < labelCount)
            {
                final String l = labelPool[rnd.nextInt(labelPool.length)];
                if (!labelNames.contains(l))
                {
                    labelNames.add(l);
                }
            }
            final String help = randomHelp(rnd);
            final int type = rnd.nextInt(3);
            final HistogramSpec spec = rnd.nextBoolean() ? null : randomSpec(rnd);
            final int series = 1 + rnd.nextInt(20);
            for (int s = 0; s < series; s++)
            {
                final String[] pairs = new String[2 * labelCount];
                for (int l = 0; l < labelCount; l++)
                {
                    pairs[2 * l] = labelNames.get(l);
                    pairs[2 * l + 1] = valuePool[rnd.nextInt(valuePool.length)] + rnd.nextInt(100);
                }
                try
                {
                    switch (type)
                    {
                        case 0:
                            final Counter c = engine.counter(name.toString(), help, pairs);
                            c.increment(rnd.nextBoolean() ? rnd.nextLong(1000) : rnd.nextLong(Long.MAX_VALUE / 64));
                            break;
                        case 1:
                            engine.gauge(name.toString(), help, pairs).set(randomDouble(rnd));
                            break;
                        default:
                            final Histogram h = engine.histogram(name.toString(), help, spec, pairs);
                            for (int o = rnd.nextInt(5); o > 0; o--)
                            {
                                h.observe(rnd.nextBoolean() ? rnd.nextDouble() : randomDouble(rnd));
                            }
                    }
                }
                catch (final MetricsException ex)
                {
                    // name registered with another type, label set or layout: fine, skip it
                }
            }
        }
    }

    private static String randomHelp(final SplittableRandom rnd)
    {
        final String[] pieces = { "plain", "back\\slash", "new\nline", "\"quoted\"", "ünï", " ", "🚀", "\\n" };
        final StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(5); i > 0; i--)
        {
            sb.append(pieces[rnd.nextInt(pieces.length)]);
        }
        return sb.toString();
    }

    private static HistogramSpec randomSpec(final SplittableRandom rnd)
    {
        final int n = 1 + rnd.nextInt(6);
        final double[] bounds = new double[n];
        double b = rnd.nextBoolean() ? -rnd.nextDouble() * 10 : rnd.nextDouble() * 1e-3;
        for (int i = 0; i < n; i++)
        {
            b += rnd.nextBoolean() ? rnd.nextDouble() : Math.pow(10, rnd.nextInt(12));
            bounds[i] = b;
        }
        return HistogramSpec.secondsWithBuckets(bounds);
    }

    private static double randomDouble(final SplittableRandom rnd)
    {
        switch (rnd.nextInt(6))
        {
            case 0:
                return rnd.nextInt(20_000_000) - 10_000_000;
            case 1:
                return rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
            case 2:
                return -rnd.nextDouble() * Math.pow(10, rnd.nextInt(600) - 300);
            case 3:
                return Double.longBitsToDouble(rnd.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL);
            case 4:
                return rnd.nextInt(1000) / 8.0;
            default:
                return rnd.nextDouble();
        }
    }
}
