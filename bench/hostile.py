"""Writes the hostile inputs of bench/scale.sh into folders under ROOT:

- env-1m:     a profile whose `groups.<g>.env` map has 1,000,000 keys;
- dups-100k:  a manifest on one 2.5 MB line with 100,000 duplicate keys;
- name-60mb:  a manifest on one line whose `display_name` is 60 MB (inputs over 64 MB are
              refused unread: name-100mb shows that);
- name-100mb: the same with 100 MB: refused at once (XT015);
- bindings-20k: 10,000 event consumers over 20,000 bindings;
- glob-backtrack: a workspace whose services glob `*a*a*...*b` meets a 250-character folder
              name (run with `check --workspace --deny-warnings`: the glob matches nothing);
- dev-zero:   a profile that extends /dev/zero (outside the repository: refused unread);
- extends-5000: a chain of 5,000 profiles, each extending the next (refused past 32).

Each of the last four must finish well under a second with exit 1.

Usage: hostile.py ROOT
"""
import json
import os
import sys

root = sys.argv[1]


def service(folder, cells=1):
    os.makedirs(os.path.join(folder, "arch/service"), exist_ok=True)
    return {
        "schema_version": "x07.service.manifest@0.1.0",
        "service_id": "hostile",
        "display_name": "Hostile",
        "domain_pack": {"id": "hostile", "display_name": "Hostile"},
        "cells": [{
            "cell_key": f"api-{i}", "cell_kind": "api-cell", "entry_symbol": f"hostile.api{i}.main", "ingress_kind": "http",
            "runtime_class": "native-http", "scale_class": "replicated-http", "topology_group": "g",
        } for i in range(cells)],
        "topology_profiles": [{"id": "prod", "target_kind": "k8s", "placement": "co-located"}],
    }


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


# A million plain environment variables for one deployable.
folder = os.path.join(root, "env-1m")
write(os.path.join(folder, "arch/service/index.x07service.json"), json.dumps(service(folder), indent=2) + "\n")
os.makedirs(os.path.join(folder, "arch/topology"), exist_ok=True)
profile = {"schema_version": "x07.topology.profile@0.1.0", "id": "prod", "groups": {"g": {"env": {f"VAR_{i}": str(i) for i in range(1_000_000)}}}}
write(os.path.join(folder, "arch/topology/prod.json"), json.dumps(profile, indent=2) + "\n")

# 100,000 repeats of one key, the whole manifest on one line.
folder = os.path.join(root, "dups-100k")
m = json.dumps(service(folder), separators=(",", ":"))
repeats = ',"display_name":"Hostile"' * 100_000
m = m.replace('"display_name":"Hostile"}', '"display_name":"Hostile"' + repeats + "}", 1)
write(os.path.join(folder, "arch/service/index.x07service.json"), m + "\n")

# A 60 MB and a 100 MB display_name, the whole manifest on one line.
for size, name in [(60_000_000, "name-60mb"), (100_000_000, "name-100mb")]:
    folder = os.path.join(root, name)
    m = service(folder)
    m["display_name"] = "n" * size
    write(os.path.join(folder, "arch/service/index.x07service.json"), json.dumps(m, separators=(",", ":")) + "\n")

# 10,000 event consumers over 20,000 bindings: every per-binding check must use an index.
folder = os.path.join(root, "bindings-20k")
m = service(folder, cells=0)
m["resource_bindings"] = [{"name": f"kafka.b{i}", "kind": "kafka"} for i in range(20_000)]
m["cells"] = [{
    "cell_key": f"events-{i}", "cell_kind": "event-consumer", "entry_symbol": f"hostile.events{i}.main", "ingress_kind": "event",
    "runtime_class": "native-worker", "scale_class": "partitioned-consumer", "binding_refs": [f"kafka.b{2 * i}", f"kafka.b{2 * i + 1}"],
    "topology_group": f"g{i}", "runtime": {"event": {"binding_ref": f"kafka.b{2 * i}", "topic": f"topic.{i}", "consumer_group": f"cg-{i}", "ack_mode": "manual"}},
} for i in range(10_000)]
write(os.path.join(folder, "arch/service/index.x07service.json"), json.dumps(m, indent=2) + "\n")

# A glob that backtracks exponentially in a naive matcher, against a 250-character folder name.
folder = os.path.join(root, "glob-backtrack")
write(os.path.join(folder, "services/orders/arch/service/index.x07service.json"), json.dumps(service(os.path.join(folder, "services/orders")), indent=2) + "\n")
os.makedirs(os.path.join(folder, "services", "a" * 250), exist_ok=True)
workspace = {"schema_version": "x07.topo.workspace@0.1.0", "services": ["services/orders", "services/" + "*a" * 16 + "*b"], "out": "deploy/{profile}/{service}"}
write(os.path.join(folder, "x07-topo.workspace.json"), json.dumps(workspace, indent=2) + "\n")

# A profile that extends a device that never ends.
folder = os.path.join(root, "dev-zero")
write(os.path.join(folder, "arch/service/index.x07service.json"), json.dumps(service(folder), indent=2) + "\n")
os.makedirs(os.path.join(folder, "arch/topology"), exist_ok=True)
write(os.path.join(folder, "arch/topology/prod.json"), json.dumps({"schema_version": "x07.topology.profile@0.1.0", "id": "prod", "extends": "/dev/zero"}) + "\n")

# 5,000 profiles, each extending the next.
folder = os.path.join(root, "extends-5000")
write(os.path.join(folder, "arch/service/index.x07service.json"), json.dumps(service(folder), indent=2) + "\n")
os.makedirs(os.path.join(folder, "arch/topology"), exist_ok=True)
write(os.path.join(folder, "arch/topology/prod.json"), json.dumps({"schema_version": "x07.topology.profile@0.1.0", "id": "prod", "extends": "c0"}) + "\n")
for i in range(5000):
    parent = {"extends": f"c{i + 1}"} if i < 4999 else {}
    write(os.path.join(folder, f"arch/topology/c{i}.json"), json.dumps({"schema_version": "x07.topology.profile@0.1.0", "id": f"c{i}", **parent}) + "\n")
