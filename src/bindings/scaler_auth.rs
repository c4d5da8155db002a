//! How an autoscaler authenticates to what a binding names. A KEDA trigger reads the broker
//! the cells read, and a listener that requires credentials of the cells requires them of
//! KEDA too. The provider knows where its credentials live (a KafkaUser's Secret, the
//! cluster CA's Secret); the Kubernetes emitter turns this into a `keda.sh/v1alpha1
//! TriggerAuthentication` that the trigger names in `authenticationRef`.
//!
//! KEDA's kafka scaler reads `username`, `password`, `ca`, `cert` and `key` only from a
//! TriggerAuthentication, and `sasl` and `tls` from the trigger's metadata or from the
//! TriggerAuthentication, never both (it refuses the trigger then). A TriggerAuthentication
//! takes a value from a Secret key (`secretTargetRef`) or from a variable of the scale
//! target's container (`env`); a plain value such as a KafkaUser's name is in no Secret, so it
//! comes from the container variable the cells read it from.

/// One parameter KEDA reads from a Secret key (`secretTargetRef`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretParam {
    pub parameter: &'static str,
    pub secret: String,
    pub key: String,
}

/// How a scaler authenticates for one binding; names only, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScalerAuth {
    /// Plain settings the trigger's metadata carries (`sasl: scram_sha512`, `tls: enable`).
    pub metadata: Vec<(&'static str, String)>,
    /// Parameters from Secret keys.
    pub secrets: Vec<SecretParam>,
    /// Parameter → the binding output whose container variable holds it (`username` from
    /// `USERNAME`): KEDA resolves it from the consuming cell's container.
    pub outputs: Vec<(&'static str, &'static str)>,
}

impl ScalerAuth {
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.outputs.is_empty()
    }
}
