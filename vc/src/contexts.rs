//! The JSON-LD contexts Atout accepts, all bundled. A credential naming any
//! other context is refused; no context is ever loaded from the network.

use std::collections::HashMap;

pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
pub const ED25519_2020_V1: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
pub const OB_V3_0_0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context.json";
pub const OB_V3_0_1: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json";
pub const OB_V3_0_2: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json";
pub const OB_V3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The W3C context giving undefined terms an issuer-dependent IRI (VC 2.0
/// §5.2), for credentials that opt in to it explicitly.
pub const UNDEFINED_TERMS_V2: &str = "https://www.w3.org/ns/credentials/undefined-terms/v2";
/// StatusList2021 (the predecessor of Bitstring Status List, in VC 1.1
/// credentials still in circulation).
pub const STATUS_LIST_2021_V1: &str = "https://w3id.org/vc/status-list/2021/v1";

/// Our own context's path under the base URL.
pub const ATOUT_CONTEXT_PATH: &str = "/contexts/atout/v1";

/// Contexts whose documents ssi bundles (its static loader).
const BUNDLED_BY_SSI: &[&str] = &[
    CREDENTIALS_V2,
    CREDENTIALS_V1,
    DATA_INTEGRITY_V2,
    MULTIKEY_V1,
    ED25519_2020_V1,
    DID_V1,
    OB_V3_0_0,
    STATUS_LIST_2021_V1,
];

/// Contexts whose documents we ship.
const SHIPPED: &[(&str, &str)] = &[
    (OB_V3_0_1, include_str!("../contexts/ob-context-3.0.1.json")),
    (OB_V3_0_2, include_str!("../contexts/ob-context-3.0.2.json")),
    (OB_V3_0_3, include_str!("../contexts/ob-context-3.0.3.json")),
    (
        UNDEFINED_TERMS_V2,
        include_str!("../contexts/undefined-terms-v2.json"),
    ),
];

/// The text of Atout's own context (terms for diplomas and certificates).
pub const ATOUT_CONTEXT: &str = include_str!("../contexts/atout-v1.json");

/// The allow-list, with the documents we ship (ssi bundles the others).
#[derive(Debug, Clone)]
pub struct Contexts {
    own_url: String,
    shipped: HashMap<String, &'static str>,
}

impl Contexts {
    /// `base` is the public base URL without a trailing slash: our own
    /// context is served (and preloaded) at `{base}/contexts/atout/v1`.
    pub fn new(base: &str) -> Self {
        let own_url = format!("{base}{ATOUT_CONTEXT_PATH}");
        let mut shipped: HashMap<String, &'static str> =
            SHIPPED.iter().map(|(u, t)| (u.to_string(), *t)).collect();
        shipped.insert(own_url.clone(), ATOUT_CONTEXT);
        Self { own_url, shipped }
    }

    /// The URL of Atout's own context on this deployment.
    pub fn own_url(&self) -> &str {
        &self.own_url
    }

    pub fn is_allowed(&self, url: &str) -> bool {
        BUNDLED_BY_SSI.contains(&url) || self.shipped.contains_key(url)
    }

    /// Every allowed URL.
    pub fn allowed(&self) -> Vec<&str> {
        let mut all: Vec<&str> = BUNDLED_BY_SSI.to_vec();
        all.extend(self.shipped.keys().map(String::as_str));
        all.sort_unstable();
        all
    }

    /// Documents ssi does not bundle (for its loader).
    pub fn shipped(&self) -> impl Iterator<Item = (&str, &'static str)> {
        self.shipped.iter().map(|(u, t)| (u.as_str(), *t))
    }

    /// (URL, JSON text) of every allowed context: for the bundled ones the
    /// very text ssi's static loader serves (the `ssi-contexts` constants,
    /// OB 3.0.0 being its "JFF plugfest 2" document), for the others the
    /// documents we ship. Both JSON-LD routes therefore see the same
    /// contexts.
    pub fn documents(&self) -> Vec<(String, String)> {
        let bundled: [(&str, &str); 8] = [
            (CREDENTIALS_V2, ssi_contexts::CREDENTIALS_V2),
            (CREDENTIALS_V1, ssi_contexts::CREDENTIALS_V1),
            (DATA_INTEGRITY_V2, ssi_contexts::W3ID_DATA_INTEGRITY_V2),
            (MULTIKEY_V1, ssi_contexts::W3ID_MULTIKEY_V1),
            (ED25519_2020_V1, ssi_contexts::W3ID_ED2020_V1),
            (DID_V1, ssi_contexts::DID_V1),
            (OB_V3_0_0, ssi_contexts::JFF_VC_EDU_PLUGFEST_2022_2),
            (STATUS_LIST_2021_V1, ssi_contexts::STATUS_LIST_2021_V1),
        ];
        let mut all: Vec<(String, String)> = bundled
            .iter()
            .map(|(u, t)| ((*u).to_owned(), (*t).to_owned()))
            .collect();
        all.extend(self.shipped().map(|(u, t)| (u.to_owned(), t.to_owned())));
        all.sort_unstable();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_contexts_are_json_ld_contexts() {
        let c = Contexts::new("https://portfolio.example.org");
        assert_eq!(
            c.own_url(),
            "https://portfolio.example.org/contexts/atout/v1"
        );
        for (url, text) in c.shipped() {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            assert!(v["@context"].is_object(), "{url}");
        }
        assert!(c.is_allowed(CREDENTIALS_V2));
        assert!(c.is_allowed(OB_V3_0_3));
        assert!(!c.is_allowed("https://schema.org/"));
        assert!(!c.is_allowed("https://evil.example/context.json"));
    }

    #[test]
    fn documents_cover_every_allowed_context() {
        let c = Contexts::new("https://portfolio.example.org");
        let docs = c.documents();
        let urls: Vec<&str> = docs.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(urls, c.allowed());
        for (url, text) in &docs {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            assert!(v["@context"].is_object(), "{url}");
        }
    }
}
