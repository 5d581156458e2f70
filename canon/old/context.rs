//! JSON-LD 1.1 context processing (the "Context Processing" and "Create Term
//! Definition" algorithms) for the features the allowed contexts use: term
//! definitions with `@id` (IRIs, compact IRIs, keyword aliases), `@type`
//! (`@id`, `@vocab`, `@json`, `@none`, datatype IRIs), `@container` (`@set`,
//! `@list`, `@graph`), `@protected`, `@prefix`, property- and type-scoped
//! contexts (`@context` on a term, including `null`), `@propagate`,
//! `@version`, remote contexts (from the documents given to the
//! canonicalizer; nothing is fetched) and `null` contexts.
//!
//! Anything else (`@vocab`, `@base`, `@language`, `@direction`, `@import`,
//! `@reverse`, `@nest`, `@index`, other containers, blank-node term IRIs,
//! relative IRIs...) is [`Unsupported`]: the document goes to the full
//! processor. So are the errors the algorithms define (protected term
//! redefinitions, cyclic definitions, invalid values): the full processor
//! reports them its own way.

use crate::iri::is_absolute_iri;
use crate::{unsupported, Unsupported};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How deep context processing may recurse (remote contexts, scoped
/// contexts validated inside term definitions).
const MAX_CONTEXT_DEPTH: usize = 32;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// The JSON-LD keywords this route recognises in documents and contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    Base,
    Container,
    Context,
    Default,
    Direction,
    Embed,
    Explicit,
    Graph,
    Id,
    Import,
    Included,
    Index,
    Json,
    Language,
    List,
    Nest,
    None,
    OmitDefault,
    Prefix,
    Preserve,
    Propagate,
    Protected,
    RequireAll,
    Reverse,
    Set,
    Type,
    Value,
    Version,
    Vocab,
}

impl Keyword {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "@base" => Self::Base,
            "@container" => Self::Container,
            "@context" => Self::Context,
            "@default" => Self::Default,
            "@direction" => Self::Direction,
            "@embed" => Self::Embed,
            "@explicit" => Self::Explicit,
            "@graph" => Self::Graph,
            "@id" => Self::Id,
            "@import" => Self::Import,
            "@included" => Self::Included,
            "@index" => Self::Index,
            "@json" => Self::Json,
            "@language" => Self::Language,
            "@list" => Self::List,
            "@nest" => Self::Nest,
            "@none" => Self::None,
            "@omitDefault" => Self::OmitDefault,
            "@prefix" => Self::Prefix,
            "@preserve" => Self::Preserve,
            "@propagate" => Self::Propagate,
            "@protected" => Self::Protected,
            "@requireAll" => Self::RequireAll,
            "@reverse" => Self::Reverse,
            "@set" => Self::Set,
            "@type" => Self::Type,
            "@value" => Self::Value,
            "@version" => Self::Version,
            "@vocab" => Self::Vocab,
            _ => return None,
        })
    }
}

/// `@` followed by ASCII letters only: reserved for future keywords.
pub(crate) fn has_keyword_form(s: &str) -> bool {
    s.len() > 1 && s.starts_with('@') && s[1..].bytes().all(|b| b.is_ascii_alphabetic())
}

/// The IRI mapping of a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mapping {
    /// Explicitly `null`: the term is decoupled from any IRI.
    Null,
    Keyword(Keyword),
    /// An absolute IRI (checked by [`is_absolute_iri`]).
    Iri(Arc<str>),
}

/// The type mapping of a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeMapping {
    Id,
    Vocab,
    Json,
    None,
    /// A datatype IRI.
    Iri(Arc<str>),
}

/// Container flags.
pub(crate) const LIST: u8 = 1;
pub(crate) const SET: u8 = 2;
pub(crate) const GRAPH: u8 = 4;

