//! JSON-LD 1.1 Context Processing (API section 4.1), Create Term Definition
//! (4.2) and IRI Expansion (5.2), with processed contexts cached by content.
//!
//! A processed context is immutable and shared (`Arc<ActiveContext>`); each
//! has a unique id, so "this local context applied to that active context"
//! is a cache key: the credentials' few contexts (the VC 2.0 context, with
//! scoped contexts on most of its types) are processed once, then every
//! document reuses them.

use crate::error::Error;
use crate::iri::{
    ends_with_gen_delim, has_keyword_form, is_absolute_iri, is_blank_node, is_iri_or_blank,
    is_keyword, resolve,
};
use crate::limits::Budget;
use crate::options::{JsonLdOptions, Loader, ProcessingMode};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Ids of active contexts and scoped contexts: never reused, so a cache key
/// naming one can never name another.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// Entries kept before the cache starts afresh (a bound on memory, whatever
/// documents come).
const CACHE_MAX_ENTRIES: usize = 1024;

/// Term definitions the cached contexts may hold in all (a shared map is
/// counted once per context holding it, an overestimate): a bound on the
/// cache's memory when documents bring large contexts of their own.
const CACHE_MAX_TERMS: usize = 100_000;

/// A base direction (`@direction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "ltr" => Some(Direction::Ltr),
            "rtl" => Some(Direction::Rtl),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// Container mapping bits.
pub(crate) mod container {
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const INDEX: u8 = 4;
    pub const LANGUAGE: u8 = 8;
    pub const ID: u8 = 16;
    pub const TYPE: u8 = 32;
    pub const GRAPH: u8 = 64;
}

/// A scoped context (the `@context` of a term definition) with the base URL
/// it was defined under. `id` names it in cache keys.
#[derive(Debug)]
pub(crate) struct ScopedContext {
    pub(crate) value: Value,
    pub(crate) base_url: Option<Arc<str>>,
    pub(crate) id: u64,
}

/// A term definition (API section 4.1).
#[derive(Debug, Clone)]
pub(crate) struct TermDefinition {
    /// The IRI mapping; `None` for a term mapped to null.
    pub(crate) iri: Option<String>,
    pub(crate) prefix: bool,
    pub(crate) protected: bool,
    pub(crate) reverse: bool,
    pub(crate) type_mapping: Option<String>,
    /// `Some(None)`: the term says `"@language": null`.
    pub(crate) language: Option<Option<String>>,
    /// `Some(None)`: the term says `"@direction": null`.
    pub(crate) direction: Option<Option<Direction>>,
    pub(crate) container: u8,
    pub(crate) index: Option<String>,
    pub(crate) nest: Option<String>,
    pub(crate) context: Option<Arc<ScopedContext>>,
}

impl TermDefinition {
    /// The same definition but for `protected` (the exception that lets a
    /// protected term be "redefined" identically).
    fn same_as(&self, other: &TermDefinition) -> bool {
        self.iri == other.iri
            && self.prefix == other.prefix
            && self.reverse == other.reverse
            && self.type_mapping == other.type_mapping
            && self.language == other.language
            && self.direction == other.direction
            && self.container == other.container
            && self.index == other.index
            && self.nest == other.nest
            && match (&self.context, &other.context) {
                (None, None) => true,
                (Some(a), Some(b)) => a.value == b.value,
                _ => false,
            }
    }

    pub(crate) fn has_container(&self, bits: u8) -> bool {
        self.container & bits != 0
    }
}

/// An active context (API section 4.1), immutable once processed.
#[derive(Debug, Clone)]
pub struct ActiveContext {
    id: u64,
    terms: Terms,
    pub(crate) base: Option<Arc<str>>,
    pub(crate) original_base: Option<Arc<str>>,
    pub(crate) vocab: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) direction: Option<Direction>,
    pub(crate) previous: Option<Arc<ActiveContext>>,
}

impl ActiveContext {
    fn new(base: Option<Arc<str>>) -> Self {
        Self {
            id: next_id(),
            terms: Terms::default(),
            base: base.clone(),
            original_base: base,
            vocab: None,
            language: None,
            direction: None,
            previous: None,
        }
    }

    /// A copy with a new identity, to be changed.
    fn fork(&self) -> Self {
        let mut c = self.clone();
        c.id = next_id();
        c
    }

    /// The term definition of `term`, if any.
    pub(crate) fn term(&self, term: &str) -> Option<&Arc<TermDefinition>> {
        self.terms.get(term)
    }

    fn has_protected(&self) -> bool {
        self.terms.any(|d| d.protected)
    }
}

/// Changes kept apart from the shared terms before they are merged in.
const DELTA_MAX: usize = 32;

/// The term definitions of a context: a shared map and a few changes on top
/// of it. Copying a context (for each scoped context checked or applied)
/// then costs a bounded amount whatever the number of terms; the changes
/// are merged into (a copy of) the shared map past `DELTA_MAX`, so that
/// merging costs at most one copy of the map per `DELTA_MAX` definitions.
#[derive(Debug, Clone, Default)]
struct Terms {
    base: Arc<HashMap<Arc<str>, Arc<TermDefinition>>>,
    /// `None`: the term was removed.
    delta: HashMap<Arc<str>, Option<Arc<TermDefinition>>>,
}

