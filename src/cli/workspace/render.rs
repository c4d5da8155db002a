//! `render --workspace [FILE]` (SPEC §7.1): every service × profile of a repository in one
//! process, one exit code and one report. Services render in parallel (`--jobs`); each pair's
//! output depends only on its own inputs, so the bytes are the same for any number of workers.

use super::load::{self, Loaded};
use super::output::{self, Outcome, EXIT_USAGE_OR_IO};
use super::render;
use super::resolve::WorkspaceRender;
use super::transaction;
use crate::decode::Decoder;
use crate::diagnostics::{self, codes, Diagnostic};
use crate::document::Document;
use crate::emit;
use crate::json::{Pointer, Value};
use crate::outdir;
use crate::plan::{self, ImageOverride, LowerOptions};
use crate::workspace::{self, Workspace};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const MANIFEST: &str = crate::cli::args::DEFAULT_MANIFEST;

/// One service × profile to render.
struct Pair<'a> {
    service: &'a str,
    loaded: &'a Loaded,
    profile: usize,
    out: String,
}

pub fn run(args: &WorkspaceRender) -> i32 {
    let mut diags = Vec::new();
    diags.extend(super::namespace_problem(args.namespace.as_deref()));
    if !diags.is_empty() {
        return output::print(&args.report, Outcome::diagnostics(diags));
    }
    let file = PathBuf::from(&args.file);
    let bytes = match load::read(&file, load::Input::Workspace) {
        Ok(b) => b,
        Err(d) => return output::print(&args.report, Outcome::diagnostics(vec![d])),
    };
    let (doc, mut parse) = Document::parse(&load::display(&file), &bytes);
    diags.append(&mut parse);
    let mut d = Decoder::new(&doc);
    let ws = workspace::decode(&mut d);
    diags.append(&mut d.diags);
    let Some(ws) = ws.filter(|_| !diagnostics::has_errors(&diags)) else {
        return output::print(&args.report, Outcome::diagnostics(diags));
    };
    let root = file.parent().unwrap_or(Path::new("")).to_path_buf();

    // Services: folders, manifests, profiles; one service_id each.
    let folders = service_folders(&root, &ws, &doc, &mut diags);
    let mut services: Vec<(String, Loaded)> = Vec::new();
    let mut by_id: BTreeMap<String, String> = BTreeMap::new();
    for (folder, pattern_at) in &folders {
        let manifest = root.join(folder).join(MANIFEST);
        let Some(loaded) = load::inputs(&manifest, ws.profiles.as_deref().unwrap_or(&[]), &mut diags) else { continue };
        let id = loaded.manifest().service_id.clone();
        if let Some(first) = by_id.insert(id.clone(), folder.clone()) {
            diags.push(Diagnostic::at(
                &codes::WORKSPACE_DUPLICATE_SERVICE,
                &doc,
                pattern_at,
                format!("services `{first}` and `{folder}` both have service_id `{id}`, so their output and Secret names would collide"),
                "give each service its own service_id, or leave one folder out of `services`",
            ));
            continue;
        }
        services.push((id, loaded));
    }
    let images = service_images(args, &services, &mut diags);

    // Pairs and their output folders: never two in one folder.
    let mut pairs = Vec::new();
    let mut outs: BTreeMap<String, String> = BTreeMap::new();
    for (id, loaded) in &services {
        for (i, p) in loaded.profiles.iter().enumerate() {
            let out = workspace::out_folder(&ws.out, id, &p.id);
            if let Some(first) = outs.insert(out.clone(), format!("{id} × {}", p.id)) {
                diags.push(Diagnostic::at(
                    &codes::WORKSPACE_OUT_COLLISION,
                    &doc,
                    &Pointer::root().key("out"),
                    format!("{first} and {id} × {} both render into {out}", p.id),
                    "make `out` name both {service} and {profile}, or give the profiles distinct ids",
                ));
                continue;
            }
            pairs.push(Pair { service: id, loaded, profile: i, out });
        }
    }
    if diagnostics::has_errors(&diags) {
        return output::print(&args.report, Outcome::diagnostics(diags));
    }

    let rendered = render_all(&pairs, &images, args.namespace.as_deref(), args.jobs);
    let mut wanted: Vec<(String, BTreeMap<String, String>, outdir::Claim)> = Vec::new();
    let mut listed = Vec::new();
    for (pair, (artifacts, mut own)) in pairs.iter().zip(rendered) {
        diags.append(&mut own);
        if let Some((a, owner)) = artifacts {
            listed.push(json!({ "service": pair.service, "profile": pair.loaded.profiles[pair.profile].id, "out": pair.out }));
            let files = outdir::layout(a, &owner);
            wanted.push((pair.out.clone(), files, outdir::Claim { owner, take_over: false }));
        }
    }
    if diagnostics::has_errors(&diags) {
        return output::print(&args.report, Outcome::diagnostics(diags));
    }
    // A kustomization per profile folder, listing its services that are Kubernetes (or wadm)
    // YAML; a hosted descriptor is not something kustomize can build.
    let mut per_profile: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let yaml_outs: Vec<String> = wanted.iter().filter(|(_, files, _)| files.contains_key("kustomization.yaml")).map(|(out, _, _)| out.clone()).collect();
    for pair in pairs.iter().filter(|p| yaml_outs.contains(&p.out)) {
        if let Some(folder) = workspace::profile_folder(&ws.out, &pair.loaded.profiles[pair.profile].id) {
            per_profile.entry(folder).or_default().push(pair.service.to_string());
        }
    }
    for (folder, services) in &per_profile {
        // The profile folder belongs to the workspace, not to one service.
        let profile = pairs.iter().find(|p| workspace::profile_folder(&ws.out, &p.loaded.profiles[p.profile].id).as_ref() == Some(folder)).map(|p| p.loaded.profiles[p.profile].id.clone()).unwrap_or_default();
        let owner = outdir::Owner { service_id: workspace::PROFILE_FOLDER_OWNER.to_string(), profile, target_kind: "kustomization".to_string() };
        let files = BTreeMap::from([("kustomization.yaml".to_string(), workspace::profile_kustomization(services))]);
        wanted.push((folder.clone(), outdir::with_inventory(files, &owner), outdir::Claim { owner, take_over: false }));
    }
    let result = |extra: serde_json::Value| json!({ "workspace": args.file, "outputs": listed, "profile_folders": per_profile.keys().collect::<Vec<_>>(), "folders": extra });
    if args.check {
        check_all(args, &root, &wanted, diags, result)
    } else {
        write_all(args, &root, &wanted, diags, result)
    }
}