/// A scoped context attached to a term, kept as written with the URL of
/// the document it comes from.
#[derive(Debug)]
pub(crate) struct Scoped {
    /// Unique, to key the cache of contexts derived from it.
    pub(crate) id: u64,
    pub(crate) value: Value,
    pub(crate) base_url: Option<Arc<str>>,
}

#[derive(Debug)]
pub(crate) struct TermDef {
    pub(crate) mapping: Mapping,
    pub(crate) prefix: bool,
    pub(crate) protected: bool,
    pub(crate) type_mapping: Option<TypeMapping>,
    pub(crate) container: u8,
    pub(crate) scoped: Option<Arc<Scoped>>,
}

impl TermDef {
    /// The same definition, the protected flag aside. Scoped contexts are the
    /// same only when they come from the same remote document with the same
    /// text; anything less certain counts as different.
    fn same_as(&self, other: &TermDef) -> bool {
        let scoped_same = match (&self.scoped, &other.scoped) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.base_url.is_some() && a.base_url == b.base_url && a.value == b.value
            }
            _ => false,
        };
        scoped_same
            && self.mapping == other.mapping
            && self.prefix == other.prefix
            && self.type_mapping == other.type_mapping
            && self.container == other.container
    }
}

/// A fast hash for term names (FxHash): term maps are built from the
/// context documents and inline contexts of at most 16 KiB, and only looked
/// up with document keys, so flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub(crate) struct TermHasher(u64);

impl Hasher for TermHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0xf135_7aea_2e62_a9c5);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type Terms = HashMap<Box<str>, Arc<TermDef>, BuildHasherDefault<TermHasher>>;

/// An active context. Immutable once built; shared through `Arc` and cached.
#[derive(Debug)]
pub(crate) struct Ctx {
    /// Unique, to key the caches.
    pub(crate) id: u64,
    pub(crate) terms: Terms,
    /// The context to revert to for new node objects, set by type-scoped
    /// contexts (which do not propagate).
    pub(crate) previous: Option<Arc<Ctx>>,
}

impl Ctx {
    pub(crate) fn initial() -> Self {
        Self {
            id: 0,
            terms: Terms::default(),
            previous: None,
        }
    }

    pub(crate) fn term(&self, name: &str) -> Option<&Arc<TermDef>> {
        self.terms.get(name)
    }

    fn has_protected(&self) -> bool {
        self.terms.values().any(|t| t.protected)
    }
}

/// A context being built.
struct Builder {
    terms: Terms,
    previous: Option<Arc<Ctx>>,
}

impl Builder {
    fn from(ctx: &Ctx) -> Self {
        Self {
            terms: ctx.terms.clone(),
            previous: ctx.previous.clone(),
        }
    }

    fn finish(self) -> Ctx {
        Ctx {
            id: next_id(),
            terms: self.terms,
            previous: self.previous,
        }
    }
}

/// The remote context documents: URL -> the value of their `@context`.
pub(crate) type Documents = HashMap<String, Value>;

/// Options of one run of the context processing algorithm.
#[derive(Clone, Copy)]
pub(crate) struct Options {
    pub(crate) override_protected: bool,
    pub(crate) propagate: bool,
    pub(crate) validate_scoped: bool,
}

impl Options {
    pub(crate) const DEFAULT: Options = Options {
        override_protected: false,
        propagate: true,
        validate_scoped: true,
    };
    pub(crate) const PROPERTY_SCOPED: Options = Options {
        override_protected: true,
        propagate: true,
        validate_scoped: true,
    };
    pub(crate) const TYPE_SCOPED: Options = Options {
        override_protected: false,
        propagate: false,
        validate_scoped: true,
    };
}

