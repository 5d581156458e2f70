//! The trust registry: the issuers the region accredits. A verifier names an
//! issuer only from this registry, never from the credential's own claims,
//! and reports whether the issuer was accredited when it checked.
//!
//! [`Registry`] manages the list in the database (every change with its
//! audit line); [`RegistrySnapshot`] is the list in memory, for a verifier
//! that runs without a database (it loads a signed registry document).

use crate::{
    audit::{action, Actor},
    clock::Clock,
    crypto::PublicKey,
    did::did_web_url,
    store::{RegistryDiff, Store, StoreError, TrustedIssuerRecord},
};
use chrono::{DateTime, Datelike, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use std::{collections::HashMap, sync::Arc};

/// Longest DID accepted in the registry.
pub const MAX_DID_LEN: usize = 512;
/// Longest official name, in characters.
pub const MAX_NAME_LEN: usize = 200;
/// Longest accreditation text, in characters.
pub const MAX_ACCREDITATION_LEN: usize = 500;
/// Longest accreditation URL, in bytes.
pub const MAX_URL_LEN: usize = 2048;
/// Most entries in one registry.
pub const MAX_ENTRIES: usize = 10_000;

/// A name in French and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalizedName {
    #[schema(example = "Université d'Orléans")]
    pub fr: String,
    #[schema(example = "University of Orléans")]
    pub en: String,
}

/// An accredited issuer. This is what the signed registry document lists
/// (as JSON, camelCase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TrustedIssuer {
    /// The issuer's DID: `did:web:` or `did:key:` (Ed25519 or P-256).
    #[schema(example = "did:web:portfolio.example.org:orgs:univ-orleans")]
    pub did: String,
    /// Official names: what a verifier shows.
    pub name: LocalizedName,
    /// The accreditation, in words.
    #[schema(example = "Certificateur RNCP, France Compétences")]
    pub accreditation: String,
    /// Where the accreditation can be checked (https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accreditation_url: Option<String>,
    /// Accredited from (whole seconds, UTC).
    pub valid_from: DateTime<Utc>,
    /// Accredited until, inclusive (absent: no end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime<Utc>>,
}

/// Whether a listed issuer is accredited at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Trust {
    Accredited,
    /// Its accreditation starts later.
    NotYetValid,
    /// Its accreditation ended.
    Expired,
}

/// A registry entry that is not acceptable, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidEntry {
    /// The JSON field, e.g. `name.fr`, `trustedIssuers[2].validUntil`.
    pub field: String,
    pub message: String,
}

