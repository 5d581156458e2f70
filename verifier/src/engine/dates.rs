//! The validity period: `validFrom`/`validUntil` (VC 1.1:
//! `issuanceDate`/`expirationDate`), and JWT claims when present.

use super::{parse::is_v1, Verifier};
use crate::report::{Check, CheckKind};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// The JWT claims that are NumericDates (RFC 7519, section 2).
const NUMERIC_DATES: [&str; 3] = ["iat", "nbf", "exp"];

impl Verifier {
    /// `jwt`: the credential is a JWT's payload (`vc+jwt`, SD-JWT VC), so
    /// its `iat`, `nbf` and `exp` are NumericDates (RFC 7519): JSON
    /// numbers of seconds, fractions allowed, compared as numbers; any
    /// other value makes the credential invalid (as jose's `jwtVerify`
    /// does). Elsewhere they are plain properties, binding when integers.
    pub(super) fn check_validity(&self, credential: &Map<String, Value>, jwt: bool) -> Check {
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
        if jwt {
            if let Some(claim) = NUMERIC_DATES
                .into_iter()
                .find(|c| credential.get(*c).is_some_and(|v| !v.is_number()))
            {
                return Check::failed(
                    CheckKind::ValidityPeriod,
                    "jwt-date-not-numeric",
                    format!(
                        "The JWT's {claim} claim is not a NumericDate (a number of seconds since 1970), so the validity period cannot be read."
                    ),
                );
            }
        }
        let claim = |k: &str| {
            let value = credential.get(k)?;
            if jwt {
                value.as_f64().map(numeric_date)
            } else {
                value.as_i64().and_then(|t| DateTime::from_timestamp(t, 0))
            }
        };
        let nbf = claim("nbf");
        let exp = claim("exp");
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

/// A NumericDate as an instant: the fraction kept (to the nanosecond), and
/// a value beyond the representable range pinned to its end, so that it
/// still compares the right way (never ignored).
fn numeric_date(seconds: f64) -> DateTime<Utc> {
    let whole = seconds.floor();
    // `as` saturates: huge values stay huge, and fall out of range below.
    let nanos = ((seconds - whole) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
    DateTime::from_timestamp(whole as i64, nanos).unwrap_or(if seconds < 0.0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

#[cfg(test)]
mod tests {
    use super::numeric_date;
    use chrono::{DateTime, Utc};

    #[test]
    fn numeric_dates_keep_their_fraction_and_order() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(numeric_date(1.5e9), at("2017-07-14T02:40:00Z"));
        assert_eq!(numeric_date(1.5e9 + 0.5), at("2017-07-14T02:40:00.5Z"));
        assert_eq!(numeric_date(-0.25), at("1969-12-31T23:59:59.75Z"));
        assert!(numeric_date(1.5e9 + 0.5) > numeric_date(1.5e9));
        assert!(numeric_date(1.5e9 + 0.5) < numeric_date(1.5e9 + 1.0));
        assert_eq!(numeric_date(1e300), DateTime::<Utc>::MAX_UTC);
        assert_eq!(numeric_date(-1e300), DateTime::<Utc>::MIN_UTC);
        assert_eq!(numeric_date(f64::MAX), DateTime::<Utc>::MAX_UTC);
    }
}
