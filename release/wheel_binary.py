"""Copies the x07-topo binary out of a wheel built from wheel/pyproject.toml:
    python3 release/wheel_binary.py WHEEL OUTFILE
so a release archive carries exactly the binary of the wheel of its platform (the release
workflow and .ci/release_check.sh pack archives this way)."""

import os
import stat
import sys
import zipfile


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    wheel, out = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(wheel) as z:
        names = [n for n in z.namelist() if n.endswith(".data/scripts/x07-topo")]
        if len(names) != 1:
            print(f"wheel_binary.py: {wheel} holds {len(names)} x07-topo binaries, not one", file=sys.stderr)
            return 1
        with z.open(names[0]) as src, open(out, "wb") as dst:
            dst.write(src.read())
    os.chmod(out, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
