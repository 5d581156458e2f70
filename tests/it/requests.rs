//! Certification requests over real HTTP, on both databases: a citizen asks
//! an (accredited) organisation to certify a declared entry with a
//! document; the organisation reads its queue and the document, approves
//! by issuing from its template into the wallet, and the entry becomes
//! certified; another request is rejected with a reason; other
//! organisations and citizens see nothing; bad input is refused.

use crate::archive::{entry, get_json};
use crate::common::*;
use crate::documents::{pdf, stored, upload};
use crate::offers::{graduate, Setup, ORG};
use serde_json::{json, Value};

async fn accredit(s: &Setup) {
    let path = format!(
        "/admin/registry/issuers/{}",
        s.org_did().replace('%', "%25").replace(':', "%3A")
    );
    let res = s
        .app
        .client
        .put(s.app.url(&path))
        .bearer_auth(ADMIN_TOKEN)
        .json(
            &json!({"name": {"fr": "Université Exemple", "en": "Example University"},
                      "accreditation": "Certificateur RNCP", "validFrom": "2025-01-01T00:00:00Z"}),
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
}

async fn ask(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json("/wallet/certification-requests", Some(token), &body)
        .await
}

fn trust_of(entries: &Value, id: &str) -> Value {
    entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap()["trust"]
        .clone()
}

#[tokio::test]
async fn a_request_is_approved_into_the_wallet_and_another_rejected() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    accredit(&s).await;
    let citizen = app.sign_up("diplomee@example.org").await;
    let master = entry(
        app,
        &citizen,
        json!({"kind": "education", "title": "Master Informatique",
        "organisation": "Université Exemple", "startDate": "2010", "endDate": "2012"}),
    )
    .await;
    let licence = entry(
        app,
        &citizen,
        json!({"kind": "education", "title": "Licence", "startDate": "2007", "endDate": "2010"}),
    )
    .await;
    let scan = stored(upload(app, &citizen, "Diplôme 2012.pdf", None, &pdf(4000)).await).await;
    let scan_id = scan["id"].as_str().unwrap();

    let res = ask(app, &citizen, json!({"entryId": master, "org": ORG, "message": "Diplôme perdu, promotion 2012", "documents": [scan_id]})).await;
    assert_eq!(res.status(), 201);
    let request: Value = res.json().await.unwrap();
    assert_eq!(request["state"], "pending");
    assert_eq!(request["orgName"], "Université Exemple");
    let id = request["id"].as_str().unwrap();
    // Once per entry and organisation while pending.
    let problem = assert_problem(
        ask(app, &citizen, json!({"entryId": master, "org": ORG})).await,
        409,
    )
    .await;
    assert_eq!(problem["request"], id);

    // The organisation's queue: the entry as declared, a prefill, the document.
    let queue = get_json(app, &format!("/orgs/{ORG}/certification-requests"), &s.key).await;
    let item = &queue["items"][0];
    assert_eq!(item["citizen"], "diplomee");
    assert_eq!(item["entry"]["title"], "Master Informatique");
    assert_eq!(item["entry"]["trust"], "declared");
    assert_eq!(item["prefill"]["title"], "Master Informatique");
    assert_eq!(item["prefill"]["endDate"], "2012");
    assert_eq!(item["message"], "Diplôme perdu, promotion 2012");
    let href = item["documents"][0]["href"].as_str().unwrap();
    let res = app.get(href, Some(&s.key)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf(4000));

    // Another organisation sees nothing of it.
    let res = app
        .post_json(
            "/admin/orgs",
            Some(ADMIN_TOKEN),
            &json!({"slug": "autre", "name_fr": "Autre", "name_en": "Other"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let (_, other_key) = app.create_api_key("autre").await;
    assert_problem(
        app.get(
            &format!("/orgs/{ORG}/certification-requests"),
            Some(&other_key),
        )
        .await,
        403,
    )
    .await;
    assert!(
        get_json(app, "/orgs/autre/certification-requests", &other_key).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_problem(
        app.get(
            &format!("/orgs/autre/certification-requests/{id}"),
            Some(&other_key),
        )
        .await,
        404,
    )
    .await;
    let res = app
        .post_json(
            &format!("/orgs/autre/certification-requests/{id}/approve"),
            Some(&other_key),
            &json!({"templateId": s.template, "subject": graduate()}),
        )
        .await;
    assert_problem(res, 404).await;
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{id}/approve"),
            Some(&other_key),
            &json!({"templateId": s.template, "subject": graduate()}),
        )
        .await;
    assert_problem(res, 403).await;

    // A subject the template refuses, an unknown template: nothing issued.
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{id}/approve"),
            Some(&s.key),
            &json!({"templateId": s.template, "subject": {"givenName": 7}}),
        )
        .await;
    assert_problem(res, 422).await;
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{id}/approve"),
            Some(&s.key),
            &json!({"templateId": "nope", "subject": graduate()}),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["field"], "templateId");

    // Approved: the credential is in the wallet, the entry certified.
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{id}/approve"),
            Some(&s.key),
            &json!({"templateId": s.template, "subject": graduate()}),
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let decided = get_json(
        app,
        &format!("/wallet/certification-requests/{id}"),
        &citizen,
    )
    .await;
    assert_eq!(decided["state"], "approved");
    let holding = decided["holdingId"].as_str().unwrap();
    let held = get_json(app, &format!("/wallet/holdings/{holding}"), &citizen).await;
    assert_eq!(held["source"], "request");
    assert_eq!(held["state"], "verified", "{held:#}");
    let me = get_json(app, "/wallet/me", &citizen).await;
    // The credential, exactly as held (text), is bound to the holder.
    let credential: Value = serde_json::from_str(held["credential"].as_str().unwrap()).unwrap();
    assert_eq!(credential["credentialSubject"]["id"], me["holderDid"]);
    let entries = get_json(app, "/wallet/entries", &citizen).await;
    assert_eq!(trust_of(&entries, &master), "certified");
    // The organisation's registry lists it like any credential it issued.
    let issued = get_json(app, &format!("/orgs/{ORG}/credentials"), &s.key).await;
    assert!(
        issued.to_string().contains("certification-request:"),
        "{issued}"
    );
    // Decided once.
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{id}/approve"),
            Some(&s.key),
            &json!({"templateId": s.template, "subject": graduate()}),
        )
        .await;
    let problem = assert_problem(res, 409).await;
    assert_eq!(problem["state"], "approved");
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{id}/reject"),
            Some(&s.key),
            &json!({"reason": "non"}),
        )
        .await;
    assert_problem(res, 409).await;

    // Another request, rejected with a reason the citizen reads.
    let res = ask(app, &citizen, json!({"entryId": licence, "org": ORG})).await;
    let second: Value = res.json().await.unwrap();
    let second_id = second["id"].as_str().unwrap();
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{second_id}/reject"),
            Some(&s.key),
            &json!({"reason": ""}),
        )
        .await;
    assert_problem(res, 422).await;
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{second_id}/reject"),
            Some(&s.key),
            &json!({"reason": "Aucune trace de cette licence dans nos registres."}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let rejected = get_json(
        app,
        &format!("/wallet/certification-requests/{second_id}"),
        &citizen,
    )
    .await;
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(
        rejected["reason"],
        "Aucune trace de cette licence dans nos registres."
    );
    assert_eq!(
        trust_of(&get_json(app, "/wallet/entries", &citizen).await, &licence),
        "declared"
    );
    let list = get_json(app, "/wallet/certification-requests", &citizen).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    // The queue is empty now; `all` shows both.
    assert!(
        get_json(app, &format!("/orgs/{ORG}/certification-requests"), &s.key).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        get_json(
            app,
            &format!("/orgs/{ORG}/certification-requests?state=all"),
            &s.key
        )
        .await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    s.app.stop().await;
}

#[tokio::test]
async fn requests_refuse_bad_input_and_other_citizens() {
    let s = Setup::new(&[]).await;
    let app = &s.app;
    let citizen = app.sign_up("a@example.org").await;
    let other = app.sign_up("b@example.org").await;
    let mine = entry(app, &citizen, json!({"kind": "skill", "title": "Soudure"})).await;
    let theirs = stored(upload(app, &other, "x.pdf", None, &pdf(10)).await).await;
    for (body, field) in [
        (json!({"entryId": mine, "org": "nope"}), "org"),
        (json!({"entryId": "nope", "org": ORG}), "entryId"),
        (
            json!({"entryId": mine, "org": ORG, "documents": [theirs["id"]]}),
            "documents",
        ),
        (
            json!({"entryId": mine, "org": ORG, "message": "x".repeat(2001)}),
            "message",
        ),
        (
            json!({"entryId": mine, "org": ORG, "documents": (0..21).map(|i| format!("d{i}")).collect::<Vec<_>>()}),
            "documents",
        ),
    ] {
        let problem = assert_problem(ask(app, &citizen, body.clone()).await, 422).await;
        assert_eq!(problem["field"], field, "{body}");
    }
    assert_problem(ask(app, &citizen, json!({"entryId": mine})).await, 422).await;
    // Another citizen cannot ask about my entry, nor see or withdraw my request.
    let problem = assert_problem(
        ask(app, &other, json!({"entryId": mine, "org": ORG})).await,
        422,
    )
    .await;
    assert_eq!(problem["field"], "entryId");
    let res = ask(app, &citizen, json!({"entryId": mine, "org": ORG})).await;
    let request: Value = res.json().await.unwrap();
    let id = request["id"].as_str().unwrap();
    assert_problem(
        app.get(
            &format!("/wallet/certification-requests/{id}"),
            Some(&other),
        )
        .await,
        404,
    )
    .await;
    let res = app
        .client
        .delete(app.url(&format!("/wallet/certification-requests/{id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_problem(res, 404).await;
    // Withdrawn by its citizen: no longer decidable.
    let res = app
        .client
        .delete(app.url(&format!("/wallet/certification-requests/{id}")))
        .bearer_auth(&citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/certification-requests/{id}/approve"),
            Some(&s.key),
            &json!({"templateId": s.template, "subject": graduate()}),
        )
        .await;
    let problem = assert_problem(res, 409).await;
    assert_eq!(problem["state"], "cancelled");
    let res = app
        .client
        .delete(app.url(&format!("/wallet/certification-requests/{id}")))
        .bearer_auth(&citizen)
        .send()
        .await
        .unwrap();
    assert_problem(res, 409).await;
    assert_problem(
        app.get(
            &format!("/orgs/{ORG}/certification-requests?state=maybe"),
            Some(&s.key),
        )
        .await,
        400,
    )
    .await;
    s.app.stop().await;
}
