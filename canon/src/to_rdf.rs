//! JSON-LD 1.1 API, 8.1 Deserialize JSON-LD to RDF, 8.2 Object to RDF
//! Conversion and 8.3 List Conversion, over the node map (7.2).
//!
//! What is not well-formed RDF is left out, as the algorithm says: a graph
//! name, subject, predicate or object that is neither an absolute IRI nor a
//! blank node, a datatype that is not an absolute IRI, a language tag that
//! is not well-formed, and a blank node predicate unless generalized RDF is
//! asked for. The dataset has no duplicate quads.

use crate::error::Error;
use crate::limits::Budget;
use crate::literal;
use crate::node_map::{Issuer, Item, NodeMap, DEFAULT_GRAPH};
use crate::options::{JsonLdOptions, RdfDirection};
use crate::rdf::{
    Dataset, Literal, Quad, Term, I18N, RDF, RDF_FIRST, RDF_JSON, RDF_LANG_STRING, RDF_NIL,
    RDF_REST, RDF_TYPE, XSD_BOOLEAN, XSD_DOUBLE, XSD_INTEGER, XSD_STRING,
};
use serde_json::{Map, Value};

/// The RDF dataset of an expanded document (JSON-LD 1.1 API `toRdf()` after
/// expansion).
pub fn to_rdf(
    expanded: &Value,
    options: &JsonLdOptions,
    budget: &mut Budget,
) -> Result<Dataset, Error> {
    let map = NodeMap::generate(expanded, budget)?;
    let mut out = Deserializer {
        quads: Vec::with_capacity(32),
        issuer: map.issuer,
        options,
        budget,
    };
    for graph in &map.graphs {
        let graph_name = if graph.name == DEFAULT_GRAPH {
            None
        } else {
            match node_term(&graph.name) {
                Some(name) => Some(name),
                None if options.safe => {
                    return Err(Error::json_ld(
                        "safe mode: relative graph reference",
                        graph.name.to_string(),
                    ))
                }
                None => continue,
            }
        };
        for node in &graph.nodes {
            let Some(subject) = node_term(&node.id) else {
                if options.safe {
                    return Err(Error::json_ld(
                        "safe mode: relative subject reference",
                        node.id.to_string(),
                    ));
                }
                continue;
            };
            for t in node.types.iter() {
                out.budget.tick()?;
                if let Some(object) = out.object(t, &graph_name, 0)? {
                    out.push(&subject, Term::iri(RDF_TYPE), object, &graph_name);
                }
            }
            for (property, objects) in &node.properties {
                let property: &str = property;
                let predicate = if let Some(label) = property.strip_prefix("_:") {
                    if !options.produce_generalized_rdf {
                        if options.safe {
                            return Err(Error::json_ld(
                                "safe mode: blank node predicate",
                                property.to_owned(),
                            ));
                        }
                        continue;
                    }
                    Term::blank(label)
                } else if is_absolute_iri(property) {
                    Term::iri(property)
                } else {
                    if options.safe {
                        return Err(Error::json_ld(
                            "safe mode: relative predicate reference",
                            property.to_owned(),
                        ));
                    }
                    continue;
                };
                for item in objects.iter() {
                    out.budget.tick()?;
                    if let Some(object) = out.object(item, &graph_name, 0)? {
                        out.push(&subject, predicate.clone(), object, &graph_name);
                    }
                }
            }
        }
    }
    let Deserializer {
        mut quads, issuer, ..
    } = out;
    // The node map already merges repeated values, but different JSON can
    // make the same quad (`1` and `1.0`, `"x"` and a typed `xsd:string`).
    quads.sort_unstable();
    quads.dedup();
    let blank_nodes = count_blank_nodes(&quads, issuer.count());
    budget.dataset(quads.len(), blank_nodes)?;
    Ok(quads)
}

struct Deserializer<'o, 'b> {
    quads: Dataset,
    /// Continues the node map's labels, for list nodes and compound
    /// literals.
    issuer: Issuer,
    options: &'o JsonLdOptions,
    budget: &'b mut Budget,
}

impl Deserializer<'_, '_> {
    fn push(&mut self, subject: &Term, predicate: Term, object: Term, graph: &Option<Term>) {
        self.quads.push(Quad {
            subject: subject.clone(),
            predicate,
            object,
            graph: graph.clone(),
        });
    }

