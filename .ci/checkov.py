"""checkov (PyPI) over every golden Kubernetes render (run by .ci/run, in target/checkov-venv).

Every render is checked on its own (checkov's graph checks, CKV2_*, relate objects of one run):
the `--out` folders under golden/*/expected/files, and the YAML a `render --out -` case prints
(its expected/human.out). A failed check fails CI unless .ci/checkov-accepted.txt records it
as a decision, with one exception: CKV2_K8S_6 (pods without a NetworkPolicy) may only fail in
a render that has no NetworkPolicy; wherever the target enables policies it must pass.
Negative control: the render with policies, its NetworkPolicies removed, must fail CKV2_K8S_6.

Usage: python3 .ci/checkov.py [CHECKOV]   (default: checkov on PATH)
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / ".ci" / "checkov-accepted.txt"
POLICY_CHECK = "CKV2_K8S_6"
WORKLOADS = {"Deployment", "CronJob", "Rollout", "StatefulSet", "DaemonSet", "Job", "Pod"}


def accepted():
    out = {}
    for line in ACCEPTED.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            check, _, why = line.partition(" ")
            out[check] = why.strip()
    return out


def stdout_yaml(transcript):
    """The YAML documents a `render --out -` golden case prints, from its transcript."""
    if "--- stdout\n" not in transcript:
        return []
    body = transcript.split("--- stdout\n", 1)[1].split("\n--- stderr", 1)[0]
    try:
        return [d for d in yaml.safe_load_all(body) if isinstance(d, dict) and "kind" in d]
    except yaml.YAMLError:
        return []


def renders(tmp):
    """(name, folder) of every golden Kubernetes render, each in a folder of its own."""
    out = []
    for files in sorted(ROOT.glob("golden/*/expected/files")):
        docs = [yaml.safe_load(f.read_text()) for f in sorted(files.rglob("*.yaml")) if f.name != "kustomization.yaml"]
        if any(d.get("kind") in WORKLOADS and "apiVersion" in d for d in docs):
            out.append((str(files.relative_to(ROOT)), files))
    for human in sorted(ROOT.glob("golden/*/expected/human.out")):
        case = human.parent.parent
        if not (case / "args").read_text().startswith("render") or (case / "expected/files").exists():
            continue
        docs = stdout_yaml(human.read_text())
        if not any(d.get("kind") in WORKLOADS for d in docs):
            continue
        folder = pathlib.Path(tmp) / case.name
        folder.mkdir()
        for i, d in enumerate(docs):
            (folder / f"{i:03}.yaml").write_text(yaml.safe_dump(d))
        out.append((f"{case.relative_to(ROOT)} (stdout)", folder))
    return out


def has_policy(folder):
    return any(yaml.safe_load(f.read_text()).get("kind") == "NetworkPolicy" for f in folder.rglob("*.yaml") if f.name != "kustomization.yaml")


def run(checkov, folder):
    """The failed checks of one render: [(check id, resource, file)]."""
    out = subprocess.run(
        [checkov, "-d", str(folder), "--framework", "kubernetes", "--quiet", "--compact", "-o", "json", "--skip-download"],
        capture_output=True, text=True,
    )
    if not out.stdout.strip():
        raise RuntimeError(f"checkov printed nothing for {folder} (exit {out.returncode}): {out.stderr[-2000:]}")
    reports = json.loads(out.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = []
    for r in reports:
        if "results" not in r:
            continue  # no resources checked
        for f in r["results"]["failed_checks"]:
            failed.append((f["check_id"], f.get("resource", "?"), f.get("file_path", "?")))
        if r["summary"].get("parsing_errors"):
            raise RuntimeError(f"checkov could not parse a file of {folder}")
    return failed


def main():
    checkov = sys.argv[1] if len(sys.argv) > 1 else (shutil.which("checkov") or "checkov")
    allowed = accepted()
    problems = []
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        cases = renders(tmp)
        if len(cases) < 10:
            problems.append(f"only {len(cases)} golden Kubernetes renders found")
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = list(pool.map(lambda c: (c, run(checkov, c[1])), cases))
        counts = {}
        with_policies = 0
        for (name, folder), failed in results:
            policies = has_policy(folder)
            with_policies += policies
            for check, resource, path in failed:
                counts[check] = counts.get(check, 0) + 1
                if check == POLICY_CHECK:
                    if policies:
                        problems.append(f"{name}: {POLICY_CHECK} fails though the render has NetworkPolicies: {resource}")
                elif check not in allowed:
                    problems.append(f"{name}: {check} fails on {resource} ({path}), and no decision in .ci/checkov-accepted.txt accepts it")
        print(f"checkov over {len(cases)} golden Kubernetes renders ({with_policies} with NetworkPolicies) in {time.monotonic() - start:.1f}s")
        for check, n in sorted(counts.items()):
            why = "only where no NetworkPolicy is rendered" if check == POLICY_CHECK else allowed.get(check, "NOT ACCEPTED")
            print(f"  {check}: {n} failed ({why})")
        if not with_policies:
            problems.append("no golden render has NetworkPolicies: CKV2_K8S_6 is not exercised")
        unused = sorted(set(allowed) - set(counts))
        if unused:
            print("  accepted but never failing (drop them?): " + ", ".join(unused))

        # Negative control: the first render with policies, without them, fails CKV2_K8S_6.
        source = next((folder for (name, folder), _ in results if has_policy(folder)), None)
        if source is not None:
            bare = pathlib.Path(tmp) / "negative-control"
            shutil.copytree(source, bare)
            for f in bare.rglob("*.yaml"):
                if f.name == "kustomization.yaml" or yaml.safe_load(f.read_text()).get("kind") == "NetworkPolicy":
                    f.unlink()
            if not any(check == POLICY_CHECK for check, _, _ in run(checkov, bare)):
                problems.append(f"negative control: {POLICY_CHECK} passed a render whose NetworkPolicies were removed")
            else:
                print(f"negative control: {POLICY_CHECK} fails the same render without its NetworkPolicies")
    for p in problems:
        print("PROBLEM:", p)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
