//! The input formats through the library: the hand-written manifest decoder against serde,
//! its robustness on damaged and hostile bytes, and its determinism.
//!
//! - Round trip: every manifest the golden cases accept decodes, and serialising the decoded
//!   value gives back the source document (placement aliases aside). The decoder reads
//!   member names by hand while serde and schemars derive them from the types; this proves
//!   the two agree, so `x07-topo schema manifest` describes what `check` reads.
//! - Robustness: truncations, single-byte deletions and hostile inputs never panic, and an
//!   input that is not a valid manifest always gets an error diagnostic with a position.
//! - Determinism: reading the same bytes twice gives the same diagnostics.

mod support;

use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use support::{golden_cases, golden_exit, golden_manifest, MANIFEST_PATH};
use x07_topo::diagnostics::{Diagnostic, Severity};
use x07_topo::inputs::{read_manifest, ManifestInput};

/// Upstream placement names and what they normalise to (SPEC §2.1).
const ALIASES: &[(&str, &str)] = &[("dedicated-cell", "split-by-cell"), ("embedded-kernel", "co-located")];

/// Codes of problems at the document level: encoding, emptiness, syntax, nesting.
const DOCUMENT_LEVEL: &[&str] = &["XT001", "XT002", "XT003", "XT004", "XT020"];

/// The source document as serde_json reads it, with placement aliases replaced by what
/// they mean. Returns the value and how many aliases it replaced.
fn normalised(source: &[u8]) -> Result<(Value, usize), serde_json::Error> {
    let mut value: Value = serde_json::from_slice(source)?;
    // `$schema` is for editors: accepted and ignored, so the decoded manifest has none.
    if let Some(map) = value.as_object_mut() {
        if map.get("$schema").is_some_and(Value::is_string) {
            map.remove("$schema");
        }
    }
    drop_null_members(&mut value);
    let mut replaced = 0;
    if let Some(Value::Array(entries)) = value.get_mut("topology_profiles") {
        for entry in entries {
            if let Some(Value::String(p)) = entry.get_mut("placement") {
                if let Some((_, meaning)) = ALIASES.iter().find(|(alias, _)| alias == p) {
                    *p = meaning.to_string();
                    replaced += 1;
                }
            }
        }
    }
    Ok((value, replaced))
}

/// An optional member written as `null` is absent (SPEC §2.1; upstream's serializer writes them),
/// and so is a probe's empty `command` (upstream's default, which its serializer writes).
fn drop_null_members(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.retain(|k, v| !(v.is_null() || k == "command" && v.as_array().is_some_and(Vec::is_empty)));
            members.values_mut().for_each(drop_null_members);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_members),
        _ => {}
    }
}

/// Numbers compared by value: serde_json reads `-0` as the float -0.0, which is the integer 0.
fn integral_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap();
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                *value = if f < 0.0 { Value::from(f as i64) } else { Value::from(f as u64) };
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(members) => members.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

fn errors(input: &ManifestInput) -> Vec<&Diagnostic> {
    input.diags.iter().filter(|d| d.code.severity == Severity::Error).collect()
}

fn summary(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("{} {} {:?}:{:?} {}", d.code.id, d.pointer, d.line, d.column, d.message)).collect::<Vec<_>>().join("\n  ")
}

