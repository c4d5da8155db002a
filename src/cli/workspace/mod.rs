//! `check|render|diff --workspace [FILE]` (SPEC §7.1): every service × profile of a
//! repository in one process, one exit code and one report. This file opens a workspace
//! (its services, their inputs, the output folder of each pair, per-service images); each
//! command is its own file.

mod check;
mod diff;
mod render;

pub use check::run as check;
pub use diff::run as diff;
pub use render::run as render;

use super::load::{self, Loaded};
use crate::decode::Decoder;
use crate::diagnostics::{self, codes, Diagnostic};
use crate::document::Document;
use crate::json::{Pointer, Value};
use crate::plan::ImageOverride;
use crate::workspace::{self, Workspace};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const MANIFEST: &str = crate::cli::args::DEFAULT_MANIFEST;

/// Each service_id with the profiles whose output `kubectl apply -k` can take.
pub type Appliable = Vec<(String, Vec<String>)>;

/// A workspace whose file decoded, with the services it names.
pub struct Opened {
    pub ws: Workspace,
    pub doc: Document,
    /// The folder of the workspace file: `services` and `out` are relative to it.
    pub root: PathBuf,
    /// In folder order, each service_id once (only those `--service` chose, when it was given).
    pub services: Vec<Service>,
    /// Every service of the workspace whose inputs loaded (chosen or not): the ids of each
    /// profile whose output kubectl can apply, for the profile folders' kustomizations.
    pub appliable: Appliable,
    /// Service folders whose manifest could not be read or decoded (their id is unknown).
    pub unreadable: usize,
    /// The workspace's folder: every file it leads to is read inside it.
    pub repository: load::Repository,
}

pub struct Service {
    pub id: String,
    /// Relative to the workspace file.
    pub folder: String,
    pub loaded: Loaded,
    /// Whether reading its manifest and profiles found no error.
    pub inputs_ok: bool,
}

/// One service × profile and the folder its output goes to.
pub struct Pair<'a> {
    pub service: &'a Service,
    pub profile: usize,
    pub out: String,
}

impl Pair<'_> {
    pub fn profile_id(&self) -> &str {
        &self.service.loaded.profiles[self.profile].id
    }
}

/// Reads the workspace file and every service it names, with `profiles` (default: the
/// workspace's, else each manifest's own). `None` when the file itself is unusable; every
/// problem is in `diags`.
pub fn open(file: &str, profiles: Option<&[String]>, chosen: &[String], diags: &mut Vec<Diagnostic>) -> Option<Opened> {
    let file = PathBuf::from(file);
    match load::read(&file, load::Input::Workspace) {
        Err(d) => {
            diags.push(d);
            None
        }
        Ok(bytes) => {
            let (doc, mut parse) = Document::parse(&load::display(&file), bytes);
            diags.append(&mut parse);
            let mut d = Decoder::new(&doc);
            let ws = workspace::decode(&mut d);
            diags.append(&mut d.diags);
            let ws = ws.filter(|_| !diagnostics::has_errors(diags))?;
            let root = file.parent().unwrap_or(Path::new("")).to_path_buf();
            let profiles = profiles.filter(|p| !p.is_empty()).or(ws.profiles.as_deref()).unwrap_or(&[]).to_vec();
            // Every file the workspace leads to is read inside its folder (SPEC §7.2).
            let mut repository = load::Repository::at(&root);
            repository.confine_all = true;
            let (services, appliable, unreadable) = services(&root, &repository, &ws, &doc, &profiles, chosen, diags);
            Some(Opened { ws, doc, root, services, appliable, unreadable, repository })
        }
    }
}

