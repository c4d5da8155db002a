//! The table of diagnostic codes. Codes are stable: never renumber or reuse one; retire a
//! code by leaving it here with "(retired)" in its summary. Every code has a golden case
//! (enforced by `tests/golden.rs`).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    InvalidInput,
    Conflict,
    NotFound,
    Unsupported,
    InvariantViolation,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::InvalidInput => "invalid_input",
            Class::Conflict => "conflict",
            Class::NotFound => "not_found",
            Class::Unsupported => "unsupported",
            Class::InvariantViolation => "invariant_violation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    /// `XT` and three digits; the hundreds say the phase (0 documents, 1 manifest,
    /// 2 profile and target, 3 lowering, 4 Kubernetes, 5 wasmCloud, 6 hosted, 9 shell).
    pub id: &'static str,
    /// A short kebab-case name, for people.
    pub name: &'static str,
    pub class: Class,
    pub severity: Severity,
    pub summary: &'static str,
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

macro_rules! code_table {
    ($($konst:ident = $id:literal $name:literal $class:ident $severity:ident $summary:literal;)*) => {
        $(pub static $konst: Code = Code {
            id: $id, name: $name, class: Class::$class, severity: Severity::$severity, summary: $summary,
        };)*
        /// Every code, in table order.
        pub static ALL: &[&Code] = &[$(&$konst),*];
    };
}

