package io.ringmetrics.exporter.otlp;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.resources.Resource;

/**
 * One metric family as the OTel SDK's exporters take it: {@link MetricData} built from the SDK's public point and
 * data factories ({@code LongPointData.create}, {@code SumData.createLongSumData}, ...), since the SDK offers no
 * public factory for {@code MetricData} itself. Immutable.
 *
 * @param getResource                 the resource (service.name and OTEL_RESOURCE_ATTRIBUTES).
 * @param getInstrumentationScopeInfo the scope, {@code io.ringmetrics}.
 * @param getName                     the metric name, namespace applied.
 * @param getDescription              the family's help text.
 * @param getUnit                     the unit, empty (ringmetrics does not record units).
 * @param getType                     long sum, double sum, double gauge or histogram.
 * @param getData                     the points.
 */
record OtlpMetric(
    Resource getResource, InstrumentationScopeInfo getInstrumentationScopeInfo, String getName, String getDescription,
    String getUnit, MetricDataType getType, Data<?> getData) implements MetricData
{
}
