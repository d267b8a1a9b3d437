package io.ringmetrics.jmh.common;

/**
 * JVM arguments shared by every benchmark fork in this jar.
 *
 * <p>Agrona (pulled in by ringmetrics-engine) needs {@code jdk.internal.misc} exported on JDK 17, and
 * it is on the classpath of every fork because there is a single benchmark jar. Use on each benchmark
 * class:
 *
 * <pre>{@code
 * @Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
 * }</pre>
 *
 * A fixed heap keeps GC behaviour comparable between peers and between runs.
 */
public final class BenchmarkJvm {
    /** Same value as the parent pom's {@code agrona.jvm.args}, in the one-token form. */
    public static final String ADD_EXPORTS_JDK_INTERNAL_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    public static final String XMS = "-Xms1g";
    public static final String XMX = "-Xmx1g";

    private BenchmarkJvm() {
    }
}
