//! DID resolution: did:key locally, this platform's did:web from the
//! database (no HTTP, no cache), and other did:web documents over real HTTP
//! from small servers started here on 127.0.0.1:0, with the address guard,
//! the timeout, the size limit, no redirects, and the cache on the
//! application clock.

use crate::common::*;
use atout_core::{
    clock::FixedClock,
    config::DidWebConfig,
    crypto::{KeyAlgorithm, PrivateKey, PublicKey},
    did::{DidDocument, DidResolver, DidWeb, Relationship, ResolveError},
    store::{connect, ConnectOptions},
};
use atout_did_docs::{Resolver, WebResolver};
use axum::{
    body::{Body, Bytes, HttpBody},
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use http_body_util::{BodyDataStream, Full};
use serde_json::{json, Value};
use std::{
    collections::VecDeque,
    convert::Infallible,
    future::{Future, IntoFuture},
    net::SocketAddr,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    task::{Context, Poll},
    time::Duration,
};

/// The Ed25519 example of the did:key specification.
const SPEC_DID_KEY: &str = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";

/// Plain HTTP allowed (the test servers have no TLS); the address guard as
/// asked; generous timeout and size limit.
fn web_config(allow_private: bool) -> DidWebConfig {
    DidWebConfig {
        allow_http: true,
        allow_private,
        timeout: Duration::from_secs(2),
        max_bytes: 256 * 1024,
        cache_ttl: Duration::from_secs(300),
    }
}

fn web_resolver(config: DidWebConfig) -> (WebResolver, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(start_time()));
    let resolver = WebResolver::new(config, clock.clone()).expect("did:web resolver");
    (resolver, clock)
}

/// `127.0.0.1%3A<port>`: the did:web authority of a local server.
fn authority(addr: SocketAddr) -> String {
    format!("127.0.0.1%3A{}", addr.port())
}

/// A small HTTP server of the test's own, on 127.0.0.1:0, that records the
/// path of every request it receives (before the handler runs).
struct Upstream {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Upstream {
    /// `routes` gets the did:web authority of the server (`127.0.0.1%3A<port>`).
    async fn start(routes: impl FnOnce(&str) -> Router) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let router = routes(&authority(addr)).layer(axum::middleware::from_fn(
            move |req: Request, next: Next| {
                seen.lock().unwrap().push(req.uri().path().to_owned());
                next.run(req)
            },
        ));
        tokio::spawn(axum::serve(listener, router).into_future());
        Self { addr, requests }
    }

    /// `did:web:127.0.0.1%3A<port>` followed by `path` (e.g. `:orgs:x`).
    fn did(&self, path: &str) -> String {
        format!("did:web:{}{path}", authority(self.addr))
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    fn hits(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// A minimal valid DID document for `did` (with the did:key spec vector's
/// public key).
fn document(did: &str) -> Value {
    let vm = format!("{did}#key-1");
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{
            "id": vm,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        }],
        "assertionMethod": [vm],
        "authentication": [vm],
    })
}

/// [`document`] padded with an extra member to exactly `len` bytes of JSON.
fn padded_document(did: &str, len: usize) -> Vec<u8> {
    let mut doc = document(did);
    doc["padding"] = json!("");
    let bare = serde_json::to_vec(&doc).unwrap().len();
    assert!(len >= bare, "{len} is less than the bare document ({bare})");
    doc["padding"] = json!("x".repeat(len - bare));
    let bytes = serde_json::to_vec(&doc).unwrap();
    assert_eq!(bytes.len(), len);
    bytes
}

/// A `application/did+json` response (axum sets `Content-Length`).
fn did_json(body: impl Into<Body>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/did+json")],
        body.into(),
    )
        .into_response()
}

/// A response body in several chunks whose length is not known in advance
/// (so `Transfer-Encoding: chunked` and no `Content-Length`); with `stall`,
/// it never ends after the last chunk.
struct Chunks {
    parts: VecDeque<Bytes>,
    stall: bool,
}

/// `Option<Result<http_body::Frame<Bytes>, Infallible>>`, named through
/// http-body-util (the tests do not depend on `http_body` itself).
type NextFrame = <http_body_util::combinators::Frame<'static, Full<Bytes>> as Future>::Output;

