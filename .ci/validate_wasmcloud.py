"""wasmCloud outputs (used by validate_outputs.py):

- wadm Applications (`core.oam.dev/v1beta1`): ../shared/schemas/wadm/oam.schema.json (draft-07).
- WorkloadDeployments (`runtime.wasmcloud.dev/v1alpha1`): the `openAPIV3Schema` of the CRD in
  ../shared/schemas/wasmcloud-v2/, with apiVersion, kind and metadata.name pinned.
- Negative controls prove both schemas can fail.

The semantic validator of `wadm-types` (what `wash app validate` runs) is tools/wadm-check,
run by its own step in .ci/run.
"""
import copy
import json

import jsonschema
import yaml

KINDS = {"Application", "WorkloadDeployment"}


def workload_schema(shared):
    crd = yaml.safe_load((shared / "schemas/wasmcloud-v2/runtime.wasmcloud.dev_workloaddeployments.crd.yaml").read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["properties"]["apiVersion"] = {"enum": ["runtime.wasmcloud.dev/v1alpha1"]}
    schema["properties"]["kind"] = {"enum": ["WorkloadDeployment"]}
    schema["properties"]["metadata"] = {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63}},
    }
    schema["required"] = ["apiVersion", "kind", "metadata", "spec"]
    return schema


def check(shared, root, files, docs, problems):
    """Validates every Application and WorkloadDeployment in `files`; returns how many."""
    oam = json.loads((shared / "schemas/wadm/oam.schema.json").read_text())
    checks = {
        "Application": ("wadm oam.schema.json", jsonschema.Draft7Validator(oam)),
        "WorkloadDeployment": ("WorkloadDeployment CRD schema", jsonschema.Draft7Validator(workload_schema(shared))),
    }
    for kind, (title, validator) in checks.items():
        mine = [f for f in files if docs[f]["kind"] == kind]
        for f in mine:
            doc = docs[f]
            if kind == "Application" and doc.get("apiVersion") != "core.oam.dev/v1beta1":
                problems.append(f"{title}: {f.relative_to(root)}: apiVersion {doc.get('apiVersion')}")
            for e in validator.iter_errors(doc):
                problems.append(f"{title}: {f.relative_to(root)}: {e.json_path}: {e.message}")
        print(f"{title}: {len(mine)} documents checked")
        if not mine:
            problems.append(f"no golden {kind}: the {title} check checked nothing")
            continue
        # Negative controls (the oam schema accepts any trait properties, so break a component).
        broken = copy.deepcopy(docs[mine[0]])
        if kind == "Application":
            broken["spec"]["components"][0]["properties"]["imagee"] = "typo"
            what = "a component with an unknown property"
        else:
            broken["spec"]["replicas"] = "three"
            broken["spec"]["template"]["spec"]["hostInterfaces"][0]["interfaces"] = []
            what = "replicas as a string and a host interface with no interfaces"
        if validator.is_valid(broken):
            problems.append(f"negative control: the {title} accepted {what}")
    return sum(1 for f in files if docs[f]["kind"] in KINDS)
