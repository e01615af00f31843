#!/usr/bin/env bash
# Usage: tools/ensure-test-tools.sh [--quiet]
#
# Builds or finds every real component the tests use, caches each one by version outside
# the repository, and writes the env file the test suite reads:
#
#   ${QUIVER_TOOLS:-$HOME/.cache/quiver-tools}/
#     etcd-3.6.16/etcd                      from the Go module proxy (TEST-INFRA §1.4)
#     kube-apiserver-1.36.3/kube-apiserver  from the Go module proxy (TEST-INFRA §1.3)
#     kubectl-1.36.3/kubectl                from the staging modules (TEST-INFRA §4)
#     helm-4.3.1/helm                       go install (TEST-INFRA §3)
#     seaweedfs-<version>/weed              S3 gateway (TEST-INFRA §2)
#     venv-spark-<hash>/, venv-trainer-<hash>/   tools/ensure-venv.sh
#     env.sh, env.json                      QUIVER_* paths (env.json is read by test/infra/global-setup.ts)
#
# KUBEBUILDER_ASSETS (a folder with kube-apiserver, etcd, kubectl, the envtest convention) wins
# over the cache for those three binaries, so users who have them skip the builds.
# Every build happens in a temporary folder and is renamed into place only once it has passed
# its version check, so an interrupted build is never taken for a finished one.
# Anything that cannot be built or found makes the script exit non-zero, naming the command.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${QUIVER_TOOLS:-$HOME/.cache/quiver-tools}

K8S_VERSION=1.36.3
ETCD_VERSION=3.6.16
HELM_VERSION=4.3.1
SEAWEED_VERSION=v0.0.0-20261109003541-7506e5f91cd6
SEAWEED_SHORT=${SEAWEED_VERSION##*-}   # the commit: the folder name stays short

# Fail instead of silently downloading another Go toolchain; TEST-INFRA §1.2 describes the one
# approved override (export GOTOOLCHAIN=go1.27.3) should a module ever need it.
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
export GOFLAGS=${GOFLAGS:--buildvcs=false}
export CGO_ENABLED=0

mkdir -p "$CACHE/.build"
# One set-up at a time per cache: two concurrent go builds on 2 cores help nobody, and the
# rename-into-place must not race.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  echo "ensure-test-tools: waiting for another set-up holding $CACHE/.lock" >&2
  flock 9
fi

# Holding the lock, anything left in .build is from an interrupted or failed earlier run.
rm -rf "${CACHE:?}/.build/"* 2>/dev/null || true
WORKDIRS=()
trap 'rm -rf "${WORKDIRS[@]}"' EXIT

log() { echo "ensure-test-tools: $*" >&2; }
die() { echo "ensure-test-tools: ERROR: $*" >&2; exit 1; }

SUMMARY=()
note() { SUMMARY+=("$(printf '%-15s %-58s %s' "$1" "$2" "$3")"); }

need_go() {
  command -v go >/dev/null || die "go is not on PATH; kube-apiserver, etcd, kubectl, helm and SeaweedFS are built with Go >= 1.26"
  local v; v=$(go env GOVERSION)
  case "$v" in go1.2[6-9]*|go1.[3-9][0-9]*) ;; *) die "Go $v is too old: the k8s 1.36 modules need go >= 1.26 (GOTOOLCHAIN=$GOTOOLCHAIN)";; esac
}

# run_build <tool> <version> <binary-name> <builder-function>
# Runs the builder in a fresh work folder with $OUT (a temporary output folder), then checks
# and renames $OUT to $CACHE/<tool>-<version>. Prints the elapsed time.
run_build() {
  local tool=$1 version=$2 bin=$3 fn=$4
  local final="$CACHE/$tool-$version"
  need_go
  OUT=$(mktemp -d "$CACHE/.build/$tool-$version.XXXX")
  local work; work=$(mktemp -d "${TMPDIR:-/tmp}/quiver-build-$tool.XXXX")
  WORKDIRS+=("$work")
  local start=$SECONDS blog="$OUT.log"
  log "building $tool $version (log: $blog)"
  # Not inside `if`: errexit is ignored in a condition context, and the builders rely on it.
  local rc=0
  set +e
  ( set -e; cd "$work"; "$fn" ) >"$blog" 2>&1
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    tail -n 30 "$blog" >&2
    rm -rf "$work"
    die "building $tool $version failed in $fn (full log: $blog; rerun: bash tools/ensure-test-tools.sh)"
  fi
  rm -rf "$work"
  [ -x "$OUT/$bin" ] || die "building $tool $version produced no $OUT/$bin (log: $blog)"
  rm -rf "$final"
  mv -T "$OUT" "$final"
  rm -f "$blog"
  BUILT_SECONDS=$(( SECONDS - start ))
  log "built $tool $version in ${BUILT_SECONDS}s"
}