/// The Context Processing algorithm (JSON-LD 1.1 API, 4.1.2).
pub(crate) fn process(
    docs: &Documents,
    active: &Arc<Ctx>,
    local: &Value,
    base_url: Option<&Arc<str>>,
    remote: &[Arc<str>],
    options: Options,
    depth: usize,
) -> Result<Ctx, Unsupported> {
    if depth > MAX_CONTEXT_DEPTH {
        return Err(unsupported());
    }
    let mut result = Builder::from(active);
    let mut propagate = options.propagate;
    if let Value::Object(map) = local {
        if let Some(p) = map.get("@propagate") {
            propagate = p.as_bool().ok_or_else(|| unsupported())?;
        }
    }
    if !propagate && result.previous.is_none() {
        result.previous = Some(active.clone());
    }
    let contexts: &[Value] = match local {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    };
    for context in contexts {
        match context {
            Value::Null => {
                if !options.override_protected
                    && (active.has_protected() || result.terms.values().any(|t| t.protected))
                {
                    return Err(unsupported());
                }
                let previous = if propagate {
                    None
                } else {
                    result.previous.take()
                };
                result = Builder {
                    terms: Terms::default(),
                    previous,
                };
            }
            Value::String(url) => {
                // Relative context references would need the document's base.
                if !is_absolute_iri(url) {
                    return Err(unsupported());
                }
                if !options.validate_scoped && remote.iter().any(|r| &**r == url.as_str()) {
                    continue;
                }
                if remote.len() >= MAX_CONTEXT_DEPTH {
                    return Err(unsupported());
                }
                let loaded = docs.get(url.as_str()).ok_or_else(|| unsupported())?;
                let url: Arc<str> = Arc::from(url.as_str());
                let mut remote = remote.to_vec();
                remote.push(url.clone());
                let current = Arc::new(result.finish());
                let processed = process(
                    docs,
                    &current,
                    loaded,
                    Some(&url),
                    &remote,
                    Options {
                        override_protected: false,
                        propagate: true,
                        validate_scoped: options.validate_scoped,
                    },
                    depth + 1,
                )?;
                result = Builder {
                    terms: processed.terms,
                    previous: processed.previous,
                };
            }
            Value::Object(map) => {
                result = process_map(docs, result, map, base_url, remote, options, depth)?;
            }
            _ => return Err(unsupported()),
        }
    }
    Ok(result.finish())
}

/// Steps 5.5 to 5.13: a context definition (a map).
#[allow(clippy::too_many_arguments)]
fn process_map(
    docs: &Documents,
    result: Builder,
    map: &Map<String, Value>,
    base_url: Option<&Arc<str>>,
    remote: &[Arc<str>],
    options: Options,
    depth: usize,
) -> Result<Builder, Unsupported> {
    if let Some(v) = map.get("@version") {
        if v.as_f64() != Some(1.1) {
            return Err(unsupported());
        }
    }
    for keyword in ["@import", "@base", "@vocab", "@language", "@direction"] {
        if map.contains_key(keyword) {
            return Err(unsupported());
        }
    }
    let protected = match map.get("@protected") {
        Some(p) => p.as_bool().ok_or_else(|| unsupported())?,
        None => false,
    };
    let mut result = result;
    let mut defined: HashMap<&str, bool> = HashMap::new();
    let mut env = DefineEnv {
        docs,
        local: map,
        base_url,
        remote,
        protected,
        override_protected: options.override_protected,
        depth,
    };
    for key in map.keys() {
        match key.as_str() {
            "@version" | "@propagate" | "@protected" => continue,
            _ => create_term(&mut env, &mut result, &mut defined, key)?,
        }
    }
    Ok(result)
}

struct DefineEnv<'a> {
    docs: &'a Documents,
    local: &'a Map<String, Value>,
    base_url: Option<&'a Arc<str>>,
    remote: &'a [Arc<str>],
    protected: bool,
    override_protected: bool,
    depth: usize,
}

/// What IRI expansion yields inside context processing.
enum Expanded {
    Keyword(Keyword),
    Iri(String),
}

