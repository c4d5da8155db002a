//! The command line's conventions through the binary: `ok` agrees with the exit code, flag
//! combinations that cannot work are usage errors (exit 2, XT902 under `--format json` for
//! every command and every mistake), per-command `--format` choices, "did you mean",
//! `--version`, completions and the man page.

mod support;

use serde_json::Value;
use support::{json_report, Test};

/// Co-located `prod` with a profile file that gives images.
const CASE: &str = "render-k8s-orders-colocated";

fn codes(report: &Value) -> Vec<&str> {
    report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect()
}

#[test]
fn ok_is_false_whenever_drift_makes_the_exit_code_1() {
    let t = Test::from_case(CASE);
    t.expect_args(&["render", "--profile", "prod", "--out", "out"], 0);
    std::fs::write(t.path().join("out/frontdoor/service-orders-api.yaml"), "edited\n").unwrap();
    for args in [
        &["render", "--profile", "prod", "--out", "out", "--check", "--format", "json"][..],
        &["diff", "--profile", "prod", "--against", "out", "--format", "json"],
    ] {
        let out = t.expect_args(args, 1);
        let report = json_report(&out);
        assert_eq!(report["ok"], false, "{args:?}: drift exits 1, so ok must be false:\n{}", out.stdout);
        assert_eq!(report["result"]["stale"], serde_json::json!(["frontdoor/service-orders-api.yaml"]));
    }
    // The human run says why it failed, on stderr.
    let human = t.expect_args(&["render", "--profile", "prod", "--out", "out", "--check"], 1);
    assert!(human.stderr.contains("out is stale: 1 file(s) differ"), "{}", human.transcript());
}

/// Every mistake resolution catches, per command: (arguments, words the message must have).
const MISTAKES: &[(&[&str], &str)] = &[
    (&["render", "--profile", "prod", "--out", "-", "--check"], "--check compares a folder"),
    (&["render", "--profile", "prod", "--check"], "--check compares a folder"),
    (&["render", "--profile", "prod", "--out", ""], "--out is empty"),
    (&["render", "--profile", "prod", "--image", "frontdoor=a.io/x:1", "--image", "frontdoor=a.io/x:2"], "--image frontdoor= is given twice"),
    (&["render", "--profile", "prod", "--image", "a.io/x:1", "--image", "a.io/x:2"], "two --image values without a DEPLOYABLE= key"),
    (&["render", "--profile", "prod", "--image", "=a.io/x:1"], "the deployable name before `=` is empty"),
    (&["plan", "--profile", "prod", "--image", "frontdoor=a.io/x:1", "--image", "frontdoor=a.io/x:2"], "--image frontdoor= is given twice"),
    (&["plan", "--profile", "prod", "--image", "a.io/x:1", "--image", "a.io/x:2"], "two --image values"),
    (&["diff", "--profile", "prod", "--profile", "dev", "--image", "a.io/x:1", "--image", "a.io/x:2"], "two --image values"),
    (&["diff", "--profile", "prod", "--profile", "dev", "--image", "x=a.io/x:1", "--image", "x=a.io/x:2"], "--image x= is given twice"),
    (&["diff", "--profile", "prod"], "diff compares two profiles"),
    (&["diff", "--profile", "prod", "--profile", "dev", "--against", "out"], "exactly one --profile"),
    (&["diff", "--profile", "prod", "--against", ""], "--against is empty"),
    (&["check", "--workspace", "--manifest", "m.json"], "--manifest does not apply"),
    (&["render", "--workspace", "--out", "x"], "--out and --manifest do not apply"),
    (&["check", "--service", "orders"], "--workspace"),
    (&["diff", "--workspace", "--profile", "dev"], "diff --workspace compares two profiles of every service"),
    (&["diff", "--workspace", "--artifacts"], "--artifacts compares two profiles' files"),
    (&["check", "--allow", "XT999"], "no such diagnostic code"),
    (&["check", "--allow", "XT301"], "only warnings can be allowed"),
    // Mistakes clap itself finds.
    (&["check", "--no-such-flag"], "--no-such-flag"),
    (&["check", "--format", "mermaid"], "mermaid"),
    (&["render", "--format", "sarif", "--profile", "prod"], "sarif"),
    (&["render"], "--profile"),
    (&["plan", "--profile"], "--profile"),
    (&["diff", "--profile", "prod", "--against", "out", "--artifacts"], "--artifacts"),
    (&["diff", "--workspace", "--against", "out"], "--against"),
    (&["diff", "--profile", "prod", "--profile", "dev", "--jobs", "2"], "--workspace"),
    (&["schema", "nonsense"], "nonsense"),
    (&["schema"], "KIND"),
];

