#!/usr/bin/env bash
# Workspace benchmark (issue 12): a workspace of SERVICES synthetic services of CELLS cells
# each, × profiles prod and staging, rendered by one `render --workspace` with 1 and with 2
# worker threads; prints wall time and peak RSS of each and proves the two trees are
# byte-identical. Also times `check --workspace`, `render --workspace --check` and
# `diff --workspace` (both modes) on the result.
# Usage: bench/workspace.sh [SERVICES] [CELLS]   (default: 8 1000)
set -euo pipefail
services=${1:-8}
cells=${2:-1000}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -x /usr/bin/time ]; then
  (apt-get install -y time || sudo apt-get install -y time) > /dev/null
fi
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/x07-topo"

for i in $(seq 1 "$services"); do
  dir="$work/ws/services/svc-$i"
  python3 "$repo/bench/synthetic.py" "$dir" "$cells" > /dev/null
  # One service_id each, so outputs and Secret names do not collide.
  python3 - "$dir/arch/service/index.x07service.json" "svc-$i" <<'PY'
import json, sys
path, sid = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
doc["service_id"] = sid
json.dump(doc, open(path, "w"), indent=2)
PY
done
cat > "$work/ws/x07-topo.workspace.json" <<'JSON'
{"schema_version": "x07.topo.workspace@0.1.0", "services": ["services/*"], "profiles": ["prod", "staging"], "out": "deploy/{profile}/{service}"}
JSON
python3 -c "import json, sys; n = int(sys.argv[1]); print(json.dumps({f'svc-{i}': f'ghcr.io/acme/svc-{i}:1.0.0' for i in range(1, n + 1)}))" "$services" > "$work/ws/images.json"
cp -r "$work/ws" "$work/ws2"

# "seconds MB exit" of one command run in the folder given first.
measure() {
  local dir=$1 rc=0 s kb
  shift
  (cd "$dir" && /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > /dev/null 2> "$work/stderr.txt") || rc=$?
  read -r s kb < <(tail -n 1 "$work/time.txt")
  echo "$s $((kb / 1024)) $rc"
}
row() {
  local t m rc
  read -r t m rc < <(measure "$2" "${@:3}")
  printf '| %s | %s s | %s MB | %s |\n' "$1" "$t" "$m" "$rc"
}

echo "workspace: $services services × 2 profiles, $cells cells each, on $(nproc) cores"
echo
echo "| command | wall | peak RSS | exit |"
echo "| --- | --- | --- | --- |"
row '`check --workspace`' "$work/ws" "$bin" check --workspace
row '`render --workspace --jobs 1`' "$work/ws" "$bin" render --workspace --images images.json --jobs 1
row '`render --workspace --jobs 2`' "$work/ws2" "$bin" render --workspace --images images.json --jobs 2
row '`render --workspace --check` (unchanged)' "$work/ws" "$bin" render --workspace --images images.json --check
row '`diff --workspace` (unchanged)' "$work/ws" "$bin" diff --workspace --images images.json
row '`diff --workspace --profile prod --profile staging`' "$work/ws" "$bin" diff --workspace --profile prod --profile staging
echo
files=$(find "$work/ws/deploy" -type f | wc -l)
bytes=$(du -sb "$work/ws/deploy" | cut -f1)
if diff -r "$work/ws/deploy" "$work/ws2/deploy" > /dev/null; then
  echo "--jobs 1 and --jobs 2 wrote identical trees: $files files, $bytes bytes"
else
  echo "--jobs 1 and --jobs 2 DIFFER" >&2
  exit 1
fi
