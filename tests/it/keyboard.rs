//! Every main page tried with the keyboard alone, in a real browser: Tab
//! goes through the whole page (skip link, header, navigation, content,
//! footer) and every stop is on screen with a visible focus. Citizen,
//! invited person's entry, organisation console and employer pages.

use crate::archive::accredit;
use crate::browser::{assert_steps, run_steps};
use crate::offers::token_of;
use crate::verify::Issuer;
use serde_json::{json, Value};

#[tokio::test]
async fn every_main_page_can_be_gone_through_with_the_keyboard() {
    let issuer = Issuer::new(&[]).await;
    accredit(&issuer).await;
    let app = &issuer.app;
    let slug = "univ-a";
    // A template and a link offer, through the API (the console's own
    // forms are driven in the scenario test).
    let res = app
        .post_json(
            &format!("/orgs/{slug}/templates"),
            Some(&issuer.key),
            &crate::offers::diploma_template(),
        )
        .await;
    assert_eq!(res.status(), 201);
    let template: Value = res.json().await.unwrap();
    let res = app
        .post_json(
            &format!("/orgs/{slug}/offers"),
            Some(&issuer.key),
            &json!({"templateId": template["id"], "subject": crate::offers::graduate()}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let offer = token_of(&res.json().await.unwrap());

    let mut steps = vec![
        json!({"as": "citizen"}),
        json!({"goto": "/signup"}),
        json!({"fill": {"label": "Votre nom"}, "value": "Camille Martin"}),
        json!({"fill": {"label": "Adresse e-mail"}, "value": "camille@example.org"}),
        json!({"fill": {"label": "Mot de passe", "exact": true}, "value": "correct horse battery"}),
        json!({"fill": {"label": "Confirmez le mot de passe"}, "value": "correct horse battery"}),
        json!({"click": {"role": "button", "name": "Créer mon portfolio"}}),
        json!({"goto": format!("/me/offers/{offer}")}),
        json!({"tabAll": "offer"}),
        json!({"click": {"role": "button", "name": "Accepter et ranger dans mon portfolio"}}),
        json!({"tabAll": "credential"}),
        json!({"click": {"role": "link", "name": "Partager", "exact": true}}),
        json!({"fill": {"label": "Nom du partage"}, "value": "Candidature"}),
        json!({"click": {"role": "button", "name": "Créer le lien"}}),
        json!({"tabAll": "share"}),
        json!({"save": "share", "label": "Adresse à transmettre"}),
    ];
    for path in [
        "/",
        "/me",
        "/me/credentials",
        "/me/credentials/import",
        "/me/entries",
        "/me/entries/new?kind=language",
        "/me/documents",
        "/me/offers",
        "/me/shares",
        "/me/shares/new",
        "/me/invitations",
        "/me/invitations/new",
        "/me/endorsements",
        "/me/requests",
        "/me/requests/new",
        "/me/account",
    ] {
        steps.push(json!({"goto": path}));
        steps.push(json!({"tabAll": path}));
    }
    // The employer.
    steps.extend([
        json!({"as": "employer"}),
        json!({"goto": "/verify"}),
        json!({"tabAll": "/verify"}),
        json!({"goto": "${share}"}),
        json!({"tabAll": "/s/"}),
        json!({"goto": "/login"}),
        json!({"tabAll": "/login"}),
        json!({"goto": "/signup"}),
        json!({"tabAll": "/signup"}),
    ]);
    // The organisation.
    steps.extend([
        json!({"as": "organisation"}),
        json!({"goto": "/console/login"}),
        json!({"tabAll": "/console/login"}),
        json!({"fill": {"label": "Clé d’API ou jeton d’administration"}, "value": issuer.key}),
        json!({"click": {"role": "button", "name": "Ouvrir la console"}}),
    ]);
    for page in [
        "",
        "/templates",
        "/templates/new",
        "/batches/new",
        "/credentials",
        "/offers",
        "/requests",
        "/api-keys",
        "/keys",
    ] {
        let path = format!("/console/orgs/{slug}{page}");
        steps.push(json!({"goto": path}));
        steps.push(json!({"tabAll": path}));
    }
    let report = run_steps(
        &app.base,
        json!({"width": 1280, "height": 900}),
        Value::Array(steps),
    )
    .await;
    assert_steps("keyboard", &report);
    let pages = report["tabAll"].as_object().unwrap();
    assert_eq!(pages.len(), 3 + 16 + 4 + 1 + 9, "{:?}", pages.keys());
    // Each page starts with the skip link, and its content is reachable.
    for (page, stops) in pages {
        let first = &stops[0];
        assert!(
            first["text"] == "Aller au contenu",
            "{page}: the first Tab stop is {first}"
        );
    }
}