impl InvalidEntry {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same problem, under `prefix` (e.g. `trustedIssuers[3]`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error(transparent)]
    Invalid(#[from] InvalidEntry),
    #[error("no trusted issuer has the DID {0:?}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks that `did` is a did:web or did:key DID Atout can use.
pub fn check_did(did: &str) -> Result<(), InvalidEntry> {
    let bad = |message: &str| Err(InvalidEntry::new("did", message));
    if did.len() > MAX_DID_LEN {
        return bad(&format!("must have at most {MAX_DID_LEN} characters"));
    }
    if let Some(rest) = did.strip_prefix("did:web:") {
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '%');
        if rest.is_empty() || !rest.chars().all(allowed) || did_web_url(did, "https").is_err() {
            return bad("is not a valid did:web DID (did:web:host[%3Aport][:path:segments])");
        }
        let host = rest.split(':').next().unwrap_or_default();
        let host = host.split("%3A").next().unwrap_or_default();
        if host.chars().any(|c| c.is_ascii_uppercase()) {
            return bad("write the did:web host in lower case");
        }
        Ok(())
    } else if let Some(key) = did.strip_prefix("did:key:") {
        match PublicKey::from_multibase(key) {
            Ok(k) if k.to_multibase() == key => Ok(()),
            _ => bad("is not a did:key of an Ed25519 or P-256 key"),
        }
    } else {
        bad("must be a did:web or did:key DID")
    }
}

/// Trimmed text of 1 to `max` characters, without control characters.
fn check_text(field: &str, text: &str, max: usize) -> Result<String, InvalidEntry> {
    let text = text.trim();
    let len = text.chars().count();
    if len == 0 || len > max {
        return Err(InvalidEntry::new(
            field,
            format!("must have 1 to {max} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(InvalidEntry::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(text.to_owned())
}

/// An https URL (normalised), without credentials.
fn check_url(field: &str, text: &str) -> Result<String, InvalidEntry> {
    let text = text.trim();
    let bad = |message: &str| Err(InvalidEntry::new(field, message));
    if text.is_empty() || text.len() > MAX_URL_LEN {
        return bad(&format!("must have 1 to {MAX_URL_LEN} characters"));
    }
    if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return bad("must not contain spaces or control characters");
    }
    match url::Url::parse(text) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some_and(|h| !h.is_empty()) => {
            if !u.username().is_empty() || u.password().is_some() {
                return bad("must not contain credentials");
            }
            Ok(u.to_string())
        }
        Ok(_) => bad("must be an https URL"),
        Err(e) => bad(&format!("is not a URL: {e}")),
    }
}

/// A time of the registry: whole seconds, years 1970 to 9999.
fn check_time(field: &str, at: DateTime<Utc>) -> Result<DateTime<Utc>, InvalidEntry> {
    if !(1970..=9999).contains(&at.year()) {
        return Err(InvalidEntry::new(
            field,
            "must be between the years 1970 and 9999",
        ));
    }
    Ok(at.trunc_subsecs(0))
}

/// Parses an RFC 3339 date-time (e.g. `2026-09-01T00:00:00Z`) or a date
/// (`2026-09-01`, midnight UTC), naming `field` if it is neither.
pub fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>, InvalidEntry> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return check_time(field, t.with_timezone(&Utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return check_time(field, t.and_utc());
        }
    }
    Err(InvalidEntry::new(
        field,
        "must be an RFC 3339 date-time (2026-09-01T00:00:00Z) or a date (2026-09-01)",
    ))
}

impl TrustedIssuer {
    /// Checks every field and returns the entry normalised (trimmed text,
    /// normalised URL, whole seconds). Problems name the JSON field.
    pub fn validate(self) -> Result<Self, InvalidEntry> {
        check_did(&self.did)?;
        let valid_from = check_time("validFrom", self.valid_from)?;
        let valid_until = self
            .valid_until
            .map(|t| check_time("validUntil", t))
            .transpose()?;
        if valid_until.is_some_and(|u| u <= valid_from) {
            return Err(InvalidEntry::new("validUntil", "must be after validFrom"));
        }
        Ok(Self {
            name: LocalizedName {
                fr: check_text("name.fr", &self.name.fr, MAX_NAME_LEN)?,
                en: check_text("name.en", &self.name.en, MAX_NAME_LEN)?,
            },
            accreditation: check_text("accreditation", &self.accreditation, MAX_ACCREDITATION_LEN)?,
            accreditation_url: self
                .accreditation_url
                .as_deref()
                .map(|u| check_url("accreditationUrl", u))
                .transpose()?,
            did: self.did,
            valid_from,
            valid_until,
        })
    }

    /// Whether the issuer is accredited at `now`: from `valid_from`, until
    /// `valid_until` inclusive.
    pub fn status_at(&self, now: DateTime<Utc>) -> Trust {
        if now < self.valid_from {
            Trust::NotYetValid
        } else if self.valid_until.is_some_and(|until| now > until) {
            Trust::Expired
        } else {
            Trust::Accredited
        }
    }

    pub(crate) fn record(
        &self,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> TrustedIssuerRecord {
        TrustedIssuerRecord {
            did: self.did.clone(),
            name_fr: self.name.fr.clone(),
            name_en: self.name.en.clone(),
            accreditation: self.accreditation.clone(),
            accreditation_url: self.accreditation_url.clone(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            created_at,
            updated_at,
        }
    }
}

impl From<TrustedIssuerRecord> for TrustedIssuer {
    fn from(r: TrustedIssuerRecord) -> Self {
        Self {
            did: r.did,
            name: LocalizedName {
                fr: r.name_fr,
                en: r.name_en,
            },
            accreditation: r.accreditation,
            accreditation_url: r.accreditation_url,
            valid_from: r.valid_from,
            valid_until: r.valid_until,
        }
    }
}

/// Parses and validates a list of entries (JSON), refusing duplicates.
/// Problems are named under `field`, e.g.
/// `credentialSubject.trustedIssuers[2].name.fr`.
pub fn parse_entries(
    field: &str,
    value: &serde_json::Value,
) -> Result<Vec<TrustedIssuer>, InvalidEntry> {
    let items = value
        .as_array()
        .ok_or_else(|| InvalidEntry::new(field, "must be an array of trusted issuers"))?;
    if items.len() > MAX_ENTRIES {
        return Err(InvalidEntry::new(
            field,
            format!("must have at most {MAX_ENTRIES} entries"),
        ));
    }
    let entries = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("{field}[{i}]");
            serde_json::from_value::<TrustedIssuer>(item.clone())
                .map_err(|e| InvalidEntry::new(at.clone(), e.to_string()))?
                .validate()
                .map_err(|e| e.within(&at))
        })
        .collect::<Result<Vec<_>, _>>()?;
    check_distinct(field, &entries)?;
    Ok(entries)
}

fn check_distinct(field: &str, entries: &[TrustedIssuer]) -> Result<(), InvalidEntry> {
    let mut seen = std::collections::HashSet::new();
    for (i, e) in entries.iter().enumerate() {
        if !seen.insert(e.did.as_str()) {
            return Err(InvalidEntry::new(
                format!("{field}[{i}].did"),
                "this DID is listed twice",
            ));
        }
    }
    Ok(())
}

/// The registry in memory: what a verifier without a database consults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrySnapshot {
    /// By DID.
    pub entries: HashMap<String, TrustedIssuer>,
    /// When the list was issued (the signed document's `validFrom`, or the
    /// time it was read from the database).
    pub issued_at: DateTime<Utc>,
    /// Who vouches for the list: the DID that signed it (this platform's,
    /// by default).
    pub authority: String,
}

impl RegistrySnapshot {
    pub fn new(authority: String, issued_at: DateTime<Utc>, entries: Vec<TrustedIssuer>) -> Self {
        Self {
            entries: entries.into_iter().map(|e| (e.did.clone(), e)).collect(),
            issued_at,
            authority,
        }
    }

