#!/usr/bin/env bash
# The whole test suite, as CI runs it on a fresh clone: install, lint, types, manifest check, jest.
# Ends with the plain line "N passed, N failed" from jest's JSON results.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` honours package-lock.json and the exact pins; `npm ci` refuses this lock because the
  # registry here lists only Linux builds of optional platform packages, so the lock names no others.
  echo "== npm install"
  npm install --no-audit --no-fund || exit 1
fi
bash scripts/ensure-system-packages.sh || exit 1

status=0
echo "== lint"; npx eslint . || status=1
echo "== types"; npx tsc -p tsconfig.json --noEmit || status=1
echo "== types (Custom UI)"; npx tsc -p static/tsconfig.json || status=1
echo "== build Custom UI (static/)"; npm run --silent build:ui || status=1
echo "== forge manifest (offline)"; npx tsx scripts/forge-validate.ts || status=1

mkdir -p test-results
rm -f test-results/jest.json
echo "== jest"
npx jest --ci --json --outputFile=test-results/jest.json "$@" || status=1

node scripts/jest-summary.js test-results/jest.json || status=1
exit $status
