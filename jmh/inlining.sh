#!/usr/bin/env bash
# Whether C2 inlines the name + labels path and the publish path into its caller, fork by fork: runs one benchmark under
# -XX:+LogCompilation and -XX:+PrintInlining and prints, for each fork, the C2 code size of the methods on that path
# and what C2 decided at the benchmark loop's call of them. C2 does not inline a method whose own compiled code is
# larger than InlineSmallCode (2 500 bytes on x86), and the update methods are usually compiled on their own before
# the caller: their size decides whether a name-based update is a call. It also prints every call on the publish path
# (the ring package, Disruptor) that C2 left a call: one on a branch the loop almost never takes still made some forks
# keep the loop's variables on the stack (issue 22, docs/benchmarks.md, "fifth session").
#
#   [IDLE=BACKOFF] jmh/inlining.sh [JAR=jmh/target/benchmarks.jar] [BENCHMARK=RingMetricsBenchmark.counterIncrementByLabelsNoDrop$] [FORKS=3]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar=${1:-$root/jmh/target/benchmarks.jar}
benchmark=${2:-'RingMetricsBenchmark.counterIncrementByLabelsNoDrop$'}
forks=${3:-3}
java=${JAVA:-java}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | sed -n 1p); $("$java" -version 2>&1 | sed -n 1p)"
for f in $(seq 1 "$forks"); do
  "$java" --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar "$jar" -f 1 -wi 3 -w 500ms -i 3 -r 500ms \
    -p idle="${IDLE:-BACKOFF}" "$benchmark" -jvmArgsAppend \
    "-XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining -XX:+LogCompilation -XX:LogFile=$out/compilation.log" \
    > "$out/run.txt" 2>&1
  score=$(grep -E ' avgt ' "$out/run.txt" | grep -v ':' | awk '{print $(NF-3), $(NF-2), $(NF-1), $NF}' | tail -1)
  echo "fork $f: $score"
  python3 - "$out/compilation.log" "$out/run.txt" <<'EOF'
import re, sys
log = open(sys.argv[1], errors='replace').read()
run = open(sys.argv[2], errors='replace').read()
sizes = {}
for m in re.finditer(r"<nmethod [^>]*compiler='c2'[^>]*insts_offset='(\d+)' stub_offset='(\d+)'[^>]*"
                     r"method='io\.ringmetrics\.([A-Za-z.]+) (\w+) \(([^)]*)\)", log):
    name = f"{m.group(3)}.{m.group(4)}({m.group(5).count(';')} refs)"
    sizes[name] = int(m.group(2)) - int(m.group(1))
for name in sorted(sizes):
    if re.match(r"(Metrics\.(increment|update|observeHistogram|setGauge|publishFound)|"
                r"registry\.SeriesRegistry\.find|ring\.RingDirectory\.publish)", name):
        print(f"  C2 code {sizes[name]:5d} B  {name}")
verdicts = sorted(set(re.findall(r"(io\.ringmetrics\.(?:Metrics::\w+|registry\.SeriesRegistry::find)"
                                 r" \(\d+ bytes\)\s+(?:inline \(hot\)|already compiled into a big method))",
                                 run)))
for v in verdicts:
    print("  " + re.sub(r"\s+", " ", v))
# The last C2 compile of the benchmark loop (the JMH stub): every call on the publish path it did not inline.
klass, method, last, task = {}, {}, None, None
for m in re.finditer(r"<(/?)(task|klass|method|call|inline_fail)\b([^>]*)>", log):
    close, tag, attrs = m.group(1), m.group(2), dict(re.findall(r"(\w+)='([^']*)'", m.group(3)))
    if tag == "task":
        if close:
            if task is not None and "jmhStub" in task[0] and task[1] in ("", "4"):  # C2 tasks carry no level
                last = task
            task = None
        else:
            task = (attrs.get("method", ""), attrs.get("level", ""), [])
            call = None
    elif task is None:
        continue
    elif tag == "klass":
        klass[attrs["id"]] = attrs["name"].replace("/", ".")
    elif tag == "method":
        method[attrs["id"]] = klass.get(attrs.get("holder"), "?") + "::" + attrs.get("name", "?")
    elif tag == "call":
        call = method.get(attrs.get("method"), "?")
    elif tag == "inline_fail" and call and re.match(r"(io\.ringmetrics\.(ring|Gauge|Counter|Histogram)|com\.lmax)", call):
        task[2].append(f"{call}: {attrs.get('reason')}")
if last is not None:
    print(f"  last C2 compile of {last[0].split()[1]}: " +
          ("no call left on the publish path" if not last[2] else "calls left: " + "; ".join(sorted(set(last[2])))))
EOF
done
