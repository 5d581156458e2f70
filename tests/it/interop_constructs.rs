//! Interoperability on the JSON-LD constructs where canonicalisation goes
//! wrong, proven both ways with Digital Bazaar's libraries (jsonld.js and
//! rdf-canonize, the reference implementations behind eddsa-rdfc-2022 and
//! ecdsa-rdfc-2019), for each construct and both cryptosuites:
//!
//! - `digital_bazaar_signs_atout_verifies`: tests/interop/sign-constructs.mjs
//!   signs the construct from a did:key issuer (and checks that Digital
//!   Bazaar's own verifier accepts it, rejects each tampering and accepts each
//!   equivalent); Atout's `POST /credentials/verify` must answer 200
//!   `verified: true` with the proof check `signature-valid`, 422
//!   `verified: false` with the proof check failed (`signature-mismatch`)
//!   for each tampering, and 200 for each equivalent.
//! - `atout_issues_digital_bazaar_verifies`: the organisation issues the
//!   construct through `POST /credentials/issue` (both cryptosuites: the
//!   organisation has a P-256 key); Atout's own verifier must accept it,
//!   reject each tampering and accept each equivalent (the round trip on
//!   which a list signed as a set goes unnoticed), and
//!   tests/interop/verify-constructs.mjs (the verifier of verify.mjs) must
//!   do the same.
//!
//! A tampering is only meaningful when the credential as signed verifies:
//! while it does not, its tamperings are rejected for that same reason.
//!
//! The constructs, their tamperings (changes of meaning: the RDF dataset
//! differs) and equivalents (changes of JSON only) are in
//! fixtures/interop/constructs.json, read by both sides:
//!
//! - `lists`: terms with `"@container": "@list"` from an inline context,
//!   holding strings, objects (blank nodes as list items), a list of lists
//!   and an empty list (`rdf:nil`), beside a `@set`. A list is an
//!   `rdf:first`/`rdf:rest` chain: its order is signed. Treating it as a
//!   set lets anyone reorder a signed list (an integrity hole); reordering
//!   the `@set` must still verify.
//! - `open-badges-3.0.3`: Open Badges 3.0.3's `ResultDescription.allowedValue`,
//!   a `@list` inside protected type-scoped contexts: reordering a grade
//!   scale must break the proof.
//! - `language-values`: `name` and `description` as value objects with
//!   `@language` and `@direction` (and an array of them: fr ltr, ar rtl),
//!   `@language` alone on the subject. The reference implementations turn
//!   `@direction` into `^^<https://www.w3.org/ns/i18n#fr_ltr>`
//!   (`rdfDirection: 'i18n-datatype'`): tag and direction are both signed.
//! - `inline-context`: `"@context": [v2, {...}]` with a prefix, typed terms
//!   (`xsd:date`, `xsd:integer`, `@id`) and a type-scoped context
//!   (Transcript redefines `grade` inside it only): the same string under
//!   the two `grade`s are two different statements.
//! - `inline-vocab`: an inline context that is only `@vocab`.
//! - `json-literal`: a `"@type": "@json"` term holding an object; its
//!   lexical form is the JCS (RFC 8785) serialisation: numbers (`1e+21`,
//!   `1.5e-7`), escapes, non-ASCII text, and keys sorted by UTF-16 code
//!   units (é, 😀, ｚ: not code-point order).
//! - `included`: `@included` on the credential: a node of its own, in the
//!   signed graph, that the subject refers to.
//! - `scoped-contexts`: type-scoped contexts (not propagated to nested
//!   nodes by default; `"@propagate": true` on Module) and property-scoped
//!   contexts (propagated by default; `"@propagate": false` on summary),
//!   each redefining `level` or `note`, used one and two levels deep: a
//!   processor that propagates wrongly maps a term to the wrong IRI.
//!
//! A test collects every problem of its construct (both suites, every
//! variant) and fails with the list: which construct, which side, which
//! suite, which variant, and what the other side answered.

