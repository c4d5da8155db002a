#!/usr/bin/env python3
"""Validates x07-topo's JSON Schemas and the repository's input documents against them.

The schemas come from the real binary (`x07-topo schema manifest|profile|target`), so
this checks that what the tool publishes is a valid Draft 2020-12 JSON Schema and that
it agrees with the tool's own decoder on the golden inputs:

- every golden manifest of a case that exits 0 validates against the manifest schema;
- every golden profile (arch/topology/*.json) of a case that exits 0 validates against
  the profile schema;
- every built-in target description (targets/*.json) validates against the target schema;
- every built-in preset (profiles/*.json) validates against the profile schema;
- negative control: manifests the tool rejects structurally (unknown field, bad enum,
  wrong type, missing field) are rejected by the manifest schema too, so this check can fail.

Run from the repository root (or anywhere: paths are relative to this file). Builds
target/debug/x07-topo (or $CARGO_TARGET_DIR/debug/x07-topo) with `cargo build --locked` unless
X07_TOPO_BIN names a binary.
Exits non-zero on any problem.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:  # pragma: no cover - reported as a clear failure
    sys.exit("validate_inputs: the `jsonschema` package is missing; run .ci/run or pip install -r .ci/requirements.txt")

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
SCHEMA_KINDS = ("manifest", "profile", "target")
# Cases whose manifests the tool rejects for a structural reason a JSON Schema also sees.
NEGATIVE_CASES = (
    "check-err-unknown-field",
    "check-err-bad-enum",
    "check-err-wrong-type",
    "check-err-missing-field",
)

problems = []


def problem(message):
    problems.append(message)
    print(f"  FAIL {message}")


def rel(path):
    return path.relative_to(ROOT).as_posix()


def cargo_target_dir():
    """Where cargo builds: $CARGO_TARGET_DIR (relative to the repository, as cargo reads it
    when run from there) or target/."""
    explicit = os.environ.get("CARGO_TARGET_DIR")
    return ROOT / explicit if explicit else ROOT / "target"


def built_binary():
    """The debug binary `cargo build` makes, wherever CARGO_TARGET_DIR puts it."""
    return cargo_target_dir() / "debug" / ("x07-topo.exe" if os.name == "nt" else "x07-topo")


def binary():
    explicit = os.environ.get("X07_TOPO_BIN")
    if explicit:
        return Path(explicit)
    exe = built_binary()
    print("building x07-topo (cargo build --locked)", flush=True)
    build = subprocess.run(["cargo", "build", "--locked", "--quiet", "--bin", "x07-topo"], cwd=ROOT)
    if build.returncode != 0:
        sys.exit(f"validate_inputs: cargo build failed (exit {build.returncode})")
    if not exe.is_file():
        sys.exit(f"validate_inputs: {exe} was not built")
    return exe


def load_schema(exe, kind):
    run = subprocess.run([str(exe), "schema", kind], cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        problem(f"`x07-topo schema {kind}` exited {run.returncode}: {run.stderr.strip()}")
        return None
    try:
        schema = json.loads(run.stdout)
    except json.JSONDecodeError as e:
        problem(f"`x07-topo schema {kind}` did not print JSON: {e}")
        return None
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    if declared != "https://json-schema.org/draft/2020-12/schema":
        problem(f"schema {kind}: $schema is {declared!r}, expected Draft 2020-12")
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        problem(f"schema {kind} is not a valid Draft 2020-12 schema: {e.message} at {list(e.absolute_path)}")
        return None
    print(f"  ok   schema {kind} ({schema.get('title')}) is a valid Draft 2020-12 JSON Schema")
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def case_exit(case_dir):
    """The exit code a golden case expects, from the first line of expected/json.out."""
    path = case_dir / "expected" / "json.out"
    try:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError) as e:
        problem(f"{rel(path)}: cannot read the expected exit code: {e}")
        return None
    if not first.startswith("exit: ") or not first[len("exit: "):].isdigit():
        problem(f"{rel(case_dir)}/expected/json.out does not start with `exit: N`")
        return None
    return int(first[len("exit: "):])


def load_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        problem(f"{rel(path)}: not JSON: {e}")
        return None


def errors_of(validator, document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def describe(errors):
    """The first few errors, each at its deepest relevant cause (anyOf hides the real one)."""
    parts = []
    for e in errors[:5]:
        e = jsonschema.exceptions.best_match([e]) or e
        message = e.message if len(e.message) <= 160 else e.message[:157] + "..."
        parts.append(f"/{'/'.join(map(str, e.absolute_path))}: {message}")
    return "; ".join(parts)


def must_pass(validator, kind, paths):
    passed = 0
    for path in paths:
        document = load_json(path)
        if document is None:
            continue
        errors = errors_of(validator, document)
        if errors:
            problem(f"{rel(path)} does not validate against the {kind} schema: {describe(errors)}")
        else:
            passed += 1
    print(f"  {passed}/{len(paths)} {kind} documents validate against the {kind} schema")
    return passed


def main():
    exe = binary()
    print("== schemas")
    validators = {kind: load_schema(exe, kind) for kind in SCHEMA_KINDS}

    cases = sorted(p for p in GOLDEN.iterdir() if p.is_dir())
    ok_cases = [c for c in cases if case_exit(c) == 0]
    print(f"== golden cases: {len(cases)}, of which {len(ok_cases)} exit 0")
    if not ok_cases:
        problem("no golden case exits 0: nothing to validate")

    manifests = [c / "arch/service/index.x07service.json" for c in ok_cases]
    manifests = [m for m in manifests if m.is_file()]
    profiles = sorted(p for c in ok_cases for p in (c / "arch/topology").glob("*.json") if p.is_file())
    profiles += sorted((ROOT / "profiles").glob("*.json"))
    targets = sorted((ROOT / "targets").glob("*.json"))
    if not manifests:
        problem("found no manifest in the golden cases that exit 0")
    if not profiles:
        problem("found no profile file in the golden cases that exit 0")
    if not targets:
        problem("found no targets/*.json")

    if validators["manifest"]:
        print("== manifests of cases that exit 0")
        must_pass(validators["manifest"], "manifest", manifests)
    if validators["profile"]:
        print("== profiles of cases that exit 0")
        must_pass(validators["profile"], "profile", profiles)
    if validators["target"]:
        print("== built-in target descriptions")
        must_pass(validators["target"], "target", targets)

    if validators["manifest"]:
        print("== negative control: manifests the tool rejects must fail the manifest schema")
        rejected = 0
        for case in NEGATIVE_CASES:
            path = GOLDEN / case / "arch/service/index.x07service.json"
            if not path.is_file():
                problem(f"negative control {rel(path)} is missing")
                continue
            if case_exit(GOLDEN / case) != 1:
                problem(f"negative control golden/{case} no longer exits 1")
            document = load_json(path)
            if document is None:
                continue
            errors = errors_of(validators["manifest"], document)
            if errors:
                rejected += 1
                print(f"  ok   {rel(path)} is rejected: {describe(errors[:1])}")
            else:
                problem(f"{rel(path)} validates against the manifest schema, but the tool rejects it")
        print(f"  {rejected}/{len(NEGATIVE_CASES)} negative controls rejected")

    if problems:
        print(f"validate_inputs: {len(problems)} problem(s)")
        for p in problems:
            print(f"  - {p}")
        return 1
    print("validate_inputs: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
