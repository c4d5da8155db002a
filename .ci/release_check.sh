#!/usr/bin/env bash
# Install without building (issue 28), as .ci/run's step of that name runs it: from the
# repository root, with target/ci-venv active (.ci/run's setup). Each part prints its time.
#   1. The wheel: maturin builds it for the host (dev profile, into cargo's target folder,
#      so it reuses the build of the step before), pip installs it into a fresh venv with no
#      index; `x07-topo --version` names Cargo.toml's version; one render.
#   2. pre-commit's install: a second fresh venv gets the root pyproject.toml the way
#      pre-commit installs a `language: python` hook repository (`pip install .`), which
#      must pull that wheel, not compile; then tests/gitops.rs runs every hook's entry (and
#      the Argo CD plugin) with X07_TOPO_BIN_DIR pointing at that install; then pre-commit
#      itself runs the hooks of a .pre-commit-config.yaml naming this repository at HEAD
#      (its environment must hold the wheel's binary, byte for byte).
#   3. The release archive of the host: release/archive.sh packs the wheel's binary,
#      release/install.sh installs it checksum verified; a tampered archive installs nothing.
#   4. The release workflow and action.yml: the GitHub schemas (check-jsonschema) and zizmor,
#      each shown to fail on a broken copy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
: "${VIRTUAL_ENV:?run from .ci/run (needs target/ci-venv)}"

part() { printf -- '--- %s\n' "$*"; PART_START=$SECONDS; }
took() { printf -- '    (%ss)\n' "$((SECONDS - PART_START))"; }

requirements="$ROOT/.ci/requirements-release.txt"
if ! cmp -s "$requirements" "$VIRTUAL_ENV/.ci-requirements-release.txt"; then
    python3 -m pip install --quiet --timeout 60 --retries 5 -r "$requirements"
    cp "$requirements" "$VIRTUAL_ENV/.ci-requirements-release.txt"
