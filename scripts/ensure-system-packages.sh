#!/usr/bin/env bash
# Installs the Debian packages the end-to-end tests drive, when missing. Tests never skip for want of
# them: if this cannot install them, it fails loudly.
set -euo pipefail
need=()
# Binaries the test suite uses -> the Debian package that provides them.
declare -A providers=(
  [prometheus-alertmanager]=prometheus-alertmanager  # test/support/alertmanager: real Alertmanager 0.25 for e2e
  [chromium]=chromium  # test/ui: the Custom UI pages in a real browser (playwright-core)
)
# `--bench`: also the load generator `npm run bench` drives the relay with (a C program, so it leaves the
# relay the CPU a Node load generator would take on a small machine).
[ "${1:-}" = "--bench" ] && providers[wrk]=wrk
for binary in "${!providers[@]}"; do
  command -v "$binary" >/dev/null 2>&1 || need+=("${providers[$binary]}")
done
# test/relay: the relay's PostgreSQL outbox against a real server (test/support/postgres.ts runs initdb and
# postgres on a temp dir). Debian's package keeps them in /usr/lib/postgresql/<version>/bin, off PATH.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (run as root or install them with apt-get)" >&2
  exit 1
fi
echo "== apt-get install ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
