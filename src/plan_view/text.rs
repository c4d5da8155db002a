//! Short human descriptions of plan parts, and a table layout that fits a terminal width.
//! Shared by the `plan` table and the `diff` report, so both say things the same way.

use super::{CellView, DeployableView, Exposure, Materialisation, ScalingView};
use crate::manifest::{Probe, ProbeKind, Probes, Rollout};
use crate::plan::{CellRole, PlannedEvent, PlannedSchedule};
use std::collections::BTreeMap;

/// Human output fits this many columns.
pub const WIDTH: usize = 100;

pub fn scaling(s: Option<&ScalingView>) -> String {
    let Some(s) = s else { return "none (no long-running cells)".to_string() };
    let mut out = match (s.replicas, s.min_replicas, s.max_replicas) {
        (Some(r), _, _) => format!("{r} replica{}", if r == 1 { "" } else { "s" }),
        (None, Some(min), Some(max)) => match (&s.min_from, &s.max_from) {
            // Say who asked for a bound when a cell did and the cells disagree.
            (Some(a), Some(b)) if a != b => format!("{min}..{max} replicas (min from {a}, max from {b})"),
            _ => format!("{min}..{max} replicas"),
        },
        _ => s.mode.to_string(),
    };
    if !s.metrics.is_empty() {
        out.push_str(&format!(" on {}", s.metrics.join(", ")));
    }
    let by = match &s.scaler {
        Some(scaler) => format!("{scaler}; {}", s.source),
        None if s.mode == "autoscaled" => format!("no autoscaler on the target: runs min_replicas; {}", s.source),
        None => s.source.clone(),
    };
    format!("{out} ({by})")
}

pub fn rollout(r: Option<&Rollout>) -> String {
    let Some(r) = r else { return "target default".to_string() };
    let mut parts = vec![r.strategy.to_string()];
    parts.extend(r.max_unavailable.as_ref().map(|v| format!("max_unavailable {v}")));
    parts.extend(r.max_surge.as_ref().map(|v| format!("max_surge {v}")));
    parts.extend(r.canary_percent.map(|v| format!("canary {v}%")));
    parts.join(", ")
}

pub fn image(d: &DeployableView) -> String {
    match (&d.image, &d.image_source) {
        (Some(i), Some(s)) => format!("{i} ({s})"),
        (Some(i), None) => i.clone(),
        (None, _) if !d.runs => "none needed (starts nothing)".to_string(),
        (None, _) => format!("none yet (render needs --image {}=REF or images in the profile)", d.key),
    }
}

pub fn exposure(e: Option<&Exposure>) -> String {
    let Some(e) = e else { return "none".to_string() };
    let mut out = format!("{} :{}", e.protocol, e.port);
    if let Some(s) = &e.service {
        out.push_str(&format!(" via Service {s}"));
    }
    if !e.routes.is_empty() {
        out.push_str(&format!(", routes {}", e.routes.join(" ")));
    }
    out
}

pub fn subscription(e: &PlannedEvent) -> String {
    let mut out = format!("event {} from {} ({}), group {}", e.topic, e.binding_ref, e.binding_kind, e.consumer_group);
    if let Some(a) = e.ack_mode {
        out.push_str(&format!(", ack {a}"));
    }
    if let Some(n) = e.max_in_flight {
        out.push_str(&format!(", max_in_flight {n}"));
    }
    out
}

pub fn schedule(s: &PlannedSchedule) -> String {
    let mut out = format!("cron {}", s.cron);
    out.extend(s.timezone.as_ref().map(|tz| format!(" {tz}")));
    out.extend(s.concurrency_policy.map(|p| format!(", {p}")));
    out.extend(s.retry_limit.map(|r| format!(", retry {r}")));
    if s.suspend == Some(true) {
        out.push_str(", suspended");
    }
    out
}

/// What starts the cell: its exposure, subscription or schedule.
pub fn trigger(c: &CellView) -> String {
    if c.role == CellRole::Embedded {
        return "embedded: starts nothing".to_string();
    }
    if let Some(e) = &c.subscription {
        return subscription(e);
    }
    if let Some(s) = &c.schedule {
        return schedule(s);
    }
    match &c.exposure {
        Some(e) => exposure(Some(e)),
        None => c.ingress.to_string(),
    }
}

