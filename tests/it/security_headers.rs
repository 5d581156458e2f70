//! Every response of every route carries the security headers, over real
//! HTTP, for every kind of caller: API routes, pages, static assets, and
//! errors (400, 401, 403, 404, 405, 410, 413, 415, 422, 429, 5xx).
//!
//! The routes are not listed here: they come from the router itself, so a
//! new route is covered the day it is added. API routes are read from the
//! OpenAPI document the server builds from its router (`TestApp::openapi`);
//! the routes that document does not describe (the pages, the assets) are
//! read from the `.route(...)` calls of the crates the server merges, and a
//! route whose path is not a literal makes the test fail until it is named
//! in [`NAMED_PATHS`].

use crate::common::*;
use reqwest::header::HeaderMap;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The public base URL of the app under test: https, so that HSTS and the
/// `Secure`, `__Host-` cookies are in force (the test talks plain HTTP to
/// it, as a TLS-terminating proxy would).
const BASE_URL: &str = "https://portfolio.example.org";

/// Route paths given by a constant rather than a literal.
const NAMED_PATHS: &[(&str, &str)] = &[("ATOUT_CONTEXT_PATH", "/contexts/atout/v1")];

/// Sources whose `.route(...)` calls the full server merges.
const ROUTE_SOURCES: &[&str] = &[
    "portal/src",
    "verifier/src",
    "issuer/src",
    "wallet-api/src",
    "did-docs/src",
    "server/src/app.rs",
    "server/src/ops.rs",
];

/// `(method, path template)` of every `.route(path, method_router)` call
/// in a source file.
fn routes_in(text: &str, file: &Path, out: &mut BTreeSet<(String, String)>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find(".route(") {
        let start = from + at + ".route(".len();
        // The path: a string literal, or a constant named in NAMED_PATHS.
        let rest = text[start..].trim_start();
        let skipped = text[start..].len() - rest.len();
        let (path, after) = if let Some(lit) = rest.strip_prefix('"') {
            let end = lit.find('"').unwrap();
            (lit[..end].to_owned(), start + skipped + 1 + end + 1)
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap();
            let name = rest[..end].rsplit("::").next().unwrap();
            let path = NAMED_PATHS
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: a route whose path is the constant {name}: add it to NAMED_PATHS",
                        file.display()
                    )
                })
                .1;
            (path.to_owned(), start + skipped + end)
        };
        // The method router: up to the `)` closing `.route(`, skipping
        // string literals and nested parentheses.
        let mut depth = 1;
        let mut i = after;
        let mut in_string = false;
        while i < bytes.len() && depth > 0 {
            match bytes[i] {
                b'\\' if in_string => i += 1,
                b'"' => in_string = !in_string,
                b'(' if !in_string => depth += 1,
                b')' if !in_string => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        let router = &text[after..i];
        let mut found = false;
        for method in ["get", "post", "put", "patch", "delete"] {
            let needle = format!("{method}(");
            let mut search = 0;
            while let Some(p) = router[search..].find(&needle) {
                let abs = search + p;
                let before = router[..abs].chars().next_back();
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    out.insert((method.to_ascii_uppercase(), path.clone()));
                    found = true;
                    break;
                }
                search = abs + needle.len();
            }
        }
        assert!(found, "{}: no method for the route {path}", file.display());
        from = i;
    }
}

fn source_routes() -> BTreeSet<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut out = BTreeSet::new();
    let mut stack: Vec<std::path::PathBuf> = ROUTE_SOURCES.iter().map(|p| root.join(p)).collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                stack.push(entry.unwrap().path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests build routers of their own.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            routes_in(text, &path, &mut out);
        }
    }
    out
}

/// Every route of the server: the OpenAPI document's operations and the
/// routes of the sources.
fn every_route(app: &TestApp) -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(&app.openapi).unwrap();
    let mut routes = source_routes();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                routes.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    routes
}

/// A concrete path for a template: this test's organisation for `{slug}`,
/// its first key for `{key}`, a plausible token for `{token}`, "none"
/// otherwise.
fn fill(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').unwrap();
        out.push_str(match &rest[open + 1..close] {
            "slug" => "univ-a",
            "key" => "key-1",
            "token" => "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "did" => "did:web:univ.example",
            _ => "none",
        });
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The first `name=value` of every `Set-Cookie`.
fn cookies_of(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next()?.split_once('='))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

/// Asserts the security headers (and the cookies' attributes) of one
/// response.
fn assert_secure(headers: &HeaderMap, what: &str) {
    let get = |name: &str| {
        headers
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name}: {headers:?}"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert!(
        ["no-referrer", "same-origin"].contains(&get("referrer-policy").as_str()),
        "{what}: {headers:?}"
    );
    let csp = get("content-security-policy");
    assert!(
        csp.contains("default-src 'none'")
            && (csp.contains("frame-ancestors 'none'") || csp.starts_with("sandbox")),
        "{what}: {csp}"
    );
    assert_eq!(get("cross-origin-opener-policy"), "same-origin", "{what}");
    assert!(get("permissions-policy").contains("camera=()"), "{what}");
    assert!(!get("cache-control").is_empty(), "{what}");
    assert!(
        get("strict-transport-security").starts_with("max-age="),
        "{what}"
    );
    assert_eq!(get("x-request-id").len(), 36, "{what}");
    for cookie in headers.get_all("set-cookie") {
        let cookie = cookie.to_str().unwrap();
        let name = cookie.split('=').next().unwrap();
        assert!(cookie.contains("; Secure"), "{what}: {cookie}");
        assert!(cookie.contains("SameSite="), "{what}: {cookie}");
        if name != "atout_lang" {
            assert!(cookie.contains("HttpOnly"), "{what}: {cookie}");
        }
        if name.starts_with("__Host-") {
            assert!(
                cookie.contains("Path=/;") || cookie.ends_with("Path=/"),
                "{what}: {cookie}"
            );
            assert!(!cookie.contains("Domain="), "{what}: {cookie}");
        }
    }
}

