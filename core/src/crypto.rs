//! Keys and encryption at rest.
//!
//! * [`MasterKey`]: AES-256-GCM (ring) under which every private key is
//!   sealed before it reaches the database.
//! * [`PrivateKey`]: an Ed25519 or P-256 signing key, held as PKCS#8 in
//!   zeroized memory, whose `Debug` never shows the key.
//! * [`PublicKey`]: the public half, with its Multikey (`publicKeyMultibase`)
//!   encoding as used in our DID documents.

use base64::Engine as _;
use ring::{
    aead,
    rand::{SecureRandom, SystemRandom},
    signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _},
};
use secrecy::{ExposeSecret, SecretBox};
use std::fmt;
use zeroize::Zeroizing;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the master key must be 32 bytes, base64-encoded (got {0} bytes)")]
    MasterKeyLength(usize),
    #[error("the master key is not valid base64")]
    MasterKeyEncoding,
    #[error("decryption failed: wrong master key, or the data was altered")]
    Decrypt,
    #[error("sealed data has an unknown format version")]
    SealedFormat,
    #[error("the key material is invalid: {0}")]
    InvalidKey(&'static str),
    #[error("the multibase public key is invalid: {0}")]
    Multibase(&'static str),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the system random number generator failed")]
    Rng,
}

/// Fills a fresh buffer with `n` secure random bytes.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, CryptoError> {
    let mut buf = vec![0u8; n];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| CryptoError::Rng)?;
    Ok(buf)
}

/// A URL-safe random token of `n` bytes of entropy.
pub fn random_token(n: usize) -> Result<String, CryptoError> {
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(n)?))
}

/// SHA-256, hex-encoded.
pub fn sha256_hex(data: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

const SEALED_V1: u8 = 1;
const NONCE_LEN: usize = 12;

/// The key that encrypts every private key at rest (AES-256-GCM).
pub struct MasterKey {
    key: aead::LessSafeKey,
    raw: SecretBox<[u8; 32]>,
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let raw: [u8; 32] = bytes
            .try_into()
            .map_err(|_| CryptoError::MasterKeyLength(bytes.len()))?;
        let unbound = aead::UnboundKey::new(&aead::AES_256_GCM, &raw)
            .map_err(|_| CryptoError::MasterKeyLength(bytes.len()))?;
        Ok(Self {
            key: aead::LessSafeKey::new(unbound),
            raw: SecretBox::new(Box::new(raw)),
        })
    }

    /// Parses a base64 (standard or URL-safe, padded or not) 32-byte key.
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        let text = text.trim();
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text))
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
                .map_err(|_| CryptoError::MasterKeyEncoding)?,
        );
        Self::from_bytes(&bytes)
    }

    /// A new random master key and its base64 text.
    pub fn generate() -> Result<(Self, Zeroizing<String>), CryptoError> {
        let bytes = Zeroizing::new(random_bytes(32)?);
        let text = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*bytes));
        Ok((Self::from_bytes(&bytes)?, text))
    }

    /// The key as base64, for writing a freshly generated key to its file.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(self.raw.expose_secret()))
    }

    /// A key for one purpose, derived from this one (HMAC-SHA256 of the
    /// purpose under this key): what it seals, this key cannot open, and
    /// the other way round.
    pub fn derive(&self, purpose: &str) -> Self {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.raw.expose_secret());
        let tag = ring::hmac::sign(&key, purpose.as_bytes());
        Self::from_bytes(tag.as_ref()).expect("HMAC-SHA256 gives 32 bytes")
    }

    /// HMAC-SHA256 of `message` under this key: a secret that can be
    /// computed again from what it names (e.g. a batch offer's link token,
    /// from the offer's id), without storing it.
    pub fn mac(&self, message: &[u8]) -> [u8; 32] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.raw.expose_secret());
        let tag = ring::hmac::sign(&key, message);
        tag.as_ref().try_into().expect("HMAC-SHA256 gives 32 bytes")
    }

    /// Encrypts `plaintext`, binding it to `aad` (e.g. the row it belongs to).
    /// Output: version byte, 96-bit random nonce, ciphertext and tag.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let nonce_bytes: [u8; NONCE_LEN] = random_bytes(NONCE_LEN)?
            .try_into()
            .map_err(|_| CryptoError::Rng)?;
        let mut buf = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(
                aead::Nonce::assume_unique_for_key(nonce_bytes),
                aead::Aad::from(aad),
                &mut buf,
            )
            .map_err(|_| CryptoError::Rng)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + buf.len());
        out.push(SEALED_V1);
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&buf);
        buf.iter_mut().for_each(|b| *b = 0);
        Ok(out)
    }

    /// Decrypts what [`MasterKey::seal`] produced with the same `aad`.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let (&version, rest) = sealed.split_first().ok_or(CryptoError::SealedFormat)?;
        if version != SEALED_V1 {
            return Err(CryptoError::SealedFormat);
        }
        if rest.len() < NONCE_LEN + aead::AES_256_GCM.tag_len() {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce =
            aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::Decrypt)?;
        let mut buf = Zeroizing::new(ciphertext.to_vec());
        let len = self
            .key
            .open_in_place(nonce, aead::Aad::from(aad), &mut buf)
            .map_err(|_| CryptoError::Decrypt)?
            .len();
        buf.truncate(len);
        Ok(buf)
    }
}

