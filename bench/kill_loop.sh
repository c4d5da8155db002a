#!/usr/bin/env bash
# kill -9 loop (issue 10): `render --out DIR` of a large synthetic service, killed with
# SIGKILL at random moments, then rerun; after each rerun DIR must be exactly the tree an
# uninterrupted render gives (hash of every path, kind, link target and file content), with
# no staging folder or lock file left. Each run switches the manifest's placement (co-located
# <-> split by cell; one service and profile, so one owner), so every run both writes and
# prunes thousands of files.
# Prints where each kill landed (before the commit point: a staging folder without journal;
# after it: a journal; elsewhere: rendering in memory or already done) and the totals.
# Usage: bench/kill_loop.sh [CELLS] [KILLS] [FROM]   (defaults 10000, 20 and 0)
# FROM: kills are drawn from FROM% of the window to its end; `commit` instead waits for the
# journal (the commit point) and kills within a tenth of the window after it, to exercise
# the completion of committed runs.
set -euo pipefail
cells=${1:-10000}
kills=${2:-20}
from=${3:-0}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/x07-topo"
python3 "$repo/bench/synthetic.py" "$work/prod" "$cells" co-located > /dev/null
python3 "$repo/bench/synthetic.py" "$work/split" "$cells" split-by-cell > /dev/null
cd "$work"

# render VARIANT DIR [ARGS]: the service with the variant's placement, into DIR.
render() { "$bin" render --manifest "$1/arch/service/index.x07service.json" --profile prod --image ghcr.io/acme/bench:1.0.0 --out "$2" "${@:3}"; }

# Hash of a tree: every entry's kind, path and link target, then every file's content.
tree_hash() {
  (cd "$1" && { find . -mindepth 1 -printf '%y %p %l\n' | LC_ALL=C sort; find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum; }) | sha256sum | cut -d' ' -f1
}

ms_now() { date +%s%3N; }

render prod want-prod > /dev/null 2>&1
render split want-split > /dev/null 2>&1
declare -A want=([prod]=$(tree_hash want-prod) [split]=$(tree_hash want-split))
files_prod=$(find want-prod -type f | wc -l)
files_split=$(find want-split -type f | wc -l)

# How long one profile switch takes, uninterrupted: the window kills are drawn from.
render prod out > /dev/null 2>&1
start=$(ms_now); render split out > /dev/null 2>&1; window=$(( $(ms_now) - start ))
start=$(ms_now); render prod out > /dev/null 2>&1; window=$(( (window + $(ms_now) - start) / 2 ))

delivered=0 finished=0 before_commit=0 after_commit=0 elsewhere=0 ok=0 bad=0 check_pending=0
profile=prod
for i in $(seq "$kills"); do
  profile=$([ "$profile" = prod ] && echo split || echo prod)
  delay=$(( RANDOM * 32768 + RANDOM ))
  if [ "$from" = commit ]; then
    delay=$(( delay % (window / 10 + 1) ))
  else
    skip=$(( window * from / 100 ))
    delay=$(( skip + delay % (window - skip) ))
  fi
  # The binary itself in the background (not the `render` function: that would fork a
  # subshell, and the kill would hit the subshell, not x07-topo).
  "$bin" render --manifest "$profile/arch/service/index.x07service.json" --profile prod --image ghcr.io/acme/bench:1.0.0 --out out > /dev/null 2>&1 &
  pid=$!
  if [ "$from" = commit ]; then
    while [ ! -f out/.x07-topo-staging/journal.json ] && kill -0 "$pid" 2> /dev/null; do :; done
  fi
  sleep "$(awk -v ms="$delay" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null && rc=0 || rc=$?
  [ "$rc" -eq 137 ] && delivered=$((delivered + 1))
  if [ "$rc" -eq 0 ]; then
    finished=$((finished + 1)); where="finished before the kill"
  elif [ -f out/.x07-topo-staging/journal.json ]; then
    after_commit=$((after_commit + 1)); where="after the commit point"
    # --check must report the pending work (exit 1) and change nothing.
    if render "$profile" out --check > /dev/null 2> check.err; then :; else
      grep -q "interrupted render" check.err && check_pending=$((check_pending + 1))
    fi
  elif [ -d out/.x07-topo-staging ]; then
    before_commit=$((before_commit + 1)); where="before the commit point (staging)"
  else
    elsewhere=$((elsewhere + 1)); where="while rendering in memory (nothing staged yet)"
  fi
  if ! render "$profile" out > /dev/null 2> rerun.err; then
    echo "rerun failed:"; cat rerun.err
  fi
  got=$(tree_hash out)
  if [ "$got" = "${want[$profile]}" ] && [ ! -e out/.x07-topo-staging ] && [ ! -e out/.x07-topo.lock ]; then
    ok=$((ok + 1)); verdict=ok
  else
    bad=$((bad + 1)); verdict="MISMATCH"
  fi
  printf 'kill %2d: %-5s at %5d ms%s of ~%d ms: %-46s rerun: %s\n' "$i" "$profile" "$delay" "$([ "$from" = commit ] && echo ' after the journal')" "$window" "$where" "$verdict"
done

echo "cells: $cells; files per tree: prod $files_prod, split $files_split; one profile switch: ~${window} ms"
echo "kills: $kills sent; $delivered runs died of SIGKILL, $finished had already finished"
echo "landed: $elsewhere while rendering, $before_commit before the commit point, $after_commit after it ($check_pending of those reported as pending by --check)"
echo "reruns giving exactly the expected tree: $ok of $kills; mismatches: $bad"
[ "$bad" -eq 0 ]
