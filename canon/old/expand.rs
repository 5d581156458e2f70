//! One walk over the JSON document producing its RDF quads, following JSON-LD
//! 1.1 Expansion (4.3) and Deserialize JSON-LD to RDF (8.1) together:
//! node objects (blank nodes when they have no `@id`), `@type` with
//! type-scoped contexts (which do not propagate to nested nodes), property-
//! scoped contexts, embedded `@context`s, typed values, `@id` / `@vocab` type
//! coercion, value objects (`@value` with `@type` or a lowercase `@language`),
//! `@json` literals, `@graph` containers (each value becomes a named graph
//! with a blank node name) and a top-level `@graph`. Lists are left to ssi,
//! whose writing of them departs from the standard.
//!
//! Everything is rendered to its N-Quads text as it is produced, so the
//! canonicalisation only concatenates slices.

use crate::context::{expand_iri, Ctx, Keyword, Mapping, Options, TermDef, TypeMapping};
use crate::context::{GRAPH, LIST};
use crate::literal::{self, RDF_JSON, XSD_BOOLEAN, XSD_STRING};
use crate::{unsupported, Canonicalizer, Unsupported};
use serde_json::{Map, Value};
use std::sync::Arc;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// How deep the JSON document may nest.
pub(crate) const MAX_DEPTH: usize = 64;

type R<T> = Result<T, Unsupported>;

/// A term of a quad: a blank node, or rendered N-Quads text (an IRI in angle
/// brackets or a literal) at `start..end` of the dataset's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Blank(u32),
    Text(u32, u32),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Quad {
    pub(crate) s: Part,
    pub(crate) p: Part,
    pub(crate) o: Part,
    pub(crate) g: Option<Part>,
}

/// The quads of a document, their terms rendered into one buffer.
#[derive(Debug, Default)]
pub(crate) struct Dataset {
    pub(crate) buf: String,
    pub(crate) quads: Vec<Quad>,
    pub(crate) blanks: u32,
}

impl Dataset {
    pub(crate) fn text(&self, part: Part) -> &str {
        match part {
            Part::Text(a, b) => self.buf.get(a as usize..b as usize).unwrap_or(""),
            Part::Blank(_) => "",
        }
    }

    fn span(&self, start: usize) -> R<Part> {
        let a = u32::try_from(start).map_err(|_| unsupported())?;
        let b = u32::try_from(self.buf.len()).map_err(|_| unsupported())?;
        Ok(Part::Text(a, b))
    }

    fn iri(&mut self, iri: &str) -> R<Part> {
        let start = self.buf.len();
        self.buf.push('<');
        self.buf.push_str(iri);
        self.buf.push('>');
        self.span(start)
    }

    fn literal(&mut self, lexical: &str, datatype: &str, language: Option<&str>) -> R<Part> {
        let start = self.buf.len();
        literal::write_literal(&mut self.buf, lexical, datatype, language)
            .ok_or_else(|| unsupported())?;
        self.span(start)
    }

    fn blank(&mut self) -> R<Part> {
        let b = self.blanks;
        self.blanks = b.checked_add(1).ok_or_else(|| unsupported())?;
        Ok(Part::Blank(b))
    }

    fn emit(&mut self, s: Part, p: Part, o: Part, g: Option<Part>) {
        self.quads.push(Quad { s, p, o, g });
    }
}

/// What a key of a map means in the active context.
#[derive(Clone)]
enum Kind {
    Keyword(Keyword),
    Property(Arc<TermDef>),
}

fn keyword_of(ctx: &Ctx, key: &str) -> Option<Keyword> {
    if key.starts_with('@') {
        return Keyword::parse(key);
    }
    match ctx.term(key).map(|d| &d.mapping) {
        Some(Mapping::Keyword(k)) => Some(*k),
        _ => None,
    }
}

/// Keys are terms or keywords; anything else (undefined terms, which ssi
/// refuses, compact IRIs and absolute IRIs as keys) is unsupported.
fn classify(ctx: &Ctx, key: &str) -> R<Kind> {
    if key.starts_with('@') {
        return Keyword::parse(key)
            .map(Kind::Keyword)
            .ok_or_else(|| unsupported());
    }
    let def = ctx.term(key).ok_or_else(|| unsupported())?;
    match &def.mapping {
        Mapping::Keyword(k) => Ok(Kind::Keyword(*k)),
        Mapping::Iri(_) => Ok(Kind::Property(def.clone())),
        Mapping::Null => Err(unsupported()),
    }
}