impl Terms {
    fn get(&self, term: &str) -> Option<&Arc<TermDefinition>> {
        if !self.delta.is_empty() {
            if let Some(d) = self.delta.get(term) {
                return d.as_ref();
            }
        }
        self.base.get(term)
    }

    fn remove(&mut self, term: &str) -> Option<Arc<TermDefinition>> {
        let previous = self.get(term).cloned();
        if previous.is_some() {
            if self.base.contains_key(term) {
                self.delta.insert(Arc::from(term), None);
                self.merge_if_large();
            } else {
                self.delta.remove(term);
            }
        }
        previous
    }

    fn insert(&mut self, term: &str, def: Arc<TermDefinition>) {
        self.delta.insert(Arc::from(term), Some(def));
        self.merge_if_large();
    }

    fn merge_if_large(&mut self) {
        if self.delta.len() > DELTA_MAX {
            self.merge();
        }
    }

    fn merge(&mut self) {
        let base = Arc::make_mut(&mut self.base);
        for (term, def) in self.delta.drain() {
            match def {
                Some(def) => {
                    base.insert(term, def);
                }
                None => {
                    base.remove(&term);
                }
            }
        }
    }

    /// The number of definitions held (an upper bound).
    fn len(&self) -> usize {
        self.base.len() + self.delta.len()
    }

    /// Some current definition satisfies `f`.
    fn any(&self, f: impl Fn(&TermDefinition) -> bool) -> bool {
        self.delta.values().flatten().any(|d| f(d))
            || self
                .base
                .iter()
                .any(|(t, d)| !self.delta.contains_key(t) && f(d))
    }
}

/// What a cached context was made from.
#[derive(Debug, PartialEq, Eq, Hash)]
enum Source {
    /// The initial context (no parent).
    Initial,
    /// A context object written in a document: its JSON text.
    Inline(Box<str>),
    /// A remote context: its URL.
    Remote(Box<str>),
    /// A term's scoped context, by its id.
    Scoped(u64),
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Key {
    parent: u64,
    source: Source,
    base_url: Option<Arc<str>>,
    flags: u8,
}

/// Processed contexts, cached by their content (shared by every document).
/// Use one cache with one loader: a URL is taken to name the same document
/// for the cache's whole life.
#[derive(Default)]
pub struct ContextCache {
    entries: RwLock<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<Key, Arc<ActiveContext>>,
    /// The sum of the entries' term counts.
    terms: usize,
}

impl std::fmt::Debug for ContextCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextCache")
            .field("entries", &self.len())
            .finish()
    }
}

impl ContextCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of processed contexts held.
    pub fn len(&self) -> usize {
        self.entries.read().map_or(0, |e| e.map.len())
    }

    /// No processed context held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, key: &Key) -> Option<Arc<ActiveContext>> {
        // A poisoned lock only costs the cache, never the result.
        self.entries.read().ok()?.map.get(key).cloned()
    }

    fn put(&self, key: Key, ctx: &Arc<ActiveContext>) {
        let terms = ctx.terms.len() + 1;
        if let Ok(mut e) = self.entries.write() {
            if e.map.len() >= CACHE_MAX_ENTRIES || e.terms + terms > CACHE_MAX_TERMS {
                e.map.clear();
                e.terms = 0;
            }
            if e.map.insert(key, ctx.clone()).is_none() {
                e.terms += terms;
            }
        }
    }
}

/// Everything expansion needs besides the document.
pub struct Env<'a> {
    /// The processing options.
    pub options: &'a JsonLdOptions,
    /// Where remote contexts come from.
    pub loader: &'a dyn Loader,
    /// Processed contexts, shared between documents (with this loader).
    pub cache: &'a ContextCache,
}

/// The flags of one Context Processing call.
#[derive(Clone, Copy)]
struct Flags {
    override_protected: bool,
    propagate: bool,
    validate_scoped: bool,
    /// Processing a remote context (where `@base` is ignored).
    in_remote: bool,
}

/// Where a local context comes from, for caching its items.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Written in the document (or the `expandContext` option): context
    /// objects are cached by their JSON text.
    Document,
    /// A remote context's or a scoped context's own content: cached as a
    /// whole by the caller.
    Whole,
}

/// Per-document state of context processing and expansion: the options, the
/// loader and the cache, the budget, and the documents already dereferenced
/// (never dereferenced twice for one document).
pub(crate) struct Processor<'a, 'b> {
    pub(crate) options: &'a JsonLdOptions,
    loader: &'a dyn Loader,
    cache: &'a ContextCache,
    pub(crate) budget: &'b mut Budget,
    loaded: Vec<(Arc<str>, Arc<Value>)>,
    /// Nesting of Create Term Definition (dependencies between terms, and
    /// the scoped contexts checked inside them), bounded like the nesting
    /// of contexts.
    term_nesting: usize,
}

