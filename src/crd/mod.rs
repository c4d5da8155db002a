//! CustomResourceDefinitions a target file names (`k8s.crds`), and the check of a
//! `crossplane` binding's claim against the one that defines its group and kind (SPEC §4.1,
//! docs/decisions.md "Crossplane claims against the platform's CRD"). Pure: the shell reads
//! the files ([`crate::profile::TargetFile`]); here their bytes are parsed (YAML or JSON) and
//! the claim validated against its version's `openAPIV3Schema` ([`validate`]).

pub mod validate;

use serde_json::{json, Map, Value};

/// One CRD: what it defines and the schema of each version.
#[derive(Debug, Clone, PartialEq)]
pub struct Crd {
    /// The file as diagnostics show it.
    pub file: String,
    pub group: String,
    pub kind: String,
    pub namespaced: bool,
    pub versions: Vec<CrdVersion>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrdVersion {
    pub name: String,
    pub served: bool,
    /// `schema.openAPIV3Schema`, and its pointer in the file.
    pub schema: Option<Value>,
    pub schema_at: String,
}

/// Why a file is not a CRD x07-topo can use: where in it, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    pub pointer: String,
    pub why: String,
}

/// Parses a CRD file (YAML, of which JSON is a part).
pub fn parse(file: &str, bytes: &[u8]) -> Result<Crd, Unusable> {
    let top = |why: String| Unusable { pointer: String::new(), why };
    let value = crate::yaml::document(bytes).map_err(|why| top(format!("it is not a YAML or JSON document: {why}")))?;
    let text = |v: &Value, pointer: &str| v.pointer(pointer).and_then(Value::as_str).map(str::to_string);
    let api = text(&value, "/apiVersion").unwrap_or_default();
    let kind = text(&value, "/kind").unwrap_or_default();
    if api != "apiextensions.k8s.io/v1" || kind != "CustomResourceDefinition" {
        return Err(top(format!("it is not an apiextensions.k8s.io/v1 CustomResourceDefinition (apiVersion `{}`, kind `{}`)", crate::diagnostics::echo(&api), crate::diagnostics::echo(&kind))));
    }
    let need = |pointer: &str| text(&value, pointer).filter(|s| !s.is_empty()).ok_or_else(|| Unusable { pointer: pointer.to_string(), why: format!("it has no {}", pointer.trim_start_matches('/').replace('/', ".")) });
    let group = need("/spec/group")?;
    let crd_kind = need("/spec/names/kind")?;
    let scope = need("/spec/scope")?;
    let Some(Value::Array(list)) = value.pointer("/spec/versions") else {
        return Err(Unusable { pointer: "/spec/versions".to_string(), why: "it lists no versions".to_string() });
    };
    let mut versions = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let at = format!("/spec/versions/{i}");
        let name = v.get("name").and_then(Value::as_str).ok_or_else(|| Unusable { pointer: at.clone(), why: "a version has no name".to_string() })?;
        versions.push(CrdVersion {
            name: name.to_string(),
            served: v.get("served").and_then(Value::as_bool).unwrap_or(false),
            schema: v.pointer("/schema/openAPIV3Schema").cloned(),
            schema_at: format!("{at}/schema/openAPIV3Schema"),
        });
    }
    Ok(Crd { file: file.to_string(), group, kind: crd_kind, namespaced: scope == "Namespaced", versions })
}

/// The CRD of `api_version` (`group/version`) and `kind` among `crds`.
pub fn find<'a>(crds: impl IntoIterator<Item = &'a Crd>, api_version: &str, kind: &str) -> Option<&'a Crd> {
    let group = api_version.split_once('/').map_or("", |(g, _)| g);
    crds.into_iter().find(|c| c.group == group && c.kind == kind)
}

/// Which check a claim problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimIssue {
    /// The claim does not match the schema (XT254).
    Invalid,
    /// The CRD does not serve the version, or is cluster-scoped (XT255).
    NotServed,
    /// x07-topo would ask for a connection Secret the API has no member for (XT256).
    NoConnectionSecret,
}

/// One problem, at `member` (pointer tokens below the binding entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimProblem {
    pub issue: ClaimIssue,
    pub member: Vec<String>,
    pub message: String,
    pub hint: String,
}

