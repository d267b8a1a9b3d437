package io.ringmetrics.jmh.common;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Prints the round trip of a cache line between two threads, in ns: one thread stores a number, the other waits for
 * it and answers with the same number in another line, a million times. It tells where the two threads landed: on a
 * 2-vCPU cloud VM the same jar sees round trips from ~100 ns (two vCPUs sharing a last-level cache) to ~550 ns
 * (far apart), and the ring's cross-core cost follows. {@code jmh/ab-rounds.sh} records it before every fork.
 *
 * <pre>
 *   java -cp jmh/target/benchmarks.jar io.ringmetrics.jmh.common.CoreToCoreLatency
 * </pre>
 */
public final class CoreToCoreLatency {

    private static final int PING = 16;  // longs: the two numbers are 128 bytes apart, in different lines
    private static final int PONG = 32;
    private static final int TRIPS = 1_000_000;

    private CoreToCoreLatency() {
    }

    /**
     * @param args ignored.
     * @throws InterruptedException never in practice.
     */
    public static void main(String[] args) throws InterruptedException {
        AtomicLongArray lines = new AtomicLongArray(48);
        Thread answer = new Thread(() -> {
            for (long i = 1; i <= 2L * TRIPS; i++) {
                while (lines.get(PING) != i) {
                    // spin: a pause would add its own latency to the trip
                }
                lines.set(PONG, i);
            }
        }, "pong");
        answer.setDaemon(true);
        answer.start();
        for (int round = 0; round < 2; round++) { // the first round warms up
            long start = System.nanoTime();
            for (long i = round * (long) TRIPS + 1; i <= (round + 1L) * TRIPS; i++) {
                lines.set(PING, i);
                while (lines.get(PONG) != i) {
                    // spin
                }
            }
            if (round == 1) {
                System.out.printf("core-to-core round trip: %.0f ns%n", (System.nanoTime() - start) / (double) TRIPS);
            }
        }
        answer.join();
    }
}
