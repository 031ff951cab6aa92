#!/usr/bin/env bash
# Every test: types, unit + integration (vitest), the standalone build started as the container
# image starts it, then Playwright in Debian's Chromium against the production build. Installs
# Chromium when the machine lacks it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
# each phase says when it started, so a slow run shows where its time went
phase() { echo "== [${SECONDS}s] $*"; }

if [ ! -x "$CHROMIUM" ]; then
  phase "Chromium missing at $CHROMIUM: installing Debian's package"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

phase "typecheck, lint, formatting and import rules"
# tsc and ESLint are each one thread: side by side they take the time of the longer one
npx tsc --noEmit &
TSC=$!
npx eslint .
npm run --silent format:check
npm run --silent lint:imports
wait "$TSC"
phase "unit and integration tests"
npx vitest run
phase "production build (next build, then the standalone folder: scripts/standalone.ts)"
WEBEX_SSO_TYPES_CHECKED=1 npm run --silent build
phase "standalone: the container's start path, from a copy of the folder alone, on SQLite and PostgreSQL"
npx tsx scripts/standalone-check.ts
phase "end-to-end (Playwright, Chromium)"
# without traces: recording one per test costs about 15 % of the run (31 tests: 107 s with, 93 s
# without), and a CI run shows its output, never a trace; `npx playwright test` alone keeps the
# config's retain-on-failure for local debugging
npx playwright test --trace off
phase "soak, short (every launch audited once, no leak, memory and sockets bounded, graceful SIGTERM)"
SOAK_LAUNCHES="${SOAK_LAUNCHES:-600}" npx tsx scripts/soak.ts
phase "all tests passed"