fn probe(name: &str, p: &Probe) -> String {
    let what = match p.probe_kind {
        ProbeKind::Http => format!("http {}{}", p.path.as_deref().unwrap_or("/"), p.port.map(|p| format!(" :{p}")).unwrap_or_default()),
        ProbeKind::Exec => format!("exec {}", p.command.as_deref().unwrap_or_default().join(" ")),
    };
    format!("{name} {what}")
}

pub fn probes(p: Option<&Probes>) -> String {
    match p {
        Some(p) if p.each().next().is_some() => p.each().map(|(name, pr)| probe(name, pr)).collect::<Vec<_>>().join("; "),
        _ => "none".to_string(),
    }
}

/// `kind:postgres → cloudnative-pg`, `default → secret`.
pub fn resolved(r: &crate::plan::ResolvedBy) -> String {
    format!("{} → {}", r.rule, r.provider)
}

pub fn materialisation(m: &Materialisation) -> String {
    let mut parts = Vec::new();
    match m.mechanism {
        "k8s-secret" => {
            let optional = if m.optional { " (optional)" } else { "" };
            match &m.env_prefix {
                Some(prefix) => parts.push(format!("Secret {}{optional} as {prefix}*", m.secret)),
                None => {
                    let keys: Vec<String> = m.env_keys.iter().map(|(var, key)| format!("{var}={key}")).collect();
                    parts.push(format!("Secret {}{optional} keys {}", m.secret, keys.join(" ")));
                }
            }
            for cm in &m.config_maps {
                parts.push(format!("ConfigMap {} {}", cm.name, cm.keys.join(" ")));
            }
            for v in &m.composed {
                parts.push(format!("{v} composed"));
            }
            for o in &m.objects {
                parts.push(format!("{} {}", o.kind, o.name));
            }
        }
        _ => {
            parts.push(format!("provider {}", m.provider.as_deref().unwrap_or("?")));
            parts.push(format!("secret {}{}", m.secret, if m.optional { " (optional)" } else { "" }));
            if !m.config.is_empty() {
                parts.push(format!("config {}", m.config.keys().cloned().collect::<Vec<_>>().join(" ")));
            }
        }
    }
    parts.join("; ")
}

pub fn key_values(map: &BTreeMap<String, String>) -> String {
    if map.is_empty() {
        return "none".to_string();
    }
    map.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
}

/// Breaks `text` into lines of at most `width` characters, at spaces where it can.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let need = if line.is_empty() { word.chars().count() } else { line.chars().count() + 1 + word.chars().count() };
        if need > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > width {
            let head: String = line.chars().take(width).collect();
            line = line.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `label  text` with `text` wrapped and continuation lines aligned under it.
pub fn labelled(indent: usize, label: &str, label_width: usize, text: &str) -> String {
    let lead = indent + label_width + 2;
    let mut out = String::new();
    for (i, line) in wrap(text, WIDTH.saturating_sub(lead)).iter().enumerate() {
        let left = if i == 0 { format!("{:indent$}{label:<label_width$}  ", "") } else { " ".repeat(lead) };
        out.push_str(format!("{left}{line}").trim_end());
        out.push('\n');
    }
    out
}

/// A table: columns as wide as their widest cell, the last one wrapped to fit [`WIDTH`].
pub fn table(indent: usize, headers: &[&str], rows: &[Vec<String>]) -> String {
    let n = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(n - 1) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let lead = indent + widths[..n - 1].iter().map(|w| w + 2).sum::<usize>();
    let last_width = WIDTH.saturating_sub(lead).max(24);
    let mut out = String::new();
    let header_row: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header_row).chain(rows) {
        let mut left = " ".repeat(indent);
        for (i, cell) in row.iter().enumerate().take(n - 1) {
            left.push_str(&format!("{cell:<w$}  ", w = widths[i]));
        }
        for (i, line) in wrap(row.get(n - 1).map_or("", String::as_str), last_width).iter().enumerate() {
            let start = if i == 0 { left.clone() } else { " ".repeat(lead) };
            out.push_str(format!("{start}{line}").trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("aaaa bbbbb cccccc", 10), vec!["aaaa bbbbb", "cccccc"]);
        assert_eq!(wrap("abcdefghijklmnopqrstu", 10), vec!["abcdefghij", "klmnopqrst", "u"]);
        assert_eq!(wrap("", 10), vec![""]);
    }

    #[test]
    fn tables_fit_the_width() {
        let rows = vec![vec!["x".to_string(), "word ".repeat(40)]];
        let text = table(2, &["NAME", "TEXT"], &rows);
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(text.lines().count() > 2);
    }
}