/// The services' inputs; two folders with one service_id are an error.
fn services(root: &Path, repository: &load::Repository, ws: &Workspace, doc: &Document, profiles: &[String], chosen: &[String], diags: &mut Vec<Diagnostic>) -> (Vec<Service>, Appliable, usize) {
    let mut out = Vec::new();
    let mut appliable = Vec::new();
    let mut unreadable = 0;
    let mut by_id: BTreeMap<String, String> = BTreeMap::new();
    for (folder, pattern_at) in service_folders(root, ws, doc, diags) {
        let manifest = root.join(&folder).join(MANIFEST);
        let before = diags.len();
        let Some(loaded) = load::inputs_in(&manifest, repository, profiles, diags) else {
            unreadable += 1;
            continue;
        };
        let inputs_ok = !diagnostics::has_errors(&diags[before..]);
        let id = loaded.manifest().service_id.clone();
        // Only Kubernetes output is something `kubectl apply -k` can take: a wadm Application
        // is not a Kubernetes object, a hosted descriptor no object at all.
        let k8s = loaded.profiles.iter().filter(|p| p.target_kind == crate::manifest::TargetKind::K8s).map(|p| p.id.clone()).collect();
        appliable.push((id.clone(), k8s));
        if !chosen.is_empty() && !chosen.contains(&id) {
            // Not chosen: its problems are not this run's (it is still listed in kustomizations).
            diags.truncate(before);
            continue;
        }
        if let Some(first) = by_id.insert(id.clone(), folder.clone()) {
            diags.push(Diagnostic::at(
                &codes::WORKSPACE_DUPLICATE_SERVICE,
                doc,
                &pattern_at,
                format!("services `{first}` and `{folder}` both have service_id `{id}`, so their output and Secret names would collide"),
                "give each service its own service_id, or leave one folder out of `services`",
            ));
            continue;
        }
        out.push(Service { id, folder, loaded, inputs_ok });
    }
    let known: std::collections::BTreeSet<&str> = appliable.iter().map(|(s, _)| s.as_str()).collect();
    for id in chosen.iter().filter(|id| !known.contains(id.as_str())) {
        // Only when every manifest was read: an unreadable one may be the service named.
        if unreadable == 0 {
            diags.push(Diagnostic::about_file(
                &codes::WORKSPACE_UNKNOWN_SERVICE,
                "",
                format!("--service {}: the workspace has no service with this service_id", diagnostics::echo(id)),
                format!("{}the services are: {}", crate::suggest::did_you_mean(id, known.iter().copied()), diagnostics::list(known.iter().copied())),
            ));
        }
    }
    (out, appliable, unreadable)
}

/// Every service × profile with its output folder: never two in one folder, never one inside
/// another's, and never a folder a `service_id` or profile id leads out of its place (each
/// must be one plain folder name, SPEC §7.2), checked before anything is written.
pub fn pairs<'a>(opened: &'a Opened, diags: &mut Vec<Diagnostic>) -> Vec<Pair<'a>> {
    let mut pairs = Vec::new();
    let mut leaves = false;
    let mut outs: BTreeMap<String, String> = BTreeMap::new();
    for service in &opened.services {
        if opened.ws.out.contains("{service}") && !workspace::is_safe_segment(&service.id) {
            diags.push(unsafe_name(opened, "service_id", &service.id, &service.folder));
            leaves = true;
            continue;
        }
        for (i, p) in service.loaded.profiles.iter().enumerate() {
            if opened.ws.out.contains("{profile}") && !workspace::is_safe_segment(&p.id) {
                diags.push(unsafe_name(opened, "profile id", &p.id, &service.folder));
                leaves = true;
                continue;
            }
            let out = workspace::out_folder(&opened.ws.out, &service.id, &p.id);
            if let Some(first) = outs.insert(out.clone(), format!("{} × {}", service.id, p.id)) {
                diags.push(Diagnostic::at(
                    &codes::WORKSPACE_OUT_COLLISION,
                    &opened.doc,
                    &Pointer::root().key("out"),
                    format!("{first} and {} × {} both render into {out}", service.id, p.id),
                    "make `out` name both {service} and {profile}, or give the profiles distinct ids",
                ));
                continue;
            }
            pairs.push(Pair { service, profile: i, out });
        }
    }
    // One pair's folder inside another's: each folder's ancestors looked up (depth × log n).
    for (out, pair) in &outs {
        let mut at = out.as_str();
        while let Some((parent, _)) = at.rsplit_once('/') {
            if let Some(outer) = outs.get(parent) {
                diags.push(Diagnostic::at(
                    &codes::WORKSPACE_OUT_COLLISION,
                    &opened.doc,
                    &Pointer::root().key("out"),
                    format!("{pair} renders into {out}, inside the folder of {outer} ({parent})"),
                    "give each service and profile a plain name, so no output folder is inside another",
                ));
                leaves = true;
                break;
            }
            at = parent;
        }
    }
    if leaves {
        // A pair that would leave its place stops the whole workspace before anything is written.
        pairs.clear();
    }
    pairs
}

