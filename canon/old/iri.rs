//! A strict check for absolute IRIs (RFC 3987), stricter than the RFC: it
//! accepts only what every processor reads the same way and what N-Quads
//! writes without escaping. Anything it refuses sends the document to the
//! full processor.

/// `true` if `s` is an absolute IRI of the safe subset: a scheme, an optional
/// authority (a registered name, no IP literal, a numeric port), a path, a
/// query and a fragment made of unreserved characters, sub-delimiters,
/// `:` `@` `/` `?`, well-formed percent-encodings and the `ucschar` ranges.
pub(crate) fn is_absolute_iri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s.as_bytes()[..colon];
    match scheme.first() {
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    if !scheme
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
    {
        return false;
    }
    let rest = &s[colon + 1..];
    let (rest, fragment) = match rest.find('#') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if let Some(f) = fragment {
        if !chars_ok(f, |c| is_pchar(c) || c == '/' || c == '?') {
            return false;
        }
    }
    let (hier, query) = match rest.find('?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if let Some(q) = query {
        if !chars_ok(q, |c| is_pchar(c) || c == '/' || c == '?') {
            return false;
        }
    }
    if let Some(after) = hier.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        let (authority, path) = after.split_at(end);
        authority_ok(authority) && chars_ok(path, |c| is_pchar(c) || c == '/')
    } else {
        chars_ok(hier, |c| is_pchar(c) || c == '/')
    }
}

fn authority_ok(authority: &str) -> bool {
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    if let Some(u) = userinfo {
        if !chars_ok(u, |c| is_unreserved(c) || is_sub_delim(c) || c == ':') {
            return false;
        }
    }
    if hostport.starts_with('[') {
        return false;
    }
    let (host, port) = match hostport.find(':') {
        Some(i) => (&hostport[..i], Some(&hostport[i + 1..])),
        None => (hostport, None),
    };
    if let Some(p) = port {
        if !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    chars_ok(host, |c| is_unreserved(c) || is_sub_delim(c))
}

/// Every character satisfies `ok`, except well-formed percent-encodings.
fn chars_ok(s: &str, ok: impl Fn(char) -> bool) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let (Some(a), Some(b)) = (chars.next(), chars.next()) else {
                return false;
            };
            if !a.is_ascii_hexdigit() || !b.is_ascii_hexdigit() {
                return false;
            }
        } else if !ok(c) {
            return false;
        }
    }
    true
}

fn is_pchar(c: char) -> bool {
    is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@'
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') || is_ucschar(c)
}

fn is_sub_delim(c: char) -> bool {
    matches!(
        c,
        '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '='
    )
}

fn is_ucschar(c: char) -> bool {
    let c = c as u32;
    matches!(c, 0xA0..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFEF)
        || ((0x10000..=0xEFFFD).contains(&c)
            && (c & 0xFFFF) <= 0xFFFD
            && !(0xE0000..=0xE0FFF).contains(&c))
}

#[cfg(test)]
mod tests {
    use super::is_absolute_iri;

    #[test]
    fn accepts_the_usual_identifiers() {
        for iri in [
            "https://www.w3.org/2018/credentials#VerifiableCredential",
            "https://portfolio.example.org:8443/credentials/1?x=1#frag",
            "urn:uuid:0b9a1e4e-6c8b-4f7a-9d1e-2f3a4b5c6d7e",
            "did:web:portfolio.example.org:orgs:univ-orleans",
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "xsd:dateTime",
            "mailto:someone@example.org",
            "https://example.org/caf%C3%A9",
            "https://example.org/café",
            "file:///etc/x",
        ] {
            assert!(is_absolute_iri(iri), "{iri}");
        }
    }

    #[test]
    fn refuses_relative_and_odd_ones() {
        for iri in [
            "",
            "foo",
            "/path",
            "#frag",
            ":x",
            "1a:b",
            "https://exa mple.org/",
            "https://example.org/<x>",
            "https://example.org/%zz",
            "https://example.org/%4",
            "https://[::1]/",
            "https://example.org:80a/",
            "https://example.org/a#b#c",
            "https://example.org/\"",
            "https://example.org/a\\b",
            "https://example.org/{x}",
            "https://example.org/\u{7f}",
            "https://example.org/\u{E000}",
            "_:b0",
        ] {
            assert!(!is_absolute_iri(iri), "{iri}");
        }
    }
}
