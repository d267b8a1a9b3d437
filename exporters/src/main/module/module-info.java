/**
 * ringmetrics' exporters: Prometheus (scrape endpoint, client_java collector), StatsD, OTLP and Null, and
 * {@link io.ringmetrics.exporter.MetricsFactory}, which builds a running {@link io.ringmetrics.Metrics} from the
 * environment.
 * <p>
 * Exports the exporter packages and the Micrometer bridge ({@code io.ringmetrics.micrometer}, which needs
 * micrometer-core on the module path); {@code io.ringmetrics.demo} (the demo service of the runnable jar) stays
 * inside. {@code io.ringmetrics.engine} is an automatic module (see docs/packaging.md: HdrHistogram 2.2.2 has no
 * stable module name), read transitively because every exporter's API takes a {@code MetricsEngine}. This file is
 * compiled into the jar only (exporters/pom.xml: module-descriptor), not into target/classes.
 * <p>
 * Every module it requires is automatic, each with a stable name from its manifest ({@code Automatic-Module-Name}),
 * not one derived from a file name; hence the suppressed warnings.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.ringmetrics.exporters
{
    requires transitive io.ringmetrics.engine;
    // RingMetricsCollector is a client_java MultiCollector: its API shows the model's types.
    requires transitive io.prometheus.metrics.model;
    requires io.prometheus.metrics.config;
    requires io.prometheus.writer.text;
    // The engine (an automatic module) needs Disruptor, a named module that nothing else would resolve.
    requires com.lmax.disruptor;
    // The Micrometer bridge: micrometer-core is an optional dependency, present only for users of the bridge.
    requires static micrometer.core;
    // The OTLP exporter: the OTel SDK's OTLP/HTTP exporter with the JDK sender, optional dependencies present only
    // for services that push OTLP. OtlpExporter loads without them and says in one line what is missing.
    requires static io.opentelemetry.exporter.otlp;
    requires static io.opentelemetry.sdk.metrics;
    requires static io.opentelemetry.sdk.common;
    requires static io.opentelemetry.api;

    exports io.ringmetrics.exporter;
    exports io.ringmetrics.exporter.prometheus;
    exports io.ringmetrics.exporter.statsd;
    exports io.ringmetrics.exporter.otlp;
    exports io.ringmetrics.micrometer;
}