impl HttpBody for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<NextFrame> {
        match self.parts.pop_front() {
            Some(part) => Pin::new(&mut Full::new(part)).poll_frame(cx),
            None if self.stall => Poll::Pending,
            None => Poll::Ready(None),
        }
    }
}

/// `body` streamed in `parts` chunks, without `Content-Length`.
fn chunked(body: &[u8], parts: usize, stall: bool) -> Response {
    let size = body.len().div_ceil(parts).max(1);
    let chunks = Chunks {
        parts: body.chunks(size).map(Bytes::copy_from_slice).collect(),
        stall,
    };
    did_json(Body::from_stream(BodyDataStream::new(chunks)))
}

fn method_ids(doc: &DidDocument) -> Vec<&str> {
    doc.verification_method
        .iter()
        .map(|m| m.id.as_str())
        .collect()
}

// --- did:key -------------------------------------------------------------

#[tokio::test]
async fn did_key_spec_vector_resolves_to_one_multikey_method() {
    let app = TestApp::spawn().await;
    let doc = app.state.resolver.resolve(SPEC_DID_KEY).await.unwrap();
    let id_part = SPEC_DID_KEY.strip_prefix("did:key:").unwrap();
    let vm_id = format!("{SPEC_DID_KEY}#{id_part}");

    assert_eq!(doc.id, SPEC_DID_KEY);
    assert_eq!(method_ids(&doc), [vm_id.as_str()]);
    let vm = &doc.verification_method[0];
    assert_eq!(vm.type_, "Multikey");
    assert_eq!(vm.controller, SPEC_DID_KEY);
    assert_eq!(vm.public_key_multibase.as_deref(), Some(id_part));
    assert_eq!(doc.assertion_method.len(), 1);
    assert_eq!(doc.authentication.len(), 1);
    for relationship in [Relationship::AssertionMethod, Relationship::Authentication] {
        assert_eq!(
            doc.method_for(&vm_id, relationship),
            Some(vm),
            "{relationship:?}"
        );
    }
    // Resolving twice gives the same document (no state involved).
    assert_eq!(app.state.resolver.resolve(SPEC_DID_KEY).await.unwrap(), doc);
}

#[tokio::test]
async fn did_key_of_generated_p256_and_ed25519_keys_resolves() {
    let app = TestApp::spawn().await;
    for (algorithm, prefix) in [(KeyAlgorithm::P256, "zDn"), (KeyAlgorithm::Ed25519, "z6Mk")] {
        let key = PrivateKey::generate(algorithm).unwrap();
        let multibase = key.public_key().to_multibase();
        assert!(multibase.starts_with(prefix), "{algorithm}: {multibase}");
        let did = format!("did:key:{multibase}");
        let vm_id = format!("{did}#{multibase}");

        let doc = app.state.resolver.resolve(&did).await.unwrap();
        assert_eq!(doc.id, did);
        assert_eq!(method_ids(&doc), [vm_id.as_str()], "{algorithm}");
        let vm = &doc.verification_method[0];
        assert_eq!(vm.type_, "Multikey", "{algorithm}");
        assert_eq!(vm.controller, did);
        assert_eq!(vm.public_key_multibase.as_deref(), Some(multibase.as_str()));
        for relationship in [Relationship::AssertionMethod, Relationship::Authentication] {
            assert_eq!(
                doc.method_for(&vm_id, relationship),
                Some(vm),
                "{algorithm} {relationship:?}"
            );
        }
    }
}