/// What Create Term Definition needs from the context being processed.
struct Defining<'c> {
    local: &'c Map<String, Value>,
    base_url: Option<&'c Arc<str>>,
    protected: bool,
    flags: Flags,
    remote: &'c [Arc<str>],
    depth: usize,
}

fn err(code: &'static str, detail: impl Into<String>) -> Error {
    Error::json_ld(code, detail)
}

/// The language tag as kept (lower case, as the reference implementations
/// do, so canonical forms agree).
pub(crate) fn normalize_language(tag: &str) -> String {
    tag.to_ascii_lowercase()
}

impl<'a, 'b> Processor<'a, 'b> {
    pub(crate) fn new(env: &Env<'a>, budget: &'b mut Budget) -> Self {
        Self {
            options: env.options,
            loader: env.loader,
            cache: env.cache,
            budget,
            loaded: Vec::new(),
            term_nesting: 0,
        }
    }

    fn json_ld_10(&self) -> bool {
        self.options.processing_mode == ProcessingMode::JsonLd10
    }

    fn key_flags(&self, override_protected: bool, propagate: bool) -> u8 {
        u8::from(override_protected)
            | (u8::from(propagate) << 1)
            | (u8::from(self.json_ld_10()) << 2)
    }

    /// A newly-initialized active context whose base IRI and original base
    /// URL are `base` (cached, so that contexts applied to it are too).
    pub(crate) fn initial_context(&mut self, base: Option<Arc<str>>) -> Arc<ActiveContext> {
        let key = Key {
            parent: 0,
            source: Source::Initial,
            base_url: base.clone(),
            flags: 0,
        };
        if let Some(hit) = self.cache.get(&key) {
            return hit;
        }
        let ctx = Arc::new(ActiveContext::new(base));
        self.cache.put(key, &ctx);
        ctx
    }

    /// Context Processing of a local context written in the document (an
    /// `@context` entry, or the `expandContext` option).
    pub(crate) fn process_local(
        &mut self,
        active: &Arc<ActiveContext>,
        local: &Value,
        base_url: Option<&Arc<str>>,
    ) -> Result<Arc<ActiveContext>, Error> {
        let flags = Flags {
            override_protected: false,
            propagate: true,
            validate_scoped: true,
            in_remote: false,
        };
        self.run(
            active,
            local,
            base_url,
            Vec::new(),
            flags,
            Origin::Document,
            1,
        )
    }

