#!/usr/bin/env bash
# Before/after comparison of two builds of the benchmark jar, fork by fork: ROUNDS rounds, each running one fork of
# every benchmark below with the BEFORE jar, then with the AFTER jar, so that both meet the same machine load; then
# jmh/compare.py prints medians over the rounds and each score as a multiple of LongAdder.increment of its round.
#
#   [SETS="idle other scrape"] jmh/ab-rounds.sh BEFORE.jar AFTER.jar [ROUNDS=3] [OUT=jmh/target/ab]
#
# Before each round of each jar it records the core-to-core round trip (jmh/.../CoreToCoreLatency) in machine.txt:
# where the hypervisor placed the two vCPUs decides the ring's cross-core cost, and it changes from hour to hour.
#
# Sets: idle (the no-drop publish, handle and name + labels, under every writer idle strategy, LongAdder, OTel's
# pre-built attributes, the publish floors), other (name + labels against OTel's pre-built attributes, counter and histogram, free-running
# drop path, writer throughput, in-workload), scrape (10 000 series). About 6 minutes per round on 2 cores. Build a BEFORE jar from an older commit with
# `git worktree add /tmp/before <commit> && mvn -q -B -f /tmp/before -pl jmh -am -Dmaven.test.skip=true package`.
set -euo pipefail
before=$1; after=$2; rounds=${3:-3}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${4:-$root/jmh/target/ab}
mkdir -p "$out"
java=${JAVA:-java}
opts=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED)
jmh=(-f 1 -wi 3 -w 500ms -i 4 -r 500ms -t 1 -prof gc)
{
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | sed -n 1p) ($(lscpu | sed -n 's/^Vendor ID: *//p' | sed -n 1p), family $(lscpu | sed -n 's/^CPU family: *//p' | sed -n 1p) model $(lscpu | sed -n 's/^Model: *//p' | sed -n 1p))"
  echo "before: $before"; echo "after: $after"; echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
} | tee "$out/machine.txt"
sets=${SETS:-idle other scrape}
has() { [[ " $sets " == *" $1 "* ]]; }
run() { # jar label round
  echo "$2 round $3: $("$java" -cp "$after" io.ringmetrics.jmh.common.CoreToCoreLatency 2>/dev/null || echo 'core-to-core: n/a')" \
    | tee -a "$out/machine.txt"
  has idle && "$java" "${opts[@]}" -jar "$1" "${jmh[@]}" -p idle=BACKOFF,BUSY_SPIN,YIELD -rf json -rff "$out/$2-idle-$3.json" \
    'RingMetricsBenchmark.(counterIncrementNoDrop|gaugeSetNoDrop|gaugeSetFixedValueNoDrop|histogramObserveNoDrop|histogramObserveFixedValueNoDrop|counterIncrementByLabelsNoDrop|counterIncrementByLookupNoDrop)$|LongAdderBenchmark.counterIncrement$|OpenTelemetryBenchmark.counterIncrementByLabels$|RingPublishFloorBenchmark' \
    > "$out/$2-idle-$3.txt" 2>&1
  has other && "$java" "${opts[@]}" -jar "$1" "${jmh[@]}" -rf json -rff "$out/$2-other-$3.json" \
    'RingMetricsBenchmark.(counterIncrementByLabelsNoDrop|histogramObserveByLabelsNoDrop|counterIncrement|gaugeSet|histogramObserve)$|OpenTelemetryBenchmark.(counterIncrementByLabels|histogramObserveByLabels)$|LongAdderBenchmark.counterIncrement$|WriterThroughputBenchmark.(sustainedCounters|sustainedHistograms|writerOnlyCounters|writerOnlyHistograms)$|InWorkloadBenchmark.(bareWork|ringmetricsHistogram)$' \
    > "$out/$2-other-$3.txt" 2>&1
  has scrape && "$java" "${opts[@]}" -jar "$1" "${jmh[@]}" -p series=10000 -rf json -rff "$out/$2-scrape-$3.json" 'ScrapeBenchmark.scrape$' \
    > "$out/$2-scrape-$3.txt" 2>&1
  return 0
}
for r in $(seq 1 "$rounds"); do
  run "$before" before "$r"
  run "$after" after "$r"
done
for set in $sets; do
  echo; echo "### $set"; echo
  python3 "$root/jmh/compare.py" "$out/before-$set-*.json" "$out/after-$set-*.json" before after
done | tee "$out/compare.md"
