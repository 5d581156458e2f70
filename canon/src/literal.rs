//! Lexical forms of JSON values as RDF literals (JSON-LD 1.1 API, 8.2
//! Object to RDF Conversion and 8.6 Data Round Tripping): `xsd:double` and
//! `xsd:integer` forms of numbers, the JSON Canonicalization Scheme (RFC 8785)
//! text of `rdf:JSON` literals, and the well-formedness of language tags.
//!
//! Numbers are read as IEEE doubles, as JSON-LD's data model (and every
//! reference implementation) does: an integer beyond 2^53 is the double
//! nearest to it, whatever digits the JSON text had.

use crate::error::Error;
use crate::limits::Budget;
use serde_json::{Map, Number, Value};
use std::fmt::Write as _;

/// A JSON number as the double JSON-LD sees.
pub(crate) fn as_double(n: &Number) -> f64 {
    // Never `None` without serde_json's arbitrary precision; the integer
    // readings keep the fallback total anyway.
    n.as_f64()
        .or_else(|| n.as_i64().map(|i| i as f64))
        .or_else(|| n.as_u64().map(|u| u as f64))
        .unwrap_or(0.0)
}

/// Whether a number is written as an `xsd:double` rather than an
/// `xsd:integer` when no datatype says otherwise: a non-zero fractional part,
/// or too large for JavaScript's integral notation (10^21).
pub(crate) fn is_double(x: f64) -> bool {
    !x.is_finite() || x.fract() != 0.0 || x.abs() >= 1e21
}

/// The canonical `xsd:integer` form of an integral double below 10^21 in
/// magnitude (its exact decimal digits; `-0` is `0`).
pub(crate) fn integer(x: f64) -> String {
    // Exact: every integral double below 10^21 fits an i128.
    (x as i128).to_string()
}

/// The canonical `xsd:double` form JSON-LD uses: the value rounded to 16
/// significant digits as ECMAScript's `toExponential(15)` does (the exact
/// binary value, a tie rounded away from zero), trailing zeros of the
/// mantissa removed but one digit kept after the point, `E`, the exponent
/// without `+` or leading zeros: `1.1E0`, `-1.5E-1`, `1.0E21`, `0.0E0`.
pub(crate) fn double(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "INF" } else { "-INF" }.to_owned();
    }
    if x == 0.0 {
        // toExponential drops the sign of -0.
        return "0.0E0".to_owned();
    }
    let abs = x.abs();
    // 17 significant digits rounded; the 17th decides the rounding to 16
    // unless it is a 5, which may come from below (4.5...) or be a tie.
    let rounded = format!("{abs:.16e}");
    let Some((mantissa, exponent)) = rounded.split_once('e') else {
        return rounded;
    };
    let mut exponent: i32 = exponent.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if digits.len() < 17 {
        return rounded;
    }
    let round_up = if digits[16] == b'5' {
        // The exact expansion (a double never has more than 767
        // significant digits): its 17th digit, truncated.
        let exact = format!("{abs:.767e}");
        let exact_digits: Vec<u8> = exact
            .split('e')
            .next()
            .unwrap_or("")
            .bytes()
            .filter(u8::is_ascii_digit)
            .take(17)
            .collect();
        if exact_digits.len() == 17 {
            digits[..16].copy_from_slice(&exact_digits[..16]);
            exact_digits[16] >= b'5'
        } else {
            true
        }
    } else {
        digits[16] > b'5'
    };
    digits.truncate(16);
    if round_up {
        let mut carry = true;
        for d in digits.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                carry = false;
                break;
            }
        }
        if carry {
            digits.insert(0, b'1');
            digits.truncate(16);
            exponent += 1;
        }
    }
    while digits.len() > 2 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    let mut out = String::with_capacity(24);
    if x < 0.0 {
        out.push('-');
    }
    out.push(char::from(digits[0]));
    out.push('.');
    for d in &digits[1..] {
        out.push(char::from(*d));
    }
    let _ = write!(out, "E{exponent}");
    out
}

/// Whether `tag` is a well-formed language tag, in the form the JSON-LD test
/// suite and the reference implementations check (BCP 47's shape: letters,
/// then subtags of letters and digits, each 1 to 8 characters).
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Writes the JSON Canonicalization Scheme (RFC 8785) text of `v`: object
/// members sorted by their names' UTF-16 code units, numbers as ECMAScript
/// writes them, strings with JSON.stringify's escapes, no whitespace.
pub(crate) fn jcs(
    v: &Value,
    out: &mut String,
    depth: usize,
    budget: &mut Budget,
) -> Result<(), Error> {
    budget.depth(depth)?;
    budget.tick()?;
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let x = as_double(n);
            if x == 0.0 {
                out.push('0');
            } else if x.is_finite() {
                out.push_str(ryu_js::Buffer::new().format_finite(x));
            } else {
                out.push_str("null");
            }
        }
        Value::String(s) => jcs_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jcs(item, out, depth + 1, budget)?;
            }
            out.push(']');
        }
        Value::Object(map) => jcs_object(map, out, depth, budget)?,
    }
    Ok(())
}

