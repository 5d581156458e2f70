//! RDF literals: the lexical forms of JSON values (JSON-LD 1.1 "Object to RDF
//! Conversion") and their canonical N-Quads text.
//!
//! Where the standard and ssi's reading could differ, nothing is produced
//! (`None`): non-integral numbers with a datatype other than `xsd:double`,
//! integers beyond 2^53 or with an XSD datatype whose canonical form may
//! differ from the JSON text, integral numbers written as floats, booleans
//! with a datatype other than `xsd:boolean`, strings with control characters
//! other than LF and CR (their escaping differs between N-Quads versions).

use serde_json::{Map, Number, Value};

pub(crate) const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
pub(crate) const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
pub(crate) const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
pub(crate) const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
pub(crate) const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
pub(crate) const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

/// Integers beyond this are not exactly what a JSON-LD processor working on
/// IEEE doubles sees.
const MAX_SAFE_INTEGER: u64 = 1 << 53;

/// How deep a JSON literal may nest.
const MAX_JSON_DEPTH: usize = 64;

/// XSD datatypes whose lexical form for an integer is the integer's decimal
/// digits in both readings (checked against ssi), `xsd:string` included.
const INTEGER_AS_IS: &[&str] = &[
    "http://www.w3.org/2001/XMLSchema#integer",
    "http://www.w3.org/2001/XMLSchema#decimal",
    "http://www.w3.org/2001/XMLSchema#nonNegativeInteger",
    "http://www.w3.org/2001/XMLSchema#long",
    "http://www.w3.org/2001/XMLSchema#string",
];

/// The lexical form and datatype IRI of a JSON number, with the datatype
/// the term gives (`dt`), or `None`.
///
/// JSON-LD: integral numbers below 10^21 are `xsd:integer` (or the given
/// datatype) in decimal digits, others `xsd:double` in its canonical form;
/// `xsd:double` as the datatype forces that form. ssi writes typed numbers
/// as their JSON text (or its own canonical form for some XSD types) and
/// integral floats beyond 10^9 with an exponent, so those stay with it.
pub(crate) fn number(n: &Number, dt: Option<&str>) -> Option<(String, String)> {
    let integer = n
        .as_i64()
        .or_else(|| n.as_u64().and_then(|u| i64::try_from(u).ok()));
    if let Some(i) = integer {
        return integer_literal(i, dt);
    }
    if n.is_u64() || n.is_i64() {
        return None;
    }
    let x = n.as_f64()?;
    if !x.is_finite() || (x == 0.0 && x.is_sign_negative()) {
        return None;
    }
    if x.fract() == 0.0 && x.abs() < 1e21 {
        // Written with a fraction or an exponent in JSON (5.0, 1e3): ssi
        // reads it as an integer only while its JSON text has no exponent.
        return if x.abs() < 1e9 {
            integer_literal(x as i64, dt)
        } else {
            None
        };
    }
    match dt {
        None | Some(XSD_DOUBLE) => Some((double(x)?, XSD_DOUBLE.to_owned())),
        Some(_) => None,
    }
}

fn integer_literal(i: i64, dt: Option<&str>) -> Option<(String, String)> {
    if i.unsigned_abs() > MAX_SAFE_INTEGER {
        return None;
    }
    match dt {
        None => Some((i.to_string(), XSD_INTEGER.to_owned())),
        Some(XSD_DOUBLE) => Some((double(i as f64)?, XSD_DOUBLE.to_owned())),
        Some(t) if INTEGER_AS_IS.contains(&t) || !t.starts_with(XSD) => {
            Some((i.to_string(), t.to_owned()))
        }
        Some(_) => None,
    }
}

/// The canonical `xsd:double` form JSON-LD specifies (JavaScript's
/// `toExponential(15)`, trailing zeros of the mantissa removed, `E`, no `+`),
/// when it is also the shortest round-trip form (which ssi writes); `None`
/// when the two differ or a rounding tie makes the standard's form uncertain.
pub(crate) fn double(x: f64) -> Option<String> {
    if !x.is_finite() || (x == 0.0 && x.is_sign_negative()) {
        return None;
    }
    let exact = format!("{:.15e}", x);
    let (mantissa, exponent) = exact.split_once('e')?;
    // A tie at the 17th significant digit: JavaScript rounds half up, Rust
    // half to even. Refuse rather than guess.
    let wide = format!("{:.40e}", x.abs());
    let digits: Vec<u8> = wide
        .split_once('e')?
        .0
        .bytes()
        .filter(u8::is_ascii_digit)
        .collect();
    if digits.get(16) == Some(&b'5')
        && digits
            .get(17..)
            .is_some_and(|r| r.iter().all(|d| *d == b'0'))
    {
        return None;
    }
    let mut mantissa = mantissa.trim_end_matches('0').to_owned();
    if mantissa.ends_with('.') {
        mantissa.push('0');
    }
    // The shortest round-trip digits must be the same.
    let shortest = format!("{:e}", x);
    let (short_mantissa, short_exponent) = shortest.split_once('e')?;
    let strip = |m: &str| -> String {
        let d: String = m.chars().filter(char::is_ascii_digit).collect();
        d.trim_end_matches('0').to_owned()
    };
    if short_exponent != exponent || strip(short_mantissa) != strip(&mantissa) {
        return None;
    }
    Some(format!("{mantissa}E{exponent}"))
}

