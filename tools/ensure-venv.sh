#!/usr/bin/env bash
# Usage: tools/ensure-venv.sh <trainer|spark>
# Creates (once) a Python venv for jobs/<name>/requirements.txt, cached outside the
# repository under the requirements' hash, and prints the venv's python on stdout.
# A venv without its .complete marker (an interrupted install) is rebuilt.
set -euo pipefail
name=${1:?usage: ensure-venv.sh <trainer|spark>}
root=$(cd "$(dirname "$0")/.." && pwd)
req="$root/jobs/$name/requirements.txt"
[ -f "$req" ] || { echo "ensure-venv: no $req" >&2; exit 2; }
cache=${QUIVER_TOOLS:-$HOME/.cache/quiver-tools}
hash=$(sha256sum "$req" | cut -c1-12)
venv="$cache/venv-$name-$hash"
mkdir -p "$cache"
if [ ! -f "$venv/.complete" ]; then
  # Two concurrent pip installs into one venv corrupt it: one builder at a time, and
  # re-check once the lock is ours (the other builder may have finished it).
  exec 8>"$cache/.venv-$name-$hash.lock"
  flock 8
fi
if [ ! -f "$venv/.complete" ]; then
  start=$(date +%s)
  echo "ensure-venv: creating the $name venv from jobs/$name/requirements.txt in $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --disable-pip-version-check --no-input -q -r "$req" >&2
  touch "$venv/.complete"
  echo "ensure-venv: $name venv ready in $(( $(date +%s) - start ))s" >&2
fi
echo "$venv/bin/python"
