//! The JSON-LD processing options the algorithms take (a subset of the
//! JSON-LD 1.1 API's `JsonLdOptions`: those that change the canonical form).

use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// `processingMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProcessingMode {
    /// `json-ld-1.0`
    JsonLd10,
    /// `json-ld-1.1` (the default)
    #[default]
    JsonLd11,
}

/// `rdfDirection`: how `@direction` becomes RDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfDirection {
    /// `i18n-datatype`: the datatype `https://www.w3.org/ns/i18n#{lang}_{dir}`
    /// (what the reference Data Integrity implementations use).
    I18nDatatype,
    /// `compound-literal`: a blank node with `rdf:value`, `rdf:language`,
    /// `rdf:direction`.
    CompoundLiteral,
}

/// Options of expansion and toRdf.
#[derive(Debug, Clone, Default)]
pub struct JsonLdOptions {
    /// The document's base IRI (`base`), if any.
    pub base: Option<String>,
    /// `expandContext`: a context applied before the document's own.
    pub expand_context: Option<Value>,
    pub processing_mode: ProcessingMode,
    /// `None`: `@direction` is dropped when converting to RDF.
    pub rdf_direction: Option<RdfDirection>,
    /// `produceGeneralizedRdf` (blank nodes as predicates).
    pub produce_generalized_rdf: bool,
    /// Safe mode, as the reference Data Integrity implementations sign and
    /// verify (jsonld.js `safe: true`): whatever JSON-LD would silently drop
    /// or leave relative (a property no context defines, a relative `@id` or
    /// `@type`, a free-floating value, a triple that is not well-formed) is
    /// an error (`code` "safe mode: <event>"), so that nothing in a signed
    /// document escapes its signature.
    pub safe: bool,
}

/// Where remote contexts come from. Nothing is ever fetched: a loader only
/// returns documents it already holds.
pub trait Loader: Send + Sync {
    /// The whole JSON document at `url` (an object with an `@context`
    /// entry, for a context), or `None` (then "loading remote context
    /// failed").
    fn load(&self, url: &str) -> Option<Arc<Value>>;
}

/// A loader holding a fixed set of documents.
#[derive(Debug, Default, Clone)]
pub struct StaticLoader {
    docs: HashMap<String, Arc<Value>>,
}

impl StaticLoader {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, url: impl Into<String>, doc: Value) {
        self.docs.insert(url.into(), Arc::new(doc));
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.docs.keys().map(String::as_str)
    }
}

impl Loader for StaticLoader {
    fn load(&self, url: &str) -> Option<Arc<Value>> {
        self.docs.get(url).cloned()
    }
}
