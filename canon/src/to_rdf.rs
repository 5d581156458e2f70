//! Node Map Generation and Deserialize JSON-LD to RDF. (Stub: the interface.)

use crate::error::Error;
use crate::limits::Budget;
use crate::options::JsonLdOptions;
use crate::rdf::Dataset;
use serde_json::Value;

/// The RDF dataset of an expanded document (JSON-LD 1.1 API `toRdf()` after
/// expansion).
pub fn to_rdf(expanded: &Value, options: &JsonLdOptions, budget: &mut Budget) -> Result<Dataset, Error> {
    let _ = (expanded, options, budget);
    Err(Error::json_ld("not implemented", "toRdf"))
}
