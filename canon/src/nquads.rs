//! An N-Quads parser (RDF 1.1 N-Quads): for the W3C test data, for tests,
//! and for datasets handed over as text.
//!
//! The whole grammar: IRIs with `UCHAR` escapes, blank node labels,
//! literals with `ECHAR`/`UCHAR` escapes, language tags and datatypes, an
//! optional graph label, comments and blank lines. It never recurses and
//! reads each byte once, so no input can make it panic or run long; any
//! departure from the grammar is an error naming the line.

use crate::rdf::{Dataset, Literal, Quad, Term, RDF_LANG_STRING, XSD_STRING};
use std::collections::hash_map::{Entry, HashMap, RandomState};
use std::hash::BuildHasher;

/// Parses N-Quads text into a dataset, keeping blank node labels (without
/// their `_:`). Quads are in the order of the text; a quad written twice is
/// kept once (a dataset is a set).
pub fn parse(text: &str) -> Result<Dataset, String> {
    let mut parser = Parser {
        text,
        pos: 0,
        line: 1,
    };
    let mut dataset = Dataset::new();
    // Quad hash -> the quads kept with that hash (indexes into `dataset`).
    let hashing = RandomState::new();
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    loop {
        parser.skip_blank();
        if parser.at_end() {
            break;
        }
        let quad = parser
            .statement()
            .map_err(|e| format!("line {}: {e}", parser.line))?;
        let kept = match seen.entry(hashing.hash_one(&quad)) {
            Entry::Vacant(v) => {
                v.insert(vec![dataset.len()]);
                true
            }
            Entry::Occupied(mut o) => {
                let same = o.get().iter().any(|&i| dataset.get(i) == Some(&quad));
                if !same {
                    o.get_mut().push(dataset.len());
                }
                !same
            }
        };
        if kept {
            dataset.push(quad);
        }
    }
    Ok(dataset)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

type Res<T> = Result<T, String>;

impl<'a> Parser<'a> {
    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Skips spaces, tabs, line ends and comments (between statements).
    fn skip_blank(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                }
                b'#' => self.skip_comment(),
                _ => break,
            }
        }
    }

    /// Skips spaces and tabs (inside a statement).
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) {
        match self.rest().find(['\n', '\r']) {
            Some(i) => self.pos += i,
            None => self.pos = self.text.len(),
        }
    }

    fn statement(&mut self) -> Res<Quad> {
        let subject = match self.peek() {
            Some(b'<') => Term::Iri(self.iri()?),
            Some(b'_') => Term::Blank(self.blank()?),
            _ => return Err(self.unexpected("a subject (IRI or blank node)")),
        };
        self.skip_ws();
        let predicate = match self.peek() {
            Some(b'<') => Term::Iri(self.iri()?),
            _ => return Err(self.unexpected("a predicate (IRI)")),
        };
        self.skip_ws();
        let object = match self.peek() {
            Some(b'<') => Term::Iri(self.iri()?),
            Some(b'_') => Term::Blank(self.blank()?),
            Some(b'"') => Term::Literal(self.literal()?),
            _ => return Err(self.unexpected("an object (IRI, blank node or literal)")),
        };
        self.skip_ws();
        let graph = match self.peek() {
            Some(b'<') => Some(Term::Iri(self.iri()?)),
            Some(b'_') => Some(Term::Blank(self.blank()?)),
            _ => None,
        };
        self.skip_ws();
        if self.peek() != Some(b'.') {
            return Err(self.unexpected("'.'"));
        }
        self.pos += 1;
        self.skip_ws();
        match self.peek() {
            None | Some(b'\n' | b'\r') => {}
            Some(b'#') => self.skip_comment(),
            _ => return Err(self.unexpected("the end of the line")),
        }
        Ok(Quad {
            subject,
            predicate,
            object,
            graph,
        })
    }

    fn unexpected(&self, wanted: &str) -> String {
        match self.peek_char() {
            Some(c) => format!("expected {wanted}, found {c:?}"),
            None => format!("expected {wanted}, found the end of the text"),
        }
    }

    /// `IRIREF`, absolute, with its escapes decoded.
    fn iri(&mut self) -> Res<String> {
        self.pos += 1; // '<'
        let mut out = String::new();
        loop {
            // Copy the run of plain characters at once; the characters IRIs
            // forbid, '>' and '\\' are all ASCII.
            let rest = self.rest();
            let run = rest
                .bytes()
                .position(|b| b < 0x80 && !iri_char(char::from(b)))
                .ok_or("unterminated IRI")?;
            out.push_str(rest.get(..run).unwrap_or(""));
            self.pos += run;
            match self.peek() {
                Some(b'>') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.uchar()?;
                    if !iri_char(c) {
                        return Err(format!("escaped character {c:?} not allowed in an IRI"));
                    }
                    out.push(c);
                }
                Some(b) => {
                    return Err(format!(
                        "character {:?} not allowed in an IRI",
                        char::from(b)
                    ));
                }
                None => return Err("unterminated IRI".into()),
            }
        }
        if !has_scheme(&out) {
            return Err(format!("relative IRI <{out}>"));
        }
        Ok(out)
    }

    /// `UCHAR` after its backslash.
    fn uchar(&mut self) -> Res<char> {
        let digits = match self.peek() {
            Some(b'u') => 4,
            Some(b'U') => 8,
            _ => return Err(self.unexpected("\\u or \\U")),
        };
        self.pos += 1;
        let hex = self
            .text
            .get(self.pos..self.pos + digits)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| format!("\\u escape needs {digits} hex digits"))?;
        self.pos += digits;
        let code = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
        char::from_u32(code).ok_or_else(|| format!("\\u{hex} is not a Unicode scalar value"))
    }

    /// `BLANK_NODE_LABEL`, returned without `_:`.
    fn blank(&mut self) -> Res<String> {
        if !self.rest().starts_with("_:") {
            return Err(self.unexpected("'_:'"));
        }
        self.pos += 2;
        let start = self.pos;
        match self.peek_char() {
            Some(c) if pn_chars_u(c) || c.is_ascii_digit() => self.pos += c.len_utf8(),
            _ => return Err(self.unexpected("a blank node label")),
        }
        // Dots may appear inside a label, not at its end.
        let mut end = self.pos;
        while let Some(c) = self.peek_char() {
            if pn_chars(c) {
                self.pos += c.len_utf8();
                end = self.pos;
            } else if c == '.' {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.pos = end;
        Ok(self.text.get(start..end).unwrap_or("").to_owned())
    }

    /// A literal: `STRING_LITERAL_QUOTE` and its language tag or datatype.
    fn literal(&mut self) -> Res<Literal> {
        self.pos += 1; // '"'
        let mut value = String::new();
        loop {
            // Copy the plain run at once.
            let rest = self.rest();
            let run = rest
                .find(['"', '\\', '\n', '\r'])
                .ok_or("unterminated string")?;
            value.push_str(rest.get(..run).unwrap_or(""));
            self.pos += run;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b't') => '\t',
                        Some(b'b') => '\u{8}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b'f') => '\u{c}',
                        Some(b'"') => '"',
                        Some(b'\'') => '\'',
                        Some(b'\\') => '\\',
                        Some(b'u' | b'U') => {
                            value.push(self.uchar()?);
                            continue;
                        }
                        _ => return Err(self.unexpected("an escape sequence")),
                    };
                    self.pos += 1;
                    value.push(c);
                }
                _ => return Err("line end inside a string".into()),
            }
        }
        match self.peek() {
            Some(b'@') => {
                self.pos += 1;
                let start = self.pos;
                let rest = self.rest().as_bytes();
                let mut len = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                if len == 0 {
                    return Err("empty language tag".into());
                }
                while rest.get(len) == Some(&b'-') {
                    let sub = rest
                        .get(len + 1..)
                        .unwrap_or(&[])
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric())
                        .count();
                    if sub == 0 {
                        return Err("empty language subtag".into());
                    }
                    len += 1 + sub;
                }
                self.pos += len;
                Ok(Literal {
                    value,
                    datatype: RDF_LANG_STRING.to_owned(),
                    language: Some(self.text.get(start..self.pos).unwrap_or("").to_owned()),
                })
            }
            Some(b'^') => {
                if !self.rest().starts_with("^^<") {
                    return Err(self.unexpected("'^^<'"));
                }
                self.pos += 2;
                let datatype = self.iri()?;
                if datatype == RDF_LANG_STRING {
                    return Err("rdf:langString literal without a language tag".into());
                }
                Ok(Literal {
                    value,
                    datatype,
                    language: None,
                })
            }
            _ => Ok(Literal {
                value,
                datatype: XSD_STRING.to_owned(),
                language: None,
            }),
        }
    }
}

