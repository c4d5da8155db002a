//! `object-bucket` (s3): an `objectbucket.io/v1alpha1 ObjectBucketClaim` `<service>-<binding>`
//! (Rook, NooBaa and other lib-bucket-provisioner drivers). The provisioner writes a
//! ConfigMap and a Secret named like the claim: `BUCKET_HOST`, `BUCKET_PORT`, `BUCKET_NAME`,
//! `BUCKET_REGION`; `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`. ENDPOINT is composed from
//! the host and port variables when the container starts.

use super::{BuildCx, Built, ProviderDef};
use crate::bindings::params::{Param, ParamType};
use crate::bindings::{env_prefix, BindingObject, Source};
use crate::manifest::BindingKind;
use serde_json::json;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "object-bucket",
    summary: "An ObjectBucketClaim (objectbucket.io/v1alpha1) `<service_id>-<binding>`; the provisioner writes a ConfigMap and a Secret of the same name. HOST, PORT, BUCKET, REGION from the ConfigMap's BUCKET_HOST, BUCKET_PORT, BUCKET_NAME, BUCKET_REGION; ACCESS_KEY and SECRET_KEY from the Secret's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ENDPOINT composed: <scheme>://$(HOST):$(PORT).",
    kinds: &[BindingKind::S3],
    params: &[
        Param { name: "storage_class", ty: ParamType::ObjectName, required: true, default: None, description: "the bucket StorageClass (it names the provisioner)" },
        Param { name: "bucket_name", ty: ParamType::DnsLabel, required: false, default: None, description: "the bucket's exact name; without it the provisioner generates one from `<service_id>-<binding>`" },
        Param { name: "scheme", ty: ParamType::OneOf(&["http", "https"]), required: false, default: Some("http"), description: "the endpoint's scheme (the provisioner gives host and port only)" },
    ],
    members: &[],
    build,
};

/// Output → key of the ConfigMap the provisioner writes.
const CONFIG_MAP_KEYS: &[(&str, &str)] = &[("HOST", "BUCKET_HOST"), ("PORT", "BUCKET_PORT"), ("BUCKET", "BUCKET_NAME"), ("REGION", "BUCKET_REGION")];
/// Output → key of the Secret the provisioner writes.
const SECRET_KEYS: &[(&str, &str)] = &[("ACCESS_KEY", "AWS_ACCESS_KEY_ID"), ("SECRET_KEY", "AWS_SECRET_ACCESS_KEY")];

fn build(cx: &BuildCx<'_>) -> Built {
    let name = cx.object_name();
    let mut spec = json!({ "storageClassName": cx.params.text("storage_class") });
    match cx.params.text("bucket_name") {
        Some(bucket) => spec["bucketName"] = json!(bucket),
        None => spec["generateBucketName"] = json!(name),
    }
    let mut b = Built { secret: Some(name.clone()), ..Built::default() };
    b.objects.push(BindingObject::new("objectbucket.io/v1alpha1", "ObjectBucketClaim", &name, spec));
    for (output, key) in CONFIG_MAP_KEYS {
        b.outputs.push((output.to_string(), Source::ConfigMapKey { config_map: name.clone(), key: key.to_string() }));
    }
    for (output, key) in SECRET_KEYS {
        b.outputs.push((output.to_string(), Source::SecretKey { secret: name.clone(), key: key.to_string() }));
    }
    let var = |o: &str| format!("$({}{o})", env_prefix(&cx.binding.name));
    let scheme = cx.params.text("scheme").unwrap_or("http");
    b.outputs.push(("ENDPOINT".to_string(), Source::Composed { template: format!("{scheme}://{}:{}", var("HOST"), var("PORT")) }));
    b.outputs.retain(|(name, _)| !cx.from_config.contains(name));
    b
}
