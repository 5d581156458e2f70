//! `relatedResource` (VC 2.0 §5.3, resource integrity): every related
//! resource the verifier can load, a bundled context (its published bytes)
//! or a document fetched through the same guarded source as status lists
//! and schemas, must match its `digestSRI` or `digestMultibase`.

use super::{worst, Verifier, MAX_STATUS_ENTRIES};
use crate::{
    report::{Check, CheckKind},
    sources::{fetch_failure, short},
};
use base64::Engine as _;
use ring::digest::{digest, Algorithm, SHA256, SHA384, SHA512};
use serde_json::{Map, Value};

/// What a digest names: the algorithm and the expected bytes.
#[derive(Debug, PartialEq, Eq)]
enum Expected {
    Digest(&'static Algorithm, Vec<u8>),
    /// A well-formed digest of a hash this verifier does not compute
    /// (SHA-3, or an SRI algorithm other than SHA-2).
    Unsupported,
    Malformed,
}

/// `sha256-<base64>` etc. (Subresource Integrity); several space-separated
/// tokens may be given, the strongest algorithm counts.
fn parse_sri(text: &str) -> Vec<Expected> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out: Vec<(u8, Expected)> = Vec::new();
    for token in text.split_whitespace() {
        // An SRI token may carry options after '?'.
        let token = token.split('?').next().unwrap_or(token);
        let Some((alg, value)) = token.split_once('-') else {
            out.push((0, Expected::Malformed));
            continue;
        };
        let (rank, algorithm): (u8, &'static Algorithm) = match alg {
            "sha256" => (1, &SHA256),
            "sha384" => (2, &SHA384),
            "sha512" => (3, &SHA512),
            _ => {
                out.push((0, Expected::Unsupported));
                continue;
            }
        };
        match b64.decode(value) {
            Ok(bytes) if bytes.len() == algorithm.output_len() => {
                out.push((rank, Expected::Digest(algorithm, bytes)))
            }
            _ => out.push((0, Expected::Malformed)),
        }
    }
    let strongest = out.iter().map(|(r, _)| *r).max().unwrap_or(0);
    out.into_iter()
        .filter(|(r, _)| *r == strongest)
        .map(|(_, e)| e)
        .collect()
}

/// A multibase (`z` base58btc, `u` base64url) multihash.
fn parse_multibase(text: &str) -> Expected {
    let bytes = match text.split_at_checked(1) {
        Some(("z", rest)) => bs58::decode(rest).into_vec().ok(),
        Some(("u", rest)) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(rest)
            .ok(),
        _ => None,
    };
    let Some(bytes) = bytes else {
        return Expected::Malformed;
    };
    // Codes and lengths below 128 are one varint byte.
    let [code, len, digest @ ..] = bytes.as_slice() else {
        return Expected::Malformed;
    };
    if usize::from(*len) != digest.len() {
        return Expected::Malformed;
    }
    let algorithm: &'static Algorithm = match code {
        0x12 => &SHA256,
        0x20 => &SHA384,
        0x13 => &SHA512,
        // SHA3-512, SHA3-384, SHA3-256.
        0x14..=0x16 => return Expected::Unsupported,
        _ => return Expected::Malformed,
    };
    if digest.len() != algorithm.output_len() {
        return Expected::Malformed;
    }
    Expected::Digest(algorithm, digest.to_vec())
}

/// Whether `bytes` match what `resource` declares: `Ok(true)` match,
/// `Ok(false)` mismatch, `Err(check)` when the digests cannot be used.
fn matches(resource: &Map<String, Value>, url: &str, bytes: &[u8]) -> Result<bool, Check> {
    let mut expected = Vec::new();
    if let Some(sri) = resource.get("digestSRI").and_then(Value::as_str) {
        expected.extend(parse_sri(sri));
    }
    if let Some(mb) = resource.get("digestMultibase").and_then(Value::as_str) {
        expected.push(parse_multibase(mb));
    }
    let mut usable = false;
    for e in &expected {
        match e {
            Expected::Digest(algorithm, value) => {
                usable = true;
                if digest(algorithm, bytes).as_ref() != value.as_slice() {
                    return Ok(false);
                }
            }
            Expected::Malformed => {
                return Err(Check::failed(
                    CheckKind::RelatedResource,
                    "malformed-digest",
                    format!(
                        "The digest of the related resource {} is malformed.",
                        short(url)
                    ),
                ))
            }
            Expected::Unsupported => {}
        }
    }
    if usable {
        return Ok(true);
    }
    Err(Check::could_not(
        CheckKind::RelatedResource,
        "unsupported-digest",
        format!(
            "The related resource {} has no digest this verifier computes (SHA-256, SHA-384, SHA-512).",
            short(url)
        ),
    ))
}

