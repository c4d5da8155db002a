//! OCI/Docker image references, checked against the distribution/reference grammar:
//! `[domain "/"] path-component ("/" path-component)* [":" tag] ["@" digest]`.

/// The longest name (domain and path together) the grammar allows.
const NAME_MAX: usize = 255;
/// The longest tag the grammar allows.
const TAG_MAX: usize = 128;

pub fn check_image_reference(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("the image reference is empty".to_string());
    }
    if s.chars().any(char::is_whitespace) {
        return Err(format!("image reference `{s}` contains whitespace"));
    }
    let (name_and_tag, digest) = match s.split_once('@') {
        Some((before, after)) => (before, Some(after)),
        None => (s, None),
    };
    // The tag colon is the one after the last slash; earlier colons belong to a registry port.
    let last_part_start = name_and_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_and_tag[last_part_start..].find(':') {
        Some(i) => name_and_tag.split_at(last_part_start + i),
        None => (name_and_tag, ""),
    };
    check_name(name)?;
    if let Some(tag) = tag.strip_prefix(':') {
        check_tag(tag)?;
    }
    if let Some(digest) = digest {
        check_digest(digest)?;
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the image reference has no repository name".to_string());
    }
    if name.len() > NAME_MAX {
        let n = name.len();
        return Err(format!(
            "the image name is {n} characters long, over the {NAME_MAX} allowed"
        ));
    }
    // As docker's splitDockerDomain: the first part is a registry only if it looks like a host.
    // (Upper case alone does not make it one here; `Acme/orders` is read as a bad repository.)
    match name.split_once('/') {
        Some((first, path)) if first.contains(['.', ':']) || first == "localhost" => {
            check_domain(first)?;
            if path.is_empty() {
                return Err(format!(
                    "image name `{name}` has no repository after the registry"
                ));
            }
            check_path(name, path)
        }
        _ => check_path(name, name),
    }
}

fn check_domain(domain: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("registry `{domain}` {why}"));
    let (host, port) = if let Some(bracketed) = domain.strip_prefix('[') {
        let Some((address, rest)) = bracketed.split_once(']') else {
            return bad("has an unclosed `[`");
        };
        if address.is_empty() || !address.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
            return bad("has an invalid IPv6 address");
        }
        match rest.strip_prefix(':') {
            Some(port) => (None, Some(port)),
            None if rest.is_empty() => (None, None),
            None => return bad("has unexpected text after the IPv6 address"),
        }
    } else {
        match domain.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(domain), None),
        }
    };
    if let Some(host) = host {
        for label in host.split('.') {
            let alnum_ends = label.starts_with(|c: char| c.is_ascii_alphanumeric())
                && label.ends_with(|c: char| c.is_ascii_alphanumeric());
            if !alnum_ends || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return bad("is not a valid host name");
            }
        }
    }
    match port {
        Some(port) if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) => {
            bad("has a port that is not a number")
        }
        _ => Ok(()),
    }
}

fn check_path(name: &str, path: &str) -> Result<(), String> {
    if path.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!("repository `{path}` must be lower case"));
    }
    if path.starts_with('/') || path.ends_with('/') || path.contains("//") {
        return Err(format!(
            "image name `{name}` has an empty path part (a stray `/`)"
        ));
    }
    path.split('/').try_for_each(check_path_component)
}

fn check_path_component(part: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
    if let Some(c) = part.chars().find(|&c| !allowed(c)) {
        return Err(format!(
            "path component `{part}` contains `{c}`, which is not allowed"
        ));
    }
    let alnum = |c: char| c.is_ascii_alphanumeric();
    if !part.starts_with(alnum) || !part.ends_with(alnum) {
        return Err(format!(
            "path component `{part}` must start and end with a letter or digit"
        ));
    }
    // Letters and digits may be joined by `.`, `_`, `__` or any run of dashes, nothing else.
    for sep in part.split(alnum).filter(|sep| !sep.is_empty()) {
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-')) {
            return Err(format!(
                "path component `{part}` has the separator `{sep}`, which is not allowed"
            ));
        }
    }
    Ok(())
}

fn check_tag(tag: &str) -> Result<(), String> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if tag.is_empty() {
        return Err("the tag after `:` is empty".to_string());
    }
    if tag.len() > TAG_MAX {
        let n = tag.len();
        return Err(format!(
            "tag is {n} characters long, more than the {TAG_MAX} allowed"
        ));
    }
    if !tag.starts_with(word) {
        return Err(format!(
            "tag `{tag}` must start with a letter, digit or `_`"
        ));
    }
    if let Some(c) = tag.chars().find(|&c| !(word(c) || c == '.' || c == '-')) {
        return Err(format!("tag `{tag}` contains `{c}`, which is not allowed"));
    }
    Ok(())
}

