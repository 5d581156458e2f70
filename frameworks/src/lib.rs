//! Reference frameworks for Atout: readers for the publishers' own files
//! (ESCO's CSV export, ROME 4.0 and the NAF crosswalk from France Travail,
//! France compétences' RNCP/RS export) and the in-memory index that serves
//! search and autocomplete on every database alike.
//!
//! Everything here is synchronous and bounded (file sizes, record counts,
//! label lengths): callers run it off the async workers.
//!
//! ```no_run
//! use atout_frameworks::{index::{Index, IndexedConcept, Query}, read};
//! let limits = read::Limits::default();
//! let input = read::open("esco/".as_ref(), &limits)?;
//! let data = read::read(read::Format::Esco, Some("en"), &input, &limits)?;
//! let index = Index::build(data.concepts.iter().map(|c| IndexedConcept::new(c, "v1.2.0")).collect());
//! let hits = index.search(&Query::new("web dev", "en"));
//! # Ok::<(), read::ImportError>(())
//! ```

pub mod index;
pub mod model;
pub mod normalize;
pub mod read;
#[doc(hidden)]
pub mod testdata;

pub use index::{Hit, Index, IndexedConcept, Query, ShownLabel};
pub use model::*;