/// The Create Term Definition algorithm (4.2.2), for the supported features.
fn create_term<'a>(
    env: &mut DefineEnv<'a>,
    result: &mut Builder,
    defined: &mut HashMap<&'a str, bool>,
    term: &'a str,
) -> Result<(), Unsupported> {
    match defined.get(term) {
        Some(true) => return Ok(()),
        // A cyclic IRI mapping.
        Some(false) => return Err(unsupported()),
        None => {}
    }
    if term.is_empty() || term.starts_with('@') {
        // Keywords cannot be redefined here (`@type` definitions are a 1.1
        // feature left to the full processor); keyword-like terms are ignored
        // with a warning by the standard: both go to the full processor.
        return Err(unsupported());
    }
    defined.insert(term, false);
    let value = env.local.get(term).ok_or_else(|| unsupported())?;
    let previous = result.terms.remove(term);

    let (map, simple_term): (std::borrow::Cow<'_, Map<String, Value>>, bool) = match value {
        Value::Null => {
            let mut m = Map::new();
            m.insert("@id".to_owned(), Value::Null);
            (std::borrow::Cow::Owned(m), false)
        }
        Value::String(s) => {
            let mut m = Map::new();
            m.insert("@id".to_owned(), Value::String(s.clone()));
            (std::borrow::Cow::Owned(m), true)
        }
        Value::Object(m) => (std::borrow::Cow::Borrowed(m), false),
        _ => return Err(unsupported()),
    };

    for key in map.keys() {
        match key.as_str() {
            "@id" | "@type" | "@container" | "@context" | "@protected" | "@prefix" => {}
            _ => return Err(unsupported()),
        }
    }

    let protected = match map.get("@protected") {
        Some(p) => p.as_bool().ok_or_else(|| unsupported())?,
        None => env.protected,
    };

    let type_mapping = match map.get("@type") {
        None => None,
        Some(Value::String(t)) => Some(match expand_iri_in_context(env, result, defined, t)? {
            Expanded::Keyword(Keyword::Id) => TypeMapping::Id,
            Expanded::Keyword(Keyword::Vocab) => TypeMapping::Vocab,
            Expanded::Keyword(Keyword::Json) => TypeMapping::Json,
            Expanded::Keyword(Keyword::None) => TypeMapping::None,
            Expanded::Keyword(_) => return Err(unsupported()),
            Expanded::Iri(iri) => TypeMapping::Iri(Arc::from(iri)),
        }),
        Some(_) => return Err(unsupported()),
    };

    let mut prefix = false;
    let mapping = match map.get("@id") {
        Some(id) if id.as_str() != Some(term) => match id {
            Value::Null => Mapping::Null,
            Value::String(id) => {
                if Keyword::parse(id).is_none() && has_keyword_form(id) {
                    return Err(unsupported());
                }
                let mapping = match expand_iri_in_context(env, result, defined, id)? {
                    Expanded::Keyword(Keyword::Context) => return Err(unsupported()),
                    Expanded::Keyword(k) => Mapping::Keyword(k),
                    Expanded::Iri(iri) => Mapping::Iri(Arc::from(iri)),
                };
                let inner_colon = term
                    .char_indices()
                    .any(|(i, c)| c == ':' && i > 0 && i + 1 < term.len());
                if inner_colon || term.contains('/') {
                    defined.insert(term, true);
                    let again = expand_iri_in_context(env, result, defined, term)?;
                    let same = match (&again, &mapping) {
                        (Expanded::Iri(a), Mapping::Iri(b)) => a.as_str() == &**b,
                        (Expanded::Keyword(a), Mapping::Keyword(b)) => a == b,
                        _ => false,
                    };
                    if !same {
                        return Err(unsupported());
                    }
                }
                if !term.contains(':') && !term.contains('/') && simple_term {
                    if let Mapping::Iri(iri) = &mapping {
                        prefix = iri.ends_with([':', '/', '?', '#', '[', ']', '@']);
                    }
                }
                mapping
            }
            _ => return Err(unsupported()),
        },
        _ => {
            // No @id (or @id equal to the term).
            if let Some((colon, _)) = term.char_indices().skip(1).find(|(_, c)| *c == ':') {
                let (p, suffix) = (&term[..colon], &term[colon + 1..]);
                if p == "_" {
                    return Err(unsupported());
                }
                if env.local.contains_key(p) && !suffix.starts_with("//") {
                    create_term(env, result, defined, p_static(env, p))?;
                }
                match result.terms.get(p).map(|d| &d.mapping) {
                    _ if suffix.starts_with("//") => {
                        if !is_absolute_iri(term) {
                            return Err(unsupported());
                        }
                        Mapping::Iri(Arc::from(term))
                    }
                    Some(Mapping::Iri(iri)) => {
                        let full = format!("{iri}{suffix}");
                        if !is_absolute_iri(&full) {
                            return Err(unsupported());
                        }
                        Mapping::Iri(Arc::from(full))
                    }
                    Some(_) => return Err(unsupported()),
                    None => {
                        if !is_absolute_iri(term) {
                            return Err(unsupported());
                        }
                        Mapping::Iri(Arc::from(term))
                    }
                }
            } else {
                // A relative IRI, or a term needing @vocab.
                return Err(unsupported());
            }
        }
    };

    let container = match map.get("@container") {
        None => 0,
        Some(c) => container_flags(c)?,
    };
    if container & GRAPH != 0 && container & LIST != 0 {
        return Err(unsupported());
    }

    let scoped = match map.get("@context") {
        None => None,
        Some(ctx) => {
            // Step 21.3: the scoped context must itself be valid.
            let current = Arc::new(
                Builder {
                    terms: result.terms.clone(),
                    previous: result.previous.clone(),
                }
                .finish(),
            );
            process(
                env.docs,
                &current,
                ctx,
                env.base_url,
                env.remote,
                Options {
                    override_protected: true,
                    propagate: true,
                    validate_scoped: false,
                },
                env.depth + 1,
            )?;
            Some(Arc::new(Scoped {
                id: next_id(),
                value: ctx.clone(),
                base_url: env.base_url.cloned(),
            }))
        }
    };

    if let Some(p) = map.get("@prefix") {
        let p = p.as_bool().ok_or_else(|| unsupported())?;
        if term.contains(':') || term.contains('/') {
            return Err(unsupported());
        }
        if p && matches!(mapping, Mapping::Keyword(_)) {
            return Err(unsupported());
        }
        prefix = p;
    }

    let mut definition = TermDef {
        mapping,
        prefix,
        protected,
        type_mapping,
        container,
        scoped,
    };

    if let Some(previous) = previous {
        if !env.override_protected && previous.protected {
            if !definition.same_as(&previous) {
                // A protected term redefinition.
                return Err(unsupported());
            }
            definition.protected = true;
            // Keep the previous definition (same content, protected).
            result.terms.insert(Box::from(term), previous);
            defined.insert(term, true);
            return Ok(());
        }
    }
    result.terms.insert(Box::from(term), Arc::new(definition));
    defined.insert(term, true);
    Ok(())
}

