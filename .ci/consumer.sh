#!/usr/bin/env bash
# The consumer build: proves a service outside this reactor can depend on ringmetrics.
#   1. installs the published artifacts (BOM, parent, engine, exporters; tests skipped: .ci/run has run them) into
#      the local Maven repository;
#   2. builds docs/examples/consumer, whose pom imports only ringmetrics-bom;
#   3. runs it as a JPMS module (java -p ... -m) and as a class-path application (java -cp), each with the JVM option
#      Agrona needs, on an ephemeral 127.0.0.1 port, scrapes /metrics with curl and checks the series README.md
#      promises (its "output: readme-embedding" block), then closes its standard input and expects exit status 0;
#   4. runs it both ways without that option and expects exit status 3 and the start-up message naming the option
#      for that layout (org.agrona on the module path, ALL-UNNAMED on the class path).
# Fails (non-zero) on any problem; every JVM is bounded by `timeout`. Extra Maven arguments: CONSUMER_MAVEN_ARGS
# (e.g. -o, or -Dmaven.repo.local=... to keep a shared ~/.m2 untouched).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
read -r -a MAVEN_ARGS <<< "${CONSUMER_MAVEN_ARGS:-}"
JAVA="${JAVA:-java}"

log() { printf '[consumer] %s\n' "$*"; }
fail() { printf '[consumer] FAILED: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null 2>&1 || { apt-get install -y -q curl >/dev/null || fail "curl is missing and cannot be installed"; }

log "installing ringmetrics-bom, -engine, -exporters (tests skipped)"
mvn -B -ntp -q "${MAVEN_ARGS[@]}" -Dmaven.test.skip=true install -pl bom,engine,exporters -am

log "building docs/examples/consumer against the installed BOM"
CONSUMER="$ROOT/docs/examples/consumer"
(cd "$CONSUMER" && mvn -B -ntp -q "${MAVEN_ARGS[@]}" clean package)
JAR="$CONSUMER/target/ringmetrics-consumer-1.0.jar"
LIB="$CONSUMER/target/lib"
[ -f "$JAR" ] && [ -f "$LIB/ringmetrics-exporters-0.1.0-SNAPSHOT.jar" ] || fail "consumer jar or its dependencies missing"

# The series README's embedding example promises at /metrics.
EXPECTED="$(sed -n '/<!-- output: readme-embedding -->/,/^```$/p' README.md | sed '1,2d;$d')"
[ "$(printf '%s\n' "$EXPECTED" | grep -c .)" -ge 5 ] || fail "README's output: readme-embedding block not found"

WORK="$(mktemp -d)"
APP_PID=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then kill "$APP_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# serve NAME JAVA-ARGS...: starts the consumer, scrapes it, stops it through its standard input.
serve() {
  local name="$1"; shift
  local out="$WORK/$name.out" fifo="$WORK/$name.in"
  mkfifo "$fifo"
  METRICS_EXPORTER=prometheus METRICS_HTTP_HOST=127.0.0.1 METRICS_HTTP_PORT=0 \
    timeout 60 "$JAVA" "$@" < "$fifo" > "$out" 2>&1 &
  APP_PID=$!
  exec 3> "$fifo"   # the consumer serves until this closes
  local url="" i
  for i in $(seq 1 300); do
    url="$(sed -n 's#^consumer: serving \(http://127\.0\.0\.1:[0-9]*/metrics\)$#\1#p' "$out")"
    [ -n "$url" ] && break
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$out" >&2; fail "$name: the consumer did not start serving"; }
  local scrape
  scrape="$(curl -fsS --max-time 10 "$url")" || { cat "$out" >&2; fail "$name: GET $url failed"; }
  scrape="$(printf '%s\n' "$scrape" | sed -E 's/ ([0-9]+)\.0$/ \1/')"   # README writes whole counts as 1, not 1.0
  while IFS= read -r series; do
    grep -qxF "$series" <<< "$scrape" || { printf '%s\n' "$scrape" >&2; fail "$name: /metrics lacks: $series"; }
  done <<< "$EXPECTED"
  # (here-strings, not pipes: grep -q stops reading early, and under pipefail the writer's SIGPIPE would fail)
  grep -qx '# HELP http_requests_total HTTP requests handled, .*' <<< "$scrape" ||
    fail "$name: http_requests_total lacks its library HELP text: $(grep '^# HELP http_requests_total' <<< "$scrape")"
  exec 3>&-
  local status=0
  wait "$APP_PID" || status=$?
  APP_PID=""
  [ "$status" -eq 0 ] || { cat "$out" >&2; fail "$name: exit status $status after its input closed (expected 0)"; }
  grep -q '^consumer: closed$' "$out" || { cat "$out" >&2; fail "$name: did not close its metrics"; }
  log "$name: $(sed -n 1p "$out"); $url served the README's $(printf '%s\n' "$EXPECTED" | grep -c .) series; exit 0"
}

# refuses NAME OPTION JAVA-ARGS...: without the JVM option, start-up must fail with the message naming OPTION.
refuses() {
  local name="$1" option="$2"; shift 2
  local out="$WORK/$name.out" status=0
  METRICS_EXPORTER=prometheus METRICS_HTTP_PORT=0 timeout 60 "$JAVA" "$@" < /dev/null > "$out" 2>&1 || status=$?
  [ "$status" -eq 3 ] || { cat "$out" >&2; fail "$name: exit status $status without the JVM option (expected 3)"; }
  grep -qF "add the JVM option $option " "$out" || { cat "$out" >&2; fail "$name: no message naming $option"; }
  log "$name without the option: exit 3, the message names '$option'"
}

MODULE_OPTION="--add-exports java.base/jdk.internal.misc=org.agrona"
CLASSPATH_OPTION="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"
"$JAVA" -version 2>&1 | sed -n 1p
# shellcheck disable=SC2086 # the options are two words each, on purpose
serve module $MODULE_OPTION -p "$JAR:$LIB" -m example.consumer/example.consumer.ConsumerApp
# shellcheck disable=SC2086
serve classpath $CLASSPATH_OPTION -cp "$JAR:$LIB/*" example.consumer.ConsumerApp
refuses module "$MODULE_OPTION" -p "$JAR:$LIB" -m example.consumer/example.consumer.ConsumerApp
refuses classpath "$CLASSPATH_OPTION" -cp "$JAR:$LIB/*" example.consumer.ConsumerApp
log "passed"
