//! The JSON-LD contexts Atout accepts, all bundled. A credential naming any
//! other context is refused; no context is ever loaded from the network.
//!
//! Every standard context is the published document byte for byte, as a file
//! in `vc/contexts/`; [`BUNDLED`] gives each one's SHA-256, and the build
//! (`vc/build.rs`) fails if a file's digest differs from it, so a context
//! edited by hand does not compile. Where each file comes from, and the
//! digests the specifications publish, are in `docs/CONTEXTS.md`.
//!
//! This file is also compiled into `vc/build.rs` (as a module), so it uses
//! the standard library only outside its tests.

use std::collections::HashMap;

pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The W3C context giving undefined terms an IRI of their own (VC 2.0
/// §5.2, `https://www.w3.org/ns/credentials/undefined-term#`), for
/// credentials that opt in to it explicitly.
pub const UNDEFINED_TERMS_V2: &str = "https://www.w3.org/ns/credentials/undefined-terms/v2";
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
pub const DATA_INTEGRITY_V1: &str = "https://w3id.org/security/data-integrity/v1";
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
pub const ED25519_2020_V1: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
/// Bitstring Status List v1.0's own context (its terms are also in the VC 2.0
/// context).
pub const BITSTRING_STATUS_LIST_V1: &str = "https://www.w3.org/ns/credentials/status/v1";
/// StatusList2021 (the predecessor of Bitstring Status List, in VC 1.1
/// credentials still in circulation).
pub const STATUS_LIST_2021_V1: &str = "https://w3id.org/vc/status-list/2021/v1";
pub const OB_V3_0_0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context.json";
pub const OB_V3_0_1: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json";
pub const OB_V3_0_2: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json";
pub const OB_V3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// Our own context's path under the base URL.
pub const ATOUT_CONTEXT_PATH: &str = "/contexts/atout/v1";

/// One bundled context document.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// The URL credentials name it by (for our own context, its path under
    /// the deployment's base URL, [`ATOUT_CONTEXT_PATH`]).
    pub url: &'static str,
    /// The file under `vc/contexts/`.
    pub file: &'static str,
    /// The file's text.
    pub text: &'static str,
    /// The SHA-256 of the file, lowercase hex: the published document's.
    pub sha256: &'static str,
}

macro_rules! bundled {
    ($url:expr, $file:literal, $sha256:literal) => {
        Bundled {
            url: $url,
            file: $file,
            text: include_str!(concat!("../contexts/", $file)),
            sha256: $sha256,
        }
    };
}

/// Every standard context we bundle, with the SHA-256 of the published
/// document (checked at build time by `vc/build.rs` and by a unit test).
/// Changing a file means changing its digest here, on purpose, with its
/// source recorded in `docs/CONTEXTS.md`.
pub const BUNDLED: &[Bundled] = &[
    bundled!(
        CREDENTIALS_V2,
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    ),
    bundled!(
        UNDEFINED_TERMS_V2,
        "credentials-undefined-terms-v2.jsonld",
        "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581"
    ),
    bundled!(
        CREDENTIALS_V1,
        "credentials-v1.jsonld",
        "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc"
    ),
    bundled!(
        DATA_INTEGRITY_V1,
        "data-integrity-v1.jsonld",
        "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554"
    ),
    bundled!(
        DATA_INTEGRITY_V2,
        "data-integrity-v2.jsonld",
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4"
    ),
    bundled!(
        MULTIKEY_V1,
        "multikey-v1.jsonld",
        "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597"
    ),
    bundled!(
        ED25519_2020_V1,
        "ed25519-signature-2020-v1.jsonld",
        "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588"
    ),
    bundled!(
        DID_V1,
        "did-v1.jsonld",
        "4f3eae5568c9c5f036a082088f9e192019ee06faa78973c87ff91d5421b88dad"
    ),
    bundled!(
        BITSTRING_STATUS_LIST_V1,
        "bitstring-status-list-v1.jsonld",
        "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7"
    ),
    bundled!(
        STATUS_LIST_2021_V1,
        "status-list-2021-v1.jsonld",
        "6dd06a52bedb771e059c1083ba8ba7848dce22f6b4a8cfa0b98ba3fc188870e4"
    ),
    bundled!(
        OB_V3_0_0,
        "ob-v3p0-context-3.0.0.json",
        "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10"
    ),
    bundled!(
        OB_V3_0_1,
        "ob-v3p0-context-3.0.1.json",
        "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355"
    ),
    bundled!(
        OB_V3_0_2,
        "ob-v3p0-context-3.0.2.json",
        "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53"
    ),
    bundled!(
        OB_V3_0_3,
        "ob-v3p0-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"
    ),
];

/// Atout's own context (terms for diplomas and certificates), served at
/// `{base}`[`ATOUT_CONTEXT_PATH`]. Ours: its digest pins it like the others.
pub const ATOUT: Bundled = bundled!(
    ATOUT_CONTEXT_PATH,
    "atout-v1.json",
    "6d8844634e2116c3023b803f93df4a0615b8111cb4e42d49373da6d4df545961"
);

/// The text of Atout's own context.
pub const ATOUT_CONTEXT: &str = ATOUT.text;

/// The allow-list: every bundled document, by URL.
#[derive(Debug, Clone)]
pub struct Contexts {
    own_url: String,
    documents: HashMap<String, &'static str>,
}