/// The key of the local context equal to `p` (to borrow it for `'a`).
fn p_static<'a>(env: &DefineEnv<'a>, p: &str) -> &'a str {
    env.local
        .get_key_value(p)
        .map(|(k, _)| k.as_str())
        .unwrap_or("")
}

fn container_flags(c: &Value) -> Result<u8, Unsupported> {
    let one = |s: &str| -> Result<u8, Unsupported> {
        match s {
            "@list" => Ok(LIST),
            "@set" => Ok(SET),
            "@graph" => Ok(GRAPH),
            _ => Err(unsupported()),
        }
    };
    match c {
        Value::String(s) => one(s),
        Value::Array(items) => {
            let mut flags = 0;
            for item in items {
                let f = one(item.as_str().ok_or_else(|| unsupported())?)?;
                if flags & f != 0 {
                    return Err(unsupported());
                }
                flags |= f;
            }
            if flags & LIST != 0 && flags != LIST {
                return Err(unsupported());
            }
            Ok(flags)
        }
        _ => Err(unsupported()),
    }
}

/// IRI Expansion (4.4) inside context processing (`vocab` true, with the
/// local context and the `defined` map). No `@vocab` or base IRI are ever
/// set, so what is neither a term, a keyword, a compact IRI nor an absolute
/// IRI is unsupported.
fn expand_iri_in_context<'a>(
    env: &mut DefineEnv<'a>,
    result: &mut Builder,
    defined: &mut HashMap<&'a str, bool>,
    value: &str,
) -> Result<Expanded, Unsupported> {
    if let Some(k) = Keyword::parse(value) {
        return Ok(Expanded::Keyword(k));
    }
    if has_keyword_form(value) {
        return Err(unsupported());
    }
    if env.local.contains_key(value) && defined.get(value) != Some(&true) {
        create_term(env, result, defined, p_static(env, value))?;
    }
    if let Some(def) = result.terms.get(value) {
        return match &def.mapping {
            Mapping::Keyword(k) => Ok(Expanded::Keyword(*k)),
            Mapping::Iri(iri) => Ok(Expanded::Iri(iri.to_string())),
            Mapping::Null => Err(unsupported()),
        };
    }
    if let Some(colon) = value.get(1..).and_then(|v| v.find(':')).map(|i| i + 1) {
        let (p, suffix) = (&value[..colon], &value[colon + 1..]);
        if p == "_" {
            return Err(unsupported());
        }
        if suffix.starts_with("//") {
            return if is_absolute_iri(value) {
                Ok(Expanded::Iri(value.to_owned()))
            } else {
                Err(unsupported())
            };
        }
        if env.local.contains_key(p) && defined.get(p) != Some(&true) {
            create_term(env, result, defined, p_static(env, p))?;
        }
        if let Some(def) = result.terms.get(p) {
            if def.prefix {
                if let Mapping::Iri(iri) = &def.mapping {
                    let full = format!("{iri}{suffix}");
                    return if is_absolute_iri(&full) {
                        Ok(Expanded::Iri(full))
                    } else {
                        Err(unsupported())
                    };
                }
            }
        }
        if is_absolute_iri(value) {
            return Ok(Expanded::Iri(value.to_owned()));
        }
    }
    Err(unsupported())
}

