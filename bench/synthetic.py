"""Writes a synthetic X07 service of N cells (default 3000) for the benchmarks.

Each topology group holds one http cell (cpu autoscaling), one kafka consumer and one
scheduled job, so co-location is valid; bindings of every kind are spread over the cells.
Also writes profile `staging` (arch/topology/staging.json): every tenth group pinned to
three replicas, for `diff --profile prod --profile staging`.
"""
import argparse
import json
import os

parser = argparse.ArgumentParser(description="Write a synthetic X07 service for the benchmarks.")
parser.add_argument("root", help="folder to write arch/ into")
parser.add_argument("cells", nargs="?", type=int, default=3000, help="number of cells (default 3000)")
# The placement of profile `prod` (bench/kill_loop.sh switches it to change every file).
parser.add_argument("placement", nargs="?", default="co-located", choices=["co-located", "split-by-cell", "single"])
args = parser.parse_args()
cells_wanted = args.cells
root = args.root
placement = args.placement
kinds = ["postgres", "mysql", "redis", "kafka", "amqp", "s3", "secret", "otlp"]
bindings = [{"name": f"{k}.b{i}", "kind": k, **({"required": False} if i % 3 == 0 else {})} for k in kinds for i in range(3)]
kafka = [b["name"] for b in bindings if b["kind"] == "kafka"]
cells = []
g = 0
while len(cells) < cells_wanted:
    group = f"group-{g:04d}"
    refs = [bindings[(g + j) % len(bindings)]["name"] for j in range(3)]
    cells.append({
        "cell_key": f"api-{g:04d}", "cell_kind": "api-cell", "entry_symbol": f"bench.api{g}.main", "ingress_kind": "http",
        "runtime_class": "native-http", "scale_class": "replicated-http", "binding_refs": sorted(set(refs)), "topology_group": group,
        "runtime": {
            "probes": {"readiness": {"probe_kind": "http", "path": "/readyz", "port": 8080}},
            "rollout": {"strategy": "rolling", "max_unavailable": "25%", "max_surge": "1"},
            "autoscaling": {"min_replicas": 2, "max_replicas": 10, "target_cpu_utilization": 75},
        },
    })
    k = kafka[g % len(kafka)]
    cells.append({
        "cell_key": f"events-{g:04d}", "cell_kind": "event-consumer", "entry_symbol": f"bench.events{g}.main", "ingress_kind": "event",
        "runtime_class": "native-worker", "scale_class": "partitioned-consumer", "binding_refs": sorted({k, refs[0]}), "topology_group": group,
        "runtime": {"event": {"binding_ref": k, "topic": f"topic.{g}", "consumer_group": f"cg-{g}", "ack_mode": "manual"}},
    })
    cells.append({
        "cell_key": f"job-{g:04d}", "cell_kind": "scheduled-job", "entry_symbol": f"bench.job{g}.main", "ingress_kind": "schedule",
        "runtime_class": "native-worker", "scale_class": "burst-batch", "binding_refs": [refs[0]], "topology_group": group,
        "runtime": {"schedule": {"cron": f"{g % 60} */2 * * *", "timezone": "Europe/Berlin", "concurrency_policy": "forbid", "retry_limit": 2}},
    })
    g += 1
cells = cells[:cells_wanted]
used = {r for c in cells for r in c["binding_refs"]}
manifest = {
    "schema_version": "x07.service.manifest@0.1.0",
    "service_id": "bench",
    "display_name": "Benchmark",
    "domain_pack": {"id": "bench", "display_name": "Benchmark"},
    "cells": cells,
    "topology_profiles": [{"id": "prod", "target_kind": "k8s", "placement": placement}],
    "resource_bindings": [b for b in bindings if b["name"] in used],
}
os.makedirs(os.path.join(root, "arch/service"), exist_ok=True)
with open(os.path.join(root, "arch/service/index.x07service.json"), "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
groups = sorted({c["topology_group"] for c in cells})
staging = {
    "schema_version": "x07.topology.profile@0.1.0",
    "id": "staging",
    "target_kind": "k8s",
    "groups": {name: {"replicas": 3} for name in groups[::10]},
}
os.makedirs(os.path.join(root, "arch/topology"), exist_ok=True)
with open(os.path.join(root, "arch/topology/staging.json"), "w") as f:
    json.dump(staging, f, indent=2)
    f.write("\n")
print(f"{len(cells)} cells in {g} groups, {len(manifest['resource_bindings'])} bindings")
