//! Workspaces (SPEC §7.1): `x07-topo.workspace.json` names the services of a repository, the
//! profiles to render for each and where each pair's output goes. This module is the
//! document and the pure rules (glob matching, the output layout, per-service images); the
//! shell lists folders and reads files.

use crate::decode::Decoder;
use crate::json::Pointer;

pub const SCHEMA_VERSION: &str = "x07.topo.workspace@0.1.0";
/// The workspace file `--workspace` reads when given no path.
pub const DEFAULT_FILE: &str = "x07-topo.workspace.json";
/// The owner a profile folder's inventory names (it lists services, it is no service's).
pub const PROFILE_FOLDER_OWNER: &str = "x07-topo-workspace";
/// The output layout when the workspace names none.
pub const DEFAULT_OUT: &str = "deploy/{profile}/{service}";

#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    /// Globs of service folders (relative to the workspace file), each holding
    /// `arch/service/index.x07service.json`.
    pub services: Vec<String>,
    /// Profiles for every service; `None`: each manifest's own.
    pub profiles: Option<Vec<String>>,
    /// The output folder of a service × profile, with `{service}` (the service_id) and `{profile}`.
    pub out: String,
}

pub fn decode(d: &mut Decoder<'_>) -> Option<Workspace> {
    let root = d.doc.root()?;
    let at = Pointer::root();
    let mut f = d.fields(root, &at)?;
    let version = d.required(&mut f, "schema_version", |d, n, at| crate::manifest::decode_schema_version(d, n, at, SCHEMA_VERSION));
    let services = d.required(&mut f, "services", |d, n, at| d.array(n, at, Decoder::text));
    let profiles = d.optional(&mut f, "profiles", |d, n, at| d.array(n, at, Decoder::text));
    let out = d.optional(&mut f, "out", layout);
    d.finish(f);
    version?;
    Some(Workspace { services: services?, profiles: profiles?, out: out?.unwrap_or_else(|| DEFAULT_OUT.to_string()) })
}

/// `out` must name `{service}` (else two services would share a folder) and stay inside the
/// repository (relative, no `..`).
fn layout<'d>(d: &mut Decoder<'d>, n: &'d crate::json::Node, at: &Pointer) -> Option<String> {
    let s = d.text(n, at)?;
    let plain = s.replace("{service}", "service").replace("{profile}", "profile");
    if !s.contains("{service}") || !crate::outdir::is_safe_relative(&plain) {
        d.report(
            &crate::diagnostics::codes::UNKNOWN_VALUE,
            at,
            format!("out `{s}` must be a relative folder inside the repository that names {{service}}"),
            format!("write e.g. \"{DEFAULT_OUT}\" (the default)"),
        );
        return None;
    }
    Some(s)
}

/// Whether a folder path (`/`-separated) matches a glob: `*` is any run of characters within
/// one path segment, `?` one character; other characters match themselves.
pub fn glob_matches(pattern: &str, path: &str) -> bool {
    let (p, s): (Vec<&str>, Vec<&str>) = (pattern.split('/').filter(|x| !x.is_empty() && *x != ".").collect(), path.split('/').filter(|x| !x.is_empty() && *x != ".").collect());
    p.len() == s.len() && p.iter().zip(&s).all(|(p, s)| segment_matches(p.as_bytes(), s.as_bytes()))
}

