//! The JSON-LD 1.1 Expansion Algorithm. (Stub: the interface.)

use crate::context::Env;
use crate::error::Error;
use crate::limits::Budget;
use serde_json::Value;

/// Expands `doc` (JSON-LD 1.1 API `expand()`): the expanded form, always an
/// array.
pub fn expand(doc: &Value, env: &Env<'_>, budget: &mut Budget) -> Result<Value, Error> {
    let _ = (doc, env, budget);
    Err(Error::json_ld("not implemented", "expansion"))
}
