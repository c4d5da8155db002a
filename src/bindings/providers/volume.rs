//! `volume` (sqlite; the default for sqlite on Kubernetes): the database file lives on a
//! volume mounted read-write at the folder of PATH, since every container's root file system
//! is read-only. With `size`, a `PersistentVolumeClaim` `<service_id>-<binding>`; without, an
//! `emptyDir` and a warning that the data does not survive a restart. sqlite has one writer:
//! the deployable's single replica and `Recreate` are enforced in lowering (`plan::single_writer`).

use super::{BuildCx, Built, Problem, ProviderDef};
use crate::bindings::params::{Param, ParamType};
use crate::bindings::{BindingObject, BindingVolume, Source};
use crate::checks::names;
use crate::diagnostics::codes;
use crate::manifest::BindingKind;
use serde_json::json;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "volume",
    summary: "The sqlite file on a volume mounted read-write at the folder of PATH (the root file system is read-only): a PersistentVolumeClaim `<service_id>-<binding>` (ReadWriteOnce) with `size`, else an emptyDir (a warning: the data does not survive a restart). The deployable runs exactly one replica with the Recreate strategy; one that may scale past one is an error.",
    kinds: &[BindingKind::Sqlite],
    params: &[
        Param { name: "size", ty: ParamType::Quantity, required: false, default: None, description: "the PersistentVolumeClaim's storage request, e.g. \"1Gi\"; without it the volume is an emptyDir" },
        Param { name: "storage_class", ty: ParamType::ObjectName, required: false, default: None, description: "the claim's storage class (the cluster's default when absent)" },
        Param {
            name: "path",
            ty: ParamType::AbsolutePath,
            required: false,
            default: None,
            description: "the database file (PATH); its folder is the mount point. Default /var/lib/x07/<binding>/db.sqlite",
        },
    ],
    members: &[],
    build,
};

/// Where the volumes of sqlite bindings are mounted unless `path` says otherwise.
pub const DEFAULT_ROOT: &str = "/var/lib/x07";

/// Folders a binding's volume may not hide: the root, and the `/tmp` every pod mounts.
const TAKEN: &[&str] = &["/", "/tmp"];

fn build(cx: &BuildCx<'_>) -> Built {
    let folder_name = names::sanitize_dns1123(&cx.binding.name);
    let path = cx.params.text("path").map_or_else(|| format!("{DEFAULT_ROOT}/{folder_name}/db.sqlite"), str::to_string);
    let mount_path = match path.rsplit_once('/') {
        Some(("", _)) => "/".to_string(),
        Some((folder, _)) => folder.to_string(),
        None => "/".to_string(),
    };
    let mut b = Built::default();
    if TAKEN.iter().any(|t| mount_path == *t || (*t != "/" && mount_path.starts_with(&format!("{t}/")))) || path.ends_with('/') {
        b.problems.push(Problem {
            code: &codes::VOLUME_PATH_TAKEN,
            member: vec!["params", "path"],
            message: format!("sqlite binding `{}`: PATH `{path}` would mount the volume at `{mount_path}`, which {}", cx.binding.name, if path.ends_with('/') { "names a folder, not a file" } else { "the pod already uses (the root file system, or the /tmp every pod mounts)" }),
            hint: format!("give a file in a folder of its own, e.g. {DEFAULT_ROOT}/{folder_name}/db.sqlite"),
        });
        b.outputs.push(("PATH".to_string(), Source::Config { value: path }));
        return b;
    }
    if !cx.from_config.contains("PATH") {
        b.outputs.push(("PATH".to_string(), Source::Config { value: path }));
    }
    let claim = match cx.params.text("size") {
        Some(size) => {
            let name = cx.object_name();
            let mut spec = json!({ "accessModes": ["ReadWriteOnce"], "resources": { "requests": { "storage": size } } });
            if let Some(class) = cx.params.text("storage_class") {
                spec["storageClassName"] = json!(class);
            }
            b.objects.push(BindingObject::new("v1", "PersistentVolumeClaim", &name, spec));
            Some(name)
        }
        None => {
            b.problems.push(Problem {
                code: &codes::VOLUME_EPHEMERAL,
                member: vec!["provider"],
                message: format!("sqlite binding `{}` has no `params.size`, so its volume is an emptyDir: the database does not survive a restart or a rollout", cx.binding.name),
                hint: "give `params.size` (e.g. \"1Gi\") for a PersistentVolumeClaim".to_string(),
            });
            None
        }
    };
    b.volume = Some(BindingVolume { claim, mount_path });
    b
}