fn jcs_object(
    map: &Map<String, Value>,
    out: &mut String,
    depth: usize,
    budget: &mut Budget,
) -> Result<(), Error> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    // UTF-8 byte order is UTF-16 order except where U+E000..U+FFFF meets
    // characters beyond the BMP; compare code units to be right everywhere.
    entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    out.push('{');
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        jcs_string(k, out);
        out.push(':');
        jcs(v, out, depth + 1, budget)?;
    }
    out.push('}');
    Ok(())
}

fn jcs_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
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
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    #[test]
    fn doubles() {
        assert_eq!(double(1.1), "1.1E0");
        assert_eq!(double(-0.15), "-1.5E-1");
        assert_eq!(double(1.5), "1.5E0");
        assert_eq!(double(0.1), "1.0E-1");
        assert_eq!(double(5.3), "5.3E0");
        assert_eq!(double(123.45), "1.2345E2");
        assert_eq!(double(1e21), "1.0E21");
        assert_eq!(double(1.0), "1.0E0");
        assert_eq!(double(-0.0), "0.0E0");
        assert_eq!(double(0.0), "0.0E0");
        assert_eq!(double(1e-300), "1.0E-300");
        assert_eq!(double(f64::MAX), "1.797693134862316E308");
        assert_eq!(double(f64::MIN_POSITIVE), "2.225073858507201E-308");
        assert_eq!(double(5e-324), "4.940656458412465E-324");
        // 16 digits, not the shortest round trip (0.30000000000000004).
        assert_eq!(double(0.1 + 0.2), "3.0E-1");
        assert_eq!(double(2.0 / 3.0), "6.666666666666666E-1");
        // 1 + 2^-16 = 1.0000152587890625 exactly: a tie at the 17th digit,
        // which toExponential rounds up (printf would round to even).
        assert_eq!(double(1.0 + 1.0 / 65536.0), "1.000015258789063E0");
        assert_eq!(double(-(1.0 + 1.0 / 65536.0)), "-1.000015258789063E0");
        // 0.69999999999999995559...: the rounding carries through the nines.
        assert_eq!(double(0.7), "7.0E-1");
        assert_eq!(double(123456789012345680000.0), "1.234567890123457E20");
    }

    #[test]
    fn integers() {
        assert_eq!(integer(5.0), "5");
        assert_eq!(integer(-0.0), "0");
        assert_eq!(integer(1e20), "100000000000000000000");
        assert_eq!(integer(-123.0), "-123");
        assert!(!is_double(1e20));
        assert!(is_double(1e21));
        assert!(is_double(0.5));
        assert!(!is_double(-3.0));
    }

    fn jcs_of(text: &str) -> String {
        let v: Value = serde_json::from_str(text).expect("test JSON");
        let mut out = String::new();
        jcs(&v, &mut out, 0, &mut Budget::new(Limits::default())).expect("within limits");
        out
    }

    #[test]
    fn json_canonicalization() {
        assert_eq!(
            jcs_of(r#"[56, {"d": true, "10": null, "1": [ ]}]"#),
            r#"[56,{"1":[],"10":null,"d":true}]"#
        );
        assert_eq!(
            jcs_of(
                r#"[333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001, -0.0, 0.0e0]"#
            ),
            "[333333333.3333333,1e+30,4.5,0.002,1e-27,0,0]"
        );
        assert_eq!(
            jcs_of(r#""\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/""#),
            r#""€$\u000f\nA'B\"\\\\\"/""#
        );
        // U+FB01 sorts after U+1F602 in UTF-16 (a surrogate pair), before it
        // in UTF-8.
        assert_eq!(
            jcs_of(r#"{"\ufb01": 1, "\ud83d\ude02": 2, "\u20ac": 3}"#),
            "{\"€\":3,\"😂\":2,\"ﬁ\":1}"
        );
        assert_eq!(jcs_of("9007199254740993"), "9007199254740992");
    }

    #[test]
    fn json_depth_is_bounded() {
        let mut v = Value::Null;
        for _ in 0..200 {
            v = Value::Array(vec![v]);
        }
        let mut out = String::new();
        assert!(jcs(&v, &mut out, 0, &mut Budget::new(Limits::default())).is_err());
    }

    #[test]
    fn language_tags() {
        for ok in [
            "en",
            "en-US",
            "de-CH-1996",
            "zh-Hant-TW",
            "x-private",
            "i-klingon",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "en-",
            "-en",
            "en--us",
            "toolongtag",
            "e1",
            "en_US",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
