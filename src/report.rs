//! The JSON report every command prints with `--format json` (`x07.topo.report@0.1.0`).

use crate::diagnostics::Diagnostic;
use serde::Serialize;

pub const SCHEMA_VERSION: &str = "x07.topo.report@0.1.0";

#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub schema_version: &'static str,
    pub command: &'a str,
    pub ok: bool,
    pub diagnostics: &'a [Diagnostic],
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