# ---- builders (run inside an empty work folder, write into $OUT) --------------------------

build_etcd() {
  go mod init quiver.invalid/etcd-build
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' > main.go
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  go mod tidy
  go build -trimpath -ldflags '-s -w' -o "$OUT/etcd" .
  "$OUT/etcd" --version | grep -q "etcd Version: $ETCD_VERSION"
}

build_kube_apiserver() {
  local stg="v0.${K8S_VERSION#1.}" minor; minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  go mod init quiver.invalid/kube-apiserver-build
  go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" >/dev/null
  local kmod; kmod="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v$K8S_VERSION.mod"
  # Staging modules: required at v0.0.0 or replaced into ./staging by k8s.io/kubernetes; each
  # becomes a replace to its published v0.X.Y twin before `go get` (kubernetes#79384).
  local mods m
  mods=$( { awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$kmod"
            sed -n 's|^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*|\1|p' "$kmod"; } | sort -u )
  [ -n "$mods" ] || { echo "no staging modules found in $kmod" >&2; return 1; }
  for m in $mods; do go mod edit -replace="$m=$m@$stg"; done
  go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION"
  # Version ldflags: without them the binary says v0.0.0-master and charts' kubeVersion fails.
  go build -trimpath -o "$OUT/kube-apiserver" -ldflags "-s -w \
    -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
    -X k8s.io/component-base/version.gitTreeState=clean \
    -X k8s.io/component-base/version.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    k8s.io/kubernetes/cmd/kube-apiserver
  "$OUT/kube-apiserver" --version | grep -qx "Kubernetes v$K8S_VERSION"
}

build_kubectl() {
  local stg="v0.${K8S_VERSION#1.}" minor; minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  go mod init quiver.invalid/kubectl-build
  cat > main.go <<'EOF'
package main

import (
	_ "k8s.io/client-go/plugin/pkg/client/auth"
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		util.CheckErr(err)
	}
}
EOF
  go get "k8s.io/kubectl@$stg" "k8s.io/component-base@$stg" "k8s.io/client-go@$stg"
  go mod tidy
  go build -trimpath -o "$OUT/kubectl" -ldflags "-s -w \
    -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor \
    -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" .
  "$OUT/kubectl" version --client | grep -q "v$K8S_VERSION"
}

build_helm() {
  GOBIN="$OUT" go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION" \
    "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION"
  "$OUT/helm" version --short | grep -q "v$HELM_VERSION"
}

build_seaweedfs() {
  # SeaweedFS's go.mod carries a replace directive, so `go install ...@version` refuses it; a
  # throwaway module copies its replaces (read from the go.mod, not hard-coded) and builds weed.
  go mod init quiver.invalid/weed-build
  go mod download -json "github.com/seaweedfs/seaweedfs@$SEAWEED_VERSION" >/dev/null
  local smod; smod="$(go env GOMODCACHE)/cache/download/github.com/seaweedfs/seaweedfs/@v/$SEAWEED_VERSION.mod"
  local r
  while read -r r; do
    [ -n "$r" ] && go mod edit -replace="$r"
  done < <(sed -n 's|^replace[[:space:]]*\([^[:space:]]*\)[[:space:]]*=>[[:space:]]*\([^[:space:]]*\)[[:space:]]\+\(v[^[:space:]]*\)$|\1=\2@\3|p' "$smod")
  go get "github.com/seaweedfs/seaweedfs/weed@$SEAWEED_VERSION"
  go build -trimpath -ldflags '-s -w' -o "$OUT/weed" github.com/seaweedfs/seaweedfs/weed
  "$OUT/weed" version
}

# ---- Go tools ----------------------------------------------------------------------------

