#!/usr/bin/env bash
# Runs the benchmark suite: ringmetrics and every peer library in one session, with the same JMH settings and
# the same fork JVM flags, then both memory harnesses, and writes everything under jmh/target/suite/<mode>-<time>/.
#
#   jmh/run-suite.sh quick            # < 10 min on 2 cores: 1 fork, 2 x 0.5 s warm-up, 3 x 0.5 s measurement
#   jmh/run-suite.sh full             # ~45 min on 2 cores: 2 forks, 3 x 1 s warm-up, 5 x 1 s measurement
#   jmh/run-suite.sh quick -jvmArgsPrepend -XX:+UseParallelGC  # extra options go to every JMH run
#
# Output: machine.txt (date, cores, CPU model from lscpu, JDK, load average before/after), jmh-t1.{txt,json} (every
# benchmark, 1 caller thread, -prof gc, and :·other.cores = cores other processes kept busy), jmh-idle.{txt,json}
# (the no-drop publish under each writer idle strategy, with LongAdder and OTel), jmh-t2.{txt,json} (the
# operation benchmarks with 2 caller threads),
# memory-peers.txt, memory-ringmetrics.txt, summary.md (tables made by summarize.py from the JSON files).
#
# The writer thread needs a core of its own: run on an otherwise idle machine (the script prints the load average
# and warns when it is high). Builds jmh/target/benchmarks.jar first if it is missing.
set -euo pipefail

mode=${1:-quick}
[ $# -gt 0 ] && shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar=$root/jmh/target/benchmarks.jar
java=${JAVA:-java}
add_exports=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED)
# Reports, per iteration, the cores other processes kept busy (:·other.cores): evidence of a quiet machine or not.
other_load=io.ringmetrics.jmh.common.OtherLoadProfiler

case $mode in
  quick) jmh_opts=(-f 1 -wi 2 -w 500ms -i 3 -r 500ms); memory_rounds=2 ;;
  full)  jmh_opts=(-f 2 -wi 3 -w 1s -i 5 -r 1s); memory_rounds=3 ;;
  *) echo "usage: $0 [quick|full] [extra JMH options...]" >&2; exit 2 ;;
esac

if [ ! -f "$jar" ]; then
  echo "building $jar"
  (cd "$root" && mvn -q -B -pl jmh -am -Dmaven.test.skip=true package)
fi

out=$root/jmh/target/suite/$mode-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"

load() { cut -d' ' -f1-3 /proc/loadavg; }
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "mode: $mode (${jmh_opts[*]} $*)"
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet 2>/dev/null || echo ' (dirty tree)')"
  echo "nproc: $(nproc)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | sed -n 1p) ($(lscpu | sed -n 's/^Vendor ID: *//p' | sed -n 1p), family $(lscpu | sed -n 's/^CPU family: *//p' | sed -n 1p) model $(lscpu | sed -n 's/^Model: *//p' | sed -n 1p))"
  echo "caches: $(lscpu | sed -n 's/^L[23] cache: *//p' | tr '\n' ' ')"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "os: $(uname -sr)"
  echo "jdk: $("$java" -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "load average before: $(load)"
} | tee "$out/machine.txt"

if awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" 'BEGIN { exit !(l > n / 4) }'; then
  echo "WARNING: load average $(load) on $(nproc) cores: other processes compete with the benchmarks" \
       "(and with ringmetrics' writer thread); the figures will be noisy." | tee -a "$out/machine.txt"
fi

started=$(date +%s)

# 1. Every benchmark of the jar (ringmetrics, peers, scrape, StatsD, writer, in-workload), 1 caller thread.
"$java" "${add_exports[@]}" -jar "$jar" "${jmh_opts[@]}" -t 1 -prof gc -prof "$other_load" \
    -rf json -rff "$out/jmh-t1.json" "$@" 2>&1 | tee "$out/jmh-t1.txt"

# 1b. The publish against LongAdder and OTel under every writer idle strategy: BUSY_SPIN is the writer chasing its
#     callers as closely as it can, the worst case for cache lines shared between a caller and the writer.
"$java" "${add_exports[@]}" -jar "$jar" "${jmh_opts[@]}" -t 1 -prof gc -prof "$other_load" \
    -p idle=BACKOFF,BUSY_SPIN,YIELD -rf json -rff "$out/jmh-idle.json" "$@" \
    '(RingMetricsBenchmark\.[A-Za-z]+NoDrop|LongAdderBenchmark\.counterIncrement|OpenTelemetryBenchmark\.counterIncrementByLabels)$' \
    2>&1 | tee "$out/jmh-idle.txt"

# 2. The operation benchmarks again with 2 caller threads (on 2 cores this oversubscribes: 2 callers + the writer).
"$java" "${add_exports[@]}" -jar "$jar" "${jmh_opts[@]}" -t 2 -prof gc -prof "$other_load" \
    -rf json -rff "$out/jmh-t2.json" "$@" \
    '(RingMetricsBenchmark|peers\.[A-Za-z]+Benchmark)\.(counterIncrement|gaugeSet|histogramObserve|counterIncrementByLabels|histogramObserveByLabels|counterIncrementNoDrop|histogramObserveNoDrop)$' \
    2>&1 | tee "$out/jmh-t2.txt"

# 3. Memory per series, same heap for both harnesses.
"$java" "${add_exports[@]}" -Xms2g -Xmx2g -cp "$jar" io.ringmetrics.jmh.memory.PeerMemoryPerSeries \
    100000 10000 "$memory_rounds" 2>&1 | tee "$out/memory-peers.txt"
"$java" "${add_exports[@]}" -Xms2g -Xmx2g -cp "$jar" io.ringmetrics.jmh.memory.RingMetricsMemoryPerSeries \
    100000 10000 "$memory_rounds" 1000 2>&1 | tee "$out/memory-ringmetrics.txt"

{
  echo "load average after: $(load)"
  echo "duration: $(( $(date +%s) - started )) s"
} | tee -a "$out/machine.txt"

if command -v python3 > /dev/null; then
  python3 "$root/jmh/summarize.py" "$out" > "$out/summary.md"
  echo "summary: $out/summary.md"
fi
echo "results: $out"