code_table! {
    // Documents: bytes, JSON, and the shape every typed document shares.
    NOT_UTF8            = "XT001" "not-utf8"             InvalidInput Error "the file is not UTF-8 text";
    EMPTY_DOCUMENT      = "XT002" "empty-document"       InvalidInput Error "the file is empty";
    JSON_SYNTAX         = "XT003" "json-syntax"          InvalidInput Error "the file is not valid JSON";
    NESTING_TOO_DEEP    = "XT004" "nesting-too-deep"     InvalidInput Error "the document nests deeper than the reader allows";
    DUPLICATE_KEY       = "XT005" "duplicate-key"        InvalidInput Error "an object has the same key twice";
    WRONG_TYPE          = "XT006" "wrong-type"           InvalidInput Error "a value has the wrong JSON type";
    UNKNOWN_FIELD       = "XT007" "unknown-field"        InvalidInput Error "an object has a member the format does not define";
    MISSING_FIELD       = "XT008" "missing-field"        InvalidInput Error "a required member is missing";
    UNKNOWN_VALUE       = "XT009" "unknown-value"        InvalidInput Error "a value is not one of the format's vocabulary";
    SCHEMA_VERSION      = "XT010" "schema-version"       Unsupported  Error "the document declares a schema version this tool does not read";
    BLANK_STRING        = "XT011" "blank-string"         InvalidInput Error "a string that must say something is empty or only white space";
    OUT_OF_RANGE        = "XT012" "out-of-range"         InvalidInput Error "a number is outside the range its field allows";
    BYTE_ORDER_MARK     = "XT020" "byte-order-mark"      InvalidInput Error "the file starts with a UTF-8 byte-order mark, which upstream's readers refuse";
    WORKSPACE_GLOB_NOTHING = "XT021" "workspace-glob-matches-nothing" NotFound Error "a workspace services glob matches no folder holding a service manifest (a typo must not pass CI)";
    WORKSPACE_UNKNOWN_SERVICE = "XT022" "workspace-unknown-service" NotFound Error "--service names a service the workspace does not have";
    WORKSPACE_GLOB_EMPTY = "XT023" "workspace-glob-empty" NotFound    Warning "(retired) a workspace services glob matched no folder: a warning then, error XT021 now";
    WORKSPACE_DUPLICATE_SERVICE = "XT024" "workspace-duplicate-service" Conflict Error "two workspace services have the same service_id";
    WORKSPACE_OUT_COLLISION = "XT025" "workspace-out-collision" Conflict Error "two service × profile pairs of a workspace map to one output folder";
    READ_OUTSIDE_REPOSITORY = "XT013" "read-outside-repository" InvalidInput Error "an input names a file outside the repository (the workspace folder, or the manifest's project folder)";
    INPUT_NOT_REGULAR   = "XT014" "input-not-regular"    InvalidInput Error "an input names a device, FIFO or socket; only regular files are read";
    INPUT_TOO_LARGE     = "XT015" "input-too-large"      InvalidInput Error "an input file is larger than 64 MB";
    WORKSPACE_SHARED_OBJECT = "XT027" "workspace-shared-object" Conflict Error "two services of a workspace would emit one binding object (a KafkaTopic, a KafkaUser) and no profile says which owns it";
    WORKSPACE_UNSAFE_NAME = "XT026" "workspace-unsafe-name" InvalidInput Error "a service_id or profile id the workspace's out layout would make a path that leaves its place";

    // The service manifest.
    DUPLICATE_CELL_KEY      = "XT101" "duplicate-cell-key"      Conflict     Error "two cells have the same cell_key";
    DUPLICATE_BINDING       = "XT102" "duplicate-binding"       Conflict     Error "two resource bindings have the same name";
    DUPLICATE_PROFILE       = "XT103" "duplicate-profile"       Conflict     Error "two topology profile entries have the same id";
    INGRESS_MISMATCH        = "XT104" "ingress-mismatch"        InvalidInput Error "a cell's ingress_kind does not match its cell_kind";
    UNKNOWN_BINDING_REF     = "XT105" "unknown-binding-ref"     NotFound     Error "a cell refers to a binding the manifest does not declare";
    DUPLICATE_BINDING_REF   = "XT106" "duplicate-binding-ref"   Conflict     Error "a cell lists the same binding twice";
    RUNTIME_SECTION_MISSING = "XT107" "runtime-section-missing" InvalidInput Error "an event or schedule cell lacks its runtime.event or runtime.schedule";
    RUNTIME_SECTION_FORBIDDEN = "XT108" "runtime-section-forbidden" InvalidInput Error "runtime.event or runtime.schedule on a cell of another ingress kind";
    EVENT_BINDING_NOT_IN_CELL = "XT109" "event-binding-not-in-cell" InvalidInput Error "runtime.event.binding_ref is not among the cell's binding_refs";
    EVENT_BINDING_KIND      = "XT110" "event-binding-kind"      InvalidInput Error "an event binding is not a kafka or amqp binding";
    INVALID_CRON            = "XT111" "invalid-cron"            InvalidInput Error "a cron expression Kubernetes would reject";
    INVALID_TIMEZONE        = "XT112" "invalid-timezone"        InvalidInput Error "a time zone that is not an IANA name";
    INVALID_INT_OR_PERCENT  = "XT113" "invalid-int-or-percent"  InvalidInput Error "a rollout bound that is neither a count nor a percentage in 0..=100";
    MIN_ABOVE_MAX           = "XT114" "min-above-max"           InvalidInput Error "min_replicas is greater than max_replicas";
    AUTOSCALING_NO_TARGET   = "XT115" "autoscaling-no-target"   InvalidInput Error "autoscaling names no target metric";
    NOT_FOR_INGRESS         = "XT116" "not-for-ingress"         InvalidInput Error "autoscaling or canary-lite on a cell whose ingress cannot use it";
    INVALID_PROBE           = "XT117" "invalid-probe"           InvalidInput Error "a probe does not have the fields its probe_kind needs";
    ROLLOUT_NO_PROGRESS     = "XT118" "rollout-no-progress"     InvalidInput Error "max_unavailable and max_surge are both zero, so a rollout can never proceed";
    UNNAMEABLE              = "XT119" "unnameable"              InvalidInput Error "a name has nothing left after sanitising to a Kubernetes name";
    NAME_COLLISION          = "XT120" "name-collision"          Conflict     Error "two names become the same object or variable name";
    PLACEMENT_ALIAS         = "XT121" "placement-alias"         InvalidInput Warning "an upstream placement alias was used";
    ARCHETYPE_RULE          = "XT122" "archetype-rule"          InvalidInput Warning "a cell breaks a rule of upstream's archetype catalog";
    UNKNOWN_TRUST_PROFILE   = "XT123" "unknown-trust-profile"   NotFound     Warning "a trust profile this tool does not know; the sandboxed defaults apply";
    UNUSED_BINDING          = "XT124" "unused-binding"          InvalidInput Warning "a declared binding that no cell uses";
    CANARY_PERCENT_UNUSED   = "XT125" "canary-percent-unused"   InvalidInput Warning "canary_percent without the canary-lite strategy has no effect";
    SERVICE_ID_NOT_WORKLOAD_ID = "XT126" "service-id-not-workload-id" InvalidInput Warning "service_id is outside upstream's workload-id pattern, which x07-wasm enforces";
    REQUIRED_OMITTED        = "XT140" "required-omitted"        InvalidInput Warning "a resource binding does not state required; omitted means false (optional), as upstream reads it";
    UNSAFE_PROFILE_ID       = "XT127" "unsafe-profile-id"       InvalidInput Error "a topology profile id outside the safe pattern ^[A-Za-z0-9][A-Za-z0-9._-]*$ (no `/`, `..` or absolute path)";

    // Topology profiles and target descriptions.
    PROFILE_NOT_FOUND       = "XT201" "profile-not-found"       NotFound     Error "neither a profile file nor a manifest entry has this id";
    PROFILE_CONFLICT        = "XT202" "profile-conflict"        Conflict     Error "a profile file contradicts the manifest's entry of the same id";
    PROFILE_UNKNOWN_BINDING = "XT203" "profile-unknown-binding" NotFound     Error "a profile configures a binding the manifest does not declare";
    PROFILE_UNKNOWN_CELL    = "XT204" "profile-unknown-cell"    NotFound     Error "a profile names a cell the manifest does not have";
    PROFILE_UNKNOWN_GROUP   = "XT205" "profile-unknown-group"   NotFound     Error "a profile names a topology group no cell is in";
    INVALID_QUANTITY        = "XT206" "invalid-quantity"        InvalidInput Error "a resource amount that is not a Kubernetes quantity";
    UNKNOWN_TARGET          = "XT207" "unknown-target"          NotFound     Error "a target description that is neither built in nor a readable file";
    TARGET_KIND_MISMATCH    = "XT208" "target-kind-mismatch"    Conflict     Error "the target description is for another target kind";
    INVALID_IMAGE           = "XT209" "invalid-image"           InvalidInput Error "an image reference that is not a valid OCI reference";
    INVALID_ENV_NAME        = "XT210" "invalid-env-name"        InvalidInput Error "an environment variable or key name that Kubernetes rejects";
    EXTENDS_NOT_FOUND       = "XT215" "extends-not-found"       NotFound     Error "a profile extends a profile file that does not exist or cannot be read";
    EXTENDS_CYCLE           = "XT216" "extends-cycle"           Conflict     Error "profiles extend each other in a cycle";
    UNKNOWN_PRESET          = "XT217" "unknown-preset"          NotFound     Error "a built-in preset that does not exist";
    BINDING_RULE_CONFLICT   = "XT230" "binding-rule-conflict"   Conflict     Error "two binding rules of the same rank match one binding";
    BINDING_RULE_UNMATCHED  = "XT231" "binding-rule-unmatched"  InvalidInput Warning "a glob or kind rule in a profile's bindings matches no binding";
    UNKNOWN_PROVIDER        = "XT232" "unknown-provider"        NotFound     Error "a binding rule names a provider the target does not have";
    UNKNOWN_PROVIDER_PARAM  = "XT233" "unknown-provider-param"  InvalidInput Error "a param the provider does not declare";
    MISSING_PROVIDER_PARAM  = "XT234" "missing-provider-param"  InvalidInput Error "a param the provider requires is not given";
    PROVIDER_PARAM_TYPE     = "XT235" "provider-param-type"     InvalidInput Error "a provider param of the wrong type or out of range";
    PROVIDER_KIND_MISMATCH  = "XT236" "provider-kind-mismatch"  Unsupported  Error "a provider that does not serve the binding's kind";
    PROVIDER_MEMBER_UNUSED  = "XT237" "provider-member-unused"  InvalidInput Error "a binding entry member the chosen provider does not read";
    RESERVED_ENV_NAME       = "XT238" "reserved-env-name"       Conflict     Error "a profile env entry sets a variable the compiler sets (X07_*, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_ENDPOINT)";
    SECRET_AS_CONFIG        = "XT239" "secret-as-config"        InvalidInput Error "a credential given as plain binding config";
    EXTENDS_TOO_DEEP        = "XT240" "extends-too-deep"        InvalidInput Error "a chain of extends longer than 32 profiles";
    ENV_VARIABLE_COLLISION  = "XT241" "env-variable-collision"  Conflict     Error "two bindings of one cell would give its container the same environment variable";
    UNKNOWN_LINT            = "XT211" "unknown-lint"            NotFound     Error "a profile's lints name a code the diagnostic table does not have";
    LINT_NOT_A_WARNING      = "XT212" "lint-not-a-warning"      InvalidInput Error "a profile's lints name an error code; only warnings can be allowed or denied";
    LINT_CONFLICT           = "XT213" "lint-conflict"           Conflict     Error "a profile's lints both allow and deny the same code";
    INVALID_METADATA_KEY    = "XT270" "invalid-metadata-key"    InvalidInput Error "a pod label, pod annotation or ServiceAccount annotation key that is not a Kubernetes qualified name";
    INVALID_LABEL_VALUE     = "XT271" "invalid-label-value"     InvalidInput Error "a pod label value Kubernetes rejects";
    RESERVED_METADATA_KEY   = "XT272" "reserved-metadata-key"   Conflict     Error "a profile sets a label or annotation the compiler owns (its labels, selectors and annotations)";
    ANNOTATIONS_TOO_LARGE   = "XT273" "annotations-too-large"   InvalidInput Error "annotations larger than the 256 KiB Kubernetes allows on one object";
    IDENTITY_ON_CELL        = "XT274" "identity-on-cell"        InvalidInput Error "pod labels, annotations or ServiceAccount annotations given for a cell: they belong to its deployable's group";
    INVALID_EGRESS          = "XT275" "invalid-egress"          InvalidInput Error "a binding entry's `egress` that is not a list of IPv4 or IPv6 CIDRs";
    UNSAFE_PARAM            = "XT250" "unsafe-param"            InvalidInput Error "a provider param spliced into a URL, a host or a database identifier is not a plain label or identifier: it could add a query, a host or a path";
    RESERVED_PARAM          = "XT251" "reserved-param"          InvalidInput Error "a provider param names a database or role the operator refuses";
    VOLUME_PATH_TAKEN       = "XT252" "volume-path-taken"       InvalidInput Error "a sqlite PATH whose folder is the root or /tmp, or that names a folder";
    CRD_UNUSABLE            = "XT253" "crd-unusable"            InvalidInput Error "a CRD file a target names (`k8s.crds`) cannot be read, is not YAML or JSON, or is not a CustomResourceDefinition";
    CLAIM_INVALID           = "XT254" "claim-invalid"           InvalidInput Error "a crossplane binding's claim does not match the openAPIV3Schema of the CRD the target names for its kind";
    CLAIM_NOT_SERVED        = "XT255" "claim-not-served"        InvalidInput Error "the CRD the target names for a crossplane binding's kind does not serve its version, or is cluster-scoped";
    CLAIM_NO_CONNECTION_SECRET = "XT256" "claim-no-connection-secret" InvalidInput Error "a crossplane binding without `secret` whose CRD has no spec.writeConnectionSecretToRef: nothing would write the Secret its outputs come from";

    // Lowering: cells to deployables.
    SINGLETON_SHARES_DEPLOYABLE = "XT301" "singleton-shares-deployable" Conflict Error "(retired) a singleton-orchestrator cell shared a deployable with a replicated cell: it runs under leader election there now";
    AUTOSCALING_CONFLICT    = "XT302" "autoscaling-conflict"    Conflict     Error "(retired) cells of one deployable asked for different scaling: co-located scaling merges now (widest bounds, every cell's metrics)";
    DUPLICATE_PORT          = "XT303" "duplicate-port"          Conflict     Error "two cells of one deployable listen on the same port";
    NOTHING_TO_RUN          = "XT304" "nothing-to-run"          InvalidInput Warning "a deployable of only embedded-kernel cells starts nothing";
    RUNTIME_CLASS_UNSUPPORTED = "XT305" "runtime-class-unsupported" Unsupported Error "the target cannot run a cell's runtime class";
    MIXED_RUNTIME_CLASSES   = "XT306" "mixed-runtime-classes"   Conflict     Error "wasm and native processes in one pod";
    MISSING_IMAGE           = "XT307" "missing-image"           NotFound     Error "a deployable that runs something has no image";
    CPU_TARGET_WITHOUT_REQUEST = "XT308" "cpu-target-without-request" InvalidInput Error "cpu autoscaling without a cpu request";
    SCALER_UNAVAILABLE      = "XT309" "scaler-unavailable"      Unsupported  Warning "no scaler on the target can honour target_inflight";
    IMAGE_UNKNOWN_DEPLOYABLE = "XT310" "image-unknown-deployable" NotFound   Error "--image names a deployable that does not exist";
    ROLLOUT_CONFLICT        = "XT311" "rollout-conflict"        Conflict     Warning "the rollouts of one deployable's cells have no single most conservative merge over its replica range";
    SCALE_TO_ZERO_UNSUPPORTED = "XT312" "scale-to-zero-unsupported" Unsupported Error "(retired) min_replicas 0 needed a scaler that can scale to zero: the deployable now runs one replica, with XT330";
    TARGET_NOT_RENDERED     = "XT313" "target-not-rendered"     Unsupported  Error "(retired) this version cannot render the profile's target kind yet: every kind renders now";
    REQUIRED_OUTPUT_MISSING = "XT317" "required-output-missing" NotFound     Error "a required output of a binding has no source";
    PARTITIONS_BELOW_MAX_REPLICAS = "XT318" "partitions-below-max-replicas" InvalidInput Warning "an autoscaling maximum above the partitions of a consumed topic leaves consumers idle";
    STRIMZI_NO_TOPIC        = "XT319" "strimzi-no-topic"        NotFound     Error "a strimzi binding with no topic to declare";
    BINDING_OBJECT_CONFLICT = "XT320" "binding-object-conflict" Conflict     Error "two bindings declare one object (a KafkaTopic, a KafkaUser) differently";
    SCALER_AUTH_UNAVAILABLE = "XT321" "scaler-auth-unavailable" Unsupported  Warning "a KEDA kafka trigger cannot authenticate as the cells of its binding do";
    SCALE_TO_ZERO_APPROXIMATED = "XT330" "scale-to-zero-approximated" Unsupported Warning "min_replicas 0 on a deployable no scaler of the target can scale to zero: it runs at least one replica";
    SQLITE_SCALED           = "XT350" "sqlite-scaled"           Conflict     Error "a deployable that mounts a sqlite volume may run more than one replica";
    BROKER_ADMIN_CREDENTIALS = "XT402" "broker-admin-credentials" InvalidInput Warning "an amqp binding reads the RabbitMQ cluster's administrator credentials (no `user` of its own)";
    VOLUME_EPHEMERAL        = "XT401" "volume-ephemeral"        InvalidInput Warning "a sqlite volume without a size is an emptyDir: the data does not survive a restart";

    // Kubernetes: trust boundaries (SPEC §4.2).
    UNKNOWN_ENDPOINT        = "XT420" "unknown-endpoint"        NotFound     Warning "a binding's endpoint is unknown: its NetworkPolicy allows the kind's usual port to any address";
    LIMIT_BELOW_REQUEST     = "XT421" "limit-below-request"     InvalidInput Error "a container's cpu or memory limit is below its request, which Kubernetes refuses";

    // Hosted descriptor and the X07 platform contract documents.
    BINDING_NOT_MATERIALISABLE = "XT601" "binding-not-materialisable" Unsupported Error "the hosted platform manages no resource of a binding's kind and the profile gives no secret reference or config";
    CONTRACT_NAME_TOO_LONG  = "XT602" "contract-name-too-long"  InvalidInput Warning "a name is longer than the X07 platform contracts allow; the contract documents are not written";

    // wasmCloud: the provider catalog and what wadm or WorkloadDeployments can express.
    WASMCLOUD_NO_PROVIDER   = "XT501" "wasmcloud-no-provider"   Unsupported  Error "the wasmCloud catalog names no capability provider for a binding kind or ingress kind";
    WASMCLOUD_UNKNOWN_PROVIDER = "XT502" "wasmcloud-unknown-provider" NotFound Error "a catalog, profile or binding names a capability provider the catalog does not define";
    WASMCLOUD_NO_EVENT_HANDLER = "XT503" "wasmcloud-no-event-handler" Unsupported Error "the provider of an event binding cannot deliver messages to a component";
    WASMCLOUD_AUTOSCALING_APPROXIMATED = "XT504" "wasmcloud-autoscaling-approximated" Unsupported Warning "wasmCloud cannot autoscale on the asked metric; a fixed instance count approximates it";
    WASMCLOUD_OTLP_ON_HOST  = "XT505" "wasmcloud-otlp-on-host"  Unsupported  Warning "OpenTelemetry export is configured on the wasmCloud hosts, not in the application";
    WASMCLOUD_SETTING_IGNORED = "XT506" "wasmcloud-setting-ignored" Unsupported Warning "a cell setting wasmCloud has no place for (probes, rollout, resources, ports)";
    WASMCLOUD_LINK_KEY_UNREAD = "XT507" "wasmcloud-link-key-unread" InvalidInput Error "a binding config key the capability provider does not read";
    WASMCLOUD_REQUIRED_KEY_MISSING = "XT508" "wasmcloud-required-key-missing" NotFound Error "a key the capability provider requires is given by nothing (no profile member, and not readable from the secrets backend by convention)";
    WASMCLOUD_SECRET_NAME_CONFLICT = "XT509" "wasmcloud-secret-name-conflict" Conflict Error "two secret references of one wadm application share a name but read different secrets";
    WASMCLOUD_SECRET_NOT_READ = "XT510" "wasmcloud-secret-not-read" Unsupported Warning "a key given as a secret, which the capability provider reads only from link config";
    WASMCLOUD_KEY_MUST_BE_SECRET = "XT511" "wasmcloud-key-must-be-secret" InvalidInput Error "a key holding credentials given as plain link config instead of a secret";
    WASMCLOUD_KEY_GIVEN_TWICE = "XT512" "wasmcloud-key-given-twice" Conflict Error "two profile keys rename to one key of the capability provider";
    WASMCLOUD_SECRET_KEY_NAME = "XT513" "wasmcloud-secret-key-name" InvalidInput Error "a WorkloadDeployment host interface would get a Secret key under a name the host plugin does not read (the operator merges Secret keys as they are)";
    WASMCLOUD_NO_HOST_CONTRACT = "XT514" "wasmcloud-no-host-contract" Unsupported Warning "a binding's capability provider declares no wasmCloud 2.x host contract: its host interface gets no config";
    WASMCLOUD_COMPONENT_SECRET_NAME = "XT515" "wasmcloud-component-secret-name" InvalidInput Error "a WorkloadDeployment component would get a secret binding's value under the Secret key's own name, not the X07_BINDING_<NAME>_<OUTPUT> variable it reads";

    // Operator workflow: plan and diff.
    ARTIFACTS_NOT_RENDERED  = "XT701" "artifacts-not-rendered"  Unsupported  Warning "diff --artifacts could not render a profile; only the structural diff is shown for it";
    // Topology changes against a committed folder (SPEC §3.2). XT702 and XT703 are errors that
    // `--allow` or a profile's `lints` may accept deliberately (see `Code::acceptable`).
    TRANSITION_REFUSED      = "XT702" "transition-refused"      Conflict     Error "applying the render over the committed folder changes a field its operator refuses to change (the old value stays in force)";
    TRANSITION_DATA_LOSS    = "XT703" "transition-data-loss"    Conflict     Error "applying the render over the committed folder removes or renames an object whose deletion deletes data";
    TRANSITION_REPLACE      = "XT704" "transition-replace"      Conflict     Warning "applying the render over the committed folder changes an immutable field: the object must be deleted and created again";
    TRANSITION_AVAILABILITY = "XT705" "transition-availability" Conflict     Warning "applying the render over the committed folder moves a cell to another workload: for a while no pod may serve it";
    TRANSITION_UNREADABLE   = "XT706" "transition-unreadable"   InvalidInput Warning "a committed file is not YAML x07-topo can read back, so its changes are not classified";

    // explain.
    EXPLAIN_UNKNOWN_BINDING = "XT801" "explain-unknown-binding" NotFound     Error "explain names a binding the manifest does not declare";

    // The shell: command line and files.
    FILE_UNREADABLE         = "XT901" "file-unreadable"         NotFound     Error "an input file cannot be read";
    USAGE                   = "XT902" "usage"                   InvalidInput Error "the command line is not one x07-topo accepts";
    OUT_IO                  = "XT910" "out-io"                  Conflict     Error "an operation on the output folder failed (the file system refused it)";
    OUT_SYMLINK             = "XT911" "out-symlink"             Conflict     Error "a path below the output folder is a symbolic link; x07-topo never reads, writes or prunes through one";
    OUT_PATH_UNUSABLE       = "XT912" "out-path-unusable"       Conflict     Error "the output folder holds something else where x07-topo writes a file or a folder";
    OUT_LOCKED              = "XT913" "out-locked"              Conflict     Error "another x07-topo run holds the output folder's lock";
    OUT_NOT_A_FOLDER        = "XT914" "out-not-a-folder"        InvalidInput Error "--out or --against names something that is not a folder";
    OUT_FOREIGN_OWNER       = "XT915" "out-foreign-owner"       Conflict     Error "the output folder's inventory names another service, profile or target kind as its owner";
    OUT_UNOWNED_FILE        = "XT916" "out-unowned-file"        Conflict     Error "a file x07-topo would write is already in the output folder and its inventory does not own it";
    OUT_UNTRUSTED_RECORD    = "XT917" "out-untrusted-record"    Conflict     Error "the output folder's inventory or journal is damaged, or lists what x07-topo never writes or owns; it is refused, not obeyed";
    INVALID_NAMESPACE       = "XT960" "invalid-namespace"       InvalidInput Error "--namespace is not a DNS-1123 label";
    WORKSPACE_MISSING_FOLDER = "XT961" "workspace-missing-folder" NotFound  Error "a workspace names a service folder that does not hold a service manifest";
    IMAGE_UNKNOWN_SERVICE   = "XT962" "image-unknown-service"   NotFound     Error "a workspace image names a service the workspace does not have";
}