# What the binary itself reports (a truncated or foreign binary shows here, not just the folder name).
reported_version() {
  local tool=$1 path=$2
  case $tool in
    etcd) "$path" --version 2>&1 | head -n1 ;;
    kube-apiserver) "$path" --version 2>&1 | head -n1 ;;
    kubectl) "$path" version --client 2>&1 | head -n1 ;;
    helm) "$path" version --short 2>&1 | head -n1 ;;
    seaweedfs) echo "$SEAWEED_VERSION ($("$path" version 2>&1 | head -n1 | sed 's/^version //'))" ;;
  esac
}

# ensure_go_tool <tool> <version> <binary> <builder> [kubebuilder-name]
# Sets TOOL_PATH. A KUBEBUILDER_ASSETS binary wins; else the cache; else a build.
ensure_go_tool() {
  local tool=$1 version=$2 bin=$3 fn=$4 kb=${5:-}
  if [ -n "$kb" ] && [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/$kb" ]; then
    TOOL_PATH="$KUBEBUILDER_ASSETS/$kb"
    note "$tool" "$(reported_version "$tool" "$TOOL_PATH")" "from KUBEBUILDER_ASSETS"
    return
  fi
  TOOL_PATH="$CACHE/$tool-$version/$bin"
  if [ -x "$TOOL_PATH" ]; then
    note "$tool" "$(reported_version "$tool" "$TOOL_PATH")" "cached"
  else
    run_build "$tool" "$version" "$bin" "$fn"
    note "$tool" "$(reported_version "$tool" "$TOOL_PATH")" "built in ${BUILT_SECONDS}s"
  fi
}

ensure_go_tool etcd "$ETCD_VERSION" etcd build_etcd etcd
ETCD=$TOOL_PATH
ensure_go_tool kube-apiserver "$K8S_VERSION" kube-apiserver build_kube_apiserver kube-apiserver
KUBE_APISERVER=$TOOL_PATH
ensure_go_tool kubectl "$K8S_VERSION" kubectl build_kubectl kubectl
KUBECTL=$TOOL_PATH
ensure_go_tool helm "$HELM_VERSION" helm build_helm
HELM=$TOOL_PATH
ensure_go_tool seaweedfs "$SEAWEED_SHORT" weed build_seaweedfs
S3_SERVER=$TOOL_PATH
S3_KIND=seaweedfs

# Cheap checks that the cached binaries still run (a truncated file would fail here).
"$ETCD" --version >/dev/null 2>&1 || die "$ETCD --version failed; delete $(dirname "$ETCD") and rerun"
"$KUBE_APISERVER" --version >/dev/null 2>&1 || die "$KUBE_APISERVER --version failed; delete $(dirname "$KUBE_APISERVER") and rerun"
"$KUBECTL" version --client >/dev/null 2>&1 || die "$KUBECTL version --client failed; delete $(dirname "$KUBECTL") and rerun"
"$HELM" version --short >/dev/null 2>&1 || die "$HELM version failed; delete $(dirname "$HELM") and rerun"
"$S3_SERVER" version >/dev/null 2>&1 || die "$S3_SERVER version failed; delete $(dirname "$S3_SERVER") and rerun"

# ---- Java for Spark: 17 or 21 -------------------------------------------------------------

java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
find_java_home() {
  local c candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  # Debian's layout; the machine also has other JDKs (e.g. Temurin 25), which Spark 4.0 does not support.
  for c in /usr/lib/jvm/*17* /usr/lib/jvm/*21*; do [ -d "$c" ] && candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] || continue
    case "$(java_major "$c")" in 17|21) echo "$c"; return 0;; esac
  done
  return 1
}
JAVA_HOME_FOR_SPARK=$(find_java_home) || die "no Java 17 or 21 found (JAVA_HOME, java on PATH, /usr/lib/jvm); Spark 4.0 needs one: apt-get install -y openjdk-17-jdk-headless"
note java "$(java_major "$JAVA_HOME_FOR_SPARK") ($JAVA_HOME_FOR_SPARK)" "found"

# ---- Python venvs -------------------------------------------------------------------------

ensure_venv() {
  local name=$1 start=$SECONDS py
  py=$(bash "$ROOT/tools/ensure-venv.sh" "$name") || die "bash tools/ensure-venv.sh $name failed (see pip's output above)"
  VENV_PY=$py
  VENV_SECONDS=$(( SECONDS - start ))
}

ensure_venv spark
SPARK_PYTHON=$VENV_PY
SPARK_SUBMIT="$(dirname "$SPARK_PYTHON")/spark-submit"
[ -x "$SPARK_SUBMIT" ] || die "$SPARK_SUBMIT is missing: the spark venv has no pyspark (jobs/spark/requirements.txt)"
PYSPARK_VERSION=$("$SPARK_PYTHON" -c 'import importlib.metadata as m; print(m.version("pyspark"))') \
  || die "$SPARK_PYTHON cannot read pyspark's version"
note pyspark "$PYSPARK_VERSION ($SPARK_PYTHON)" "ready in ${VENV_SECONDS}s"

TRAINER_PYTHON=
if [ -f "$ROOT/jobs/trainer/requirements.txt" ]; then
  ensure_venv trainer
  TRAINER_PYTHON=$VENV_PY
  note trainer-venv "$TRAINER_PYTHON" "ready in ${VENV_SECONDS}s"
else
  log "jobs/trainer/requirements.txt does not exist yet: skipping the trainer venv (the trainer tests will say so)"
  note trainer-venv "-" "skipped: no jobs/trainer/requirements.txt"
fi

# ---- env files ----------------------------------------------------------------------------

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
tmp_env=$(mktemp "$CACHE/.build/env.XXXX")
cat > "$tmp_env" <<EOF
# Written by tools/ensure-test-tools.sh; source it to run the tools by hand.
export QUIVER_TOOLS='$CACHE'
export QUIVER_ETCD='$ETCD'
export QUIVER_KUBE_APISERVER='$KUBE_APISERVER'
export QUIVER_KUBECTL='$KUBECTL'
export QUIVER_HELM='$HELM'
# S3 server: SeaweedFS master+volume+filer+S3 gateway in one process, started by
# test/infra/global-setup.ts with free ports and a per-run folder, roughly:
#   "\$QUIVER_S3_SERVER" server -dir=<dir> -ip=127.0.0.1 -ip.bind=127.0.0.1 -filer -s3 \\
#     -s3.port=<port> -s3.config=<identities.json> (+ -master/-volume/-filer/-s3 .port/.port.grpc)
export QUIVER_S3_SERVER='$S3_SERVER'
export QUIVER_S3_KIND='$S3_KIND'
export QUIVER_SPARK_PYTHON='$SPARK_PYTHON'
export QUIVER_SPARK_SUBMIT='$SPARK_SUBMIT'
export QUIVER_TRAINER_PYTHON='$TRAINER_PYTHON'
export JAVA_HOME='$JAVA_HOME_FOR_SPARK'
EOF
mv "$tmp_env" "$CACHE/env.sh"
tmp_json=$(mktemp "$CACHE/.build/env-json.XXXX")
{
  echo "{"
  echo "  \"QUIVER_ETCD\": $(json_str "$ETCD"),"
  echo "  \"QUIVER_KUBE_APISERVER\": $(json_str "$KUBE_APISERVER"),"
  echo "  \"QUIVER_KUBECTL\": $(json_str "$KUBECTL"),"
  echo "  \"QUIVER_HELM\": $(json_str "$HELM"),"
  echo "  \"QUIVER_S3_SERVER\": $(json_str "$S3_SERVER"),"
  echo "  \"QUIVER_S3_KIND\": $(json_str "$S3_KIND"),"
  echo "  \"QUIVER_SPARK_PYTHON\": $(json_str "$SPARK_PYTHON"),"
  echo "  \"QUIVER_SPARK_SUBMIT\": $(json_str "$SPARK_SUBMIT"),"
  echo "  \"QUIVER_TRAINER_PYTHON\": $(json_str "$TRAINER_PYTHON"),"
  echo "  \"JAVA_HOME\": $(json_str "$JAVA_HOME_FOR_SPARK")"
  echo "}"
} > "$tmp_json"
mv "$tmp_json" "$CACHE/env.json"

{
  echo "ensure-test-tools: components (total ${SECONDS}s)"
  for line in "${SUMMARY[@]}"; do echo "  $line"; done
  echo "  env: source $CACHE/env.sh   (also $CACHE/env.json)"
} >&2
