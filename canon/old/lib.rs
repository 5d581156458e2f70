//! A lean route from JSON-LD documents (credentials, presentations, proof
//! configurations) to their canonical N-Quads (RDF Dataset Canonicalization,
//! RDFC-1.0, formerly URDNA2015), as Data Integrity proofs (eddsa-rdfc-2022,
//! ecdsa-rdfc-2019, Ed25519Signature2020) hash them.
//!
//! # Why
//!
//! The full JSON-LD processor (ssi 0.16) re-processes every context on each
//! call and builds several intermediate documents: about 1.5 ms per diploma.
//! This route processes each distinct `@context` once (then caches the
//! active context, and every context derived from it by scoped contexts),
//! and walks the JSON once, writing each RDF term's N-Quads text as it goes.
//!
//! # Identical to the standard and to ssi, or nothing
//!
//! [`Canonicalizer::canonicalize`] returns the canonical N-Quads only when it
//! is certain they are byte for byte what the standard (JSON-LD 1.1
//! Expansion and Deserialize JSON-LD to RDF, then RDFC-1.0) gives and what
//! ssi gives. Otherwise it returns `Ok(None)` and the caller uses the full
//! processor (`atout_vc::ssi_bridge::canonical_nquads`). Why the bytes are
//! the same: the algorithms are the standard's, step for step, on a subset
//! of JSON-LD where ssi follows the standard; wherever ssi 0.16 departs from
//! the standard (found by comparing both on every case), this route
//! declines, so the fallback gives ssi's result and nothing else changes.
//! The tests of this crate compare both routes byte for byte on a corpus of
//! the credentials, presentations and proof configurations Atout issues and
//! verifies, and on generated documents.
//!
//! What is handled:
//! - contexts: remote ones (the documents given to [`Canonicalizer::new`],
//!   nothing is fetched), inline ones (up to 16 KiB), arrays, `null`; term
//!   definitions with `@id` (IRIs, compact IRIs with prefixes, keyword
//!   aliases such as `"id": "@id"`), `@type` (`@id`, `@vocab`, `@json`,
//!   `@none`, datatypes), `@container` `@set`, `@list` and `@graph`,
//!   `@protected` (identical redefinitions only), `@prefix`, property-scoped
//!   and type-scoped contexts (the latter not propagating to nested nodes),
//!   `@propagate`, `@version`;
//! - documents: node objects with `@id` (absolute IRIs, compact IRIs) or
//!   without (blank nodes), `@type` (terms, compact or absolute IRIs),
//!   properties that are defined terms, nested nodes, arrays, `null`s,
//!   strings, booleans, integers up to 2^53, non-integral numbers whose
//!   standard `xsd:double` form is also the shortest one, typed values,
//!   `@id`/`@vocab` coercion, value objects (`@value` with `@type`, `@json`
//!   or a lowercase `@language`), `@json` literals (RFC 8785), `@graph`
//!   containers (named graphs, as `proof` and `verifiableCredential` are),
//!   embedded `@context`s, a top-level `@graph`;
//! - canonicalisation: blank nodes with unique first-degree hashes, and the
//!   N-degree algorithm for the others (with a bound on the work), except
//!   where ssi departs from the standard (see `rdfc.rs`).
//!
//! What goes to the full processor (`None`):
//! - JSON-LD features not implemented: `@vocab`, `@base`, `@language` and
//!   `@direction` in contexts, `@import`, `@reverse`, `@nest`, `@index`,
//!   `@included`, `@set` objects, language/index/id/type maps, keys that are
//!   not terms (undefined terms, which ssi refuses anyway, IRIs and compact
//!   IRIs as keys), relative IRIs, blank node identifiers written in the
//!   document, errors of the JSON-LD algorithms (protected-term
//!   redefinitions, invalid values...), more than 64 levels of nesting;
//! - where ssi 0.16 departs from the standard: lists (`@list`: it writes a
//!   blank node in place of `rdf:nil` and drops literal items), numbers with
//!   a datatype (it keeps their JSON text, e.g. `"12.5"^^xsd:decimal` where
//!   the standard writes `"1.25E1"`), doubles whose shortest form differs
//!   from the standard's 16-digit form (`973.31`: `9.7331E2` against
//!   `9.733099999999999E2`), integral numbers written with an exponent
//!   beyond 10^9, booleans with a datatype other than `xsd:boolean` (it
//!   always writes `xsd:boolean`, e.g. for OB 3.0's `https://` XSD
//!   namespace), duplicate quads on blank nodes (it hashes them twice),
//!   related blank nodes already labelled in Hash N-Degree Quads;
//! - what the standard leaves open: strings with control characters other
//!   than LF and CR (escaped differently across N-Quads versions), language
//!   tags that are not lowercase `language[-script][-region]`.
//!
//! [`Error`] is for the context documents given to [`Canonicalizer::new`]
//! and for datasets that need more canonicalisation work than the bound
//! (RDFC-1.0 asks for one against poisoned datasets; ssi has none).
//! [`Canonicalizer::declined_at`] tells, for diagnostics, where the last
//! document was declined.

