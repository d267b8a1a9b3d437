#!/usr/bin/env bash
# The test suite again on JDK 25 (Temurin 25 on this kind of machine), after .ci/run has run it on JDK 17.
#   - Locates a JDK 25: $JDK25_HOME, /usr/lib/jvm/temurin-25-jdk-amd64, any /usr/lib/jvm/*25* whose java says
#     version "25; when none is there, installs the first Debian package among openjdk-25-jdk-headless and
#     temurin-25-jdk that apt has a candidate for, and fails with a clear message if there is none.
#   - Runs `mvn -B -ntp clean verify` with that JDK (Maven itself, surefire's forks, the tests' child JVMs and the
#     demo jar all use it), except JCStress (-Djcstress.skip=true): the JCStress quick run (ordering proofs of the ring
#     and the store, minutes of CPU) runs on JDK 17 only, to stay in CI's 20-minute budget. Compilation is
#     --release 17 either way.
# `.ci/jdk25.sh --print-home` prints the JDK it would use and exits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[jdk25] %s\n' "$*"; }

is_jdk25() { [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && "$1/bin/java" -version 2>&1 | grep -q 'version "25'; }

find_jdk25() {
  local dir
  for dir in "${JDK25_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
    if [ -n "$dir" ] && is_jdk25 "$dir"; then printf '%s\n' "$dir"; return 0; fi
  done
  return 1
}

if ! JDK25="$(find_jdk25)"; then
  log "no JDK 25 under /usr/lib/jvm; looking for a Debian package"
  apt-get update -q >/dev/null || true
  for pkg in openjdk-25-jdk-headless temurin-25-jdk; do
    if apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      log "installing $pkg"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null
      break
    fi
  done
  JDK25="$(find_jdk25)" || {
    echo "[jdk25] FAILED: no JDK 25: none under /usr/lib/jvm and no Debian package (openjdk-25-jdk-headless," \
      "temurin-25-jdk) available; set JDK25_HOME to one" >&2
    exit 1
  }
fi

if [ "${1:-}" = "--print-home" ]; then printf '%s\n' "$JDK25"; exit 0; fi

export JAVA_HOME="$JDK25"
export PATH="$JDK25/bin:$PATH"
java -version 2>&1 | sed -n 1p
log "mvn -B -ntp clean verify -Djcstress.skip=true on $JDK25"
mvn -B -ntp clean verify -Djcstress.skip=true
