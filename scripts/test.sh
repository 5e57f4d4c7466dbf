#!/usr/bin/env bash
# The whole test suite (`npm test`): installs what the tests need on a fresh Debian machine (headless
# Kodi, Xvfb, ffmpeg, Chromium; as root), makes sure PostgreSQL and MariaDB run, checks types and lint,
# then runs the fast suite (unit + integration against the simulator, SQLite and PostgreSQL) with the
# PostgreSQL-restart tests, the soak (an accelerated hour against the service process, ≤ 8 min), the browser
# suite (the web UI in Chromium) and the real-Kodi suite. Ends with one line `N passed, N failed` counting
# every test; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp

[ -d node_modules ] || npm ci
bash scripts/kodi-testbed/kodi-testbed.sh install || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/install-chromium.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-services.sh || { echo "0 passed, 1 failed"; exit 1; }
# The install test checks docs/kodi-sync.service with systemd-analyze (Debian package systemd; absent in containers).
if ! command -v systemd-analyze >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y systemd
  else
    echo "systemd-analyze is missing: run as root once, or apt-get install systemd"; echo "0 passed, 1 failed"; exit 1
  fi
fi

checks_failed=0
npx tsc --noEmit -p . || checks_failed=$((checks_failed + 1))
npx eslint . || checks_failed=$((checks_failed + 1))
npx prettier --check . >/dev/null || { echo "prettier: files need formatting (npm run format)"; checks_failed=$((checks_failed + 1)); }

rm -f .tmp/vitest-fast.json .tmp/vitest-soak.json .tmp/vitest-browser.json .tmp/vitest-real-kodi.json
npx vitest run --project fast --project db-restart --passWithNoTests --reporter=default --reporter=json --outputFile.json=.tmp/vitest-fast.json
fast_rc=$?
npx vitest run --project soak --passWithNoTests --reporter=default --reporter=json --outputFile.json=.tmp/vitest-soak.json
soak_rc=$?
npx vitest run --project browser --passWithNoTests --reporter=default --reporter=json --outputFile.json=.tmp/vitest-browser.json
browser_rc=$?
npx vitest run --project real-kodi --passWithNoTests --reporter=default --reporter=json --outputFile.json=.tmp/vitest-real-kodi.json
real_rc=$?

npx tsx scripts/summarize-tests.ts "$checks_failed" .tmp/vitest-fast.json .tmp/vitest-soak.json .tmp/vitest-browser.json .tmp/vitest-real-kodi.json
summary_rc=$?
if [ "$fast_rc" -ne 0 ] || [ "$soak_rc" -ne 0 ] || [ "$browser_rc" -ne 0 ] || [ "$real_rc" -ne 0 ] || [ "$summary_rc" -ne 0 ]; then exit 1; fi
