//! What a run reports, in the machine formats: the JSON report every command prints with
//! `--format json` (`x07.topo.report@0.1.0`), and for `check` a SARIF log (`sarif.rs`) and
//! GitHub workflow commands (`github.rs`). Pure: diagnostics in, text out.

pub mod github;
pub mod sarif;

use crate::diagnostics::Diagnostic;
use serde::Serialize;

pub const SCHEMA_VERSION: &str = "x07.topo.report@0.1.0";

#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub schema_version: &'static str,
    pub command: &'a str,
    /// False whenever the exit code is not 0.
    pub ok: bool,
    pub diagnostics: &'a [Diagnostic],
    /// Warnings allowed by `--allow` or the profile's `lints`: not printed by human output,
    /// not counted by `--deny-warnings`, listed here so nothing is hidden from tools. Only
    /// present when there are some, so the report keeps SPEC §1's five members otherwise.
    #[serde(skip_serializing_if = "<[Diagnostic]>::is_empty")]
    pub suppressed: &'a [Diagnostic],
    pub result: serde_json::Value,
}

impl Report<'_> {
    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a report always serialises");
        s.push('\n');
        s
    }
}
