//! Status: Bitstring Status List (and StatusList2021) entries, each list
//! credential fetched, itself verified, from the same issuer, decoded and
//! cached.

use super::{
    dates::parse_date,
    issuer_id,
    parse::{id_of, is_v1, parse_credential},
    worst, Verifier, VerifyOptions, MAX_STATUS_ENTRIES,
};
use crate::{
    report::{Check, CheckKind, Outcome},
    sources::{fetch_failure, short},
};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Largest decompressed status list (a 16 MiB bitstring holds 134 million
/// entries).
const MAX_LIST_BITS_BYTES: usize = 16 * 1024 * 1024;

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A verified, decoded status list.
pub(super) struct CachedList {
    issuer: String,
    purpose: String,
    bits: Arc<Vec<u8>>,
    fetched_at: DateTime<Utc>,
    expires: DateTime<Utc>,
    valid_until: Option<DateTime<Utc>>,
}

impl Verifier {
    // ----- status ------------------------------------------------------

    pub(super) async fn check_status(
        self: &Arc<Self>,
        credential: &Map<String, Value>,
        issuer: &str,
        proof_ok: bool,
    ) -> (Vec<Check>, Option<DateTime<Utc>>) {
        let entries: Vec<&Map<String, Value>> = match credential.get("credentialStatus") {
            None => vec![],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
            Some(Value::Object(o)) => vec![o],
            Some(_) => vec![],
        };
        let mut revocation = Vec::new();
        let mut suspension = Vec::new();
        let mut oldest: Option<DateTime<Utc>> = None;
        for entry in entries.iter().take(MAX_STATUS_ENTRIES) {
            let purpose = entry
                .get("statusPurpose")
                .and_then(Value::as_str)
                .unwrap_or("");
            let kind = match purpose {
                "revocation" => CheckKind::Revocation,
                "suspension" => CheckKind::Suspension,
                _ => continue,
            };
            let check = if !proof_ok {
                Check::could_not(
                    kind,
                    "not-checked-proof-invalid",
                    "The status was not checked because the proof did not verify.",
                )
            } else {
                let (check, fetched) = self.check_entry(entry, issuer, kind, purpose).await;
                if let Some(at) = fetched {
                    oldest = Some(oldest.map_or(at, |o| o.min(at)));
                }
                check
            };
            match kind {
                CheckKind::Revocation => revocation.push(check),
                _ => suspension.push(check),
            }
        }
        let mut out = Vec::new();
        for (kind, checks, none) in [
            (
                CheckKind::Revocation,
                revocation,
                "The credential declares no revocation status: it cannot be revoked.",
            ),
            (
                CheckKind::Suspension,
                suspension,
                "The credential declares no suspension status: it cannot be suspended.",
            ),
        ] {
            match worst(checks) {
                Some(c) => out.push(c),
                None => out.push(Check::ok(kind, "no-status-entry", none)),
            }
        }
        (out, oldest)
    }

    async fn check_entry(
        self: &Arc<Self>,
        entry: &Map<String, Value>,
        issuer: &str,
        kind: CheckKind,
        purpose: &str,
    ) -> (Check, Option<DateTime<Utc>>) {
        let cannot =
            |code: &'static str, reason: String| (Check::could_not(kind, code, reason), None);
        let failed = |code: &'static str, reason: String| (Check::failed(kind, code, reason), None);
        let entry_type = entry.get("type").and_then(Value::as_str).unwrap_or("");
        if entry_type != "BitstringStatusListEntry" && entry_type != "StatusList2021Entry" {
            return cannot(
                "unsupported-status-type",
                format!("The status type {:?} is not supported.", short(entry_type)),
            );
        }
        let index = match entry.get("statusListIndex") {
            Some(Value::String(s))
                if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) =>
            {
                s.parse::<u64>().ok()
            }
            _ => None,
        };
        let (Some(index), Some(url)) = (
            index,
            entry.get("statusListCredential").and_then(Value::as_str),
        ) else {
            return failed(
                "malformed-status-entry",
                "The status entry lacks a valid statusListIndex or statusListCredential.".into(),
            );
        };
        if entry
            .get("statusSize")
            .and_then(Value::as_u64)
            .is_some_and(|s| s != 1)
        {
            return cannot(
                "unsupported-status-size",
                "Status entries of more than one bit are not supported.".into(),
            );
        }
        let (revoked_word, ok_word) = match kind {
            CheckKind::Revocation => ("revoked", "not revoked"),
            _ => ("suspended", "not suspended"),
        };
        // This deployment's own lists: read from its store.
        if let Some(local) = &self.local_lists {
            if let Some(answer) = local.local_status(url, index).await {
                return match answer {
                    Err(e) => cannot(
                        "status-unavailable",
                        format!("The status list could not be read: {e}."),
                    ),
                    Ok(s) if s.issuer != issuer => cannot(
                        "status-list-wrong-issuer",
                        "The status list was not issued by the credential's issuer.".into(),
                    ),
                    Ok(s) if s.purpose != purpose => cannot(
                        "status-purpose-mismatch",
                        "The status list's purpose differs from the entry's.".into(),
                    ),
                    Ok(s) if s.out_of_range => cannot(
                        "status-index-out-of-range",
                        "The status index is outside the list.".into(),
                    ),
                    Ok(s) if s.set => (
                        Check::failed(
                            kind,
                            revoked_word,
                            format!("The issuer has {revoked_word} this credential."),
                        ),
                        Some(self.clock.now()),
                    ),
                    Ok(_) => (
                        Check::ok(
                            kind,
                            "status-clear",
                            format!("The credential is {ok_word} (checked just now)."),
                        ),
                        Some(self.clock.now()),
                    ),
                };
            }
        }
        let list = match self.status_list(url).await {
            Ok(list) => list,
            Err(check) => {
                return (
                    Check {
                        check: kind,
                        ..check
                    },
                    None,
                )
            }
        };
        if list.issuer != issuer {
            return cannot(
                "status-list-wrong-issuer",
                "The status list was not issued by the credential's issuer.".into(),
            );
        }
        if list.purpose != purpose {
            return cannot(
                "status-purpose-mismatch",
                "The status list's purpose differs from the entry's.".into(),
            );
        }
        if list.valid_until.is_some_and(|u| self.clock.now() >= u) {
            return cannot(
                "status-list-expired",
                "The status list has expired and no newer one could be obtained.".into(),
            );
        }
        let at = list
            .fetched_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        match atout_vc::status::bit(&list.bits, index) {
            Err(_) => cannot(
                "status-index-out-of-range",
                "The status index is outside the list.".into(),
            ),
            Ok(true) => (
                Check::failed(
                    kind,
                    revoked_word,
                    format!("The issuer has {revoked_word} this credential (status list of {at})."),
                ),
                Some(list.fetched_at),
            ),
            Ok(false) => (
                Check::ok(
                    kind,
                    "status-clear",
                    format!("The credential is {ok_word} (status list of {at})."),
                ),
                Some(list.fetched_at),
            ),
        }
    }

    /// A verified, decoded status list, from the cache when fresh. A stale
    /// entry is served while a refresh runs in the background. (Boxed: the
    /// list is verified by the same engine, and a concrete `Send` future
    /// type breaks the async recursion.)
    fn status_list<'a>(
        self: &'a Arc<Self>,
        url: &'a str,
    ) -> BoxFuture<'a, Result<Arc<CachedList>, Check>> {
        Box::pin(async move {
            let now = self.clock.now();
            let cached = self
                .list_cache
                .lock()
                .ok()
                .and_then(|c| c.get(url).cloned());
            if let Some(list) = cached {
                if now < list.expires {
                    // Refresh ahead once half the lifetime has passed.
                    if now - list.fetched_at > self.list_ttl / 2 && self.snapshot_taken_at.is_none()
                    {
                        let this = self.clone();
                        let url = url.to_owned();
                        tokio::spawn(async move {
                            let _ = this.load_list(&url).await;
                        });
                    }
                    return Ok(list);
                }
            }
            self.load_list(url).await
        })
    }

    fn load_list<'a>(
        self: &'a Arc<Self>,
        url: &'a str,
    ) -> BoxFuture<'a, Result<Arc<CachedList>, Check>> {
        Box::pin(self.load_list_inner(url))
    }

    async fn load_list_inner(self: &Arc<Self>, url: &str) -> Result<Arc<CachedList>, Check> {
        // Whatever is wrong with a list, the credential's status is unknown:
        // never "revoked", never "not revoked".
        let cannot = |code: &'static str, reason: String| {
            Check::could_not(CheckKind::Revocation, code, reason)
        };
        let failed = |_code: &'static str, reason: String| {
            Check::could_not(CheckKind::Revocation, "status-list-invalid", reason)
        };
        let fetched = self.lists.fetch(url).await.map_err(|e| {
            cannot(
                "status-unavailable",
                format!(
                    "The status list {} could not be obtained: {}.",
                    short(url),
                    fetch_failure(&e)
                ),
            )
        })?;
        let value: Value = if fetched.body.trim_start().starts_with('{') {
            serde_json::from_str(&fetched.body).map_err(|_| {
                failed(
                    "status-list-invalid",
                    "The status list is not valid JSON.".into(),
                )
            })?
        } else {
            Value::String(fetched.body.trim().to_owned())
        };
        let (list_credential, secured) = parse_credential(&value).map_err(|e| {
            failed(
                "status-list-invalid",
                format!("The status list is not a credential: {e}"),
            )
        })?;
        let list_issuer = issuer_id(&list_credential).unwrap_or_default();
        let options = VerifyOptions::default();
        let report = self
            .verify_parsed(&list_credential, secured, &options, false)
            .await;
        if let Some(bad) = report.results.iter().find(|c| {
            matches!(c.check, CheckKind::Proof | CheckKind::IssuerKey) && c.status != Outcome::Ok
        }) {
            return Err(cannot(
                "status-list-unverifiable",
                format!(
                    "The status list's own proof {}: {}",
                    if bad.status == Outcome::CouldNotCheck {
                        "could not be checked"
                    } else {
                        "does not verify"
                    },
                    bad.reason
                ),
            ));
        }
        if id_of(list_credential.get("id")).is_some_and(|id| id != url) {
            return Err(failed(
                "status-list-invalid",
                "The status list's id is not the URL it was fetched from.".into(),
            ));
        }
        let subject = list_credential
            .get("credentialSubject")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                failed(
                    "status-list-invalid",
                    "The status list has no subject.".into(),
                )
            })?;
        let purpose = subject
            .get("statusPurpose")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let encoded = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                failed(
                    "status-list-invalid",
                    "The status list has no encodedList.".into(),
                )
            })?;
        // StatusList2021 lists have no multibase prefix.
        let encoded = if encoded.starts_with('u') {
            encoded.to_owned()
        } else {
            format!("u{encoded}")
        };
        let bits = atout_vc::status::decode(&encoded, MAX_LIST_BITS_BYTES).map_err(|e| {
            failed(
                "status-list-invalid",
                format!("The encoded list is invalid: {e}."),
            )
        })?;
        let now = self.clock.now();
        let fetched_at = if self.snapshot_taken_at.is_some() {
            fetched.fetched_at
        } else {
            now
        };
        let valid_until = list_credential
            .get(if is_v1(&list_credential) {
                "expirationDate"
            } else {
                "validUntil"
            })
            .and_then(Value::as_str)
            .and_then(parse_date);
        let expires = if self.snapshot_taken_at.is_some() {
            DateTime::<Utc>::MAX_UTC
        } else {
            now + self.list_ttl
        };
        let list = Arc::new(CachedList {
            issuer: list_issuer,
            purpose,
            bits: Arc::new(bits),
            fetched_at,
            expires,
            valid_until,
        });
        if let Ok(mut cache) = self.list_cache.lock() {
            if cache.len() >= 10_000 {
                cache.retain(|_, l| now < l.expires);
                if cache.len() >= 10_000 {
                    cache.clear();
                }
            }
            cache.insert(url.to_owned(), list.clone());
        }
        Ok(list)
    }
}
