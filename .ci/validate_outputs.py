"""Validates every golden output with the official validators (run by .ci/run).

- Built-in Kubernetes kinds: `kubernetes-validate --strict` for 1.33.0 and 1.37.0; any error,
  and any "Couldn't find schema" for a kind that is not a CRD we emit, fails.
- KEDA ScaledObjects: the CRD's schema in ../shared/schemas/keda/.
- Every golden output folder: `kubectl kustomize` builds it, with one document per resource.
- Negative controls prove each validator can fail.
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
VERSIONS = ["1.33.0", "1.37.0"]
CRD_KINDS = {"ScaledObject", "HTTPRoute"}  # not built-in: validated below or by shape tests
problems = []
# The venv's tool, also when this script is run by the venv's python without PATH set.
KV = shutil.which("kubernetes-validate") or str(pathlib.Path(sys.executable).parent / "kubernetes-validate")


def kubernetes_validate(version, files):
    out = subprocess.run(
        [KV, "-k", version, "--strict", *map(str, files)],
        capture_output=True, text=True,
    )
    text = out.stdout + out.stderr
    bad = [line for line in text.splitlines() if line.startswith("ERROR") or
           ("Couldn't find schema" in line and not any(f"kind {k} " in line for k in CRD_KINDS))]
    return out.returncode, bad


def main():
    folders = sorted(p for p in ROOT.glob("golden/*/expected/files") if p.is_dir())
    yaml_files = sorted(f for d in folders for f in d.rglob("*.yaml") if f.name != "kustomization.yaml")
    if not yaml_files:
        problems.append("no golden Kubernetes output found")
    kinds = {}
    docs = {}
    for f in yaml_files:
        doc = yaml.safe_load(f.read_text())
        docs[f] = doc
        kinds[doc["kind"]] = kinds.get(doc["kind"], 0) + 1
    print(f"{len(yaml_files)} documents in {len(folders)} folders: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))

    builtin = [f for f in yaml_files if docs[f]["kind"] not in CRD_KINDS]
    for version in VERSIONS:
        code, bad = kubernetes_validate(version, builtin)
        print(f"kubernetes-validate {version} --strict: {len(builtin)} documents, exit {code}, {len(bad)} problems")
        if code != 0 or bad:
            problems.extend(f"k8s {version}: {line}" for line in bad or [f"exit code {code}"])

    schema = json.loads((SHARED / "schemas/keda/scaledobject-keda.sh-v1alpha1.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    scaled = [f for f in yaml_files if docs[f]["kind"] == "ScaledObject"]
    for f in scaled:
        for e in validator.iter_errors(docs[f]):
            problems.append(f"KEDA schema: {f.relative_to(ROOT)}: {e.json_path}: {e.message}")
    print(f"KEDA ScaledObject schema: {len(scaled)} documents checked")
    if not scaled:
        problems.append("no golden ScaledObject: the KEDA check checked nothing")

    for d in folders:
        if not (d / "kustomization.yaml").exists():
            continue
        out = subprocess.run(["kubectl", "kustomize", str(d)], capture_output=True, text=True)
        if out.returncode != 0:
            problems.append(f"kubectl kustomize {d.relative_to(ROOT)}: {out.stderr.strip()}")
            continue
        built = [x for x in yaml.safe_load_all(out.stdout) if x]
        wanted = len(yaml.safe_load((d / "kustomization.yaml").read_text())["resources"])
        if len(built) != wanted:
            problems.append(f"kubectl kustomize {d.relative_to(ROOT)}: {len(built)} documents, kustomization lists {wanted}")
    print(f"kubectl kustomize: {sum(1 for d in folders if (d / 'kustomization.yaml').exists())} folders built")

    # Negative controls: a broken copy of a good document must fail each validator.
    with tempfile.TemporaryDirectory() as tmp:
        deployment = next(f for f in builtin if docs[f]["kind"] == "Deployment")
        broken = dict(docs[deployment])
        broken["spec"] = dict(broken["spec"], replicaz=2)
        bad_file = pathlib.Path(tmp) / "broken.yaml"
        bad_file.write_text(yaml.safe_dump(broken))
        code, _ = kubernetes_validate(VERSIONS[0], [bad_file])
        if code == 0:
            problems.append("negative control: kubernetes-validate accepted an unknown field")
    if scaled:
        broken = json.loads(json.dumps(docs[scaled[0]]))
        del broken["spec"]["triggers"][0]["type"]
        if validator.is_valid(broken):
            problems.append("negative control: the KEDA schema accepted a trigger without a type")

    for p in problems:
        print("PROBLEM:", p)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
