#!/usr/bin/env bash
# Scaling benchmark (issue 11). For synthetic services of SIZES cells it times every command
# with GNU time (wall seconds, peak RSS) and prints one table per command with the ratio of
# each size to the one before; then `kubectl kustomize` on the 1k folder against
# `render --out DIR` of it, an instruction count of the 3k render (callgrind: repeatable on a
# noisy machine), and the hostile inputs of bench/hostile.py.
# Times are the best of five runs on a microsecond clock: on a shared machine a single run can
# be 30% slow. Nothing is deleted before the end: on an ext4 without a journal (this project's
# VM), creating files is several times slower for five minutes after many were deleted, as the
# kernel skips recently freed inodes; so run the bench five minutes after a large `rm -rf`.
# Usage: bench/scale.sh [SIZES...]   (default: 1000 3000 10000 30000 100000)
set -euo pipefail
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 3000 10000 30000 100000)
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -x /usr/bin/time ]; then
  (apt-get install -y time || sudo apt-get install -y time) > /dev/null
fi
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/x07-topo"
image=ghcr.io/acme/bench:1.0.0

# "seconds KiB exit" of one command run in the current folder, the best of $runs runs (wall
# time on bash's microsecond clock, peak RSS of that run from GNU time); stdout and stderr
# discarded. A `{}` in the arguments becomes a folder name never used before.
fresh=0
measure() {
  local best="" rc=0 i
  for ((i = 0; i < runs; i++)); do
    local args=() a
    fresh=$((fresh + 1))
    for a in "$@"; do args+=("${a//\{\}/out-new-$fresh}"); done
    local start=$EPOCHREALTIME
    rc=0
    /usr/bin/time -f "%M" -o "$work/time.txt" "${args[@]}" > /dev/null 2> "$work/stderr.txt" || rc=$?
    local end=$EPOCHREALTIME
    local secs
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    if [ -z "$best" ] || awk -v x="$secs" -v y="${best%% *}" 'BEGIN { exit !(x < y) }'; then
      best="$secs $(tail -n 1 "$work/time.txt") $rc"
    fi
  done
  echo "$best"
}

commands=(check plan stream dir-new dir-same render-check diff)
# Renders from scratch go into folders never used before (nothing is deleted until the end:
# on a file system that just deleted many files, creating files is several times slower).
run() {
  case $1 in
    check) measure "$bin" check ;;
    plan) measure "$bin" plan --profile prod --format json ;;
    stream) measure "$bin" render --profile prod --image "$image" --out - ;;
    dir-new) measure "$bin" render --profile prod --image "$image" --out '{}' ;;
    dir-same) [ -d out ] || "$bin" render --profile prod --image "$image" --out out > /dev/null 2>&1; measure "$bin" render --profile prod --image "$image" --out out ;;
    render-check) measure "$bin" render --profile prod --image "$image" --out out --check ;;
    diff) measure "$bin" diff --profile prod --profile staging ;;
  esac
}
label() {
  case $1 in
    check) echo '`check`' ;;
    plan) echo '`plan --format json`' ;;
    stream) echo '`render --out -`' ;;
    dir-new) echo '`render --out DIR` (from scratch)' ;;
    dir-same) echo '`render --out DIR` (unchanged)' ;;
    render-check) echo '`render --check`' ;;
    diff) echo '`diff` of two profiles' ;;
  esac
}

declare -A t m rc
runs=5
sync # what earlier work left unwritten is not flushed during a measured render's syncfs
for n in "${sizes[@]}"; do
  mkdir -p "$work/s$n"
  python3 "$repo/bench/synthetic.py" "$work/s$n" "$n" > /dev/null
  cd "$work/s$n"
  for c in "${commands[@]}"; do
    read -r t["$c,$n"] m["$c,$n"] rc["$c,$n"] < <(run "$c")
    echo "  $n cells, $c: ${t[$c,$n]} s, $((${m[$c,$n]} / 1024)) MB, exit ${rc[$c,$n]}" >&2
  done
  if [ "$n" = 1000 ] && command -v kubectl > /dev/null; then
    # Right after the 1k size, so both run on the same machine state.
    read -r kt km _ < <(measure kubectl kustomize out)
    kustomize=$(awk -v r="${t[dir-new,$n]}" -v k="$kt" -v rm="${m[dir-new,$n]}" -v km="$km" 'BEGIN { printf "1k cells: x07-topo render --out DIR (from scratch) %.3f s (%d MB), kubectl kustomize of that folder %.3f s (%d MB): %.2f%% (goal <= 2%%)\n", r, rm / 1024, k, km / 1024, (k > 0 ? 100 * r / k : 0) }')
  fi
  cd "$work"
done

echo
echo "Wall time (best of five), peak RSS and, in brackets, time relative to the previous size ($(nproc) cores, $(date -u +%F)):"
echo
header="| command |"; rule="| --- |"
for n in "${sizes[@]}"; do header+=" $((n / 1000))k cells |"; rule+=" --- |"; done
echo "$header"; echo "$rule"
for c in "${commands[@]}"; do
  row="| $(label "$c") |"; prev=""
  for n in "${sizes[@]}"; do
    cell=$(awk -v t="${t[$c,$n]}" -v m="${m[$c,$n]}" -v p="$prev" 'BEGIN { printf "%.3f s, %d MB", t, m / 1024; if (p != "" && p > 0) printf " (x%.1f)", t / p }')
    [ "${rc[$c,$n]}" = 0 ] || cell+=" exit ${rc[$c,$n]}"
    row+=" $cell |"; prev=${t[$c,$n]}
  done
  echo "$row"
done
echo
for pair in "3000 30000 12" "30000 100000 4"; do
  read -r a b goal <<< "$pair"
  [ -n "${t[check,$a]:-}" ] && [ -n "${t[check,$b]:-}" ] || continue
  for c in "${commands[@]}"; do
    awk -v c="$c" -v x="${t[$c,$a]}" -v y="${t[$c,$b]}" -v a="$a" -v b="$b" -v g="$goal" \
      'BEGIN { r = (x > 0 ? y / x : 0); printf "t(%dk)/t(%dk) %-12s %.1f (goal <= %d)%s\n", b / 1000, a / 1000, c, r, g, (r <= g ? "" : "  MISSED") }'
  done
done

if [ -n "${kustomize:-}" ]; then
  echo
  echo "$kustomize"
fi

if command -v valgrind > /dev/null; then
  mkdir -p "$work/cg" && cd "$work/cg"
  python3 "$repo/bench/synthetic.py" . 3000 > /dev/null
  instructions=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" render --profile prod --image "$image" --out out 2>&1 > /dev/null | sed -n 's/.*Collected : *//p')
  echo
  echo "3k cells, render --out DIR from scratch: $instructions instructions (callgrind)"
fi

echo
echo "Hostile inputs (\`check\`):"
python3 "$repo/bench/hostile.py" "$work/hostile"
for case in env-1m dups-100k name-60mb name-100mb bindings-20k dev-zero extends-5000 glob-backtrack; do
  cd "$work/hostile/$case"
  case "$case" in
    glob-backtrack) read -r ht hm hrc < <(measure "$bin" check --workspace --deny-warnings) ;;
    *) read -r ht hm hrc < <(measure "$bin" check) ;;
  esac
  echo "- $case: $ht s, $((hm / 1024)) MB, exit $hrc"
done