fn classify_all<'v>(
    ctx: &Ctx,
    keys: &[(&'v str, &'v Value, Option<Keyword>)],
) -> R<Vec<(&'v str, &'v Value, Kind)>> {
    keys.iter()
        .map(|(k, v, _)| Ok((*k, *v, classify(ctx, k)?)))
        .collect()
}

/// What a map turned out to be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Node,
    Value,
}

pub(crate) struct Walker<'c> {
    canon: &'c Canonicalizer,
    pub(crate) ds: Dataset,
}

impl<'c> Walker<'c> {
    pub(crate) fn new(canon: &'c Canonicalizer) -> Self {
        Self {
            canon,
            ds: Dataset {
                buf: String::with_capacity(4096),
                quads: Vec::with_capacity(64),
                blanks: 0,
            },
        }
    }

    pub(crate) fn document(&mut self, doc: &Value) -> R<()> {
        let initial = self.canon.initial.clone();
        match doc {
            Value::Object(m) => {
                self.node(&initial, None, m, None, 1, true)?;
            }
            Value::Array(items) => {
                for item in items {
                    let Value::Object(m) = item else {
                        return Err(unsupported());
                    };
                    self.node(&initial, None, m, None, 2, true)?;
                }
            }
            _ => return Err(unsupported()),
        }
        Ok(())
    }

