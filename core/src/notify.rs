//! What people are told of (issue 19): the kinds of notification, whether
//! each is mailed by default, and a helper to write one. Writers call
//! [`notify`] after the change that causes it has been committed; the
//! notification worker (`atout_news::notifications`) mails what is pending,
//! in the recipient's language, per their preferences.
//!
//! # What each kind's `params` hold
//!
//! Texts are written from these values in the reader's language (the
//! worker and `GET /wallet/notifications`); a value that is missing shows
//! as nothing. Titles and names that exist in both languages come as
//! `…Fr`/`…En` pairs, otherwise as one value.
//!
//! | kind | params | written by |
//! |---|---|---|
//! | `credential-offered` | `titleFr`, `titleEn`, `orgFr`, `orgEn`, `expiresAt`, `mailed` (the offer itself was mailed to the same address: no second mail) | `issuer::offers`, `issuer::delivery` |
//! | `credential-revoked`, `-suspended`, `-reinstated` | `title`, `orgFr`, `orgEn`, `reason` | [`credential_status_changed`] (`issuer::status`) |
//! | `credential-expiring` | `title`, `validUntil` | the worker's daily sweep |
//! | `endorsement-received` | `name`, `entry` | `wallet_api::invitations` |
//! | `request-decided` | `decision` (`approved`, `rejected`), `orgFr`, `orgEn`, `entry`, `reason` | `issuer::requests` |
//! | `suggestion-received` | `name`, `suggestion` (`comment`, `entry`) | `wallet_api::invitations` |
//! | `share-opened` | `label`, `at` | [`share_opened`] (`wallet_api::shares`) |
//! | `cv-opened` | `title`, `at` | [`share_opened`] |
//! | `invitation-accepted` | `name`, `role` | `wallet_api::invitations` |
//! | `event-reminder` | `titleFr`, `titleEn` (or `title`), `startsAt`, `commune` | `atout_news::feed` |
//! | `event-cancelled` | `titleFr`, `titleEn` (or `title`), `startsAt`, `reason` | `atout_news::events` |
//! | `digest` | `events`: `[{id, titleFr, titleEn, startsAt, commune, why}]` | `atout_news::feed` |
//! | `request-received` (organisation) | `name`, `entry` | `wallet_api::requests` |
//! | `offer-declined` (organisation) | `titleFr`, `titleEn`, `email` | `issuer::offers` |
//! | `offer-expired` (organisation) | `titleFr`, `titleEn`, `count`, `email` | the worker's sweep |

use crate::{
    crypto::MasterKey,
    store::{NewNotification, ShareTarget, Store},
};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::json;

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
    pub const ORG: [Kind; 3] = [
        Kind::RequestReceived,
        Kind::OfferDeclined,
        Kind::OfferExpired,
    ];

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

    /// A kind of the citizens' (not the organisations').
    pub fn is_citizens(self) -> bool {
        Self::CITIZEN.contains(&self)
    }

    /// Mailed together, at most one mail a day per citizen (see
    /// [`crate::store::GROUPED_KINDS`]).
    pub fn is_grouped(self) -> bool {
        matches!(self, Kind::ShareOpened | Kind::CvOpened)
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

/// Tells the holders of a credential (in Atout) that its issuer changed its
/// status: `kind` is [`Kind::CredentialRevoked`],
/// [`Kind::CredentialSuspended`] or [`Kind::CredentialReinstated`].
/// `credential_id` is the credential's own `id`. Returns how many were told.
pub async fn credential_status_changed(
    store: &dyn Store,
    now: DateTime<Utc>,
    credential_id: &str,
    kind: Kind,
    org: &crate::store::Organisation,
    reason: Option<&str>,
) -> usize {
    let holders = match store.credential_holders(credential_id).await {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, "holders of a credential not found: nobody told");
            return 0;
        }
    };
    let notices = holders
        .into_iter()
        .map(|h| {
            Notice::citizen(
                &h.citizen_id,
                kind,
                json!({
                    "title": h.title,
                    "orgFr": org.name_fr,
                    "orgEn": org.name_en,
                    "reason": reason,
                }),
            )
            .link(format!("/me/credentials/{}", h.holding_id))
        })
        .collect();
    notify(store, now, notices).await
}

/// Tells a citizen that one of their shares, or their CV's online version,
/// was opened: at most one notice per share a day (the mail groups them;
/// see the worker). The public profile's share tells nobody.
pub async fn share_opened(store: &dyn Store, now: DateTime<Utc>, share_id: &str) -> usize {
    let target = match store.share_target(share_id).await {
        Ok(Some(t)) => t,
        Ok(None) => return 0,
        Err(e) => {
            tracing::warn!(error = %e, "share not found: nobody told");
            return 0;
        }
    };
    let day = now.format("%Y-%m-%d");
    let notice = match target {
        ShareTarget::Profile => return 0,
        ShareTarget::Share { citizen_id, label } => Notice::citizen(
            &citizen_id,
            Kind::ShareOpened,
            json!({"label": label, "at": now}),
        )
        .link(format!("/me/shares/{share_id}"))
        .dedupe(format!("share-opened:{share_id}:{day}")),
        ShareTarget::Cv {
            citizen_id,
            cv_id,
            title,
        } => Notice::citizen(
            &citizen_id,
            Kind::CvOpened,
            json!({"title": title, "at": now}),
        )
        .link(format!("/me/cvs/{cv_id}"))
        .dedupe(format!("cv-opened:{share_id}:{day}")),
    };
    notify(store, now, vec![notice]).await
}

