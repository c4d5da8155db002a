//! Upstream conformance (SPEC §2.1): what upstream X07's readers (`x07 service validate`,
//! x07-wasm's workload surface) accept and refuse, and how they read what they accept.
//! Fixtures are upstream's api-cell archetype example as upstream's serializer writes it
//! (`golden/check-ok-upstream-nulls-api-cell`), changed one member at a time.

mod support;

use serde_json::{json, Value};
use support::{json_report, repo_root, Test, MANIFEST_PATH};

/// Upstream's api-cell example as upstream's serde model re-serializes it.
fn upstream_example() -> Value {
    let path = repo_root().join("golden/check-ok-upstream-nulls-api-cell").join(MANIFEST_PATH);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn with_manifest(manifest: &Value) -> Test {
    Test::new().file(MANIFEST_PATH, &(serde_json::to_string_pretty(manifest).unwrap() + "\n"))
}

fn codes_at(out: &support::Output) -> Vec<(String, String, String)> {
    let report = json_report(out);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["pointer"].as_str().unwrap().to_string(), d["severity"].as_str().unwrap().to_string()))
        .collect()
}

/// Every output of one manifest: `plan --format json` and the files of `render --out`.
fn outputs(manifest: &Value, profile: &str) -> Vec<(String, Vec<u8>)> {
    let t = with_manifest(manifest);
    let plan = t.expect_args(&["plan", "--profile", profile, "--format", "json"], 0);
    let mut all = vec![("plan".to_string(), plan.stdout.into_bytes())];
    t.expect_args(&["render", "--profile", profile, "--image", "ghcr.io/acme/api:1.0.0", "--out", "out"], 0);
    for file in support::list_files(&t.path().join("out")) {
        all.push((file.clone(), std::fs::read(t.path().join("out").join(&file)).unwrap()));
    }
    all
}

/// Upstream writes `"command": []` on every http probe; a manifest that went through
/// upstream's tools must render the same bytes as the one before (so `render --check` stays
/// clean), for the hosted descriptor and `plan --format json` alike.
#[test]
fn http_probe_empty_command_changes_no_output_byte() {
    let upstream = upstream_example();
    let mut hand_written = upstream.clone();
    for probe in ["readiness", "liveness"] {
        hand_written["cells"][0]["runtime"]["probes"][probe].as_object_mut().unwrap().remove("command");
    }
    for profile in ["dev", "prod"] {
        let (a, b) = (outputs(&upstream, profile), outputs(&hand_written, profile));
        assert_eq!(a.iter().map(|(n, _)| n).collect::<Vec<_>>(), b.iter().map(|(n, _)| n).collect::<Vec<_>>());
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "profile {profile}: {name} differs after a round trip through upstream's serializer:\n{}", support::diff(&String::from_utf8_lossy(y), &String::from_utf8_lossy(x)));
        }
        assert!(!String::from_utf8_lossy(&a[0].1).contains("\"command\": []"), "plan of {profile} shows an empty command");
    }
}

/// Where upstream's member has a default instead of an `Option`, upstream's parser refuses
/// `null` (`invalid type: null, expected a sequence`); so does x07-topo, at the member.
#[test]
fn null_where_upstream_has_a_default_is_refused() {
    type Change = fn(&mut Value);
    let cases: [(&str, Change); 6] = [
        ("/binding_refs", |m| m["cells"][0]["binding_refs"] = Value::Null),
        ("/topology_profiles", |m| m["topology_profiles"] = Value::Null),
        ("/resource_bindings", |m| {
            m["resource_bindings"] = Value::Null;
            m["cells"][0]["binding_refs"] = json!([]);
        }),
        ("/runtime", |m| m["cells"][0]["runtime"] = Value::Null),
        ("/command", |m| m["cells"][0]["runtime"]["probes"]["readiness"]["command"] = Value::Null),
        ("/required", |m| m["resource_bindings"][1]["required"] = Value::Null),
    ];
    for (member, change) in cases {
        let mut m = upstream_example();
        change(&mut m);
        let out = with_manifest(&m).args(&["check", "--format", "json"]).expect(1);
        let found = codes_at(&out);
        assert!(
            found.iter().any(|(code, pointer, severity)| code == "XT006" && pointer.ends_with(member) && severity == "error"),
            "null at {member}: expected XT006 there, got {found:?}"
        );
    }
}

/// The published schema says the same: no `null` for those members, `null` still allowed
/// for upstream's `Option` members (`notes`, `target_kind`, probe timings).
#[test]
fn schema_allows_no_null_where_upstream_has_a_default() {
    let schema: Value = serde_json::from_slice(&std::fs::read(repo_root().join("schemas/x07.service.manifest@0.1.0.json")).unwrap()).unwrap();
    let text = schema.to_string();
    let defs = &schema["$defs"];
    let allows_null = |s: &Value| -> bool {
        let t = s.to_string();
        t.contains("\"null\"") || t.contains("{\"type\":\"null\"}")
    };
    for (owner, member) in [("", "topology_profiles"), ("", "resource_bindings"), ("Cell", "binding_refs"), ("Cell", "runtime"), ("Probe", "command"), ("ResourceBinding", "required")] {
        let props = if owner.is_empty() { &schema["properties"] } else { &defs[owner]["properties"] };
        let s = &props[member];
        assert!(!s.is_null(), "{owner}.{member} missing from the schema: {text}");
        assert!(!allows_null(s), "{owner}.{member} allows null: {s}");
    }
    for (owner, member) in [("ResourceBinding", "notes"), ("ProfileEntry", "target_kind"), ("Probe", "period_seconds")] {
        assert!(allows_null(&defs[owner]["properties"][member]), "{owner}.{member} should allow null: {}", defs[owner]["properties"][member]);
    }
}

