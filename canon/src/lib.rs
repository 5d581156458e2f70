//! Atout's one canonical form: JSON-LD 1.1 (context processing, expansion,
//! node map, toRdf) and RDF Dataset Canonicalization (RDFC-1.0), used both to
//! sign and to verify Data Integrity proofs (eddsa-rdfc-2022,
//! ecdsa-rdfc-2019, Ed25519Signature2020).
//!
//! The algorithms are the specifications', step for step, and the W3C test
//! suites are the judge (`tests/w3c_*.rs` run every entry of the RDFC-1.0,
//! JSON-LD expand and toRdf manifests). Nothing is ever fetched: contexts
//! come from a [`Loader`] holding bundled documents. Every stage charges one
//! [`Budget`], so no input costs more than its [`Limits`]; a document past a
//! limit is [`Error::TooComplex`], never "invalid".

pub mod context;
pub mod error;
pub mod expand;
mod iri;
pub mod limits;
mod literal;
mod node_map;
pub mod nquads;
pub mod options;
pub mod rdf;
pub mod rdfc;
pub mod to_rdf;

pub use context::ContextCache;
pub use error::{Error, Limit};
pub use limits::{Budget, Limits};
pub use options::{JsonLdOptions, Loader, ProcessingMode, RdfDirection, StaticLoader};

use context::Env;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// JSON-LD 1.1 `expand()` of `doc`.
pub fn expand(
    doc: &Value,
    options: &JsonLdOptions,
    loader: &dyn Loader,
    cache: &ContextCache,
    budget: &mut Budget,
) -> Result<Value, Error> {
    let env = Env {
        options,
        loader,
        cache,
    };
    expand::expand(doc, &env, budget)
}

/// JSON-LD 1.1 `toRdf()` of `doc`: expansion, then the node map and the
/// deserialisation to RDF.
pub fn to_rdf(
    doc: &Value,
    options: &JsonLdOptions,
    loader: &dyn Loader,
    cache: &ContextCache,
    budget: &mut Budget,
) -> Result<rdf::Dataset, Error> {
    let expanded = expand(doc, options, loader, cache, budget)?;
    let dataset = to_rdf::to_rdf(&expanded, options, budget)?;
    budget.dataset(dataset.len(), 0)?;
    Ok(dataset)
}

/// Canonical N-Quads of credentials, presentations and proof
/// configurations, with the bundled contexts. `Send + Sync`: share it in an
/// `Arc`; processed contexts are cached by their content across documents.
pub struct Canonicalizer {
    loader: StaticLoader,
    cache: ContextCache,
    limits: Limits,
    options: JsonLdOptions,
}

impl std::fmt::Debug for Canonicalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Canonicalizer")
            .field("documents", &self.loader.len())
            .finish_non_exhaustive()
    }
}

impl Canonicalizer {
    /// `documents`: context URL -> JSON text of the context document, for
    /// every context allowed (nothing is ever fetched). Options are those of
    /// Data Integrity: JSON-LD 1.1, no base IRI, `rdfDirection:
    /// i18n-datatype` (as the reference implementations do).
    pub fn new<I: IntoIterator<Item = (String, String)>>(documents: I) -> Result<Self, Error> {
        let mut loader = StaticLoader::new();
        for (url, text) in documents {
            let parsed: Value = serde_json::from_str(&text)
                .map_err(|e| Error::json_ld("invalid remote context", format!("{url}: {e}")))?;
            if !parsed.get("@context").is_some_and(|_| parsed.is_object()) {
                return Err(Error::json_ld(
                    "invalid remote context",
                    format!("{url}: not an object with an @context entry"),
                ));
            }
            loader.insert(url, parsed);
        }
        Ok(Self {
            loader,
            cache: ContextCache::new(),
            limits: Limits::default(),
            options: JsonLdOptions {
                rdf_direction: Some(RdfDirection::I18nDatatype),
                safe: true,
                ..JsonLdOptions::default()
            },
        })
    }

    /// Replaces the default limits (a deadline given there is ignored: pass
    /// one per call to [`Canonicalizer::canonicalize_with`]).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits every call uses unless told otherwise.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The dataset of `doc` under the Data Integrity options.
    pub fn dataset(&self, doc: &Value, budget: &mut Budget) -> Result<rdf::Dataset, Error> {
        to_rdf(doc, &self.options, &self.loader, &self.cache, budget)
    }

