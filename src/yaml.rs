//! YAML read as data (CRD files a target names, a committed output folder's files), never
//! trusted: one reader with one budget, so every such read is bounded the same way.

use serde_json::Value;

/// The reader's limits: ten times the nodes of the largest CRD we know (External Secrets'
/// SecretStore, 12,000 lines), deeper than any; neither CRDs nor x07-topo's own output use
/// aliases, so few are allowed. A hostile file costs little.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! { max_depth: 128, max_nodes: 500_000, max_events: 2_000_000, max_aliases: 100, max_anchors: 100, max_recorded_anchor_events: 100_000 },
    }
}

/// The first line of a reader error, without its `error: ` prefix, safe to print.
fn why(e: serde_saphyr::Error) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or("");
    crate::diagnostics::echo(first.strip_prefix("error: ").unwrap_or(first)).into_owned()
}

/// One document (YAML, of which JSON is a part).
pub fn document(bytes: &[u8]) -> Result<Value, String> {
    serde_saphyr::from_slice_with_options(bytes, options()).map_err(why)
}

/// Every document of a multi-document text (`---` between them).
pub fn documents(text: &str) -> Result<Vec<Value>, String> {
    serde_saphyr::from_multiple_with_options(text, options()).map_err(why)
}
