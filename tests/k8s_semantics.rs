//! Semantic rules the Kubernetes JSON schemas miss (SPEC §4 "Validity"): names and their
//! lengths, selectors that match exactly the pods they mean, scale targets and references
//! that exist, env names, label values, no secret values, the restricted security context,
//! resource quantities. Every golden `render-k8s*` case is rendered through the binary and
//! its documents (`result.documents` of `--format json`) are checked; small unit tests feed
//! hand-made broken documents to the same checker to show each rule can fail.

mod support;

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use support::Test;

// ---------------------------------------------------------------------------------------
// Running the golden cases
// ---------------------------------------------------------------------------------------

/// The golden cases that render for Kubernetes (`render-k8s*` and `render-*-k8s`), sorted.
fn k8s_cases() -> Vec<String> {
    support::golden_cases().into_iter().filter(|c| c.starts_with("render-k8s") || (c.starts_with("render-") && c.ends_with("-k8s"))).collect()
}

fn run_case(case: &str, extra: &[&str]) -> support::Output {
    let mut args = support::golden_args_without_out(case);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    Test::from_case(case).args(&refs).expect(0)
}

/// The Kubernetes objects a case renders.
fn documents(case: &str) -> Vec<Value> {
    let out = run_case(case, &["--format", "json"]);
    let report = support::json_report(&out);
    let docs = report["result"]["documents"].as_array().unwrap_or_else(|| panic!("{case}: no result.documents in\n{}", out.transcript())).clone();
    assert!(!docs.is_empty(), "{case}: result.documents is empty");
    docs
}

#[test]
fn every_golden_k8s_render_is_semantically_valid() {
    let cases = k8s_cases();
    assert!(cases.len() >= 5, "only {} render-k8s golden cases: {cases:?}", cases.len());
    let mut problems = Vec::new();
    for case in &cases {
        let docs = documents(case);
        problems.extend(check_documents(&docs).into_iter().map(|p| format!("{case}: {p}")));
    }
    assert!(problems.is_empty(), "{} semantic problem(s):\n  {}", problems.len(), problems.join("\n  "));
}