/// The errors a run may accept deliberately (`--allow`, a profile's `lints`): the risky
/// transitions of SPEC §3.2, which are facts about a change, not mistakes in an input.
static ACCEPTABLE_ERRORS: &[&Code] = &[&TRANSITION_REFUSED, &TRANSITION_DATA_LOSS];

impl Code {
    /// Whether `--allow` and a profile's `lints` may name it: every warning, and the
    /// acceptable errors.
    pub fn acceptable(&self) -> bool {
        self.severity == Severity::Warning || ACCEPTABLE_ERRORS.iter().any(|c| std::ptr::eq(*c, self))
    }
}

pub fn by_id(id: &str) -> Option<&'static Code> {
    ALL.iter().copied().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let ids: BTreeSet<_> = ALL.iter().map(|c| c.id).collect();
        let names: BTreeSet<_> = ALL.iter().map(|c| c.name).collect();
        assert_eq!(ids.len(), ALL.len());
        assert_eq!(names.len(), ALL.len());
        for c in ALL {
            assert!(c.id.len() == 5 && c.id.starts_with("XT") && c.id[2..].bytes().all(|b| b.is_ascii_digit()), "{}", c.id);
        }
    }
}

/// The Markdown table of every code, as `docs/diagnostics.md` holds it.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\nGenerated from `src/diagnostics/codes.rs` (the test `docs_table_is_current` keeps it in step;\n`UPDATE_GOLDEN=1 cargo test` rewrites it). Codes are never renumbered or reused. Every code has\na golden case under `golden/` that shows it.\n\n| code | name | class | severity | meaning |\n| --- | --- | --- | --- | --- |\n",
    );
    for c in ALL {
        out.push_str(&format!("| {} | {} | {} | {} | {} |\n", c.id, c.name, c.class.as_str(), c.severity.as_str(), c.summary));
    }
    out
}

#[cfg(test)]
mod docs_tests {
    #[test]
    fn docs_table_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md");
        let table = super::markdown_table();
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &table).unwrap();
        }
        assert_eq!(std::fs::read_to_string(path).unwrap_or_default(), table, "docs/diagnostics.md is stale: UPDATE_GOLDEN=1 cargo test");
    }
}