mod context;
mod expand;
mod iri;
mod literal;
mod rdfc;

use context::{Ctx, Documents, Options, Scoped};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// The marker for "not handled here with certainty": the caller falls back
/// to the full processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsupported;

type Declined = Option<&'static std::panic::Location<'static>>;

thread_local! {
    static DECLINED_AT: std::cell::Cell<Declined> = const { std::cell::Cell::new(None) };
}

/// Declines, remembering where (for [`Canonicalizer::declined_at`]).
#[track_caller]
pub(crate) fn unsupported() -> Unsupported {
    let at = std::panic::Location::caller();
    DECLINED_AT.with(|d| d.set(Some(at)));
    Unsupported
}

/// Errors this route is certain about.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A context document given to [`Canonicalizer::new`] is not a JSON
    /// object with an `@context` entry.
    #[error("context document {url}: {reason}")]
    Context { url: String, reason: String },
    /// Canonicalisation needs more work than allowed: RDFC-1.0 asks
    /// implementations to stop on such (possibly poisoned) datasets.
    #[error("the dataset needs too much canonicalisation work")]
    TooComplex,
}

/// How many derived contexts are kept; past that the cache starts afresh.
const CACHE_ENTRIES: usize = 1024;
/// Contexts written in documents larger than this (as JSON text) are left to
/// the full processor.
const INLINE_CONTEXT_MAX: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Derivation {
    /// The context written in a document (its JSON text).
    Inline(Box<str>),
    /// A term's scoped context, applied as property-scoped.
    Property(u64),
    /// A term's scoped context, applied as type-scoped.
    Type(u64),
}

type CacheKey = (u64, Derivation);

/// Canonical N-Quads for the documents it can handle with certainty.
/// `Send + Sync`, cheap to share in an `Arc`.
pub struct Canonicalizer {
    docs: Documents,
    initial: Arc<Ctx>,
    /// Derived contexts, or where deriving them was declined.
    cache: RwLock<HashMap<CacheKey, Result<Arc<Ctx>, Declined>>>,
}

impl std::fmt::Debug for Canonicalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Canonicalizer")
            .field("documents", &self.docs.len())
            .finish_non_exhaustive()
    }
}

impl Canonicalizer {
    /// `documents`: context URL -> JSON text of the context document, for
    /// every context allowed (nothing is ever fetched).
    pub fn new<I: IntoIterator<Item = (String, String)>>(documents: I) -> Result<Self, Error> {
        let mut docs = Documents::new();
        for (url, text) in documents {
            let parsed: Value = serde_json::from_str(&text).map_err(|e| Error::Context {
                url: url.clone(),
                reason: e.to_string(),
            })?;
            let Value::Object(mut map) = parsed else {
                return Err(Error::Context {
                    url,
                    reason: "not a JSON object".into(),
                });
            };
            let Some(context) = map.remove("@context") else {
                return Err(Error::Context {
                    url,
                    reason: "no @context entry".into(),
                });
            };
            docs.insert(url, context);
        }
        let canon = Self {
            docs,
            initial: Arc::new(Ctx::initial()),
            cache: RwLock::new(HashMap::new()),
        };
        // Process each document once on its own (and keep the result).
        let urls: Vec<String> = canon.docs.keys().cloned().collect();
        for url in urls {
            let _ = canon.embedded(&canon.initial, &Value::String(url));
        }
        Ok(canon)
    }

    /// The canonical N-Quads (RDFC-1.0: each line ending in `\n`, lines
    /// sorted) of the JSON-LD document `doc`, or `Ok(None)` when this route
    /// does not handle it with certainty (use the full processor then).
    pub fn canonicalize(&self, doc: &Value) -> Result<Option<String>, Error> {
        let Some(canonical) = self.prepare(doc)? else {
            return Ok(None);
        };
        let mut out = String::with_capacity(canonical.len());
        for line in canonical.lines() {
            out.push_str(line);
        }
        Ok(Some(out))
    }

    /// The SHA-256 of [`Canonicalizer::canonicalize`]'s output, without
    /// building it.
    pub fn canonical_hash(&self, doc: &Value) -> Result<Option<[u8; 32]>, Error> {
        let Some(canonical) = self.prepare(doc)? else {
            return Ok(None);
        };
        let mut hasher = Sha256::new();
        for line in canonical.lines() {
            hasher.update(line.as_bytes());
        }
        Ok(Some(hasher.finalize().into()))
    }

