//! `opentelemetry` (otlp): an OpenTelemetry Operator `OpenTelemetryCollector` `collector`.
//! ENDPOINT is its Service `<collector>-collector` on 4317 (gRPC) or 4318 (`http/protobuf`);
//! with `sidecar: true`, the pod annotation `sidecar.opentelemetry.io/inject: <collector>`
//! has the operator inject that collector into the pod, and ENDPOINT is on localhost.
//! Nothing is emitted: the collector is the platform's.

use super::{BuildCx, Built, ProviderDef};
use crate::bindings::params::{Param, ParamType};
use crate::bindings::Source;
use crate::manifest::BindingKind;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "opentelemetry",
    summary: "An OpenTelemetry Operator `OpenTelemetryCollector`: ENDPOINT http://<collector>-collector.<namespace>.svc:4317 (4318 for `protocol: http/protobuf`); with `sidecar: true` the pod annotation `sidecar.opentelemetry.io/inject: <collector>` (a collector in sidecar mode) and ENDPOINT on localhost. PROTOCOL is the protocol; OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL follow them.",
    kinds: &[BindingKind::Otlp],
    params: &[
        Param { name: "collector", ty: ParamType::DnsLabel, required: true, default: None, description: "the OpenTelemetryCollector's name (its Service is `<collector>-collector`)" },
        Param { name: "protocol", ty: ParamType::OneOf(&["grpc", "http/protobuf"]), required: false, default: Some("grpc"), description: "OTLP over gRPC (4317) or HTTP (4318)" },
        Param { name: "sidecar", ty: ParamType::Bool, required: false, default: None, description: "inject the collector (mode: sidecar) into the cells' pods and export to localhost" },
    ],
    members: &[],
    build,
};

/// (protocol, port) of the collector's OTLP receivers.
pub const PORTS: &[(&str, u16)] = &[("grpc", 4317), ("http/protobuf", 4318)];

/// The annotation that asks the operator for a sidecar collector.
pub const INJECT_ANNOTATION: &str = "sidecar.opentelemetry.io/inject";

fn build(cx: &BuildCx<'_>) -> Built {
    let collector = cx.params.text("collector").unwrap_or_default();
    let protocol = cx.params.text("protocol").unwrap_or("grpc");
    let port = super::otlp_port(protocol);
    let mut b = Built::default();
    let host = if cx.params.flag("sidecar") {
        b.pod_annotations.push((INJECT_ANNOTATION.to_string(), collector.to_string()));
        "localhost".to_string()
    } else {
        super::service_host(&format!("{collector}-collector"), cx.namespace)
    };
    b.outputs.push(("ENDPOINT".to_string(), Source::Config { value: format!("http://{host}:{port}") }));
    b.outputs.push(("PROTOCOL".to_string(), Source::Config { value: protocol.to_string() }));
    b.outputs.retain(|(name, _)| !cx.from_config.contains(name));
    b
}
