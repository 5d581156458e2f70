//! DID resolution for the verifier.
//!
//! * did:key: locally, no network.
//! * did:web of this platform (the base URL's host): from the database,
//!   without HTTP, and never cached, so a withdrawn key stops verifying at
//!   once.
//! * other did:web: over HTTPS with a timeout, a response size limit, no
//!   redirects, no proxy, and refusal of loopback, private and reserved
//!   addresses (checked on every address the name resolves to, so DNS
//!   cannot smuggle a private target) unless `did_web_allow_private` is set.
//!   Successful results are cached for `did_web_cache_ttl_secs`.

use atout_core::{
    clock::Clock,
    config::DidWebConfig,
    did::{did_web_url, DidDocument, DidResolver, DidWeb, ResolveError},
    store::Store,
};
use chrono::{DateTime, Utc};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::{
    collections::HashMap,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::{Arc, Mutex},
};

/// The resolver used by the verifier: local, did:key, then did:web.
pub struct Resolver {
    did_web: DidWeb,
    /// `None` for a verifier without database: this platform's did:web DIDs
    /// are then fetched over HTTP like any other.
    store: Option<Arc<dyn Store>>,
    web: WebResolver,
}

impl Resolver {
    pub fn new(did_web: DidWeb, store: Arc<dyn Store>, web: WebResolver) -> Self {
        Self {
            did_web,
            store: Some(store),
            web,
        }
    }

    /// A resolver with no database: did:key locally, every did:web over HTTP.
    pub fn without_store(did_web: DidWeb, web: WebResolver) -> Self {
        Self {
            did_web,
            store: None,
            web,
        }
    }

    async fn resolve_local(
        &self,
        did: &str,
        owner: Option<&str>,
    ) -> Result<DidDocument, ResolveError> {
        let Some(store) = &self.store else {
            return self.web.resolve(did).await;
        };
        crate::document::local_document(store.as_ref(), &self.did_web, owner)
            .await
            .map_err(|e| ResolveError::Internal(e.to_string()))?
            .ok_or_else(|| ResolveError::NotFound(did.chars().take(200).collect()))
    }
}

#[async_trait::async_trait]
impl DidResolver for Resolver {
    async fn resolve(&self, did: &str) -> Result<DidDocument, ResolveError> {
        if did.len() > 2048 || did.contains(['#', '?', '/']) {
            return Err(ResolveError::InvalidDid(did.chars().take(200).collect()));
        }
        if did.starts_with("did:key:") {
            atout_vc::ssi_bridge::resolve_did_key(did).await
        } else if did.starts_with("did:web:") {
            match self.did_web.local_owner(did) {
                Some(owner) => self.resolve_local(did, owner).await,
                None => self.web.resolve(did).await,
            }
        } else if did.starts_with("did:") {
            Err(ResolveError::UnsupportedMethod(
                did.chars().take(200).collect(),
            ))
        } else {
            Err(ResolveError::InvalidDid(did.chars().take(200).collect()))
        }
    }
}

/// HTTP GET with the foundation's guards: a timeout, a response size
/// limit (Content-Length and streamed), no redirects, no proxy, and refusal
/// of loopback, private and reserved addresses (IP literals, and every
/// address a name resolves to) unless `allow_private` is set. Used for
/// did:web documents and, by the verifier, for status lists and schemas.
#[derive(Clone)]
pub struct GuardedHttp {
    client: reqwest::Client,
    config: DidWebConfig,
}

