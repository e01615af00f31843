#!/usr/bin/env bash
# The README's first command: from a fresh clone, install what is needed (npm
# packages, the trainer's Python venv), then validate, test and run the
# template config repository on the embedded engine, ending with the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${1:-config-repo-template}

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "quickstart: installing npm packages (npm ci)" >&2
  # onnxruntime-node ships its CPU binaries; its postinstall would fetch CUDA ones over the network.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >&2
fi
npm run --silent build >&2
echo "quickstart: preparing the trainer's Python venv" >&2
QUIVER_TRAINER_PYTHON=$(bash tools/ensure-venv.sh trainer)
export QUIVER_TRAINER_PYTHON

node bin/quiver.js validate --repo "$repo"
node bin/quiver.js test --repo "$repo" >/dev/null
exec node bin/quiver.js run --repo "$repo"
