//! The validity period: `validFrom`/`validUntil` (VC 1.1:
//! `issuanceDate`/`expirationDate`), and JWT claims when present.

use super::{parse::is_v1, Verifier};
use crate::report::{Check, CheckKind};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

impl Verifier {
    // ----- dates -------------------------------------------------------

    pub(super) fn check_validity(&self, credential: &Map<String, Value>) -> Check {
        let now = self.clock.now();
        let (from_key, until_key) = if is_v1(credential) {
            ("issuanceDate", "expirationDate")
        } else {
            ("validFrom", "validUntil")
        };
        // Dates were checked to parse when the input was parsed.
        let date = |k: &str| {
            credential
                .get(k)
                .and_then(Value::as_str)
                .and_then(parse_date)
        };
        let from = date(from_key);
        let until = date(until_key);
        // JWT claims, when present, bind too.
        let nbf = credential
            .get("nbf")
            .and_then(Value::as_i64)
            .and_then(|t| DateTime::from_timestamp(t, 0));
        let exp = credential
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|t| DateTime::from_timestamp(t, 0));
        let from = from.into_iter().chain(nbf).max();
        let until = until.into_iter().chain(exp).min();
        let show = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if let Some(from) = from {
            if now < from {
                return Check::failed(
                    CheckKind::ValidityPeriod,
                    "not-yet-valid",
                    format!("The credential is not valid before {}.", show(from)),
                );
            }
        }
        if let Some(until) = until {
            if now >= until {
                return Check::failed(
                    CheckKind::ValidityPeriod,
                    "expired",
                    format!("The credential expired on {}.", show(until)),
                );
            }
        }
        match until {
            Some(until) => Check::ok(
                CheckKind::ValidityPeriod,
                "within-validity-period",
                format!("The credential is valid until {}.", show(until)),
            ),
            None => Check::ok(
                CheckKind::ValidityPeriod,
                "no-expiry",
                "The credential is valid and has no expiry date.",
            ),
        }
    }
}

pub(crate) fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            // xsd:dateTime without a zone is read as UTC.
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}
