package io.ringmetrics.demo;

import io.ringmetrics.Counter;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.Metrics;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A simulated speech-to-text API: HTTP requests on several endpoints and methods with log-normal latencies and
 * realistic error rates, transcription jobs per model and language, and errors by category. It drives both APIs:
 * the name-based convenience methods ({@code recordHttpRequest}, {@code recordJobCompleted}, {@code recordError})
 * and pre-registered handles for the hottest series (in-flight gauge, audio seconds counter, queue wait histogram).
 * <p>
 * Each worker thread runs {@link #run()} until {@link #stop()}; the rate is paced with {@code parkNanos}, so the
 * demo stays light on a small machine.
 */
final class TranscriptionWorkload implements Runnable
{
    private static final Endpoint[] ENDPOINTS = {
        new Endpoint("/api/v1/transcribe", "POST", 0.180, 0.6, 0.04, 0.02),
        new Endpoint("/api/v1/jobs/:id", "GET", 0.008, 0.4, 0.01, 0.002),
        new Endpoint("/api/v1/jobs/:id", "DELETE", 0.012, 0.4, 0.02, 0.002),
        new Endpoint("/api/v1/models", "GET", 0.003, 0.3, 0.0, 0.001),
        new Endpoint("/api/v1/usage", "GET", 0.025, 0.5, 0.005, 0.004),
    };
    private static final double[] ENDPOINT_WEIGHTS = { 0.35, 0.40, 0.05, 0.12, 0.08 };
    static final String[] MODELS = { "whisper-tiny", "whisper-base", "whisper-large" };
    private static final double[] MODEL_SPEED = { 0.05, 0.12, 0.45 }; // processing seconds per audio second
    static final String[] LANGUAGES = { "en", "de", "fr", "es", "ja" };
    private static final String[][] ERRORS = {
        { "validation", "invalid_file_format" }, { "validation", "file_too_large" },
        { "upstream", "model_timeout" }, { "upstream", "gpu_out_of_memory" }, { "auth", "invalid_api_key" },
    };

    private final Metrics metrics;
    private final Gauge inFlight;
    private final Counter audioSeconds;
    private final Histogram queueWait;
    private final long pauseNanos;
    private final SplittableRandom random;
    private volatile boolean running = true;

    TranscriptionWorkload(final Metrics metrics, final int requestsPerSecond, final long seed)
    {
        this.metrics = metrics;
        this.inFlight = metrics.engine().gauge("transcriptions_in_flight", "Transcriptions being processed.",
            new String[0]);
        this.audioSeconds = metrics.engine().counter("audio_processed_seconds_total",
            "Seconds of audio transcribed.", new String[0]);
        this.queueWait = metrics.engine().histogram("job_queue_wait_seconds",
            "Time a job waits before a worker takes it.", null, new String[0]);
        this.pauseNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, requestsPerSecond);
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void run()
    {
        while (running)
        {
            oneRequest();
            LockSupport.parkNanos(pauseNanos);
        }
    }

    void stop()
    {
        running = false;
    }

    private void oneRequest()
    {
        final Endpoint endpoint = ENDPOINTS[pick(ENDPOINT_WEIGHTS)];
        final double roll = random.nextDouble();
        final String status;
        if (roll < endpoint.serverErrorRate)
        {
            status = "500";
            final String[] error = ERRORS[2 + random.nextInt(2)];
            metrics.recordError(error[0], error[1]);
        }
        else if (roll < endpoint.serverErrorRate + endpoint.clientErrorRate)
        {
            status = random.nextInt(4) == 0 ? "401" : "400";
            final String[] error = "401".equals(status) ? ERRORS[4] : ERRORS[random.nextInt(2)];
            metrics.recordError(error[0], error[1]);
        }
        else
        {
            status = endpoint.method.equals("POST") ? "202" : "200";
        }
        metrics.recordHttpRequest(endpoint.path, endpoint.method, status, logNormal(endpoint.medianSeconds,
            endpoint.sigma));
        if (endpoint.method.equals("POST") && status.equals("202"))
        {
            transcriptionJob();
        }
    }

    private void transcriptionJob()
    {
        inFlight.increment();
        final int model = random.nextInt(MODELS.length);
        final String language = LANGUAGES[random.nextInt(LANGUAGES.length)];
        final double audio = logNormal(45.0, 0.8);
        final double duration = audio * MODEL_SPEED[model] * (0.8 + 0.4 * random.nextDouble());
        // a traced job: the wait carries the (simulated) trace and span ids, kept as its bucket's exemplar
        queueWait.observe(Math.round(logNormal(0.02, 1.0) * 1e9) / 1e9, random.nextLong() | 1, random.nextLong(),
            random.nextLong());
        final boolean failed = random.nextDouble() < 0.015 * (model + 1);
        metrics.recordJobCompleted(MODELS[model], language, duration, failed ? "failed" : "success");
        if (failed)
        {
            metrics.recordError("upstream", "model_timeout");
        }
        else
        {
            audioSeconds.increment(Math.round(audio));
        }
        inFlight.decrement();
    }

    private int pick(final double[] weights)
    {
        double roll = random.nextDouble();
        for (int i = 0; i < weights.length - 1; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }
        return weights.length - 1;
    }

    private double logNormal(final double median, final double sigma)
    {
        return median * Math.exp(sigma * gaussian());
    }

    private double gaussian()
    {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        final double u1 = 1.0 - random.nextDouble();
        final double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    private static final class Endpoint
    {
        final String path;
        final String method;
        final double medianSeconds;
        final double sigma;
        final double clientErrorRate;
        final double serverErrorRate;

        Endpoint(final String path, final String method, final double medianSeconds, final double sigma,
            final double clientErrorRate, final double serverErrorRate)
        {
            this.path = path;
            this.method = method;
            this.medianSeconds = medianSeconds;
            this.sigma = sigma;
            this.clientErrorRate = clientErrorRate;
            this.serverErrorRate = serverErrorRate;
        }
    }
}