impl GuardedHttp {
    pub fn new(config: DidWebConfig) -> Result<Self, ResolveError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .https_only(!config.allow_http)
            .user_agent(concat!("atout/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedDns {
                allow_private: config.allow_private,
            }))
            .build()
            .map_err(|e| ResolveError::Internal(format!("HTTP client: {e}")))?;
        Ok(Self { client, config })
    }

    /// Whether plain `http:` URLs may be fetched (tests and development).
    pub fn allows_http(&self) -> bool {
        self.config.allow_http
    }

    /// The body of `url`, at most `max_bytes` (or the configured limit).
    /// `NotFound` carries the URL.
    pub async fn get(
        &self,
        url: url::Url,
        accept: &'static str,
        max_bytes: Option<usize>,
    ) -> Result<Vec<u8>, ResolveError> {
        match url.scheme() {
            "https" => {}
            "http" if self.config.allow_http => {}
            other => {
                return Err(ResolveError::Fetch(format!(
                    "the {other:?} scheme is not fetched (https only)"
                )))
            }
        }
        if let Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) = url.host() {
            // IP literals never reach the DNS guard: check them here.
            let ip = match url.host() {
                Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
                Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
                _ => unreachable!(),
            };
            if !self.config.allow_private && !is_public(ip) {
                return Err(ResolveError::ForbiddenAddress(ip.to_string()));
            }
        }
        let shown: String = url.as_str().chars().take(300).collect();
        let mut response = self
            .client
            .get(url)
            .header(reqwest::header::ACCEPT, accept)
            .send()
            .await
            .map_err(fetch_error)?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
            return Err(ResolveError::NotFound(shown));
        }
        if !status.is_success() {
            return Err(ResolveError::Fetch(format!(
                "the server answered HTTP {}",
                status.as_u16()
            )));
        }
        let max = max_bytes.unwrap_or(self.config.max_bytes);
        if response.content_length().is_some_and(|n| n > max as u64) {
            return Err(ResolveError::TooLarge(max));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fetch_error)? {
            if body.len() + chunk.len() > max {
                return Err(ResolveError::TooLarge(max));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// did:web over HTTPS, guarded and cached. A cached document past half its
/// lifetime is served while a fresh copy is fetched in the background, so
/// verifiers rarely wait on an issuer's server.
pub struct WebResolver {
    http: GuardedHttp,
    cache: Arc<TtlCache>,
    refreshing: Arc<Mutex<std::collections::HashSet<String>>>,
}

impl WebResolver {
    pub fn new(config: DidWebConfig, clock: Arc<dyn Clock>) -> Result<Self, ResolveError> {
        Ok(Self {
            cache: Arc::new(TtlCache::new(clock, config.cache_ttl, 10_000)),
            http: GuardedHttp::new(config)?,
            refreshing: Default::default(),
        })
    }

    pub async fn resolve(&self, did: &str) -> Result<DidDocument, ResolveError> {
        if let Some((doc, stale)) = self.cache.get_with_age(did) {
            if stale {
                self.refresh_in_background(did);
            }
            return Ok((*doc).clone());
        }
        let doc = fetch_did_web(&self.http, did).await?;
        self.cache.insert(did.to_owned(), Arc::new(doc.clone()));
        Ok(doc)
    }

    fn refresh_in_background(&self, did: &str) {
        {
            let mut busy = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
            if !busy.insert(did.to_owned()) {
                return;
            }
        }
        let (http, cache, busy, did) = (
            self.http.clone(),
            self.cache.clone(),
            self.refreshing.clone(),
            did.to_owned(),
        );
        tokio::spawn(async move {
            // A failed refresh keeps the cached copy until it expires.
            if let Ok(doc) = fetch_did_web(&http, &did).await {
                cache.insert(did.clone(), Arc::new(doc));
            }
            busy.lock().unwrap_or_else(|e| e.into_inner()).remove(&did);
        });
    }
}

async fn fetch_did_web(http: &GuardedHttp, did: &str) -> Result<DidDocument, ResolveError> {
    let scheme = if http.allows_http() { "http" } else { "https" };
    let url = did_web_url(did, scheme)?;
    let body = http
        .get(
            url,
            "application/did+json, application/did+ld+json, application/json;q=0.9",
            None,
        )
        .await
        .map_err(|e| match e {
            ResolveError::NotFound(_) => ResolveError::NotFound(did.to_owned()),
            other => other,
        })?;
    let doc: DidDocument = serde_json::from_slice(&body)
        .map_err(|e| ResolveError::InvalidDocument(format!("not a DID document: {e}")))?;
    if doc.id != did {
        return Err(ResolveError::InvalidDocument(format!(
            "the document's id {:?} is not the DID that was resolved",
            doc.id.chars().take(200).collect::<String>()
        )));
    }
    Ok(doc)
}

fn fetch_error(e: reqwest::Error) -> ResolveError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = source {
        if let Some(forbidden) = err.downcast_ref::<ForbiddenHost>() {
            return ResolveError::ForbiddenAddress(forbidden.0.clone());
        }
        source = err.source();
    }
    if e.is_timeout() {
        ResolveError::Timeout
    } else if e.is_connect() {
        ResolveError::Fetch("could not connect to the host".to_owned())
    } else {
        ResolveError::Fetch(e.without_url().to_string())
    }
}

#[derive(Debug)]
struct ForbiddenHost(String);

impl std::fmt::Display for ForbiddenHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves only to loopback, private or reserved addresses",
            self.0
        )
    }
}