/// A binding object as a cluster knows it: (namespace, kind, name).
pub type ObjectId = (Option<String>, String, String);

/// The objects a pair's bindings emit (bindings some cell uses): (namespace, kind, name).
pub fn binding_objects(plan: &crate::plan::Plan) -> Vec<ObjectId> {
    plan.bindings.iter().filter(|b| !b.used_by.is_empty()).flat_map(|b| b.objects.iter().map(|o| (plan.namespace.clone(), o.kind.clone(), o.name.clone()))).collect()
}

/// Two services that emit one KafkaTopic (same profile, namespace and name) would both own
/// it: `kubectl kustomize` of the profile folder refuses the duplicate, and two Argo CD
/// Applications would fight over one topic. An error naming both, unless a profile says which
/// service owns it (strimzi's `params.topics_owned_by`, which stops the others emitting it).
/// `declared`: each pair's profile id, service id and topics. Linear: one sorted map.
pub fn shared_objects(opened: &Opened, declared: &[(&str, &str, Vec<ObjectId>)], diags: &mut Vec<Diagnostic>) {
    let mut owners: BTreeMap<(&str, Option<&str>, &str, &str), Vec<&str>> = BTreeMap::new();
    for (profile, service, objects) in declared {
        for (namespace, kind, name) in objects {
            let services = owners.entry((profile, namespace.as_deref(), kind.as_str(), name.as_str())).or_default();
            if !services.contains(service) {
                services.push(service);
            }
        }
    }
    for ((profile, namespace, kind, name), services) in owners.into_iter().filter(|(_, s)| s.len() > 1) {
        let place = namespace.map_or(String::new(), |ns| format!(", namespace `{ns}`"));
        let quoted: Vec<String> = services.iter().map(|s| format!("`{s}`")).collect();
        let hint = if kind == "KafkaTopic" {
            format!("say which service owns it: in the profile `{profile}` of every other service, give its strimzi binding `params.topics_owned_by: \"{}\"`", services[0])
        } else {
            format!("give each service its own {kind} (e.g. its own `params.user` for a KafkaUser)")
        };
        diags.push(Diagnostic::at(
            &codes::WORKSPACE_SHARED_OBJECT,
            &opened.doc,
            &Pointer::root().key("services"),
            format!("services {} all emit {kind} `{name}` (profile `{profile}`{place}): kubectl kustomize refuses the duplicate, and two Applications would own one object", diagnostics::list(quoted.iter().map(String::as_str))),
            hint,
        ));
    }
}

fn unsafe_name(opened: &Opened, what: &str, value: &str, folder: &str) -> Diagnostic {
    Diagnostic::at(
        &codes::WORKSPACE_UNSAFE_NAME,
        &opened.doc,
        &Pointer::root().key("out"),
        format!("{what} `{}` of service folder `{folder}` is not a plain folder name, so out `{}` would write outside its place", diagnostics::echo(value), opened.ws.out),
        "use letters, digits, `.`, `_` and `-`, starting with a letter or digit (no `/`, `..` or absolute path)",
    )
}

/// The `lints` of every profile of the workspace (as `check` with several profiles
/// combines them: a code one denies fails the run, a code is allowed when all allow it).
pub fn lints(opened: &Opened) -> Vec<crate::diagnostics::lints::Lints> {
    opened.services.iter().flat_map(|s| s.loaded.lints()).collect()
}

