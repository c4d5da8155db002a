//! The outputs of each binding kind (SPEC §4.1): the variables a cell reads,
//! `X07_BINDING_<NAME>_<OUTPUT>`. Upstream's reference apps read `..._DSN`, `..._URL`, `..._ENDPOINT`.

use crate::manifest::BindingKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputDecl {
    pub name: &'static str,
    /// A cell cannot work without it: a provider that gives no source for it is an error.
    pub required: bool,
    /// Credentials: never plain configuration.
    pub secret: bool,
}

const fn req(name: &'static str) -> OutputDecl {
    OutputDecl { name, required: true, secret: false }
}
const fn opt(name: &'static str) -> OutputDecl {
    OutputDecl { name, required: false, secret: false }
}
const fn cred(name: &'static str, required: bool) -> OutputDecl {
    OutputDecl { name, required, secret: true }
}

const SQL: &[OutputDecl] = &[req("DSN"), opt("HOST"), opt("PORT"), opt("DATABASE"), opt("USER"), cred("PASSWORD", false)];
const REDIS: &[OutputDecl] = &[req("URL")];
const KAFKA: &[OutputDecl] = &[req("BOOTSTRAP_SERVERS"), opt("USERNAME"), cred("PASSWORD", false), opt("SASL_MECHANISM")];
const AMQP: &[OutputDecl] = &[req("URL")];
const S3: &[OutputDecl] = &[req("ENDPOINT"), req("BUCKET"), cred("ACCESS_KEY", true), cred("SECRET_KEY", true), opt("REGION")];
const OTLP: &[OutputDecl] = &[req("ENDPOINT"), opt("PROTOCOL")];
const SQLITE: &[OutputDecl] = &[req("PATH")];

/// The declared outputs of a kind. `secret` bindings have none: their outputs are the keys
/// the profile lists.
pub fn of(kind: BindingKind) -> &'static [OutputDecl] {
    match kind {
        BindingKind::Postgres | BindingKind::Mysql => SQL,
        BindingKind::Redis => REDIS,
        BindingKind::Kafka => KAFKA,
        BindingKind::Amqp => AMQP,
        BindingKind::S3 => S3,
        BindingKind::Otlp => OTLP,
        BindingKind::Sqlite => SQLITE,
        BindingKind::Secret => &[],
    }
}

/// The declared output a profile key names, compared without case (`bootstrap_servers`
/// gives `BOOTSTRAP_SERVERS`).
pub fn named(kind: BindingKind, key: &str) -> Option<&'static OutputDecl> {
    of(kind).iter().find(|o| o.name.eq_ignore_ascii_case(key))
}

/// A name that reads as a credential (for keys of `secret` bindings given as plain config).
pub fn looks_secret(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    ["PASSWORD", "SECRET", "TOKEN", "PRIVATE", "CREDENTIAL", "ACCESS_KEY", "API_KEY", "APIKEY"].iter().any(|w| k.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_match_the_spec() {
        let names = |k| of(k).iter().map(|o| o.name).collect::<Vec<_>>();
        assert_eq!(names(BindingKind::Postgres), ["DSN", "HOST", "PORT", "DATABASE", "USER", "PASSWORD"]);
        assert_eq!(names(BindingKind::Kafka), ["BOOTSTRAP_SERVERS", "USERNAME", "PASSWORD", "SASL_MECHANISM"]);
        assert_eq!(named(BindingKind::Kafka, "bootstrap_servers").map(|o| o.name), Some("BOOTSTRAP_SERVERS"));
        assert!(named(BindingKind::Redis, "brokers").is_none());
        assert!(looks_secret("stripe_api_key") && !looks_secret("ENDPOINT"));
    }
}
