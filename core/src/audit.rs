//! The append-only audit log: who did what to which object, when, in which
//! request. Writers pass an entry to the store method that makes the change,
//! so both land in one transaction.

use crate::{ids::new_id, store::NewAuditEntry};
use chrono::{DateTime, Utc};

/// Actions recorded in the audit log.
pub mod action {
    pub const ORG_CREATED: &str = "org.created";
    /// Its directory profile or its templates' visibility changed.
    pub const ORG_PROFILE_UPDATED: &str = "org.profile_updated";
    pub const KEY_CREATED: &str = "key.created";
    pub const KEY_ROTATED: &str = "key.rotated";
    pub const KEY_WITHDRAWN: &str = "key.withdrawn";
    pub const API_KEY_CREATED: &str = "api_key.created";
    pub const API_KEY_REVOKED: &str = "api_key.revoked";
    pub const CREDENTIAL_ISSUED: &str = "credential.issued";
    pub const TEMPLATE_CREATED: &str = "template.created";
    pub const BATCH_CREATED: &str = "batch.created";
    pub const BATCH_OFFERS_RESENT: &str = "batch.offers_resent";
    pub const BATCH_OFFERS_WITHDRAWN: &str = "batch.offers_withdrawn";
    pub const CREDENTIAL_REVOKED: &str = "credential.revoked";
    pub const CREDENTIAL_SUSPENDED: &str = "credential.suspended";
    pub const CREDENTIAL_UNSUSPENDED: &str = "credential.unsuspended";
    /// Status entries of credentials never recorded, freed by the platform.
    pub const STATUS_RECLAIMED: &str = "status.reclaimed";
    pub const TRUSTED_ISSUER_UPSERTED: &str = "trusted_issuer.upserted";
    pub const TRUSTED_ISSUER_REMOVED: &str = "trusted_issuer.removed";
    pub const TRUST_REGISTRY_REPLACED: &str = "trust_registry.replaced";
    pub const OFFER_CREATED: &str = "offer.created";
    pub const OFFER_CANCELLED: &str = "offer.cancelled";
    pub const OFFER_ACCEPTED: &str = "offer.accepted";
    pub const OFFER_DECLINED: &str = "offer.declined";
    pub const REQUEST_APPROVED: &str = "certification_request.approved";
    pub const REQUEST_REJECTED: &str = "certification_request.rejected";
    pub const ENDORSEMENT_SIGNED: &str = "endorsement.signed";
}

/// Who acts, and in which request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `admin`, `cli`, `api-key:<id>`, `system`
    pub label: String,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn admin(request_id: Option<String>) -> Self {
        Self {
            label: "admin".into(),
            request_id,
        }
    }

    pub fn cli() -> Self {
        Self {
            label: "cli".into(),
            request_id: None,
        }
    }

    pub fn system() -> Self {
        Self {
            label: "system".into(),
            request_id: None,
        }
    }

    pub fn api_key(key_id: &str, request_id: Option<String>) -> Self {
        Self {
            label: format!("api-key:{key_id}"),
            request_id,
        }
    }

    /// An audit entry by this actor.
    pub fn entry(
        &self,
        at: DateTime<Utc>,
        org_id: Option<&str>,
        action: &str,
        object: String,
        details: Option<serde_json::Value>,
    ) -> NewAuditEntry {
        NewAuditEntry {
            id: new_id(),
            at,
            org_id: org_id.map(str::to_owned),
            actor: self.label.clone(),
            action: action.to_owned(),
            object,
            request_id: self.request_id.clone(),
            details,
        }
    }
}
