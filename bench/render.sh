#!/usr/bin/env bash
# Render benchmark (issue 3): x07-topo rendering a 3,000-cell service from scratch into a
# folder, against `kubectl kustomize` re-reading that same folder. Prints medians of RUNS
# runs (default 1) and peak memory. Usage: bench/render.sh [CELLS] [RUNS]
set -euo pipefail
cells=${1:-3000}
runs=${2:-1}  # one kustomize run of 3,000 cells takes minutes
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/x07-topo"
python3 "$repo/bench/synthetic.py" "$work" "$cells"
cd "$work"

# Wall seconds and peak RSS (KiB) of one command, from GNU time when present, else bash.
measure() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > /dev/null 2> "$work/stderr.txt"
    cat "$work/time.txt"
  else
    local start end
    start=$(date +%s.%N); "$@" > /dev/null 2> "$work/stderr.txt"; end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc) ?"
  fi
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

render_times=(); render_mem=(); kust_times=(); kust_mem=()
for _ in $(seq "$runs"); do
  rm -rf out
  read -r t m < <(measure "$bin" render --profile prod --image ghcr.io/acme/bench:1.0.0 --out out)
  render_times+=("$t"); render_mem+=("$m")
  read -r t m < <(measure kubectl kustomize out)
  kust_times+=("$t"); kust_mem+=("$m")
done
files=$(find out -name '*.yaml' | wc -l)
r=$(printf '%s\n' "${render_times[@]}" | median)
k=$(printf '%s\n' "${kust_times[@]}" | median)
rm_=$(printf '%s\n' "${render_mem[@]}" | median)
km=$(printf '%s\n' "${kust_mem[@]}" | median)
echo "cells: $cells, files written: $files, runs: $runs (medians)"
echo "x07-topo render (from scratch): ${r}s, peak RSS ${rm_} KiB"
echo "kubectl kustomize (same folder): ${k}s, peak RSS ${km} KiB"
awk -v r="$r" -v k="$k" 'BEGIN { if (k > 0) printf "ratio x07-topo / kustomize: %.3f (goal <= 0.200)\n", r / k }'