/// The service folders `services` names (relative to the workspace, sorted, each once) with
/// the pointer of the entry that named it. A plain folder must hold a manifest; a glob that
/// matches none is a warning.
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
                    if e.file_type().is_ok_and(|t| t.is_dir()) && workspace::glob_matches(segment, &name) {
                        next.push(join(c, &name));
                    }
                }
            }
            candidates = next;
        }
        candidates.retain(|c| root.join(c).join(MANIFEST).is_file());
        if candidates.is_empty() {
            diags.push(Diagnostic::at(&codes::WORKSPACE_GLOB_EMPTY, doc, &at, format!("services glob `{pattern}` matches no folder holding {MANIFEST}"), "fix the glob, or remove the entry"));
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
fn service_images(args: &WorkspaceRender, services: &[(String, Loaded)], diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Vec<ImageOverride>> {
    let known: Vec<&str> = services.iter().map(|(id, _)| id.as_str()).collect();
    let unknown = |service: &str| {
        (
            format!("image for service `{service}`, which the workspace does not have"),
            format!("{}the services are: {}", crate::suggest::did_you_mean(service, known.iter().copied()), known.join(", ")),
        )
    };
    let mut out: BTreeMap<String, Vec<ImageOverride>> = BTreeMap::new();
    if let Some(path) = &args.images_file {
        let path = PathBuf::from(path);
        match load::read(&path, load::Input::Workspace) {
            Err(d) => diags.push(d),
            Ok(bytes) => {
                let (doc, mut parse) = Document::parse(&load::display(&path), &bytes);
                diags.append(&mut parse);
                if let Some(root) = &doc.root {
                    let mut d = Decoder::new(&doc);
                    let map = d.map(root, &Pointer::root(), |d, n, at| match &n.value {
                        Value::String(_) => d.text(n, at).map(|r| vec![r]),
                        _ => d.map(n, at, Decoder::text).map(|m| m.into_iter().map(|(k, v)| format!("{k}={v}")).collect()),
                    });
                    for (service, refs) in map.into_iter().flatten() {
                        if !known.contains(&service.as_str()) {
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
    for arg in &args.images {
        match workspace::service_image(arg) {
            Some((service, image)) if known.contains(&service) => out.entry(service.to_string()).or_default().push(ImageOverride::parse(image)),
            Some((service, _)) => {
                let (m, h) = unknown(service);
                diags.push(Diagnostic::about_file(&codes::IMAGE_UNKNOWN_SERVICE, "", format!("--image {arg}: {m}"), h));
            }
            None => diags.push(Diagnostic::about_file(&codes::USAGE, "", format!("--image {arg}: with --workspace, give SERVICE:[DEPLOYABLE=]REF"), "e.g. --image orders:ghcr.io/acme/orders:1.4.2")),
        }
    }
    out
}

/// Renders every pair on up to `jobs` threads; results in pair order.
type Rendered = (Option<(Vec<emit::Artifact>, outdir::Owner)>, Vec<Diagnostic>);

fn render_all(pairs: &[Pair<'_>], images: &BTreeMap<String, Vec<ImageOverride>>, namespace: Option<&str>, jobs: usize) -> Vec<Rendered> {
    let one = |pair: &Pair<'_>| {
        let mut diags = Vec::new();
        let options = LowerOptions { images: images.get(pair.service).cloned().unwrap_or_default(), require_images: true, namespace: namespace.map(str::to_string) };
        let loaded = pair.loaded;
        let (plan, mut lowering) = plan::lower(loaded.manifest(), &loaded.input.doc, &loaded.profiles[pair.profile], &options);
        diags.append(&mut lowering);
        let artifacts = plan.filter(|_| !diagnostics::has_errors(&diags)).and_then(|plan| {
            let mut r = emit::render(&plan);
            diags.append(&mut r.diags);
            (!diagnostics::has_errors(&diags)).then(|| (r.artifacts, outdir::Owner::of(&plan)))
        });
        (artifacts, diags)
    };
    let jobs = jobs.clamp(1, pairs.len().max(1));
    if jobs == 1 {
        return pairs.iter().map(one).collect();
    }
    let mut results: Vec<Option<Rendered>> = (0..pairs.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..jobs).map(|w| s.spawn(move || pairs.iter().enumerate().skip(w).step_by(jobs).map(|(i, p)| (i, one(p))).collect::<Vec<_>>())).collect();
        for worker in workers {
            for (i, r) in worker.join().expect("a render worker panicked") {
                results[i] = Some(r);
            }
        }
    });
    results.into_iter().map(|r| r.expect("every pair rendered")).collect()
}

fn write_all(args: &WorkspaceRender, root: &Path, wanted: &[(String, BTreeMap<String, String>, outdir::Claim)], mut diags: Vec<Diagnostic>, result: impl Fn(serde_json::Value) -> serde_json::Value) -> i32 {
    let mut human = String::new();
    let mut folders = Vec::new();
    for (out, files, claim) in wanted {
        match transaction::write_folder(&root.join(out), out, files, claim) {
            Ok(s) => {
                human.push_str(&format!("wrote {} files to {out} ({} changed)\n", s.files, s.changed));
                folders.push(json!({ "out": out, "files": s.files, "changed": s.changed }));
            }
            Err(mut errors) => {
                diags.append(&mut errors);
                return output::print(&args.report, Outcome::diagnostics(diags)).max(EXIT_USAGE_OR_IO);
            }
        }
    }
    output::print(&args.report, Outcome::new(diags, result(json!(folders)), human))
}

fn check_all(args: &WorkspaceRender, root: &Path, wanted: &[(String, BTreeMap<String, String>, outdir::Claim)], mut diags: Vec<Diagnostic>, result: impl Fn(serde_json::Value) -> serde_json::Value) -> i32 {
    let mut human = String::new();
    let mut folders = Vec::new();
    let mut stale = 0;
    for (out, files, claim) in wanted {
        match render::folder_drift(&root.join(out), out, files, claim) {
            Ok((drift, _, state)) => {
                // An interrupted render is stale until `render --workspace` completes it.
                stale += drift.changed.len() + usize::from(state.pending.is_some());
                human.push_str(&drift.diffs.concat());
                folders.push(json!({ "out": out, "stale": drift.changed }));
            }
            Err(mut errors) => {
                diags.append(&mut errors);
                return output::print(&args.report, Outcome::diagnostics(diags)).max(EXIT_USAGE_OR_IO);
            }
        }
    }
    let failure = (stale > 0).then(|| format!("the workspace is stale: {stale} file(s) in {} folder(s) differ from what would be rendered", folders.iter().filter(|f| f["stale"].as_array().is_some_and(|a| !a.is_empty())).count()));
    output::print(&args.report, Outcome::new(diags, result(json!(folders)), human).failing(failure))
}