/// Characters `IRIREF` allows (raw or escaped).
fn iri_char(c: char) -> bool {
    !matches!(
        c,
        '\u{0}'..='\u{20}' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\'
    )
}

/// N-Quads IRIs are absolute: a scheme, then ':'.
fn has_scheme(iri: &str) -> bool {
    let mut chars = iri.char_indices();
    if !matches!(chars.next(), Some((_, c)) if c.is_ascii_alphabetic()) {
        return false;
    }
    for (_, c) in chars {
        match c {
            ':' => return true,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {}
            _ => return false,
        }
    }
    false
}

fn pn_chars_base(c: char) -> bool {
    matches!(c,
        'A'..='Z'
        | 'a'..='z'
        | '\u{C0}'..='\u{D6}'
        | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

fn pn_chars_u(c: char) -> bool {
    pn_chars_base(c) || c == '_' || c == ':'
}

fn pn_chars(c: char) -> bool {
    pn_chars_u(c)
        || c == '-'
        || c.is_ascii_digit()
        || c == '\u{B7}'
        || ('\u{300}'..='\u{36F}').contains(&c)
        || ('\u{203F}'..='\u{2040}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let text = "# a comment\n\n<http://a.example/s> <http://a.example/p> \"x\\n\\u0041\\U0001F303\"@en-GB <http://a.example/g> . # end\r\n\
                    _:b.1 <http://a.example/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n\
                    _:b.1\t<http://a.example/\\u00e9>\t_:c _:g.\n\
                    <http://a.example/s> <http://a.example/p> \"plain\" .";
        let ds = parse(text).unwrap();
        assert_eq!(ds.len(), 4);
        assert_eq!(ds[0].object, Term::lang_string("x\nA\u{1F303}", "en-GB"));
        assert_eq!(ds[0].graph, Some(Term::iri("http://a.example/g")));
        assert_eq!(ds[1].subject, Term::blank("b.1"));
        assert_eq!(ds[2].predicate, Term::iri("http://a.example/é"));
        assert_eq!(ds[2].graph, Some(Term::blank("g")));
        assert_eq!(ds[3].object, Term::literal("plain", XSD_STRING));
    }

    #[test]
    fn comments_and_blank_lines_alone_are_an_empty_dataset() {
        assert_eq!(parse("").unwrap(), Dataset::new());
        assert_eq!(
            parse("# nothing\r\n\n  \t\n# more").unwrap(),
            Dataset::new()
        );
    }

    #[test]
    fn duplicates_are_kept_once() {
        let ds = parse("_:a <http://x/p> _:b .\n_:a <http://x/p> _:b .\n").unwrap();
        assert_eq!(ds.len(), 1);
    }

    #[test]
    fn hostile_input_is_an_error() {
        for bad in [
            "<http://x/s> <http://x/p> <http://x/o>",
            "<http://x/s> <http://x/p> \"unterminated .",
            "<http://x/s> <http://x/p> \"\\uD800\" .",
            "<http://x/s> <http://x/p> \"\\u12\" .",
            "<http://x/s> <http://x/p> \"\\q\" .",
            "<relative> <http://x/p> <http://x/o> .",
            "<http://x/s> <http://x/p> <http://x/a b> .",
            "<http://x/s> <http://x/p> <http://x/\\u0020> .",
            "<http://x/s> _:p <http://x/o> .",
            "\"lit\" <http://x/p> <http://x/o> .",
            "<http://x/s> <http://x/p> \"x\"@ .",
            "<http://x/s> <http://x/p> \"x\"@en- .",
            "<http://x/s> <http://x/p> \"x\"^<http://x/d> .",
            "<http://x/s> <http://x/p> _: .",
            "<http://x/s> <http://x/p> <http://x/o> . <http://x/s>",
            "<http://x/s> <http://x/p> \"a\nb\" .",
            "<http://x/s> <http://x/p> <http://x/o> \"g\" .",
            "<http://x/s> <http://x/p> \"\\",
            "<http://x/s> <http://x/p> \"\\U0011FFFF\" .",
            "<http://x/s",
            "_",
            "<",
            "<http://x/s> <http://x/p> \"é\"^^",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn label_ends_before_trailing_dot() {
        let ds = parse("_:a.b <http://x/p> _:c.").unwrap();
        assert_eq!(ds[0].subject, Term::blank("a.b"));
        assert_eq!(ds[0].object, Term::blank("c"));
    }
}
