//! A committed folder read back (SPEC §3.2): the files `render --check` and `diff --against
//! DIR` find different from a new render, classified as the change applying the render
//! over what the folder holds would make. Pure: texts in, transitions and diagnostics out.
//!
//! Only the files that differ are read: an object whose file is the same on both sides does
//! not change, and a cell that moves changes the files of both its hosts.

use super::{classify, Class, Facts, Transition};
use crate::diagnostics::{codes, Code, Diagnostic};
use std::collections::BTreeMap;

/// One file that differs between the committed folder and the render.
pub struct ChangedFile<'a> {
    /// Relative to the folder.
    pub path: &'a str,
    /// What the folder holds (`None`: the render adds the file).
    pub committed: Option<&'a str>,
    /// What the render writes (`None`: the render prunes the file).
    pub rendered: Option<&'a str>,
}

/// The classified changes of a folder, each with the file of its object.
#[derive(Debug, Default)]
pub struct FolderTransitions {
    pub changes: Vec<Transition>,
    /// The file of each change's object, in the same order.
    pub files: Vec<String>,
    /// Files whose objects could not be read back, and why: they are not classified.
    pub unreadable: Vec<(String, String)>,
}

/// Every Kubernetes object of a multi-document YAML text, as facts.
pub fn facts_of_yaml(text: &str) -> Result<Vec<Facts>, String> {
    // Bounded like every YAML read (events, aliases, nesting): a hand-edited committed file
    // cannot make it run away.
    Ok(crate::yaml::documents(text)?.iter().filter_map(Facts::of).collect())
}

/// Whether x07-topo writes Kubernetes objects in a file of this name.
fn holds_objects(path: &str) -> bool {
    path.ends_with(".yaml") || path.ends_with(".yml")
}

/// The transitions from the committed side of `files` to their rendered side.
pub fn classify_folder<'a>(files: impl IntoIterator<Item = ChangedFile<'a>>) -> FolderTransitions {
    let mut out = FolderTransitions::default();
    let (mut committed, mut rendered) = (Vec::new(), Vec::new());
    let mut file_of: BTreeMap<(String, String), String> = BTreeMap::new();
    for f in files.into_iter().filter(|f| holds_objects(f.path)) {
        let read = |text: Option<&str>| text.map_or(Ok(Vec::new()), facts_of_yaml);
        // A file read on one side only would make its objects look created or deleted.
        let (old, new) = match (read(f.committed), read(f.rendered)) {
            (Ok(old), Ok(new)) => (old, new),
            (Err(why), _) | (_, Err(why)) => {
                out.unreadable.push((f.path.to_string(), why));
                continue;
            }
        };
        for facts in old.iter().chain(&new) {
            file_of.entry((facts.kind.to_string(), facts.name.to_string())).or_insert_with(|| f.path.to_string());
        }
        committed.extend(old);
        rendered.extend(new);
    }
    out.changes = classify(&committed, &rendered);
    out.files = out.changes.iter().map(|t| file_of.get(&(t.kind.clone(), t.name.clone())).cloned().unwrap_or_default()).collect();
    out
}

/// The diagnostic code of a class against a committed folder: errors for what the cluster
/// refuses or what deletes data, warnings for a replacement or a window without pods.
pub fn code_of(class: Class) -> Option<&'static Code> {
    match class {
        Class::Refused => Some(&codes::TRANSITION_REFUSED),
        Class::DataLoss => Some(&codes::TRANSITION_DATA_LOSS),
        Class::Replace => Some(&codes::TRANSITION_REPLACE),
        Class::Availability => Some(&codes::TRANSITION_AVAILABILITY),
        Class::Rollout | Class::InPlace => None,
    }
}

/// The diagnostics of a folder's transitions; `folder` is the folder as the user named it.
pub fn diagnostics(folder: &str, found: &FolderTransitions) -> Vec<Diagnostic> {
    let path = |file: &str| format!("{}/{file}", folder.trim_end_matches('/'));
    let mut out: Vec<Diagnostic> = found
        .changes
        .iter()
        .zip(&found.files)
        .filter_map(|(t, file)| {
            let code = code_of(t.class)?;
            let mut d = Diagnostic::about_file(code, path(file), format!("{}: {} {}: {}", t.class.as_str(), t.kind, t.name, t.reason), t.hint.clone().unwrap_or_default());
            d.pointer = t.field.to_string();
            Some(d)
        })
        .collect();
    out.extend(found.unreadable.iter().map(|(file, why)| {
        Diagnostic::about_file(
            &codes::TRANSITION_UNREADABLE,
            path(file),
            format!("its objects are not classified: the file is not YAML x07-topo can read back ({why})"),
            "re-render the folder with `x07-topo render --out` so it holds what x07-topo writes; edit the profile, not the rendered files",
        )
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOPIC_12: &str = "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: orders.created\nspec:\n  partitions: 12\n  replicas: 3\n";

    #[test]
    fn fewer_partitions_in_a_file_are_refused_with_the_file_named() {
        let six = TOPIC_12.replace("12", "6");
        let found = classify_folder([ChangedFile { path: "kafka/topic.yaml", committed: Some(TOPIC_12), rendered: Some(&six) }]);
        let (t, file) = (&found.changes[0], &found.files[0]);
        assert_eq!((t.class, t.field, file.as_str()), (Class::Refused, "/spec/partitions", "kafka/topic.yaml"));
        let d = diagnostics("deploy/prod/", &found);
        assert_eq!((d[0].code.id, d[0].file.as_str(), d[0].pointer.as_str()), ("XT702", "deploy/prod/kafka/topic.yaml", "/spec/partitions"));
        assert!(d[0].hint.contains("add a new topic binding"), "{d:?}");
    }

    #[test]
    fn a_pruned_topic_is_data_loss_and_an_added_one_is_not() {
        let gone = classify_folder([ChangedFile { path: "t.yaml", committed: Some(TOPIC_12), rendered: None }]);
        assert_eq!(diagnostics("d", &gone).iter().map(|d| d.code.id).collect::<Vec<_>>(), vec!["XT703"]);
        let added = classify_folder([ChangedFile { path: "t.yaml", committed: None, rendered: Some(TOPIC_12) }]);
        assert_eq!(added.changes[0].class, Class::InPlace);
        assert!(diagnostics("d", &added).is_empty());
    }

    #[test]
    fn an_unreadable_committed_file_is_reported_not_classified() {
        let found = classify_folder([ChangedFile { path: "t.yaml", committed: Some("a: [unclosed"), rendered: Some(TOPIC_12) }]);
        assert!(found.changes.is_empty());
        let d = diagnostics("d", &found);
        assert_eq!((d.len(), d[0].code.id, d[0].file.as_str()), (1, "XT706", "d/t.yaml"));
    }

    #[test]
    fn an_alias_bomb_is_refused_by_the_budget() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..40 {
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n", p = i - 1));
        }
        assert!(facts_of_yaml(&bomb).is_err());
    }

    #[test]
    fn files_that_hold_no_objects_are_not_read() {
        let found = classify_folder([ChangedFile { path: ".x07-topo-inventory.json", committed: Some("{not json"), rendered: Some("{}") }]);
        assert!(found.changes.is_empty() && found.unreadable.is_empty());
    }
}