#[tokio::test]
async fn malformed_dids_and_other_methods_are_refused() {
    let app = TestApp::spawn().await;
    let resolver = &app.state.resolver;

    let very_long = format!("did:key:z{}", "1".repeat(5000));
    let long_id = format!("did:key:z6Mk{}", "a".repeat(300));
    let fragment = format!("{SPEC_DID_KEY}#key-1");
    let invalid = [
        "did:key:",
        "did:key:abc",
        "did:key:z",
        "did:key:z0OIl",
        very_long.as_str(),
        long_id.as_str(),
        fragment.as_str(),
        "not-a-did",
        "",
        "did:web:",
        "did:web:example.org/path",
        "did:web:example.org:..:x",
        "did:web:user@example.org",
    ];
    for did in invalid {
        match resolver.resolve(did).await {
            Err(ResolveError::InvalidDid(_)) => {}
            other => panic!("{:.80}: expected InvalidDid, got {other:?}", did),
        }
    }
    for did in [very_long.as_str(), long_id.as_str()] {
        let Err(ResolveError::InvalidDid(shown)) = resolver.resolve(did).await else {
            unreachable!()
        };
        // Not echoed back whole.
        assert!(shown.chars().count() <= 200, "{}", shown.len());
    }

    for did in ["did:example:123", "did:ion:EiClkZMDxPKqC9c", "did:jwk:e30"] {
        assert_eq!(
            resolver.resolve(did).await,
            Err(ResolveError::UnsupportedMethod(did.to_owned())),
            "{did}"
        );
    }
}

/// did:key of `multicodec` followed by `key`.
fn did_key_of(multicodec: &[u8], key: &[u8]) -> String {
    let mut data = multicodec.to_vec();
    data.extend_from_slice(key);
    format!("did:key:z{}", bs58::encode(data).into_string())
}

/// Well-formed multibase, but not a public key Atout could verify with: the
/// did:key specification requires the resolver to check the key's length
/// and encoding (invalidPublicKeyLength, invalidPublicKey).
#[tokio::test]
async fn did_key_with_an_invalid_public_key_is_refused() {
    let app = TestApp::spawn().await;
    let mut not_a_point = vec![0x02_u8];
    not_a_point.extend([0xff_u8; 32]); // x >= p: not a P-256 point
    let cases = [
        (
            "Ed25519, 5 bytes",
            did_key_of(&[0xed, 0x01], &[1, 2, 3, 4, 5]),
        ),
        ("Ed25519, 33 bytes", did_key_of(&[0xed, 0x01], &[7; 33])),
        (
            "P-256, not a point",
            did_key_of(&[0x80, 0x24], &not_a_point),
        ),
        (
            "P-256, 5 bytes",
            did_key_of(&[0x80, 0x24], &[2, 1, 2, 3, 4]),
        ),
        (
            "secp256k1 (unsupported), 2 bytes",
            did_key_of(&[0xe7, 0x01], &[2, 3]),
        ),
        ("unknown multicodec 0x7f", did_key_of(&[0x7f], &[0x7f; 33])),
    ];
    let mut accepted = Vec::new();
    for (what, did) in &cases {
        let multibase = did.strip_prefix("did:key:").unwrap();
        // Atout's own key decoding refuses all of these...
        assert!(PublicKey::from_multibase(multibase).is_err(), "{what}");
        // ...and so should resolution.
        match app.state.resolver.resolve(did).await {
            Err(ResolveError::InvalidDid(_)) => {}
            Ok(doc) => accepted.push(format!(
                "{what} ({did}): resolved to {:?}",
                doc.verification_method[0].type_
            )),
            Err(other) => accepted.push(format!("{what} ({did}): {other:?}")),
        }
    }
    assert!(
        accepted.is_empty(),
        "did:key values with invalid keys were resolved:\n{}",
        accepted.join("\n")
    );
}

// --- did:web of this platform: from the database -------------------------

