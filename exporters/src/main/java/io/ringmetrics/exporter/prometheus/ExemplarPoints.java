package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.snapshot.ExemplarSample;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * A histogram's exemplars (the latest per classic bucket), or a counter's latest one, as client_java's, labelled
 * {@code trace_id} and {@code span_id} in hex with the time the writer applied them. client_java's OpenMetrics and
 * protobuf writers put each on the bucket its value falls in; the text format 0.0.4 has no exemplars.
 */
final class ExemplarPoints
{
    private ExemplarPoints()
    {
    }

    /**
     * @param h a histogram sample.
     * @return its exemplars, {@link Exemplars#EMPTY} if it has none.
     */
    static Exemplars of(final HistogramSample h)
    {
        if (!h.hasExemplars())
        {
            return Exemplars.EMPTY;
        }
        final List<Exemplar> exemplars = new ArrayList<>();
        for (int b = 0; b < h.bucketCount(); b++)
        {
            final Exemplar exemplar = of(h.exemplarAt(b));
            if (exemplar != null)
            {
                exemplars.add(exemplar);
            }
        }
        return Exemplars.of(exemplars);
    }

    /**
     * @param e an exemplar, or {@code null}.
     * @return it as client_java's, or {@code null}.
     */
    static Exemplar of(final ExemplarSample e)
    {
        return e == null ? null : Exemplar.builder().value(e.value()).traceId(e.traceIdHex()).spanId(e.spanIdHex())
            .timestampMillis(e.timestampMillis()).build();
    }

    /**
     * @param snapshot an engine snapshot.
     * @return whether any histogram or counter in it has an exemplar (then OpenMetrics is written by client_java's
     *         writer, which writes exemplars; the fast path does not).
     */
    static boolean anyIn(final MetricsSnapshot snapshot)
    {
        if (snapshot.hasCounterExemplars())
        {
            return true;
        }
        for (int i = 0; i < snapshot.size(); i++)
        {
            if (snapshot.series(i).family().type() != MetricType.HISTOGRAM)
            {
                continue; // a snapshot without histograms holds no histogram array at all
            }
            final HistogramSample h = snapshot.histogram(i);
            if (h != null && h.hasExemplars())
            {
                return true;
            }
        }
        return false;
    }
}