impl Contexts {
    /// `base` is the public base URL without a trailing slash: our own
    /// context is served (and preloaded) at `{base}/contexts/atout/v1`.
    pub fn new(base: &str) -> Self {
        let own_url = format!("{base}{ATOUT_CONTEXT_PATH}");
        let mut documents: HashMap<String, &'static str> =
            BUNDLED.iter().map(|b| (b.url.to_owned(), b.text)).collect();
        documents.insert(own_url.clone(), ATOUT.text);
        Self { own_url, documents }
    }

    /// The URL of Atout's own context on this deployment.
    pub fn own_url(&self) -> &str {
        &self.own_url
    }

    pub fn is_allowed(&self, url: &str) -> bool {
        self.documents.contains_key(url)
    }

    /// Every allowed URL, sorted.
    pub fn allowed(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.documents.keys().map(String::as_str).collect();
        all.sort_unstable();
        all
    }

    /// (URL, text) of every bundled document, ours included, for ssi's
    /// loader: the same texts as [`Contexts::documents`].
    pub fn shipped(&self) -> impl Iterator<Item = (&str, &'static str)> {
        self.documents.iter().map(|(u, t)| (u.as_str(), *t))
    }

    /// (URL, JSON text) of every allowed context, sorted by URL: the bundled
    /// files' exact texts.
    pub fn documents(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .shipped()
            .map(|(u, t)| (u.to_owned(), t.to_owned()))
            .collect();
        all.sort_unstable();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256_hex(bytes: &[u8]) -> String {
        ring::digest::digest(&ring::digest::SHA256, bytes)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The same check as `vc/build.rs`, at test time: every bundled text (as
    /// compiled in, and as the file on disk) has the digest in the table.
    #[test]
    fn bundled_contexts_have_their_published_digests() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contexts");
        for b in BUNDLED.iter().chain([&ATOUT]) {
            assert_eq!(sha256_hex(b.text.as_bytes()), b.sha256, "{}", b.file);
            let on_disk = std::fs::read(dir.join(b.file)).unwrap();
            assert_eq!(sha256_hex(&on_disk), b.sha256, "{} on disk", b.file);
        }
    }

    /// Every file in `vc/contexts/` is in the table (none bundled unchecked),
    /// once, and no URL twice.
    #[test]
    fn every_file_is_in_the_table_once() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contexts");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| !n.starts_with('.'))
            .collect();
        on_disk.sort();
        let mut files: Vec<String> = BUNDLED
            .iter()
            .chain([&ATOUT])
            .map(|b| b.file.to_owned())
            .collect();
        files.sort();
        assert_eq!(files, on_disk);
        let mut urls: Vec<&str> = BUNDLED.iter().map(|b| b.url).collect();
        urls.sort_unstable();
        urls.dedup();
        assert_eq!(urls.len(), BUNDLED.len());
    }

    /// The undefined-terms context is the W3C's: `undefined-term#`, not the
    /// draft's `issuer-dependent#`.
    #[test]
    fn undefined_terms_context_is_the_published_one() {
        let c = Contexts::new("https://portfolio.example.org");
        let doc = c
            .documents()
            .into_iter()
            .find(|(u, _)| u == UNDEFINED_TERMS_V2)
            .unwrap()
            .1;
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(
            v["@context"]["@vocab"],
            "https://www.w3.org/ns/credentials/undefined-term#"
        );
    }

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
        assert!(c.is_allowed(c.own_url()));
        assert!(!c.is_allowed(ATOUT_CONTEXT_PATH));
        assert!(!c.is_allowed("https://schema.org/"));
        assert!(!c.is_allowed("https://evil.example/context.json"));
    }

    #[test]
    fn documents_cover_every_allowed_context() {
        let c = Contexts::new("https://portfolio.example.org");
        let docs = c.documents();
        let urls: Vec<&str> = docs.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(urls, c.allowed());
        assert_eq!(docs.len(), BUNDLED.len() + 1);
        for (url, text) in &docs {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            assert!(v["@context"].is_object(), "{url}");
            let expected = BUNDLED
                .iter()
                .find(|b| b.url == url)
                .map_or(ATOUT.text, |b| b.text);
            assert_eq!(text, expected, "{url}");
        }
        let shipped: HashMap<&str, &str> = c.shipped().collect();
        assert_eq!(shipped.len(), docs.len());
    }

    /// Through ssi's loader with our map alone (no static loader), every
    /// allowed URL loads our document.
    #[tokio::test]
    async fn ssi_context_map_serves_our_documents() {
        use ssi::json_ld::{ContextLoader, Loader};
        let c = Contexts::new("https://portfolio.example.org");
        let map: HashMap<String, String> = c
            .shipped()
            .map(|(u, t)| (u.to_owned(), t.to_owned()))
            .collect();
        let loader = ContextLoader::empty().with_context_map_from(map).unwrap();
        for (url, text) in c.documents() {
            let iri = iref::IriBuf::new(url.clone()).unwrap();
            let doc = loader.load(&iri).await.unwrap();
            let got: serde_json::Value = serde_json::from_str(&doc.document().to_string()).unwrap();
            let want: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(got, want, "{url}");
        }
    }
}