use crate::common::*;
use crate::interop::{node, wall_clock};
use crate::verify::{verify, Issuer};
use serde_json::{json, Map, Value};

const FIXTURE: &str = include_str!("fixtures/interop/constructs.json");
const SUITES: [&str; 2] = ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"];

/// Every construct this file tests, in the fixture's order.
const CONSTRUCTS: [&str; 8] = [
    "lists",
    "open-badges-3.0.3",
    "language-values",
    "inline-context",
    "inline-vocab",
    "json-literal",
    "included",
    "scoped-contexts",
];

/// The construct named `name` in the fixture.
fn construct(name: &str) -> Value {
    let fixture: Value = serde_json::from_str(FIXTURE).expect("constructs.json is JSON");
    fixture["constructs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no construct {name} in constructs.json"))
        .clone()
}

/// A construct's tamperings or equivalents: (what, changes).
fn variants<'a>(construct: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    construct[kind]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| (v["what"].as_str().unwrap(), &v["changes"]))
        .collect()
}

/// `doc` with `changes` applied: each `{pointer, value}` replaces (or adds)
/// the member at the JSON Pointer, each `{pointer, remove: true}` removes
/// it (as `applyChanges` in tests/interop/lib.mjs).
fn apply_changes(doc: &Value, changes: &Value) -> Value {
    let mut out = doc.clone();
    for change in changes.as_array().unwrap() {
        let pointer = change["pointer"].as_str().unwrap();
        let (parent, last) = pointer.rsplit_once('/').unwrap();
        let last = last.replace("~1", "/").replace("~0", "~");
        let parent = out
            .pointer_mut(parent)
            .unwrap_or_else(|| panic!("no {parent} in {doc}"));
        let remove = change["remove"] == true;
        match parent {
            Value::Array(items) => {
                let i: usize = last.parse().unwrap();
                if remove {
                    items.remove(i);
                } else {
                    items[i] = change["value"].clone();
                }
            }
            Value::Object(map) => {
                if remove {
                    map.remove(&last);
                } else {
                    map.insert(last, change["value"].clone());
                }
            }
            _ => panic!("{pointer}: the parent is not a container in {doc}"),
        }
    }
    out
}