/// IRI expansion of a value in a document (not in a context): `vocab` says
/// whether terms apply. Only absolute IRIs come out; no base IRI is set (ssi
/// expands without one), so relative references are unsupported, as are
/// blank node identifiers and keywords.
pub(crate) fn expand_iri<'v>(
    ctx: &'v Ctx,
    value: &'v str,
    vocab: bool,
) -> Result<std::borrow::Cow<'v, str>, Unsupported> {
    if value.starts_with('@') {
        return Err(unsupported());
    }
    if vocab {
        if let Some(def) = ctx.term(value) {
            return match &def.mapping {
                Mapping::Iri(iri) => Ok(std::borrow::Cow::Borrowed(&**iri)),
                _ => Err(unsupported()),
            };
        }
    }
    if let Some(colon) = value.get(1..).and_then(|v| v.find(':')).map(|i| i + 1) {
        let (p, suffix) = (&value[..colon], &value[colon + 1..]);
        if p == "_" {
            return Err(unsupported());
        }
        if !suffix.starts_with("//") {
            if let Some(def) = ctx.term(p) {
                if def.prefix {
                    if let Mapping::Iri(iri) = &def.mapping {
                        let full = format!("{iri}{suffix}");
                        return if is_absolute_iri(&full) {
                            Ok(std::borrow::Cow::Owned(full))
                        } else {
                            Err(unsupported())
                        };
                    }
                }
            }
        }
        if is_absolute_iri(value) {
            return Ok(std::borrow::Cow::Borrowed(value));
        }
    }
    Err(unsupported())
}
