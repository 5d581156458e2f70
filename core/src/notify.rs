//! What people are told of (issue 19): the kinds of notification, whether
//! each is mailed by default, and a helper to write one. Writers call
//! [`notify`] after the change that causes it has been committed; the
//! notification worker (`atout_news::notifications`) mails what is pending,
//! in the recipient's language, per their preferences.

use crate::store::{NewNotification, Store};
use chrono::{DateTime, Utc};

/// The kinds of notification. Citizens': the first group; organisations':
/// the last three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    CredentialOffered,
    CredentialRevoked,
    CredentialSuspended,
    CredentialReinstated,
    CredentialExpiring,
    EndorsementReceived,
    RequestDecided,
    SuggestionReceived,
    ShareOpened,
    CvOpened,
    InvitationAccepted,
    EventReminder,
    EventCancelled,
    Digest,
    // Organisations.
    RequestReceived,
    OfferDeclined,
    OfferExpired,
}

impl Kind {
    pub const CITIZEN: [Kind; 14] = [
        Kind::CredentialOffered,
        Kind::CredentialRevoked,
        Kind::CredentialSuspended,
        Kind::CredentialReinstated,
        Kind::CredentialExpiring,
        Kind::EndorsementReceived,
        Kind::RequestDecided,
        Kind::SuggestionReceived,
        Kind::ShareOpened,
        Kind::CvOpened,
        Kind::InvitationAccepted,
        Kind::EventReminder,
        Kind::EventCancelled,
        Kind::Digest,
    ];
    pub const ORG: [Kind; 3] = [Kind::RequestReceived, Kind::OfferDeclined, Kind::OfferExpired];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CredentialOffered => "credential-offered",
            Kind::CredentialRevoked => "credential-revoked",
            Kind::CredentialSuspended => "credential-suspended",
            Kind::CredentialReinstated => "credential-reinstated",
            Kind::CredentialExpiring => "credential-expiring",
            Kind::EndorsementReceived => "endorsement-received",
            Kind::RequestDecided => "request-decided",
            Kind::SuggestionReceived => "suggestion-received",
            Kind::ShareOpened => "share-opened",
            Kind::CvOpened => "cv-opened",
            Kind::InvitationAccepted => "invitation-accepted",
            Kind::EventReminder => "event-reminder",
            Kind::EventCancelled => "event-cancelled",
            Kind::Digest => "digest",
            Kind::RequestReceived => "request-received",
            Kind::OfferDeclined => "offer-declined",
            Kind::OfferExpired => "offer-expired",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Self::CITIZEN
            .iter()
            .chain(Self::ORG.iter())
            .copied()
            .find(|k| k.as_str() == s)
    }

    /// Mailed unless the citizen says otherwise: every kind but the weekly
    /// digest, which is opt-in.
    pub fn mailed_by_default(self) -> bool {
        self != Kind::Digest
    }
}

/// Who a notification is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum To {
    Citizen(String),
    Org(String),
}

/// One notice to write.
#[derive(Debug, Clone)]
pub struct Notice {
    pub to: To,
    pub kind: Kind,
    pub params: serde_json::Value,
    pub link: Option<String>,
    pub dedupe: Option<String>,
}

impl Notice {
    pub fn citizen(citizen_id: &str, kind: Kind, params: serde_json::Value) -> Self {
        Self {
            to: To::Citizen(citizen_id.to_owned()),
            kind,
            params,
            link: None,
            dedupe: None,
        }
    }

    pub fn org(org_id: &str, kind: Kind, params: serde_json::Value) -> Self {
        Self {
            to: To::Org(org_id.to_owned()),
            kind,
            params,
            link: None,
            dedupe: None,
        }
    }

    pub fn link(mut self, link: impl Into<String>) -> Self {
        self.link = Some(link.into());
        self
    }

    pub fn dedupe(mut self, key: impl Into<String>) -> Self {
        self.dedupe = Some(key.into());
        self
    }
}

/// Writes notices. A failure is logged, never returned: the change that
/// caused them is already done, and a lost notice must not undo it.
pub async fn notify(store: &dyn Store, now: DateTime<Utc>, notices: Vec<Notice>) -> usize {
    if notices.is_empty() {
        return 0;
    }
    let rows: Vec<NewNotification> = notices
        .into_iter()
        .map(|n| {
            let (citizen_id, org_id) = match n.to {
                To::Citizen(id) => (Some(id), None),
                To::Org(id) => (None, Some(id)),
            };
            NewNotification {
                id: crate::ids::new_id(),
                citizen_id,
                org_id,
                kind: n.kind.as_str().to_owned(),
                params: n.params,
                link: n.link,
                dedupe: n.dedupe,
                created_at: now,
            }
        })
        .collect();
    match store.add_notifications(&rows).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "notifications not written");
            0
        }
    }
}