/// (a) Every accepted golden manifest decodes and serialises back to its source.
#[test]
fn accepted_manifests_round_trip_through_serde() {
    let mut checked = 0;
    let mut aliases = 0;
    let mut failures = Vec::new();
    for case in golden_cases() {
        // A workspace case keeps its manifests under services/ (tests/workspace.rs reads them).
        if golden_exit(&case) != 0 || support::repo_root().join("golden").join(&case).join("x07-topo.workspace.json").exists() {
            continue;
        }
        let bytes = golden_manifest(&case).unwrap_or_else(|| panic!("golden/{case} exits 0 but has no {MANIFEST_PATH}"));
        let input = read_manifest(MANIFEST_PATH, bytes.as_slice());
        let Some(manifest) = &input.manifest else {
            failures.push(format!("golden/{case}: read_manifest gave no manifest:\n  {}", summary(&input.diags)));
            continue;
        };
        if !errors(&input).is_empty() {
            failures.push(format!("golden/{case}: a case that exits 0 has errors:\n  {}", summary(&input.diags)));
        }
        let (expected, replaced) = normalised(&bytes).unwrap_or_else(|e| panic!("golden/{case}: serde_json cannot read the manifest: {e}"));
        aliases += replaced;
        let actual = serde_json::to_value(manifest).expect("a manifest serialises");
        if actual != expected {
            failures.push(format!(
                "golden/{case}: the decoded manifest does not serialise back to the source\n{}",
                support::diff(&serde_json::to_string_pretty(&expected).unwrap(), &serde_json::to_string_pretty(&actual).unwrap())
            ));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 10, "only {checked} golden cases exit 0; the round trip proves little");
    assert!(aliases > 0, "no accepted golden manifest uses a placement alias, so alias normalisation is untested");
}

/// What must hold for any bytes given to `read_manifest`. Returns a failure description.
fn check_any_input(what: &str, bytes: &[u8]) -> Option<String> {
    let read = || catch_unwind(AssertUnwindSafe(|| read_manifest(MANIFEST_PATH, bytes)));
    let input = match read() {
        Ok(input) => input,
        Err(panic) => {
            let message = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            return Some(format!("{what}: read_manifest panicked: {}", message.unwrap_or_default()));
        }
    };
    let again = read().expect("the second read of the same bytes panicked");
    // (c) Determinism.
    if again.diags != input.diags || again.manifest != input.manifest {
        return Some(format!("{what}: two reads differ:\n  {}\nvs\n  {}", summary(&input.diags), summary(&again.diags)));
    }

    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let lines = text.split('\n').count() as u32;
    for d in &input.diags {
        // Every problem read_manifest reports is in the file, so it has a position in it.
        let (Some(line), Some(column)) = (d.line, d.column) else {
            return Some(format!("{what}: {} has no line or column: {}", d.code.id, d.message));
        };
        if line < 1 || line > lines || column < 1 {
            return Some(format!("{what}: {} at {line}:{column} is outside the file ({lines} lines)", d.code.id));
        }
        let line_len = text.split('\n').nth(line as usize - 1).unwrap_or_default().chars().count() as u32;
        if column > line_len + 1 {
            return Some(format!("{what}: {} at {line}:{column} is past the end of line {line} ({line_len} characters)", d.code.id));
        }
        if d.file != MANIFEST_PATH {
            return Some(format!("{what}: {} names file {:?}", d.code.id, d.file));
        }
        if !(d.pointer.is_empty() || d.pointer.starts_with('/')) {
            return Some(format!("{what}: {} has pointer {:?}, not an RFC 6901 pointer", d.code.id, d.pointer));
        }
        if d.message.trim().is_empty() {
            return Some(format!("{what}: {} has no message", d.code.id));
        }
    }

    let has_errors = !errors(&input).is_empty();
    let document_error = input.diags.iter().any(|d| DOCUMENT_LEVEL.contains(&d.code.id));
    // serde_json refuses a byte-order mark, as our reader does (XT020).
    let serde = normalised(bytes);
    // Our JSON reader and serde_json agree on what is JSON, except that serde_json refuses
    // numbers beyond f64 (`1e999999`), which are JSON all the same: our reader takes them
    // and the decoder rejects them, as no manifest field takes such a number.
    let out_of_range = matches!(&serde, Err(e) if e.to_string().starts_with("number out of range"));
    if out_of_range {
        if !has_errors || document_error {
            return Some(format!("{what}: a number beyond f64 should be a field error, got:\n  {}", summary(&input.diags)));
        }
    } else if serde.is_err() != document_error {
        return Some(format!(
            "{what}: serde_json {} the bytes, but read_manifest reported {}",
            if serde.is_err() { "rejects" } else { "accepts" },
            if document_error { summary(&input.diags) } else { "no document-level error".to_string() }
        ));
    }
    // Not a manifest: at least one error says why.
    if input.manifest.is_none() && !has_errors {
        return Some(format!("{what}: no manifest and no error (diagnostics: {})", summary(&input.diags)));
    }
    // Accepted without error: it means exactly what the JSON says.
    if let (Some(manifest), false) = (&input.manifest, has_errors) {
        let (mut expected, _) = serde.expect("checked above");
        integral_numbers(&mut expected);
        if serde_json::to_value(manifest).unwrap() != expected {
            return Some(format!("{what}: accepted without errors, but the decoded manifest is not the document"));
        }
    }
    None
}

/// `count` offsets spread evenly over `0..len` (all of them when `len <= count`).
fn spread(len: usize, count: usize) -> Vec<usize> {
    let mut offsets: Vec<usize> = (0..count).map(|i| i * len / count).filter(|&at| at < len).collect();
    offsets.dedup();
    offsets
}

/// (b) Every golden manifest, truncated and with one byte deleted, at 64 offsets each.
#[test]
fn damaged_manifests_never_panic_and_always_explain() {
    let mut failures = Vec::new();
    let mut inputs = 0;
    let mut rejected = 0;
    for case in golden_cases() {
        let Some(bytes) = golden_manifest(&case) else { continue };
        failures.extend(check_any_input(&format!("golden/{case}"), &bytes));
        for at in spread(bytes.len(), 64) {
            let truncated = &bytes[..at];
            let mut deleted = bytes.clone();
            deleted.remove(at);
            for (what, damaged) in [(format!("golden/{case} truncated to {at} bytes"), truncated.to_vec()), (format!("golden/{case} without byte {at}"), deleted)] {
                inputs += 1;
                let input = read_manifest(MANIFEST_PATH, damaged.as_slice());
                rejected += usize::from(input.manifest.is_none());
                failures.extend(check_any_input(&what, &damaged));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {inputs} damaged inputs failed:\n{}", failures.len(), failures.join("\n"));
    assert!(inputs > 60 * 128, "only {inputs} damaged inputs");
    assert!(rejected > inputs / 2, "only {rejected} of {inputs} damaged inputs were rejected; truncations alone should be");
}

/// A small valid manifest with `@NUMBER@` where a hostile number goes.
fn manifest_with(field: &str, number: &str) -> String {
    let n = |f: &str, default: &str| if f == field { number.to_string() } else { default.to_string() };
    format!(
        r#"{{
  "schema_version": "x07.service.manifest@0.1.0",
  "service_id": "shop",
  "display_name": "Shop",
  "domain_pack": {{ "id": "shop", "display_name": "Shop" }},
  "cells": [
    {{
      "cell_key": "api",
      "cell_kind": "api-cell",
      "entry_symbol": "shop.api.main",
      "ingress_kind": "http",
      "runtime_class": "native-http",
      "scale_class": "replicated-http",
      "topology_group": "frontdoor",
      "runtime": {{
        "probes": {{ "readiness": {{ "probe_kind": "http", "path": "/ready", "port": {port}, "period_seconds": {period} }} }},
        "rollout": {{ "strategy": "canary-lite", "canary_percent": {canary} }},
        "autoscaling": {{ "min_replicas": {min}, "max_replicas": {max}, "target_cpu_utilization": {cpu} }}
      }}
    }},
    {{
      "cell_key": "nightly",
      "cell_kind": "scheduled-job",
      "entry_symbol": "shop.nightly.main",
      "ingress_kind": "schedule",
      "runtime_class": "native-worker",
      "scale_class": "burst-batch",
      "topology_group": "batch",
      "runtime": {{ "schedule": {{ "cron": "0 3 * * *", "retry_limit": {retry}, "start_deadline_seconds": {deadline} }} }}
    }}
  ]
}}
"#,
        port = n("port", "8080"),
        period = n("period_seconds", "10"),
        canary = n("canary_percent", "10"),
        min = n("min_replicas", "1"),
        max = n("max_replicas", "4"),
        cpu = n("target_cpu_utilization", "70"),
        retry = n("retry_limit", "2"),
        deadline = n("start_deadline_seconds", "60"),
    )
}

const INTEGER_FIELDS: &[&str] =
    &["port", "period_seconds", "canary_percent", "min_replicas", "max_replicas", "target_cpu_utilization", "retry_limit", "start_deadline_seconds"];

/// (b) Hostile bytes: huge nesting, broken UTF-8, BOM, NUL, absurd numbers.
#[test]
fn hostile_inputs_never_panic_and_always_explain() {
    // The template itself is valid, so each rejection below is the hostile value's doing.
    let base = read_manifest(MANIFEST_PATH, manifest_with("", "").as_bytes());
    assert!(base.manifest.is_some() && base.diags.is_empty(), "the template is not a clean manifest:\n  {}", summary(&base.diags));

    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("1 MB of `[`".into(), vec![b'['; 1 << 20]),
        ("1 MB of `{`".into(), vec![b'{'; 1 << 20]),
        ("`{\"a\":` repeated".into(), "{\"a\":".repeat(200_000).into_bytes()),
        ("`{\"a\":[` repeated, closed".into(), ["{\"a\":[".repeat(100_000), "]}".repeat(100_000)].concat().into_bytes()),
        ("a lone continuation byte".into(), b"{\"service_id\": \"\x80\"}".to_vec()),
        ("0xFF in a string".into(), b"{\"service_id\": \"shop\xFF\"}".to_vec()),
        ("an overlong `/`".into(), b"{\"a\": \"\xC0\xAF\"}".to_vec()),
        ("a UTF-8 encoded surrogate".into(), b"{\"a\": \"\xED\xA0\x80\"}".to_vec()),
        ("a truncated 3-byte sequence at the end".into(), b"{\"a\": \"\xE2\x82".to_vec()),
        ("invalid UTF-8 on line 3".into(), b"{\n  \"a\": 1,\n  \"b\": \"\xFE\"\n}".to_vec()),
        ("a BOM and `{}`".into(), b"\xEF\xBB\xBF{}".to_vec()),
        ("a BOM alone".into(), b"\xEF\xBB\xBF".to_vec()),
        ("two BOMs and `{}`".into(), b"\xEF\xBB\xBF\xEF\xBB\xBF{}".to_vec()),
        ("a NUL byte".into(), b"\0".to_vec()),
        ("NUL bytes".into(), vec![0; 4096]),
        ("NUL inside an object".into(), b"{\0}".to_vec()),
        ("NUL inside a key".into(), b"{\"a\0\": 1}".to_vec()),
        ("an escaped NUL in a key".into(), b"{\"service_id\\u0000\": 1}".to_vec()),
        ("NUL after the document".into(), [manifest_with("", "").into_bytes(), vec![0]].concat()),
        ("an empty file".into(), Vec::new()),
        ("white space only".into(), b" \n\t\r\n".to_vec()),
        ("`null`".into(), b"null".to_vec()),
        ("a top-level number".into(), b"1e999999".to_vec()),
        ("a lone high surrogate escape".into(), br#"{"service_id": "\ud800"}"#.to_vec()),
        ("a lone low surrogate escape".into(), br#"{"service_id": "\udc00x"}"#.to_vec()),
        ("an unterminated escape".into(), br#"{"service_id": "\u12"#.to_vec()),
        ("a multi-byte character before a syntax error".into(), "{\"é\u{1F600}\": ]".as_bytes().to_vec()),
        ("a 100 000-character line".into(), format!("{{\"service_id\": \"{}\", }}", "x".repeat(100_000)).into_bytes()),
        ("CR line endings".into(), manifest_with("port", "0").replace('\n', "\r").into_bytes()),
    ];
    for field in INTEGER_FIELDS {
        for number in ["1e999999", "-1e999999", "18446744073709551616", "-18446744073709551617", "1.5", "1.0", "1e2", "-1", "4294967296", "2147483648", &"9".repeat(400)] {
            cases.push((format!("`{field}`: {number}"), manifest_with(field, number).into_bytes()));
        }
        cases.push((format!("`{field}`: -0"), manifest_with(field, "-0").into_bytes()));
    }

    let mut failures = Vec::new();
    for (what, bytes) in &cases {
        failures.extend(check_any_input(what, bytes));
    }
    assert!(failures.is_empty(), "{} of {} hostile inputs failed:\n{}", failures.len(), cases.len(), failures.join("\n"));

    // Beyond not panicking: each is rejected for the right reason.
    let codes = |bytes: &[u8]| -> Vec<&'static str> { read_manifest(MANIFEST_PATH, bytes).diags.iter().map(|d| d.code.id).collect() };
    assert_eq!(codes(&vec![b'['; 1 << 20]), ["XT004"]);
    assert_eq!(codes("{\"a\":".repeat(200_000).as_bytes()), ["XT004"]);
    assert_eq!(codes(b"{\"service_id\": \"\x80\"}"), ["XT001"]);
    assert_eq!(codes(b""), ["XT002"]);
    assert_eq!(codes(b"\0"), ["XT003"]);
    assert_eq!(codes(b"\"a\0\""), ["XT003"]);
    let utf8 = read_manifest(MANIFEST_PATH, b"{\n  \"a\": 1,\n  \"b\": \"\xFE\"\n}");
    assert_eq!((utf8.diags[0].line, utf8.diags[0].column), (Some(3), Some(9)), "the bad byte is on line 3, column 9");
    // A BOM is refused as upstream's readers refuse it (XT020), and nothing more is read.
    assert_eq!(codes(b"\xEF\xBB\xBF{}"), ["XT020"]);
    assert_eq!(codes(b"\xEF\xBB\xBF"), ["XT020"]);

    // Hostile numbers in integer fields: every one is an error at that field, except `-0`
    // (zero, as JSON Schema and serde_json read it) where zero is allowed.
    for field in INTEGER_FIELDS {
        for number in ["1e999999", "18446744073709551616", "1.5", "1.0", "-1", "4294967296"] {
            let input = read_manifest(MANIFEST_PATH, manifest_with(field, number).as_bytes());
            let at_field: Vec<_> = errors(&input).into_iter().filter(|d| d.pointer.ends_with(&format!("/{field}"))).collect();
            assert!(
                !at_field.is_empty() && at_field.iter().all(|d| d.code.id == "XT006" || d.code.id == "XT012"),
                "`{field}`: {number} should be a type or range error at the field, got:\n  {}",
                summary(&input.diags)
            );
            assert!(input.manifest.is_none(), "`{field}`: {number} decoded to a manifest");
        }
        let zero = read_manifest(MANIFEST_PATH, manifest_with(field, "-0").as_bytes());
        let zero_allowed = matches!(*field, "min_replicas" | "retry_limit" | "start_deadline_seconds");
        assert_eq!(zero.manifest.is_some(), zero_allowed, "`{field}`: -0:\n  {}", summary(&zero.diags));
    }
}

/// (c) The same bytes give the same diagnostics, in the same order, every time.
#[test]
fn reading_twice_gives_identical_diagnostics() {
    let mut with_diags = 0;
    for case in golden_cases() {
        let Some(bytes) = golden_manifest(&case) else { continue };
        let first = read_manifest(MANIFEST_PATH, bytes.as_slice());
        let second = read_manifest(MANIFEST_PATH, bytes.as_slice());
        assert_eq!(first.diags, second.diags, "golden/{case}");
        assert_eq!(first.manifest, second.manifest, "golden/{case}");
        with_diags += usize::from(!first.diags.is_empty());
    }
    assert!(with_diags >= 30, "only {with_diags} golden manifests have diagnostics");
}
