//! The reference frameworks as every service sees them: an in-memory search
//! index built from the database (the same on SQLite and PostgreSQL),
//! swapped whole after an import, and the labels of codes in a page's
//! language.

use atout_core::store::{Store, StoreResult, StoredConcept};
use atout_frameworks::{
    index::{Index, IndexedConcept, ShownLabel},
    ConceptKind, Framework, Label,
};
use std::sync::{Arc, RwLock};

/// The current index; readers take an `Arc` and never wait for a rebuild.
pub struct Frameworks {
    index: RwLock<Arc<Index>>,
    /// One import at a time in this process (the database keeps two
    /// processes' imports apart: each is one transaction).
    pub import_lock: tokio::sync::Mutex<()>,
}

impl Default for Frameworks {
    fn default() -> Self {
        Self::empty()
    }
}

impl Frameworks {
    /// No framework loaded (a verifier alone, a fresh deployment).
    pub fn empty() -> Self {
        Self {
            index: RwLock::new(Arc::new(Index::build(Vec::new()))),
            import_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// Reads every concept from the store and builds the index (off the
    /// async workers: tens of thousands of labels).
    pub async fn load(store: &Arc<dyn Store>) -> StoreResult<Self> {
        let me = Self::empty();
        me.reload(store).await?;
        Ok(me)
    }

    /// Rebuilds the index from the store and swaps it in.
    pub async fn reload(&self, store: &Arc<dyn Store>) -> StoreResult<usize> {
        let rows = store.concepts_for_index().await?;
        let index = tokio::task::spawn_blocking(move || {
            Index::build(rows.into_iter().filter_map(indexed).collect())
        })
        .await
        .map_err(|e| atout_core::store::StoreError::Corrupt(format!("index build: {e}")))?;
        let n = index.len();
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(index);
        Ok(n)
    }

    pub fn index(&self) -> Arc<Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The label of a code in `lang` (falling back to another language,
    /// marked), if the code is known.
    pub fn label(&self, framework: &str, code: &str, lang: &str) -> Option<ShownLabel> {
        let framework = Framework::parse(framework)?;
        self.index().label(framework, code.trim(), lang)
    }

    /// The code's label as a page shows it: the label, then the language
    /// it is in when it is not the page's (`« … » (en anglais)` is the
    /// page's business: this returns the parts).
    pub fn describe(
        &self,
        framework: &str,
        code: &str,
        lang: &str,
    ) -> Option<(String, Option<String>)> {
        self.label(framework, code, lang)
            .map(|l| (l.text, l.fallback.then_some(l.lang)))
    }
}

/// A stored concept as the index takes it (rows of unknown frameworks or
/// kinds, which a later version might add, are left out).
fn indexed(c: StoredConcept) -> Option<IndexedConcept> {
    Some(IndexedConcept {
        framework: Framework::parse(&c.framework)?,
        code: c.code,
        kind: ConceptKind::parse(&c.kind)?,
        labels: c
            .labels
            .into_iter()
            .map(|(lang, text, preferred, guessed)| Label {
                lang,
                text,
                preferred,
                guessed,
            })
            .collect(),
        active: c.active,
        version: c.version,
        parent: c.parent,
        level: c.level,
    })
}