/// Signature algorithms of organisation keys.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub enum KeyAlgorithm {
    /// Ed25519 (EdDSA); every organisation has one.
    #[serde(rename = "Ed25519", alias = "ed25519", alias = "EdDSA")]
    Ed25519,
    /// ECDSA on P-256 with SHA-256; on request.
    #[serde(rename = "P-256", alias = "p256", alias = "p-256", alias = "ES256")]
    P256,
}

impl KeyAlgorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ed25519 => "Ed25519",
            Self::P256 => "P-256",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "ed25519" | "eddsa" => Some(Self::Ed25519),
            "p-256" | "p256" | "es256" | "secp256r1" => Some(Self::P256),
            _ => None,
        }
    }

    /// Multicodec prefix of the public key (unsigned varint).
    fn multicodec(self) -> &'static [u8] {
        match self {
            Self::Ed25519 => &[0xed, 0x01],
            Self::P256 => &[0x80, 0x24],
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signing key. Held as PKCS#8 in memory that is wiped on drop; its
/// `Debug` shows the algorithm and public key only.
pub struct PrivateKey {
    algorithm: KeyAlgorithm,
    pkcs8: Zeroizing<Vec<u8>>,
    public: PublicKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &self.algorithm)
            .field("public", &self.public.to_multibase())
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl PrivateKey {
    pub fn generate(algorithm: KeyAlgorithm) -> Result<Self, CryptoError> {
        let rng = SystemRandom::new();
        let doc = match algorithm {
            KeyAlgorithm::Ed25519 => {
                Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| CryptoError::Rng)?
            }
            KeyAlgorithm::P256 => {
                EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|_| CryptoError::Rng)?
            }
        };
        Self::from_pkcs8(algorithm, doc.as_ref())
    }

    pub fn from_pkcs8(algorithm: KeyAlgorithm, pkcs8: &[u8]) -> Result<Self, CryptoError> {
        let public = match algorithm {
            KeyAlgorithm::Ed25519 => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
                    .map_err(|_| CryptoError::InvalidKey("not an Ed25519 PKCS#8 key"))?;
                PublicKey::new(KeyAlgorithm::Ed25519, pair.public_key().as_ref())?
            }
            KeyAlgorithm::P256 => {
                let pair = EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    pkcs8,
                    &SystemRandom::new(),
                )
                .map_err(|_| CryptoError::InvalidKey("not a P-256 PKCS#8 key"))?;
                PublicKey::new(KeyAlgorithm::P256, pair.public_key().as_ref())?
            }
        };
        Ok(Self {
            algorithm,
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
            public,
        })
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The PKCS#8 DER encoding (for sealing, and for JOSE/Data Integrity
    /// signers in later modules). Handle with care.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// Signs `message`: Ed25519 (64 bytes) or ECDSA P-256 SHA-256 in the
    /// fixed `r || s` form (64 bytes) used by JOSE and Data Integrity.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match self.algorithm {
            KeyAlgorithm::Ed25519 => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&self.pkcs8)
                    .map_err(|_| CryptoError::InvalidKey("not an Ed25519 PKCS#8 key"))?;
                Ok(pair.sign(message).as_ref().to_vec())
            }
            KeyAlgorithm::P256 => {
                let rng = SystemRandom::new();
                let pair = EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &self.pkcs8,
                    &rng,
                )
                .map_err(|_| CryptoError::InvalidKey("not a P-256 PKCS#8 key"))?;
                Ok(pair
                    .sign(&rng, message)
                    .map_err(|_| CryptoError::Rng)?
                    .as_ref()
                    .to_vec())
            }
        }
    }
}