    /// Expands the map `m`, the value of `prop` (the key and its definition
    /// in `ctx`), or a top-level object (`top`), in graph `graph`. Returns the
    /// term standing for it and what it was.
    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        ctx: &Arc<Ctx>,
        prop: Option<(&str, &Arc<TermDef>)>,
        m: &Map<String, Value>,
        graph: Option<Part>,
        depth: usize,
        top: bool,
    ) -> R<(Part, Shape)> {
        if depth > MAX_DEPTH {
            return Err(unsupported());
        }
        let mut ctx = ctx.clone();
        // Expansion step 7: type-scoped contexts do not apply to new node
        // objects (value objects and bare references excepted).
        if let Some(previous) = &ctx.previous {
            let is_value = m
                .keys()
                .any(|k| keyword_of(&ctx, k) == Some(Keyword::Value));
            let only_id =
                m.len() == 1 && m.keys().all(|k| keyword_of(&ctx, k) == Some(Keyword::Id));
            if !is_value && !only_id {
                ctx = previous.clone();
            }
        }
        // Step 8: the property-scoped context.
        if let Some((_, def)) = prop {
            if let Some(scoped) = &def.scoped {
                ctx = self.canon.scoped(&ctx, scoped, Options::PROPERTY_SCOPED)?;
            }
        }
        // Step 9: an embedded context.
        if let Some(local) = m.get("@context") {
            ctx = self.canon.embedded(&ctx, local)?;
        }
        // Keywords (and their aliases) before type-scoped contexts apply;
        // other keys may only be defined by those contexts.
        let mut keys: Vec<(&str, &Value, Option<Keyword>)> = Vec::with_capacity(m.len());
        for (k, v) in m {
            if k != "@context" {
                keys.push((k.as_str(), v, keyword_of(&ctx, k)));
            }
        }
        let has = |kw: Keyword| keys.iter().any(|(_, _, k)| *k == Some(kw));
        if has(Keyword::Value) {
            if top || m.contains_key("@context") {
                return Err(unsupported());
            }
            let entries = classify_all(&ctx, &keys)?;
            let part = self.value_object(&ctx, &entries)?;
            return Ok((part, Shape::Value));
        }
        if has(Keyword::List) || has(Keyword::Set) {
            // Lists are left to ssi (see `property`); `@set` objects too.
            return Err(unsupported());
        }
        if has(Keyword::Graph) {
            // Only a top-level {"@context": .., "@graph": [..]}.
            let [(_, nodes, Some(Keyword::Graph))] = keys.as_slice() else {
                return Err(unsupported());
            };
            if !top {
                return Err(unsupported());
            }
            let nodes: &[Value] = match nodes {
                Value::Array(items) => items,
                other => std::slice::from_ref(*other),
            };
            for item in nodes {
                let Value::Object(n) = item else {
                    return Err(unsupported());
                };
                self.node(&ctx, None, n, None, depth + 1, true)?;
            }
            // Nothing refers to the container itself.
            return Ok((self.ds.blank()?, Shape::Node));
        }

        // Step 11: type-scoped contexts, by key then by value in
        // lexicographic order, looked up in the context before any of them.
        let type_ctx = ctx.clone();
        let mut type_entries: Vec<(&str, &Value)> = keys
            .iter()
            .filter(|(_, _, k)| *k == Some(Keyword::Type))
            .map(|(k, v, _)| (*k, *v))
            .collect();
        type_entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut types: Vec<&str> = Vec::new();
        for (_, v) in &type_entries {
            let start = types.len();
            match v {
                Value::String(t) => types.push(t),
                Value::Array(items) => {
                    for item in items {
                        types.push(item.as_str().ok_or_else(|| unsupported())?);
                    }
                }
                _ => return Err(unsupported()),
            }
            let mut sorted: Vec<&str> = types[start..].to_vec();
            sorted.sort_unstable();
            for t in sorted {
                if let Some(scoped) = type_ctx.term(t).and_then(|d| d.scoped.as_ref()) {
                    ctx = self.canon.scoped(&ctx, scoped, Options::TYPE_SCOPED)?;
                }
            }
        }
        let entries = classify_all(&ctx, &keys)?;
        if entries
            .iter()
            .filter(|(_, _, k)| matches!(k, Kind::Keyword(Keyword::Type)))
            .count()
            != type_entries.len()
        {
            return Err(unsupported());
        }

        // The subject.
        let mut subject = None;
        for (_, v, kind) in &entries {
            if let Kind::Keyword(Keyword::Id) = kind {
                if subject.is_some() {
                    return Err(unsupported());
                }
                let id = v.as_str().ok_or_else(|| unsupported())?;
                let iri = expand_iri(&ctx, id, false)?;
                subject = Some(self.ds.iri(&iri)?);
            }
        }
        let subject = match subject {
            Some(s) => s,
            None => self.ds.blank()?,
        };

        if !types.is_empty() {
            let rdf_type = self.ds.iri(RDF_TYPE)?;
            for t in &types {
                let iri = expand_iri(&type_ctx, t, true)?;
                let o = self.ds.iri(&iri)?;
                self.ds.emit(subject, rdf_type, o, graph);
            }
        }

        for (key, value, kind) in &entries {
            match kind {
                Kind::Keyword(Keyword::Id | Keyword::Type) => {}
                Kind::Keyword(_) => return Err(unsupported()),
                Kind::Property(def) => {
                    self.property(&ctx, subject, key, def, value, graph, depth)?;
                }
            }
        }
        Ok((subject, Shape::Node))
    }

    /// The values of property `key` (defined by `def`) of `subject`.
    #[allow(clippy::too_many_arguments)]
    fn property(
        &mut self,
        ctx: &Arc<Ctx>,
        subject: Part,
        key: &str,
        def: &Arc<TermDef>,
        value: &Value,
        graph: Option<Part>,
        depth: usize,
    ) -> R<()> {
        let Mapping::Iri(predicate) = &def.mapping else {
            return Err(unsupported());
        };
        let p = self.ds.iri(predicate)?;
        if def.type_mapping == Some(TypeMapping::Json) {
            let o = self.json_literal(value)?;
            self.ds.emit(subject, p, o, graph);
            return Ok(());
        }
        if def.container & LIST != 0 {
            // ssi 0.16 writes lists unlike the standard (a fresh blank node
            // where rdf:nil belongs, literal items dropped): left to it.
            return if value.is_null() {
                Ok(())
            } else {
                Err(unsupported())
            };
        }
        self.values(ctx, subject, p, key, def, value, graph, depth + 1)
    }

    #[allow(clippy::too_many_arguments)]
    fn values(
        &mut self,
        ctx: &Arc<Ctx>,
        subject: Part,
        p: Part,
        key: &str,
        def: &Arc<TermDef>,
        value: &Value,
        graph: Option<Part>,
        depth: usize,
    ) -> R<()> {
        if depth > MAX_DEPTH {
            return Err(unsupported());
        }
        match value {
            Value::Null => Ok(()),
            Value::Array(items) => {
                for item in items {
                    self.values(ctx, subject, p, key, def, item, graph, depth + 1)?;
                }
                Ok(())
            }
            Value::Object(m) if def.container & GRAPH != 0 => {
                // Each value becomes a named graph, named by a new blank node.
                let name = self.ds.blank()?;
                let before = self.ds.quads.len();
                let (_, shape) =
                    self.node(ctx, Some((key, def)), m, Some(name), depth + 1, false)?;
                if shape != Shape::Node || self.ds.quads.len() == before {
                    return Err(unsupported());
                }
                self.ds.emit(subject, p, name, graph);
                Ok(())
            }
            _ if def.container & GRAPH != 0 => Err(unsupported()),
            Value::Object(m) => {
                let (o, _) = self.node(ctx, Some((key, def)), m, graph, depth + 1, false)?;
                self.ds.emit(subject, p, o, graph);
                Ok(())
            }
            scalar => {
                let o = self.scalar(ctx, key, def, scalar)?;
                self.ds.emit(subject, p, o, graph);
                Ok(())
            }
        }
    }

    /// A scalar value of property `key` (Value Expansion, then Object to RDF).
    fn scalar(&mut self, ctx: &Arc<Ctx>, key: &str, def: &Arc<TermDef>, value: &Value) -> R<Part> {
        // Step 4: a property-scoped context applies to scalars too, and the
        // term is looked up again in it.
        let (ctx, def) = match &def.scoped {
            Some(scoped) => {
                let c = self.canon.scoped(ctx, scoped, Options::PROPERTY_SCOPED)?;
                let d = c.term(key).cloned().ok_or_else(|| unsupported())?;
                (c, d)
            }
            None => (ctx.clone(), def.clone()),
        };
        match (&def.type_mapping, value) {
            (Some(TypeMapping::Id), Value::String(s)) => {
                let iri = expand_iri(&ctx, s, false)?;
                self.ds.iri(&iri)
            }
            (Some(TypeMapping::Vocab), Value::String(s)) => {
                let iri = expand_iri(&ctx, s, true)?;
                self.ds.iri(&iri)
            }
            (Some(TypeMapping::Json), _) => Err(unsupported()),
            (Some(TypeMapping::Iri(dt)), v) => self.typed(v, Some(dt)),
            (_, v) => self.typed(v, None),
        }
    }

    /// A literal for a JSON scalar with an optional datatype.
    fn typed(&mut self, value: &Value, datatype: Option<&str>) -> R<Part> {
        match value {
            Value::String(s) => self.ds.literal(s, datatype.unwrap_or(XSD_STRING), None),
            Value::Bool(b) => match datatype {
                None | Some(XSD_BOOLEAN) => {
                    self.ds
                        .literal(if *b { "true" } else { "false" }, XSD_BOOLEAN, None)
                }
                Some(_) => Err(unsupported()),
            },
            Value::Number(n) => {
                let (lexical, dt) = literal::number(n, datatype).ok_or_else(|| unsupported())?;
                self.ds.literal(&lexical, &dt, None)
            }
            _ => Err(unsupported()),
        }
    }

    fn json_literal(&mut self, value: &Value) -> R<Part> {
        let mut text = String::new();
        literal::json_canonical(value, &mut text, 0).ok_or_else(|| unsupported())?;
        self.ds.literal(&text, RDF_JSON, None)
    }

    /// A value object: `@value` with `@type` or `@language`.
    fn value_object(&mut self, ctx: &Arc<Ctx>, entries: &[(&str, &Value, Kind)]) -> R<Part> {
        let (mut value, mut ty, mut language) = (None, None, None);
        for (_, v, kind) in entries {
            let slot = match kind {
                Kind::Keyword(Keyword::Value) => &mut value,
                Kind::Keyword(Keyword::Type) => &mut ty,
                Kind::Keyword(Keyword::Language) => &mut language,
                _ => return Err(unsupported()),
            };
            if slot.replace(*v).is_some() {
                return Err(unsupported());
            }
        }
        let value = value.ok_or_else(|| unsupported())?;
        match (ty, language) {
            (None, None) => match value {
                Value::Array(_) | Value::Object(_) | Value::Null => Err(unsupported()),
                v => self.typed(v, None),
            },
            (Some(Value::String(t)), None) => {
                if t == "@json" {
                    return self.json_literal(value);
                }
                if ctx.term(t).is_some_and(|d| d.scoped.is_some()) {
                    return Err(unsupported());
                }
                let dt = expand_iri(ctx, t, true)?;
                match value {
                    Value::Array(_) | Value::Object(_) | Value::Null => Err(unsupported()),
                    v => self.typed(v, Some(&dt)),
                }
            }
            (None, Some(Value::String(tag))) => {
                let Value::String(s) = value else {
                    return Err(unsupported());
                };
                if !literal::language_ok(tag) {
                    return Err(unsupported());
                }
                self.ds.literal(s, XSD_STRING, Some(tag))
            }
            _ => Err(unsupported()),
        }
    }
}