/// What the claim of a `crossplane` binding is: with `connection_secret`, x07-topo adds
/// `spec.writeConnectionSecretToRef.name`.
pub struct Claim<'a> {
    pub api_version: &'a str,
    pub kind: &'a str,
    pub spec: &'a Map<String, Value>,
    /// `metadata.name` (a CRD may require `metadata`; its contents are the API server's).
    pub name: &'a str,
    pub connection_secret: Option<&'a str>,
}

/// Checks a claim against the CRD of its group and kind; `Ok` says what it was validated
/// against, or why not (for `explain`).
pub fn check_claim(crd: &Crd, claim: &Claim<'_>) -> Result<String, Vec<ClaimProblem>> {
    let version = claim.api_version.split_once('/').map_or("", |(_, v)| v);
    let served: Vec<&str> = crd.versions.iter().filter(|v| v.served).map(|v| v.name.as_str()).collect();
    let Some(v) = crd.versions.iter().find(|v| v.name == version && v.served) else {
        return Err(vec![ClaimProblem {
            issue: ClaimIssue::NotServed,
            member: vec!["params".into(), "api_version".into()],
            message: format!("the CRD {} of {}.{} does not serve version {version}", crd.file, crd.kind, crd.group),
            hint: if served.is_empty() { "the CRD serves no version: fix the CRD the target names".to_string() } else { format!("use a version it serves: {}", served.iter().map(|s| format!("{}/{s}", crd.group)).collect::<Vec<_>>().join(", ")) },
        }]);
    };
    if !crd.namespaced {
        return Err(vec![ClaimProblem {
            issue: ClaimIssue::NotServed,
            member: vec!["params".into(), "kind".into()],
            message: format!("the CRD {} makes {} cluster-scoped, and x07-topo emits claims into the service's namespace", crd.file, crd.kind),
            hint: "name the API's namespaced claim kind (Crossplane v1 claimNames) or a namespaced v2 composite resource".to_string(),
        }]);
    }
    let Some(schema) = &v.schema else {
        return Ok(format!("not validated: version {} of {} has no openAPIV3Schema", v.name, crd.file));
    };
    let against = format!("validated against {} ({}/{} {}, {})", crd.file, crd.group, v.name, crd.kind, v.schema_at);
    let mut spec = claim.spec.clone();
    let mut problems = Vec::new();
    if let Some(name) = claim.connection_secret {
        let spec_schema = schema.pointer("/properties/spec");
        let has_member = spec_schema.is_some_and(|s| s.pointer("/properties/writeConnectionSecretToRef").is_some() || s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)));
        if has_member {
            spec.insert("writeConnectionSecretToRef".to_string(), json!({ "name": name }));
        } else {
            problems.push(ClaimProblem {
                issue: ClaimIssue::NoConnectionSecret,
                member: Vec::new(),
                message: format!("{} has no spec.writeConnectionSecretToRef in {} (a Crossplane v2 composite resource, whose composition writes its own Secret), so x07-topo cannot ask it for the connection Secret", crd.kind, crd.file),
                hint: "name the Secret the composition writes with the entry's `secret` (and its keys with `keys`)".to_string(),
            });
        }
    }
    let object = json!({ "apiVersion": claim.api_version, "kind": claim.kind, "metadata": { "name": claim.name }, "spec": Value::Object(spec) });
    for violation in validate::validate(schema, &v.schema_at, &object) {
        let (member, whose) = member_of(&violation.at, claim.connection_secret.is_some());
        let path = if violation.at.is_empty() { "the claim".to_string() } else { format!("`{}`", violation.at.join(".")) };
        problems.push(ClaimProblem {
            issue: ClaimIssue::Invalid,
            member,
            message: format!("{path}{whose} {} (schema {}#{})", violation.message, crd.file, violation.schema_at),
            hint: format!("write the claim as {}.{} {} declares it (`kubectl explain {}.spec --api-version={}`)", crd.kind, crd.group, v.name, crd.kind.to_lowercase(), claim.api_version),
        });
    }
    if problems.is_empty() {
        Ok(against)
    } else {
        Err(problems)
    }
}

