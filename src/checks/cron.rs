//! Checks a `CronJob` `spec.schedule` the way the Kubernetes API server does:
//! robfig/cron v3 `ParseStandard` (five fields or a descriptor), plus the
//! rule that time zones go in `spec.timeZone`, never in the schedule.

/// Why a cron expression is not one Kubernetes accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronError {
    /// One sentence, lower-case start, no trailing period, e.g. "minute value 61 is out of range 0-59".
    pub message: String,
    /// What to do, one sentence, e.g. "use a minute between 0 and 59".
    pub hint: String,
}

fn fail<T>(message: String, hint: impl Into<String>) -> Result<T, CronError> {
    let hint = hint.into();
    Err(CronError { message, hint })
}

/// One of the five schedule fields: name, min, max, and the names it accepts
/// (in value order starting at min; empty if the field has none).
struct Field(&'static str, u64, u64, &'static [&'static str]);

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FIELDS: [Field; 5] = [
    Field("minute", 0, 59, &[]),
    Field("hour", 0, 23, &[]),
    Field("day of month", 1, 31, &[]),
    Field("month", 1, 12, MONTHS),        // names map to 1..=12
    Field("day of week", 0, 6, WEEKDAYS), // names map to 0..=6
];

impl Field {
    fn hint(&self) -> String {
        let Field(name, min, max, _) = self;
        let named = match *name {
            "month" => " or a name JAN-DEC",
            "day of week" => " or a name SUN-SAT (Sunday is 0; 7 is not accepted)",
            _ => "",
        };
        format!("use a {name} between {min} and {max}{named}")
    }

    /// A single value: a name (if the field has names) or a number within bounds.
    fn value(&self, text: &str) -> Result<u64, CronError> {
        let Field(name, min, max, names) = self;
        // Go's strings.ToLower maps U+0130 'İ' to plain 'i', so robfig takes "FRİ" as Friday.
        let lower = text.replace('\u{130}', "i").to_ascii_lowercase();
        if let Some(i) = names.iter().position(|n| *n == lower) {
            return Ok(min + i as u64);
        }
        let kind = if names.is_empty() {
            "a number"
        } else {
            "a number or name"
        };
        match go_atoi(text) {
            None => fail(
                format!("{name} value \"{text}\" is not {kind}"),
                self.hint(),
            ),
            Some(n) if n < *min || n > *max => {
                let message = format!("{name} value {text} is out of range {min}-{max}");
                fail(message, self.hint())
            }
            Some(n) => Ok(n),
        }
    }

    /// One comma-separated item: `*`, `?`, `a` or `a-b`, each optionally followed by `/step`.
    fn check_item(&self, item: &str) -> Result<(), CronError> {
        let name = self.0;
        let (range, step) = split_once_opt(item, '/');
        let (start_text, end_text) = split_once_opt(range, '-');
        // Extra '/' or '-' end up in the step or end text, which then fail as numbers.
        // robfig ignores whatever follows "*-" or "?-", so it accepts "*-5" (as "*");
        // we match that rather than be stricter.
        if start_text != "*" && start_text != "?" {
            let start = self.value(start_text)?;
            // "a/n" runs from a to the field's max, so only an explicit "a-b" can be reversed.
            let end = end_text.map_or(Ok(start), |text| self.value(text))?;
            if start > end {
                let message = format!("{name} range \"{range}\" starts after it ends");
                let hint = "write the smaller value first, e.g. 1-5 (ranges do not wrap)";
                return fail(message, hint);
            }
        }
        match step.map(|s| (s, go_atoi(s))) {
            Some((s, None)) => {
                let message = format!("{name} step \"{s}\" in \"{item}\" is not a number");
                fail(message, "use a whole-number step, e.g. */15")
            }
            Some((s, Some(0))) => {
                let message = format!("{name} step {s} in \"{item}\" must be at least 1");
                fail(message, "use a step of 1 or more, e.g. */15")
            }
            _ => Ok(()),
        }
    }
}

/// Splits `text` at the first `sep`, if any.
fn split_once_opt(text: &str, sep: char) -> (&str, Option<&str>) {
    text.split_once(sep)
        .map_or((text, None), |(a, b)| (a, Some(b)))
}

/// Go's `strconv.Atoi` as robfig uses it: an optional '+', ASCII digits, and a value
/// that fits in an int64. A '-' is refused: robfig splits ranges on it and rejects
/// negative steps (and "-0" is a zero step, also rejected).
fn go_atoi(text: &str) -> Option<u64> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse()
        .ok()
        .filter(|&n: &u64| i64::try_from(n).is_ok())
}

/// Go's `time.ParseDuration` in nanoseconds; `None` wherever Go returns an error.
fn go_parse_duration(text: &str) -> Option<i128> {
    const LIMIT: u64 = 1 << 63;
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0); // Go allows a bare zero without a unit
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let (int_part, after) = rest.split_at(digits(rest));
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(after) => after.split_at(digits(after)),
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None; // e.g. "x", ".s"
        }
        // The unit runs up to the next digit or '.', so "1h " has unit "h " and fails.
        let unit_len = after.find(|c: char| c == '.' || c.is_ascii_digit());
        let (unit, after) = after.split_at(unit_len.unwrap_or(after.len()));
        let scale: u64 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None, // missing or unknown unit
        };
        let mut whole: u64 = 0;
        for d in int_part.bytes().map(|b| u64::from(b - b'0')) {
            whole = whole.checked_mul(10)?.checked_add(d)?;
        }
        // Go fails once the digits pass 2^63 or the product would.
        if whole > LIMIT / scale {
            return None;
        }
        whole *= scale;
        // Like Go, keep fraction digits until they would overflow, then convert through f64.
        let (mut frac, mut frac_scale) = (0u64, 1f64);
        for d in frac_part.bytes().map(|b| u64::from(b - b'0')) {
            if frac > (LIMIT - 1) / 10 || frac * 10 + d > LIMIT {
                break;
            }
            frac = frac * 10 + d;
            frac_scale *= 10.0;
        }
        whole += (frac as f64 * (scale as f64 / frac_scale)) as u64;
        total = total.checked_add(whole).filter(|&t| t <= LIMIT)?;
        rest = after;
    }
    match negative {
        true => Some(-i128::from(total)),
        false => (total < LIMIT).then_some(i128::from(total)),
    }
}

