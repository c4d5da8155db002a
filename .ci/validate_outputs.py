"""Validates every golden output with the official validators (run by .ci/run).

- Built-in Kubernetes kinds: `kubernetes-validate --strict` for 1.33.0 and 1.37.0; any error,
  and any "Couldn't find schema" for a kind that is not a CRD we emit, fails.
- KEDA ScaledObjects: the CRD's schema in ../shared/schemas/keda/; TriggerAuthentications and
  the references KEDA resolves (authenticationRef, env containers): see validate_keda.py.
- Binding providers' custom resources (ExternalSecret, Database, KafkaTopic, KafkaUser): the
  served version's schema of their CRDs in ../shared/schemas/crds/; see validate_crds.py.
- Every golden output folder: `kubectl kustomize` builds it, with one document per resource.
- X07 platform contract documents (`topology.preview.*.json`, `binding.requirements.json`):
  the shared schemas in ../shared/schemas/x07-contracts/ (Draft 2020-12).
- Hosted descriptors (`hosted.deployment.json`): the schema `x07-topo schema hosted` prints.
- wasmCloud outputs (wadm Applications, WorkloadDeployments): see validate_wasmcloud.py.
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

import validate_crds
import validate_inputs
import validate_keda
import validate_wasmcloud

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
VERSIONS = ["1.33.0", "1.37.0"]
# not built-in: ScaledObject below, every other custom resource by validate_crds.py
CRD_KINDS = {"ScaledObject", "HTTPRoute", "Rollout"} | validate_crds.KINDS | validate_keda.KINDS
WASMCLOUD_KINDS = validate_wasmcloud.KINDS  # not Kubernetes built-ins: validate_wasmcloud.py
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


def check_contracts(folders):
    """Every contract document against its shared schema, plus negative controls."""
    schemas = SHARED / "schemas/x07-contracts"
    kinds = [
        ("lp.topology.preview.result", lambda f: f.name.startswith("topology.preview.") and f.suffix == ".json"),
        ("lp.binding.requirements.result", lambda f: f.name == "binding.requirements.json"),
    ]
    for name, matches in kinds:
        schema = json.loads((schemas / f"{name}.schema.json").read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        files = sorted(f for d in folders for f in d.rglob("*.json") if matches(f))
        for f in files:
            doc = json.loads(f.read_text())
            for e in validator.iter_errors(doc):
                problems.append(f"{name}: {f.relative_to(ROOT)}: {e.json_path}: {e.message}")
            if doc.get("generated_unix_ms") != 0:
                problems.append(f"{name}: {f.relative_to(ROOT)}: generated_unix_ms is not 0")
        print(f"{name} schema (Draft 2020-12): {len(files)} documents checked")
        if not files:
            problems.append(f"no golden {name} document: the contract check checked nothing")
            continue
        # Negative controls: upstream's `mixed` class, a binding no cell requires.
        broken = json.loads(files[0].read_text())
        if name == "lp.topology.preview.result":
            broken["groups"][0]["runtime_class"] = "mixed"
            what = "a group with runtime_class `mixed`"
        else:
            broken["bindings"][0]["required_by_cells"] = []
            what = "a binding no cell requires"
        if validator.is_valid(broken):
            problems.append(f"negative control: the {name} schema accepted {what}")


def hosted_schema():
    """The schema `x07-topo schema hosted` prints (the binary .ci/run just built)."""
    binary = validate_inputs.built_binary()
    command = [str(binary)] if binary.exists() else ["cargo", "run", "--quiet", "--"]
    out = subprocess.run([*command, "schema", "hosted"], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        problems.append(f"x07-topo schema hosted: exit {out.returncode}: {out.stderr.strip()}")
        return None
    return json.loads(out.stdout)


def check_hosted(folders):
    """Every hosted descriptor against the printed schema, plus a negative control."""
    schema = hosted_schema()
    if schema is None:
        return
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(f for d in folders for f in d.rglob("hosted.deployment.json"))
    for f in files:
        for e in validator.iter_errors(json.loads(f.read_text())):
            problems.append(f"hosted schema: {f.relative_to(ROOT)}: {e.json_path}: {e.message}")
    print(f"x07.hosted.deployment schema (x07-topo schema hosted): {len(files)} documents checked")
    if not files:
        problems.append("no golden hosted descriptor: the hosted check checked nothing")
        return
    broken = json.loads(files[0].read_text())
    broken["bindings"][0]["materialisation"]["password"] = "hunter2"
    if validator.is_valid(broken):
        problems.append("negative control: the hosted schema accepted a secret value in a materialisation")


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

    builtin = [f for f in yaml_files if docs[f]["kind"] not in CRD_KINDS | WASMCLOUD_KINDS]
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
    validate_wasmcloud.check(SHARED, ROOT, yaml_files, docs, problems)
    validate_crds.check(SHARED, ROOT, yaml_files, docs, problems)
    validate_keda.check(ROOT, yaml_files, docs, problems)
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

    check_contracts(folders)
    check_hosted(folders)

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