    /// Where in this crate's source the last document this thread gave to
    /// [`Canonicalizer::canonicalize`] or [`Canonicalizer::canonical_hash`]
    /// was declined (`None` if it was not), to see which feature sent it to
    /// the full processor.
    pub fn declined_at() -> Option<String> {
        DECLINED_AT
            .with(|d| d.get())
            .map(|l| format!("{}:{}", l.file(), l.line()))
    }

    fn prepare(&self, doc: &Value) -> Result<Option<rdfc::Canonical>, Error> {
        DECLINED_AT.with(|d| d.set(None));
        let mut walker = expand::Walker::new(self);
        if walker.document(doc).is_err() {
            return Ok(None);
        }
        let ds = walker.ds;
        match rdfc::labels(&ds).and_then(|labels| rdfc::canonical(&ds, &labels)) {
            Ok(canonical) => Ok(Some(canonical)),
            Err(stop) => match Option::<Error>::from(stop) {
                Some(e) => Err(e),
                None => Ok(None),
            },
        }
    }

    /// The context `local` (a document's `@context`) applied on `parent`.
    fn embedded(&self, parent: &Arc<Ctx>, local: &Value) -> Result<Arc<Ctx>, Unsupported> {
        let text = serde_json::to_string(local).map_err(|_| unsupported())?;
        if text.len() > INLINE_CONTEXT_MAX {
            // Real contexts written in documents are small; large ones
            // (expensive to process) go to the full processor.
            return Err(unsupported());
        }
        let key = (parent.id, Derivation::Inline(text.into_boxed_str()));
        self.cached(key, || {
            context::process(&self.docs, parent, local, None, &[], Options::DEFAULT, 0)
        })
    }

    /// A term's scoped context applied on `parent`.
    fn scoped(
        &self,
        parent: &Arc<Ctx>,
        scoped: &Arc<Scoped>,
        options: Options,
    ) -> Result<Arc<Ctx>, Unsupported> {
        let derivation = if options.propagate {
            Derivation::Property(scoped.id)
        } else {
            Derivation::Type(scoped.id)
        };
        self.cached((parent.id, derivation), || {
            context::process(
                &self.docs,
                parent,
                &scoped.value,
                scoped.base_url.as_ref(),
                &[],
                options,
                0,
            )
        })
    }

    fn cached(
        &self,
        key: CacheKey,
        compute: impl FnOnce() -> Result<Ctx, Unsupported>,
    ) -> Result<Arc<Ctx>, Unsupported> {
        if let Ok(cache) = self.cache.read() {
            if let Some(hit) = cache.get(&key) {
                return match hit {
                    Ok(ctx) => Ok(ctx.clone()),
                    Err(at) => {
                        DECLINED_AT.with(|d| d.set(*at));
                        Err(Unsupported)
                    }
                };
            }
        }
        let result = compute()
            .map(Arc::new)
            .map_err(|Unsupported| DECLINED_AT.with(|d| d.get()));
        if let Ok(mut cache) = self.cache.write() {
            if cache.len() >= CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(key, result.clone());
        }
        result.map_err(|_| Unsupported)
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

    #[test]
    fn a_small_document() {
        let canon = Canonicalizer::new([(
            "https://x.example/c".to_owned(),
            r#"{"@context": {"id": "@id", "type": "@type", "ex": "https://x.example/#",
                "name": "ex:name", "Thing": "ex:Thing", "knows": {"@id": "ex:knows", "@type": "@id"},
                "age": {"@id": "ex:age", "@type": "http://www.w3.org/2001/XMLSchema#integer"}}}"#
                .to_owned(),
        )])
        .unwrap();
        let doc = serde_json::json!({
            "@context": "https://x.example/c",
            "type": "Thing",
            "name": "A \"quoted\"\nname",
            "knows": "https://x.example/b",
            "age": 42,
            "ex:ignored": 1
        });
        assert_eq!(canon.canonicalize(&doc).unwrap(), None, "IRIs as keys");
        let doc = serde_json::json!({
            "@context": "https://x.example/c",
            "type": "Thing",
            "name": "A \"quoted\"\nname",
            "knows": "https://x.example/b",
            "age": 42
        });
        let out = canon.canonicalize(&doc).unwrap().unwrap();
        assert_eq!(
            out,
            "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://x.example/#Thing> .\n\
             _:c14n0 <https://x.example/#age> \"42\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n\
             _:c14n0 <https://x.example/#knows> <https://x.example/b> .\n\
             _:c14n0 <https://x.example/#name> \"A \\\"quoted\\\"\\nname\" .\n"
        );
        let hash = canon.canonical_hash(&doc).unwrap().unwrap();
        assert_eq!(hash.as_slice(), &Sha256::digest(out.as_bytes())[..]);
    }
}