/// Names that need sanitising, cutting and a letter in front still give valid objects.
#[test]
fn long_and_odd_names_still_render_valid_objects() {
    let case = "render-k8s-orders-split";
    let t = Test::from_case(case);
    let path = t.path().join(support::MANIFEST_PATH);
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    m["service_id"] = json!("9-orders-platform-with-a-really-long-service-identifier-name");
    m["domain_pack"]["id"] = json!(format!("orders-{}", "x".repeat(70)));
    m["cells"][0]["cell_key"] = json!(format!("api-{}", "a".repeat(60)));
    m["cells"][2]["cell_key"] = json!("settlement-nightly-reconciliation-job");
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let mut args = support::golden_args_without_out(case);
    args.extend(["--format".to_string(), "json".to_string()]);
    let out = t.run_args(&args);
    assert_eq!(out.code, 0, "{}", out.transcript());
    let docs = support::json_report(&out)["result"]["documents"].as_array().cloned().unwrap_or_default();
    assert!(docs.len() >= 5, "too few documents:\n{}", out.transcript());
    let problems = check_documents(&docs);
    assert!(problems.is_empty(), "long names: {} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}

#[test]
fn rendering_the_same_case_twice_is_byte_identical() {
    for case in k8s_cases() {
        for extra in [&[][..], &["--format", "json"][..]] {
            // Two fresh copies in two different temporary folders: no absolute path, clock
            // or hash order may leak into the output.
            let first = run_case(&case, extra);
            let second = run_case(&case, extra);
            assert!(
                first.stdout == second.stdout,
                "{case} {extra:?}: two renders differ:\n{}",
                support::diff(&first.stdout, &second.stdout)
            );
            assert_eq!(first.stderr, second.stderr, "{case} {extra:?}: stderr differs between two renders");
            assert!(first.stdout.ends_with('\n') && !first.stdout.contains('\r'), "{case} {extra:?}: output must use LF and end with a newline");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Namespaces (SPEC §4): one given puts every object in it; none given names none
// ---------------------------------------------------------------------------------------

/// A case's documents rendered with `extra` arguments in place of the case's own `--namespace`.
fn documents_with(case: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = support::golden_args_without_out(case);
    if let Some(i) = args.iter().position(|a| a == "--namespace") {
        args.drain(i..i + 2);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(["--format".to_string(), "json".to_string()]);
    let out = Test::from_case(case).run_args(&args);
    assert_eq!(out.code, 0, "{case} {extra:?}:\n{}", out.transcript());
    support::json_report(&out)["result"]["documents"].as_array().cloned().unwrap_or_default()
}

/// Every ServiceAccount subject of every RoleBinding: (binding, subject namespace if named).
fn role_binding_subjects(docs: &[Value]) -> Vec<(String, Option<String>)> {
    docs.iter()
        .filter(|d| kind(d) == "RoleBinding")
        .flat_map(|d| d["subjects"].as_array().cloned().unwrap_or_default().into_iter().map(move |s| (id(d), s["namespace"].as_str().map(String::from))))
        .collect()
}

#[test]
fn namespace_flag_puts_every_namespaced_object_in_it() {
    let mut subjects = 0;
    for case in k8s_cases() {
        let docs = documents_with(&case, &["--namespace", "shop"]);
        let problems = check_documents(&docs);
        assert!(problems.is_empty(), "{case} --namespace shop: {problems:?}");
        for d in &docs {
            assert_eq!(namespace(d), "shop", "{case} --namespace shop: {} is not in shop", id(d));
        }
        for (binding, ns) in role_binding_subjects(&docs) {
            assert_eq!(ns.as_deref(), Some("shop"), "{case}: {binding} names its ServiceAccount in {ns:?}");
            subjects += 1;
        }
        // A route's parent is the gateway, in the gateway's namespace, whatever ours is.
        for route in docs.iter().filter(|d| kind(d) == "HTTPRoute") {
            for parent in route["spec"]["parentRefs"].as_array().into_iter().flatten() {
                assert_ne!(parent["namespace"], json!("shop"), "{case}: {} attaches to a gateway in our namespace", id(route));
            }
        }
    }
    assert!(subjects >= 2, "no RoleBinding was checked");
}

#[test]
fn without_a_namespace_no_object_names_one() {
    // The built-in target, or a target file that names no namespace.
    let cases = ["render-k8s-namespace-none", "render-k8s-orders-colocated", "render-k8s-orders-single", "render-k8s-orders-split", "render-k8s-orders-canary-plain"];
    let mut lease_envs = 0;
    for case in &cases {
        let docs = documents(case);
        assert!(check_documents(&docs).is_empty(), "{case}: {:?}", check_documents(&docs));
        for d in &docs {
            assert!(d["metadata"].get("namespace").is_none(), "{case}: {} names a namespace", id(d));
        }
        for (binding, ns) in role_binding_subjects(&docs) {
            assert_eq!(ns, None, "{case}: {binding} pins its ServiceAccount subject to a namespace");
        }
        // The lease namespace comes from the pod itself, so it is right wherever it lands.
        for (_, pod) in docs.iter().flat_map(pod_templates) {
            for c in containers(&pod["spec"]) {
                for e in c["env"].as_array().into_iter().flatten().filter(|e| e["name"] == json!("X07_K8S_LEASE_NAMESPACE")) {
                    assert_eq!(e["valueFrom"]["fieldRef"]["fieldPath"], json!("metadata.namespace"), "{case}: {e}");
                    lease_envs += 1;
                }
            }
        }
    }
    assert!(lease_envs >= 2, "no X07_K8S_LEASE_NAMESPACE was checked");
}

#[test]
fn no_golden_render_puts_an_object_in_default() {
    for case in k8s_cases() {
        for d in documents(&case) {
            assert_ne!(namespace(&d), "default", "{case}: {} lands in `default`", id(&d));
        }
    }
}

/// kustomize's `namespace:` over a folder rendered without one puts everything in that
/// namespace, and every reference (RoleBinding subjects included) still resolves.
#[test]
fn kustomize_namespace_over_output_without_one() {
    let kubectl = std::process::Command::new("kubectl").args(["version", "--client"]).output().is_ok_and(|o| o.status.success());
    let pyyaml = std::process::Command::new("python3").args(["-c", "import yaml"]).output().is_ok_and(|o| o.status.success());
    if !kubectl || !pyyaml {
        assert!(std::env::var_os("X07_TOPO_CI").is_none(), "kubectl and PyYAML are required in CI");
        eprintln!("skipped: kubectl or python3 with PyYAML is not available");
        return;
    }
    let case = "render-k8s-namespace-none";
    let t = Test::from_case(case);
    let mut args = support::golden_args_without_out(case);
    args.extend(["--out".to_string(), "deploy/base".to_string()]);
    t.expect_args(&args, 0);
    let overlay = t.path().join("deploy/overlay");
    std::fs::create_dir_all(&overlay).unwrap();
    std::fs::write(overlay.join("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources:\n- ../base\n").unwrap();
    let built = std::process::Command::new("kubectl").arg("kustomize").arg(&overlay).output().unwrap();
    assert!(built.status.success(), "kubectl kustomize: {}", String::from_utf8_lossy(&built.stderr));
    let mut read = std::process::Command::new("python3")
        .args(["-c", "import json, sys, yaml\nprint(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    read.stdin.take().unwrap().write_all(&built.stdout).unwrap();
    let docs: Vec<Value> = serde_json::from_slice(&read.wait_with_output().unwrap().stdout).unwrap();
    let kinds: BTreeSet<&str> = docs.iter().map(kind).collect();
    for k in ["Deployment", "RoleBinding", "Lease", "HTTPRoute", "ScaledObject", "CronJob"] {
        assert!(kinds.contains(k), "kustomize output has no {k}: {kinds:?}");
    }
    for d in &docs {
        assert_eq!(namespace(d), "shop", "{} is not in shop after kustomize", id(d));
    }
    let problems = check_documents(&docs);
    assert!(problems.is_empty(), "after kustomize namespace: shop: {problems:?}");
}

// ---------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------

/// How a problem names an object: `Kind namespace/name`.
fn id(doc: &Value) -> String {
    format!(
        "{} {}/{}",
        doc["kind"].as_str().unwrap_or("<no kind>"),
        doc["metadata"]["namespace"].as_str().unwrap_or("<no namespace>"),
        doc["metadata"]["name"].as_str().unwrap_or("<no name>")
    )
}

fn kind(doc: &Value) -> &str {
    doc["kind"].as_str().unwrap_or("")
}

fn name(doc: &Value) -> &str {
    doc["metadata"]["name"].as_str().unwrap_or("")
}

fn namespace(doc: &Value) -> &str {
    doc["metadata"]["namespace"].as_str().unwrap_or("")
}

/// A string → string map (labels, selectors); non-string values are kept as their JSON.
fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect())
        .unwrap_or_default()
}

/// `selector` ⊆ `labels`; an empty selector matches nothing here (we never mean "all pods").
fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The pod templates of an object, with a description of where they are.
fn pod_templates(doc: &Value) -> Vec<(&'static str, &Value)> {
    match kind(doc) {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Rollout" | "Job" => vec![("spec.template", &doc["spec"]["template"])],
        "CronJob" => vec![("spec.jobTemplate.spec.template", &doc["spec"]["jobTemplate"]["spec"]["template"])],
        "Pod" => vec![("", doc)],
        _ => vec![],
    }
}

fn containers(pod_spec: &Value) -> Vec<&Value> {
    ["initContainers", "containers"].iter().flat_map(|k| pod_spec[*k].as_array().into_iter().flatten()).collect()
}

/// A DNS-1123 label: lowercase alphanumerics and `-`, alphanumeric at both ends, 1..=63.
fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters.
fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// A DNS-1035 label: a DNS-1123 label that starts with a letter.
fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// An IANA service name (container and Service port names): <= 15 of `[a-z0-9-]`, at least
/// one letter, no leading, trailing or double `-`.
fn port_name_problem(s: &str) -> Option<String> {
    if s.len() > 15 {
        return Some(format!("port name {s:?} is {} characters, more than 15", s.len()));
    }
    let ok = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    (!ok).then(|| format!("port name {s:?} is not an IANA service name"))
}

/// A label value: empty, or <= 63 of `[A-Za-z0-9._-]` starting and ending alphanumeric.
fn label_value_ok(v: &str) -> bool {
    v.is_empty()
        || (v.len() <= 63
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            && v.starts_with(|c: char| c.is_ascii_alphanumeric())
            && v.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

/// An env var name as the brief demands: `[A-Za-z_][A-Za-z0-9_]*`.
fn env_name_ok(n: &str) -> bool {
    n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The Kubernetes quantity grammar (`resource.Quantity`):
/// `[+-]? (digits | digits. | digits.digits | .digits) (Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|"" | [eE][+-]?digits)`.
fn is_quantity(q: &str) -> bool {
    let s = q.strip_prefix(['+', '-']).unwrap_or(q);
    let digits_end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, suffix) = s.split_at(digits_end);
    let number_ok = match number.split_once('.') {
        None => !number.is_empty(),
        Some((a, b)) => !b.contains('.') && (!a.is_empty() || !b.is_empty()),
    };
    if !number_ok {
        return false;
    }
    match suffix {
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => true,
        _ => {
            let Some(exp) = suffix.strip_prefix(['e', 'E']) else { return false };
            let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// Env vars allowed a literal `value` although their names look secret: X07 contract values.
const CONTRACT_ENV: &[&str] = &["X07_JOB_CHECKPOINT_KEY", "X07_WORKLOAD_CELL_KEY"];
const SECRET_WORDS: &[&str] = &["PASSWORD", "SECRET", "TOKEN", "KEY"];

/// Every semantic problem of one rendered document list, each naming the object.
fn check_documents(docs: &[Value]) -> Vec<String> {
    let mut p = Vec::new();

    // Index what was emitted, per namespace.
    let mut by_kind: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for d in docs {
        by_kind.entry(kind(d)).or_default().push(d);
    }
    let of = |k: &str| by_kind.get(k).cloned().unwrap_or_default();
    let exists = |k: &str, ns: &str, n: &str| of(k).iter().any(|d| namespace(d) == ns && name(d) == n);
    // An Argo Rollout (canary-lite on a target with Argo Rollouts) stands where a Deployment would.
    let deployments: Vec<&Value> = of("Deployment").into_iter().chain(of("Rollout")).collect();
    let deployment_labels = |d: &Value| string_map(&d["spec"]["template"]["metadata"]["labels"]);

    let mut seen = BTreeSet::new();
    for d in docs {
        let who = id(d);
        if !seen.insert((d["apiVersion"].as_str().unwrap_or("").to_string(), kind(d).to_string(), namespace(d).to_string(), name(d).to_string())) {
            p.push(format!("{who}: emitted twice"));
        }

        // Identity.
        let n = name(d);
        if n.is_empty() {
            p.push(format!("{who}: metadata.name is missing or empty"));
        }
        // Either every object names the one namespace, or none does (kubectl -n, kustomize
        // or Argo CD decides); a mix would scatter one service over two namespaces.
        if namespace(d) != namespace(&docs[0]) {
            p.push(format!("{who}: metadata.namespace {:?} differs from the first object's {:?}", namespace(d), namespace(&docs[0])));
        }
        if d["metadata"].get("namespace").is_some() && !is_dns1123_label(namespace(d)) {
            p.push(format!("{who}: namespace {:?} is not a DNS-1123 label", namespace(d)));
        }
        if !n.is_empty() {
            if !is_dns1123_subdomain(n) {
                p.push(format!("{who}: name {n:?} is not a DNS-1123 subdomain"));
            }
            let (limit, what) = match kind(d) {
                "Service" => (63, "Service names"),
                "CronJob" => (52, "CronJob names"),
                _ => (63, "names"),
            };
            if n.len() > limit {
                p.push(format!("{who}: name is {} characters; {what} must be <= {limit}", n.len()));
            }
            if kind(d) == "Service" && !is_dns1035_label(n) {
                p.push(format!("{who}: Service name {n:?} is not a DNS-1035 label"));
            }
        }

        // No Secret objects: bindings refer to Secrets the operator creates.
        if kind(d) == "Secret" {
            p.push(format!("{who}: x07-topo must never emit a Secret"));
        }

        // Label values everywhere labels live.
        let mut label_sets: Vec<(String, &Value)> = vec![("metadata.labels".to_string(), &d["metadata"]["labels"])];
        for (path, t) in pod_templates(d) {
            label_sets.push((format!("{path}.metadata.labels"), &t["metadata"]["labels"]));
        }
        if kind(d) == "CronJob" {
            label_sets.push(("spec.jobTemplate.metadata.labels".to_string(), &d["spec"]["jobTemplate"]["metadata"]["labels"]));
        }
        label_sets.push(("spec.selector.matchLabels".to_string(), &d["spec"]["selector"]["matchLabels"]));
        if kind(d) == "Service" {
            label_sets.push(("spec.selector".to_string(), &d["spec"]["selector"]));
        }
        for (path, set) in label_sets {
            for (k, v) in string_map(set) {
                if !label_value_ok(&v) {
                    p.push(format!("{who}: {path} {k}={v:?} is not a valid label value (<= 63 of [A-Za-z0-9._-], alphanumeric at both ends)"));
                }
            }
        }

        // Pods and containers.
        for (path, t) in pod_templates(d) {
            let spec = &t["spec"];
            if spec.is_null() {
                p.push(format!("{who}: {path}.spec is missing"));
                continue;
            }
            if spec["securityContext"]["runAsNonRoot"] != json!(true) {
                p.push(format!("{who}: {path}.spec.securityContext.runAsNonRoot must be true"));
            }
            let cs = containers(spec);
            if cs.is_empty() {
                p.push(format!("{who}: {path} has no containers"));
            }
            for c in cs {
                let cname = c["name"].as_str().unwrap_or("<unnamed>");
                let at = format!("{who}: container {cname}");
                if !is_dns1123_label(cname) {
                    p.push(format!("{at}: container name is not a DNS-1123 label"));
                }
                let sc = &c["securityContext"];
                if sc["allowPrivilegeEscalation"] != json!(false) {
                    p.push(format!("{at}: securityContext.allowPrivilegeEscalation must be false"));
                }
                if sc["readOnlyRootFilesystem"] != json!(true) {
                    p.push(format!("{at}: securityContext.readOnlyRootFilesystem must be true"));
                }
                if sc["capabilities"]["drop"] != json!(["ALL"]) {
                    p.push(format!("{at}: securityContext.capabilities.drop must be [ALL], is {}", sc["capabilities"]["drop"]));
                }
                if c["resources"]["requests"]["cpu"].is_null() {
                    p.push(format!("{at}: resources.requests.cpu is missing"));
                }
                for section in ["requests", "limits"] {
                    for (res, q) in c["resources"][section].as_object().into_iter().flatten() {
                        let text = q.as_str().map_or_else(|| q.to_string(), str::to_string);
                        if !(q.is_string() || q.is_number()) || !is_quantity(&text) || text.starts_with('-') {
                            p.push(format!("{at}: resources.{section}.{res} {q} is not a non-negative Kubernetes quantity"));
                        }
                    }
                }
                for port in c["ports"].as_array().into_iter().flatten() {
                    if let Some(pn) = port["name"].as_str() {
                        if let Some(e) = port_name_problem(pn) {
                            p.push(format!("{at}: {e}"));
                        }
                    }
                }
                // Lease env belongs to the cell whose scale class uses the lease, not to every
                // container of a shared deployable (an api replica must not wait for a lease).
                let env_value = |n: &str| c["env"].as_array().into_iter().flatten().find(|e| e["name"] == n).and_then(|e| e["value"].as_str());
                let scale_class = env_value("X07_WORKLOAD_SCALE_CLASS").unwrap_or("");
                for (var, class) in [("X07_LEADER_ELECTION_ENABLED", "singleton-orchestrator"), ("X07_WORK_LEASES_ENABLED", "leased-worker")] {
                    if env_value(var).is_some() && scale_class != class {
                        p.push(format!("{at}: env {var} on a {scale_class:?} container; only {class} cells use that lease"));
                    }
                }
                let mut env_names = BTreeSet::new();
                for e in c["env"].as_array().into_iter().flatten() {
                    let en = e["name"].as_str().unwrap_or("");
                    if !env_name_ok(en) {
                        p.push(format!("{at}: env name {en:?} does not match [A-Za-z_][A-Za-z0-9_]*"));
                    }
                    if !env_names.insert(en) {
                        p.push(format!("{at}: env {en} is set twice"));
                    }
                    let upper = en.to_ascii_uppercase();
                    if e.get("value").is_some() && SECRET_WORDS.iter().any(|w| upper.contains(w)) && !CONTRACT_ENV.contains(&en) {
                        p.push(format!("{at}: env {en} looks secret but has a literal value; it must come from a secretKeyRef"));
                    }
                    let cm = &e["valueFrom"]["configMapKeyRef"];
                    if !cm.is_null() {
                        let (cm_name, key) = (cm["name"].as_str().unwrap_or(""), cm["key"].as_str().unwrap_or(""));
                        // A bucket provisioner writes a ConfigMap named like each ObjectBucketClaim
                        // (BUCKET_HOST, BUCKET_PORT, BUCKET_NAME, BUCKET_REGION, BUCKET_SUBREGION).
                        let claim = of("ObjectBucketClaim").into_iter().any(|o| namespace(o) == namespace(d) && name(o) == cm_name);
                        const OBC_KEYS: &[&str] = &["BUCKET_HOST", "BUCKET_PORT", "BUCKET_NAME", "BUCKET_REGION", "BUCKET_SUBREGION"];
                        match of("ConfigMap").into_iter().find(|m| namespace(m) == namespace(d) && name(m) == cm_name) {
                            None if claim && OBC_KEYS.contains(&key) => {}
                            None if claim => p.push(format!("{at}: env {en} refers to key {key:?} of the ObjectBucketClaim's ConfigMap {cm_name}, which the provisioner does not write")),
                            None => p.push(format!("{at}: env {en} refers to ConfigMap {cm_name:?}, which is not emitted")),
                            Some(m) if m["data"].get(key).is_none() => {
                                p.push(format!("{at}: env {en} refers to key {key:?} of ConfigMap {cm_name}, which has no such key"))
                            }
                            Some(_) => {}
                        }
                    }
                }
                for e in c["envFrom"].as_array().into_iter().flatten() {
                    if let Some(prefix) = e["prefix"].as_str() {
                        if !env_name_ok(prefix) {
                            p.push(format!("{at}: envFrom prefix {prefix:?} does not match [A-Za-z_][A-Za-z0-9_]*"));
                        }
                    }
                    let cm = &e["configMapRef"];
                    if !cm.is_null() && cm["optional"] != json!(true) && !exists("ConfigMap", namespace(d), cm["name"].as_str().unwrap_or("")) {
                        p.push(format!("{at}: envFrom refers to ConfigMap {}, which is not emitted", cm["name"]));
                    }
                }
            }
            for v in spec["volumes"].as_array().into_iter().flatten() {
                if let Some(q) = v["emptyDir"]["sizeLimit"].as_str() {
                    if !is_quantity(q) {
                        p.push(format!("{who}: volume {} sizeLimit {q:?} is not a Kubernetes quantity", v["name"]));
                    }
                }
            }
        }
    }

    // Deployments: their own selector matches their pods.
    for d in &deployments {
        let selector = string_map(&d["spec"]["selector"]["matchLabels"]);
        if !selects(&selector, &deployment_labels(d)) {
            p.push(format!("{}: spec.selector.matchLabels {selector:?} is not a subset of the pod template labels", id(d)));
        }
    }

    // Services and PDBs select the pods of exactly one Deployment and no job pods.
    let job_pods: Vec<(&Value, BTreeMap<String, String>)> = of("CronJob")
        .into_iter()
        .map(|c| (c, string_map(&c["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"])))
        .collect();
    for d in of("Service").into_iter().chain(of("PodDisruptionBudget")) {
        let selector = if kind(d) == "Service" { string_map(&d["spec"]["selector"]) } else { string_map(&d["spec"]["selector"]["matchLabels"]) };
        let matched: Vec<&&Value> = deployments.iter().filter(|x| namespace(x) == namespace(d) && selects(&selector, &deployment_labels(x))).collect();
        if matched.len() != 1 {
            p.push(format!(
                "{}: selector {selector:?} matches the pods of {} Deployments ({:?}), not exactly one",
                id(d),
                matched.len(),
                matched.iter().map(|x| name(x)).collect::<Vec<_>>()
            ));
        }
        for (c, labels) in &job_pods {
            if namespace(c) == namespace(d) && selects(&selector, labels) {
                p.push(format!("{}: selector {selector:?} also matches the job pods of {}", id(d), id(c)));
            }
        }
        if kind(d) == "Service" {
            let target = matched.first().copied();
            for port in d["spec"]["ports"].as_array().into_iter().flatten() {
                if let Some(pn) = port["name"].as_str() {
                    if let Some(e) = port_name_problem(pn) {
                        p.push(format!("{}: {e}", id(d)));
                    }
                }
                let Some(target) = target else { continue };
                let container_ports: Vec<&Value> = containers(&target["spec"]["template"]["spec"]).into_iter().flat_map(|c| c["ports"].as_array().into_iter().flatten()).collect();
                match &port["targetPort"] {
                    Value::String(tp)
                        if !container_ports.iter().any(|cp| cp["name"].as_str() == Some(tp)) => {
                            p.push(format!("{}: targetPort {tp:?} is not a named container port of {}", id(d), id(target)));
                        }
                    Value::Number(tp)
                        if !container_ports.iter().any(|cp| cp["containerPort"].as_u64() == tp.as_u64()) => {
                            p.push(format!("{}: targetPort {tp} is not a container port of {}", id(d), id(target)));
                        }
                    _ => {}
                }
            }
        }
    }

    // HPAs and ScaledObjects: the target exists, at most one scaler each, no `replicas`.
    let mut owners: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for d in of("HorizontalPodAutoscaler").into_iter().chain(of("ScaledObject")) {
        let target = &d["spec"]["scaleTargetRef"];
        let target_kind = target["kind"].as_str().unwrap_or(if kind(d) == "ScaledObject" { "Deployment" } else { "" });
        let target_name = target["name"].as_str().unwrap_or("");
        if !matches!(target_kind, "Deployment" | "Rollout") || !exists(target_kind, namespace(d), target_name) {
            p.push(format!("{}: scaleTargetRef {target_kind} {target_name:?} is not an emitted Deployment or Rollout", id(d)));
            continue;
        }
        owners.entry((namespace(d).to_string(), target_name.to_string())).or_default().push(id(d));
    }
    for ((ns, dep), scalers) in &owners {
        if scalers.len() > 1 {
            p.push(format!("Deployment {ns}/{dep}: scaled by more than one autoscaler: {scalers:?}"));
        }
        if let Some(d) = deployments.iter().find(|d| namespace(d) == ns && name(d) == dep) {
            if d["spec"].get("replicas").is_some() {
                p.push(format!("{}: sets spec.replicas although {} owns it", id(d), scalers.join(", ")));
            }
        }
    }

    // RBAC for leases.
    for d in of("RoleBinding") {
        let role = &d["roleRef"];
        let role_name = role["name"].as_str().unwrap_or("");
        if role["kind"] != json!("Role") || !exists("Role", namespace(d), role_name) {
            p.push(format!("{}: roleRef {} {role_name:?} is not an emitted Role", id(d), role["kind"]));
        }
        let subjects = d["subjects"].as_array().cloned().unwrap_or_default();
        if subjects.is_empty() {
            p.push(format!("{}: has no subjects", id(d)));
        }
        for s in subjects.iter().filter(|s| s["kind"] == json!("ServiceAccount")) {
            let sa_ns = s["namespace"].as_str().unwrap_or(namespace(d));
            let sa = s["name"].as_str().unwrap_or("");
            if !exists("ServiceAccount", sa_ns, sa) {
                p.push(format!("{}: subject ServiceAccount {sa_ns}/{sa} is not emitted", id(d)));
            }
        }
    }
    for d in of("Role") {
        for rule in d["rules"].as_array().into_iter().flatten() {
            for rn in rule["resourceNames"].as_array().into_iter().flatten() {
                let rn = rn.as_str().unwrap_or("");
                if !exists("Lease", namespace(d), rn) {
                    p.push(format!("{}: resourceNames entry {rn:?} is not an emitted Lease", id(d)));
                }
            }
        }
    }
    for d in &deployments {
        if let Some(sa) = d["spec"]["template"]["spec"]["serviceAccountName"].as_str() {
            if !exists("ServiceAccount", namespace(d), sa) {
                p.push(format!("{}: serviceAccountName {sa:?} is not an emitted ServiceAccount", id(d)));
            }
        }
    }
    p
}

// ---------------------------------------------------------------------------------------
// The checker can fail
// ---------------------------------------------------------------------------------------

fn labels(component: &str, role: &str) -> Value {
    json!({"app.kubernetes.io/name": "orders", "app.kubernetes.io/component": component, "x07.io/role": role})
}

fn container(name: &str) -> Value {
    json!({
        "name": name,
        "image": "ghcr.io/acme/orders:1",
        "env": [{"name": "X07_WORKLOAD_CELL_KEY", "value": name}, {"name": "X07_JOB_CHECKPOINT_KEY", "value": "orders:x"}],
        "ports": [{"name": "http-8080", "containerPort": 8080, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
        "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}}
    })
}

fn pod(component: &str, role: &str, c: Value) -> Value {
    json!({"metadata": {"labels": labels(component, role)}, "spec": {"securityContext": {"runAsNonRoot": true}, "containers": [c]}})
}

fn deployment(name: &str, component: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app.kubernetes.io/name": "orders"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "orders", "app.kubernetes.io/component": component, "x07.io/role": "process"}},
            "template": pod(component, "process", container("api"))
        }
    })
}

fn service(name: &str, component: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"app.kubernetes.io/name": "orders", "app.kubernetes.io/component": component, "x07.io/role": "process"},
                 "ports": [{"name": "http-8080", "port": 8080, "targetPort": "http-8080"}]}
    })
}

fn cron_job(name: &str, component: &str, role: &str) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": pod(component, role, container("settle"))}}}
    })
}

/// A small, valid document list; each unit test breaks one thing in it.
fn good() -> Vec<Value> {
    vec![service("orders-api", "api"), deployment("orders-api", "api"), cron_job("orders-settle", "api", "job")]
}

fn assert_reports(docs: &[Value], needle: &str) {
    let problems = check_documents(docs);
    assert!(problems.iter().any(|p| p.contains(needle)), "expected a problem containing {needle:?}, got {problems:#?}");
}

#[test]
fn checker_accepts_the_good_fixture() {
    assert_eq!(check_documents(&good()), Vec::<String>::new());
}

#[test]
fn checker_reports_a_service_that_selects_nothing() {
    let mut docs = good();
    docs[0]["spec"]["selector"]["app.kubernetes.io/component"] = json!("nothing");
    assert_reports(&docs, "Service default/orders-api: selector");
    assert_reports(&docs, "matches the pods of 0 Deployments");
}

#[test]
fn checker_reports_a_selector_matching_two_deployments_or_job_pods() {
    let mut docs = good();
    docs.push(deployment("orders-api-2", "api"));
    assert_reports(&docs, "matches the pods of 2 Deployments");

    // Without the role label the Service would also pick up the job pods.
    let mut docs = good();
    docs[0]["spec"]["selector"].as_object_mut().unwrap().remove("x07.io/role");
    docs[2] = cron_job("orders-settle", "api", "process");
    assert_reports(&docs, "also matches the job pods of CronJob default/orders-settle");
}

#[test]
fn checker_reports_names_and_lengths() {
    let mut docs = good();
    docs[0]["metadata"]["name"] = json!("1-orders");
    docs[1]["metadata"].as_object_mut().unwrap().remove("namespace");
    docs.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "orders-x", "namespace": "Shop"}}));
    docs[2]["metadata"]["name"] = json!("c".repeat(53));
    assert_reports(&docs, "is not a DNS-1035 label");
    assert_reports(&docs, "metadata.namespace \"\" differs from the first object's \"default\"");
    assert_reports(&docs, "namespace \"Shop\" is not a DNS-1123 label");
    assert_reports(&docs, "CronJob names must be <= 52");
    let mut docs = good();
    docs[1]["metadata"]["name"] = json!("Orders_API");
    assert_reports(&docs, "is not a DNS-1123 subdomain");
}