const DESCRIPTORS: &str = "@yearly @annually @monthly @weekly @daily @midnight @hourly";

/// A schedule starting with '@'; robfig compares descriptors exactly (case and spacing).
fn check_descriptor(expr: &str) -> Result<(), CronError> {
    if DESCRIPTORS.split(' ').any(|d| d == expr) {
        return Ok(());
    }
    let Some(duration) = expr.strip_prefix("@every ") else {
        if expr.starts_with("@every") {
            let hint = "write @every, one space and a duration, e.g. @every 1h30m";
            return fail(format!("descriptor \"{expr}\" has no duration"), hint);
        }
        let hint = format!("use one of {DESCRIPTORS} (lower-case) or @every <duration>");
        return fail(format!("descriptor \"{expr}\" is not recognized"), hint);
    };
    match go_parse_duration(duration) {
        None => {
            let message = format!("@every duration \"{duration}\" is not a valid Go duration");
            let hint = "write a duration such as 90s, 1h30m or 1.5h (units ns, us, ms, s, m, h)";
            fail(message, hint)
        }
        // robfig itself accepts zero and negative durations (and rounds them up to one
        // second); we reject them because they can only be a mistake.
        Some(ns) if ns <= 0 => {
            let message = format!("@every duration \"{duration}\" is not positive");
            fail(message, "use a positive duration, e.g. @every 1h")
        }
        Some(_) => Ok(()),
    }
}