    fn fresh_blank(&mut self) -> Term {
        let label = self.issuer.fresh();
        Term::Blank(label.strip_prefix("_:").unwrap_or(&label).to_owned())
    }

    /// 8.2 Object to RDF Conversion; the triples it makes on the way (list
    /// nodes, compound literals) go straight to the dataset. `None`: the
    /// object is not well-formed and its triple is left out.
    fn object(
        &mut self,
        item: &Item<'_>,
        graph: &Option<Term>,
        depth: usize,
    ) -> Result<Option<Term>, Error> {
        match item {
            Item::Ref(id) => match node_term(id) {
                None if self.options.safe => Err(Error::json_ld(
                    "safe mode: relative object reference",
                    id.to_string(),
                )),
                term => Ok(term),
            },
            Item::List(items) => self.list(items, graph, depth + 1).map(Some),
            Item::Value(value) => self.value(value, graph),
        }
    }

    /// 8.3 List Conversion.
    fn list(
        &mut self,
        items: &[Item<'_>],
        graph: &Option<Term>,
        depth: usize,
    ) -> Result<Term, Error> {
        self.budget.depth(depth)?;
        if items.is_empty() {
            return Ok(Term::iri(RDF_NIL));
        }
        let head = self.fresh_blank();
        let mut subject = head.clone();
        for (i, item) in items.iter().enumerate() {
            self.budget.tick()?;
            if let Some(object) = self.object(item, graph, depth)? {
                self.push(&subject, Term::iri(RDF_FIRST), object, graph);
            }
            let rest = if i + 1 < items.len() {
                self.fresh_blank()
            } else {
                Term::iri(RDF_NIL)
            };
            self.push(&subject, Term::iri(RDF_REST), rest.clone(), graph);
            subject = rest;
        }
        Ok(head)
    }

    /// 8.2 steps 4 to 15, for a value object.
    fn value(
        &mut self,
        item: &Map<String, Value>,
        graph: &Option<Term>,
    ) -> Result<Option<Term>, Error> {
        let Some(value) = item.get("@value") else {
            return Ok(None);
        };
        let datatype = match item.get("@type") {
            None => None,
            Some(Value::String(t)) if t == "@json" || is_absolute_iri(t) => Some(t.as_str()),
            Some(t) if self.options.safe => {
                return Err(Error::json_ld(
                    "safe mode: relative @type reference",
                    t.to_string(),
                ))
            }
            Some(_) => return Ok(None),
        };
        let language = match item.get("@language") {
            None => None,
            Some(Value::String(tag)) if literal::is_language_tag(tag) => Some(tag.as_str()),
            Some(tag) if self.options.safe => {
                return Err(Error::json_ld(
                    "safe mode: invalid @language value",
                    tag.to_string(),
                ))
            }
            Some(_) => return Ok(None),
        };

        let (lexical, datatype) = if datatype == Some("@json") {
            let mut text = String::new();
            literal::jcs(value, &mut text, 0, self.budget)?;
            (text, RDF_JSON)
        } else {
            match value {
                Value::Bool(b) => (
                    if *b { "true" } else { "false" }.to_owned(),
                    datatype.unwrap_or(XSD_BOOLEAN),
                ),
                Value::Number(n) => {
                    let x = literal::as_double(n);
                    if literal::is_double(x) || datatype == Some(XSD_DOUBLE) {
                        (literal::double(x), datatype.unwrap_or(XSD_DOUBLE))
                    } else {
                        (literal::integer(x), datatype.unwrap_or(XSD_INTEGER))
                    }
                }
                Value::String(s) => (
                    s.clone(),
                    datatype.unwrap_or(if language.is_some() {
                        RDF_LANG_STRING
                    } else {
                        XSD_STRING
                    }),
                ),
                // Only @json values may be null, arrays or objects.
                _ => return Ok(None),
            }
        };

        if let (Some(direction), Some(mode)) = (
            item.get("@direction").and_then(Value::as_str),
            self.options.rdf_direction,
        ) {
            let language = language.map(str::to_ascii_lowercase).unwrap_or_default();
            return Ok(Some(match mode {
                RdfDirection::I18nDatatype => Term::Literal(Literal {
                    value: lexical,
                    datatype: format!("{I18N}{language}_{direction}"),
                    language: None,
                }),
                RdfDirection::CompoundLiteral => {
                    let node = self.fresh_blank();
                    self.push(
                        &node,
                        Term::iri(format!("{RDF}value")),
                        Term::literal(lexical, XSD_STRING),
                        graph,
                    );
                    if item.contains_key("@language") {
                        self.push(
                            &node,
                            Term::iri(format!("{RDF}language")),
                            Term::literal(language, XSD_STRING),
                            graph,
                        );
                    }
                    self.push(
                        &node,
                        Term::iri(format!("{RDF}direction")),
                        Term::literal(direction, XSD_STRING),
                        graph,
                    );
                    node
                }
            }));
        }

        Ok(Some(Term::Literal(Literal {
            value: lexical,
            datatype: datatype.to_owned(),
            language: language.map(str::to_owned),
        })))
    }
}

/// The term of a node identifier of the node map, if well-formed.
fn node_term(id: &str) -> Option<Term> {
    if let Some(label) = id.strip_prefix("_:") {
        Some(Term::blank(label))
    } else if is_absolute_iri(id) {
        Some(Term::iri(id))
    } else {
        None
    }
}

/// Whether `s` is an absolute IRI as RDF can hold it: a scheme, `:`, no
/// character that an IRI (and N-Quads' `IRIREF`) excludes (spaces and other
/// controls, `<>"{}|\^` and the backquote), and at most one `#` (a fragment
/// cannot hold another).
pub(crate) fn is_absolute_iri(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return false;
    };
    let scheme = &bytes[..colon];
    if !scheme.first().is_some_and(u8::is_ascii_alphabetic)
        || !scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return false;
    }
    // Checked for every quad: one table look-up per byte.
    let mut fragment = false;
    for (i, &b) in bytes.iter().enumerate() {
        match IRI_BYTES[usize::from(b)] {
            PLAIN => {}
            HASH if !fragment => fragment = true,
            // U+0080..U+009F (C1 controls) are 0xC2 0x80..0x9F in UTF-8.
            C2 if !bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)) => {}
            _ => return false,
        }
    }
    true
}

