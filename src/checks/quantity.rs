//! Kubernetes resource quantities, as `k8s.io/apimachinery` `resource.Quantity` reads them:
//! a signed decimal number followed by a binary (`Ki`..`Ei`), decimal (`m`, `k`..`E`)
//! or exponent (`e3`, `E-3`) suffix.

/// A Kubernetes quantity, kept as written, with its value for comparisons.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub text: String,
    /// the value in base units (cores, bytes) as f64
    pub value: f64,
}

/// Parses a quantity for a resource request or limit: the grammar above, and not negative.
pub fn parse_quantity(s: &str) -> Result<Quantity, String> {
    if s.is_empty() {
        return Err("the quantity is empty".to_string());
    }
    let fail = |why: String| format!("`{s}` is not a Kubernetes quantity: {why}");
    // Interior whitespace is reported by the suffix check below, with a more telling message.
    if s.trim() != s {
        return Err(fail("it has leading or trailing whitespace".to_string()));
    }

    let (negative, unsigned) = match s.as_bytes()[0] {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let (int_part, frac_part, suffix) = split_number(unsigned);
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(fail("it must start with a number".to_string()));
    }
    // Rebuild the number in a form Rust's float parser always accepts ("5." and ".5" included).
    let mantissa = format!(
        "{}.{}",
        if int_part.is_empty() { "0" } else { int_part },
        if frac_part.is_empty() { "0" } else { frac_part }
    );

    let value = match suffix {
        "Ki" => binary(&mantissa, 1),
        "Mi" => binary(&mantissa, 2),
        "Gi" => binary(&mantissa, 3),
        "Ti" => binary(&mantissa, 4),
        "Pi" => binary(&mantissa, 5),
        "Ei" => binary(&mantissa, 6),
        "m" => decimal(&mantissa, -3),
        "" => decimal(&mantissa, 0),
        "k" => decimal(&mantissa, 3),
        "M" => decimal(&mantissa, 6),
        "G" => decimal(&mantissa, 9),
        "T" => decimal(&mantissa, 12),
        "P" => decimal(&mantissa, 15),
        "E" => decimal(&mantissa, 18),
        _ if suffix.len() > 1 && (suffix.starts_with('e') || suffix.starts_with('E')) => {
            decimal(&mantissa, parse_exponent(&suffix[1..]).map_err(fail)?)
        }
        _ => return Err(fail(format!("unexpected `{suffix}` after the number"))),
    };

    if !value.is_finite() {
        return Err(fail("it is too large".to_string()));
    }
    // `-0` is zero, not negative, so only a non-zero value with a minus sign is refused.
    if negative && value != 0.0 {
        return Err(format!(
            "`{s}` is negative; requests and limits must be zero or more"
        ));
    }
    Ok(Quantity {
        text: s.to_string(),
        value,
    })
}

/// Splits `digits[.digits]` off the front, returning (integer digits, fraction digits, rest).
fn split_number(s: &str) -> (&str, &str, &str) {
    let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
    let (int_part, rest) = s.split_at(int_len);
    match rest.strip_prefix('.') {
        Some(after_dot) => {
            let frac_len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            let (frac_part, suffix) = after_dot.split_at(frac_len);
            (int_part, frac_part, suffix)
        }
        None => (int_part, "", rest),
    }
}

/// The exponent after `e`/`E`: an optionally signed whole number. The grammar says
/// <signedNumber>, but apimachinery reads it with ParseInt, so fractions are refused.
fn parse_exponent(text: &str) -> Result<i32, String> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the exponent `{text}` must be a whole number"));
    }
    text.parse::<i32>()
        .map_err(|_| format!("the exponent `{text}` is out of range"))
}

/// Lets the float parser scale by a power of ten, so `0.1k` is exactly as close as `100`.
fn decimal(mantissa: &str, exponent: i32) -> f64 {
    format!("{mantissa}e{exponent}").parse().unwrap_or(f64::NAN)
}