/// The checks of a report that are not ok, one line (but issuer-trust:
/// these issuers are in no trust registry, which does not stop `verified`).
fn summary(report: &Value) -> String {
    let failed: Vec<String> = report["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["status"] != "ok" && c["check"] != "issuer-trust")
        .map(|c| {
            format!(
                "{} {} {} ({})",
                c["check"].as_str().unwrap_or("?"),
                c["status"].as_str().unwrap_or("?"),
                c["code"].as_str().unwrap_or("?"),
                c["reason"].as_str().unwrap_or("")
            )
        })
        .collect();
    if failed.is_empty() {
        format!("verified: {}, every check ok", report["verified"])
    } else {
        format!("verified: {}; {}", report["verified"], failed.join("; "))
    }
}

/// The `proof` check of a report: (status, code).
fn proof_check(report: &Value) -> (String, String) {
    let c = report["results"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["check"] == "proof");
    let field = |f: &str| c.and_then(|c| c[f].as_str()).unwrap_or("(none)").to_owned();
    (field("status"), field("code"))
}

/// Problems of Atout's answer to a credential that must verify.
fn expect_verified(what: &str, (status, report): &(u16, Value)) -> Option<String> {
    let ok = *status == 200
        && report["verified"] == true
        && proof_check(report) == ("ok".into(), "signature-valid".into());
    (!ok).then(|| {
        format!(
            "{what}: expected 200, verified, proof signature-valid; Atout answered {status}, {}",
            summary(report)
        )
    })
}

/// Problems of Atout's answer to a credential whose meaning was changed.
fn expect_mismatch(what: &str, (status, report): &(u16, Value)) -> Option<String> {
    let ok = *status == 422
        && report["verified"] == false
        && proof_check(report) == ("failed".into(), "signature-mismatch".into());
    (!ok).then(|| {
        format!(
            "{what}: expected 422, not verified, proof failed signature-mismatch; Atout answered \
             {status}, {}",
            summary(report)
        )
    })
}

/// Digital Bazaar signs `name` in both suites; Atout must verify it, reject
/// its tamperings and accept its equivalents.
async fn digital_bazaar_signs_atout_verifies(name: &str) {
    let construct = construct(name);
    let app = TestApp::spawn().await;
    app.clock.set(wall_clock());
    let mut problems = Vec::new();
    for suite in SUITES {
        // Fails the test if Digital Bazaar cannot sign the construct or its
        // own verifier disagrees with the fixture (the self-check).
        let out = node(
            &["sign-constructs.mjs"],
            json!({"suite": suite, "names": [name]}),
        )
        .await;
        let signed = &out["credentials"][name];
        assert!(signed.is_object(), "{name} {suite}: {out}");
        let side = format!("{name} / {suite} / Digital Bazaar signs, Atout verifies");

        let result = verify(&app, signed, json!({})).await;
        problems.extend(expect_verified(&format!("{side} / as signed"), &result));
        for (what, changes) in variants(&construct, "tamperings") {
            let result = verify(&app, &apply_changes(signed, changes), json!({})).await;
            problems.extend(expect_mismatch(
                &format!("{side} / tampered: {what}"),
                &result,
            ));
        }
        for (what, changes) in variants(&construct, "equivalents") {
            let result = verify(&app, &apply_changes(signed, changes), json!({})).await;
            problems.extend(expect_verified(
                &format!("{side} / equivalent: {what}"),
                &result,
            ));
        }
    }
    app.stop().await;
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The construct as the organisation asks Atout to issue it: its issuer
/// (or issuer.id) the organisation's DID, no `id` (Atout gives one; two
/// suites would otherwise issue the same id twice).
fn to_issue(construct: &Value, did: &str) -> Value {
    let mut credential = construct["credential"].clone();
    let map = credential.as_object_mut().unwrap();
    map.remove("id");
    match map.get_mut("issuer") {
        Some(Value::Object(issuer)) => {
            issuer.insert("id".into(), json!(did));
        }
        _ => {
            map.insert("issuer".into(), json!(did));
        }
    }
    credential
}

/// Atout issues `name` in both suites; its own verifier and Digital
/// Bazaar's must verify it, Digital Bazaar's must reject its tamperings and
/// accept its equivalents.
async fn atout_issues_digital_bazaar_verifies(name: &str) {
    let construct = construct(name);
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    app.clock.set(wall_clock());
    let doc: Value = app
        .get("/orgs/univ-a/did.json", None)
        .await
        .json()
        .await
        .unwrap();
    let did_documents = json!({ issuer.did.clone(): doc });
    let own_context: Value = app
        .get("/contexts/atout/v1", None)
        .await
        .json()
        .await
        .unwrap();
    let contexts = json!({ app.url("/contexts/atout/v1"): own_context });

    let mut problems = Vec::new();
    for suite in SUITES {
        let side = format!("{name} / {suite} / Atout issues, Digital Bazaar verifies");
        let res = app
            .post_json(
                "/credentials/issue",
                Some(&issuer.key),
                &json!({"credential": to_issue(&construct, &issuer.did), "options": {"cryptosuite": suite}}),
            )
            .await;
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if status != 201 {
            problems.push(format!(
                "{side}: Atout refused to issue it: {status} {} ({}, field {})",
                body["title"].as_str().unwrap_or(""),
                body["detail"].as_str().unwrap_or(""),
                body["field"]
            ));
            continue;
        }
        if body["proof"]["cryptosuite"] != suite {
            problems.push(format!(
                "{side}: Atout issued a proof with cryptosuite {}",
                body["proof"]["cryptosuite"]
            ));
            continue;
        }
        // Atout's own round trip: what it signs it must verify, and a
        // tampering must break its own proof (a list signed as a set would
        // not).
        let own = format!("{name} / {suite} / Atout issues, Atout's own verifier");
        problems.extend(expect_verified(
            &format!("{own} / as issued"),
            &verify(app, &body, json!({})).await,
        ));
        for (what, changes) in variants(&construct, "tamperings") {
            let result = verify(app, &apply_changes(&body, changes), json!({})).await;
            problems.extend(expect_mismatch(
                &format!("{own} / tampered: {what}"),
                &result,
            ));
        }
        for (what, changes) in variants(&construct, "equivalents") {
            let result = verify(app, &apply_changes(&body, changes), json!({})).await;
            problems.extend(expect_verified(
                &format!("{own} / equivalent: {what}"),
                &result,
            ));
        }

        let documents = crate::issue::status_documents(app, &body).await;
        let mut credentials = Map::new();
        credentials.insert(name.to_owned(), body.clone());
        let out = node(
            &["verify-constructs.mjs"],
            json!({"credentials": credentials, "didDocuments": did_documents,
                   "contexts": contexts, "documents": documents}),
        )
        .await;
        let verdict = &out[name];
        if verdict["verified"] != true {
            problems.push(format!(
                "{side} / as issued: expected verified; Digital Bazaar answered {}",
                verdict["error"]
            ));
        }
        for (kind, expected) in [("tamperings", false), ("equivalents", true)] {
            for v in verdict[kind].as_array().into_iter().flatten() {
                if v["verified"] != expected {
                    problems.push(format!(
                        "{side} / {} {}: expected verified: {expected}; Digital Bazaar answered \
                         verified: {}{}",
                        if expected { "equivalent:" } else { "tampered:" },
                        v["what"].as_str().unwrap_or("?"),
                        v["verified"],
                        v["error"]
                            .as_str()
                            .map(|e| format!(" ({e})"))
                            .unwrap_or_default()
                    ));
                }
            }
        }
    }
    issuer.app.stop().await;
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_construct_of_the_fixture_is_tested() {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    let names: Vec<&str> = fixture["constructs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, CONSTRUCTS);
    for name in CONSTRUCTS {
        let c = construct(name);
        assert!(
            !variants(&c, "tamperings").is_empty(),
            "{name} has no tampering"
        );
    }
}

#[test]
fn changes_apply_as_in_lib_mjs() {
    let doc = json!({"a": [1, 2, {"b": "c"}], "@included": {"x": 1}, "d/e": 0});
    let changed = apply_changes(
        &doc,
        &json!([
            {"pointer": "/a/0", "value": 9},
            {"pointer": "/a/2/b", "remove": true},
            {"pointer": "/@included", "remove": true},
            {"pointer": "/d~1e", "value": [1]},
            {"pointer": "/new", "value": "n"}
        ]),
    );
    assert_eq!(changed, json!({"a": [9, 2, {}], "d/e": [1], "new": "n"}));
}

/// One module per construct, each with both directions:
/// `interop_constructs::<construct>::{digital_bazaar_signs_atout_verifies,
/// atout_issues_digital_bazaar_verifies}`.
macro_rules! construct_tests {
    ($($module:ident => $name:literal,)*) => {$(
        mod $module {
            #[tokio::test]
            async fn digital_bazaar_signs_atout_verifies() {
                super::digital_bazaar_signs_atout_verifies($name).await;
            }

            #[tokio::test]
            async fn atout_issues_digital_bazaar_verifies() {
                super::atout_issues_digital_bazaar_verifies($name).await;
            }
        }
    )*};
}

construct_tests! {
    lists => "lists",
    open_badges_3_0_3 => "open-badges-3.0.3",
    language_values => "language-values",
    inline_context => "inline-context",
    inline_vocab => "inline-vocab",
    json_literal => "json-literal",
    included => "included",
    scoped_contexts => "scoped-contexts",
}