#[test]
fn checker_reports_ports_and_target_ports() {
    let mut docs = good();
    docs[0]["spec"]["ports"][0]["targetPort"] = json!("grpc");
    assert_reports(&docs, "targetPort \"grpc\" is not a named container port");
    docs[0]["spec"]["ports"][0]["name"] = json!("a-very-long-port-name");
    assert_reports(&docs, "more than 15");
}

#[test]
fn checker_reports_deployment_selector_not_matching_its_pods() {
    let mut docs = good();
    docs[1]["spec"]["selector"]["matchLabels"]["x07.io/role"] = json!("job");
    assert_reports(&docs, "is not a subset of the pod template labels");
}

#[test]
fn checker_reports_scalers() {
    let hpa = |target: &str| json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "orders-api", "namespace": "default"}, "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}}});
    let keda = json!({"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "orders-api", "namespace": "default"}, "spec": {"scaleTargetRef": {"name": "orders-api"}}});
    let mut docs = good();
    docs.push(hpa("orders-gone"));
    assert_reports(&docs, "scaleTargetRef Deployment \"orders-gone\" is not an emitted Deployment");
    let mut docs = good();
    docs.push(hpa("orders-api"));
    assert_reports(&docs, "sets spec.replicas although");
    docs.push(keda);
    assert_reports(&docs, "scaled by more than one autoscaler");
}

#[test]
fn checker_reports_config_map_and_rbac_references() {
    let mut docs = good();
    docs[1]["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "X07_BINDING_DB_HOST", "valueFrom": {"configMapKeyRef": {"name": "orders-api-bindings", "key": "DB_HOST"}}}));
    assert_reports(&docs, "refers to ConfigMap \"orders-api-bindings\", which is not emitted");
    docs.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "orders-api-bindings", "namespace": "default"}, "data": {"OTHER": "x"}}));
    assert_reports(&docs, "refers to key \"DB_HOST\" of ConfigMap orders-api-bindings, which has no such key");

    let mut docs = good();
    docs.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "orders-api-leases", "namespace": "default"},
        "rules": [{"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "resourceNames": ["orders-api-leader"], "verbs": ["get"]}]}));
    docs.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "orders-api-leases", "namespace": "default"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "orders-api-lease"},
        "subjects": [{"kind": "ServiceAccount", "name": "orders-api", "namespace": "default"}]}));
    assert_reports(&docs, "roleRef \"Role\" \"orders-api-lease\" is not an emitted Role");
    assert_reports(&docs, "subject ServiceAccount default/orders-api is not emitted");
    assert_reports(&docs, "resourceNames entry \"orders-api-leader\" is not an emitted Lease");
}

