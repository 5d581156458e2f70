//! RDF Dataset Canonicalization (RDFC-1.0). (Stub: the interface.)

use crate::error::Error;
use crate::limits::Budget;
use crate::rdf::Dataset;

/// The result of canonicalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// Canonical N-Quads: each line ends in `\n`, lines sorted, no duplicates.
    pub nquads: String,
    /// Input blank node label -> canonical label (`c14n0`...), in issue order.
    pub issued: Vec<(String, String)>,
}

/// Canonicalises `dataset` (RDFC-1.0 with SHA-256).
pub fn canonicalize(dataset: &Dataset, budget: &mut Budget) -> Result<Canonical, Error> {
    let _ = (dataset, budget);
    Err(Error::json_ld("not implemented", "rdfc"))
}
