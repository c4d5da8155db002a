"""KEDA TriggerAuthentications (keda.sh/v1alpha1), which ../shared/schemas does not hold a CRD for.

Each golden TriggerAuthentication is checked against SCHEMA below: the part of KEDA's
TriggerAuthentication CRD (kedacore/keda config/crd/bases/keda.sh_triggerauthentications.yaml,
types in apis/keda/v1alpha1/triggerauthentication_types.go) that x07-topo emits, written here
with the CRD's types and required members, strict (any other member fails, so a new kind of
reference cannot slip through unchecked). Then what a schema cannot see, as KEDA resolves it:
every ScaledObject trigger's authenticationRef names a TriggerAuthentication in its namespace
and folder, every `env` entry names a container of the ScaledObject's scale target that has
that variable, and no parameter is given twice (KEDA refuses `sasl` or `tls` in both the trigger
and its TriggerAuthentication). Negative controls prove each rule can fail.
"""
import copy

import jsonschema

KINDS = {"TriggerAuthentication"}

_REF = {"type": "string", "minLength": 1}
SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"enum": ["keda.sh/v1alpha1"]},
        "kind": {"enum": ["TriggerAuthentication"]},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {
                # AuthSecretTargetRef: parameter, name, key (all required)
                "secretTargetRef": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["parameter", "name", "key"],
                    "properties": {"parameter": _REF, "name": _REF, "key": _REF}}},
                # AuthEnvironment: parameter and name required, containerName optional
                "env": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["parameter", "name"],
                    "properties": {"parameter": _REF, "name": _REF, "containerName": _REF}}},
            },
        },
    },
}


def _params(auth):
    return [r["parameter"] for refs in auth.get("spec", {}).values() for r in refs]


def references(docs_by_file):
    """What KEDA resolves at run time, over the documents of one output folder."""
    problems = []
    docs = list(docs_by_file.values())

    def find(kind, ns, name):
        return next((d for d in docs if d["kind"] == kind and d["metadata"].get("namespace") == ns
                     and d["metadata"]["name"] == name), None)

    for so in (d for d in docs if d["kind"] == "ScaledObject"):
        ns = so["metadata"].get("namespace")
        target = so["spec"]["scaleTargetRef"]
        workload = find(target.get("kind", "Deployment"), ns, target["name"])
        containers = {c["name"]: c for c in (workload or {}).get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])}
        for i, trigger in enumerate(so["spec"]["triggers"]):
            ref = trigger.get("authenticationRef")
            if ref is None:
                continue
            where = f"ScaledObject {so['metadata']['name']} trigger {i}"
            auth = find("TriggerAuthentication", ns, ref["name"])
            if auth is None:
                problems.append(f"{where}: authenticationRef {ref['name']!r} is not an emitted TriggerAuthentication in namespace {ns}")
                continue
            params = _params(auth)
            for p in sorted(set(params)):
                if params.count(p) > 1 or p in trigger.get("metadata", {}):
                    problems.append(f"{where}: parameter {p!r} given twice (trigger metadata and/or TriggerAuthentication {ref['name']})")
            for e in auth["spec"].get("env", []):
                c = containers.get(e.get("containerName"))
                if c is None:
                    problems.append(f"{where}: TriggerAuthentication {ref['name']}: env {e['name']} names container {e.get('containerName')!r}, not one of the scale target's {sorted(containers)}")
                elif not any(v["name"] == e["name"] for v in c.get("env", [])):
                    problems.append(f"{where}: TriggerAuthentication {ref['name']}: container {c['name']} has no variable {e['name']}")
    return problems


def check(root, yaml_files, docs, problems):
    validator = jsonschema.Draft7Validator(SCHEMA)
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    files = [f for f in yaml_files if docs[f]["kind"] in KINDS]
    for f in files:
        for e in validator.iter_errors(docs[f]):
            problems.append(f"TriggerAuthentication schema: {f.relative_to(root)}: {e.json_path}: {e.message}")
    folders = sorted({next(p for p in f.parents if p.name == "files") for f in yaml_files})
    checked = 0
    for folder in folders:
        in_folder = {f: docs[f] for f in yaml_files if folder in f.parents}
        found = references(in_folder)
        checked += sum(1 for d in in_folder.values() if d["kind"] == "ScaledObject")
        problems.extend(f"KEDA references: {folder.relative_to(root)}: {p}" for p in found)
    print(f"KEDA TriggerAuthentication schema: {len(files)} documents checked; references of {checked} ScaledObjects checked")
    if not files:
        problems.append("no golden TriggerAuthentication: the TriggerAuthentication check checked nothing")
        return
    # Negative controls: an unknown member, a secretTargetRef without key, a dangling
    # authenticationRef, an env variable the container does not have, `sasl` given twice.
    first = docs[files[0]]
    for what, breaks in [
        ("an unknown spec member", lambda d: d["spec"].update(podIdentityz={"provider": "none"})),
        ("a secretTargetRef without key", lambda d: d["spec"]["secretTargetRef"][0].pop("key")),
    ]:
        broken = copy.deepcopy(first)
        breaks(broken)
        if validator.is_valid(broken):
            problems.append(f"negative control: the TriggerAuthentication schema accepted {what}")
    with_env = next((f for f in files if docs[f]["spec"].get("env")), None)
    if with_env is None:
        problems.append("no golden TriggerAuthentication with `env`: the env reference check checked nothing")
        return
    folder = next(p for p in with_env.parents if p.name == "files")
    base = {f: copy.deepcopy(docs[f]) for f in yaml_files if folder in f.parents}
    auth = base[with_env]
    trigger = next(t for d in base.values() if d["kind"] == "ScaledObject" for t in d["spec"]["triggers"]
                   if t.get("authenticationRef", {}).get("name") == auth["metadata"]["name"])
    controls = [
        ("a dangling authenticationRef", lambda: trigger["authenticationRef"].update(name="nope"), "is not an emitted TriggerAuthentication"),
        ("an env variable the container lacks", lambda: auth["spec"]["env"][0].update(name="X07_NOPE"), "has no variable X07_NOPE"),
        ("`sasl` in trigger and TriggerAuthentication", lambda: auth["spec"]["secretTargetRef"].append({"parameter": "sasl", "name": "s", "key": "k"}), "given twice"),
    ]
    for what, breaks, needle in controls:
        saved = copy.deepcopy((trigger["authenticationRef"], auth["spec"]))
        breaks()
        if not any(needle in p for p in references(base)):
            problems.append(f"negative control: the KEDA reference check accepted {what}")
        trigger["authenticationRef"], auth["spec"] = saved