/// Both upstream readers refuse a byte-order mark.
#[test]
fn byte_order_mark_is_refused() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(serde_json::to_vec_pretty(&upstream_example()).unwrap());
    let t = Test::new();
    std::fs::create_dir_all(t.path().join("arch/service")).unwrap();
    std::fs::write(t.path().join(MANIFEST_PATH), &bytes).unwrap();
    let out = t.args(&["check", "--format", "json"]).expect(1);
    assert_eq!(codes_at(&out), [("XT020".to_string(), String::new(), "error".to_string())]);
}

/// An omitted `required` is false, as upstream's pipeline reads it: `binding.requirements.json`
/// says `false` (x07-wasm writes the explicit `false` its platform reads), with a warning
/// suggesting to state it.
#[test]
fn omitted_required_is_false_with_a_warning() {
    let mut m = upstream_example();
    m["resource_bindings"][0].as_object_mut().unwrap().remove("required");
    let t = with_manifest(&m);
    let out = t.expect_args(&["render", "--profile", "prod", "--image", "ghcr.io/acme/api:1.0.0", "--out", "out", "--format", "json"], 0);
    let found = codes_at(&out);
    assert!(found.contains(&("XT140".to_string(), "/resource_bindings/0".to_string(), "warning".to_string())), "{found:?}");
    let requirements: Value = serde_json::from_slice(&std::fs::read(t.path().join("out/binding.requirements.json")).unwrap()).unwrap();
    let text = requirements.to_string();
    let db = requirements["bindings"].as_array().unwrap().iter().find(|b| b["name"] == "db.primary").unwrap_or_else(|| panic!("{text}"));
    assert_eq!(db["required"], json!(false), "{text}");
    // Stated, no warning.
    let out = Test::from_case("check-ok-upstream-nulls-api-cell").args(&["check", "--format", "json", "--deny-warnings"]).expect(0);
    assert!(codes_at(&out).is_empty());
}

/// A manifest without `topology_profiles` (or with an empty list) has upstream's implicit
/// profile `default`, hosted and co-located: `check` checks it and `render --profile default`
/// writes `topology.preview.default.json`.
#[test]
fn manifest_without_profiles_has_the_implicit_default() {
    for absent in [None, Some(json!([]))] {
        let mut m = upstream_example();
        match &absent {
            None => drop(m.as_object_mut().unwrap().remove("topology_profiles")),
            Some(v) => m["topology_profiles"] = v.clone(),
        }
        let t = with_manifest(&m);
        let check = t.expect_args(&["check"], 0);
        assert!(check.stdout.contains("profile default: hosted co-located"), "{absent:?}: {}", check.transcript());
        t.expect_args(&["render", "--profile", "default", "--image", "ghcr.io/acme/api:1.0.0", "--out", "out"], 0);
        let preview: Value = serde_json::from_slice(&std::fs::read(t.path().join("out/topology.preview.default.json")).unwrap()).unwrap();
        assert_eq!(preview["profile_id"], json!("default"), "{preview}");
        assert!(t.path().join("out/hosted.deployment.json").is_file());
    }
}

/// A manifest's profile ids are its entries, whatever they look like: `dev.json` is not a
/// path, and `preset:local` is not the built-in preset (the safe-id rule of issue 22 refuses
/// it as an id, XT127, and nothing reads `profiles/local.json` for it).
#[test]
fn manifest_profile_ids_resolve_as_declared() {
    let mut m = upstream_example();
    m["topology_profiles"] = json!([
        {"id": "dev.json", "target_kind": "k8s", "placement": "single"},
        {"id": "local", "target_kind": "hosted", "placement": "co-located"}
    ]);
    let t = with_manifest(&m);
    let out = t.expect_args(&["check"], 0);
    assert!(out.stdout.contains("profile dev.json: k8s single on k8s-default (manifest entry)"), "{}", out.transcript());
    let out = t.expect_args(&["plan", "--profile", "dev.json", "--format", "json"], 0);
    let plan = json_report(&out);
    assert_eq!((&plan["result"]["profile"], &plan["result"]["target_kind"]), (&json!("dev.json"), &json!("k8s")), "{}", out.stdout);
    // An id with a file of its name uses the file.
    let t = t.file("arch/topology/dev.json.json", "{\"schema_version\": \"x07.topology.profile@0.1.0\", \"id\": \"dev.json\", \"environment\": \"staging\"}\n");
    let out = t.expect_args(&["check"], 0);
    assert!(out.stdout.contains("profile dev.json: k8s single on k8s-default (arch/topology/dev.json.json)"), "{}", out.transcript());
    // `preset:local` declared by the manifest is its entry, never the built-in preset.
    m["topology_profiles"] = json!([{"id": "preset:local", "target_kind": "hosted", "placement": "co-located"}]);
    let t = with_manifest(&m);
    let out = t.expect_args(&["plan", "--profile", "preset:local", "--format", "json"], 1);
    assert!(!out.stdout.contains("profiles/local.json") && out.stdout.contains("XT127"), "{}", out.stdout);
}
