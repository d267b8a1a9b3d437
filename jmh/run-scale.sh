#!/usr/bin/env bash
# Issue 17, cost as the work grows: series count, caller threads, idle. Writes everything under
# jmh/target/scale/<time>/ (machine.txt, *.json, *.txt); jmh/scale_charts.py turns the JSON into docs/images/*.png.
#
#   jmh/run-scale.sh            # ~25 min on 2 cores
#   STEPS="scrape lookup" OUT=jmh/target/scale/<time> jmh/run-scale.sh   # some steps only, into an earlier run's dir
#
# JMH parts: 1 fork, 1 x 1 s warm-up, 3 x 1 s measurement (short: the machine is shared); the plain harnesses in
# io.ringmetrics.jmh.load wait for the same lock (/tmp/jmh.lock, a POSIX lock as JMH takes it) so that no two
# benchmarks overlap; each step waits for it instead of failing when another JMH run holds it. Heaps are set
# explicitly: ringmetrics 1 GiB (the issue's goal: 10^6 counter series in 1 GiB), the peers 2 GiB.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar=${JAR:-$root/jmh/target/benchmarks.jar}
java=${JAVA:-java}
exports=--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
counts=${COUNTS:-1000,10000,100000,1000000}
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -q -B -pl jmh -am -Dmaven.test.skip=true package)
fi
out=${OUT:-$root/jmh/target/scale/$(date -u +%Y%m%dT%H%M%SZ)}
steps=${STEPS:-series memory scrape lookup statsd threads idle ab}
mkdir -p "$out"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "git: $(git -C "$root" rev-parse --short HEAD)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  echo "jdk: $("$java" -version 2>&1 | head -1)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"
# Holds JMH's lock file (lockf, as JMH's FileLock) while the command runs, waiting for it if another run holds it.
locked() {
  python3 -c 'import fcntl, subprocess, sys
f = open("/tmp/jmh.lock", "a"); fcntl.lockf(f, fcntl.LOCK_EX)
sys.exit(subprocess.call(sys.argv[1:]))' nice -n 10 "$@"
}
jmh() { locked "$java" -Djmh.ignoreLock=true -jar "$jar" -f 1 -wi 1 -w 1s -i 3 -r 1s "$@"; }
step() { [[ " $steps " == *" $1 "* ]]; }

# Series scale: registration, lookup, writer apply rate (2 GiB heap: the peers register in the same JVM).
if step series; then
locked "$java" $exports -Xms2g -Xmx2g -cp "$jar" io.ringmetrics.jmh.load.SeriesScale "$counts" \
  "$out/series-scale-BACKOFF.json" BACKOFF | tee "$out/series-scale-BACKOFF.txt"
locked "$java" $exports -Xms2g -Xmx2g -cp "$jar" io.ringmetrics.jmh.load.HistogramScale 1000,10000,100000 \
  "$out/histogram-scale.json" | tee "$out/histogram-scale.txt"
fi
# Bytes per series, measured (heap + direct buffers), 1 GiB heap for ringmetrics, 2 GiB for the peers.
if step memory; then
for n in 10000 100000 1000000; do
  locked "$java" $exports -Xms1g -Xmx1g -cp "$jar" io.ringmetrics.jmh.memory.RingMetricsMemoryPerSeries "$n" 10000 1 \
    | tee "$out/memory-ringmetrics-$n.txt"
done
locked "$java" $exports -Xms2g -Xmx2g -cp "$jar" io.ringmetrics.jmh.memory.PeerMemoryPerSeries 1000000 10000 1 \
  | tee "$out/memory-peers-1000000.txt"
fi
# Scrape ms and B/op, text and OpenMetrics; client_java side by side (2 GiB heap).
if step scrape; then
jmh 'ScrapeBenchmark.scrape$|ScrapeBenchmark.scrapeOpenMetrics$' -p series="$counts" -prof gc \
  -rf json -rff "$out/jmh-scrape.json" | tee "$out/jmh-scrape.txt"
jmh 'ClientJavaScrapeBenchmark.scrape$' -p series="$counts" -prof gc -jvmArgsAppend "$exports -Xms2g -Xmx2g" \
  -rf json -rff "$out/jmh-scrape-client-java.json" | tee "$out/jmh-scrape-client-java.txt"
fi
# Lookup by name + labels spread over all series.
if step lookup; then
jmh 'RegistryLookupBenchmark.findSpread$' -p series="$counts" -rf json -rff "$out/jmh-lookup.json" \
  | tee "$out/jmh-lookup.txt"
fi
# StatsD flush of N changed counters.
if step statsd; then
jmh 'StatsdFlushBenchmark.flushOnly$' -p series="$counts" -p workload=counters -p tagStyle=NONE \
  -rf json -rff "$out/jmh-statsd.json" | tee "$out/jmh-statsd.txt"
fi
# Pool threads at 100 k/s each, and the ring memory of 500 threads with and without the budget.
if step threads; then
locked "$java" $exports -Xmx1g -XX:MaxDirectMemorySize=2g -cp "$jar" io.ringmetrics.jmh.load.ThreadsScale \
  1,2,4,16,64 100000 5 500 "$out/threads-scale.json" | tee "$out/threads-scale.txt"
fi
# Idle and light load CPU per idle strategy.
if step idle; then
locked "$java" $exports -Xmx256m -cp "$jar" io.ringmetrics.jmh.load.IdleCpu 10 BACKOFF,YIELD,BUSY_SPIN 0,1000,100000 \
  "$out/idle-cpu.json" | tee "$out/idle-cpu.txt"
fi
# Before/after in one session: the BACKOFF of before issue 17 (Agrona's, 100 us parks) against today's, for the
# writer's apply rate and the idle CPU, bursts after idleness three more times; lookup with and without huge pages.
if step ab; then
locked "$java" $exports -Xms2g -Xmx2g -cp "$jar" io.ringmetrics.jmh.load.SeriesScale "$counts" \
  "$out/series-scale-AGRONA_BACKOFF_100US.json" AGRONA_BACKOFF_100US | tee "$out/series-scale-AGRONA_BACKOFF_100US.txt"
locked "$java" $exports -Xmx256m -cp "$jar" io.ringmetrics.jmh.load.IdleCpu 10 BACKOFF,AGRONA_BACKOFF_100US \
  0,1000,100000 "$out/idle-ab.json" | tee "$out/idle-ab.txt"
for i in 1 2 3; do
  locked "$java" $exports -Xmx256m -cp "$jar" io.ringmetrics.jmh.load.IdleCpu 1 BACKOFF,AGRONA_BACKOFF_100US 0 \
    "$out/bursts-$i.json" | grep bursts
done | tee "$out/bursts-ab.txt"
for thp in "" -XX:+UseTransparentHugePages; do
  jmh 'RegistryLookupBenchmark.findSpread$' -wi 2 -p series=1000,1000000 \
    -jvmArgsAppend "$exports -Xms1g -Xmx1g $thp" | tail -4
done | tee "$out/lookup-thp.txt"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
echo "results in $out"
