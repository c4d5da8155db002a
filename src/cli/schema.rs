//! `x07-topo schema`: JSON Schemas derived from the Rust types, so they cannot drift.

use super::args::{SchemaArgs, SchemaKind};
use super::output::{write_stdout, EXIT_OK};

pub fn schema_text(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Manifest => schemars::schema_for!(crate::manifest::Manifest),
        SchemaKind::Profile => schemars::schema_for!(crate::profile::ProfileDocument),
        SchemaKind::Target => schemars::schema_for!(crate::target::TargetDescription),
    };
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialise");
    text.push('\n');
    text
}

pub fn run(args: &SchemaArgs) -> i32 {
    write_stdout(&schema_text(args.kind));
    EXIT_OK
}