/// The service folders `services` names (relative to the workspace, sorted, each once) with
/// the pointer of the entry that named it. A plain folder must hold a manifest; a glob that
/// matches none is an error too (a typo in the workspace file must not pass CI).
fn service_folders(root: &Path, ws: &Workspace, doc: &Document, diags: &mut Vec<Diagnostic>) -> Vec<(String, Pointer)> {
    let mut found: BTreeMap<String, Pointer> = BTreeMap::new();
    for (i, pattern) in ws.services.iter().enumerate() {
        let at = Pointer::root().key("services").index(i);
        let clean: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
        if !workspace::is_glob(pattern) {
            let folder = clean.join("/");
            if root.join(&folder).join(MANIFEST).is_file() {
                found.entry(folder).or_insert(at);
            } else {
                diags.push(Diagnostic::at(
                    &codes::WORKSPACE_MISSING_FOLDER,
                    doc,
                    &at,
                    format!("services names `{pattern}`, but {} is not there", load::display(&root.join(&folder).join(MANIFEST))),
                    "fix the folder name, or remove the entry",
                ));
            }
            continue;
        }
        let mut candidates = vec![String::new()];
        for segment in &clean {
            let mut next = Vec::new();
            for c in &candidates {
                if !workspace::is_glob(segment) {
                    next.push(join(c, segment));
                    continue;
                }
                let Ok(entries) = std::fs::read_dir(root.join(c)) else { continue };
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    // A link to a folder counts as a folder, as when the folder is named; what
                    // it leads to is read only inside the workspace (`load::Repository`).
                    if workspace::glob_matches(segment, &name) && e.path().is_dir() {
                        next.push(join(c, &name));
                    }
                }
            }
            candidates = next;
        }
        candidates.retain(|c| root.join(c).join(MANIFEST).is_file());
        if candidates.is_empty() {
            diags.push(Diagnostic::at(&codes::WORKSPACE_GLOB_NOTHING, doc, &at, format!("services glob `{pattern}` matches no folder holding {MANIFEST}"), "fix the glob, or remove the entry"));
        }
        for c in candidates {
            found.entry(c).or_insert_with(|| at.clone());
        }
    }
    found.into_iter().collect()
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() { b.to_string() } else { format!("{a}/{b}") }
}

/// `--image SERVICE:[DEPLOYABLE=]REF` and `--images FILE` (`{"SERVICE": "REF" | {"DEPLOYABLE": "REF"}}`),
/// per service id.
pub fn service_images(images: &[String], images_file: Option<&str>, opened: &Opened, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Vec<ImageOverride>> {
    let repository = &opened.repository;
    // Sorted, so looking a service up is a log-time search however many there are. Every
    // service of the workspace counts (an image for a service `--service` left out is no error).
    let known: std::collections::BTreeSet<&str> = opened.appliable.iter().map(|(s, _)| s.as_str()).collect();
    // A manifest that could not be read may be the service an image names: its own error
    // fails the run, and XT962 would only mislead.
    let unknown_is_error = opened.unreadable == 0;
    let unknown = |service: &str| {
        (
            format!("image for service `{service}`, which the workspace does not have"),
            format!("{}the services are: {}", crate::suggest::did_you_mean(service, known.iter().copied()), known.iter().copied().collect::<Vec<_>>().join(", ")),
        )
    };
    let mut out: BTreeMap<String, Vec<ImageOverride>> = BTreeMap::new();
    if let Some(path) = images_file {
        let path = PathBuf::from(path);
        match load::read_in(&path, load::Input::Workspace, Some(repository)) {
            Err(d) => diags.push(d),
            Ok(bytes) => {
                let (doc, mut parse) = Document::parse(&load::display(&path), bytes);
                diags.append(&mut parse);
                if let Some(root) = doc.root() {
                    let mut d = Decoder::new(&doc);
                    let map = d.map(root, &Pointer::root(), |d, n, at| match &n.value {
                        Value::String(_) => d.text(n, at).map(|r| vec![r]),
                        _ => d.map(n, at, Decoder::text).map(|m| m.into_iter().map(|(k, v)| format!("{k}={v}")).collect()),
                    });
                    for (service, refs) in map.into_iter().flatten() {
                        if unknown_is_error && !known.contains(&service.as_str()) {
                            let (m, h) = unknown(&service);
                            d.report_key(&codes::IMAGE_UNKNOWN_SERVICE, &Pointer::root().key(&service), m, h);
                        }
                        out.entry(service).or_default().extend(refs.iter().map(|r| ImageOverride::parse(r)));
                    }
                    diags.append(&mut d.diags);
                }
            }
        }
    }
    for arg in images {
        match workspace::service_image(arg) {
            Some((service, image)) if known.contains(&service) || !unknown_is_error => out.entry(service.to_string()).or_default().push(ImageOverride::parse(image)),
            Some((service, _)) => {
                let (m, h) = unknown(service);
                diags.push(Diagnostic::about_file(&codes::IMAGE_UNKNOWN_SERVICE, "", format!("--image {arg}: {m}"), h));
            }
            None => diags.push(Diagnostic::about_file(&codes::USAGE, "", format!("--image {arg}: with --workspace, give SERVICE:[DEPLOYABLE=]REF"), "e.g. --image orders:ghcr.io/acme/orders:1.4.2")),
        }
    }
    out
}

