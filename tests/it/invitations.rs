//! Invitations over real HTTP, on both databases: a reader, a contributor
//! and a certifier invited by email, each confirming their address with a
//! mailed code (or their account), acting within their role and scope;
//! suggestions approved and rejected; endorsements signed, verified by
//! Atout's and by the independent verifier, hidden, withdrawn; revocation
//! and expiry closing everything at once; every use in the citizen's log.

use crate::archive::{entry, get_json};
use crate::common::*;
use crate::documents::{pdf, stored, upload};
use atout_core::Clock;
use serde_json::{json, Value};

pub(crate) async fn invite(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app
        .post_json("/wallet/invitations", Some(token), &body)
        .await;
    let status = res.status();
    let invitation: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{invitation}");
    invitation
}

pub(crate) fn link_path(invitation: &Value) -> String {
    let url = invitation["url"].as_str().unwrap();
    url[url.find("/i/").unwrap()..].to_owned()
}

/// The code mailed for an invitation.
pub(crate) async fn mailed_code(app: &TestApp, email: &str) -> String {
    let mails = app.store().mail_to(email).await.unwrap();
    let mail = mails
        .iter()
        .filter(|m| m.kind == "invitation-code")
        .max_by_key(|m| m.created_at)
        .expect("a code mail");
    let at = mail.body.find("code=").unwrap() + 5;
    mail.body[at..at + 6].to_owned()
}