/// A public key: raw Ed25519 (32 bytes) or an uncompressed SEC1 P-256 point
/// (65 bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    algorithm: KeyAlgorithm,
    bytes: Vec<u8>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, {})", self.algorithm, self.to_multibase())
    }
}

impl PublicKey {
    /// Accepts raw Ed25519 bytes, or a P-256 SEC1 point (compressed or not).
    pub fn new(algorithm: KeyAlgorithm, bytes: &[u8]) -> Result<Self, CryptoError> {
        let bytes = match algorithm {
            KeyAlgorithm::Ed25519 => {
                if bytes.len() != 32 {
                    return Err(CryptoError::InvalidKey("an Ed25519 public key is 32 bytes"));
                }
                bytes.to_vec()
            }
            KeyAlgorithm::P256 => {
                use p256::elliptic_curve::sec1::ToEncodedPoint;
                let key = p256::PublicKey::from_sec1_bytes(bytes)
                    .map_err(|_| CryptoError::InvalidKey("not a point on P-256"))?;
                key.to_encoded_point(false).as_bytes().to_vec()
            }
        };
        Ok(Self { algorithm, bytes })
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// Raw bytes as described on [`PublicKey`].
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Multikey encoding: base58btc (`z`) of the multicodec prefix and the
    /// key (P-256 compressed), as in `publicKeyMultibase` and did:key.
    pub fn to_multibase(&self) -> String {
        let mut data = self.algorithm.multicodec().to_vec();
        match self.algorithm {
            KeyAlgorithm::Ed25519 => data.extend_from_slice(&self.bytes),
            KeyAlgorithm::P256 => {
                use p256::elliptic_curve::sec1::ToEncodedPoint;
                // The bytes were validated on construction.
                if let Ok(key) = p256::PublicKey::from_sec1_bytes(&self.bytes) {
                    data.extend_from_slice(key.to_encoded_point(true).as_bytes());
                }
            }
        }
        format!("z{}", bs58::encode(data).into_string())
    }

    pub fn from_multibase(text: &str) -> Result<Self, CryptoError> {
        let encoded = text
            .strip_prefix('z')
            .ok_or(CryptoError::Multibase("only base58btc ('z') is supported"))?;
        if encoded.len() > 200 {
            return Err(CryptoError::Multibase("too long"));
        }
        let data = bs58::decode(encoded)
            .into_vec()
            .map_err(|_| CryptoError::Multibase("not base58btc"))?;
        for algorithm in [KeyAlgorithm::Ed25519, KeyAlgorithm::P256] {
            if let Some(key) = data.strip_prefix(algorithm.multicodec()) {
                return Self::new(algorithm, key)
                    .map_err(|_| CryptoError::Multibase("the key bytes are invalid"));
            }
        }
        Err(CryptoError::Multibase(
            "unsupported key type (Ed25519 and P-256 are supported)",
        ))
    }

    /// Verifies a signature made by [`PrivateKey::sign`].
    pub fn verify(&self, message: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
        match self.algorithm {
            // ed25519-dalek rather than ring: its AVX2 backend (chosen at
            // run time, portable code otherwise) verifies in about half
            // the time of ring's portable code (BENCHMARKS.md). Same rules
            // as ring and OpenSSL: RFC 8032 without the cofactor, `S`
            // below the group order, the key a valid point.
            KeyAlgorithm::Ed25519 => {
                use ed25519_dalek::Verifier as _;
                let key: &[u8; 32] = self
                    .bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| CryptoError::BadSignature)?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(key)
                    .map_err(|_| CryptoError::BadSignature)?;
                let sig = ed25519_dalek::Signature::from_slice(sig)
                    .map_err(|_| CryptoError::BadSignature)?;
                key.verify(message, &sig)
                    .map_err(|_| CryptoError::BadSignature)
            }
            KeyAlgorithm::P256 => {
                signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &self.bytes)
                    .verify(message, sig)
                    .map_err(|_| CryptoError::BadSignature)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip_and_bind_aad() {
        let (key, _) = MasterKey::generate().unwrap();
        let sealed = key.seal(b"secret", b"row-1").unwrap();
        assert_eq!(&*key.open(&sealed, b"row-1").unwrap(), b"secret");
        assert_eq!(key.open(&sealed, b"row-2"), Err(CryptoError::Decrypt));
        let (other, _) = MasterKey::generate().unwrap();
        assert_eq!(other.open(&sealed, b"row-1"), Err(CryptoError::Decrypt));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(key.open(&tampered, b"row-1"), Err(CryptoError::Decrypt));
        assert_eq!(key.open(&[], b""), Err(CryptoError::SealedFormat));
        assert_eq!(key.open(&[9, 1, 2], b""), Err(CryptoError::SealedFormat));
        assert_eq!(key.open(&[1, 1, 2], b""), Err(CryptoError::Decrypt));
        // Two seals of the same data differ (random nonce).
        assert_ne!(sealed, key.seal(b"secret", b"row-1").unwrap());
    }

    #[test]
    fn master_key_parsing() {
        let (key, text) = MasterKey::generate().unwrap();
        let again = MasterKey::from_base64(&text).unwrap();
        let sealed = key.seal(b"x", b"").unwrap();
        assert_eq!(&*again.open(&sealed, b"").unwrap(), b"x");
        assert_eq!(
            MasterKey::from_base64("c2hvcnQ=").unwrap_err(),
            CryptoError::MasterKeyLength(5)
        );
        assert_eq!(
            MasterKey::from_base64("***").unwrap_err(),
            CryptoError::MasterKeyEncoding
        );
        assert_eq!(format!("{key:?}"), "MasterKey([redacted])");
    }

    #[test]
    fn keys_sign_verify_and_round_trip_multibase() {
        for alg in [KeyAlgorithm::Ed25519, KeyAlgorithm::P256] {
            let key = PrivateKey::generate(alg).unwrap();
            let sig = key.sign(b"hello").unwrap();
            assert_eq!(sig.len(), 64);
            let mb = key.public_key().to_multibase();
            let prefix = match alg {
                KeyAlgorithm::Ed25519 => "z6Mk",
                KeyAlgorithm::P256 => "zDn",
            };
            assert!(mb.starts_with(prefix), "{mb}");
            let public = PublicKey::from_multibase(&mb).unwrap();
            assert_eq!(&public, key.public_key());
            public.verify(b"hello", &sig).unwrap();
            assert_eq!(
                public.verify(b"hellO", &sig),
                Err(CryptoError::BadSignature)
            );
            let reloaded = PrivateKey::from_pkcs8(alg, key.pkcs8_der()).unwrap();
            assert_eq!(reloaded.public_key(), key.public_key());
            let debug = format!("{key:?}");
            assert!(debug.contains("[redacted]"));
            assert!(!debug.contains(&format!("{:?}", key.pkcs8_der())));
        }
    }

    #[test]
    fn ed25519_verification_agrees_with_ring() {
        // ed25519-dalek verifies, ring signs: the same answers as ring's
        // own verification, including on the edge cases.
        let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
        let public = key.public_key();
        let ring_verify = |msg: &[u8], sig: &[u8]| {
            signature::UnparsedPublicKey::new(&signature::ED25519, public.as_bytes())
                .verify(msg, sig)
                .is_ok()
        };
        let sig = key.sign(b"message").unwrap();
        assert!(ring_verify(b"message", &sig));
        assert!(public.verify(b"message", &sig).is_ok());
        // S + L (the group order): the same signature, not canonical.
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut malleated = sig.clone();
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(malleated[32 + i]) + u16::from(L[i]) + carry;
            malleated[32 + i] = sum as u8;
            carry = sum >> 8;
        }
        assert!(!ring_verify(b"message", &malleated));
        assert_eq!(
            public.verify(b"message", &malleated),
            Err(CryptoError::BadSignature)
        );
        // Wrong lengths, a flipped bit of R, a key that is not a point.
        assert!(public.verify(b"message", &sig[..63]).is_err());
        let mut bad_r = sig.clone();
        bad_r[0] ^= 1;
        assert!(public.verify(b"message", &bad_r).is_err());
        let mut not_a_point = [0u8; 32];
        not_a_point[0] = 2;
        not_a_point[31] = 0x7f;
        if let Ok(odd) = PublicKey::new(KeyAlgorithm::Ed25519, &not_a_point) {
            assert!(odd.verify(b"message", &sig).is_err());
        }
    }

    #[test]
    fn multibase_rejects_garbage() {
        for bad in [
            "",
            "abc",
            "z",
            "z0OIl",
            "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
        ] {
            assert!(PublicKey::from_multibase(bad).is_err(), "{bad}");
        }
        let long = format!("z{}", "1".repeat(500));
        assert!(PublicKey::from_multibase(&long).is_err());
    }

    #[test]
    fn known_did_key_vector() {
        // did:key test vector from the did:key specification.
        let key =
            PublicKey::from_multibase("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp").unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::Ed25519);
        assert_eq!(
            key.to_multibase(),
            "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
        );
    }
}