    /// Context Processing of a term's scoped context (property-scoped or
    /// type-scoped), cached by (active context, scoped context, flags).
    pub(crate) fn process_scoped(
        &mut self,
        active: &Arc<ActiveContext>,
        scoped: &ScopedContext,
        override_protected: bool,
        propagate: bool,
    ) -> Result<Arc<ActiveContext>, Error> {
        let key = Key {
            parent: active.id,
            source: Source::Scoped(scoped.id),
            base_url: None,
            flags: self.key_flags(override_protected, propagate),
        };
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit);
        }
        let flags = Flags {
            override_protected,
            propagate,
            validate_scoped: true,
            in_remote: false,
        };
        let result = self.run(
            active,
            &scoped.value,
            scoped.base_url.as_ref(),
            Vec::new(),
            flags,
            Origin::Whole,
            1,
        )?;
        self.cache.put(key, &result);
        Ok(result)
    }

    /// The whole document at `url`, dereferenced at most once per document.
    fn load(&mut self, url: &Arc<str>) -> Result<Arc<Value>, Error> {
        if let Some((_, doc)) = self.loaded.iter().find(|(u, _)| u == url) {
            return Ok(doc.clone());
        }
        self.budget.context_loaded()?;
        let doc = self
            .loader
            .load(url)
            .ok_or_else(|| err("loading remote context failed", url.to_string()))?;
        self.loaded.push((url.clone(), doc.clone()));
        Ok(doc)
    }

    /// `reference` resolved against `base_url` (a context URL or `@import`).
    fn context_url(reference: &str, base_url: Option<&Arc<str>>) -> Result<Arc<str>, Error> {
        if is_absolute_iri(reference) {
            return Ok(Arc::from(reference));
        }
        match base_url {
            Some(base) if is_absolute_iri(base) => Ok(Arc::from(resolve(base, reference))),
            _ => Err(err(
                "loading document failed",
                format!("{reference}: a relative context URL without a base"),
            )),
        }
    }

    /// The Context Processing algorithm (API 4.1.2).
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        active: &Arc<ActiveContext>,
        local: &Value,
        base_url: Option<&Arc<str>>,
        mut remote: Vec<Arc<str>>,
        flags: Flags,
        origin: Origin,
        depth: usize,
    ) -> Result<Arc<ActiveContext>, Error> {
        self.budget.context_depth(depth)?;
        self.budget.tick()?;
        // Step 2: the error, if not a boolean, is reported in step 5.11.
        let propagate = match local.get("@propagate") {
            Some(Value::Bool(b)) => *b,
            _ => flags.propagate,
        };
        let mut result = active.clone();
        if !propagate && result.previous.is_none() {
            let mut r = active.fork();
            r.previous = Some(active.clone());
            result = Arc::new(r);
        }
        let items = match local {
            Value::Array(a) => a.as_slice(),
            other => std::slice::from_ref(other),
        };
        for item in items {
            self.budget.tick()?;
            match item {
                Value::Null => {
                    if !flags.override_protected && result.has_protected() {
                        return Err(err(
                            "invalid context nullification",
                            "a context with protected terms cannot be set to null",
                        ));
                    }
                    let initial = self.initial_context(result.original_base.clone());
                    result = if propagate {
                        initial
                    } else {
                        let mut r = initial.fork();
                        r.previous = Some(result.clone());
                        Arc::new(r)
                    };
                }
                Value::String(reference) => {
                    let url = Self::context_url(reference, base_url)?;
                    if !flags.validate_scoped && remote.contains(&url) {
                        continue;
                    }
                    // The processor-defined limit of the specification's
                    // "context overflow": a context including itself
                    // reaches it before the nesting limit.
                    if remote.len() + 1 >= self.budget.limits.max_context_depth {
                        return Err(err("context overflow", url.to_string()));
                    }
                    remote.push(url.clone());
                    // Validation (validate_scoped false) depends on the
                    // remote contexts seen so far: not cached.
                    let key = flags.validate_scoped.then(|| Key {
                        parent: result.id,
                        source: Source::Remote(Box::from(&*url)),
                        base_url: None,
                        flags: self.key_flags(false, true),
                    });
                    if let Some(hit) = key.as_ref().and_then(|k| self.cache.get(k)) {
                        result = hit;
                        continue;
                    }
                    let doc = self.load(&url)?;
                    let loaded =
                        doc.as_object()
                            .and_then(|o| o.get("@context"))
                            .ok_or_else(|| {
                                err(
                                    "invalid remote context",
                                    format!("{url}: no @context entry"),
                                )
                            })?;
                    let inner = Flags {
                        override_protected: false,
                        propagate: true,
                        validate_scoped: flags.validate_scoped,
                        in_remote: true,
                    };
                    let processed = self.run(
                        &result,
                        loaded,
                        Some(&url),
                        remote.clone(),
                        inner,
                        Origin::Whole,
                        depth + 1,
                    )?;
                    if let Some(k) = key {
                        self.cache.put(k, &processed);
                    }
                    result = processed;
                }
                Value::Object(map) => {
                    let key = if origin == Origin::Document && flags.validate_scoped {
                        let text = serde_json::to_string(item)
                            .map_err(|e| err("invalid local context", e.to_string()))?;
                        self.budget.inline_context(text.len())?;
                        Some(Key {
                            parent: result.id,
                            source: Source::Inline(text.into_boxed_str()),
                            base_url: base_url.cloned(),
                            flags: self.key_flags(flags.override_protected, false),
                        })
                    } else {
                        None
                    };
                    if let Some(hit) = key.as_ref().and_then(|k| self.cache.get(k)) {
                        result = hit;
                        continue;
                    }
                    let processed =
                        self.context_definition(&result, map, base_url, &remote, flags, depth)?;
                    if let Some(k) = key {
                        self.cache.put(k, &processed);
                    }
                    result = processed;
                }
                _ => {
                    return Err(err(
                        "invalid local context",
                        "a context must be null, a string or an object",
                    ))
                }
            }
        }
        Ok(result)
    }

    /// Steps 5.5 to 5.13: one context definition (a map) applied to `result`.
    fn context_definition(
        &mut self,
        result: &Arc<ActiveContext>,
        map: &Map<String, Value>,
        base_url: Option<&Arc<str>>,
        remote: &[Arc<str>],
        flags: Flags,
        depth: usize,
    ) -> Result<Arc<ActiveContext>, Error> {
        let mut ctx = result.fork();
        if let Some(v) = map.get("@version") {
            if !matches!(v.as_f64(), Some(n) if n == 1.1 || n == 1.2) {
                return Err(err("invalid @version value", v.to_string()));
            }
            if self.json_ld_10() {
                return Err(err(
                    "processing mode conflict",
                    "@version in JSON-LD 1.0 mode",
                ));
            }
        }
        let merged;
        let context = match map.get("@import") {
            None => map,
            Some(import) => {
                if self.json_ld_10() {
                    return Err(err("invalid context entry", "@import in JSON-LD 1.0 mode"));
                }
                let Value::String(import) = import else {
                    return Err(err("invalid @import value", import.to_string()));
                };
                let url = Self::context_url(import, base_url)?;
                let doc = self.load(&url)?;
                let Some(Value::Object(imported)) = doc.as_object().and_then(|o| o.get("@context"))
                else {
                    return Err(err(
                        "invalid remote context",
                        format!("{url}: the imported @context is not a map"),
                    ));
                };
                if imported.contains_key("@import") {
                    return Err(err(
                        "invalid context entry",
                        format!("{url}: an imported context cannot @import"),
                    ));
                }
                let mut m = imported.clone();
                for (k, v) in map {
                    self.budget.tick()?;
                    m.insert(k.clone(), v.clone());
                }
                merged = m;
                &merged
            }
        };
        if let Some(v) = context.get("@base") {
            if !flags.in_remote {
                match v {
                    Value::Null => ctx.base = None,
                    Value::String(s) if is_absolute_iri(s) => {
                        ctx.base = Some(Arc::from(s.as_str()))
                    }
                    Value::String(s) => match &ctx.base {
                        Some(b) => ctx.base = Some(Arc::from(resolve(b, s))),
                        None => {
                            return Err(err(
                                "invalid base IRI",
                                format!("{s}: a relative @base without a base IRI"),
                            ))
                        }
                    },
                    other => return Err(err("invalid base IRI", other.to_string())),
                }
            }
        }
        if let Some(v) = context.get("@vocab") {
            match v {
                Value::Null => ctx.vocab = None,
                Value::String(s) => {
                    if self.json_ld_10() && !is_iri_or_blank(s) {
                        return Err(err("invalid vocab mapping", s.clone()));
                    }
                    let expanded = expand_iri(&ctx, s, true, true).map(Cow::into_owned);
                    match expanded {
                        Some(iri) if !is_keyword(&iri) => ctx.vocab = Some(iri),
                        _ => return Err(err("invalid vocab mapping", s.clone())),
                    }
                }
                other => return Err(err("invalid vocab mapping", other.to_string())),
            }
        }
        if let Some(v) = context.get("@language") {
            match v {
                Value::Null => ctx.language = None,
                Value::String(s) => ctx.language = Some(normalize_language(s)),
                other => return Err(err("invalid default language", other.to_string())),
            }
        }
        if let Some(v) = context.get("@direction") {
            if self.json_ld_10() {
                return Err(err(
                    "invalid context entry",
                    "@direction in JSON-LD 1.0 mode",
                ));
            }
            match v {
                Value::Null => ctx.direction = None,
                Value::String(s) => {
                    ctx.direction = Some(
                        Direction::parse(s)
                            .ok_or_else(|| err("invalid base direction", s.clone()))?,
                    )
                }
                other => return Err(err("invalid base direction", other.to_string())),
            }
        }
        if let Some(v) = context.get("@propagate") {
            if self.json_ld_10() {
                return Err(err(
                    "invalid context entry",
                    "@propagate in JSON-LD 1.0 mode",
                ));
            }
            if !v.is_boolean() {
                return Err(err("invalid @propagate value", v.to_string()));
            }
        }
        let protected = match context.get("@protected") {
            None => false,
            Some(Value::Bool(b)) => {
                if self.json_ld_10() {
                    return Err(err(
                        "invalid context entry",
                        "@protected in JSON-LD 1.0 mode",
                    ));
                }
                *b
            }
            Some(other) => return Err(err("invalid @protected value", other.to_string())),
        };
        let defining = Defining {
            local: context,
            base_url,
            protected,
            flags,
            remote,
            depth,
        };
        let mut defined: HashMap<String, bool> = HashMap::new();
        for key in context.keys() {
            if matches!(
                key.as_str(),
                "@base"
                    | "@direction"
                    | "@import"
                    | "@language"
                    | "@propagate"
                    | "@protected"
                    | "@version"
                    | "@vocab"
            ) {
                continue;
            }
            self.define_term(&mut ctx, &defining, key, &mut defined)?;
        }
        // A processed context is read many times: its changes are merged
        // in when that costs little next to what was just done.
        if !ctx.terms.delta.is_empty() && ctx.terms.delta.len() * 16 >= ctx.terms.base.len() {
            ctx.terms.merge();
        }
        Ok(Arc::new(ctx))
    }

    /// IRI Expansion during context processing: creates the definitions
    /// `value` depends on first (steps 3 and 6.3 of API 5.2.2).
    fn expand_iri_defining(
        &mut self,
        ctx: &mut ActiveContext,
        d: &Defining<'_>,
        value: &str,
        document_relative: bool,
        vocab: bool,
        defined: &mut HashMap<String, bool>,
    ) -> Result<Option<String>, Error> {
        if is_keyword(value) {
            return Ok(Some(value.to_owned()));
        }
        if has_keyword_form(value) {
            return Ok(None);
        }
        if d.local.contains_key(value) && defined.get(value) != Some(&true) {
            self.define_term(ctx, d, value, defined)?;
        }
        if let Some(def) = ctx.terms.get(value) {
            if let Some(iri) = &def.iri {
                if is_keyword(iri) {
                    return Ok(Some(iri.clone()));
                }
            }
            if vocab {
                return Ok(def.iri.clone());
            }
        }
        if let Some((prefix, suffix)) = split_compact(value) {
            if prefix != "_"
                && !suffix.starts_with("//")
                && d.local.contains_key(prefix)
                && defined.get(prefix) != Some(&true)
            {
                self.define_term(ctx, d, prefix, defined)?;
            }
        }
        Ok(expand_iri(ctx, value, document_relative, vocab).map(Cow::into_owned))
    }

    /// The Create Term Definition algorithm (API 4.2.2).
    fn define_term(
        &mut self,
        ctx: &mut ActiveContext,
        d: &Defining<'_>,
        term: &str,
        defined: &mut HashMap<String, bool>,
    ) -> Result<(), Error> {
        self.term_nesting += 1;
        let r = self
            .budget
            .context_depth(self.term_nesting)
            .and_then(|()| self.define_term_inner(ctx, d, term, defined));
        self.term_nesting -= 1;
        r
    }

    fn define_term_inner(
        &mut self,
        ctx: &mut ActiveContext,
        d: &Defining<'_>,
        term: &str,
        defined: &mut HashMap<String, bool>,
    ) -> Result<(), Error> {
        match defined.get(term) {
            Some(true) => return Ok(()),
            Some(false) => return Err(err("cyclic IRI mapping", term.to_owned())),
            None => {}
        }
        if term.is_empty() {
            return Err(err("invalid term definition", "the empty term"));
        }
        defined.insert(term.to_owned(), false);
        self.budget.term_defined()?;
        let value = d.local.get(term).unwrap_or(&Value::Null);
        let json_ld_10 = self.json_ld_10();
        if term == "@type" {
            let ok = !json_ld_10
                && matches!(value, Value::Object(m) if !m.is_empty()
                    && m.keys().all(|k| k == "@container" || k == "@protected")
                    && m.get("@container").is_none_or(|c| c == "@set"));
            if !ok {
                return Err(err("keyword redefinition", "@type"));
            }
        } else if is_keyword(term) {
            return Err(err("keyword redefinition", term.to_owned()));
        } else if has_keyword_form(term) {
            // Reserved for future keywords: ignored.
            return Ok(());
        }
        let previous = ctx.terms.remove(term);
        let owned;
        let (m, simple) = match value {
            Value::Null | Value::String(_) => {
                let mut m = Map::new();
                m.insert("@id".to_owned(), value.clone());
                owned = m;
                (&owned, value.is_string())
            }
            Value::Object(m) => (m, false),
            other => {
                return Err(err(
                    "invalid term definition",
                    format!("{term}: {other} is not a term definition"),
                ))
            }
        };
        let mut def = TermDefinition {
            iri: None,
            prefix: false,
            protected: d.protected,
            reverse: false,
            type_mapping: None,
            language: None,
            direction: None,
            container: 0,
            index: None,
            nest: None,
            context: None,
        };
        if let Some(p) = m.get("@protected") {
            if json_ld_10 {
                return Err(err(
                    "invalid term definition",
                    "@protected in JSON-LD 1.0 mode",
                ));
            }
            def.protected = p
                .as_bool()
                .ok_or_else(|| err("invalid @protected value", p.to_string()))?;
        }
        if let Some(t) = m.get("@type") {
            let Value::String(t) = t else {
                return Err(err("invalid type mapping", t.to_string()));
            };
            let expanded = self.expand_iri_defining(ctx, d, t, false, true, defined)?;
            let Some(expanded) = expanded else {
                return Err(err("invalid type mapping", t.clone()));
            };
            match expanded.as_str() {
                "@json" | "@none" if json_ld_10 => {
                    return Err(err("invalid type mapping", expanded));
                }
                "@id" | "@json" | "@none" | "@vocab" => {}
                iri if is_absolute_iri(iri) => {}
                _ => return Err(err("invalid type mapping", expanded)),
            }
            def.type_mapping = Some(expanded);
        }
        if let Some(r) = m.get("@reverse") {
            if m.contains_key("@id") || m.contains_key("@nest") {
                return Err(err(
                    "invalid reverse property",
                    format!("{term}: @reverse with @id or @nest"),
                ));
            }
            let Value::String(r) = r else {
                return Err(err("invalid IRI mapping", r.to_string()));
            };
            if has_keyword_form(r) {
                return Ok(());
            }
            match self.expand_iri_defining(ctx, d, r, false, true, defined)? {
                Some(iri) if is_iri_or_blank(&iri) => def.iri = Some(iri),
                _ => return Err(err("invalid IRI mapping", r.clone())),
            }
            if let Some(c) = m.get("@container") {
                if !matches!(c, Value::Null) && c != "@set" && c != "@index" {
                    return Err(err("invalid reverse property", c.to_string()));
                }
            }
            def.reverse = true;
        } else if let Some(id) = m.get("@id").filter(|id| id.as_str() != Some(term)) {
            match id {
                Value::Null => {}
                Value::String(id) => {
                    if !is_keyword(id) && has_keyword_form(id) {
                        return Ok(());
                    }
                    let iri = match self.expand_iri_defining(ctx, d, id, false, true, defined)? {
                        Some(iri) if is_keyword(&iri) || is_iri_or_blank(&iri) => iri,
                        _ => return Err(err("invalid IRI mapping", id.clone())),
                    };
                    if iri == "@context" {
                        return Err(err("invalid keyword alias", term.to_owned()));
                    }
                    let inner_colon = term
                        .char_indices()
                        .any(|(i, c)| c == ':' && i > 0 && i + 1 < term.len());
                    if inner_colon || term.contains('/') {
                        defined.insert(term.to_owned(), true);
                        let own = self.expand_iri_defining(ctx, d, term, false, true, defined)?;
                        if own.as_deref() != Some(iri.as_str()) {
                            return Err(err(
                                "invalid IRI mapping",
                                format!("{term} does not expand to {iri}"),
                            ));
                        }
                    }
                    if !term.contains(':')
                        && !term.contains('/')
                        && simple
                        && (is_blank_node(&iri) || (!is_keyword(&iri) && ends_with_gen_delim(&iri)))
                    {
                        def.prefix = true;
                    }
                    def.iri = Some(iri);
                }
                other => return Err(err("invalid IRI mapping", other.to_string())),
            }
        } else if let Some((prefix, suffix)) = term.find(':').filter(|&i| i > 0).map(|i| {
            let (p, s) = term.split_at(i);
            (p, &s[1..])
        }) {
            if d.local.contains_key(prefix) {
                self.define_term(ctx, d, prefix, defined)?;
            }
            def.iri = Some(match ctx.terms.get(prefix).and_then(|p| p.iri.as_deref()) {
                Some(p) => format!("{p}{suffix}"),
                None => term.to_owned(),
            });
        } else if term.contains('/') {
            // A relative IRI: expanded without the definitions being made
            // (the term itself is one of them).
            match expand_iri(ctx, term, false, true).map(Cow::into_owned) {
                Some(iri) if is_absolute_iri(&iri) => def.iri = Some(iri),
                _ => return Err(err("invalid IRI mapping", term.to_owned())),
            }
        } else if term == "@type" {
            def.iri = Some("@type".to_owned());
        } else if let Some(vocab) = &ctx.vocab {
            def.iri = Some(format!("{vocab}{term}"));
        } else {
            return Err(err(
                "invalid IRI mapping",
                format!("{term}: no IRI mapping and no @vocab"),
            ));
        }
        if let Some(c) = m.get("@container") {
            if !(def.reverse && c.is_null()) {
                def.container = parse_container(c, json_ld_10)?;
            }
            if def.has_container(container::TYPE) {
                match def.type_mapping.as_deref() {
                    None => def.type_mapping = Some("@id".to_owned()),
                    Some("@id" | "@vocab") => {}
                    Some(other) => {
                        return Err(err(
                            "invalid type mapping",
                            format!("{term}: @container @type with @type {other}"),
                        ))
                    }
                }
            }
        }
        if let Some(i) = m.get("@index") {
            if json_ld_10 || !def.has_container(container::INDEX) {
                return Err(err(
                    "invalid term definition",
                    format!("{term}: @index without an @index container"),
                ));
            }
            let Value::String(i) = i else {
                return Err(err("invalid term definition", i.to_string()));
            };
            match self.expand_iri_defining(ctx, d, i, false, true, defined)? {
                Some(iri) if is_absolute_iri(&iri) => {}
                _ => return Err(err("invalid term definition", format!("@index {i}"))),
            }
            def.index = Some(i.clone());
        }
        if let Some(c) = m.get("@context") {
            if json_ld_10 {
                return Err(err(
                    "invalid term definition",
                    "@context in JSON-LD 1.0 mode",
                ));
            }
            // Processed only to find its errors now (the result is
            // discarded; expansion processes it again where it applies).
            let snapshot = Arc::new(ctx.fork());
            let check = Flags {
                override_protected: true,
                propagate: true,
                validate_scoped: false,
                in_remote: d.flags.in_remote,
            };
            match self.run(
                &snapshot,
                c,
                d.base_url,
                d.remote.to_vec(),
                check,
                Origin::Whole,
                d.depth + 1,
            ) {
                Ok(_) => {}
                Err(e @ Error::TooComplex(_)) => return Err(e),
                Err(e) => {
                    return Err(err("invalid scoped context", format!("{term}: {e}")));
                }
            }
            def.context = Some(Arc::new(ScopedContext {
                value: c.clone(),
                base_url: d.base_url.cloned(),
                id: next_id(),
            }));
        }
        if !m.contains_key("@type") {
            if let Some(l) = m.get("@language") {
                def.language = Some(match l {
                    Value::Null => None,
                    Value::String(s) => Some(normalize_language(s)),
                    other => return Err(err("invalid language mapping", other.to_string())),
                });
            }
            if let Some(dir) = m.get("@direction") {
                def.direction = Some(match dir {
                    Value::Null => None,
                    Value::String(s) => Some(
                        Direction::parse(s)
                            .ok_or_else(|| err("invalid base direction", s.clone()))?,
                    ),
                    other => return Err(err("invalid base direction", other.to_string())),
                });
            }
        }
        if let Some(n) = m.get("@nest") {
            if json_ld_10 {
                return Err(err("invalid term definition", "@nest in JSON-LD 1.0 mode"));
            }
            match n {
                Value::String(s) if s == "@nest" || !s.starts_with('@') => {
                    def.nest = Some(s.clone())
                }
                other => return Err(err("invalid @nest value", other.to_string())),
            }
        }
        if let Some(p) = m.get("@prefix") {
            if json_ld_10 || term.contains(':') || term.contains('/') {
                return Err(err(
                    "invalid term definition",
                    format!("{term}: @prefix not allowed"),
                ));
            }
            def.prefix = p
                .as_bool()
                .ok_or_else(|| err("invalid @prefix value", p.to_string()))?;
            if def.prefix && def.iri.as_deref().is_some_and(is_keyword) {
                return Err(err(
                    "invalid term definition",
                    format!("{term}: a keyword alias cannot be a prefix"),
                ));
            }
        }
        if let Some(k) = m.keys().find(|k| {
            !matches!(
                k.as_str(),
                "@id"
                    | "@reverse"
                    | "@container"
                    | "@context"
                    | "@direction"
                    | "@index"
                    | "@language"
                    | "@nest"
                    | "@prefix"
                    | "@protected"
                    | "@type"
            )
        }) {
            return Err(err("invalid term definition", format!("{term}: {k}")));
        }
        let def = match previous {
            Some(prev) if prev.protected && !d.flags.override_protected => {
                if !def.same_as(&prev) {
                    return Err(err("protected term redefinition", term.to_owned()));
                }
                prev
            }
            _ => Arc::new(def),
        };
        ctx.terms.insert(term, def);
        defined.insert(term.to_owned(), true);
        Ok(())
    }
}