impl std::error::Error for ForbiddenHost {}

/// DNS resolution that drops loopback, private and reserved addresses.
struct GuardedDns {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedDns {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let addrs = guard_addrs(&host, resolved, allow_private)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> IpNet {
    IpNet::V4(Ipv4Net::new(Ipv4Addr::new(a, b, c, d), len).expect("valid prefix"))
}

fn v6(addr: Ipv6Addr, len: u8) -> IpNet {
    IpNet::V6(Ipv6Net::new(addr, len).expect("valid prefix"))
}

/// IPv4 ranges that are not public unicast (IANA special-purpose registry).
fn blocked_v4() -> [IpNet; 15] {
    [
        v4(0, 0, 0, 0, 8),       // "this network", unspecified
        v4(10, 0, 0, 0, 8),      // private
        v4(100, 64, 0, 0, 10),   // shared address space (CGNAT)
        v4(127, 0, 0, 0, 8),     // loopback
        v4(169, 254, 0, 0, 16),  // link-local
        v4(172, 16, 0, 0, 12),   // private
        v4(192, 0, 0, 0, 24),    // IETF protocol assignments
        v4(192, 0, 2, 0, 24),    // documentation (TEST-NET-1)
        v4(192, 88, 99, 0, 24),  // 6to4 relay anycast (deprecated)
        v4(192, 168, 0, 0, 16),  // private
        v4(198, 18, 0, 0, 15),   // benchmarking
        v4(198, 51, 100, 0, 24), // documentation (TEST-NET-2)
        v4(203, 0, 113, 0, 24),  // documentation (TEST-NET-3)
        v4(224, 0, 0, 0, 4),     // multicast
        v4(240, 0, 0, 0, 4),     // reserved, and broadcast
    ]
}

/// IPv6 forms that embed an IPv4 address in their last 32 bits, judged by
/// that address: NAT64's well-known prefix (RFC 6052).
fn nat64() -> IpNet {
    v6(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96)
}

/// 6to4 (RFC 3056): the IPv4 address in bits 16 to 48.
fn six_to_four() -> IpNet {
    v6(Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16)
}

/// Inside global unicast (2000::/3), what is not public.
fn blocked_v6() -> [IpNet; 4] {
    [
        // Teredo (2001::/32, which embeds an obfuscated IPv4 address),
        // benchmarking, ORCHID and the other IETF protocol assignments.
        v6(Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
        v6(Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32), // Teredo (inside the above)
        v6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
        v6(Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation (RFC 9637)
    ]
}

/// Whether an address is a public unicast address: not unspecified,
/// loopback, private, unique-local, link-local, site-local, shared (CGNAT),
/// documentation, benchmarking, multicast or reserved. IPv6 addresses
/// that carry an IPv4 address are judged by it (IPv4-mapped, NAT64 with
/// the well-known prefix, 6to4, ISATAP interface identifiers); other IPv6
/// forms must be global unicast (2000::/3): IPv4-compatible (`::a.b.c.d`),
/// IPv4-translated (`::ffff:0:a.b.c.d`), local-use NAT64 (64:ff9b:1::/48),
/// Teredo (2001::/32) and the rest of the special-purpose space are
/// refused whatever they embed.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(addr) => !blocked_v4().iter().any(|n| n.contains(&IpAddr::V4(addr))),
        IpAddr::V6(addr) => {
            if let Some(mapped) = addr.to_ipv4_mapped() {
                return is_public(IpAddr::V4(mapped));
            }
            let embedded = |at: usize| {
                let o = addr.octets();
                Ipv4Addr::new(o[at], o[at + 1], o[at + 2], o[at + 3])
            };
            if nat64().contains(&ip) {
                return is_public(IpAddr::V4(embedded(12)));
            }
            if six_to_four().contains(&ip) {
                return is_public(IpAddr::V4(embedded(2)));
            }
            let global_unicast = v6(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);
            if !global_unicast.contains(&ip) || blocked_v6().iter().any(|n| n.contains(&ip)) {
                return false;
            }
            // ISATAP (RFC 5214): an interface identifier of
            // [02]00:5efe:a.b.c.d tunnels to that IPv4 address.
            let seg = addr.segments();
            if seg[4] & 0xfcff == 0 && seg[5] == 0x5efe {
                return is_public(IpAddr::V4(embedded(12)));
            }
            true
        }
    }
}

/// The addresses a name resolved to that may be contacted: all of them
/// when private addresses are allowed, else the public ones; none is an
/// error naming the host.
fn guard_addrs(
    host: &str,
    addrs: impl Iterator<Item = SocketAddr>,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, ForbiddenHost> {
    let addrs: Vec<SocketAddr> = addrs
        .filter(|a| allow_private || is_public(a.ip()))
        .collect();
    if addrs.is_empty() {
        return Err(ForbiddenHost(host.to_owned()));
    }
    Ok(addrs)
}

/// Expiry, document, and its size in bytes.
type CacheEntry = (DateTime<Utc>, Arc<DidDocument>, usize);

/// Most bytes of documents the cache holds.
const CACHE_MAX_BYTES: usize = 64 * 1024 * 1024;

/// A small TTL cache on the application clock (so tests control expiry),
/// bounded in entries.
struct TtlCache {
    clock: Arc<dyn Clock>,
    ttl: chrono::Duration,
    capacity: usize,
    entries: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    map: HashMap<String, CacheEntry>,
    bytes: usize,
}

impl CacheState {
    fn remove(&mut self, key: &str) {
        if let Some((_, _, size)) = self.map.remove(key) {
            self.bytes -= size;
        }
    }
}

impl TtlCache {
    fn new(clock: Arc<dyn Clock>, ttl: std::time::Duration, capacity: usize) -> Self {
        Self {
            clock,
            ttl: chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::zero()),
            capacity,
            entries: Mutex::new(CacheState::default()),
        }
    }

    #[cfg(test)]
    fn get(&self, key: &str) -> Option<Arc<DidDocument>> {
        self.get_with_age(key).map(|(doc, _)| doc)
    }

    /// The live entry, and whether it is past half its lifetime.
    fn get_with_age(&self, key: &str) -> Option<(Arc<DidDocument>, bool)> {
        let now = self.clock.now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.map.get(key) {
            Some((expires, doc, _)) if *expires > now => {
                Some((doc.clone(), *expires - now < self.ttl / 2))
            }
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    fn insert(&self, key: String, doc: Arc<DidDocument>) {
        if self.ttl <= chrono::Duration::zero() {
            return;
        }
        let size = serde_json::to_vec(&*doc).map(|v| v.len()).unwrap_or(0) + key.len();
        if size > CACHE_MAX_BYTES / 4 {
            return;
        }
        let now = self.clock.now();
        let Some(expires) = now.checked_add_signed(self.ttl) else {
            return;
        };
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&key);
        if entries.map.len() >= self.capacity || entries.bytes + size > CACHE_MAX_BYTES {
            let expired: Vec<String> = entries
                .map
                .iter()
                .filter(|(_, (e, _, _))| *e <= now)
                .map(|(k, _)| k.clone())
                .collect();
            for k in expired {
                entries.remove(&k);
            }
        }
        // Still full of live entries: drop those expiring first.
        while entries.map.len() >= self.capacity || entries.bytes + size > CACHE_MAX_BYTES {
            let Some(oldest) = entries
                .map
                .iter()
                .min_by_key(|(_, (e, _, _))| *e)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            entries.remove(&oldest);
        }
        entries.bytes += size;
        entries.map.insert(key, (expires, doc, size));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str) -> Arc<DidDocument> {
        Arc::new(serde_json::from_value(serde_json::json!({"id": id})).unwrap())
    }

    #[test]
    fn the_cache_expires_on_the_clock_and_stays_bounded() {
        let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = Arc::new(atout_core::FixedClock::new(start));
        let cache = TtlCache::new(clock.clone(), std::time::Duration::from_secs(60), 2);
        cache.insert("a".into(), doc("did:web:a"));
        clock.advance(chrono::Duration::seconds(1));
        cache.insert("b".into(), doc("did:web:b"));
        clock.advance(chrono::Duration::seconds(1));
        cache.insert("c".into(), doc("did:web:c"));
        assert!(
            cache.get("a").is_none(),
            "the entry expiring first made room"
        );
        assert_eq!(cache.get("b").unwrap().id, "did:web:b");
        assert_eq!(cache.get("c").unwrap().id, "did:web:c");
        clock.advance(chrono::Duration::seconds(59));
        assert!(cache.get("b").is_none());
        assert_eq!(cache.get("c").unwrap().id, "did:web:c");
        clock.advance(chrono::Duration::seconds(1));
        assert!(cache.get("c").is_none());
        let state = cache.entries.lock().unwrap();
        assert!(state.map.is_empty());
        assert_eq!(state.bytes, 0, "sizes are accounted for");
    }

    #[test]
    fn public_and_private_addresses() {
        for (form, private) in [
            ("IPv4 loopback", "127.0.0.1"),
            ("IPv4 loopback", "127.255.0.1"),
            ("IPv4 private", "10.1.2.3"),
            ("IPv4 private", "172.16.0.1"),
            ("IPv4 private", "172.31.255.255"),
            ("IPv4 private", "192.168.1.1"),
            ("IPv4 link-local (cloud metadata)", "169.254.169.254"),
            ("IPv4 CGNAT", "100.64.0.1"),
            ("IPv4 CGNAT", "100.127.255.254"),
            ("IPv4 unspecified", "0.0.0.0"),
            ("IPv4 this network", "0.1.2.3"),
            ("IPv4 multicast", "224.0.0.1"),
            ("IPv4 multicast", "239.255.255.250"),
            ("IPv4 broadcast", "255.255.255.255"),
            ("IPv4 reserved", "240.0.0.1"),
            ("IPv4 documentation", "192.0.2.1"),
            ("IPv4 documentation", "198.51.100.1"),
            ("IPv4 documentation", "203.0.113.1"),
            ("IPv4 benchmarking", "198.18.0.1"),
            ("IPv4 IETF assignments", "192.0.0.1"),
            ("IPv6 loopback", "::1"),
            ("IPv6 unspecified", "::"),
            ("IPv6 link-local", "fe80::1"),
            ("IPv6 site-local", "fec0::1"),
            ("IPv6 unique local", "fd00::1"),
            ("IPv6 unique local", "fc00::1"),
            ("IPv6 multicast", "ff02::1"),
            ("IPv6 multicast", "ff0e::1"),
            ("IPv6 documentation", "2001:db8::1"),
            ("IPv6 documentation (RFC 9637)", "3fff::1"),
            ("IPv6 discard", "100::1"),
            ("IPv6 benchmarking", "2001:2::1"),
            ("IPv6 ORCHIDv2", "2001:20::1"),
            ("IPv6 outside global unicast", "4000::1"),
            ("IPv6 SRv6 SIDs", "5f00::1"),
            ("IPv4-mapped loopback", "::ffff:127.0.0.1"),
            ("IPv4-mapped private", "::ffff:10.0.0.1"),
            ("IPv4-mapped link-local", "::ffff:169.254.169.254"),
            ("IPv4-mapped CGNAT", "::ffff:100.64.0.1"),
            ("IPv4-mapped unspecified", "::ffff:0.0.0.0"),
            ("IPv4-translated loopback", "::ffff:0:127.0.0.1"),
            ("IPv4-translated private", "::ffff:0:192.168.0.1"),
            ("IPv4-translated public", "::ffff:0:1.1.1.1"),
            ("IPv4-compatible loopback", "::127.0.0.1"),
            ("IPv4-compatible private", "::10.0.0.1"),
            ("IPv4-compatible public", "::1.1.1.1"),
            ("NAT64 private", "64:ff9b::10.0.0.1"),
            ("NAT64 loopback", "64:ff9b::127.0.0.1"),
            ("NAT64 link-local", "64:ff9b::169.254.169.254"),
            ("NAT64 CGNAT", "64:ff9b::100.64.0.1"),
            ("NAT64 local-use prefix", "64:ff9b:1::1.1.1.1"),
            ("6to4 loopback", "2002:7f00:1::"),
            ("6to4 private", "2002:c0a8:101::1"),
            ("6to4 link-local", "2002:a9fe:a9fe::1"),
            ("6to4 CGNAT", "2002:6440:1::1"),
            ("Teredo", "2001::1"),
            (
                "Teredo (public server, obfuscated client)",
                "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            ),
            ("ISATAP private", "2a00:1450:4007::5efe:10.0.0.1"),
            (
                "ISATAP private (u bit)",
                "2a00:1450:4007:0:200:5efe:192.168.0.1",
            ),
        ] {
            assert!(!is_public(private.parse().unwrap()), "{form}: {private}");
        }
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2a00:1450:4007::1",
            "2606:4700:4700::1111",
            "::ffff:1.1.1.1",
            "64:ff9b::1.1.1.1",
            "2002:0101:0101::1",
            "2a00:1450:4007::5efe:1.1.1.1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    /// Names are checked on every address they resolve to: the private
    /// ones are dropped, and a name left with none is refused.
    #[test]
    fn names_resolving_to_private_forms_are_refused() {
        let at = |ips: &[&str]| -> Vec<SocketAddr> {
            ips.iter()
                .map(|ip| SocketAddr::new(ip.parse().unwrap(), 443))
                .collect()
        };
        for ips in [
            &["127.0.0.1"][..],
            &["::ffff:127.0.0.1"],
            &["::ffff:0:10.0.0.1"],
            &["::10.0.0.1"],
            &["64:ff9b::192.168.1.1"],
            &["2002:c0a8:101::1"],
            &["2001::1"],
            &["169.254.169.254", "fe80::1", "::ffff:169.254.169.254"],
        ] {
            let err = guard_addrs("evil.example", at(ips).into_iter(), false).unwrap_err();
            assert_eq!(err.0, "evil.example", "{ips:?}");
            assert_eq!(
                guard_addrs("evil.example", at(ips).into_iter(), true).unwrap(),
                at(ips),
                "allowed when private addresses are"
            );
        }
        // A public and a private answer: only the public one is used.
        let mixed = at(&[
            "10.0.0.1",
            "1.1.1.1",
            "::ffff:127.0.0.1",
            "2a00:1450:4007::1",
        ]);
        assert_eq!(
            guard_addrs("mixed.example", mixed.into_iter(), false).unwrap(),
            at(&["1.1.1.1", "2a00:1450:4007::1"])
        );
    }

    /// The resolver itself: `localhost` resolves only to loopback.
    #[tokio::test]
    async fn localhost_is_refused_by_the_resolver() {
        use reqwest::dns::Resolve as _;
        let dns = GuardedDns {
            allow_private: false,
        };
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        let err = match dns.resolve(name).await {
            Ok(addrs) => panic!("resolved to {:?}", addrs.collect::<Vec<_>>()),
            Err(e) => e,
        };
        assert!(err.downcast_ref::<ForbiddenHost>().is_some(), "{err}");
    }
}