fi
maturin --version

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
target_dir=$(cargo metadata --format-version 1 --no-deps --locked --offline | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
host=$(rustc -vV | sed -n 's/^host: //p')
work="$target_dir/release-check"
rm -rf "$work"
mkdir -p "$work"

# ------------------------------------------------------------------------- 1. the wheel
part "wheel: maturin build (host, dev profile, cargo's target folder)"
(cd wheel && maturin build --locked --out "$work/dist")
took
wheels=("$work"/dist/x07_topo-"$version"-*.whl)
[[ ${#wheels[@]} -eq 1 && -f ${wheels[0]} ]] || { echo "ci: expected one wheel x07_topo-$version-*.whl in $work/dist" >&2; ls "$work/dist" >&2; exit 1; }
wheel=${wheels[0]}
echo "built $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"

part "wheel: fresh venv, pip install (no index)"
python3 -m venv "$work/venv-wheel"
"$work/venv-wheel/bin/python" -m pip install --quiet --no-index "$wheel"
took
x07="$work/venv-wheel/bin/x07-topo"
[[ -x $x07 ]] || { echo "ci: the wheel put no x07-topo into the venv's bin" >&2; exit 1; }
reported=$("$x07" --version | head -n1)
[[ $reported == "x07-topo $version" ]] || { echo "ci: the wheel's x07-topo says '$reported', Cargo.toml says $version" >&2; exit 1; }
echo "$reported"
rendered=$(cd examples/orders && "$x07" render --profile prod --image ghcr.io/acme/orders:1.4.2)
grep -q '^kind: Deployment$' <<<"$rendered" || { echo "ci: the wheel's render printed no Deployment" >&2; exit 1; }
echo "render from the wheel: $(grep -c '^kind: ' <<<"$rendered") objects"

# ------------------------------------------------------------ 2. pre-commit's installation
part "pre-commit: fresh venv, pip install . (the root pyproject.toml; the wheel from a local index)"
python3 -m venv "$work/venv-pre-commit"
# A copy of the root package, so pip's in-tree build leaves nothing in the checkout.
mkdir "$work/hook-repo"
cp pyproject.toml "$work/hook-repo/"
PIP_CONSTRAINT="$ROOT/.ci/constraints-pre-commit.txt" PIP_FIND_LINKS="$work/dist" \
    "$work/venv-pre-commit/bin/python" -m pip install --quiet --timeout 60 --retries 5 "$work/hook-repo"
took
"$work/venv-pre-commit/bin/python" -m pip list --format=freeze | grep -x "x07-topo==$version" \
    || { echo "ci: installing the pre-commit package did not install the x07-topo $version wheel" >&2; exit 1; }
cmp "$work/venv-pre-commit/bin/x07-topo" "$work/venv-wheel/bin/x07-topo" \
    || { echo "ci: the pre-commit install holds another binary than the wheel's" >&2; exit 1; }

part "pre-commit hooks and the Argo CD plugin through that install (tests/gitops.rs)"
X07_TOPO_BIN_DIR="$work/venv-pre-commit/bin" cargo test --locked --quiet --test gitops
took

part "pre-commit itself: a repository whose .pre-commit-config.yaml names this one at HEAD"
# pre-commit clones this repository, creates its own venv and runs `pip install .`: the
# wheel comes from the local index (PIP_FIND_LINKS), setuptools from PyPI; nothing compiles.
hook_user="$work/hook-user"
mkdir "$hook_user"
cp -r examples/orders/. "$hook_user/"
rev=$(git rev-parse HEAD)
cat >"$hook_user/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $ROOT
    rev: $rev
    hooks:
      - id: x07-topo-check
      - id: x07-topo-render-check
        args: [--profile, prod, --image, ghcr.io/acme/orders:1.4.2, --out, deploy/prod]
YAML
commit() { git -C "$hook_user" add -A && git -C "$hook_user" -c user.name=ci -c user.email=ci@invalid commit -qm "$1"; }
pre_commit() {
    (cd "$hook_user" && PRE_COMMIT_HOME="$work/pre-commit-home" PIP_FIND_LINKS="$work/dist" \
        PIP_CONSTRAINT="$ROOT/.ci/constraints-pre-commit.txt" pre-commit run --all-files --color never)
}
git -C "$hook_user" init -q
commit "service"
rc=0
pre_commit >"$work/pre-commit.out" 2>&1 || rc=$?
grep -E '^x07-topo|^\[INFO\]' "$work/pre-commit.out" || true
[[ $rc -eq 1 ]] && grep -q '^x07-topo check\.*Passed$' "$work/pre-commit.out" && grep -q '^x07-topo render --check\.*Failed$' "$work/pre-commit.out" \
    || { cat "$work/pre-commit.out"; echo "ci: pre-commit: expected check to pass and render --check to fail before a render (exit $rc)" >&2; exit 1; }
hook_binary=$(find "$work/pre-commit-home" -path '*/py_env-*/bin/x07-topo' | head -n1)
cmp "$hook_binary" "$work/venv-wheel/bin/x07-topo" || { echo "ci: pre-commit's environment holds another x07-topo than the wheel's" >&2; exit 1; }
(cd "$hook_user" && "$x07" render --profile prod --image ghcr.io/acme/orders:1.4.2 --out deploy/prod >/dev/null)
commit "rendered"
pre_commit >"$work/pre-commit.out" 2>&1 || { cat "$work/pre-commit.out"; echo "ci: pre-commit failed on a fresh render" >&2; exit 1; }
grep -E '^x07-topo' "$work/pre-commit.out"
took

# ------------------------------------------------------------------- 3. the release archive
part "archive: the wheel's binary packed by release/archive.sh for $host, release/install.sh (checksum verified)"
python3 release/wheel_binary.py "$wheel" "$work/x07-topo"
bash release/archive.sh "$work/x07-topo" "$host" "$work/release"
(cd "$work/release" && sha256sum --check ./*.sha256)
sh release/install.sh --base-url "$work/release" --target "$host" --to "$work/installed"
[[ $("$work/installed/x07-topo" --version | head -n1) == "x07-topo $version" ]]
cp -r "$work/release" "$work/tampered"
printf '\0' >>"$work/tampered/x07-topo-$version-$host.tar.gz"
rc=0
sh release/install.sh --base-url "$work/tampered" --target "$host" --to "$work/tampered-bin" 2>"$work/tampered.err" || rc=$?
cat "$work/tampered.err"
[[ $rc -eq 1 && ! -e $work/tampered-bin/x07-topo ]] || { echo "ci: a tampered archive was not refused (exit $rc)" >&2; exit 1; }
grep -q "checksum mismatch" "$work/tampered.err"
took

# ------------------------------------------------------- 4. the release workflow and action
part "release workflow and action.yml: GitHub schemas and zizmor"
check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/release.yml
check-jsonschema --builtin-schema vendor.github-actions action.yml
zizmor --offline --no-progress .github/workflows/release.yml action.yml
# Negative controls: a job without runs-on, and an action pinned to a branch, must fail.
mkdir -p "$work/broken"
python3 - "$work/broken" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1])
workflow = pathlib.Path(".github/workflows/release.yml").read_text()
(out / "release.yml").write_text(workflow.replace("    runs-on: ubuntu-24.04\n", "", 1))
action = pathlib.Path("action.yml").read_text()
(out / "action.yml").write_text(re.sub(r"upload-sarif@[0-9a-f]{40}", "upload-sarif@main", action))
PY
if check-jsonschema --builtin-schema vendor.github-workflows "$work/broken/release.yml" >/dev/null; then
    echo "ci: negative control: a job without runs-on passed the workflow schema" >&2
    exit 1
fi
if zizmor --offline --no-progress "$work/broken/action.yml" >/dev/null 2>&1; then
    echo "ci: negative control: zizmor accepted an action pinned to a branch" >&2
    exit 1
fi
echo "negative controls: the schema refused a job without runs-on; zizmor refused an unpinned action"
took