/// Tells citizens with an Atout account that an organisation offers them a
/// credential (each of `offers`: the account, the offer's id, its expiry).
/// Only accounts whose address is confirmed are told (an offer to an
/// address is shown only to its confirmed owner). The offer was mailed to
/// the same address already: the notice is not mailed again.
pub async fn credential_offered(
    store: &dyn Store,
    now: DateTime<Utc>,
    org: &crate::store::Organisation,
    template: &crate::store::Template,
    offers: &[(String, String, DateTime<Utc>)],
) -> usize {
    if offers.is_empty() {
        return 0;
    }
    let ids: Vec<String> = offers.iter().map(|(c, _, _)| c.clone()).collect();
    let verified = match store.verified_citizens(&ids).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "offered: accounts unread, nobody told");
            return 0;
        }
    };
    let notices = offers
        .iter()
        .filter(|(c, _, _)| verified.contains(c))
        .map(|(citizen, offer, expires_at)| {
            Notice::citizen(
                citizen,
                Kind::CredentialOffered,
                json!({
                    "titleFr": template.name_fr,
                    "titleEn": template.name_en,
                    "orgFr": org.name_fr,
                    "orgEn": org.name_en,
                    "expiresAt": expires_at,
                    "mailed": true,
                }),
            )
            .link(format!("/me/offers/{offer}"))
            .dedupe(format!("offered:{offer}"))
        })
        .collect();
    notify(store, now, notices).await
}

/// What a one-click unsubscribe link stops (RFC 8058).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsubscribe {
    /// The mail of these kinds to this citizen; `lang` is the language the
    /// mail was written in (the confirmation page's).
    Citizen {
        citizen_id: String,
        kinds: Vec<Kind>,
        lang: String,
    },
    /// The mail of an organisation's notifications to this address.
    Org { org_id: String, email: String },
}

/// What the unsubscribe token is sealed for.
const UNSUBSCRIBE_AAD: &[u8] = b"atout/unsubscribe/v1";

/// The longest token [`open_unsubscribe_token`] reads.
pub const MAX_UNSUBSCRIBE_TOKEN: usize = 600;

/// A one-click unsubscribe token: what it stops, sealed under `key` (the
/// application's token key): nothing is stored, and nobody can forge one
/// for another person or kind.
pub fn unsubscribe_token(key: &MasterKey, what: &Unsubscribe) -> Option<String> {
    let plain = match what {
        Unsubscribe::Citizen {
            citizen_id,
            kinds,
            lang,
        } => {
            let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            format!("c\n{citizen_id}\n{lang}\n{}", kinds.join(","))
        }
        Unsubscribe::Org { org_id, email } => format!("o\n{org_id}\n{email}"),
    };
    let sealed = key.seal(plain.as_bytes(), UNSUBSCRIBE_AAD).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed))
}

/// What a one-click unsubscribe token stops (`None`: not one of ours).
pub fn open_unsubscribe_token(key: &MasterKey, token: &str) -> Option<Unsubscribe> {
    if token.is_empty() || token.len() > MAX_UNSUBSCRIBE_TOKEN {
        return None;
    }
    let sealed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    let plain = key.open(&sealed, UNSUBSCRIBE_AAD).ok()?;
    let text = std::str::from_utf8(&plain).ok()?;
    let mut parts = text.split('\n');
    match parts.next()? {
        "c" => {
            let citizen_id = parts.next()?.to_owned();
            let lang = parts.next()?.to_owned();
            let kinds = parts
                .next()?
                .split(',')
                .map(Kind::parse)
                .collect::<Option<Vec<Kind>>>()?;
            (!kinds.is_empty() && parts.next().is_none()).then_some(Unsubscribe::Citizen {
                citizen_id,
                kinds,
                lang,
            })
        }
        "o" => {
            let org_id = parts.next()?.to_owned();
            let email = parts.next()?.to_owned();
            parts
                .next()
                .is_none()
                .then_some(Unsubscribe::Org { org_id, email })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_by_name() {
        for k in Kind::CITIZEN.iter().chain(Kind::ORG.iter()) {
            assert_eq!(Kind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(Kind::parse("nope"), None);
        assert!(!Kind::Digest.mailed_by_default());
        assert!(Kind::ShareOpened.is_grouped() && Kind::CvOpened.is_grouped());
    }

    #[test]
    fn unsubscribe_tokens_open_only_with_their_key() {
        let key = MasterKey::from_bytes(&[7; 32]).unwrap();
        let what = Unsubscribe::Citizen {
            citizen_id: "c-1".into(),
            kinds: vec![Kind::ShareOpened, Kind::CvOpened],
            lang: "en".into(),
        };
        let token = unsubscribe_token(&key, &what).unwrap();
        assert_eq!(open_unsubscribe_token(&key, &token), Some(what));
        let other = MasterKey::from_bytes(&[8; 32]).unwrap();
        assert_eq!(open_unsubscribe_token(&other, &token), None);
        assert_eq!(open_unsubscribe_token(&key, "not-a-token"), None);
        let org = Unsubscribe::Org {
            org_id: "o-1".into(),
            email: "x@example.org".into(),
        };
        let token = unsubscribe_token(&key, &org).unwrap();
        assert_eq!(open_unsubscribe_token(&key, &token), Some(org));
    }
}