    /// The canonical N-Quads (each line ending in `\n`, lines sorted) of the
    /// JSON-LD document `doc`, under the default limits.
    pub fn canonicalize(&self, doc: &Value) -> Result<String, Error> {
        self.canonicalize_with(doc, self.limits.clone())
    }

    /// [`Canonicalizer::canonicalize`] under `limits`.
    pub fn canonicalize_with(&self, doc: &Value, limits: Limits) -> Result<String, Error> {
        let mut budget = Budget::new(limits);
        let dataset = self.dataset(doc, &mut budget)?;
        Ok(rdfc::canonicalize(&dataset, &mut budget)?.nquads)
    }

    /// The SHA-256 of the canonical N-Quads, under the default limits.
    pub fn canonical_hash(&self, doc: &Value) -> Result<[u8; 32], Error> {
        self.canonical_hash_with(doc, self.limits.clone())
    }

    /// [`Canonicalizer::canonical_hash`] under `limits`.
    pub fn canonical_hash_with(&self, doc: &Value, limits: Limits) -> Result<[u8; 32], Error> {
        let nquads = self.canonicalize_with(doc, limits)?;
        Ok(Sha256::digest(nquads.as_bytes()).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn is_send_and_sync() {
        assert_send_sync::<Canonicalizer>();
    }

    #[test]
    fn bad_context_documents_are_errors() {
        assert!(
            Canonicalizer::new([("https://x.example/c".to_owned(), "nope".to_owned())]).is_err()
        );
        assert!(Canonicalizer::new([("https://x.example/c".to_owned(), "{}".to_owned())]).is_err());
    }

    fn small() -> Canonicalizer {
        Canonicalizer::new([(
            "https://x.example/c".to_owned(),
            r#"{"@context": {"id": "@id", "type": "@type", "ex": "https://x.example/#",
                "name": "ex:name", "Thing": "ex:Thing",
                "tags": {"@id": "ex:tags", "@container": "@list"}}}"#
                .to_owned(),
        )])
        .unwrap()
    }

    #[test]
    fn a_small_document_and_its_list() {
        let canon = small();
        let doc = serde_json::json!({
            "@context": "https://x.example/c",
            "id": "https://x.example/a",
            "type": "Thing",
            "name": "A \"quoted\"\nname",
            "tags": ["b", "a"]
        });
        let out = canon.canonicalize(&doc).unwrap();
        assert!(out.contains("<https://x.example/a> <https://x.example/#tags> _:c14n"));
        assert!(out.contains("<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> \"b\""));
        let mut reordered = doc.clone();
        reordered["tags"] = serde_json::json!(["a", "b"]);
        assert_ne!(
            canon.canonical_hash(&doc).unwrap(),
            canon.canonical_hash(&reordered).unwrap(),
            "a list's order is signed"
        );
        let hash = canon.canonical_hash(&doc).unwrap();
        assert_eq!(hash.as_slice(), &Sha256::digest(out.as_bytes())[..]);
    }

    #[test]
    fn safe_mode_refuses_what_json_ld_would_drop() {
        let canon = small();
        let cases = [
            (
                serde_json::json!({"@context": "https://x.example/c", "name": "x", "undefined": 1}),
                "safe mode: invalid property",
            ),
            (
                serde_json::json!({"@context": "https://x.example/c", "id": "relative", "name": "x"}),
                "safe mode: relative @id reference",
            ),
            (
                serde_json::json!({"@context": "https://x.example/c", "type": "Other", "name": "x"}),
                "safe mode: relative @type reference",
            ),
            (
                serde_json::json!({"@context": "https://x.example/c"}),
                "safe mode: empty object",
            ),
            (
                serde_json::json!({"@context": "https://x.example/c", "name": "x", "ex:other": {"@value": "y", "@language": "not a tag!"}}),
                "safe mode: invalid @language value",
            ),
        ];
        for (doc, code) in cases {
            let got = canon.canonicalize(&doc).unwrap_err();
            assert_eq!(got.code(), Some(code), "{doc}");
        }
        let fine =
            serde_json::json!({"@context": "https://x.example/c", "type": "Thing", "name": "x"});
        assert!(canon.canonicalize(&fine).is_ok());
    }

    #[test]
    fn unknown_contexts_are_never_fetched() {
        let canon = small();
        let doc = serde_json::json!({"@context": "https://evil.example/c", "name": "x"});
        assert_eq!(
            canon.canonicalize(&doc).unwrap_err().code(),
            Some("loading remote context failed")
        );
    }
}