#[test]
fn every_mistake_is_a_usage_error_in_human_and_json() {
    let t = Test::from_case(CASE);
    for (args, words) in MISTAKES {
        let human = t.expect_args(args, 2);
        assert!(human.stdout.is_empty(), "{args:?}: a usage error prints nothing on stdout:\n{}", human.transcript());
        assert!(human.stderr.contains(words), "{args:?}: stderr should say {words:?}:\n{}", human.transcript());
        assert!(human.stderr.starts_with("error: ") && human.stderr.contains("try '--help'"), "{args:?}: clap's form of error:\n{}", human.transcript());

        // A wrong --format cannot also ask for json.
        if args.contains(&"--format") {
            continue;
        }
        let mut json_args = args.to_vec();
        json_args.extend(["--format", "json"]);
        let out = t.expect_args(&json_args, 2);
        let report = json_report(&out);
        assert_eq!((report["ok"].clone(), codes(&report)), (Value::Bool(false), vec!["XT902"]), "{json_args:?}:\n{}", out.transcript());
        assert_eq!(report["command"], args[0], "{json_args:?}");
        assert!(out.stderr.is_empty(), "{json_args:?}: JSON usage errors print nothing on stderr:\n{}", out.transcript());
    }
}

#[test]
fn each_command_offers_only_its_own_formats() {
    let help = |command: &str| Test::new().args(&[command, "--help"]).expect(0).stdout;
    assert!(help("plan").contains("mermaid"));
    for command in ["check", "render", "diff", "schema"] {
        assert!(!help(command).contains("mermaid"), "{command} --help offers mermaid");
    }
    for format in ["sarif", "github"] {
        assert!(help("check").contains(format), "check offers {format}");
        for command in ["plan", "render", "diff", "schema"] {
            assert!(!help(command).contains(format), "{command} --help offers {format}");
        }
    }
}

#[test]
fn schema_accepts_format_json_and_prints_the_schema() {
    let human = Test::new().args(&["schema", "profile"]).expect(0);
    let json = Test::new().args(&["schema", "profile", "--format", "json"]).expect(0);
    assert_eq!(human.stdout, json.stdout);
    let schema: Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(schema["properties"]["schema_version"].is_object(), "{schema:#}");
}

#[test]
fn misspelt_commands_and_flags_get_did_you_mean() {
    let out = Test::new().args(&["rendr"]).expect(2);
    assert!(out.stderr.contains("a similar subcommand exists: 'render'"), "{}", out.transcript());
    let out = Test::new().args(&["check", "--profle", "dev"]).expect(2);
    assert!(out.stderr.contains("a similar argument exists: '--profile'"), "{}", out.transcript());
    // Under --format json the tip is the hint.
    let out = Test::new().args(&["plan", "--profle", "dev", "--format", "json"]).expect(2);
    let report = json_report(&out);
    assert_eq!(report["command"], "plan");
    assert_eq!(report["diagnostics"][0]["hint"], "a similar argument exists: '--profile'", "{}", out.stdout);
}

#[test]
fn version_names_the_formats_read_and_the_kubernetes_baseline() {
    let out = Test::new().args(&["--version"]).expect(0);
    let version = env!("CARGO_PKG_VERSION");
    assert!(out.stdout.starts_with(&format!("x07-topo {version}\n")), "{}", out.stdout);
    for read in ["x07.service.manifest@0.1.0", "x07.topology.profile@0.1.0", "x07.topo.target@0.1.0"] {
        assert!(out.stdout.contains(read), "--version does not say it reads {read}:\n{}", out.stdout);
    }
    assert!(out.stdout.contains("kubernetes api: v1_33"), "{}", out.stdout);
    // The baseline printed is the k8s-openapi feature the build enables.
    let cargo = std::fs::read_to_string(support::repo_root().join("Cargo.toml")).unwrap();
    let line = cargo.lines().find(|l| l.starts_with("k8s-openapi")).expect("k8s-openapi dependency");
    assert!(line.contains("\"v1_33\""), "Cargo.toml enables another Kubernetes API than --version says: {line}");
    assert_eq!(Test::new().args(&["-V"]).expect(0).stdout, format!("x07-topo {version}\n"));
}

#[test]
fn completions_are_generated_for_every_shell() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef x07-topo"), ("fish", "complete -c x07-topo"), ("powershell", "Register-ArgumentCompleter")] {
        let out = Test::new().args(&["completions", shell]).expect(0);
        assert!(out.stdout.contains(marker), "{shell}: no {marker:?} in:\n{}", out.stdout);
        for command in ["check", "plan", "render", "diff", "schema"] {
            assert!(out.stdout.contains(command), "{shell} completion does not know `{command}`");
        }
    }
    Test::new().args(&["completions", "tcsh"]).expect(2);
}