#[tokio::test]
async fn local_did_web_resolves_from_the_database_without_http() {
    let mut app = TestApp::spawn().await;
    let org = app.create_org("univ-locale").await;
    let port = app.addr.port();
    let did = org["did"].as_str().unwrap().to_owned();
    assert_eq!(did, format!("did:web:127.0.0.1%3A{port}:orgs:univ-locale"));
    let platform_did = format!("did:web:127.0.0.1%3A{port}");

    // Same document as the one the platform serves.
    let served: DidDocument = app
        .get("/orgs/univ-locale/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    let doc = app.state.resolver.resolve(&did).await.unwrap();
    assert_eq!(doc, served);
    assert_eq!(doc.id, did);
    assert_eq!(
        method_ids(&doc),
        [org["keys"][0]["verification_method"].as_str().unwrap()]
    );
    let served_platform: DidDocument = app
        .get("/.well-known/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    let platform = app.state.resolver.resolve(&platform_did).await.unwrap();
    assert_eq!(platform, served_platform);
    assert_eq!(platform.id, platform_did);
    assert!(!platform.verification_method.is_empty());

    // An unknown organisation under our host: NotFound, not a fetch.
    let unknown = format!("did:web:127.0.0.1%3A{port}:orgs:nobody-here");
    assert_eq!(
        app.state.resolver.resolve(&unknown).await,
        Err(ResolveError::NotFound(unknown.clone()))
    );

    // Stop the HTTP server (which also closes its pool) but keep the
    // database: a dummy one takes its place in the app.
    let db = std::mem::replace(&mut app.db, TestDb::new().await);
    let base = app.base.clone();
    app.stop().await;
    let err = reqwest::Client::new()
        .get(format!("{base}/orgs/univ-locale/did.json"))
        .send()
        .await
        .expect_err("the server is stopped");
    assert!(err.is_connect(), "{err}");

    // A resolver for the same base URL over the same database, allowed to
    // fetch plain HTTP from loopback addresses: local DIDs still resolve,
    // so no HTTP was involved...
    let store = connect(&ConnectOptions::new(db.url.clone())).await.unwrap();
    let (web, _clock) = web_resolver(web_config(true));
    let resolver = Resolver::new(
        DidWeb::new(&url::Url::parse(&base).unwrap()),
        store.clone(),
        web,
    );
    assert_eq!(resolver.resolve(&did).await.unwrap(), doc);
    assert_eq!(resolver.resolve(&platform_did).await.unwrap(), platform);
    assert_eq!(
        resolver.resolve(&unknown).await,
        Err(ResolveError::NotFound(unknown.clone()))
    );
    // ...while a DID of the same host that is not one of ours goes over
    // HTTP, and fails now that nothing listens there.
    let not_ours = format!("did:web:127.0.0.1%3A{port}:people:someone");
    assert!(
        matches!(
            resolver.resolve(&not_ours).await,
            Err(ResolveError::Fetch(_))
        ),
        "a stopped server cannot answer"
    );
    store.close().await;
}

#[tokio::test]
async fn local_did_web_shows_a_key_rotation_and_a_withdrawal_at_once() {
    let app = TestApp::spawn().await;
    let org = app.create_org("univ-rotation").await;
    let did = org["did"].as_str().unwrap().to_owned();
    let first = org["keys"][0]["verification_method"]
        .as_str()
        .unwrap()
        .to_owned();

    let before = app.state.resolver.resolve(&did).await.unwrap();
    assert_eq!(method_ids(&before), [first.as_str()]);

    let res = app
        .post_json(
            "/admin/orgs/univ-rotation/keys",
            Some(ADMIN_TOKEN),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let new_key: Value = res.json().await.unwrap();
    let second = new_key["verification_method"].as_str().unwrap().to_owned();
    assert_ne!(first, second);

    // Both keys, right away: the retired one for assertion only.
    let after = app.state.resolver.resolve(&did).await.unwrap();
    assert_eq!(method_ids(&after), [first.as_str(), second.as_str()]);
    assert!(after
        .method_for(&first, Relationship::AssertionMethod)
        .is_some());
    assert!(after
        .method_for(&first, Relationship::Authentication)
        .is_none());
    let active = after
        .method_for(&second, Relationship::Authentication)
        .expect("the new key authenticates");
    assert_eq!(
        active.public_key_multibase.as_deref(),
        new_key["public_key_multibase"].as_str()
    );
    assert!(after
        .method_for(&second, Relationship::AssertionMethod)
        .is_some());
    let served: DidDocument = app
        .get("/orgs/univ-rotation/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after, served);

    // Withdrawing the retired key removes it from the next resolution.
    let fragment = first.rsplit_once('#').unwrap().1;
    let res = app
        .post_json(
            &format!("/admin/orgs/univ-rotation/keys/{fragment}/withdraw"),
            Some(ADMIN_TOKEN),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let withdrawn = app.state.resolver.resolve(&did).await.unwrap();
    assert_eq!(method_ids(&withdrawn), [second.as_str()]);
    assert!(withdrawn
        .method_for(&first, Relationship::AssertionMethod)
        .is_none());
}

// --- did:web of another platform: over HTTP -------------------------------

#[tokio::test]
async fn remote_did_web_is_fetched_over_http() {
    let issuer = TestApp::spawn().await;
    let org = issuer.create_org("univ-distante").await;
    let did = org["did"].as_str().unwrap().to_owned();
    assert_eq!(
        did,
        format!(
            "did:web:127.0.0.1%3A{}:orgs:univ-distante",
            issuer.addr.port()
        )
    );
    let served: DidDocument = issuer
        .get("/orgs/univ-distante/did.json", None)
        .await
        .json()
        .await
        .unwrap();

    let (web, _clock) = web_resolver(web_config(true));
    let doc = web.resolve(&did).await.unwrap();
    assert_eq!(doc, served);
    assert_eq!(doc.id, did);
    assert_eq!(doc.verification_method.len(), 1);

    // The platform DID, from /.well-known/did.json.
    let platform_did = format!("did:web:127.0.0.1%3A{}", issuer.addr.port());
    let served_platform: DidDocument = issuer
        .get("/.well-known/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(web.resolve(&platform_did).await.unwrap(), served_platform);

    // An unknown organisation there: the issuer answers 404.
    let unknown = format!(
        "did:web:127.0.0.1%3A{}:orgs:nobody-here",
        issuer.addr.port()
    );
    assert_eq!(
        web.resolve(&unknown).await,
        Err(ResolveError::NotFound(unknown.clone()))
    );
}

#[tokio::test]
async fn another_platform_resolves_it_when_configured_to() {
    let issuer = TestApp::spawn().await;
    let org = issuer.create_org("univ-emettrice").await;
    let did = org["did"].as_str().unwrap().to_owned();
    let served: DidDocument = issuer
        .get("/orgs/univ-emettrice/did.json", None)
        .await
        .json()
        .await
        .unwrap();

    // A verifier platform allowed plain HTTP to loopback addresses (tests
    // and development only): it fetches the issuer's document.
    let verifier = TestApp::spawn_with(&[
        ("ATOUT_DID_WEB_ALLOW_HTTP", "true"),
        ("ATOUT_DID_WEB_ALLOW_PRIVATE", "true"),
    ])
    .await;
    assert_ne!(verifier.addr, issuer.addr);
    assert_eq!(verifier.state.resolver.resolve(&did).await.unwrap(), served);

    // With the defaults (HTTPS only, public addresses only), it refuses
    // before connecting.
    let strict = TestApp::spawn().await;
    assert_eq!(
        strict.state.resolver.resolve(&did).await,
        Err(ResolveError::ForbiddenAddress("127.0.0.1".to_owned()))
    );
}

#[tokio::test]
async fn loopback_targets_are_refused_before_any_request() {
    let upstream =
        Upstream::start(|_| Router::new().fallback(|| async { StatusCode::NOT_FOUND })).await;
    let port = upstream.addr.port();
    let (strict, _clock) = web_resolver(web_config(false));

    // An IP literal, checked before connecting.
    let literal = format!("did:web:127.0.0.1%3A{port}:orgs:x");
    assert_eq!(
        strict.resolve(&literal).await,
        Err(ResolveError::ForbiddenAddress("127.0.0.1".to_owned()))
    );
    // Other spellings of loopback addresses, normalised by the URL parser.
    for host in ["127.1", "2130706433", "0x7f000001", "0177.0.0.1"] {
        assert_eq!(
            strict
                .resolve(&format!("did:web:{host}%3A{port}:orgs:x"))
                .await,
            Err(ResolveError::ForbiddenAddress("127.0.0.1".to_owned())),
            "{host}"
        );
    }
    // 0.0.0.0 reaches the local host on Linux.
    assert_eq!(
        strict
            .resolve(&format!("did:web:0.0.0.0%3A{port}:orgs:x"))
            .await,
        Err(ResolveError::ForbiddenAddress("0.0.0.0".to_owned()))
    );
    // A name that resolves to loopback only, caught by the DNS guard.
    let name = format!("did:web:localhost%3A{port}:orgs:x");
    assert_eq!(
        strict.resolve(&name).await,
        Err(ResolveError::ForbiddenAddress("localhost".to_owned()))
    );
    // The platform form (/.well-known/did.json) too.
    let platform = format!("did:web:localhost%3A{port}");
    assert_eq!(
        strict.resolve(&platform).await,
        Err(ResolveError::ForbiddenAddress("localhost".to_owned()))
    );
    assert_eq!(upstream.requests(), Vec::<String>::new());

    // The same DIDs with private addresses allowed do reach the server
    // (which answers 404): the refusals above were the guard's.
    let (lenient, _clock) = web_resolver(web_config(true));
    for did in [&literal, &name] {
        assert_eq!(
            lenient.resolve(did).await,
            Err(ResolveError::NotFound(did.clone()))
        );
    }
    assert_eq!(
        upstream.requests(),
        ["/orgs/x/did.json", "/orgs/x/did.json"]
    );
}

// --- timeouts ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_server_times_out() {
    let upstream = Upstream::start(|auth| {
        let doc = document(&format!("did:web:{auth}:slow"));
        let body = serde_json::to_vec(&document(&format!("did:web:{auth}:stalled"))).unwrap();
        Router::new()
            .route(
                "/slow/did.json",
                get(move || async move {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                    axum::Json(doc)
                }),
            )
            // Headers and part of the body at once, then nothing.
            .route(
                "/stalled/did.json",
                get(move || async move { chunked(&body[..body.len() / 2], 2, true) }),
            )
    })
    .await;
    let (web, _clock) = web_resolver(DidWebConfig {
        timeout: Duration::from_millis(200),
        ..web_config(true)
    });

    assert_eq!(
        web.resolve(&upstream.did(":slow")).await,
        Err(ResolveError::Timeout)
    );
    assert_eq!(
        web.resolve(&upstream.did(":stalled")).await,
        Err(ResolveError::Timeout)
    );
    // Both requests did arrive: the timeouts are the client's.
    assert_eq!(upstream.requests(), ["/slow/did.json", "/stalled/did.json"]);
}

// --- size limit -------------------------------------------------------------

#[tokio::test]
async fn documents_over_the_size_limit_are_refused() {
    const MAX: usize = 4096;
    let upstream = Upstream::start(|auth| {
        let did = |path: &str| format!("did:web:{auth}{path}");
        let big = padded_document(&did(":big"), 1024 * 1024);
        let big_chunked = padded_document(&did(":big-chunked"), 1024 * 1024);
        let exact = padded_document(&did(":exact"), MAX);
        let over = padded_document(&did(":over"), MAX + 1);
        let exact_chunked = padded_document(&did(":exact-chunked"), MAX);
        let over_chunked = padded_document(&did(":over-chunked"), MAX + 1);
        Router::new()
            .route("/big/did.json", get(move || async move { did_json(big) }))
            .route(
                "/big-chunked/did.json",
                get(move || async move { chunked(&big_chunked, 16, false) }),
            )
            .route(
                "/exact/did.json",
                get(move || async move { did_json(exact) }),
            )
            .route("/over/did.json", get(move || async move { did_json(over) }))
            .route(
                "/exact-chunked/did.json",
                get(move || async move { chunked(&exact_chunked, 4, false) }),
            )
            .route(
                "/over-chunked/did.json",
                get(move || async move { chunked(&over_chunked, 4, false) }),
            )
    })
    .await;

    // The test servers send what they should: a length, or chunks without one.
    let client = reqwest::Client::new();
    let res = client
        .get(upstream.url("/big/did.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.content_length(), Some(1024 * 1024));
    let res = client
        .get(upstream.url("/big-chunked/did.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.content_length(), None);
    assert_eq!(res.headers()[header::TRANSFER_ENCODING], "chunked");
    assert_eq!(res.bytes().await.unwrap().len(), 1024 * 1024);
    let checked = upstream.hits();

    let (web, _clock) = web_resolver(DidWebConfig {
        max_bytes: MAX,
        ..web_config(true)
    });
    for path in [":big", ":big-chunked", ":over", ":over-chunked"] {
        assert_eq!(
            web.resolve(&upstream.did(path)).await,
            Err(ResolveError::TooLarge(MAX)),
            "{path}"
        );
    }
    // Exactly at the limit is fine.
    for path in [":exact", ":exact-chunked"] {
        let did = upstream.did(path);
        let doc = web.resolve(&did).await.unwrap();
        assert_eq!(doc.id, did);
        assert!(doc.other.contains_key("padding"));
    }
    assert_eq!(upstream.hits(), checked + 6);
}

// --- what the server answers ------------------------------------------------

#[tokio::test]
async fn only_a_direct_valid_document_for_the_same_did_is_accepted() {
    let upstream = Upstream::start(|auth| {
        let did = |path: &str| format!("did:web:{auth}{path}");
        let ok = document(&did(":ok"));
        let other_id = document(&did(":someone-else"));
        let target = document(&did(":moved"));
        let redirect_to = format!("http://{}/target/did.json", auth.replace("%3A", ":"));
        Router::new()
            .route("/ok/did.json", get(move || async move { axum::Json(ok) }))
            .route(
                "/wrong-id/did.json",
                get(move || async move { axum::Json(other_id) }),
            )
            .route("/missing/did.json", get(|| async { StatusCode::NOT_FOUND }))
            .route("/gone/did.json", get(|| async { StatusCode::GONE }))
            .route(
                "/broken/did.json",
                get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
            )
            .route(
                "/moved/did.json",
                get(move || async move { (StatusCode::FOUND, [(header::LOCATION, redirect_to)]) }),
            )
            .route(
                "/target/did.json",
                get(move || async move { axum::Json(target) }),
            )
            .route(
                "/not-json/did.json",
                get(|| async { did_json("<html>hello</html>") }),
            )
            .route(
                "/not-a-document/did.json",
                get(|| async { did_json(r#"{"hello": "world"}"#) }),
            )
            .route("/array/did.json", get(|| async { did_json("[]") }))
    })
    .await;
    let (web, _clock) = web_resolver(web_config(true));

    // The control: a valid document is accepted.
    let ok = upstream.did(":ok");
    assert_eq!(web.resolve(&ok).await.unwrap().id, ok);

    for path in [":wrong-id", ":not-json", ":not-a-document", ":array"] {
        let result = web.resolve(&upstream.did(path)).await;
        assert!(
            matches!(result, Err(ResolveError::InvalidDocument(_))),
            "{path}: {result:?}"
        );
    }
    for path in [":missing", ":gone"] {
        let did = upstream.did(path);
        assert_eq!(web.resolve(&did).await, Err(ResolveError::NotFound(did)));
    }
    let broken = web.resolve(&upstream.did(":broken")).await;
    assert!(
        matches!(&broken, Err(ResolveError::Fetch(m)) if m.contains("500")),
        "{broken:?}"
    );

    // A redirect is not followed, even to a valid document.
    let moved = web.resolve(&upstream.did(":moved")).await;
    assert!(
        matches!(&moved, Err(ResolveError::Fetch(m)) if m.contains("302")),
        "{moved:?}"
    );
    let requests = upstream.requests();
    assert!(requests.contains(&"/moved/did.json".to_owned()));
    assert!(
        !requests.contains(&"/target/did.json".to_owned()),
        "{requests:?}"
    );
}

// --- cache ------------------------------------------------------------------

#[tokio::test]
async fn successful_resolutions_are_cached_on_the_application_clock() {
    let upstream = Upstream::start(|auth| {
        let platform = document(&format!("did:web:{auth}"));
        let org = document(&format!("did:web:{auth}:orgs:cached"));
        Router::new()
            .route(
                "/.well-known/did.json",
                get(move || async move { axum::Json(platform) }),
            )
            .route(
                "/orgs/cached/did.json",
                get(move || async move { axum::Json(org) }),
            )
    })
    .await;
    let (web, clock) = web_resolver(DidWebConfig {
        cache_ttl: Duration::from_secs(60),
        ..web_config(true)
    });
    let did = upstream.did("");

    let first = web.resolve(&did).await.unwrap();
    assert_eq!(first.id, did);
    assert_eq!(web.resolve(&did).await.unwrap(), first);
    assert_eq!(upstream.requests(), ["/.well-known/did.json"]);

    // Each DID has its own entry.
    let org = upstream.did(":orgs:cached");
    assert_eq!(web.resolve(&org).await.unwrap().id, org);
    assert_eq!(web.resolve(&org).await.unwrap().id, org);
    assert_eq!(upstream.hits(), 2);

    // Fresh and untouched for the first half of its lifetime...
    clock.advance(chrono::Duration::seconds(29));
    assert_eq!(web.resolve(&did).await.unwrap(), first);
    assert_eq!(upstream.hits(), 2);

    // ...then served from the cache while a fresh copy is fetched in the
    // background (the verifier does not wait on the issuer's server).
    clock.advance(chrono::Duration::seconds(30));
    assert_eq!(web.resolve(&did).await.unwrap(), first);
    for _ in 0..100 {
        if upstream.hits() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(upstream.hits(), 3, "refreshed in the background");
    assert_eq!(
        upstream.requests(),
        [
            "/.well-known/did.json",
            "/orgs/cached/did.json",
            "/.well-known/did.json"
        ]
    );
    // The refreshed copy lives a full TTL from its fetch: past the first
    // copy's expiry, nothing is fetched.
    tokio::time::sleep(Duration::from_millis(50)).await;
    clock.advance(chrono::Duration::seconds(2));
    assert_eq!(web.resolve(&did).await.unwrap(), first);
    assert_eq!(upstream.hits(), 3);
    // Past the TTL with no use in between: fetched again, in line.
    clock.advance(chrono::Duration::seconds(61));
    assert_eq!(web.resolve(&did).await.unwrap(), first);
    assert_eq!(upstream.hits(), 4);
}

#[tokio::test]
async fn failures_are_not_cached() {
    let broken = Arc::new(AtomicBool::new(true));
    let upstream = Upstream::start(|auth| {
        let doc = document(&format!("did:web:{auth}:flaky"));
        let broken = broken.clone();
        Router::new().route(
            "/flaky/did.json",
            get(move || async move {
                if broken.load(Ordering::SeqCst) {
                    StatusCode::INTERNAL_SERVER_ERROR.into_response()
                } else {
                    axum::Json(doc).into_response()
                }
            }),
        )
    })
    .await;
    let (web, _clock) = web_resolver(DidWebConfig {
        cache_ttl: Duration::from_secs(60),
        ..web_config(true)
    });
    let did = upstream.did(":flaky");

    assert!(matches!(
        web.resolve(&did).await,
        Err(ResolveError::Fetch(_))
    ));
    assert!(matches!(
        web.resolve(&did).await,
        Err(ResolveError::Fetch(_))
    ));
    assert_eq!(upstream.hits(), 2);

    broken.store(false, Ordering::SeqCst);
    assert_eq!(web.resolve(&did).await.unwrap().id, did);
    assert_eq!(upstream.hits(), 3);
    // Now that it succeeded, it is cached.
    assert_eq!(web.resolve(&did).await.unwrap().id, did);
    assert_eq!(upstream.hits(), 3);
}

#[tokio::test]
async fn a_zero_ttl_disables_the_cache() {
    let upstream = Upstream::start(|auth| {
        let doc = document(&format!("did:web:{auth}"));
        Router::new().route(
            "/.well-known/did.json",
            get(move || async move { axum::Json(doc) }),
        )
    })
    .await;
    let (web, _clock) = web_resolver(DidWebConfig {
        cache_ttl: Duration::ZERO,
        ..web_config(true)
    });
    let did = upstream.did("");
    for _ in 0..3 {
        assert_eq!(web.resolve(&did).await.unwrap().id, did);
    }
    assert_eq!(upstream.hits(), 3);
}