#[test]
fn checker_reports_env_labels_and_secrets() {
    let mut docs = good();
    let env = docs[1]["spec"]["template"]["spec"]["containers"][0]["env"].as_array_mut().unwrap();
    env.push(json!({"name": "X07_WORKLOAD_CELL_KEY", "value": "again"}));
    env.push(json!({"name": "1BAD-NAME", "value": "x"}));
    env.push(json!({"name": "X07_BINDING_DB_PASSWORD", "value": "hunter2"}));
    env.push(json!({"name": "X07_OS_OBJ_S3_ACCESS_KEY", "value": "AKIA"}));
    env.push(json!({"name": "X07_WORKLOAD_SCALE_CLASS", "value": "replicated-http"}));
    env.push(json!({"name": "X07_LEADER_ELECTION_ENABLED", "value": "true"}));
    docs[1]["metadata"]["labels"]["x07.io/profile"] = json!("p".repeat(64));
    docs[0]["spec"]["selector"]["app.kubernetes.io/component"] = json!("api/v2");
    docs.push(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-primary", "namespace": "default"}, "stringData": {"DSN": "x"}}));
    assert_reports(&docs, "env X07_WORKLOAD_CELL_KEY is set twice");
    assert_reports(&docs, "env X07_LEADER_ELECTION_ENABLED on a \"replicated-http\" container; only singleton-orchestrator cells use that lease");
    assert_reports(&docs, "env name \"1BAD-NAME\" does not match");
    assert_reports(&docs, "env X07_BINDING_DB_PASSWORD looks secret");
    assert_reports(&docs, "env X07_OS_OBJ_S3_ACCESS_KEY looks secret");
    assert_reports(&docs, "metadata.labels x07.io/profile=");
    assert_reports(&docs, "spec.selector app.kubernetes.io/component=\"api/v2\" is not a valid label value");
    assert_reports(&docs, "Secret default/db-primary: x07-topo must never emit a Secret");
    // The contract's own *_KEY variables are fine.
    assert!(!check_documents(&good()).iter().any(|p| p.contains("looks secret")));
}

#[test]
fn checker_reports_security_context_and_resources() {
    let mut docs = good();
    let spec = &mut docs[2]["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    spec["securityContext"] = json!({});
    let c = &mut spec["containers"][0];
    c["securityContext"]["allowPrivilegeEscalation"] = json!(true);
    c["securityContext"].as_object_mut().unwrap().remove("readOnlyRootFilesystem");
    c["securityContext"]["capabilities"]["drop"] = json!(["NET_RAW"]);
    c["resources"] = json!({"requests": {"memory": "128 Mi"}, "limits": {"cpu": "1.5.0"}});
    assert_reports(&docs, "CronJob default/orders-settle: spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot must be true");
    assert_reports(&docs, "container settle: securityContext.allowPrivilegeEscalation must be false");
    assert_reports(&docs, "container settle: securityContext.readOnlyRootFilesystem must be true");
    assert_reports(&docs, "capabilities.drop must be [ALL]");
    assert_reports(&docs, "container settle: resources.requests.cpu is missing");
    assert_reports(&docs, "resources.requests.memory \"128 Mi\" is not");
    assert_reports(&docs, "resources.limits.cpu \"1.5.0\" is not");
}

#[test]
fn quantity_grammar() {
    for q in ["1", "100m", "0.5", ".5", "5.", "128Mi", "1Gi", "2k", "1e3", "1E-2", "+1", "12Ei"] {
        assert!(is_quantity(q), "{q} should be a quantity");
    }
    for q in ["", "m", "1.2.3", "128 Mi", "1mi", "1K", "1KiB", "1e", "e3", ".", "1.5.0", "abc"] {
        assert!(!is_quantity(q), "{q} should not be a quantity");
    }
}
