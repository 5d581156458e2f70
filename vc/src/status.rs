//! Bitstring Status List v1.0: entries in credentials, and the encoded
//! list (GZIP, then multibase base64url) in `BitstringStatusListCredential`s.
//! Bit 0 is the most significant bit of the first byte.

use crate::contexts::CREDENTIALS_V2;
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use std::io::{Read, Write};

/// The smallest list the specification allows: 16 KiB of bits.
pub const MIN_LIST_SIZE: usize = 131_072;

/// How long verifiers may cache a list (milliseconds), also sent as HTTP
/// `Cache-Control`.
pub const TTL_MS: u64 = 300_000;

/// The purposes of status entries (shared with the store).
pub use atout_core::store::StatusPurpose as Purpose;

/// A `BitstringStatusListEntry` for a credential.
pub fn entry(list_url: &str, purpose: Purpose, index: u64) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose.as_str(),
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("the encoded list is not multibase base64url ('u')")]
    Multibase,
    #[error("the encoded list is not GZIP data")]
    Gzip,
    #[error("the list is larger than {0} bytes once decompressed")]
    TooLarge(usize),
    #[error("index {0} is outside the list")]
    OutOfRange(u64),
}

/// Encodes a list of `size` bits with the given indexes set.
pub fn encode(size: usize, set: impl IntoIterator<Item = u64>) -> Result<String, ListError> {
    let mut bits = vec![0u8; size.div_ceil(8)];
    for index in set {
        let i = usize::try_from(index).map_err(|_| ListError::OutOfRange(index))?;
        if i >= size {
            return Err(ListError::OutOfRange(index));
        }
        bits[i / 8] |= 0x80 >> (i % 8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bits).map_err(|_| ListError::Gzip)?;
    let compressed = gz.finish().map_err(|_| ListError::Gzip)?;
    Ok(format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
    ))
}

/// Decodes an encoded list (at most `max_bytes` once decompressed, against
/// GZIP bombs).
pub fn decode(encoded: &str, max_bytes: usize) -> Result<Vec<u8>, ListError> {
    let data = encoded.strip_prefix('u').ok_or(ListError::Multibase)?;
    let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| ListError::Multibase)?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .take(max_bytes as u64 + 1)
        .read_to_end(&mut bits)
        .map_err(|_| ListError::Gzip)?;
    if bits.len() > max_bytes {
        return Err(ListError::TooLarge(max_bytes));
    }
    Ok(bits)
}

/// The bit at `index` of a decoded list.
pub fn bit(bits: &[u8], index: u64) -> Result<bool, ListError> {
    let i = usize::try_from(index).map_err(|_| ListError::OutOfRange(index))?;
    let byte = bits.get(i / 8).ok_or(ListError::OutOfRange(index))?;
    Ok(byte & (0x80 >> (i % 8)) != 0)
}

/// The unsigned `BitstringStatusListCredential` for a list.
pub fn list_credential(
    list_url: &str,
    issuer_did: &str,
    purpose: Purpose,
    encoded_list: &str,
    now: DateTime<Utc>,
) -> Map<String, Value> {
    let value = json!({
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.as_str(),
            "encodedList": encoded_list,
            "ttl": TTL_MS,
        }
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip_msb_first() {
        let set = [0u64, 7, 8, 1000, 131_071];
        let encoded = encode(MIN_LIST_SIZE, set).unwrap();
        assert!(
            encoded.starts_with("uH4sI"),
            "GZIP magic in base64url: {encoded}"
        );
        let bits = decode(&encoded, MIN_LIST_SIZE / 8).unwrap();
        assert_eq!(bits.len(), MIN_LIST_SIZE / 8);
        assert_eq!(bits[0], 0b1000_0001);
        assert_eq!(bits[1], 0b1000_0000);
        for i in 0..MIN_LIST_SIZE as u64 {
            assert_eq!(bit(&bits, i).unwrap(), set.contains(&i), "{i}");
        }
        assert_eq!(encode(8, [8]).unwrap_err(), ListError::OutOfRange(8));
        assert_eq!(
            bit(&bits, 131_072).unwrap_err(),
            ListError::OutOfRange(131_072)
        );
    }

    #[test]
    fn decoding_refuses_garbage_and_bombs() {
        assert_eq!(decode("zabc", 100).unwrap_err(), ListError::Multibase);
        assert_eq!(decode("u!!!", 100).unwrap_err(), ListError::Multibase);
        assert_eq!(decode("uAAAA", 100).unwrap_err(), ListError::Gzip);
        let big = encode(8 * 1024 * 1024, []).unwrap();
        assert_eq!(
            decode(&big, 16 * 1024).unwrap_err(),
            ListError::TooLarge(16 * 1024)
        );
    }
}
