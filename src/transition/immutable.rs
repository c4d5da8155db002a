//! Which changes the API server or an operator refuses, and which deletions delete data: facts
//! about the world, as tables (SPEC §3.2).
//!
//! - Kubernetes' own rules (apps/v1 Deployment `spec.selector`, batch/v1 Job `spec.template`,
//!   v1 Service `spec.clusterIP` and `spec.type` to or from `ExternalName`, a
//!   PersistentVolumeClaim's `storageClassName` and a shrink of its storage request).
//! - Operators' rules that their CRDs declare as `x-kubernetes-validations` `self == oldSelf`
//!   in `../shared/schemas/crds/` (CloudNativePG Database, Argo Rollout): copied here for the
//!   kinds we emit; `tests/immutability_table.rs` reads the CRDs and fails when the two differ.
//! - Operators' rules their CRDs do not declare: Strimzi refuses fewer partitions and a changed
//!   replication factor or topic name (cited in docs/decisions.md).

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Any change.
    Changed,
    /// A smaller integer.
    Decreased,
    /// A smaller quantity.
    Shrunk,
    /// A change to or from `ExternalName`.
    ExternalName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The API refuses the update: the object must be replaced.
    Replace,
    /// The operator refuses the change (its status says so; the old value stays in force).
    Refused,
}

#[derive(Clone, Copy)]
pub struct Rule {
    pub kind: &'static str,
    /// JSON pointer of the field.
    pub pointer: &'static str,
    pub when: When,
    pub effect: Effect,
    pub what: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
    /// The safe sequence.
    pub hint: &'static str,
}

const K8S: &str = "the Kubernetes API refuses the update";
const REPLACE_WORKLOAD: &str = "delete and recreate the object (its pods are replaced at once), or render it under a new name first and remove the old one after";
const CNPG: &str = "CloudNativePG's CRD declares it immutable (x-kubernetes-validations self == oldSelf)";
const CNPG_HINT: &str = "create a new Database (a new binding or `database` param), move the data, then remove the old one";
const STRIMZI_HINT: &str = "add a new topic binding with the new setting, move the consumers, then remove the old one";

macro_rules! cnpg {
    ($($field:literal),* $(,)?) => {
        [$(Rule { kind: "Database", pointer: concat!("/spec/", $field), when: When::Changed, effect: Effect::Replace, what: concat!("Database spec.", $field, " changes"), source: CNPG, hint: CNPG_HINT }),*]
    };
}

const CNPG_DATABASE: [Rule; 12] = cnpg!(
    "builtinLocale", "cluster", "collationVersion", "encoding", "icuLocale", "icuRules", "locale", "localeCType", "localeCollate", "localeProvider",
    "name", "template",
);

/// Every rule, Kubernetes' first.
pub static RULES: &[Rule] = &[
    Rule { kind: "Deployment", pointer: "/spec/selector", when: When::Changed, effect: Effect::Replace, what: "the Deployment's selector changes", source: K8S, hint: REPLACE_WORKLOAD },
    Rule { kind: "Job", pointer: "/spec/template", when: When::Changed, effect: Effect::Replace, what: "the Job's pod template changes", source: K8S, hint: REPLACE_WORKLOAD },
    Rule { kind: "Service", pointer: "/spec/clusterIP", when: When::Changed, effect: Effect::Replace, what: "the Service's clusterIP changes", source: K8S, hint: REPLACE_WORKLOAD },
    Rule { kind: "Service", pointer: "/spec/type", when: When::ExternalName, effect: Effect::Replace, what: "the Service's type changes to or from ExternalName", source: K8S, hint: REPLACE_WORKLOAD },
    Rule {
        kind: "PersistentVolumeClaim",
        pointer: "/spec/storageClassName",
        when: When::Changed,
        effect: Effect::Replace,
        what: "the PersistentVolumeClaim's storage class changes",
        source: K8S,
        hint: "create a new volume, copy the data, then remove the old claim",
    },
    Rule {
        kind: "PersistentVolumeClaim",
        pointer: "/spec/resources/requests/storage",
        when: When::Shrunk,
        effect: Effect::Replace,
        what: "the PersistentVolumeClaim shrinks",
        source: "the Kubernetes API refuses to shrink a claim",
        hint: "create a smaller volume, copy the data, then remove the old claim",
    },
    Rule {
        kind: "Rollout",
        pointer: "/spec/selector",
        when: When::Changed,
        effect: Effect::Replace,
        what: "the Rollout's selector changes",
        source: "Argo Rollouts' CRD declares it immutable (x-kubernetes-validations self == oldSelf)",
        hint: REPLACE_WORKLOAD,
    },
    Rule {
        kind: "KafkaTopic",
        pointer: "/spec/partitions",
        when: When::Decreased,
        effect: Effect::Refused,
        what: "the topic's partitions decrease",
        source: "Strimzi's Topic Operator refuses to decrease partitions (Kafka cannot)",
        hint: STRIMZI_HINT,
    },
    Rule {
        kind: "KafkaTopic",
        pointer: "/spec/replicas",
        when: When::Changed,
        effect: Effect::Refused,
        what: "the topic's replication factor changes",
        source: "Strimzi's Topic Operator refuses a changed replication factor unless Cruise Control is deployed",
        hint: STRIMZI_HINT,
    },
    Rule {
        kind: "KafkaTopic",
        pointer: "/spec/topicName",
        when: When::Changed,
        effect: Effect::Refused,
        what: "the topic's name changes",
        source: "Strimzi's Topic Operator refuses to change spec.topicName",
        hint: STRIMZI_HINT,
    },
    CNPG_DATABASE[0],
    CNPG_DATABASE[1],
    CNPG_DATABASE[2],
    CNPG_DATABASE[3],
    CNPG_DATABASE[4],
    CNPG_DATABASE[5],
    CNPG_DATABASE[6],
    CNPG_DATABASE[7],
    CNPG_DATABASE[8],
    CNPG_DATABASE[9],
    CNPG_DATABASE[10],
    CNPG_DATABASE[11],
];

/// Kinds whose deletion deletes data, and when.
pub struct DataBearing {
    pub kind: &'static str,
    pub applies: fn(&Value) -> bool,
    pub why: &'static str,
}

pub static DATA_BEARING: &[DataBearing] = &[
    DataBearing { kind: "KafkaTopic", applies: |_| true, why: "Strimzi's Topic Operator deletes the topic, and its messages, with the KafkaTopic" },
    DataBearing {
        kind: "Database",
        applies: |v| v.pointer("/spec/databaseReclaimPolicy").and_then(Value::as_str) == Some("delete"),
        why: "CloudNativePG drops the database when a Database with databaseReclaimPolicy delete is deleted",
    },
    DataBearing { kind: "PersistentVolumeClaim", applies: |_| true, why: "deleting the claim releases its volume, deleted under the usual Delete reclaim policy" },
    DataBearing { kind: "ObjectBucketClaim", applies: |_| true, why: "the provisioner deletes the bucket with its claim under a Delete reclaim policy" },
];
