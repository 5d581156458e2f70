//! DID documents, did:web identifiers of this platform, and the resolver
//! interface (implemented in the `did-docs` crate).

use serde::{Deserialize, Serialize};
use url::Url;

pub const DID_V1_CONTEXT: &str = "https://www.w3.org/ns/did/v1";
pub const MULTIKEY_V1_CONTEXT: &str = "https://w3id.org/security/multikey/v1";

/// A DID document, with the parts Atout reads typed and the rest kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidDocument {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<serde_json::Value>,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification_method: Vec<VerificationMethod>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authentication: Vec<MethodRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertion_method: Vec<MethodRef>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMethod {
    pub id: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub controller: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_multibase: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A verification relationship entry: a reference or an embedded method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MethodRef {
    Reference(String),
    Embedded(VerificationMethod),
}

/// Verification relationships Atout checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    AssertionMethod,
    Authentication,
}

impl DidDocument {
    fn absolute(&self, id: &str) -> String {
        if id.starts_with('#') {
            format!("{}{id}", self.id)
        } else {
            id.to_owned()
        }
    }

    /// The verification method `id` (absolute, or relative `#frag`), if the
    /// document lists it under `relationship`.
    pub fn method_for(&self, id: &str, relationship: Relationship) -> Option<&VerificationMethod> {
        let wanted = self.absolute(id);
        let refs = match relationship {
            Relationship::AssertionMethod => &self.assertion_method,
            Relationship::Authentication => &self.authentication,
        };
        refs.iter().find_map(|r| match r {
            MethodRef::Reference(r) if self.absolute(r) == wanted => self
                .verification_method
                .iter()
                .find(|m| self.absolute(&m.id) == wanted),
            MethodRef::Embedded(m) if self.absolute(&m.id) == wanted => Some(m),
            _ => None,
        })
    }
}

/// Why a DID could not be resolved. Never means "invalid": a verifier that
/// gets one of these reports `could-not-check`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("{0:?} is not a valid DID")]
    InvalidDid(String),
    #[error("the DID method of {0:?} is not supported (did:key and did:web are)")]
    UnsupportedMethod(String),
    #[error("the DID {0} was not found")]
    NotFound(String),
    #[error("refused to fetch {0}: it is a loopback, private or reserved address")]
    ForbiddenAddress(String),
    #[error("fetching the DID document timed out")]
    Timeout,
    #[error("the DID document is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the DID document could not be fetched: {0}")]
    Fetch(String),
    #[error("the DID document is invalid: {0}")]
    InvalidDocument(String),
    #[error("internal error while resolving: {0}")]
    Internal(String),
}

/// Resolves DIDs to documents.
#[async_trait::async_trait]
pub trait DidResolver: Send + Sync + 'static {
    async fn resolve(&self, did: &str) -> Result<DidDocument, ResolveError>;
}

/// did:web identifiers derived from the public base URL.
#[derive(Debug, Clone)]
pub struct DidWeb {
    /// `host` or `host%3Aport`
    authority: String,
}

impl DidWeb {
    pub fn new(base_url: &Url) -> Self {
        let host = base_url.host_str().unwrap_or("localhost");
        let authority = match base_url.port() {
            Some(port) => format!("{host}%3A{port}"),
            None => host.to_owned(),
        };
        Self { authority }
    }

    /// The platform's DID, e.g. `did:web:portfolio.example.org`.
    pub fn platform(&self) -> String {
        format!("did:web:{}", self.authority)
    }

    /// An organisation's DID, e.g. `did:web:portfolio.example.org:orgs:univ-orleans`.
    pub fn org(&self, slug: &str) -> String {
        format!("did:web:{}:orgs:{slug}", self.authority)
    }

    /// If `did` is one of ours, which owner it names: `Some(None)` for the
    /// platform, `Some(Some(slug))` for an organisation.
    pub fn local_owner<'a>(&self, did: &'a str) -> Option<Option<&'a str>> {
        let rest = did.strip_prefix("did:web:")?;
        let rest = rest.strip_prefix(self.authority.as_str())?;
        if rest.is_empty() {
            return Some(None);
        }
        let slug = rest.strip_prefix(":orgs:")?;
        (!slug.is_empty() && !slug.contains(':')).then_some(Some(slug))
    }
}