/// Confirms the invited address with a mailed code; returns the session.
pub(crate) async fn confirm(app: &TestApp, path: &str, email: &str, name: &str) -> String {
    let res = app
        .client
        .post(app.url(&format!("{path}/code")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let code = mailed_code(app, email).await;
    let res = app
        .post_json(
            &format!("{path}/session"),
            None,
            &json!({"code": code, "name": name}),
        )
        .await;
    let status = res.status();
    let session: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{session}");
    let token = session["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("ati_"));
    token
}

pub(crate) async fn as_invited(
    app: &TestApp,
    method: &str,
    path: &str,
    session: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app
        .client
        .request(method.parse().unwrap(), app.url(path))
        .bearer_auth(session);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

fn log_actions(log: &Value) -> Vec<String> {
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_reader_confirms_by_code_and_sees_only_the_chosen_parts() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("owner@example.org").await;
    let shown = entry(
        &app,
        &owner,
        json!({"kind": "skill", "title": "Ébénisterie"}),
    )
    .await;
    entry(&app, &owner, json!({"kind": "skill", "title": "Secret"})).await;
    let document = stored(upload(&app, &owner, "Plan.pdf", None, &pdf(300)).await).await;
    let invitation = invite(
        &app,
        &owner,
        json!({"email": "Lecteur@Example.org", "role": "reader", "entries": [shown],
               "documents": [document["id"]], "message": "Pour mon dossier"}),
    )
    .await;
    assert_eq!(invitation["email"], "lecteur@example.org");
    assert_eq!(invitation["state"], "pending");
    let path = link_path(&invitation);
    // The link was mailed to the invited address.
    let mails = app.store().mail_to("lecteur@example.org").await.unwrap();
    assert!(mails
        .iter()
        .any(|m| m.kind == "invitation" && m.body.contains(invitation["url"].as_str().unwrap())));

    // The link says who invites, for what; it opens nothing by itself.
    let welcome = app.get(&path, None).await.json::<Value>().await.unwrap();
    assert_eq!(welcome["role"], "reader");
    assert_eq!(welcome["email"], "l…@example.org");
    assert_eq!(welcome["message"], "Pour mon dossier");
    assert_problem(app.get(&format!("{path}/portfolio"), None).await, 401).await;

    // A wrong code, then the right one.
    let res = app
        .client
        .post(app.url(&format!("{path}/code")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let res = app
        .client
        .post(app.url(&format!("{path}/code")))
        .send()
        .await
        .unwrap();
    assert_problem(res, 429).await; // once a minute
    let res = app
        .post_json(
            &format!("{path}/session"),
            None,
            &json!({"code": "000000", "name": "Léa"}),
        )
        .await;
    let problem = assert_problem(res, 403).await;
    assert_eq!(problem["attemptsLeft"], 4);
    let code = mailed_code(&app, "lecteur@example.org").await;
    let res = app
        .post_json(
            &format!("{path}/session"),
            None,
            &json!({"code": code, "name": "Léa"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let session = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    // The portfolio: the chosen entry and document, nothing else.
    let res = as_invited(&app, "GET", &format!("{path}/portfolio"), &session, None).await;
    assert_eq!(res.status(), 200);
    let portfolio: Value = res.json().await.unwrap();
    let titles: Vec<&str> = portfolio["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Ébénisterie"]);
    let href = portfolio["documents"][0]["href"].as_str().unwrap();
    let res = as_invited(&app, "GET", href, &session, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf(300));
    // A reader neither suggests nor endorses.
    let res = as_invited(
        &app,
        "POST",
        &format!("{path}/suggestions"),
        &session,
        Some(json!({"kind": "comment", "entryId": shown, "text": "Bravo"})),
    )
    .await;
    assert_problem(res, 403).await;
    let res = as_invited(
        &app,
        "POST",
        &format!("{path}/endorsements"),
        &session,
        Some(json!({"entryId": shown, "comment": "Bravo"})),
    )
    .await;
    assert_problem(res, 403).await;
    // A citizen's session, or a made-up one, is not an invitation's.
    assert_problem(
        as_invited(&app, "GET", &format!("{path}/portfolio"), &owner, None).await,
        401,
    )
    .await;
    assert_problem(
        as_invited(
            &app,
            "GET",
            &format!("{path}/portfolio"),
            "ati_madeup",
            None,
        )
        .await,
        401,
    )
    .await;

    // The owner sees who, and every use.
    let view = get_json(
        &app,
        &format!("/wallet/invitations/{}", invitation["id"].as_str().unwrap()),
        &owner,
    )
    .await;
    assert_eq!(view["state"], "active");
    assert_eq!(view["inviteeName"], "Léa");
    let log = get_json(
        &app,
        &format!(
            "/wallet/invitations/{}/accesses",
            invitation["id"].as_str().unwrap()
        ),
        &owner,
    )
    .await;
    let actions = log_actions(&log);
    for a in [
        "opened",
        "code-sent",
        "code-wrong",
        "confirmed",
        "read",
        "document",
        "refused",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }

    // Revoked: the link and the session stop at once.
    let res = app
        .client
        .delete(app.url(&format!(
            "/wallet/invitations/{}",
            invitation["id"].as_str().unwrap()
        )))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let problem = assert_problem(
        as_invited(&app, "GET", &format!("{path}/portfolio"), &session, None).await,
        410,
    )
    .await;
    assert!(problem["type"]
        .as_str()
        .unwrap()
        .ends_with("invitation-revoked"));
    assert_problem(app.get(&path, None).await, 410).await;
    app.stop().await;
}

#[tokio::test]
async fn a_contributors_suggestions_are_approved_or_rejected_by_the_citizen() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("owner@example.org").await;
    let covered = entry(
        &app,
        &owner,
        json!({"kind": "experience", "title": "Cheffe de chantier", "startDate": "2020"}),
    )
    .await;
    let other = entry(&app, &owner, json!({"kind": "skill", "title": "Autre"})).await;
    let invitation = invite(
        &app,
        &owner,
        json!({"email": "collegue@example.org", "role": "contributor", "entries": [covered]}),
    )
    .await;
    let path = link_path(&invitation);
    let session = confirm(&app, &path, "collegue@example.org", "Sam").await;

    // A suggested entry and a comment; a comment on an entry not covered
    // is refused, and so is an invalid entry.
    let res = as_invited(&app, "POST", &format!("{path}/suggestions"), &session, Some(json!({
        "kind": "entry",
        "entry": {"kind": "experience", "title": "Coordinatrice sécurité", "organisation": "BTP Centre", "startDate": "2018", "endDate": "2020"}
    }))).await;
    assert_eq!(res.status(), 201);
    let suggested: Value = res.json().await.unwrap();
    assert_eq!(suggested["state"], "pending");
    let res = as_invited(&app, "POST", &format!("{path}/suggestions"), &session,
        Some(json!({"kind": "comment", "entryId": covered, "text": "Tu as aussi encadré 12 personnes."}))).await;
    assert_eq!(res.status(), 201);
    let comment: Value = res.json().await.unwrap();
    let res = as_invited(
        &app,
        "POST",
        &format!("{path}/suggestions"),
        &session,
        Some(json!({"kind": "comment", "entryId": other, "text": "Hors champ"})),
    )
    .await;
    assert_problem(res, 403).await;
    let res = as_invited(&app, "POST", &format!("{path}/suggestions"), &session,
        Some(json!({"kind": "entry", "entry": {"kind": "experience", "title": "X", "startDate": "2020-13"}}))).await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["field"], "startDate");
    let res = as_invited(
        &app,
        "POST",
        &format!("{path}/suggestions"),
        &session,
        Some(json!({"kind": "comment", "entryId": covered, "text": ""})),
    )
    .await;
    assert_problem(res, 422).await;
    // A contributor does not endorse.
    let res = as_invited(
        &app,
        "POST",
        &format!("{path}/endorsements"),
        &session,
        Some(json!({"entryId": covered, "comment": "Oui"})),
    )
    .await;
    assert_problem(res, 403).await;

    // The citizen approves the entry (written, declared) and rejects the comment.
    let list = get_json(&app, "/wallet/suggestions", &owner).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["author"] == "Sam <collegue@example.org>"));
    let res = app
        .post_json(
            &format!(
                "/wallet/suggestions/{}/approve",
                suggested["id"].as_str().unwrap()
            ),
            Some(&owner),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let approved: Value = res.json().await.unwrap();
    assert_eq!(approved["state"], "approved");
    let created = approved["createdEntryId"].as_str().unwrap();
    let entries = get_json(&app, "/wallet/entries", &owner).await;
    let written = entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == created)
        .unwrap();
    assert_eq!(written["title"], "Coordinatrice sécurité");
    assert_eq!(written["trust"], "declared");
    let res = app
        .post_json(
            &format!(
                "/wallet/suggestions/{}/reject",
                comment["id"].as_str().unwrap()
            ),
            Some(&owner),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Decided once.
    let res = app
        .post_json(
            &format!(
                "/wallet/suggestions/{}/approve",
                comment["id"].as_str().unwrap()
            ),
            Some(&owner),
            &json!({}),
        )
        .await;
    assert_problem(res, 409).await;
    // Another citizen sees none of it.
    let stranger = app.sign_up("stranger@example.org").await;
    assert!(
        get_json(&app, "/wallet/suggestions", &stranger).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let res = app
        .post_json(
            &format!(
                "/wallet/suggestions/{}/approve",
                suggested["id"].as_str().unwrap()
            ),
            Some(&stranger),
            &json!({}),
        )
        .await;
    assert_problem(res, 404).await;
    app.stop().await;
}

/// The DID document of a did:key (Ed25519 Multikey), as the independent
/// verifier needs it.
fn did_key_document(did: &str) -> Value {
    let fragment = did.strip_prefix("did:key:").unwrap();
    let vm = format!("{did}#{fragment}");
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": fragment}],
        "authentication": [vm],
        "assertionMethod": [vm],
    })
}

#[tokio::test]
async fn a_certifiers_endorsement_verifies_independently_and_can_be_hidden_or_withdrawn() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("owner@example.org").await;
    let covered = entry(&app, &owner, json!({"kind": "experience", "title": "Aide-soignante", "organisation": "EHPAD", "startDate": "2019"})).await;
    let not_covered = entry(&app, &owner, json!({"kind": "skill", "title": "Autre"})).await;
    // A certifier must be given entries.
    let res = app
        .post_json(
            "/wallet/invitations",
            Some(&owner),
            &json!({"email": "x@example.org", "role": "certifier", "documents": []}),
        )
        .await;
    assert_problem(res, 422).await;
    let invitation = invite(
        &app,
        &owner,
        json!({"email": "cadre@example.org", "role": "certifier", "entries": [covered]}),
    )
    .await;
    let path = link_path(&invitation);
    let session = confirm(&app, &path, "cadre@example.org", "Nadia Benali").await;

    let res = as_invited(&app, "POST", &format!("{path}/endorsements"), &session,
        Some(json!({"entryId": covered, "comment": "J'ai travaillé avec elle trois ans : soins attentifs."}))).await;
    assert_eq!(res.status(), 201);
    let endorsement: Value = res.json().await.unwrap();
    let credential = &endorsement["credential"];
    assert_eq!(
        credential["type"],
        json!(["VerifiableCredential", "EndorsementCredential"])
    );
    assert_eq!(credential["issuer"]["name"], "Nadia Benali");
    assert_eq!(
        credential["credentialSubject"]["type"],
        json!(["EndorsementSubject"])
    );
    assert_eq!(
        credential["credentialSubject"]["endorsementComment"],
        "J'ai travaillé avec elle trois ans : soins attentifs."
    );
    let did = credential["issuer"]["id"].as_str().unwrap();
    assert!(did.starts_with("did:key:z6Mk"));
    assert_eq!(credential["proof"]["cryptosuite"], "eddsa-rdfc-2022");

    // Atout's verifier: the proof holds (the author is nobody's registry
    // entry: an unknown issuer, as a peer is).
    let res = app
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": credential}),
        )
        .await;
    let report: Value = res.json().await.unwrap();
    let proof = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "proof")
        .unwrap();
    assert_eq!(proof["status"], "ok", "{report:#}");
    // The independent verifier (Digital Bazaar's libraries) agrees.
    let verdict = crate::issue::independent_verify_with(
        credential,
        &json!({ did: did_key_document(did) }),
        &json!({}),
        &json!({}),
    );
    assert_eq!(verdict["verified"], true, "{verdict}");
    // Altered, it fails there too.
    let mut altered = credential.clone();
    altered["credentialSubject"]["endorsementComment"] = json!("Excellente en tout.");
    let verdict = crate::issue::independent_verify_with(
        &altered,
        &json!({ did: did_key_document(did) }),
        &json!({}),
        &json!({}),
    );
    assert_eq!(verdict["verified"], false);

    // The entry is endorsed now.
    let trust = |entries: &Value, id: &str| {
        entries["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()["trust"]
            .clone()
    };
    assert_eq!(
        trust(&get_json(&app, "/wallet/entries", &owner).await, &covered),
        "endorsed"
    );
    let listed = get_json(
        &app,
        &format!("/wallet/entries/{covered}/endorsements"),
        &owner,
    )
    .await;
    assert_eq!(listed["items"][0]["authorDid"], did);
    // Endorsing an entry one is not invited to certify: refused, logged.
    let res = as_invited(
        &app,
        "POST",
        &format!("{path}/endorsements"),
        &session,
        Some(json!({"entryId": not_covered, "comment": "Aussi"})),
    )
    .await;
    let problem = assert_problem(res, 403).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("not invited to certify"));
    let res = as_invited(
        &app,
        "POST",
        &format!("{path}/endorsements"),
        &session,
        Some(json!({"entryId": covered, "comment": " "})),
    )
    .await;
    assert_problem(res, 422).await;

    // The citizen hides it (declared again), shows it again.
    let id = endorsement["id"].as_str().unwrap();
    let res = app
        .post_json(
            &format!("/wallet/endorsements/{id}/hide"),
            Some(&owner),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        trust(&get_json(&app, "/wallet/entries", &owner).await, &covered),
        "declared"
    );
    let res = app
        .post_json(
            &format!("/wallet/endorsements/{id}/show"),
            Some(&owner),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        trust(&get_json(&app, "/wallet/entries", &owner).await, &covered),
        "endorsed"
    );
    // Another citizen cannot hide it.
    let stranger = app.sign_up("stranger@example.org").await;
    let res = app
        .post_json(
            &format!("/wallet/endorsements/{id}/hide"),
            Some(&stranger),
            &json!({}),
        )
        .await;
    assert_problem(res, 404).await;
    // The author withdraws it.
    let res = as_invited(
        &app,
        "DELETE",
        &format!("{path}/endorsements/{id}"),
        &session,
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        trust(&get_json(&app, "/wallet/entries", &owner).await, &covered),
        "declared"
    );
    let mine = as_invited(&app, "GET", &format!("{path}/endorsements"), &session, None)
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["revoked"], true);
    let log = get_json(
        &app,
        &format!(
            "/wallet/invitations/{}/accesses",
            invitation["id"].as_str().unwrap()
        ),
        &owner,
    )
    .await;
    let actions = log_actions(&log);
    assert!(
        actions.iter().any(|a| a == "endorsed")
            && actions.iter().any(|a| a == "endorsement-withdrawn")
    );
    app.stop().await;
}