/// Checks `expr` as Kubernetes checks a `CronJob` `spec.schedule`.
///
/// # Errors
/// Returns a [`CronError`] saying what is wrong (naming the field and text) and how to fix it.
pub fn check_cron(expr: &str) -> Result<(), CronError> {
    if expr.is_empty() {
        let hint = "write five fields such as \"0 * * * *\" or a descriptor such as @hourly";
        return fail("schedule is empty".into(), hint);
    }
    // Kubernetes rejects any schedule containing "TZ" (not only the TZ=/CRON_TZ= prefixes).
    if expr.contains("TZ") {
        let hint = "remove it and set the CronJob's spec.timeZone field instead, e.g. \"Etc/UTC\"";
        if expr.starts_with("TZ=") || expr.starts_with("CRON_TZ=") {
            let prefix = expr.split_whitespace().next().unwrap_or(expr);
            let message = format!("time zone prefix \"{prefix}\" is not allowed here");
            return fail(message, hint);
        }
        let message = format!("schedule \"{expr}\" contains \"TZ\", kept for time zones");
        return fail(message, hint);
    }
    // Only a '@' at the very start makes a descriptor, as in robfig.
    if expr.starts_with('@') {
        return check_descriptor(expr);
    }
    // Rust's and Go's notions of whitespace are the same Unicode White_Space set.
    let parts: Vec<&str> = expr.split_whitespace().collect();
    if parts.len() != FIELDS.len() {
        let hint = if parts.len() > FIELDS.len() {
            "remove the extra fields: Kubernetes schedules have no seconds or year field"
        } else {
            "write minute, hour, day of month, month and day of week, e.g. \"0 * * * *\""
        };
        let (found, expr) = (parts.len(), expr.trim());
        let message = format!("expected 5 fields but found {found} in \"{expr}\"");
        return fail(message, hint);
    }
    for (text, field) in parts.iter().zip(FIELDS.iter()) {
        // robfig drops empty list items, so "1,,2" and even a lone "," are accepted.
        for item in text.split(',').filter(|item| !item.is_empty()) {
            field.check_item(item)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case is separated by " | " so that the lists stay compact.
    fn cases(list: &str) -> impl Iterator<Item = &str> {
        list.split(" | ")
    }

    #[test]
    fn accepts_valid_schedules() {
        let valid = "0 */6 * * * | */15 9-17 * * MON-FRI | 0 0 1 JAN,JUL ? | * * * * * \
            | 59 23 31 12 6 | 0 0 * * sun | 0 0 * jan-Dec Sat | 1-30/5 * * * * | 5/10 * * * * \
            | 0 0 1/2 */3 1-5/2 | 0,15,30,45 * * * * | 0 0 31 2 * | */100 * * * * |  0\t0  * * *  ";
        // robfig quirks: Go's Atoi takes a '+', empty list items are dropped, text after
        // "*-" is ignored, and Go lower-cases 'İ' to 'i'.
        let quirks =
            "+5 * * * * | 1,,2 * * * * | , * * * * | *-5 * * * * | ?-x * * * * | 0 0 * * FRİ";
        let durations = "1h30m 90s 1.5h 300ms 1ns 2us 3µs 4μs .5s 1.s +1m 1h1m1s 2562047h";
        let mut all: Vec<String> = cases(valid).map(String::from).collect();
        all.extend(cases(quirks).map(String::from));
        all.extend(DESCRIPTORS.split(' ').map(String::from));
        all.extend(durations.split(' ').map(|d| format!("@every {d}")));
        for expr in all {
            assert_eq!(check_cron(&expr), Ok(()), "{expr:?}");
        }
    }

    #[test]
    fn reports_field_and_value() {
        let e = check_cron("61 * * * *").unwrap_err();
        assert_eq!(e.message, "minute value 61 is out of range 0-59");
        assert_eq!(e.hint, "use a minute between 0 and 59");
        let hint = check_cron("* * * * 7").unwrap_err().hint;
        assert!(hint.contains("Sunday is 0"), "{hint}");
        for (expr, expected) in [
            ("0 24 * * *", "hour value 24 is out of range 0-23"),
            ("* * 0 * *", "day of month value 0 is out of range 1-31"),
            ("* * * 13 *", "month value 13 is out of range 1-12"),
            ("* * * * 7", "day of week value 7 is out of range 0-6"),
            ("5-1 * * * *", "minute range \"5-1\" starts after it ends"),
            ("*/0 * * * *", "minute step 0 in \"*/0\" must be at least 1"),
            ("a * * * *", "minute value \"a\" is not a number"),
            ("0 0 * FOO *", "month value \"FOO\" is not a number or name"),
            (
                "0 0 * * * *",
                "expected 5 fields but found 6 in \"0 0 * * * *\"",
            ),
            (
                "CRON_TZ=UTC 0 * * * *",
                "time zone prefix \"CRON_TZ=UTC\" is not allowed here",
            ),
            ("@every 0s", "@every duration \"0s\" is not positive"),
            (
                "@every 1x",
                "@every duration \"1x\" is not a valid Go duration",
            ),
            ("@often", "descriptor \"@often\" is not recognized"),
            ("@every", "descriptor \"@every\" has no duration"),
            ("", "schedule is empty"),
            ("1 2 3", "expected 5 fields but found 3 in \"1 2 3\""),
        ] {
            let e = check_cron(expr).unwrap_err();
            assert_eq!(e.message, expected);
            // Both parts are one sentence with a lower-case start and no trailing period.
            for text in [&e.message, &e.hint] {
                let lower_start = text.starts_with(|c: char| !c.is_uppercase());
                assert!(lower_start && !text.ends_with('.'), "{text}");
            }
        }
    }

    #[test]
    fn rejects_bad_fields() {
        let invalid = "0 0 * * * * | 0 0 * * | 70/5 * * * * | 0 0 * * 1-7 | 0 0 * * MON-SUN \
            | 0 0 * DEC-JAN * | */5/2 * * * * | 1-2-3 * * * * | -5 * * * * | 5- * * * * | 0--0 * * * * \
            | /5 * * * * | */x * * * * | */-1 * * * * | */-0 * * * * | 1.5 * * * * | 0 0 * * MONDAY \
            | 99999999999999999999 * * * * | 0 0 * * L | 0 0 ? * 1#2 |  @hourly | @hourly *";
        for expr in cases(invalid).chain(["", "   "]) {
            assert!(check_cron(expr).is_err(), "{expr:?} should be rejected");
        }
    }

    #[test]
    fn rejects_time_zones() {
        let zoned = "TZ=UTC 0 * * * * | CRON_TZ=UTC 0 * * * * | CRON_TZ=Europe/Paris @daily \
            | TZ=UTC | *-TZ * * * *";
        for expr in cases(zoned) {
            let e = check_cron(expr).unwrap_err();
            assert!(e.message.contains("TZ"), "{expr}");
            assert!(e.hint.contains("timeZone"), "{expr}");
        }
    }

    #[test]
    fn rejects_bad_descriptors() {
        let invalid =
            "@every | @every  | @every 0s | @every 0 | @every -1h | @every -0s | @every 1x \
            | @every 10 | @every 1d | @every 1h  | @every  1h | @every 1 h | @every .s | @ \
            | @every 0.0000000001s | @every 2562048h | @every 99999999999999999999ns | @often \
            | @HOURLY | @Daily | @hourly  | @reboot";
        for expr in cases(invalid) {
            assert!(check_cron(expr).is_err(), "{expr:?} should be rejected");
        }
    }

    #[test]
    fn go_durations_match_go() {
        for (text, nanos) in [
            ("1h30m", Some(5_400_000_000_000)),
            ("1.5h", Some(5_400_000_000_000)),
            ("300ms", Some(300_000_000)),
            ("-2s", Some(-2_000_000_000)),
            ("9223372036854775807ns", Some(i64::MAX.into())),
            ("9223372036854775808ns", None),
            ("-9223372036854775808ns", Some(i64::MIN.into())),
            ("1..5s", None),
        ] {
            assert_eq!(go_parse_duration(text), nanos, "{text}");
        }
    }
}