/// The entry member a claim path comes from, and a remark when x07-topo set it.
fn member_of(at: &[String], sets_secret: bool) -> (Vec<String>, &'static str) {
    match at.first().map(String::as_str) {
        Some("apiVersion") => (vec!["params".into(), "api_version".into()], ""),
        Some("kind") => (vec!["params".into(), "kind".into()], ""),
        Some("spec") if sets_secret && at.get(1).map(String::as_str) == Some("writeConnectionSecretToRef") => (Vec::new(), " (which x07-topo sets)"),
        Some("spec") => (["params", "spec"].iter().map(|s| s.to_string()).chain(at[1..].iter().cloned()).collect(), ""),
        _ => (vec!["params".into()], ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  group: platform.example.org
  names: {kind: Bucket}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
  - name: v0
    served: false
";

    fn claim<'a>(api_version: &'a str, spec: &'a Map<String, Value>, secret: Option<&'a str>) -> Claim<'a> {
        Claim { api_version, kind: "Bucket", spec, name: "svc-b", connection_secret: secret }
    }

    #[test]
    fn parses_yaml_and_json_and_refuses_other_documents() {
        let crd = parse("b.yaml", CRD.as_bytes()).unwrap();
        assert_eq!((crd.group.as_str(), crd.kind.as_str(), crd.namespaced, crd.versions.len()), ("platform.example.org", "Bucket", true, 2));
        let as_json = serde_json::to_vec(&serde_saphyr::from_str::<Value>(CRD).unwrap()).unwrap();
        assert_eq!(parse("b.yaml", &as_json).unwrap(), crd);
        assert!(parse("x", b"kind: Deployment\napiVersion: apps/v1\n").unwrap_err().why.contains("not an apiextensions.k8s.io/v1"));
        assert!(parse("x", b"a: [1, 2").is_err());
        assert_eq!(parse("x", b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: {names: {kind: A}, scope: Namespaced}\n").unwrap_err().pointer, "/spec/group");
        // An alias bomb stops at the reader's budget.
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        assert!(parse("x", bomb.as_bytes()).is_err());
    }

    #[test]
    fn claims_are_checked_at_the_entry_members_they_come_from() {
        let crd = parse("b.yaml", CRD.as_bytes()).unwrap();
        let good: Map<String, Value> = serde_json::from_value(json!({"size": 3})).unwrap();
        assert!(check_claim(&crd, &claim("platform.example.org/v1", &good, None)).is_ok());
        let bad: Map<String, Value> = serde_json::from_value(json!({"size": 0})).unwrap();
        let problems = check_claim(&crd, &claim("platform.example.org/v1", &bad, None)).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].issue, problems[0].member.join("/")), (ClaimIssue::Invalid, "params/spec/size".to_string()));
        assert!(problems[0].message.contains("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/size/minimum"), "{}", problems[0].message);
        let served = check_claim(&crd, &claim("platform.example.org/v0", &good, None)).unwrap_err();
        assert_eq!((served[0].issue, served[0].member.join("/")), (ClaimIssue::NotServed, "params/api_version".to_string()));
        // The schema has no writeConnectionSecretToRef: asking for the Secret is refused once.
        let secret = check_claim(&crd, &claim("platform.example.org/v1", &good, Some("svc-b"))).unwrap_err();
        assert_eq!(secret.iter().map(|p| p.issue).collect::<Vec<_>>(), [ClaimIssue::NoConnectionSecret]);
        // A served version without a schema cannot be validated, and says so.
        let mut bare = crd.clone();
        bare.versions[0].schema = None;
        assert!(check_claim(&bare, &claim("platform.example.org/v1", &bad, None)).unwrap().starts_with("not validated"));
        assert!(check_claim(&crd, &claim("platform.example.org/v1", &good, None)).unwrap().starts_with("validated against b.yaml"));
        assert!(find([&crd], "platform.example.org/v1", "Bucket").is_some());
        assert!(find([&crd], "other.example.org/v1", "Bucket").is_none());
    }
}

#[cfg(test)]
mod published {
    /// Every CRD of ../shared/schemas/crds/ (the operators' own, up to 12,000 lines) parses
    /// within the reader's budget, and each served version has a schema.
    #[test]
    fn every_published_crd_parses_within_the_budget() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/crds");
        if !folder.is_dir() {
            eprintln!("SKIPPED: {} is absent (CI has ../shared beside the repository)", folder.display());
            return;
        }
        let mut seen = 0;
        for entry in std::fs::read_dir(&folder).expect("../shared/schemas/crds") {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let crd = super::parse("x", &std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
                assert!(crd.versions.iter().any(|v| v.served && v.schema.is_some()), "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen >= 25, "only {seen} CRDs");
    }
}
