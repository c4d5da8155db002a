"""Every custom resource x07-topo emits but ScaledObject (checked in validate_outputs.py), against its CRD.

Every golden ExternalSecret, Database (CloudNativePG and MariaDB), KafkaTopic, KafkaUser, HTTPRoute, Argo Rollout,
RabbitMQ Queue/User/Permission, MariaDB User/Grant, ObjectBucketClaim and crossplane claim of the example platform
API (crds/examples/) is checked against the
openAPIV3Schema of the version its apiVersion names, in the CRD under ../shared/schemas/crds/;
that version must be served. Checked strictly, as `kubectl apply --validate=strict` would: an
object schema that declares properties and does not preserve unknown fields rejects unknown
members (the API server would prune them silently). metadata.name must be a DNS-1123
subdomain and metadata.namespace a DNS-1123 label, as the API server requires of every object.
A negative control per kind proves each schema can fail.
"""
import copy
import re

import jsonschema
import yaml

# (API group, kind) -> (CRD file, a broken copy that the CRD must reject, and what it shows)
CRDS = {
    ("external-secrets.io", "ExternalSecret"): ("external-secrets.io_externalsecrets.yaml",
                       lambda d: d["spec"]["secretStoreRef"].update(kind="Vault"),
                       "a secretStoreRef of kind Vault"),
    ("postgresql.cnpg.io", "Database"): ("postgresql.cnpg.io_databases.yaml",
                 lambda d: d["spec"].pop("owner"),
                 "a Database without owner"),
    ("kafka.strimzi.io", "KafkaTopic"): ("kafka.strimzi.io_kafkatopics.yaml",
                   lambda d: d["spec"].update(partitions=0),
                   "a topic with 0 partitions"),
    ("kafka.strimzi.io", "KafkaUser"): ("kafka.strimzi.io_kafkausers.yaml",
                  lambda d: d["spec"]["authentication"].update(type="plain"),
                  "authentication type plain"),
    ("gateway.networking.k8s.io", "HTTPRoute"): ("gateway.networking.k8s.io_httproutes.yaml",
                  lambda d: d["spec"]["rules"][0]["backendRefs"][0].update(port=70000),
                  "a backend port of 70000"),
    ("argoproj.io", "Rollout"): ("argoproj.io_rollouts.yaml",
                lambda d: d["spec"].update(replicas="two"),
                "replicas as a string"),
    # Added with the providers of #25.
    ("rabbitmq.com", "Queue"): ("rabbitmq.com_queues.yaml",
                lambda d: d["spec"].pop("rabbitmqClusterReference"),
                "a Queue without rabbitmqClusterReference"),
    ("rabbitmq.com", "User"): ("rabbitmq.com_users.yaml",
                lambda d: d["spec"].update(tags="administrator"),
                "tags as a string"),
    ("rabbitmq.com", "Permission"): ("rabbitmq.com_permissions.yaml",
                lambda d: d["spec"].pop("vhost"),
                "a Permission without vhost"),
    ("k8s.mariadb.com", "Database"): ("k8s.mariadb.com_databases.yaml",
                lambda d: d["spec"].update(name="x" * 81),
                "a database name of 81 characters"),
    ("k8s.mariadb.com", "User"): ("k8s.mariadb.com_users.yaml",
                lambda d: d["spec"].update(cleanupPolicy="Keep"),
                "cleanupPolicy Keep"),
    ("k8s.mariadb.com", "Grant"): ("k8s.mariadb.com_grants.yaml",
                lambda d: d["spec"].update(privileges=[]),
                "a Grant of no privileges"),
    ("objectbucket.io", "ObjectBucketClaim"): ("objectbucket.io_objectbucketclaims.yaml",
                lambda d: d["spec"].update(storageClassName=7),
                "storageClassName as a number"),
    ("platform.example.org", "PostgreSQLInstance"): ("examples/platform.example.org_postgresqlinstances.yaml",
                lambda d: d["spec"]["parameters"].update(storageGB=0),
                "storageGB 0"),
}
KINDS = {kind for _, kind in CRDS}
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def strict(schema):
    """The schema with unknown members rejected wherever the API server would prune them."""
    if isinstance(schema, dict):
        schema = {k: strict(v) for k, v in schema.items()}
        if ("properties" in schema and "additionalProperties" not in schema
                and not schema.get("x-kubernetes-preserve-unknown-fields")):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def served_schema(crd_file, api_version):
    """The strict openAPIV3Schema of the served version `api_version` names, or why none."""
    crd = yaml.safe_load(crd_file.read_text())
    group, _, version = api_version.partition("/")
    if crd["spec"]["group"] != group:
        return None, f"group {group} is not the CRD's group {crd['spec']['group']}"
    for v in crd["spec"]["versions"]:
        if v["name"] == version:
            if not v.get("served"):
                return None, f"version {version} is not served"
            schema = strict(v["schema"]["openAPIV3Schema"])
            # The CRD schema leaves metadata open; the API server checks the name and namespace.
            schema.setdefault("properties", {})["metadata"] = {"type": "object"}
            # apiVersion and kind are always accepted, even where a CRD's schema omits them
            # (objectbucket.io's declares only spec and status).
            schema["properties"].setdefault("apiVersion", {"type": "string"})
            schema["properties"].setdefault("kind", {"type": "string"})
            jsonschema.Draft7Validator.check_schema(schema)
            return jsonschema.Draft7Validator(schema), None
    return None, f"the CRD has no version {version}"


def metadata_problems(doc):
    meta = doc.get("metadata", {})
    out = []
    name = meta.get("name", "")
    if not (DNS_SUBDOMAIN.match(name) and len(name) <= 253):
        out.append(f"metadata.name {name!r} is not a DNS-1123 subdomain")
    ns = meta.get("namespace")
    if ns is not None and not (DNS_LABEL.match(ns) and len(ns) <= 63):
        out.append(f"metadata.namespace {ns!r} is not a DNS-1123 label")
    return out


def check(shared, root, yaml_files, docs, problems):
    crds = shared / "schemas/crds"
    for (group, kind), (file, breaks, what) in sorted(CRDS.items()):
        files = [f for f in yaml_files if docs[f]["kind"] == kind and docs[f]["apiVersion"].partition("/")[0] == group]
        validators = {}
        for f in files:
            doc = docs[f]
            api = doc["apiVersion"]
            if api not in validators:
                validators[api] = served_schema(crds / file, api)
            validator, why = validators[api]
            if validator is None:
                problems.append(f"{kind} CRD: {f.relative_to(root)}: apiVersion {api}: {why}")
                continue
            for e in validator.iter_errors(doc):
                problems.append(f"{kind} CRD: {f.relative_to(root)}: {e.json_path}: {e.message}")
            problems.extend(f"{kind}: {f.relative_to(root)}: {p}" for p in metadata_problems(doc))
        versions = ", ".join(sorted(validators))
        print(f"{kind} CRD ({file}, served {versions or '-'}): {len(files)} documents checked")
        if not files:
            problems.append(f"no golden {kind}: the {kind} CRD check checked nothing")
            continue
        validator, _ = validators[docs[files[0]]["apiVersion"]]
        if validator is None:
            continue
        # Negative controls: an unknown member, and a value the CRD forbids.
        unknown = copy.deepcopy(docs[files[0]])
        unknown["spec"]["replicaz"] = 2
        if validator.is_valid(unknown):
            problems.append(f"negative control: the {kind} CRD accepted an unknown spec member")
        broken = copy.deepcopy(docs[files[0]])
        breaks(broken)
        if validator.is_valid(broken):
            problems.append(f"negative control: the {kind} CRD accepted {what}")