/// `@container`: a keyword or an array of them, in the combinations the
/// specification allows.
fn parse_container(c: &Value, json_ld_10: bool) -> Result<u8, Error> {
    fn bit(s: &str) -> Option<u8> {
        Some(match s {
            "@list" => container::LIST,
            "@set" => container::SET,
            "@index" => container::INDEX,
            "@language" => container::LANGUAGE,
            "@id" => container::ID,
            "@type" => container::TYPE,
            "@graph" => container::GRAPH,
            _ => return None,
        })
    }
    let invalid = || err("invalid container mapping", c.to_string());
    let bits = match c {
        Value::String(s) => {
            let b = bit(s).ok_or_else(invalid)?;
            if json_ld_10 && b & (container::GRAPH | container::ID | container::TYPE) != 0 {
                return Err(invalid());
            }
            b
        }
        Value::Array(items) if !json_ld_10 => {
            let mut bits = 0u8;
            for item in items {
                let b = item.as_str().and_then(bit).ok_or_else(invalid)?;
                bits |= b;
            }
            use container::*;
            let others = bits & !SET;
            let ok = if items.is_empty() {
                false
            } else if bits & LIST != 0 {
                bits == LIST
            } else if bits & GRAPH != 0 {
                others & !(GRAPH | ID | INDEX) == 0 && others & (ID | INDEX) != (ID | INDEX)
            } else {
                others.count_ones() <= 1
            };
            if !ok {
                return Err(invalid());
            }
            bits
        }
        _ => return Err(invalid()),
    };
    Ok(bits)
}

