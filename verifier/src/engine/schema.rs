//! `credentialSchema` (JSON Schema): fetched, compiled, cached, and the
//! credential validated against it.

use super::{parse::check_depth, worst, Verifier, MAX_STATUS_ENTRIES};
use crate::{
    report::{Check, CheckKind},
    sources::{fetch_failure, short},
};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::sync::Arc;

/// A compiled schema and when it was fetched.
pub(super) type CachedSchema = (DateTime<Utc>, Arc<jsonschema::Validator>);

impl Verifier {
    // ----- schema ------------------------------------------------------

    /// `credentialSchema` entries of type `JsonSchema`: each schema is
    /// fetched (through the same guarded source as status lists; nothing in
    /// an offline snapshot), compiled once per cache lifetime, and the
    /// credential must validate. Remote `$ref`s are not followed.
    pub(super) async fn check_schema(&self, credential: &Map<String, Value>) -> Option<Check> {
        let schema = credential.get("credentialSchema")?;
        let schemas: Vec<&Value> = match schema {
            Value::Array(a) => a.iter().take(MAX_STATUS_ENTRIES).collect(),
            v => vec![v],
        };
        let instance = Value::Object(credential.clone());
        let mut checks = Vec::new();
        for s in schemas {
            let t = s.get("type").and_then(Value::as_str).unwrap_or("");
            let Some(url) = s.get("id").and_then(Value::as_str) else {
                checks.push(Check::failed(
                    CheckKind::Schema,
                    "malformed-schema-entry",
                    "A credentialSchema entry has no id.",
                ));
                continue;
            };
            if t != "JsonSchema" {
                checks.push(Check::could_not(
                    CheckKind::Schema,
                    "unsupported-schema-type",
                    format!(
                        "The schema type {:?} is not supported (JsonSchema is).",
                        short(t)
                    ),
                ));
                continue;
            }
            let validator = match self.schema(url).await {
                Ok(v) => v,
                Err(check) => {
                    checks.push(check);
                    continue;
                }
            };
            checks.push(match validator.iter_errors(&instance).next() {
                None => Check::ok(
                    CheckKind::Schema,
                    "matches-schema",
                    format!("The credential matches its schema {}.", short(url)),
                ),
                Some(e) => Check::failed(
                    CheckKind::Schema,
                    "schema-mismatch",
                    format!(
                        "The credential does not match its schema {}: {} at {}.",
                        short(url),
                        short(&e.to_string()),
                        short(&e.instance_path().to_string())
                    ),
                ),
            });
        }
        worst(checks)
    }

    async fn schema(&self, url: &str) -> Result<Arc<jsonschema::Validator>, Check> {
        let now = self.clock.now();
        if let Some((at, v)) = self
            .schema_cache
            .lock()
            .ok()
            .and_then(|c| c.get(url).cloned())
        {
            if now - at < self.list_ttl {
                return Ok(v);
            }
        }
        let fetched = self.lists.fetch(url).await.map_err(|e| {
            Check::could_not(
                CheckKind::Schema,
                "schema-unavailable",
                format!(
                    "The schema {} could not be obtained: {}.",
                    short(url),
                    fetch_failure(&e)
                ),
            )
        })?;
        let invalid = |why: String| {
            Check::could_not(
                CheckKind::Schema,
                "schema-invalid",
                format!(
                    "The schema {} is not a usable JSON Schema: {why}.",
                    short(url)
                ),
            )
        };
        let schema: Value =
            serde_json::from_str(&fetched.body).map_err(|e| invalid(e.to_string()))?;
        check_depth(&schema).map_err(|e| invalid(e.0))?;
        let validator = Arc::new(
            jsonschema::validator_for(&schema).map_err(|e| invalid(short(&e.to_string())))?,
        );
        if let Ok(mut cache) = self.schema_cache.lock() {
            if cache.len() >= 1_000 {
                cache.clear();
            }
            cache.insert(url.to_owned(), (now, validator.clone()));
        }
        Ok(validator)
    }
}
