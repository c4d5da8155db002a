//! Time zones as Kubernetes' CronJob `timeZone` takes them: IANA names, case-sensitive,
//! and never `Local` (which would mean the controller's own zone).

use std::str::FromStr;

pub fn check_timezone(name: &str) -> Result<(), (String, String)> {
    if name.eq_ignore_ascii_case("local") {
        return Err((
            format!("`{name}` means the zone of whichever machine runs the controller"),
            "name the zone explicitly, e.g. \"UTC\" or \"Europe/Berlin\"".to_string(),
        ));
    }
    if chrono_tz::Tz::from_str(name).is_ok() {
        return Ok(());
    }
    let same_but_case = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).find(|n| n.eq_ignore_ascii_case(name));
    Err(match same_but_case {
        Some(right) => (
            format!("`{name}` is not an IANA time zone name: names are case-sensitive"),
            format!("write \"{right}\""),
        ),
        None => (
            format!("`{name}` is not an IANA time zone name"),
            format!(
                "{}use a name from the tz database, e.g. \"UTC\" or \"America/New_York\"",
                crate::suggest::did_you_mean(name, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()))
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_iana_names_only() {
        for ok in ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "US/Eastern"] {
            assert!(check_timezone(ok).is_ok(), "{ok}");
        }
        assert!(check_timezone("europe/berlin").unwrap_err().1.contains("Europe/Berlin"));
        assert!(check_timezone("Local").is_err());
        assert!(check_timezone("Mars/Olympus").is_err());
        assert!(check_timezone("").is_err());
    }
}