/// `value` split at its first colon when the colon is not its first
/// character.
pub(crate) fn split_compact(value: &str) -> Option<(&str, &str)> {
    match value.find(':') {
        Some(i) if i > 0 => Some((&value[..i], &value[i + 1..])),
        _ => None,
    }
}

/// IRI Expansion (API 5.2.2) outside context processing: a keyword, an IRI,
/// a blank node identifier, or `None` (the value maps to nothing).
pub(crate) fn expand_iri<'c>(
    ctx: &'c ActiveContext,
    value: &'c str,
    document_relative: bool,
    vocab: bool,
) -> Option<Cow<'c, str>> {
    if is_keyword(value) {
        return Some(Cow::Borrowed(value));
    }
    if has_keyword_form(value) {
        return None;
    }
    if let Some(def) = ctx.terms.get(value) {
        if let Some(iri) = &def.iri {
            if is_keyword(iri) {
                return Some(Cow::Borrowed(iri));
            }
        }
        if vocab {
            return def.iri.as_deref().map(Cow::Borrowed);
        }
    }
    if let Some((prefix, suffix)) = split_compact(value) {
        if prefix == "_" || suffix.starts_with("//") {
            return Some(Cow::Borrowed(value));
        }
        if let Some(def) = ctx.terms.get(prefix) {
            if def.prefix {
                if let Some(iri) = &def.iri {
                    return Some(Cow::Owned(format!("{iri}{suffix}")));
                }
            }
        }
        if is_absolute_iri(value) {
            return Some(Cow::Borrowed(value));
        }
    }
    if vocab {
        if let Some(v) = &ctx.vocab {
            return Some(Cow::Owned(format!("{v}{value}")));
        }
    }
    if document_relative {
        if let Some(base) = &ctx.base {
            return Some(Cow::Owned(resolve(base, value)));
        }
    }
    Some(Cow::Borrowed(value))
}
