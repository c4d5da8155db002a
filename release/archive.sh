#!/usr/bin/env bash
# Packs a built x07-topo binary into the release archive of one target, with its checksum:
#     release/archive.sh BINARY TARGET OUTDIR
# writes OUTDIR/x07-topo-<version>-<target>.tar.gz (one folder: the binary, README.md and
# the Argo CD plugin file) and OUTDIR/<archive>.sha256 in the format
# of `sha256sum` ("<hex>  <name>"), which release/install.sh and the GitHub Action verify.
# <version> is Cargo.toml's. The release workflow runs this per target; .ci/run runs it on
# the host binary and installs the result with release/install.sh.
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 BINARY TARGET OUTDIR" >&2
    exit 2
fi
binary=$1 target=$2 outdir=$3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n1)
[[ -n $version ]] || { echo "archive.sh: no version in $root/Cargo.toml" >&2; exit 2; }
[[ -f $binary && -x $binary ]] || { echo "archive.sh: $binary is not an executable file" >&2; exit 2; }
case $target in
    *-linux-* | *-apple-darwin) ;;
    *) echo "archive.sh: target $target is not supported (Linux and macOS only; see README, Install)" >&2; exit 2 ;;
esac

name="x07-topo-$version-$target"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/x07-topo"
chmod 0755 "$stage/$name/x07-topo"
cp "$root/README.md" "$stage/$name/README.md"
cp "$root/integrations/argocd/plugin.yaml" "$stage/$name/argocd-plugin.yaml"

mkdir -p "$outdir"
tar -czf "$outdir/$name.tar.gz" -C "$stage" "$name"
if command -v sha256sum >/dev/null; then
    (cd "$outdir" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
else
    (cd "$outdir" && shasum -a 256 "$name.tar.gz" >"$name.tar.gz.sha256")
fi
echo "$outdir/$name.tar.gz"
