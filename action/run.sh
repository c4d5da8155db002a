#!/usr/bin/env bash
# The logic of the x07-topo GitHub Action (action.yml runs this with its inputs as INPUT_*
# variables, as GitHub sets them for an action; tests/action.rs runs it the same way).
#   1. Installs the released x07-topo INPUT_VERSION for the runner's platform with
#      release/install.sh: the archive's SHA-256 is checked against the release's .sha256
#      file and, when INPUT_SHA256 is set, against that pinned value.
#   2. `x07-topo check --format sarif` into INPUT_SARIF_FILE (the next step of action.yml
#      uploads it to code scanning), then `check --format github` for annotations.
#   3. `x07-topo render --check` for each profile of INPUT_PROFILES (one service) or for the
#      workspace: stale files get an error annotation each, the diff goes to the log.
# Exit codes: 0 everything passed; 1 check found errors (or warnings with deny_warnings) or a
# committed folder is stale; 2 usage, install or I/O failure. Every step runs even when an
# earlier one failed (the SARIF is written either way); the worst code is the exit code.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

# input NAME: the input's value (INPUT_NAME), trimmed.
input() {
    local v
    v=$(printenv "INPUT_$1" || true)
    v=${v#"${v%%[![:space:]]*}"}
    v=${v%"${v##*[![:space:]]}"}
    printf '%s' "$v"
}
# words NAME: the input split on spaces, commas and newlines, one per line.
words() { input "$1" | tr ', \t\r' '\n\n\n\n' | sed '/^$/d'; }
truthy() { case $(input "$1" | tr 'A-Z' 'a-z') in true | yes | 1 | on) return 0 ;; *) return 1 ;; esac; }
usage_error() { echo "::error title=x07-topo action::$*"; echo "x07-topo action: $*" >&2; exit 2; }

status=0
record() { # record CODE: keeps the worst exit code (2 over 1 over 0)
    if [[ $1 -ge 2 ]]; then status=2; elif [[ $1 -eq 1 && $status -eq 0 ]]; then status=1; fi
}

version=$(input VERSION)
[[ -n $version ]] || usage_error "input version is required (a released x07-topo version, e.g. 0.1.0)"
manifest=$(input MANIFEST)
workspace=$(input WORKSPACE)
out_template=$(input OUT)
[[ -n $out_template ]] || out_template='deploy/{profile}'
images_file=$(input IMAGES_FILE)
sarif=$(input SARIF_FILE)
[[ -n $sarif ]] || sarif=x07-topo.sarif
workdir=$(input WORKING_DIRECTORY)
[[ -n $workdir ]] || workdir=.
mapfile -t profiles < <(words PROFILES)
mapfile -t images < <(words IMAGE)

if [[ -n $workspace && -n $manifest ]]; then
    usage_error "give manifest (one service) or workspace, not both"