/// The JSON Canonicalization Scheme (RFC 8785) text of `v`, for `rdf:JSON`
/// literals, or `None` where UTF-8 and UTF-16 key orders could differ.
pub(crate) fn json_canonical(v: &Value, out: &mut String, depth: usize) -> Option<()> {
    if depth > MAX_JSON_DEPTH {
        return None;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            // Integers only, where every reading agrees exactly (ssi re-reads
            // the JSON text of other numbers with a lossy parser).
            let x = if let Some(i) = n.as_i64() {
                i as f64
            } else if let Some(u) = n.as_u64() {
                u as f64
            } else {
                let x = n.as_f64()?;
                if x.fract() != 0.0 || x.abs() >= 1e9 || (x == 0.0 && x.is_sign_negative()) {
                    return None;
                }
                x
            };
            if !x.is_finite() || x.abs() > MAX_SAFE_INTEGER as f64 {
                return None;
            }
            let mut buffer = ryu_js::Buffer::new();
            out.push_str(buffer.format_finite(x));
        }
        Value::String(s) => json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_canonical(item, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => json_object(map, out, depth)?,
    }
    Some(())
}

fn json_object(map: &Map<String, Value>, out: &mut String, depth: usize) -> Option<()> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    if entries
        .iter()
        .any(|(k, _)| k.chars().any(|c| c >= '\u{E000}'))
    {
        return None;
    }
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    out.push('{');
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(k, out);
        out.push(':');
        json_canonical(v, out, depth + 1)?;
    }
    out.push('}');
    Some(())
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as usize;
                out.push_str("\\u00");
                out.push(HEX[n >> 4] as char);
                out.push(HEX[n & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes the N-Quads form of a literal: the quoted, escaped lexical form,
/// then `^^<datatype>` (omitted for `xsd:string`) or `@language`. Returns
/// `None` for characters whose canonical escaping is not settled.
pub(crate) fn write_literal(
    out: &mut String,
    lexical: &str,
    datatype: &str,
    language: Option<&str>,
) -> Option<()> {
    out.reserve(lexical.len() + 2);
    out.push('"');
    for c in lexical.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}' | '\u{7f}' => return None,
            c => out.push(c),
        }
    }
    out.push('"');
    match language {
        Some(tag) => {
            out.push('@');
            out.push_str(tag);
        }
        None if datatype == XSD_STRING => {}
        None => {
            out.push_str("^^<");
            out.push_str(datatype);
            out.push('>');
        }
    }
    Some(())
}

/// A language tag both readings agree on: lowercase `language[-script][-region]`.
pub(crate) fn language_ok(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    if !lang_ok {
        return false;
    }
    let mut rest: Vec<&str> = parts.collect();
    if let Some(script) = rest.first() {
        if script.len() == 4 && script.bytes().all(|b| b.is_ascii_lowercase()) {
            rest.remove(0);
        }
    }
    match rest.as_slice() {
        [] => true,
        [region] => {
            (region.len() == 2 && region.bytes().all(|b| b.is_ascii_lowercase()))
                || (region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit()))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_in_the_json_ld_form() {
        assert_eq!(double(1.5).as_deref(), Some("1.5E0"));
        assert_eq!(double(0.1).as_deref(), Some("1.0E-1"));
        assert_eq!(double(-2.25).as_deref(), Some("-2.25E0"));
        assert_eq!(double(1e21).as_deref(), Some("1.0E21"));
        assert_eq!(double(123.456).as_deref(), Some("1.23456E2"));
        // 17 significant digits: the standard rounds to 16, ssi keeps 17.
        assert_eq!(double(0.1 + 0.2), None);
    }

    #[test]
    fn numbers() {
        let n = |s: &str| -> Number { serde_json::from_str(s).unwrap() };
        assert_eq!(
            number(&n("7"), None),
            Some(("7".into(), XSD_INTEGER.into()))
        );
        assert_eq!(
            number(&n("-7"), None),
            Some(("-7".into(), XSD_INTEGER.into()))
        );
        assert_eq!(number(&n("9007199254740993"), None), None);
        assert_eq!(
            number(&n("5.0"), None),
            Some(("5".into(), XSD_INTEGER.into()))
        );
        assert_eq!(number(&n("-0.0"), None), None);
        assert_eq!(number(&n("1e12"), None), None);
        assert_eq!(
            number(&n("1e21"), None),
            Some(("1.0E21".into(), XSD_DOUBLE.into()))
        );
        assert_eq!(
            number(&n("2.5"), None),
            Some(("2.5E0".into(), XSD_DOUBLE.into()))
        );
        assert_eq!(number(&n("2.5"), Some(XSD_INTEGER)), None);
        assert_eq!(
            number(&n("2"), Some("http://www.w3.org/2001/XMLSchema#float")),
            None
        );
    }

    #[test]
    fn json_literals() {
        let v: Value =
            serde_json::from_str(r#"{"b":[1,5.0,"x\u0001\t"],"a":null,"c":{"é":true,"e":false}}"#)
                .unwrap();
        let mut out = String::new();
        json_canonical(&v, &mut out, 0).unwrap();
        assert_eq!(
            out,
            r#"{"a":null,"b":[1,5,"x\u0001\t"],"c":{"e":false,"é":true}}"#
        );
        let v: Value = serde_json::from_str("[2.5]").unwrap();
        assert_eq!(json_canonical(&v, &mut String::new(), 0), None);
    }

    #[test]
    fn language_tags() {
        for ok in ["fr", "en-gb", "zh-hant", "zh-hant-tw", "es-419"] {
            assert!(language_ok(ok), "{ok}");
        }
        for bad in ["FR", "en-GB", "f", "fr-", "x-foo", "en-a-bbb", "fr-fr-fr"] {
            assert!(!language_ok(bad), "{bad}");
        }
    }
}
