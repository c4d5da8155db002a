//! `check --format sarif` against the SARIF 2.1.0 JSON Schema in `../shared/schemas/sarif/`
//! (draft-04), with a negative control; and `--format github` through the binary.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use support::{golden_cases, golden_exit, repo_root, Test};

fn sarif_schema() -> Option<Value> {
    let path: PathBuf = repo_root().join("../shared/schemas/sarif/sarif-schema-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: {} is absent (CI has ../shared beside the repository)", path.display());
        return None;
    };
    Some(serde_json::from_str(&text).expect("the SARIF schema is JSON"))
}

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new(schema: Value) -> Self {
        let mut compiler = boon::Compiler::new();
        let url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
        compiler.add_resource(url, schema).unwrap();
        let mut schemas = boon::Schemas::new();
        let index = compiler.compile(url, &mut schemas).unwrap_or_else(|e| panic!("the SARIF schema does not compile: {e:#}"));
        Validator { schemas, index }
    }

    fn problems(&self, log: &Value) -> Option<String> {
        self.schemas.validate(log, self.index).err().map(|e| format!("{e:#}"))
    }
}

fn sarif_of(case: &str) -> Value {
    let mut args = support::golden_args_without_out(case);
    args.extend(["--format".to_string(), "sarif".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = Test::from_case(case).args(&args).expect(golden_exit(case));
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{case}: SARIF is not JSON ({e}):\n{}", out.transcript()))
}

#[test]
fn every_check_case_is_a_valid_sarif_log() {
    let Some(schema) = sarif_schema() else { return };
    let validator = Validator::new(schema);
    let cases: Vec<String> = golden_cases().into_iter().filter(|c| c.starts_with("check-")).collect();
    assert!(cases.len() > 20);
    let mut results = 0;
    for case in &cases {
        let log = sarif_of(case);
        if let Some(p) = validator.problems(&log) {
            panic!("{case}: the SARIF log does not validate:\n{p}\n{log:#}");
        }
        results += log["runs"][0]["results"].as_array().unwrap().len();
    }
    assert!(results > 20, "the cases should produce results ({results})");
    let allowed = sarif_of("check-ok-lints-allow");
    let suppressed = allowed["runs"][0]["results"].as_array().unwrap().iter().filter(|r| r["suppressions"][0]["kind"] == "external").count();
    assert_eq!(suppressed, 3, "allowed warnings are suppressed results:\n{allowed:#}");
}

#[test]
fn the_sarif_schema_rejects_a_broken_log() {
    let Some(schema) = sarif_schema() else { return };
    let validator = Validator::new(schema);
    let log = sarif_of("check-err-multiple-problems");
    assert_eq!(validator.problems(&log), None);
    let mut bad_level = log.clone();
    bad_level["runs"][0]["results"][0]["level"] = "fatal".into();
    let mut bad_line = log.clone();
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    let mut no_version = log;
    no_version.as_object_mut().unwrap().remove("version");
    for (what, broken) in [("level fatal", bad_level), ("startLine 0", bad_line), ("no version", no_version)] {
        assert!(validator.problems(&broken).is_some(), "the schema accepted a log with {what}");
    }
}

#[test]
fn sarif_results_point_at_line_column_and_pointer_and_are_stable() {
    let log = sarif_of("check-err-multiple-problems");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), x07_topo::diagnostics::codes::ALL.len(), "every code is a rule");
    let report = support::json_report(&Test::from_case("check-err-multiple-problems").args(&["check", "--format", "json"]).run());
    let diags = report["diagnostics"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    for (r, d) in results.iter().zip(diags) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], d["code"]);
        let location = &r["locations"][0];
        assert_eq!(location["physicalLocation"]["artifactLocation"]["uri"], d["file"]);
        assert_eq!(location["physicalLocation"]["region"]["startLine"], d["line"]);
        assert_eq!(location["physicalLocation"]["region"]["startColumn"], d["column"]);
        if d["pointer"] != "" {
            assert_eq!(location["logicalLocations"][0]["fullyQualifiedName"], d["pointer"]);
        }
    }
    assert_eq!(sarif_of("check-err-multiple-problems"), log, "byte-stable across runs");
}

#[test]
fn github_format_annotates_each_diagnostic() {
    let out = Test::from_case("check-warn-archetype").args(&["check", "--format", "github"]).expect(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(line.starts_with("::warning file=arch/service/index.x07service.json,line="), "{line}");
        assert!(line.contains(",title=XT"), "{line}");
    }
    assert!(lines.iter().any(|l| l.contains(",title=XT122 archetype-rule::")), "{}", out.stdout);
    assert!(out.stderr.is_empty(), "{}", out.transcript());
}