fi
if [[ -n $workspace && ${#profiles[@]} -gt 0 ]]; then
    usage_error "profiles do not apply with workspace: the workspace file names its profiles"
fi
if [[ -n $workspace && ${#images[@]} -gt 0 ]]; then
    usage_error "with workspace, give images as images_file (a JSON map of service to image)"
fi
if [[ -z $workspace && -n $images_file ]]; then
    usage_error "images_file applies with workspace; for one service use image ([DEPLOYABLE=]REF ...)"
fi

# ------------------------------------------------------------------------------- install
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) target=x86_64-unknown-linux-gnu ;;
    Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    *) usage_error "no x07-topo release for runner ${RUNNER_OS:-?} ${RUNNER_ARCH:-?} (supported: Linux X64/ARM64, macOS X64/ARM64)" ;;
esac
base_url=${X07_TOPO_BASE_URL:-}
if [[ -z $base_url ]]; then
    [[ -n ${X07_TOPO_REPOSITORY:-} ]] || usage_error "cannot tell which repository publishes x07-topo (X07_TOPO_REPOSITORY is empty; use the action as owner/name@ref)"
    base_url="https://github.com/$X07_TOPO_REPOSITORY/releases/download/v${version#v}"
fi
bin_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/x07-topo-${version#v}/bin"
install_args=(--version "$version" --target "$target" --to "$bin_dir" --base-url "$base_url")
[[ -z $(input SHA256) ]] || install_args+=(--sha256 "$(input SHA256)")
echo "::group::Install x07-topo $version ($target)"
if ! sh "$root/release/install.sh" "${install_args[@]}"; then
    echo "::endgroup::"
    usage_error "installing x07-topo $version failed (see above)"
fi
[[ -z ${GITHUB_PATH:-} ]] || echo "$bin_dir" >>"$GITHUB_PATH"
x07="$bin_dir/x07-topo"
"$x07" --version | head -n1
echo "::endgroup::"

cd "$workdir" || usage_error "working_directory $workdir does not exist"
# Annotation paths are relative to the repository root, where GitHub shows them.
prefix=${workdir%/}/
prefix=${prefix#./}
[[ $prefix != / ]] || prefix=

lint=()
truthy DENY_WARNINGS && lint+=(--deny-warnings)
if [[ -n $workspace ]]; then
    scope=(--workspace "$workspace")
else
    scope=()
    [[ -z $manifest ]] || scope+=(--manifest "$manifest")
fi

# --------------------------------------------------------------------------------- check
check_args=("${scope[@]}")
if [[ -z $workspace ]]; then
    for p in "${profiles[@]}"; do check_args+=(--profile "${p%%=*}"); done
fi
echo "::group::x07-topo check"
mkdir -p "$(dirname "$sarif")"
set +e
"$x07" check "${check_args[@]}" "${lint[@]}" --format sarif >"$sarif"
code=$?
set -e
if [[ $code -le 1 && -s $sarif ]]; then
    sarif_abs=$(cd "$(dirname "$sarif")" && pwd)/$(basename "$sarif")
    echo "SARIF written to $sarif_abs"
    [[ -z ${GITHUB_OUTPUT:-} ]] || echo "sarif_file=$sarif_abs" >>"$GITHUB_OUTPUT"
else
    rm -f "$sarif"
fi
set +e
"$x07" check "${check_args[@]}" "${lint[@]}" --format github
code2=$?
set -e
echo "::endgroup::"
record "$code"
record "$code2"

# -------------------------------------------------------------------------- render --check
# annotate OUTDIR_PREFIX < JSON report: one error annotation per stale file.
annotate() {
    python3 -c '
import json, sys
prefix = sys.argv[1]
def prop(s):
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
report = json.load(sys.stdin)
result = report.get("result") or {}
stale = []
for folder in result.get("folders") or []:
    stale += [(folder["out"], name, "stale") for name in folder.get("stale") or []]
for change in result.get("changes") or []:
    if change.get("subject") == "file":
        stale.append((sys.argv[2], change["name"], change.get("change", "stale")))
for out, name, how in stale:
    path = (prefix + out.rstrip("/") + "/" + name).replace("/./", "/")
    print(f"::error file={prop(path)},title=x07-topo render --check::{prop(path)} is stale ({how}): run x07-topo render with the same arguments and commit the result")
if not stale:
    print("::error title=x07-topo render --check::the committed output is stale (see the log)")
' "$prefix" "${1:-}"
}

render_check() { # render_check OUT ARGS...: the human run for the log, then annotations
    local out=$1 code
    shift
    set +e
    "$x07" render "$@" --check
    code=$?
    set -e
    if [[ $code -eq 1 ]]; then
        if command -v python3 >/dev/null; then
            "$x07" render "$@" --check --format json | annotate "$out" || true
        else
            echo "::error title=x07-topo render --check::the committed output is stale (see the log)"
        fi
    fi
    record "$code"
}

if truthy RENDER_CHECK; then
    if [[ -n $workspace ]]; then
        echo "::group::x07-topo render --workspace --check"
        args=("${scope[@]}")
        [[ -z $images_file ]] || args+=(--images "$images_file")
        render_check "" "${args[@]}"
        echo "::endgroup::"
    else
        for p in "${profiles[@]}"; do
            id=${p%%=*}
            if [[ $p == *=* ]]; then out=${p#*=}; else out=${out_template//\{profile\}/$id}; fi
            echo "::group::x07-topo render --profile $id --out $out --check"
            args=("${scope[@]}" --profile "$id" --out "$out")
            for i in "${images[@]}"; do args+=(--image "$i"); done
            render_check "$out" "${args[@]}"
            echo "::endgroup::"
        done
    fi
fi

[[ -z ${GITHUB_OUTPUT:-} ]] || echo "exit_code=$status" >>"$GITHUB_OUTPUT"
case $status in
    0) echo "x07-topo: all checks passed" ;;
    1) echo "x07-topo: failed (errors in the inputs, or stale rendered output: see the annotations)" ;;
    *) echo "x07-topo: failed (usage or I/O error, see the log)" ;;
esac
exit "$status"