#[tokio::test]
async fn an_account_holder_confirms_without_a_code_and_signs_with_their_key() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("owner@example.org").await;
    let covered = entry(
        &app,
        &owner,
        json!({"kind": "skill", "title": "Gestion de projet"}),
    )
    .await;
    let certifier = app.sign_up("pair@example.org").await;
    crate::offers::verify_email(&app, "pair@example.org").await;
    let me = get_json(&app, "/wallet/me", &certifier).await;
    let invitation = invite(
        &app,
        &owner,
        json!({"email": "pair@example.org", "role": "certifier", "entries": [covered]}),
    )
    .await;
    let path = link_path(&invitation);
    // Logged in with the invited (verified) address: no code.
    let res = app
        .post_json(
            &format!("{path}/session"),
            Some(&certifier),
            &json!({"name": "Pair"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let session: Value = res.json().await.unwrap();
    assert_eq!(session["signerDid"], me["holderDid"]);
    let res = as_invited(
        &app,
        "POST",
        &format!("{path}/endorsements"),
        session["token"].as_str().unwrap(),
        Some(json!({"entryId": covered, "comment": "Solide."})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let endorsement: Value = res.json().await.unwrap();
    assert_eq!(endorsement["credential"]["issuer"]["id"], me["holderDid"]);
    // Someone else's account does not open it without the code.
    let other_invitation = invite(
        &app,
        &owner,
        json!({"email": "tiers@example.org", "role": "reader", "entries": [covered]}),
    )
    .await;
    let res = app
        .post_json(
            &format!("{}/session", link_path(&other_invitation)),
            Some(&certifier),
            &json!({"name": "Pair"}),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["field"], "code");
    app.stop().await;
}

#[tokio::test]
async fn expired_invitations_and_bad_requests_are_refused() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("owner@example.org").await;
    let covered = entry(&app, &owner, json!({"kind": "skill", "title": "Couture"})).await;
    let now = app.clock.now();
    for (body, field) in [
        (
            json!({"email": "pas un mail", "role": "reader", "entries": [covered]}),
            Some("email"),
        ),
        (
            json!({"email": "a@example.org", "role": "admin", "entries": [covered]}),
            None,
        ),
        (json!({"email": "a@example.org", "role": "reader"}), None),
        (
            json!({"email": "a@example.org", "role": "reader", "entries": [covered, covered]}),
            Some("entries"),
        ),
        (
            json!({"email": "a@example.org", "role": "reader", "entries": [covered], "expiresAt": now - chrono::Duration::hours(1)}),
            Some("expiresAt"),
        ),
        (
            json!({"email": "a@example.org", "role": "reader", "entries": [covered], "expiresAt": now + chrono::Duration::days(400)}),
            Some("expiresAt"),
        ),
        (
            json!({"email": "a@example.org", "role": "reader", "entries": [covered], "message": "x".repeat(501)}),
            Some("message"),
        ),
        (
            json!({"email": "a@example.org", "role": "reader", "entries": ["not-mine"]}),
            None,
        ),
    ] {
        let res = app
            .post_json("/wallet/invitations", Some(&owner), &body)
            .await;
        let problem = assert_problem(res, 422).await;
        if let Some(f) = field {
            assert_eq!(problem["field"], f, "{body}");
        }
    }
    let invitation = invite(
        &app,
        &owner,
        json!({"email": "a@example.org", "role": "reader", "entries": [covered],
        "expiresAt": now + chrono::Duration::days(2)}),
    )
    .await;
    let path = link_path(&invitation);
    let session = confirm(&app, &path, "a@example.org", "A").await;
    // A session of another invitation does not open this one.
    let second = invite(
        &app,
        &owner,
        json!({"email": "b@example.org", "role": "reader", "entries": [covered]}),
    )
    .await;
    let res = as_invited(
        &app,
        "GET",
        &format!("{}/portfolio", link_path(&second)),
        &session,
        None,
    )
    .await;
    assert_problem(res, 401).await;
    // Five wrong codes burn the code.
    let second_path = link_path(&second);
    let res = app
        .client
        .post(app.url(&format!("{second_path}/code")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    for _ in 0..5 {
        let res = app
            .post_json(
                &format!("{second_path}/session"),
                None,
                &json!({"code": "999999", "name": "B"}),
            )
            .await;
        assert_problem(res, 403).await;
    }
    let code = mailed_code(&app, "b@example.org").await;
    let res = app
        .post_json(
            &format!("{second_path}/session"),
            None,
            &json!({"code": code, "name": "B"}),
        )
        .await;
    assert_problem(res, 429).await;
    // Expired: gone at once.
    app.clock.advance(chrono::Duration::days(3));
    let problem = assert_problem(
        as_invited(&app, "GET", &format!("{path}/portfolio"), &session, None).await,
        410,
    )
    .await;
    assert!(problem["type"]
        .as_str()
        .unwrap()
        .ends_with("invitation-expired"));
    assert_eq!(
        get_json(
            &app,
            &format!("/wallet/invitations/{}", invitation["id"].as_str().unwrap()),
            &owner
        )
        .await["state"],
        "expired"
    );
    // Unknown links.
    assert_problem(app.get("/i/AAAAAAAAAAAAAAAAAAAAAA", None).await, 404).await;
    assert_problem(app.get("/i/short", None).await, 404).await;
    app.stop().await;
}

#[tokio::test]
async fn a_certifier_acting_for_an_organisation_signs_with_its_did() {
    let s = crate::offers::Setup::new(&[]).await;
    let app = &s.app;
    let owner = app.sign_up("owner@example.org").await;
    let covered = entry(app, &owner, json!({"kind": "experience", "title": "Stage", "organisation": "Université Exemple", "startDate": "2024"})).await;
    let invitation = invite(
        app,
        &owner,
        json!({"email": "tuteur@example.org", "role": "certifier", "entries": [covered]}),
    )
    .await;
    let path = link_path(&invitation);
    let session = confirm(app, &path, "tuteur@example.org", "Tuteur").await;
    let endorse = |org_key: Option<&str>| {
        let mut req = app
            .client
            .post(app.url(&format!("{path}/endorsements")))
            .bearer_auth(&session)
            .json(&json!({"entryId": covered, "comment": "Stage réussi, au nom de l'université."}));
        if let Some(k) = org_key {
            req = req.header("x-org-authorization", format!("Bearer {k}"));
        }
        req.send()
    };
    // A bad organisation key is refused, nothing signed.
    assert_problem(endorse(Some("atout_not-a-key")).await.unwrap(), 401).await;
    let res = endorse(Some(&s.key)).await.unwrap();
    assert_eq!(res.status(), 201);
    let endorsement: Value = res.json().await.unwrap();
    let credential = &endorsement["credential"];
    assert_eq!(credential["issuer"]["id"], s.org_did());
    assert_eq!(credential["issuer"]["name"], "Université Exemple");
    // Verified by Atout and independently, with the organisation's DID document.
    let res = app
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": credential}),
        )
        .await;
    let report: Value = res.json().await.unwrap();
    assert!(
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["check"] == "proof" || c["check"] == "issuer-key")
            .all(|c| c["status"] == "ok"),
        "{report:#}"
    );
    let did_doc: Value = app
        .get(&format!("/orgs/{}/did.json", crate::offers::ORG), None)
        .await
        .json()
        .await
        .unwrap();
    let verdict = crate::issue::independent_verify_with(
        credential,
        &json!({ s.org_did(): did_doc }),
        &json!({}),
        &json!({}),
    );
    assert_eq!(verdict["verified"], true, "{verdict}");
    // The organisation's audit log records it.
    let audit = get_json(app, &format!("/orgs/{}/audit", crate::offers::ORG), &s.key).await;
    assert!(audit.to_string().contains("endorsement.signed"), "{audit}");
    s.app.stop().await;
}

#[tokio::test]
async fn endorsements_travel_in_the_export_and_come_back_on_import() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("owner@example.org").await;
    let covered = entry(
        &app,
        &owner,
        json!({"kind": "skill", "title": "Soudure TIG"}),
    )
    .await;
    let invitation = invite(
        &app,
        &owner,
        json!({"email": "chef@example.org", "role": "certifier", "entries": [covered]}),
    )
    .await;
    let path = link_path(&invitation);
    let session = confirm(&app, &path, "chef@example.org", "Chef d'atelier").await;
    let res = as_invited(
        &app,
        "POST",
        &format!("{path}/endorsements"),
        &session,
        Some(json!({"entryId": covered, "comment": "Soudures propres et régulières."})),
    )
    .await;
    let endorsement: Value = res.json().await.unwrap();
    let owner_id = get_json(&app, "/wallet/me", &owner).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let original = app
        .store()
        .entry_endorsements(&owner_id, &covered)
        .await
        .unwrap()
        .remove(0)
        .credential;

    let res = app.get("/wallet/export", Some(&owner)).await;
    assert_eq!(res.status(), 200);
    let archive = res.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive.clone())).unwrap();
    let name = format!("endorsements/{}.json", endorsement["id"].as_str().unwrap());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&name).unwrap(), &mut text).unwrap();
    assert_eq!(text, original, "byte for byte");

    // Into a fresh account: the entry is endorsed again, the credential the same.
    let fresh = app.sign_up("fresh@example.org").await;
    let res = app
        .client
        .post(app.url("/wallet/import"))
        .bearer_auth(&fresh)
        .header("content-type", "application/zip")
        .body(archive.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let entries = get_json(&app, "/wallet/entries", &fresh).await;
    let restored = &entries["items"][0];
    assert_eq!(restored["trust"], "endorsed");
    let listed = get_json(
        &app,
        &format!(
            "/wallet/entries/{}/endorsements",
            restored["id"].as_str().unwrap()
        ),
        &fresh,
    )
    .await;
    assert_eq!(listed["items"][0]["credential"], endorsement["credential"]);
    assert_eq!(listed["items"][0]["authorName"], "Chef d'atelier");

    // An altered endorsement is refused, and nothing is written.
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
        files.push((f.name().to_owned(), bytes));
    }
    let mut forged: Value = serde_json::from_str(&text).unwrap();
    forged["credentialSubject"]["endorsementComment"] = json!("La meilleure soudeuse de France.");
    let forged = serde_json::to_vec(&forged).unwrap();
    let hash = atout_core::crypto::sha256_hex(&forged);
    let mut manifest: Value =
        serde_json::from_slice(&files.iter().find(|(n, _)| n == "manifest.json").unwrap().1)
            .unwrap();
    for f in manifest["files"].as_array_mut().unwrap() {
        if f["path"] == name.as_str() {
            f["size"] = json!(forged.len());
            f["sha256"] = json!(hash);
        }
    }
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (n, bytes) in &files {
        writer
            .start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        let content = if n == "manifest.json" {
            serde_json::to_vec(&manifest).unwrap()
        } else if *n == name {
            forged.clone()
        } else {
            bytes.clone()
        };
        std::io::Write::write_all(&mut writer, &content).unwrap();
    }
    let tampered = writer.finish().unwrap().into_inner();
    let victim = app.sign_up("victim@example.org").await;
    let res = app
        .client
        .post(app.url("/wallet/import"))
        .bearer_auth(&victim)
        .header("content-type", "application/zip")
        .body(tampered)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 422).await;
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("endorsement-not-verified"),
        "{problem}"
    );
    assert!(get_json(&app, "/wallet/entries", &victim).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    app.stop().await;
}