impl Verifier {
    /// `relatedResource`: `None` when the credential has none.
    pub(super) async fn check_related(&self, credential: &Map<String, Value>) -> Option<Check> {
        let related = credential.get("relatedResource")?;
        let entries: Vec<&Value> = match related {
            Value::Array(a) => a.iter().take(MAX_STATUS_ENTRIES).collect(),
            v => vec![v],
        };
        let bundled = self.vc.contexts.documents();
        let mut checks = Vec::new();
        for entry in entries {
            let Some((resource, url)) = entry
                .as_object()
                .and_then(|o| Some((o, o.get("id")?.as_str()?)))
            else {
                checks.push(Check::failed(
                    CheckKind::RelatedResource,
                    "malformed-related-resource",
                    "A relatedResource entry has no id.",
                ));
                continue;
            };
            let bytes = match bundled.iter().find(|(u, _)| u == url) {
                Some((_, text)) => text.clone().into_bytes(),
                None => match self.lists.fetch(url).await {
                    Ok(fetched) => fetched.body.into_bytes(),
                    Err(e) => {
                        checks.push(Check::could_not(
                            CheckKind::RelatedResource,
                            "related-resource-unavailable",
                            format!(
                                "The related resource {} could not be obtained: {}.",
                                short(url),
                                fetch_failure(&e)
                            ),
                        ));
                        continue;
                    }
                },
            };
            checks.push(match matches(resource, url, &bytes) {
                Ok(true) => Check::ok(
                    CheckKind::RelatedResource,
                    "digest-matches",
                    format!("The related resource {} matches its digest.", short(url)),
                ),
                Ok(false) => Check::failed(
                    CheckKind::RelatedResource,
                    "digest-mismatch",
                    format!(
                        "The related resource {} does not match its digest: it changed since the credential was issued.",
                        short(url)
                    ),
                ),
                Err(check) => check,
            });
        }
        worst(checks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_read_and_compared() {
        let body = b"{\"@context\": {}}";
        let sha384 = digest(&SHA384, body);
        let sri = format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(sha384.as_ref())
        );
        let mut multihash = vec![0x12, 32];
        multihash.extend_from_slice(digest(&SHA256, body).as_ref());
        let mb = format!("z{}", bs58::encode(&multihash).into_string());
        let resource = |sri: &str, mb: &str| {
            let mut m = Map::new();
            if !sri.is_empty() {
                m.insert("digestSRI".into(), sri.into());
            }
            if !mb.is_empty() {
                m.insert("digestMultibase".into(), mb.into());
            }
            m
        };
        assert_eq!(matches(&resource(&sri, ""), "u", body), Ok(true));
        assert_eq!(matches(&resource("", &mb), "u", body), Ok(true));
        assert_eq!(matches(&resource(&sri, &mb), "u", body), Ok(true));
        assert_eq!(matches(&resource(&sri, &mb), "u", b"other"), Ok(false));
        // The strongest SRI algorithm counts: a wrong sha256 beside a right
        // sha384 is ignored.
        let both = format!(
            "sha256-{} {sri}",
            base64::engine::general_purpose::STANDARD.encode([0u8; 32])
        );
        assert_eq!(matches(&resource(&both, ""), "u", body), Ok(true));
        let bad = matches(&resource("sha384-!!", ""), "u", body).unwrap_err();
        assert_eq!(bad.code, "malformed-digest");
        let mut sha3 = vec![0x16, 32];
        sha3.extend_from_slice(&[1u8; 32]);
        let sha3 = format!("z{}", bs58::encode(&sha3).into_string());
        let unsupported = matches(&resource("", &sha3), "u", body).unwrap_err();
        assert_eq!(unsupported.code, "unsupported-digest");
        assert_eq!(parse_multibase("x123"), Expected::Malformed);
        assert_eq!(parse_multibase("z"), Expected::Malformed);
    }
}