/// One segment against one pattern, without backtracking past the last `*`: each `*` is
/// tried at each position at most once, so the work is O(pattern × name) at worst, never
/// exponential (SPEC §7.2: bounded work).
fn segment_matches(p: &[u8], s: &[u8]) -> bool {
    let p: Vec<char> = String::from_utf8_lossy(p).chars().collect();
    let s: Vec<char> = String::from_utf8_lossy(s).chars().collect();
    let (mut i, mut j) = (0, 0);
    // The last `*` seen and the name position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while j < s.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(&c) if c == '?' || c == s[j] => {
                i += 1;
                j += 1;
            }
            _ => match star {
                // Let the last `*` take one more character, and go on from there.
                Some((si, sj)) => {
                    star = Some((si, sj + 1));
                    i = si + 1;
                    j = sj + 1;
                }
                None => return false,
            },
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// Whether a value substituted into the `out` layout stays one plain folder name: not empty,
/// no `/`, `\` or `:`, not `.` or `..`, not hidden, so no `service_id` or profile id can make a
/// path leave the workspace or land in another pair's folder.
pub fn is_safe_segment(value: &str) -> bool {
    value.starts_with(|c: char| c.is_ascii_alphanumeric()) && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// The output folder of one service × profile.
pub fn out_folder(layout: &str, service_id: &str, profile: &str) -> String {
    layout.replace("{service}", service_id).replace("{profile}", profile)
}

/// The folder that holds every service of one profile, when the layout ends with
/// `/{service}` (it then gets a kustomization listing them).
pub fn profile_folder(layout: &str, profile: &str) -> Option<String> {
    layout.strip_suffix("/{service}").filter(|rest| !rest.contains("{service}")).map(|rest| rest.replace("{profile}", profile))
}

/// The kustomization of a profile folder: its services' folders, sorted.
pub fn profile_kustomization(services: &[String]) -> String {
    let mut s = String::from("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
    let mut sorted = services.to_vec();
    sorted.sort();
    sorted.dedup();
    for service in sorted {
        s.push_str(&format!("- {service}\n"));
    }
    s
}

/// `--image SERVICE:[DEPLOYABLE=]REF`: (service, the `--image` value for that service).
pub fn service_image(arg: &str) -> Option<(&str, &str)> {
    arg.split_once(':').filter(|(service, rest)| !service.is_empty() && !service.contains('/') && !rest.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_one_segment_per_star() {
        assert!(glob_matches("services/*", "services/orders"));
        assert!(glob_matches("./services/*/", "services/orders"));
        assert!(!glob_matches("services/*", "services/orders/api"));
        assert!(glob_matches("svc-?", "svc-a"));
        assert!(!glob_matches("svc-?", "svc-ab"));
        assert!(glob_matches("*-api", "orders-api"));
        assert!(!glob_matches("services/*", "other/orders"));
        assert!(glob_matches("*a*b", "xaxxb"));
        assert!(!glob_matches("*a*b", "xaxxbc"));
        assert!(glob_matches("a*", "a"));
        assert!(glob_matches("a**", "a"));
        assert!(!glob_matches("?", ""));
    }

    #[test]
    fn a_backtracking_glob_is_answered_at_once() {
        let name = "a".repeat(250);
        let start = std::time::Instant::now();
        assert!(!glob_matches("*a*a*a*a*a*a*a*a*a*a*b", &name));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn safe_segments() {
        for ok in ["orders", "prod", "a.b_c-d", "0x"] {
            assert!(is_safe_segment(ok), "{ok}");
        }
        for bad in ["", ".", "..", "../x", "a/b", "/abs", ".hidden", "x\\y", "c:x", "-x"] {
            assert!(!is_safe_segment(bad), "{bad}");
        }
    }

    #[test]
    fn layout_and_profile_folders() {
        assert_eq!(out_folder(DEFAULT_OUT, "orders", "prod"), "deploy/prod/orders");
        assert_eq!(profile_folder(DEFAULT_OUT, "prod").as_deref(), Some("deploy/prod"));
        assert_eq!(profile_folder("deploy/{service}-{profile}", "prod"), None);
        assert_eq!(profile_kustomization(&["b".into(), "a".into()]), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- a\n- b\n");
    }

    #[test]
    fn service_images_split_at_the_first_colon() {
        assert_eq!(service_image("orders:ghcr.io/acme/orders:1.4.2"), Some(("orders", "ghcr.io/acme/orders:1.4.2")));
        assert_eq!(service_image("orders:api=ghcr.io/a/b:1"), Some(("orders", "api=ghcr.io/a/b:1")));
        assert_eq!(service_image("ghcr.io/acme/orders"), None);
    }
}