fn check_digest(digest: &str) -> Result<(), String> {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return Err(format!("digest `{digest}` must look like `algorithm:hex`"));
    };
    let lower_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let algorithm_part = |p: &str| !p.is_empty() && p.bytes().all(lower_alnum);
    if !algorithm.split(['+', '.', '_', '-']).all(algorithm_part) {
        return Err(format!("digest algorithm `{algorithm}` is not valid"));
    }
    let encoded_char = |c: char| c.is_ascii_alphanumeric() || "=_-".contains(c);
    if encoded.is_empty() || !encoded.chars().all(encoded_char) {
        return Err(format!("digest `{digest}` has an invalid encoded part"));
    }
    // The registered algorithms pin the length and the alphabet of the hex part.
    let hex_len = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        _ => return Ok(()),
    };
    let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if encoded.len() != hex_len || !encoded.bytes().all(lower_hex) {
        return Err(format!(
            "a {algorithm} digest must be {hex_len} lower-case hex characters, not `{encoded}`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(n: usize) -> String {
        "0123456789abcdef".chars().cycle().take(n).collect()
    }

    #[test]
    fn accepts_valid_references() {
        let (sha, long_tag) = (hex(64), "t".repeat(128));
        let good = [
            "nginx".to_string(),
            "library/nginx:latest".into(),
            "ghcr.io/acme/orders:1.4.2".into(),
            format!("ghcr.io/acme/orders-worker@sha256:{sha}"),
            format!("ghcr.io/acme/orders:1.4.2@sha256:{sha}"),
            format!("nginx@sha512:{}", hex(128)),
            "localhost:5000/app:dev".into(),
            "localhost/app".into(),
            "registry.example.com:443/team/app_x:v1.0-rc.1".into(),
            "[::1]:5000/app".into(),
            "[fe80::1]/app:1".into(),
            "Registry.Example.com/app".into(), // host names may be upper case
            "a.b".into(),                      // one path component with a dot
            "a__b/c---d/e.f_g:_tag".into(),
            format!("app:{long_tag}"),
            "x@sha384+b64:AbC=_-".into(), // unregistered algorithms: grammar only
            // 255 characters, counting the domain together with the path.
            format!("ghcr.io/{}", "a".repeat(NAME_MAX - 8)),
        ];
        for s in &good {
            assert_eq!(check_image_reference(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn rejects_invalid_references_with_a_telling_message() {
        let sha = hex(64);
        #[rustfmt::skip]
        let bad: Vec<(String, &str)> = vec![
            ("".into(), "the image reference is empty"),
            ("nginx latest".into(), "whitespace"), (" nginx".into(), "whitespace"),
            ("nginx\t".into(), "whitespace"),
            ("Acme/orders".into(), "repository `Acme/orders` must be lower case"),
            ("ghcr.io/Acme/Orders".into(), "repository `Acme/Orders` must be lower case"),
            ("Nginx".into(), "lower case"),
            ("ghcr.io/acme/".into(), "stray `/`"), ("a//b".into(), "stray `/`"),
            ("/a".into(), "stray `/`"),
            ("ghcr.io/".into(), "no repository"), (":tag".into(), "no repository"),
            ("a..b".into(), "separator `..`"), ("a___b".into(), "separator `___`"),
            ("a.-b".into(), "separator `.-`"),
            ("-a".into(), "start and end"), ("a_".into(), "start and end"),
            ("a$b".into(), "contains `$`"),
            ("-bad.io/app".into(), "host name"), ("bad..io/app".into(), "host name"),
            ("bad_io.com/app".into(), "host name"),
            ("localhost:port/app".into(), "port"), ("localhost:/app".into(), "port"),
            ("[::1/app".into(), "unclosed"), ("[]:5000/app".into(), "IPv6"),
            ("[::g]/app".into(), "IPv6"), ("[::1]x/app".into(), "after the IPv6"),
            ("orders:".into(), "the tag after `:` is empty"),
            ("orders:-bad".into(), "must start with"), ("orders:.bad".into(), "must start with"),
            ("orders:a+b".into(), "contains `+`"), ("orders:1:2".into(), "contains `:`"),
            (format!("app:{}", "t".repeat(129)), "129 characters"),
            ("orders@sha256:abc".into(), "a sha256 digest must be 64 lower-case hex characters, not `abc`"),
            (format!("orders@sha256:{}", sha.to_uppercase()), "lower-case hex"),
            (format!("orders@sha256:{sha}0"), "64 lower-case"),
            (format!("orders@sha512:{sha}"), "128 lower-case"),
            ("orders@".into(), "algorithm:hex"), ("orders@sha256".into(), "algorithm:hex"),
            ("orders@SHA256:abc".into(), "algorithm"), ("orders@sha__256:abc".into(), "algorithm"),
            ("orders@md5:".into(), "encoded part"), ("orders@md5:a@b".into(), "encoded part"),
            (format!("ghcr.io/{}:tag", "a".repeat(NAME_MAX - 7)), "256 characters"),
        ];
        for (s, expected) in &bad {
            let e = check_image_reference(s).expect_err(s);
            assert!(
                e.contains(expected),
                "`{s}`: got `{e}`, wanted `{expected}`"
            );
            // One lower-case sentence without a trailing period.
            assert!(
                !e.ends_with('.') && !e.starts_with(|c: char| c.is_ascii_uppercase()),
                "{e}"
            );
        }
    }
}