/// Scaling by a power of two is exact in binary floating point.
fn binary(mantissa: &str, power_of_1024: i32) -> f64 {
    mantissa.parse::<f64>().unwrap_or(f64::NAN) * 2f64.powi(10 * power_of_1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> f64 {
        match parse_quantity(s) {
            Ok(q) => {
                assert_eq!(q.text, s, "the text is kept as written");
                q.value
            }
            Err(e) => panic!("`{s}` should parse, got: {e}"),
        }
    }

    fn error(s: &str) -> String {
        match parse_quantity(s) {
            Ok(q) => panic!("`{s}` should be rejected, got {q:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn plain_and_decimal_si_numbers() {
        assert_eq!(value("1"), 1.0);
        assert_eq!(value("0"), 0.0);
        assert_eq!(value("0.5"), 0.5);
        assert_eq!(value("250m"), 0.25);
        assert_eq!(value("100k"), 100_000.0);
        assert_eq!(value("2M"), 2e6);
        assert_eq!(value("3G"), 3e9);
        assert_eq!(value("1T"), 1e12);
        assert_eq!(value("1P"), 1e15);
        assert_eq!(value("1E"), 1e18); // upper-case E alone is exa, not an exponent
        assert_eq!(value("0.1k"), 100.0);
    }

    #[test]
    fn binary_si_suffixes() {
        assert_eq!(value("1Ki"), 1024.0);
        assert_eq!(value("512Mi"), 512.0 * 1024.0 * 1024.0);
        assert_eq!(value("1Gi"), 1024f64.powi(3));
        assert_eq!(value("1.5Gi"), 1.5 * 1024f64.powi(3));
        assert_eq!(value("1Ti"), 1024f64.powi(4));
        assert_eq!(value("1Pi"), 1024f64.powi(5));
        assert_eq!(value("1Ei"), 1024f64.powi(6));
    }

    #[test]
    fn decimal_exponents() {
        assert_eq!(value("1e3"), 1000.0);
        assert_eq!(value("1E3"), 1000.0);
        assert_eq!(value("1e-3"), 0.001);
        assert_eq!(value("1E-3"), 0.001);
        assert_eq!(value("2e+2"), 200.0);
        assert_eq!(value("1.5e0"), 1.5);
    }

    #[test]
    fn number_forms_and_signs() {
        assert_eq!(value("+1"), 1.0);
        assert_eq!(value(".5"), 0.5);
        assert_eq!(value("5."), 5.0);
        assert_eq!(value("5.m"), 0.005);
        assert_eq!(value("007"), 7.0);
        assert_eq!(value("-0"), 0.0); // zero with a sign is still zero
    }

    #[test]
    fn rejects_empty_and_whitespace() {
        assert_eq!(error(""), "the quantity is empty");
        assert!(error(" 1").contains("whitespace"));
        assert!(error("1 ").contains("whitespace"));
        assert_eq!(
            error("2 cores"),
            "`2 cores` is not a Kubernetes quantity: unexpected ` cores` after the number"
        );
        assert!(error("1 Gi").contains("unexpected ` Gi`"));
    }

    #[test]
    fn rejects_negative_values() {
        assert_eq!(
            error("-1"),
            "`-1` is negative; requests and limits must be zero or more"
        );
        assert!(error("-250m").contains("negative"));
        assert!(error("-1e3").contains("negative"));
    }

    #[test]
    fn rejects_unknown_suffixes() {
        for s in [
            "2cores", "1gb", "1GB", "1KiB", "1ki", "1K", "1mi", "1b", "1Gii",
        ] {
            assert!(error(s).contains("unexpected"), "{s}: {}", error(s));
        }
    }

    #[test]
    fn rejects_malformed_numbers() {
        for s in ["+", "-", ".", "e5", "E5", "Gi", "m", "+.", "--1", "+-1"] {
            assert!(
                error(s).contains("must start with a number"),
                "{s}: {}",
                error(s)
            );
        }
        assert!(error("1.2.3").contains("unexpected `.3`"));
        assert!(error("1e").contains("unexpected `e`")); // `e` needs an exponent
    }

    #[test]
    fn rejects_bad_exponents() {
        assert!(error("1e1.5").contains("whole number"));
        assert!(error("1e+").contains("whole number"));
        assert!(error("1e3m").contains("whole number"));
        assert!(error("1e99999999999").contains("out of range"));
        assert!(error("1e400").contains("too large"));
    }

    #[test]
    fn errors_are_one_lower_case_sentence() {
        for s in ["", "x", "-1", "1e400", "1e1.5", " 1"] {
            let e = error(s);
            assert!(!e.ends_with('.'), "{e}");
            assert!(!e.starts_with(|c: char| c.is_ascii_uppercase()), "{e}");
        }
    }
}
