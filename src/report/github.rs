//! GitHub Actions workflow commands (`::error file=F,line=L,col=C,title=T::message`), so a
//! workflow step running `x07-topo check --format github` annotates the pull request.

use crate::diagnostics::{Diagnostic, Severity};

/// One workflow command per diagnostic, in the order given.
pub fn render(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let level = match d.code.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if !d.file.is_empty() {
            props.push(format!("file={}", property(&d.file)));
        }
        if let Some(line) = d.line {
            props.push(format!("line={line}"));
        }
        if let Some(column) = d.column {
            props.push(format!("col={column}"));
        }
        props.push(format!("title={}", property(&format!("{} {}", d.code.id, d.code.name))));
        let mut message = d.message.clone();
        if !d.pointer.is_empty() {
            message.push_str(&format!(" (at {})", d.pointer));
        }
        if !d.hint.is_empty() {
            message.push_str(&format!("\nhint: {}", d.hint));
        }
        out.push_str(&format!("::{level} {}::{}\n", props.join(","), data(&message)));
    }
    out
}

/// The message of a workflow command: `%`, CR and LF escaped (the runner's `escapeData`).
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which end it (the runner's `escapeProperty`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::codes;

    #[test]
    fn values_are_escaped_as_the_runner_reads_them() {
        let mut d = Diagnostic::about_file(&codes::ARCHETYPE_RULE, "a,b:c.json", "50% of\r\nit", "do: this, then that");
        d.line = Some(3);
        d.column = Some(7);
        d.pointer = "/cells/0".to_string();
        assert_eq!(
            render(&[d]),
            "::warning file=a%2Cb%3Ac.json,line=3,col=7,title=XT122 archetype-rule::50%25 of%0D%0Ait (at /cells/0)%0Ahint: do: this, then that\n"
        );
    }

    #[test]
    fn a_diagnostic_about_no_file_has_only_a_title() {
        let d = Diagnostic::about_file(&codes::USAGE, "", "bad", "");
        assert_eq!(render(&[d]), "::error title=XT902 usage::bad\n");
    }
}