/// Who calls: nobody, a citizen (bearer for the API, cookie for the
/// pages), the platform admin (bearer, and the console's cookie).
#[derive(Clone, Copy, Debug)]
enum Caller {
    Nobody,
    Citizen,
    Admin,
}

struct Sessions {
    citizen_bearer: String,
    citizen_cookie: String,
    citizen_csrf: String,
    console_cookie: String,
    console_csrf: String,
}

/// The `name="csrf"` value of a page.
fn csrf_of(body: &str) -> String {
    crate::pages::csrf_of(body).expect("a CSRF token in the page")
}

async fn send(
    app: &TestApp,
    s: &Sessions,
    caller: Caller,
    method: &str,
    path: &str,
) -> (u16, HeaderMap) {
    let page_area = !path.starts_with("/wallet")
        && !path.starts_with("/auth")
        && !path.starts_with("/admin")
        && !path.starts_with("/orgs")
        && !path.starts_with("/credentials")
        && !path.starts_with("/presentations")
        && !path.starts_with("/oid4vci");
    let mut req = app
        .client
        .request(method.parse().unwrap(), app.url(path))
        .header("origin", BASE_URL);
    let csrf = match caller {
        Caller::Nobody => None,
        Caller::Citizen => {
            req = req
                .bearer_auth(&s.citizen_bearer)
                .header("cookie", &s.citizen_cookie);
            Some(&s.citizen_csrf)
        }
        Caller::Admin => {
            req = req
                .bearer_auth(ADMIN_TOKEN)
                .header("cookie", &s.console_cookie);
            Some(&s.console_csrf)
        }
    };
    if method != "GET" {
        req = if page_area {
            let mut form = vec![("x", "1")];
            if let Some(t) = csrf {
                form.push(("csrf", t));
            }
            req.form(&form)
        } else {
            req.json(&json!({}))
        };
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let _ = res.bytes().await;
    (status, headers)
}

async fn sessions(app: &TestApp) -> Sessions {
    // A citizen: a bearer session and a cookie session (two logins).
    app.sign_up("renee@example.org").await;
    let login = |session: &'static str| async move {
        app.post_json(
            "/auth/login",
            None,
            &json!({"email": "renee@example.org", "password": CITIZEN_PASSWORD, "session": session}),
        )
        .await
    };
    let res = login("bearer").await;
    assert_secure(res.headers(), "login");
    let citizen_bearer = res.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = login("cookie").await;
    assert_eq!(res.status(), 200);
    let (name, value) = cookies_of(res.headers()).into_iter().next().unwrap();
    let session = format!("{name}={value}");
    // The CSRF cookie, then a page's token tied to it and the session.
    let res = app
        .client
        .get(app.url("/me"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    let csrf_cookie = cookies_of(res.headers())
        .into_iter()
        .find(|(n, _)| n.contains("csrf"))
        .map(|(n, v)| format!("{n}={v}"))
        .unwrap();
    let citizen_cookie = format!("{session}; {csrf_cookie}");
    let res = app
        .client
        .get(app.url("/me"))
        .header("cookie", &citizen_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let citizen_csrf = csrf_of(&res.text().await.unwrap());

    // The console, logged in with the admin token.
    let res = app
        .client
        .get(app.url("/console/login"))
        .send()
        .await
        .unwrap();
    let csrf_cookie = cookies_of(res.headers())
        .into_iter()
        .find(|(n, _)| n.contains("csrf"))
        .map(|(n, v)| format!("{n}={v}"))
        .unwrap();
    let token = csrf_of(&res.text().await.unwrap());
    let res = app
        .client
        .post(app.url("/console/login"))
        .header("origin", BASE_URL)
        .header("cookie", &csrf_cookie)
        .form(&[
            ("token", ADMIN_TOKEN),
            ("csrf", token.as_str()),
            ("next", "/console"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_secure(res.headers(), "console login");
    let console = cookies_of(res.headers())
        .into_iter()
        .find(|(n, _)| n.contains("console"))
        .map(|(n, v)| format!("{n}={v}"))
        .unwrap();
    let console_cookie = format!("{console}; {csrf_cookie}");
    let res = app
        .client
        .get(app.url("/console"))
        .header("cookie", &console_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let console_csrf = csrf_of(&res.text().await.unwrap());
    Sessions {
        citizen_bearer,
        citizen_cookie,
        citizen_csrf,
        console_cookie,
        console_csrf,
    }
}

/// Routes that end the callers' sessions or accounts: requested last.
fn ends_sessions(path: &str) -> bool {
    [
        "/logout",
        "/auth/logout",
        "/console/logout",
        "/wallet/me",
        "/me/account/delete",
    ]
    .contains(&path)
}

#[tokio::test]
async fn every_response_of_every_route_carries_the_security_headers() {
    // A small body limit, so that a body past it is refused before the
    // client has finished sending (no reset connection).
    let app = TestApp::spawn_with(&[
        ("ATOUT_BASE_URL", BASE_URL),
        ("ATOUT_BODY_LIMIT_BYTES", "4096"),
    ])
    .await;
    app.create_org("univ-a").await;
    let s = sessions(&app).await;

    let routes = every_route(&app);
    // The sources and the OpenAPI document were both read.
    for expected in [
        ("GET", "/me/documents"),
        ("POST", "/console/login"),
        ("GET", "/assets/atout.css"),
        ("GET", "/contexts/atout/v1"),
        ("GET", "/openapi.json"),
        ("POST", "/wallet/documents"),
        ("GET", "/s/{token}"),
    ] {
        assert!(
            routes.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} not found among {} routes",
            routes.len()
        );
    }
    let mut seen: BTreeMap<u16, usize> = BTreeMap::new();
    let (mut first, mut last): (Vec<_>, Vec<_>) = routes
        .iter()
        .partition(|(m, p)| !ends_sessions(p) || m == "GET");
    // Reads first, then changes, then what logs out.
    first.sort_by_key(|(m, _)| m != "GET");
    last.sort();
    for (method, template) in first.into_iter().chain(last) {
        let path = fill(template);
        for caller in [Caller::Nobody, Caller::Citizen, Caller::Admin] {
            let (status, headers) = send(&app, &s, caller, method, &path).await;
            assert_secure(
                &headers,
                &format!("{method} {path} as {caller:?} ({status})"),
            );
            *seen.entry(status).or_default() += 1;
        }
    }

    // Errors produced outside any handler.
    let client = &app.client;
    let mut extra: Vec<(String, reqwest::Response)> = Vec::new();
    extra.push(("unknown path".into(), app.get("/no/such/path", None).await));
    extra.push((
        "unknown asset".into(),
        app.get("/assets/nope.css", None).await,
    ));
    extra.push((
        "405 on the API".into(),
        client.delete(app.url("/healthz")).send().await.unwrap(),
    ));
    extra.push((
        "405 on a page".into(),
        client.put(app.url("/login")).send().await.unwrap(),
    ));
    extra.push((
        "malformed JSON".into(),
        client
            .post(app.url("/auth/login"))
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .unwrap(),
    ));
    extra.push((
        "not JSON".into(),
        client
            .post(app.url("/auth/login"))
            .header("content-type", "text/plain")
            .body("hello")
            .send()
            .await
            .unwrap(),
    ));
    extra.push((
        "too large".into(),
        client
            .post(app.url("/auth/login"))
            .header("content-type", "application/json")
            .body(vec![b' '; 8 * 1024])
            .send()
            .await
            .unwrap(),
    ));
    extra.push((
        "NUL in the URL".into(),
        app.get("/healthz?x=%00", None).await,
    ));
    for _ in 0..8 {
        let res = app
            .post_json(
                "/auth/login",
                None,
                &json!({"email": "renee@example.org", "password": "wrong wrong wrong"}),
            )
            .await;
        extra.push(("wrong password".into(), res));
    }
    for (what, res) in extra {
        let status = res.status().as_u16();
        assert_secure(res.headers(), &format!("{what} ({status})"));
        *seen.entry(status).or_default() += 1;
    }

    // Server errors: the database gone.
    app.store().close().await;
    for (caller, path) in [
        (Caller::Nobody, "/readyz"),
        (Caller::Citizen, "/wallet/me"),
        (Caller::Citizen, "/me"),
        (Caller::Admin, "/console/orgs/univ-a"),
    ] {
        let (status, headers) = send(&app, &s, caller, "GET", path).await;
        assert!(status >= 500, "{path}: {status}");
        assert_secure(
            &headers,
            &format!("GET {path} without a database ({status})"),
        );
        *seen.entry(status).or_default() += 1;
    }

    // The table really went through successes and every kind of error.
    for status in [
        200, 201, 303, 400, 401, 403, 404, 405, 413, 415, 422, 429, 503,
    ] {
        assert!(seen.contains_key(&status), "no {status} among {seen:?}");
    }
    assert!(seen.keys().any(|s| *s >= 500 && *s != 503), "{seen:?}");
    assert!(routes.len() > 150, "{} routes", routes.len());
    app.stop().await;
}
