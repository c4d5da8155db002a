//! `plan --format mermaid`: a flowchart of deployables (subgraphs), their cells, and the
//! bindings the cells use with what each resolves to. Renders in GitHub and GitLab
//! markdown inside a ```` ```mermaid ```` block. Node ids are generated (`d0`, `c0`, `b0`),
//! so names never need to be valid ids; every label is quoted and escaped.

use super::text;
use super::PlanView;
use crate::plan::CellRole;
use std::collections::BTreeMap;

pub fn render(v: &PlanView) -> String {
    let mut out = String::from("flowchart LR\n");
    out.push_str(&format!("  %% {}\n", comment(&format!("service {}, profile {} ({} {}, target {})", v.service_id, v.profile, v.target_kind, v.placement, v.target))));
    let mut cell_ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut n = 0;
    for (i, d) in v.deployables.iter().enumerate() {
        let mut title = vec![format!("deployable {}", d.key)];
        if d.scaling.is_some() {
            title.push(scaling_brief(d.scaling.as_ref()));
        }
        if !d.runs {
            title.push("starts nothing".to_string());
        }
        out.push_str(&format!("  subgraph d{i}[\"{}\"]\n", label(&title)));
        out.push_str("    direction TB\n");
        for c in &d.cells {
            let id = format!("c{n}");
            n += 1;
            let lines = vec![c.key.clone(), format!("{} · {}", c.kind, c.runtime_class), brief_trigger(c)];
            let shape = if c.role == CellRole::Job { ("[/\"", "\"/]") } else { ("[\"", "\"]") };
            out.push_str(&format!("    {id}{}{}{}\n", shape.0, label(&lines), shape.1));
            cell_ids.insert(&c.key, id);
        }
        out.push_str("  end\n");
    }
    let mut optional = Vec::new();
    for (i, b) in v.bindings.iter().enumerate() {
        let resolved = text::resolved(&b.resolved_by);
        let lines = vec![
            b.name.clone(),
            format!("{} · {}", b.kind, if b.required { "required" } else { "optional" }),
            format!("{resolved}: {}", text::materialisation(&b.materialisation)),
        ];
        out.push_str(&format!("  b{i}[(\"{}\")]\n", label(&lines)));
        if !b.required {
            optional.push(format!("b{i}"));
        }
    }
    for (i, b) in v.bindings.iter().enumerate() {
        for user in &b.used_by {
            let Some(cell_id) = cell_ids.get(user.as_str()) else { continue };
            let subscribed = v.cell(user).and_then(|(_, c)| c.subscription.as_deref()).filter(|e| e.binding_ref == b.name);
            match subscribed {
                Some(e) => out.push_str(&format!("  b{i} -->|\"{}\"| {cell_id}\n", label(&[format!("topic {}", e.topic)]))),
                None if b.required => out.push_str(&format!("  {cell_id} --> b{i}\n")),
                None => out.push_str(&format!("  {cell_id} -.-> b{i}\n")),
            }
        }
    }
    network_edges(v, &mut out);
    if !optional.is_empty() {
        out.push_str("  classDef optional stroke-dasharray: 5 5\n");
        out.push_str(&format!("  class {} optional\n", optional.join(",")));
    }
    out
}

/// With network policies, each deployable's allowed edges: one node per peer outside the
/// service, a dotted arrow per edge labelled with its ports.
fn network_edges(v: &PlanView, out: &mut String) {
    let Some(boundaries) = &v.network else { return };
    let mut peers: BTreeMap<String, String> = BTreeMap::new();
    for b in boundaries {
        let Some(i) = v.deployables.iter().position(|d| d.key == b.deployable) else { continue };
        for e in &b.edges {
            let peer = e.peer.describe();
            let next = format!("n{}", peers.len());
            let id = peers.entry(peer.clone()).or_insert_with(|| {
                out.push_str(&format!("  {next}{{{{\"{}\"}}}}\n", label(&[peer])));
                next
            });
            let ports = label(&[super::network::ports(e)]);
            match e.direction {
                crate::network::Direction::Egress => out.push_str(&format!("  d{i} -.->|\"{ports}\"| {id}\n")),
                crate::network::Direction::Ingress => out.push_str(&format!("  {id} -.->|\"{ports}\"| d{i}\n")),
            }
        }
    }
}

fn scaling_brief(s: Option<&super::ScalingView>) -> String {
    let Some(s) = s else { return String::new() };
    let count = match (s.replicas, s.min_replicas, s.max_replicas) {
        (Some(r), _, _) => format!("{r} replicas"),
        (None, Some(min), Some(max)) => format!("{min}..{max} replicas"),
        _ => s.mode.to_string(),
    };
    if s.metrics.is_empty() {
        count
    } else {
        format!("{count} on {}", s.metrics.join(", "))
    }
}

fn brief_trigger(c: &super::CellView) -> String {
    if c.role == CellRole::Embedded {
        return "embedded kernel".to_string();
    }
    if let Some(e) = &c.subscription {
        return format!("event {}", e.topic);
    }
    if let Some(s) = &c.schedule {
        return format!("cron {}", s.cron);
    }
    match &c.exposure {
        Some(e) => format!("{} :{}", e.protocol, e.port),
        None => c.ingress.to_string(),
    }
}

/// Lines of a quoted label, joined with `<br/>`, each escaped.
fn label(lines: &[String]) -> String {
    lines.iter().filter(|l| !l.is_empty()).map(|l| escape(l)).collect::<Vec<_>>().join("<br/>")
}

/// Mermaid entity codes for what would end the label or be read as markup.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A `%%` comment stays on one line.
fn comment(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(escape(r#"a"b<c>#d&e`"#), "a#quot;b#lt;c#gt;#35;d#amp;e#96;");
        assert!(!escape("x\"]\ny").contains(['"', '\n']));
    }
}
