#!/usr/bin/env bash
# The README's test command (and what .ci/run runs with CI=true): installs and builds everything
# the tests need, then runs them all.
#
#   1. npm ci
#   2. tools/ensure-test-tools.sh   etcd, kube-apiserver, kubectl, helm, SeaweedFS, venvs, JDK 17
#   3. tsc -p tsconfig.test.json    type-check of sources and tests
#   4. vitest run                   projects `unit` (no servers) and `integration` (test/**, real
#                                   etcd + kube-apiserver + S3 started by test/infra/global-setup.ts)
#   5. pytest                       jobs/trainer with the trainer venv, jobs/spark with the spark venv
#
# Steps 3-5 all run even if one fails, so one run shows every failure; the exit status is
# non-zero if any step failed. A set-up failure (1-2) stops the run at once.
set -euo pipefail
cd "$(dirname "$0")/.."
export QUIVER_TOOLS=${QUIVER_TOOLS:-$HOME/.cache/quiver-tools}

stamp() { echo "== tools/test.sh: $* (${SECONDS}s)"; }
failed=()

stamp "npm ci"
# onnxruntime-node ships its CPU binaries; its postinstall would fetch CUDA ones over the network.
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund

stamp "ensure test tools"
bash tools/ensure-test-tools.sh
# shellcheck source=/dev/null
source "$QUIVER_TOOLS/env.sh"

stamp "type-check"
npx tsc -p tsconfig.test.json || failed+=("type-check: npx tsc -p tsconfig.test.json")

# Totals over vitest and pytest, for the closing "N passed, N failed" line.
passed=0 nfailed=0 skipped=0
count() { passed=$((passed + $1)); nfailed=$((nfailed + $2)); skipped=$((skipped + $3)); }
report_dir=$(mktemp -d)
trap 'rm -rf "$report_dir"' EXIT

stamp "vitest (unit + integration)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report_dir/vitest.json" \
  || failed+=("vitest: npx vitest run")
if [ -f "$report_dir/vitest.json" ]; then
  # shellcheck disable=SC2046
  count $(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests)' "$report_dir/vitest.json")
fi

run_pytest() {
  local job=$1 py
  if ! compgen -G "jobs/$job/tests/test_*.py" >/dev/null && ! compgen -G "jobs/$job/test_*.py" >/dev/null; then
    echo "pytest: jobs/$job has no tests yet; skipped"
    return 0
  fi
  py=$(bash tools/ensure-venv.sh "$job")
  stamp "pytest jobs/$job ($py)"
  local rc=0
  # Spark's own needs (JDK 17 from env.sh, loopback only, the venv's bundled Spark).
  ( cd "jobs/$job" && env -u SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$py" PYSPARK_DRIVER_PYTHON="$py" \
      "$py" -m pytest -q ) 2>&1 | tee "$report_dir/pytest-$job.log" || rc=${PIPESTATUS[0]}
  local last n p=0 f=0 s=0
  # pytest's closing line, e.g. "12 passed, 1 skipped in 3.40s" (-q) or "==== 12 passed in 3.40s ===="
  last=$(grep -E '(passed|failed|errors?|skipped|no tests ran).* in [0-9.]+s' "$report_dir/pytest-$job.log" | tail -n1 || true)
  for n in passed failed error errors skipped xfailed xpassed; do
    local v; v=$(sed -n "s/.*[^0-9]\([0-9][0-9]*\) $n\b.*/\1/p" <<<" $last")
    [ -z "$v" ] && continue
    case $n in passed|xpassed) p=$((p + v));; failed|error|errors) f=$((f + v));; *) s=$((s + v));; esac
  done
  count "$p" "$f" "$s"
  case $rc in
    0) ;;
    5) echo "pytest: jobs/$job collected no tests" ;;  # exit 5 = nothing collected, not a failure
    *) failed+=("pytest jobs/$job (exit $rc): cd jobs/$job && $py -m pytest") ;;
  esac
}
run_pytest trainer
run_pytest spark

if [ ${#failed[@]} -gt 0 ]; then
  stamp "FAILED"
  printf '  %s\n' "${failed[@]}"
  echo "Total: $passed passed, $nfailed failed, $skipped skipped"
  exit 1
fi
stamp "all passed"
echo "Total: $passed passed, $nfailed failed, $skipped skipped"
