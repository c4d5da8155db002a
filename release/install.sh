#!/bin/sh
# Installs a released x07-topo binary, checksum verified:
#     curl -fsSL https://github.com/OWNER/x07-topo/releases/download/vVERSION/install.sh | sh
#     sh install.sh [--version V] [--to DIR] [--target TRIPLE] [--base-url URL] [--sha256 HEX]
# It downloads x07-topo-<version>-<target>.tar.gz and its .sha256 from the release (or from
# --base-url: https://..., file://... or a local folder), checks the archive's SHA-256
# against the .sha256 file and, when given, against --sha256 (a checksum you pinned), and
# only then puts `x07-topo` into DIR (default ~/.local/bin). Nothing is installed when a
# check fails. Supported: Linux x86_64/aarch64 (glibc), macOS x86_64/arm64.
# Exit codes: 0 installed; 1 a checksum did not match; 2 usage, download or platform error.
# The release workflow stamps the repository into the copy it publishes; tests/packaging.rs
# keeps the default version equal to Cargo.toml's.
set -eu

version=${X07_TOPO_VERSION:-0.1.0}
repository=${X07_TOPO_REPOSITORY:-@REPOSITORY@}
to=${X07_TOPO_INSTALL_DIR:-${HOME:-}/.local/bin}
target=
base_url=${X07_TOPO_BASE_URL:-}
pinned=

die() { echo "x07-topo install: $2" >&2; exit "$1"; }

while [ $# -gt 0 ]; do
    case $1 in
        --version) [ $# -ge 2 ] || die 2 "--version needs a value"; version=$2; shift 2 ;;
        --to) [ $# -ge 2 ] || die 2 "--to needs a value"; to=$2; shift 2 ;;
        --target) [ $# -ge 2 ] || die 2 "--target needs a value"; target=$2; shift 2 ;;
        --base-url) [ $# -ge 2 ] || die 2 "--base-url needs a value"; base_url=$2; shift 2 ;;
        --sha256) [ $# -ge 2 ] || die 2 "--sha256 needs a value"; pinned=$2; shift 2 ;;
        -h | --help) sed -n '2,12p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die 2 "unknown argument $1 (see --help)" ;;
    esac
done
version=${version#v}
case $version in
    '' | *[!0-9A-Za-z.+-]*) die 2 "--version $version is not a version (e.g. 0.1.0)" ;;
esac

if [ -z "$target" ]; then
    os=$(uname -s) arch=$(uname -m)
    case "$os/$arch" in
        Linux/x86_64 | Linux/amd64) target=x86_64-unknown-linux-gnu ;;
        Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-gnu ;;
        Darwin/x86_64) target=x86_64-apple-darwin ;;
        Darwin/arm64 | Darwin/aarch64) target=aarch64-apple-darwin ;;
        *) die 2 "no release archive for $os $arch (supported: Linux x86_64/aarch64, macOS x86_64/arm64); build from source: cargo install --locked --path ." ;;
    esac
fi

if [ -z "$base_url" ]; then
    case $repository in
        @*) die 2 "this copy of install.sh names no repository: give --base-url or X07_TOPO_REPOSITORY=OWNER/NAME" ;;
    esac
    base_url="https://github.com/$repository/releases/download/v$version"
fi
[ -n "$to" ] || die 2 "no install folder: give --to DIR"

name="x07-topo-$version-$target"
tmp=$(mktemp -d 2>/dev/null || mktemp -d -t x07-topo)
trap 'rm -rf "$tmp"' EXIT INT TERM

fetch() { # fetch NAME: copies $base_url/NAME to $tmp/NAME
    case $base_url in
        http://* | https://*)
            if command -v curl >/dev/null 2>&1; then
                curl --proto '=https,http' --tlsv1.2 -fsSL --retry 3 -o "$tmp/$1" "$base_url/$1" || die 2 "cannot download $base_url/$1"
            elif command -v wget >/dev/null 2>&1; then
                wget -q -O "$tmp/$1" "$base_url/$1" || die 2 "cannot download $base_url/$1"
            else
                die 2 "neither curl nor wget is installed"
            fi ;;
        file://*) cp "${base_url#file://}/$1" "$tmp/$1" 2>/dev/null || die 2 "cannot read ${base_url#file://}/$1" ;;
        *) cp "$base_url/$1" "$tmp/$1" 2>/dev/null || die 2 "cannot read $base_url/$1" ;;
    esac
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d' ' -f1
    else
        die 2 "neither sha256sum nor shasum is installed: cannot verify the download"
    fi
}

fetch "$name.tar.gz"
fetch "$name.tar.gz.sha256"
actual=$(sha256 "$tmp/$name.tar.gz")
published=$(cut -d' ' -f1 <"$tmp/$name.tar.gz.sha256")
[ "$actual" = "$published" ] || die 1 "checksum mismatch for $name.tar.gz: computed $actual, $name.tar.gz.sha256 says $published; nothing installed"
if [ -n "$pinned" ]; then
    [ "$actual" = "$(echo "$pinned" | tr 'A-F' 'a-f')" ] || die 1 "checksum mismatch for $name.tar.gz: computed $actual, --sha256 pinned $pinned; nothing installed"
fi

tar -xzf "$tmp/$name.tar.gz" -C "$tmp" || die 2 "cannot unpack $name.tar.gz"
[ -f "$tmp/$name/x07-topo" ] || die 2 "$name.tar.gz holds no $name/x07-topo"
mkdir -p "$to" || die 2 "cannot create $to"
cp "$tmp/$name/x07-topo" "$to/.x07-topo.partial" || die 2 "cannot write to $to"
chmod 0755 "$to/.x07-topo.partial"
mv -f "$to/.x07-topo.partial" "$to/x07-topo" || die 2 "cannot write $to/x07-topo"
echo "installed $to/x07-topo ($name, sha256 $actual)"
case ":${PATH:-}:" in
    *":$to:"*) ;;
    *) echo "note: $to is not on your PATH" ;;
esac