/// The HTTPS (or, when allowed, HTTP) URL of a did:web document.
pub fn did_web_url(did: &str, scheme: &str) -> Result<Url, ResolveError> {
    let invalid = || ResolveError::InvalidDid(did.chars().take(200).collect());
    let rest = did.strip_prefix("did:web:").ok_or_else(invalid)?;
    if rest.is_empty() || rest.len() > 2048 || rest.contains(['/', '?', '#', '@', '\\']) {
        return Err(invalid());
    }
    let mut parts = rest.split(':');
    let authority = parts
        .next()
        .ok_or_else(invalid)?
        .replace("%3A", ":")
        .replace("%3a", ":");
    if authority.is_empty() || authority.contains('%') {
        return Err(invalid());
    }
    let segments: Vec<&str> = parts.collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err(invalid());
    }
    let path = if segments.is_empty() {
        "/.well-known/did.json".to_owned()
    } else {
        format!("/{}/did.json", segments.join("/"))
    };
    let url = Url::parse(&format!("{scheme}://{authority}{path}")).map_err(|_| invalid())?;
    if url.host_str().is_none() || url.path() != path {
        return Err(invalid());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_identifiers() {
        let web = DidWeb::new(&Url::parse("https://portfolio.example.org").unwrap());
        assert_eq!(web.platform(), "did:web:portfolio.example.org");
        assert_eq!(
            web.org("univ-orleans"),
            "did:web:portfolio.example.org:orgs:univ-orleans"
        );
        let local = DidWeb::new(&Url::parse("http://127.0.0.1:8080").unwrap());
        assert_eq!(local.org("a1"), "did:web:127.0.0.1%3A8080:orgs:a1");
        assert_eq!(local.local_owner("did:web:127.0.0.1%3A8080"), Some(None));
        assert_eq!(
            local.local_owner("did:web:127.0.0.1%3A8080:orgs:a1"),
            Some(Some("a1"))
        );
        assert_eq!(local.local_owner("did:web:127.0.0.1%3A8081:orgs:a1"), None);
        assert_eq!(local.local_owner("did:web:127.0.0.1%3A8080:x:a1"), None);
    }

    #[test]
    fn did_web_urls() {
        let cases = [
            (
                "did:web:example.org",
                "https://example.org/.well-known/did.json",
            ),
            (
                "did:web:example.org:orgs:univ",
                "https://example.org/orgs/univ/did.json",
            ),
            (
                "did:web:localhost%3A8443:u",
                "https://localhost:8443/u/did.json",
            ),
        ];
        for (did, url) in cases {
            assert_eq!(did_web_url(did, "https").unwrap().as_str(), url);
        }
        for bad in [
            "did:web:",
            "did:key:z6Mk",
            "did:web:example.org::x",
            "did:web:example.org:..:x",
            "did:web:user@example.org",
            "did:web:example.org/path",
            "did:web:example.org%2Fx",
            "did:web:exa mple.org",
        ] {
            assert!(did_web_url(bad, "https").is_err(), "{bad}");
        }
    }

    #[test]
    fn finds_methods_by_relationship() {
        let doc: DidDocument = serde_json::from_value(serde_json::json!({
            "id": "did:web:x",
            "verificationMethod": [
                {"id": "did:web:x#key-1", "type": "Multikey", "controller": "did:web:x", "publicKeyMultibase": "z1"},
                {"id": "#key-2", "type": "Multikey", "controller": "did:web:x", "publicKeyMultibase": "z2"}
            ],
            "assertionMethod": ["#key-1", "did:web:x#key-2"],
            "authentication": ["did:web:x#key-1"],
            "service": []
        }))
        .unwrap();
        assert!(doc
            .method_for("did:web:x#key-1", Relationship::Authentication)
            .is_some());
        assert!(doc
            .method_for("did:web:x#key-2", Relationship::Authentication)
            .is_none());
        assert_eq!(
            doc.method_for("#key-2", Relationship::AssertionMethod)
                .unwrap()
                .public_key_multibase
                .as_deref(),
            Some("z2")
        );
        assert!(doc.other.contains_key("service"));
    }
}
