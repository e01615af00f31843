#!/usr/bin/env bash
# The README's test command: installs and starts everything the tests need, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npx tsc -p tsconfig.test.json
npx vitest run