const PLAIN: u8 = 0;
const FORBIDDEN: u8 = 1;
const HASH: u8 = 2;
const C2: u8 = 3;

/// What each byte is in an IRI: forbidden (controls, space, `<>"{}|\^`
/// and the backquote), `#` (allowed once), 0xC2 (the first byte of
/// U+0080..U+00BF, some of them controls), or plain.
const IRI_BYTES: [u8; 256] = {
    let mut class = [PLAIN; 256];
    let mut b = 0;
    while b <= 0x20 {
        class[b] = FORBIDDEN;
        b += 1;
    }
    let forbidden = [0x7f, b'<', b'>', b'"', b'{', b'}', b'|', b'\\', b'^', b'`'];
    let mut i = 0;
    while i < forbidden.len() {
        class[forbidden[i] as usize] = FORBIDDEN;
        i += 1;
    }
    class[b'#' as usize] = HASH;
    class[0xc2] = C2;
    class
};

/// Distinct blank nodes of the dataset, whose labels are `b` + a number
/// below `issued`.
fn count_blank_nodes(quads: &Dataset, issued: usize) -> usize {
    let mut seen = vec![false; issued];
    let mut count = 0;
    let mut mark = |term: &Term| {
        if let Some(n) = term
            .as_blank()
            .and_then(|b| b.strip_prefix('b'))
            .and_then(|n| n.parse::<usize>().ok())
        {
            if let Some(slot) = seen.get_mut(n) {
                if !*slot {
                    *slot = true;
                    count += 1;
                }
            }
        }
    };
    for q in quads {
        mark(&q.subject);
        mark(&q.predicate);
        mark(&q.object);
        if let Some(g) = &q.graph {
            mark(g);
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Limit;
    use crate::limits::Limits;
    use crate::rdf::write_quad;
    use serde_json::json;

    fn run(expanded: &Value, options: &JsonLdOptions) -> Result<Dataset, Error> {
        to_rdf(expanded, options, &mut Budget::new(Limits::default()))
    }

    fn lines(d: &Dataset, rename: &dyn Fn(&str) -> String) -> Vec<String> {
        let mut lines: Vec<String> = d
            .iter()
            .map(|q| {
                let mut s = String::new();
                crate::rdf::write_quad_with(&mut s, q, &|out, b| out.push_str(&rename(b)));
                s
            })
            .collect();
        lines.sort();
        lines
    }

    fn labels(text: &str) -> Vec<String> {
        let mut labels: Vec<String> = text
            .split(|c: char| c.is_whitespace())
            .filter_map(|t| t.strip_prefix("_:"))
            .map(str::to_owned)
            .collect();
        labels.sort();
        labels.dedup();
        labels
    }

    /// Whether `ours` is `expected` (canonical N-Quads lines) up to blank
    /// node labels: every bijection is tried (small fixtures only).
    fn same_up_to_blank_nodes(ours: &Dataset, expected: &str) -> bool {
        let mut want: Vec<String> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        want.sort();
        let mut text = String::new();
        for q in ours {
            write_quad(&mut text, q);
        }
        let ours_labels = labels(&text);
        let their_labels = labels(expected);
        if ours_labels.len() != their_labels.len() || ours.len() != want.len() {
            return false;
        }
        let mut order: Vec<usize> = (0..their_labels.len()).collect();
        loop {
            let rename = |b: &str| {
                let i = ours_labels.iter().position(|x| x == b).unwrap_or(0);
                format!("_:{}", their_labels[order[i]])
            };
            if lines(ours, &rename) == want {
                return true;
            }
            if !next_permutation(&mut order) {
                return false;
            }
        }
    }

    fn next_permutation(v: &mut [usize]) -> bool {
        let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
            return false;
        };
        let j = (i..v.len()).rev().find(|&j| v[j] > v[i - 1]).unwrap_or(i);
        v.swap(i - 1, j);
        v[i..].reverse();
        true
    }

    fn check(expanded: Value, options: &JsonLdOptions, expected: &str) {
        let ours = run(&expanded, options).expect("toRdf");
        let mut text = String::new();
        for q in &ours {
            write_quad(&mut text, q);
        }
        assert!(
            same_up_to_blank_nodes(&ours, expected),
            "input {expanded}\n--- ours\n{text}--- expected\n{expected}"
        );
    }

    #[test]
    fn the_comparison_sees_differences() {
        let ours = run(
            &json!([{"http://a.example/p": [{"@id": "_:x"}, {"@value": "v"}]}]),
            &default(),
        )
        .expect("toRdf");
        let right = "_:s <http://a.example/p> _:o .\n_:s <http://a.example/p> \"v\" .";
        assert!(same_up_to_blank_nodes(&ours, right));
        for wrong in [
            "_:s <http://a.example/p> _:s .\n_:s <http://a.example/p> \"v\" .",
            "_:s <http://a.example/p> _:o .\n_:o <http://a.example/p> \"v\" .",
            "_:s <http://a.example/p> _:o .",
            "",
        ] {
            assert!(!same_up_to_blank_nodes(&ours, wrong), "{wrong}");
        }
    }

    fn default() -> JsonLdOptions {
        JsonLdOptions::default()
    }

    const T: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
    const FIRST: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>";
    const REST: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>";
    const NIL: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>";

    #[test]
    fn ill_formed_terms_are_left_out() {
        // toRdf wf01 to wf05 and wf07, expanded by hand.
        for bad in [
            json!([{"@id": "http://example.com/a b", "http://example.com/foo": [{"@value": "bar"}]}]),
            json!([{"@id": "http://example.com/foo", "http://example.com/a b": [{"@value": "bar"}]}]),
            json!([{"@id": "http://example.com/foo",
                    "http://example.com/bar": [{"@id": "http://example.com/baz z"}]}]),
            json!([{"@id": "http://example.com/foo",
                    "http://example.com/bar": [{"@value": "bar", "@language": "a b"}]}]),
            json!([{"@id": "http://example.com/invalid gn",
                    "@graph": [{"@id": "http://example.com/foo",
                                "http://example.com/bar": [{"@value": "baz"}]}]}]),
            json!([{"@id": "relative", "http://example.com/bar": [{"@value": "baz"}]}]),
            json!([{"@id": "http://a.example/s", "relative": [{"@value": "baz"}]}]),
            json!([{"@id": "http://a.example/s",
                    "http://a.example/p": [{"@value": "x", "@type": "relative"}]}]),
            json!([{"@id": "http://a.example/s#a#b", "http://a.example/p": [{"@value": "x"}]}]),
            json!([{"@id": null, "http://a.example/p": [{"@value": "x"}]}]),
        ] {
            check(bad, &default(), "");
        }
        check(
            json!([{"@id": "http://example.com/foo",
                    "@type": ["http://example.com/bar", "http://in valid"]}]),
            &default(),
            &format!("<http://example.com/foo> {T} <http://example.com/bar> ."),
        );
        // toRdf li12: the list stays, without its ill-formed item.
        check(
            json!([{"foo:bar": [{"@list": [{"@id": "http://invalid/<>/test"}]}]}]),
            &default(),
            &format!("_:a <foo:bar> _:l .\n_:l {REST} {NIL} ."),
        );
    }

    #[test]
    fn numbers_and_booleans() {
        // toRdf rt01, 0035 and 0022, expanded by hand.
        check(
            json!([{"http://example.com/number": [
                {"@value": -0.0}, {"@value": 8}, {"@value": 9.9}, {"@value": 1e21}]}]),
            &default(),
            r#"_:b0 <http://example.com/number> "0"^^<http://www.w3.org/2001/XMLSchema#integer> .
               _:b0 <http://example.com/number> "8"^^<http://www.w3.org/2001/XMLSchema#integer> .
               _:b0 <http://example.com/number> "9.9E0"^^<http://www.w3.org/2001/XMLSchema#double> .
               _:b0 <http://example.com/number> "1.0E21"^^<http://www.w3.org/2001/XMLSchema#double> ."#,
        );
        check(
            json!([{
                "http://example.com/double": [
                    {"@value": 1, "@type": "http://www.w3.org/2001/XMLSchema#double"},
                    {"@value": 2.2, "@type": "http://www.w3.org/2001/XMLSchema#double"}],
                "http://example.com/integer": [
                    {"@value": 8, "@type": "http://www.w3.org/2001/XMLSchema#integer"},
                    {"@value": 9.9, "@type": "http://www.w3.org/2001/XMLSchema#integer"}],
                "http://example.com/bool": [
                    {"@value": true}, {"@value": false, "@type": "http://example.com/t"}],
            }]),
            &default(),
            r#"_:b0 <http://example.com/double> "1.0E0"^^<http://www.w3.org/2001/XMLSchema#double> .
               _:b0 <http://example.com/double> "2.2E0"^^<http://www.w3.org/2001/XMLSchema#double> .
               _:b0 <http://example.com/integer> "8"^^<http://www.w3.org/2001/XMLSchema#integer> .
               _:b0 <http://example.com/integer> "9.9E0"^^<http://www.w3.org/2001/XMLSchema#integer> .
               _:b0 <http://example.com/bool> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
               _:b0 <http://example.com/bool> "false"^^<http://example.com/t> ."#,
        );
    }

    #[test]
    fn json_literals() {
        check(
            json!([{"http://example.org/vocab#c14n": [
                {"@value": {"b": [1.0, "é\n"], "a": {"z": null, "A": true}}, "@type": "@json"},
                {"@value": null, "@type": "@json"}]}]),
            &default(),
            r#"_:b0 <http://example.org/vocab#c14n> "{\"a\":{\"A\":true,\"z\":null},\"b\":[1,\"é\\n\"]}"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> .
               _:b0 <http://example.org/vocab#c14n> "null"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> ."#,
        );
    }

    #[test]
    fn directions() {
        // toRdf di09 to di12, and di01's dropping of the direction.
        let input = json!([{"http://example.org/label": [
            {"@value": "no language", "@direction": "rtl"},
            {"@value": "en-US", "@language": "en-US", "@direction": "rtl"}]}]);
        check(
            input.clone(),
            &JsonLdOptions {
                rdf_direction: Some(RdfDirection::I18nDatatype),
                ..default()
            },
            r#"_:a <http://example.org/label> "no language"^^<https://www.w3.org/ns/i18n#_rtl> .
               _:a <http://example.org/label> "en-US"^^<https://www.w3.org/ns/i18n#en-us_rtl> ."#,
        );
        check(
            input.clone(),
            &JsonLdOptions {
                rdf_direction: Some(RdfDirection::CompoundLiteral),
                ..default()
            },
            r#"_:a <http://example.org/label> _:c1 .
               _:c1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> "no language" .
               _:c1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#direction> "rtl" .
               _:a <http://example.org/label> _:c2 .
               _:c2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> "en-US" .
               _:c2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#language> "en-us" .
               _:c2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#direction> "rtl" ."#,
        );
        check(
            input,
            &default(),
            r#"_:a <http://example.org/label> "no language" .
               _:a <http://example.org/label> "en-US"@en-US ."#,
        );
        // One value object twice is one compound literal.
        check(
            json!([{"@id": "http://a.example/s", "http://a.example/p": [
                {"@value": "x", "@direction": "ltr"}, {"@value": "x", "@direction": "ltr"}]}]),
            &JsonLdOptions {
                rdf_direction: Some(RdfDirection::CompoundLiteral),
                ..default()
            },
            r#"<http://a.example/s> <http://a.example/p> _:c .
               _:c <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> "x" .
               _:c <http://www.w3.org/1999/02/22-rdf-syntax-ns#direction> "ltr" ."#,
        );
    }

    #[test]
    fn reverse_properties_and_blank_nodes() {
        // toRdf 0119, expanded by hand: the document's own blank node
        // `_:b0` is relabelled apart from the anonymous node.
        check(
            json!([{
                "@reverse": {"http://example.org/bar": [
                    {"@id": "http://example.org/origin"}, {"@id": "_:b0"}]},
                "http://example.org/foo": [{"@value": "Foo"}]
            }]),
            &default(),
            r#"<http://example.org/origin> <http://example.org/bar> _:x .
               _:x <http://example.org/foo> "Foo" .
               _:y <http://example.org/bar> _:x ."#,
        );
        check(
            json!([{"@id": "_:x", "@type": ["_:t", "http://a.example/T"],
                    "http://a.example/p": [{"@id": "_:t"}]}]),
            &default(),
            &format!(
                "_:x {T} _:t .\n_:x {T} <http://a.example/T> .\n_:x <http://a.example/p> _:t ."
            ),
        );
    }

    #[test]
    fn graphs_and_included() {
        // toRdf 0117: a node with @graph and no @id names its graph with a
        // blank node.
        check(
            json!([{
                "http://example/p0": [{"@id": "http://example/o0"}],
                "@graph": [{"@id": "http://example/s1",
                            "http://example/p1": [{"@id": "http://example/o1"}]}]
            }]),
            &default(),
            r#"<http://example/s1> <http://example/p1> <http://example/o1> _:g .
               _:g <http://example/p0> <http://example/o0> ."#,
        );
        check(
            json!([{"@id": "http://ex/g", "@graph": [{
                "@id": "http://ex/a",
                "@included": [{"@id": "http://ex/b", "http://ex/p": [{"@value": "x"}]}],
                "http://ex/q": [{"@list": [{"@value": 1}]}]
            }]}]),
            &default(),
            &format!(
                r#"<http://ex/b> <http://ex/p> "x" <http://ex/g> .
                   <http://ex/a> <http://ex/q> _:l <http://ex/g> .
                   _:l {FIRST} "1"^^<http://www.w3.org/2001/XMLSchema#integer> <http://ex/g> .
                   _:l {REST} {NIL} <http://ex/g> ."#
            ),
        );
    }

    #[test]
    fn merging_and_duplicates() {
        check(
            json!([
                {"@id": "http://ex/a", "http://ex/p": [{"@value": "x"}], "@index": "i"},
                {"@id": "http://ex/a", "@index": "i", "http://ex/p": [
                    {"@value": "x"}, {"@value": 1}, {"@value": 1.0},
                    {"@value": "x", "@type": "http://www.w3.org/2001/XMLSchema#string"},
                    {"@id": "http://ex/b"}, {"@id": "http://ex/b", "http://ex/r": [{"@value": true}]}]}
            ]),
            &default(),
            r#"<http://ex/a> <http://ex/p> "x" .
               <http://ex/a> <http://ex/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
               <http://ex/a> <http://ex/p> <http://ex/b> .
               <http://ex/b> <http://ex/r> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> ."#,
        );
        let conflict = json!([
            {"@id": "http://ex/a", "@index": "1"},
            {"@id": "http://ex/a", "@index": "2"}
        ]);
        assert_eq!(
            run(&conflict, &default()).map_err(|e| e.code()),
            Err(Some("conflicting indexes"))
        );
    }

    #[test]
    fn lists() {
        // toRdf li01/li02 shapes: lists of lists, empty lists, and lists
        // are never merged.
        check(
            json!([{"@id": "http://example/A", "http://example.com/foo": [
                {"@list": [{"@list": []}, {"@list": [{"@value": "a"}]}]},
                {"@list": []},
                {"@list": []}]}]),
            &default(),
            &format!(
                r#"<http://example/A> <http://example.com/foo> _:l1 .
                   _:l1 {FIRST} {NIL} .
                   _:l1 {REST} _:l2 .
                   _:l2 {FIRST} _:m1 .
                   _:l2 {REST} {NIL} .
                   _:m1 {FIRST} "a" .
                   _:m1 {REST} {NIL} .
                   <http://example/A> <http://example.com/foo> {NIL} ."#
            ),
        );
        check(
            json!([{"@id": "http://example/A", "http://example.com/foo": [
                {"@list": [{"@value": "a"}]}, {"@list": [{"@value": "a"}]}]}]),
            &default(),
            &format!(
                r#"<http://example/A> <http://example.com/foo> _:l1 .
                   _:l1 {FIRST} "a" .
                   _:l1 {REST} {NIL} .
                   <http://example/A> <http://example.com/foo> _:l2 .
                   _:l2 {FIRST} "a" .
                   _:l2 {REST} {NIL} ."#
            ),
        );
    }

    #[test]
    fn blank_node_predicates_only_in_generalized_rdf() {
        let input = json!([{"@id": "ex:node1", "_:b1": [{"@value": "v"}]}]);
        check(input.clone(), &default(), "");
        check(
            input,
            &JsonLdOptions {
                produce_generalized_rdf: true,
                ..default()
            },
            r#"<ex:node1> _:p "v" ."#,
        );
    }

    #[test]
    fn any_input_is_safe() {
        for input in [
            json!("x"),
            json!(3),
            json!(null),
            json!([[[{"@id": 3, "@type": [1, {"x": 2}], "@reverse": 5, "@graph": "g"}]]]),
            json!([{"@value": "x"}]),
            json!([{"@list": [{"@value": 1}]}]),
            json!([{"http://a.example/p": [{"@value": [1, 2]}, {"@value": {"a": 1}},
                    {"@value": "x", "@type": 5}, {"@value": "x", "@language": 5},
                    {"@list": 7}, "plain", 4]}]),
        ] {
            assert!(run(&input, &default()).is_ok(), "{input}");
        }
    }

    #[test]
    fn limits_hold() {
        let mut deep = json!([{"@value": "x"}]);
        for _ in 0..200 {
            deep = json!([{"http://a.example/p": deep}]);
        }
        assert_eq!(run(&deep, &default()), Err(Error::TooComplex(Limit::Depth)));
        let mut deep_list = json!({"@list": []});
        for _ in 0..200 {
            deep_list = json!({"@list": [deep_list]});
        }
        let input = json!([{"http://a.example/p": [deep_list]}]);
        assert_eq!(
            run(&input, &default()),
            Err(Error::TooComplex(Limit::Depth))
        );
        let many: Vec<Value> = (0..30_000).map(|i| json!({"@value": i})).collect();
        let input = json!([{"http://a.example/p": many}]);
        assert_eq!(
            run(&input, &default()),
            Err(Error::TooComplex(Limit::Nodes))
        );
        let mut budget = Budget::new(Limits {
            max_quads: 2,
            ..Limits::default()
        });
        let input = json!([{"http://a.example/p": [{"@value": 1}, {"@value": 2}, {"@value": 3}]}]);
        assert_eq!(
            to_rdf(&input, &default(), &mut budget),
            Err(Error::TooComplex(Limit::Quads))
        );
        let mut budget = Budget::new(Limits {
            max_blank_nodes: 2,
            ..Limits::default()
        });
        let input = json!([{"http://a.example/p": [{"@list": [{"@value": 1}, {"@value": 2}]}]}]);
        assert_eq!(
            to_rdf(&input, &default(), &mut budget),
            Err(Error::TooComplex(Limit::BlankNodes))
        );
    }

    #[test]
    fn iris() {
        for ok in [
            "http://a.example/b?c#d",
            "ex:x",
            "urn:uuid:1234",
            "http://é.example/ü",
        ] {
            assert!(is_absolute_iri(ok), "{ok}");
        }
        for bad in [
            "",
            "relative",
            ":x",
            "1http://x",
            "http://a b",
            "http://a/<b>",
            "http://a/#b#c",
            "http://a/{x}",
            "http://a/\u{85}",
        ] {
            assert!(!is_absolute_iri(bad), "{bad}");
        }
    }
}
