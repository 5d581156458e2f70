//! Offline verification: a bundle of the signed trust registry, the DID
//! documents of the accredited issuers and their status lists. A verifier
//! started with one (`ATOUT_VERIFIER_SNAPSHOT`) makes no network request at
//! all, and says how fresh its status data is.

use crate::{
    engine::{Verifier, VerifierParts, VerifyOptions},
    report::{CheckKind, Outcome},
    sources::{RegistrySnapshot, SnapshotLists, TrustRegistry},
};
use atout_core::{
    clock::Clock,
    did::{DidDocument, DidResolver, ResolveError},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::{collections::BTreeMap, sync::Arc};

pub const SNAPSHOT_TYPE: &str = "AtoutVerifierSnapshot";

/// The bundle written by `atout verifier snapshot` (JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Snapshot {
    #[serde(rename = "type")]
    pub type_: String,
    pub version: u32,
    /// When the bundle was made: the age of its status data.
    pub created_at: DateTime<Utc>,
    /// The deployment it was taken from.
    pub base_url: String,
    /// The DID that signs the registry (the platform's).
    pub registry_authority: String,
    /// The signed trust registry document (a VC).
    pub registry: Option<Value>,
    /// did:web documents by DID (did:key needs none).
    pub did_documents: BTreeMap<String, DidDocument>,
    /// Status list credentials by URL, as served (JSON text or JWT).
    pub status_lists: BTreeMap<String, String>,
}

impl Snapshot {
    pub fn new(base_url: &str, authority: &str, created_at: DateTime<Utc>) -> Self {
        Self {
            type_: SNAPSHOT_TYPE.into(),
            version: 1,
            created_at,
            base_url: base_url.to_owned(),
            registry_authority: authority.to_owned(),
            registry: None,
            did_documents: BTreeMap::new(),
            status_lists: BTreeMap::new(),
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let snapshot: Snapshot =
            serde_json::from_str(text).map_err(|e| format!("not a verifier snapshot: {e}"))?;
        if snapshot.type_ != SNAPSHOT_TYPE || snapshot.version != 1 {
            return Err(format!(
                "not a version 1 {SNAPSHOT_TYPE} (type {:?}, version {})",
                snapshot.type_, snapshot.version
            ));
        }
        for (did, doc) in &snapshot.did_documents {
            if &doc.id != did {
                return Err(format!(
                    "the DID document filed under {did} is for {}",
                    doc.id
                ));
            }
        }
        Ok(snapshot)
    }
}

/// DID resolution from the bundle only (did:key is computed locally).
pub struct SnapshotResolver {
    pub documents: BTreeMap<String, DidDocument>,
}

#[async_trait::async_trait]
impl DidResolver for SnapshotResolver {
    async fn resolve(&self, did: &str) -> Result<DidDocument, ResolveError> {
        if did.starts_with("did:key:") {
            return atout_vc::ssi_bridge::resolve_did_key(did).await;
        }
        self.documents.get(did).cloned().ok_or_else(|| {
            ResolveError::Fetch(format!(
                "{} is not in the offline snapshot (this verifier makes no network request)",
                did.chars().take(200).collect::<String>()
            ))
        })
    }
}

/// Verifies a signed trust registry document: a VC issued by `authority`,
/// typed `TrustRegistryCredential`, whose proof verifies; returns its
/// entries. The document's validity period must hold at the clock's time.
pub async fn verify_registry_document(
    verifier: &Arc<Verifier>,
    document: &Value,
    authority: &str,
) -> Result<RegistrySnapshot, String> {
    let report = verifier
        .verify_document(document)
        .await
        .map_err(|e| format!("the registry document is malformed: {e}"))?;
    if let Some(bad) = report.results.iter().find(|c| {
        matches!(
            c.check,
            CheckKind::Proof | CheckKind::IssuerKey | CheckKind::ValidityPeriod
        ) && c.status != Outcome::Ok
    }) {
        return Err(format!(
            "the registry document does not verify ({}): {}",
            bad.check.as_str(),
            bad.reason
        ));
    }
    if report.issuer.id != authority {
        return Err(format!(
            "the registry document is signed by {}, not by the registry authority {authority}",
            report.issuer.id
        ));
    }
    let types = document["type"].as_array().cloned().unwrap_or_default();
    if !types.iter().any(|t| t == "TrustRegistryCredential") {
        return Err("the document is not a TrustRegistryCredential".into());
    }
    let entries = atout_core::registry::parse_entries(
        "credentialSubject.trustedIssuers",
        &document["credentialSubject"]["trustedIssuers"],
    )
    .map_err(|e| e.to_string())?;
    let issued_at = document["validFrom"]
        .as_str()
        .and_then(crate::engine::parse_date)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    Ok(RegistrySnapshot::new(
        authority.to_owned(),
        issued_at,
        entries,
    ))
}

/// A verifier that uses nothing but the bundle.
pub async fn offline_verifier(
    snapshot: &Snapshot,
    vc: Arc<atout_vc::Vc>,
    canon: Option<Arc<atout_canon::Canonicalizer>>,
    clock: Arc<dyn Clock>,
) -> Result<Arc<Verifier>, String> {
    let resolver: Arc<dyn DidResolver> = Arc::new(SnapshotResolver {
        documents: snapshot.did_documents.clone(),
    });
    let lists = Arc::new(SnapshotLists {
        lists: snapshot.status_lists.clone().into_iter().collect(),
        taken_at: snapshot.created_at,
    });
    let parts = |registry: Arc<dyn TrustRegistry>| VerifierParts {
        vc: vc.clone(),
        canon: canon.clone(),
        resolver: resolver.clone(),
        lists: lists.clone(),
        local_lists: None,
        registry,
        clock: clock.clone(),
        list_ttl: std::time::Duration::from_millis(atout_vc::status::TTL_MS),
        snapshot_taken_at: Some(snapshot.created_at),
    };
    let empty = RegistrySnapshot::new(
        snapshot.registry_authority.clone(),
        snapshot.created_at,
        vec![],
    );
    let registry = match &snapshot.registry {
        Some(document) => {
            let bootstrap = Arc::new(Verifier::new(parts(Arc::new(empty))));
            verify_registry_document(&bootstrap, document, &snapshot.registry_authority).await?
        }
        None => empty,
    };
    Ok(Arc::new(Verifier::new(parts(Arc::new(registry)))))
}

impl Verifier {
    /// Verifies a signed document (proof, key, dates) without its status:
    /// for registry documents and other platform-signed files.
    pub async fn verify_document(
        self: &Arc<Self>,
        document: &Value,
    ) -> Result<crate::report::CredentialReport, crate::engine::Malformed> {
        self.verify_without_status(document, &VerifyOptions::default())
            .await
    }
}