#[test]
fn the_man_page_is_roff_and_names_every_command() {
    let out = Test::new().args(&["man"]).expect(0);
    assert!(out.stdout.contains(".TH x07-topo 1"), "{}", out.stdout);
    for command in ["check", "plan", "render", "diff", "schema", "completions", "man"] {
        assert!(out.stdout.contains(&format!("x07\\-topo\\-{command}(1)")), "the man page does not name `{command}`:\n{}", out.stdout);
    }
    let render = Test::new().args(&["man", "render"]).expect(0);
    assert!(render.stdout.contains(".TH x07-topo-render 1") && render.stdout.contains("\\-\\-check"), "{}", render.stdout);
    let unknown = Test::new().args(&["man", "rendr"]).expect(2);
    assert!(unknown.stderr.contains("`rendr` is not an x07-topo command"), "{}", unknown.transcript());
}

#[test]
fn colour_follows_the_flag_and_the_environment_for_ours_and_clap_s_output() {
    let case = "check-warn-archetype";
    let ansi = |t: Test| t.expect(0).stderr.contains('\x1b');
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut t = Test::from_case(case).args(&["check"]).args(extra);
        for (k, v) in env {
            t = t.env(k, v);
        }
        t
    };
    assert!(!ansi(run(&[], &[])), "off a terminal, plain by default");
    assert!(ansi(run(&[("CLICOLOR_FORCE", "1")], &[])), "CLICOLOR_FORCE colours a pipe");
    assert!(!ansi(run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[])), "a non-empty NO_COLOR wins");
    assert!(ansi(run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")], &[])), "an empty NO_COLOR does not count");
    assert!(ansi(run(&[], &["--color", "always"])), "--color always");
    assert!(!ansi(run(&[("CLICOLOR_FORCE", "1")], &["--color=never"])), "--color never wins over the environment");
    // clap's own errors and help follow the same decision.
    let clap_error = |color: &str| Test::new().args(&["--color", color, "check", "--profle"]).expect(2).stderr.contains('\x1b');
    assert!(clap_error("always") && !clap_error("never"));
    let help = |color: &str| Test::new().args(&["--color", color, "check", "--help"]).expect(0).stdout.contains('\x1b');
    assert!(help("always") && !help("never") && !help("auto"));
}

#[test]
fn unreadable_inputs_get_a_hint_about_what_is_actually_wrong() {
    let t = Test::from_case("check-ok-orders-seed");
    let hint = |args: &[&str]| {
        let report = json_report(&t.expect_args(args, 2));
        let d = report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "XT901").unwrap_or_else(|| panic!("no XT901: {report:#}"));
        d["hint"].as_str().unwrap().to_string()
    };
    let missing_profile = hint(&["check", "--profile", "nope/prod.json", "--format", "json"]);
    assert!(!missing_profile.contains("--manifest"), "a missing profile is not about --manifest: {missing_profile}");
    assert!(missing_profile.contains("profile file"), "{missing_profile}");

    let folder = hint(&["check", "--manifest", ".", "--format", "json"]);
    assert!(!folder.contains("permissions"), "a folder is not a permission problem: {folder}");
    assert!(folder.contains("--manifest takes the manifest file, not a folder: use --manifest ./arch/service/index.x07service.json"), "{folder}");
    let profile_folder = hint(&["check", "--profile", "arch/", "--format", "json"]);
    assert!(profile_folder.contains("not a folder"), "{profile_folder}");
}

#[test]
fn allowed_warnings_do_not_fail_deny_warnings_on_any_command() {
    let t = Test::from_case("check-warn-archetype");
    t.expect_args(&["check", "--profile", "prod", "--deny-warnings"], 1);
    let allow = ["--deny-warnings", "--allow", "XT122", "--allow", "XT309"];
    for command in [&["check", "--profile", "prod"][..], &["plan", "--profile", "prod"], &["diff", "--profile", "prod", "--profile", "prod-split"]] {
        let args: Vec<&str> = command.iter().chain(allow.iter()).copied().chain(["--format", "json"]).collect();
        let out = t.expect_args(&args, 0);
        let report = json_report(&out);
        assert_eq!(report["ok"], true, "{args:?}");
        assert_eq!(report["diagnostics"], serde_json::json!([]), "{args:?}");
        let suppressed: Vec<&str> = report["suppressed"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert!(suppressed.contains(&"XT122"), "{args:?}: {suppressed:?}");
    }
}
