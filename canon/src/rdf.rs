//! RDF terms, quads and datasets, and their canonical N-Quads form (the form
//! RDFC-1.0 hashes and outputs).

use std::fmt::Write as _;

pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
pub const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
pub const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
pub const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
pub const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
pub const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
pub const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
pub const I18N: &str = "https://www.w3.org/ns/i18n#";

/// An RDF term. Blank node labels are without their `_:` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    Iri(String),
    Blank(String),
    Literal(Literal),
}

/// A literal: its lexical form, its datatype IRI (`rdf:langString` when it
/// has a language tag) and its language tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    pub value: String,
    pub datatype: String,
    pub language: Option<String>,
}

impl Term {
    pub fn iri(s: impl Into<String>) -> Self {
        Term::Iri(s.into())
    }

    pub fn blank(s: impl Into<String>) -> Self {
        Term::Blank(s.into())
    }

    pub fn literal(value: impl Into<String>, datatype: impl Into<String>) -> Self {
        Term::Literal(Literal {
            value: value.into(),
            datatype: datatype.into(),
            language: None,
        })
    }

    pub fn lang_string(value: impl Into<String>, language: impl Into<String>) -> Self {
        Term::Literal(Literal {
            value: value.into(),
            datatype: RDF_LANG_STRING.to_owned(),
            language: Some(language.into()),
        })
    }

    pub fn is_blank(&self) -> bool {
        matches!(self, Term::Blank(_))
    }

    pub fn as_blank(&self) -> Option<&str> {
        match self {
            Term::Blank(b) => Some(b),
            _ => None,
        }
    }
}

/// A quad; `graph` is `None` in the default graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    pub subject: Term,
    pub predicate: Term,
    pub object: Term,
    pub graph: Option<Term>,
}

/// A dataset: quads, without duplicates (producers keep it so).
pub type Dataset = Vec<Quad>;

/// Writes a term in canonical N-Quads form, blank nodes as `_:` + label.
pub fn write_term(out: &mut String, term: &Term) {
    write_term_with(out, term, &|out, b| {
        out.push_str("_:");
        out.push_str(b);
    });
}

/// Writes a term in canonical N-Quads form, blank nodes written by `blank`.
pub fn write_term_with(out: &mut String, term: &Term, blank: &impl Fn(&mut String, &str)) {
    match term {
        Term::Iri(iri) => {
            out.push('<');
            out.push_str(iri);
            out.push('>');
        }
        Term::Blank(b) => blank(out, b),
        Term::Literal(lit) => {
            out.push('"');
            escape_literal(out, &lit.value);
            out.push('"');
            if let Some(lang) = &lit.language {
                out.push('@');
                out.push_str(lang);
            } else if lit.datatype != XSD_STRING {
                out.push_str("^^<");
                out.push_str(&lit.datatype);
                out.push('>');
            }
        }
    }
}

/// Escapes a literal's lexical form as canonical N-Quads does (RDFC-1.0,
/// RDF 1.1 N-Triples section 4): `"`, `\\`, LF, CR, TAB, BS and FF as
/// `ECHAR`; the other C0 controls and DEL as `\uXXXX` with uppercase hex;
/// every other character as itself. Runs of plain text are copied whole.
pub fn escape_literal(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight plain bytes at a time (most text has nothing to escape).
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            if !may_need_escape(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes.get(i).copied().unwrap_or(0);
        let escaped: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f | 0x7f => "",
            _ => {
                i += 1;
                continue;
            }
        };
        // Only ASCII bytes are escaped, so `i` is on a character boundary.
        out.push_str(s.get(start..i).unwrap_or(""));
        if escaped.is_empty() {
            let _ = write!(out, "\\u{:04X}", b);
        } else {
            out.push_str(escaped);
        }
        i += 1;
        start = i;
    }
    out.push_str(s.get(start..).unwrap_or(""));
}

/// Whether one of the eight bytes of `word` may need escaping: a control
/// character, DEL, `"` or `\\`. Never false when one does (it may be true
/// when none does, which only costs the byte-by-byte path).
fn may_need_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    (below_space
        | zero_byte(word ^ (ONES * u64::from(b'"')))
        | zero_byte(word ^ (ONES * u64::from(b'\\')))
        | zero_byte(word ^ (ONES * 0x7f)))
        != 0
}

/// Writes a quad as one canonical N-Quads line, `" .\n"` included.
pub fn write_quad_with(out: &mut String, q: &Quad, blank: &impl Fn(&mut String, &str)) {
    write_term_with(out, &q.subject, blank);
    out.push(' ');
    write_term_with(out, &q.predicate, blank);
    out.push(' ');
    write_term_with(out, &q.object, blank);
    if let Some(g) = &q.graph {
        out.push(' ');
        write_term_with(out, g, blank);
    }
    out.push_str(" .\n");
}

/// Writes a quad as one N-Quads line with its blank node labels as they are.
pub fn write_quad(out: &mut String, q: &Quad) {
    write_quad_with(out, q, &|out, b| {
        out.push_str("_:");
        out.push_str(b);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_escaped_canonically() {
        let mut all = String::new();
        for c in (0u8..0x80).map(char::from) {
            all.push(c);
        }
        all.push_str("é∞\u{1F303}\u{80}");
        let mut out = String::new();
        escape_literal(&mut out, &all);
        let mut expected = String::new();
        for c in all.chars() {
            match c {
                '"' => expected.push_str("\\\""),
                '\\' => expected.push_str("\\\\"),
                '\n' => expected.push_str("\\n"),
                '\r' => expected.push_str("\\r"),
                '\t' => expected.push_str("\\t"),
                '\u{8}' => expected.push_str("\\b"),
                '\u{c}' => expected.push_str("\\f"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    expected.push_str(&format!("\\u{:04X}", c as u32))
                }
                c => expected.push(c),
            }
        }
        assert_eq!(out, expected);
        // Every offset of a character needing escape within a long run.
        for at in 0..20 {
            let mut s = "abcdefghijklmnopqrstuvwxyz".to_owned();
            s.insert(at, '\u{7f}');
            let mut out = String::new();
            escape_literal(&mut out, &s);
            assert_eq!(out, s.replace('\u{7f}', "\\u007F"));
        }
    }
}