    /// The entry of `did` (compared exactly) and whether it is accredited at
    /// `now`; `None` if the registry does not list it.
    pub fn lookup(&self, did: &str, now: DateTime<Utc>) -> Option<(&TrustedIssuer, Trust)> {
        self.entries.get(did).map(|e| (e, e.status_at(now)))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, by DID.
    pub fn sorted(&self) -> Vec<&TrustedIssuer> {
        let mut all: Vec<&TrustedIssuer> = self.entries.values().collect();
        all.sort_by(|a, b| a.did.cmp(&b.did));
        all
    }
}

/// The trust registry in the database.
#[derive(Clone)]
pub struct Registry {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl Registry {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// Every entry, by DID.
    pub async fn list(&self) -> Result<Vec<TrustedIssuer>, RegistryError> {
        Ok(self
            .store
            .list_trusted_issuers()
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    pub async fn get(&self, did: &str) -> Result<TrustedIssuer, RegistryError> {
        let not_found = || RegistryError::NotFound(did.chars().take(100).collect());
        if did.len() > MAX_DID_LEN {
            return Err(not_found());
        }
        self.store
            .get_trusted_issuer(did)
            .await?
            .map(Into::into)
            .ok_or_else(not_found)
    }

    /// The start of an entry given without one: its current start when the
    /// DID is listed, otherwise now.
    pub async fn default_valid_from(&self, did: &str) -> Result<DateTime<Utc>, RegistryError> {
        match self.get(did).await {
            Ok(existing) => Ok(existing.valid_from),
            Err(RegistryError::NotFound(_)) => Ok(self.clock.now()),
            Err(e) => Err(e),
        }
    }

    /// Adds or replaces an entry; returns it normalised, and whether it was
    /// added.
    pub async fn upsert(
        &self,
        actor: &Actor,
        entry: TrustedIssuer,
    ) -> Result<(TrustedIssuer, bool), RegistryError> {
        let entry = entry.validate()?;
        let now = self.clock.now();
        let audit = actor.entry(
            now,
            None,
            action::TRUSTED_ISSUER_UPSERTED,
            format!("trusted_issuer:{}", entry.did),
            Some(serde_json::json!({ "entry": entry })),
        );
        let created = self
            .store
            .upsert_trusted_issuer(&entry.record(now, now), &audit)
            .await?;
        Ok((entry, created))
    }

    pub async fn remove(&self, actor: &Actor, did: &str) -> Result<(), RegistryError> {
        let now = self.clock.now();
        let audit = actor.entry(
            now,
            None,
            action::TRUSTED_ISSUER_REMOVED,
            format!("trusted_issuer:{did}"),
            None,
        );
        if did.len() <= MAX_DID_LEN && self.store.delete_trusted_issuer(did, &audit).await? {
            Ok(())
        } else {
            Err(RegistryError::NotFound(did.chars().take(100).collect()))
        }
    }

    /// Makes `entries` the whole registry, atomically (an import). `source`
    /// says where the list came from (e.g. the signed document's issuer and
    /// date), for the audit line.
    pub async fn replace_all(
        &self,
        actor: &Actor,
        entries: Vec<TrustedIssuer>,
        source: Option<serde_json::Value>,
    ) -> Result<RegistryDiff, RegistryError> {
        if entries.len() > MAX_ENTRIES {
            return Err(InvalidEntry::new(
                "trustedIssuers",
                format!("must have at most {MAX_ENTRIES} entries"),
            )
            .into());
        }
        let entries = entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                e.validate()
                    .map_err(|e| e.within(&format!("trustedIssuers[{i}]")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        check_distinct("trustedIssuers", &entries)?;
        let now = self.clock.now();
        let records: Vec<TrustedIssuerRecord> =
            entries.iter().map(|e| e.record(now, now)).collect();
        let audit = actor.entry(
            now,
            None,
            action::TRUST_REGISTRY_REPLACED,
            "trust_registry".to_owned(),
            Some(serde_json::json!({ "count": records.len(), "source": source })),
        );
        Ok(self.store.replace_trusted_issuers(&records, &audit).await?)
    }

    /// The registry as it is now, in memory, vouched for by `authority`.
    pub async fn snapshot(&self, authority: String) -> Result<RegistrySnapshot, RegistryError> {
        Ok(RegistrySnapshot::new(
            authority,
            self.clock.now(),
            self.list().await?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{KeyAlgorithm, PrivateKey};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn entry() -> TrustedIssuer {
        TrustedIssuer {
            did: "did:web:portfolio.example.org:orgs:univ-orleans".into(),
            name: LocalizedName {
                fr: "Université d'Orléans".into(),
                en: "University of Orléans".into(),
            },
            accreditation: "Certificateur RNCP, France Compétences".into(),
            accreditation_url: Some("https://www.francecompetences.fr/".into()),
            valid_from: at("2026-01-01T00:00:00Z"),
            valid_until: Some(at("2027-01-01T00:00:00Z")),
        }
    }

    #[test]
    fn status_at_follows_the_accreditation_period() {
        let e = entry();
        let cases = [
            ("2025-12-31T23:59:59Z", Trust::NotYetValid),
            ("2026-01-01T00:00:00Z", Trust::Accredited),
            ("2026-06-15T12:00:00Z", Trust::Accredited),
            ("2027-01-01T00:00:00Z", Trust::Accredited),
            ("2027-01-01T00:00:01Z", Trust::Expired),
            ("2090-01-01T00:00:00Z", Trust::Expired),
        ];
        for (now, expected) in cases {
            assert_eq!(e.status_at(at(now)), expected, "{now}");
        }
        let open_ended = TrustedIssuer {
            valid_until: None,
            ..entry()
        };
        assert_eq!(
            open_ended.status_at(at("2999-01-01T00:00:00Z")),
            Trust::Accredited
        );
        assert_eq!(
            open_ended.status_at(at("2000-01-01T00:00:00Z")),
            Trust::NotYetValid
        );
    }

    #[test]
    fn snapshot_lookup() {
        let snapshot = RegistrySnapshot::new(
            "did:web:portfolio.example.org".into(),
            at("2026-01-15T10:00:00Z"),
            vec![entry()],
        );
        let (found, trust) = snapshot
            .lookup(
                "did:web:portfolio.example.org:orgs:univ-orleans",
                at("2026-03-01T00:00:00Z"),
            )
            .unwrap();
        assert_eq!(found.name.fr, "Université d'Orléans");
        assert_eq!(trust, Trust::Accredited);
        assert!(snapshot
            .lookup(
                "did:web:portfolio.example.org:orgs:other",
                at("2026-03-01T00:00:00Z")
            )
            .is_none());
        assert_eq!(snapshot.len(), 1);
    }

    #[test]
    fn dids() {
        let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
        let p256 = PrivateKey::generate(KeyAlgorithm::P256).unwrap();
        for good in [
            "did:web:example.org".to_owned(),
            "did:web:localhost%3A8443:orgs:univ-a".to_owned(),
            "did:web:portfolio.example.org:orgs:Univ_A".to_owned(),
            format!("did:key:{}", key.public_key().to_multibase()),
            format!("did:key:{}", p256.public_key().to_multibase()),
        ] {
            assert_eq!(check_did(&good), Ok(()), "{good}");
        }
        for bad in [
            "".to_owned(),
            "did:web:".to_owned(),
            "did:web:Example.org".to_owned(),
            "did:web:example.org#key-1".to_owned(),
            "did:web:example.org?x=1".to_owned(),
            "did:web:example.org/path".to_owned(),
            "did:web:example.org::x".to_owned(),
            "did:web:exa mple.org".to_owned(),
            "did:web:user@example.org".to_owned(),
            format!("did:web:{}.org", "a".repeat(MAX_DID_LEN)),
            "did:key:z6Mk".to_owned(),
            "did:key:abc".to_owned(),
            "did:example:123".to_owned(),
            "https://example.org".to_owned(),
        ] {
            let err = check_did(&bad).unwrap_err();
            assert_eq!(err.field, "did", "{bad}");
        }
    }

    #[test]
    fn validation_names_the_field() {
        let ok = entry().validate().unwrap();
        assert_eq!(ok, entry());
        let trimmed = TrustedIssuer {
            name: LocalizedName {
                fr: "  Université  ".into(),
                en: "University".into(),
            },
            valid_from: at("2026-01-01T00:00:00.750Z"),
            ..entry()
        }
        .validate()
        .unwrap();
        assert_eq!(trimmed.name.fr, "Université");
        assert_eq!(trimmed.valid_from, at("2026-01-01T00:00:00Z"));

        let cases: Vec<(TrustedIssuer, &str)> = vec![
            (
                TrustedIssuer {
                    did: "did:x:y".into(),
                    ..entry()
                },
                "did",
            ),
            (
                TrustedIssuer {
                    name: LocalizedName {
                        fr: " ".into(),
                        en: "x".into(),
                    },
                    ..entry()
                },
                "name.fr",
            ),
            (
                TrustedIssuer {
                    name: LocalizedName {
                        fr: "x".into(),
                        en: "a\u{7}b".into(),
                    },
                    ..entry()
                },
                "name.en",
            ),
            (
                TrustedIssuer {
                    name: LocalizedName {
                        fr: "é".repeat(201),
                        en: "x".into(),
                    },
                    ..entry()
                },
                "name.fr",
            ),
            (
                TrustedIssuer {
                    accreditation: "".into(),
                    ..entry()
                },
                "accreditation",
            ),
            (
                TrustedIssuer {
                    accreditation: "x".repeat(501),
                    ..entry()
                },
                "accreditation",
            ),
            (
                TrustedIssuer {
                    accreditation_url: Some("http://example.org".into()),
                    ..entry()
                },
                "accreditationUrl",
            ),
            (
                TrustedIssuer {
                    accreditation_url: Some("https://u:p@example.org".into()),
                    ..entry()
                },
                "accreditationUrl",
            ),
            (
                TrustedIssuer {
                    accreditation_url: Some("not a url".into()),
                    ..entry()
                },
                "accreditationUrl",
            ),
            (
                TrustedIssuer {
                    valid_until: Some(at("2026-01-01T00:00:00Z")),
                    ..entry()
                },
                "validUntil",
            ),
            (
                TrustedIssuer {
                    valid_until: Some(at("2025-01-01T00:00:00Z")),
                    ..entry()
                },
                "validUntil",
            ),
            (
                TrustedIssuer {
                    valid_from: at("1900-01-01T00:00:00Z"),
                    ..entry()
                },
                "validFrom",
            ),
        ];
        for (e, field) in cases {
            let err = e.clone().validate().unwrap_err();
            assert_eq!(err.field, field, "{e:?}: {err}");
        }
    }

    #[test]
    fn entries_parse_from_json_with_paths() {
        let good = serde_json::to_value(vec![entry()]).unwrap();
        assert_eq!(
            good[0]["accreditationUrl"],
            "https://www.francecompetences.fr/"
        );
        assert_eq!(good[0]["validFrom"], "2026-01-01T00:00:00Z");
        assert_eq!(parse_entries("list", &good).unwrap(), vec![entry()]);
        let mut twice = serde_json::to_value(vec![entry(), entry()]).unwrap();
        assert_eq!(
            parse_entries("list", &twice).unwrap_err().field,
            "list[1].did"
        );
        twice[1]["did"] = "did:web:other.example".into();
        twice[1]["extra"] = true.into();
        let err = parse_entries("list", &twice).unwrap_err();
        assert_eq!(err.field, "list[1]");
        assert!(err.message.contains("unknown field `extra`"), "{err}");
        twice[1].as_object_mut().unwrap().remove("extra");
        twice[1]["name"]["fr"] = "".into();
        assert_eq!(
            parse_entries("list", &twice).unwrap_err().field,
            "list[1].name.fr"
        );
        assert!(parse_entries("list", &serde_json::json!({})).is_err());
    }

    #[test]
    fn times_parse_from_text() {
        assert_eq!(
            parse_time("validFrom", "2026-09-01").unwrap(),
            at("2026-09-01T00:00:00Z")
        );
        assert_eq!(
            parse_time("validFrom", "2026-09-01T02:00:00+02:00").unwrap(),
            at("2026-09-01T00:00:00Z")
        );
        for bad in ["", "tomorrow", "2026-13-01", "0001-01-01"] {
            assert_eq!(
                parse_time("validUntil", bad).unwrap_err().field,
                "validUntil"
            );
        }
    }
}
