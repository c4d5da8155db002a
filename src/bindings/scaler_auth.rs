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

use super::{Output, Source};

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

/// KEDA's name for a SASL mechanism as Kafka clients spell it (`SCRAM-SHA-512` →
/// `scram_sha512`): the mechanisms its kafka scaler takes with a username and password.
pub fn keda_sasl(mechanism: &str) -> Option<&'static str> {
    match mechanism.trim().to_ascii_uppercase().as_str() {
        "PLAIN" => Some("plaintext"),
        "SCRAM-SHA-256" => Some("scram_sha256"),
        "SCRAM-SHA-512" => Some("scram_sha512"),
        _ => None,
    }
}

/// A kafka binding's scaler authentication read from its outputs, for providers that know no
/// more than where each output comes from (`secret`, `external-secrets`): `Ok(None)` when the
/// cells are not known to authenticate, `Err(why)` when they do and KEDA cannot be told how.
pub fn for_kafka(outputs: &[Output]) -> Result<Option<ScalerAuth>, String> {
    let get = |name: &str| outputs.iter().find(|o| o.name == name).map(|o| &o.source);
    let password = get("PASSWORD");
    let known_password = matches!(password, Some(Source::SecretKey { .. }));
    let mode = match get("SASL_MECHANISM") {
        Some(Source::Config { value }) => match keda_sasl(value) {
            Some(mode) => mode,
            None => return Err(format!("its SASL mechanism `{value}` is none KEDA's kafka scaler takes with a username and password (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)")),
        },
        Some(Source::SecretKey { secret, .. } | Source::SecretPrefix { secret }) if known_password => {
            return Err(format!("its SASL mechanism comes from Secret `{secret}`, and KEDA wants it in the trigger in its own spelling (`scram_sha512`, not `SCRAM-SHA-512`)"))
        }
        None if known_password => return Err("the cells get a password but no SASL mechanism, so KEDA cannot be told which to use".to_string()),
        _ => return Ok(None),
    };
    let from_secret = |parameter: &'static str, output: &'static str| match get(output) {
        Some(Source::SecretKey { secret, key }) => Some(SecretParam { parameter, secret: secret.clone(), key: key.clone() }),
        Some(Source::SecretPrefix { secret }) => Some(SecretParam { parameter, secret: secret.clone(), key: output.to_string() }),
        _ => None,
    };
    let mut auth = ScalerAuth { metadata: vec![("sasl", mode.to_string())], ..ScalerAuth::default() };
    match from_secret("password", "PASSWORD") {
        Some(p) => auth.secrets.push(p),
        None => return Err(format!("its SASL mechanism is {mode}, but its PASSWORD is in no Secret, where KEDA must read it")),
    }
    match (from_secret("username", "USERNAME"), get("USERNAME")) {
        (Some(u), _) => auth.secrets.push(u),
        (None, Some(_)) => auth.outputs.push(("username", "USERNAME")),
        (None, None) => return Err("the cells get no USERNAME, which KEDA needs with a password".to_string()),
    }
    Ok(Some(auth))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(name: &str, source: Source) -> Output {
        Output { name: name.to_string(), variable: format!("X07_BINDING_MSG_{name}"), source }
    }
    fn secret(key: &str) -> Source {
        Source::SecretKey { secret: "kafka-creds".to_string(), key: key.to_string() }
    }
    fn config(v: &str) -> Source {
        Source::Config { value: v.to_string() }
    }

    #[test]
    fn mechanisms_in_keda_spelling() {
        assert_eq!(keda_sasl("SCRAM-SHA-512"), Some("scram_sha512"));
        assert_eq!(keda_sasl(" plain "), Some("plaintext"));
        assert_eq!(keda_sasl("OAUTHBEARER"), None);
    }

    #[test]
    fn a_known_mechanism_and_secret_credentials_authenticate() {
        let outputs = [out("USERNAME", secret("user")), out("PASSWORD", secret("pass")), out("SASL_MECHANISM", config("SCRAM-SHA-256"))];
        let auth = for_kafka(&outputs).unwrap().unwrap();
        assert_eq!(auth.metadata, [("sasl", "scram_sha256".to_string())]);
        assert_eq!(auth.secrets.iter().map(|s| (s.parameter, s.key.as_str())).collect::<Vec<_>>(), [("password", "pass"), ("username", "user")]);
        // envFrom: the key is the output's name; a plain user name comes from the container.
        let outputs = [out("USERNAME", config("svc")), out("PASSWORD", Source::SecretPrefix { secret: "s".to_string() }), out("SASL_MECHANISM", config("PLAIN"))];
        let auth = for_kafka(&outputs).unwrap().unwrap();
        assert_eq!(auth.secrets[0].key, "PASSWORD");
        assert_eq!(auth.outputs, [("username", "USERNAME")]);
    }

    #[test]
    fn unknown_credentials_are_none_and_unusable_ones_say_why() {
        let every_key = Source::SecretPrefix { secret: "s".to_string() };
        let outputs = [out("USERNAME", every_key.clone()), out("PASSWORD", every_key.clone()), out("SASL_MECHANISM", every_key)];
        assert_eq!(for_kafka(&outputs), Ok(None), "envFrom: whether the Secret holds credentials is unknown");
        assert_eq!(for_kafka(&[]), Ok(None));
        let outputs = [out("PASSWORD", secret("pass")), out("SASL_MECHANISM", secret("mech"))];
        assert!(for_kafka(&outputs).unwrap_err().contains("comes from Secret `kafka-creds`"));
        assert!(for_kafka(&[out("PASSWORD", secret("pass"))]).unwrap_err().contains("no SASL mechanism"));
        assert!(for_kafka(&[out("SASL_MECHANISM", config("GSSAPI"))]).unwrap_err().contains("`GSSAPI`"));
        assert!(for_kafka(&[out("SASL_MECHANISM", config("PLAIN"))]).unwrap_err().contains("PASSWORD is in no Secret"));
    }
}
