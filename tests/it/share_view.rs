//! What an employer sees on a share's page (issue 16): for every entry its
//! kind and dates; for a certified one, the credential's issuer, grade and
//! award date (from the subject, not `validFrom`) and its framework code;
//! the entries' own framework codes with their labels, a language's CEFR
//! grid, endorsements with their authors and each one's own check. The
//! page is titled with the citizen's name; the share's private label
//! appears nowhere.

use crate::archive::{accredit, entry, import_credential};
use crate::common::*;
use crate::invitations::{as_invited, confirm, invite, link_path as invitation_path};
use crate::issue::diploma;
use crate::shares::{create, link_path};
use crate::verify::Issuer;
use serde_json::{json, Value};

pub const LABEL: &str = "Candidature secrète Boulangerie Dupont";
pub const HEADLINE: &str = "Développeuse Rust, cinq ans d’expérience";

/// A citizen's share with a certified diploma, an endorsed experience
/// with a ROME code, a language with its grid and a declared skill.
/// Returns the share's path.
pub async fn employer_share(issuer: &Issuer) -> String {
    let app = &issuer.app;
    accredit(issuer).await;
    let token = app.sign_up("camille@example.org").await;
    let res = app
        .client
        .patch(app.url("/wallet/me"))
        .bearer_auth(&token)
        .json(&json!({"headline": HEADLINE}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let issued = issuer.issue(diploma(app), json!({})).await;
    let holding = import_credential(
        app,
        &token,
        "application/json",
        serde_json::to_string(&issued).unwrap(),
    )
    .await;
    let education = entry(
        app,
        &token,
        json!({"kind": "education", "title": "Master Informatique", "organisation": "Université A",
               "startDate": "2024-09", "endDate": "2026-06", "holdingId": holding}),
    )
    .await;
    let experience = entry(
        app,
        &token,
        json!({"kind": "experience", "title": "Développeuse", "organisation": "Atelier Loire",
               "place": "Orléans", "startDate": "2022-01", "endDate": "2024-08",
               "details": {"frameworks": [
                   {"framework": "ROME", "code": "M1805", "label": "Études et développement informatique"},
                   {"framework": "ESCO", "code": "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"}
               ], "keywords": ["Rust", "PostgreSQL"]}}),
    )
    .await;
    let language = entry(
        app,
        &token,
        json!({"kind": "language", "title": "Anglais",
               "details": {"languageCode": "en", "cefr": {"listening": "C1", "reading": "C2",
                   "spokenInteraction": "B2", "spokenProduction": "B1", "writing": "A2"}}}),
    )
    .await;
    let skill = entry(app, &token, json!({"kind": "skill", "title": "Soudure"})).await;
    // A former manager endorses the experience.
    let invitation = invite(
        app,
        &token,
        json!({"email": "cadre@example.org", "role": "certifier", "entries": [experience]}),
    )
    .await;
    let path = invitation_path(&invitation);
    let session = confirm(app, &path, "cadre@example.org", "Nadia Benali").await;
    let res = as_invited(
        app,
        "POST",
        &format!("{path}/endorsements"),
        &session,
        Some(json!({"entryId": experience, "comment": "Trois ans à mes côtés : rigoureuse et inventive."})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let share = create(
        app,
        &token,
        json!({"label": LABEL, "credentials": [holding],
               "entries": [education, experience, language, skill]}),
    )
    .await;
    link_path(&share)
}

async fn page(app: &TestApp, path: &str, lang: &str) -> String {
    let res = app
        .client
        .get(app.url(&format!("{path}?lang={lang}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[track_caller]
fn expect_all(html: &str, texts: &[&str]) {
    for t in texts {
        assert!(html.contains(t), "expected {t:?} in:\n{html}");
    }
}

#[tokio::test]
async fn the_employer_sees_grades_codes_languages_and_endorsements_never_the_label() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let path = employer_share(&issuer).await;
    let fr = page(app, &path, "fr").await;
    expect_all(
        &fr,
        &[
            // The title: the citizen's name and headline.
            "<title>camille – Développeuse Rust, cinq ans d’expérience – ",
            "<h1 id=\"share-title\">camille</h1>",
            "<p class=\"headline\">Développeuse Rust, cinq ans d’expérience</p>",
            // Kinds and dates.
            "Formation",
            "Expérience",
            "Langue",
            "Compétence",
            "2024-09 – 2026-06",
            "2022-01 – 2024-08",
            // The diploma: its issuer (the registry's name), grade, award
            // date, level, RNCP code.
            "<dt>Délivré par</dt><dd>Université A</dd>",
            "<dt>Mention</dt><dd>Bien</dd>",
            "<dt>Obtenu le</dt><dd><time datetime=\"2026-07-03\">3 juillet 2026</time></dd>",
            "<dt>Niveau européen (CEC)</dt><dd>7</dd>",
            "RNCP RNCP39512",
            // The experience's codes with their labels (else the code).
            "ROME M1805</span> – Études et développement informatique",
            "ESCO http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",
            "Rust, PostgreSQL",
            // The CEFR grid.
            "<th scope=\"row\">Écouter</th><td>C1</td>",
            "<th scope=\"row\">Lire</th><td>C2</td>",
            "<th scope=\"row\">Prendre part à une conversation</th><td>B2</td>",
            "<th scope=\"row\">S’exprimer oralement en continu</th><td>B1</td>",
            "<th scope=\"row\">Écrire</th><td>A2</td>",
            // The endorsement, its author, its own check.
            "Trois ans à mes côtés : rigoureuse et inventive.",
            "<strong>Nadia Benali</strong>",
            "Signature de l’auteur vérifiée",
        ],
    );
    assert!(!fr.contains(LABEL) && !fr.contains("secrète"), "{fr}");
    let en = page(app, &path, "en").await;
    expect_all(
        &en,
        &[
            "<title>camille – Développeuse Rust, cinq ans d’expérience – ",
            "<dt>Issued by</dt><dd>University A</dd>",
            "<dt>Grade</dt><dd>Bien</dd>",
            "<dt>Awarded on</dt><dd><time datetime=\"2026-07-03\">3 July 2026</time></dd>",
            "<th scope=\"row\">Spoken interaction</th><td>B2</td>",
            "Author’s signature verified",
            "Education",
            "Experience",
        ],
    );
    assert!(!en.contains(LABEL), "{en}");
    // Software gets no label either.
    let res = app
        .client
        .post(app.url(&format!("{path}/presentation")))
        .json(&json!({"challenge": "c-1", "domain": "employeur.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let shared: Value = res.json().await.unwrap();
    assert!(!shared.to_string().contains(LABEL));
    assert_eq!(shared["headline"], HEADLINE);
    let endorsed = shared["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "Développeuse")
        .unwrap();
    assert_eq!(endorsed["trust"], "endorsed");
    assert_eq!(endorsed["endorsements"][0]["authorName"], "Nadia Benali");
    assert_eq!(
        endorsed["endorsements"][0]["credential"]["type"],
        json!(["VerifiableCredential", "EndorsementCredential"])
    );
}

#[tokio::test]
async fn a_forged_endorsement_is_shown_as_failing_its_check() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let path = employer_share(&issuer).await;
    // Someone with the database changes the words after signing.
    let store = app.store();
    let citizen = store
        .citizen_by_email("camille@example.org")
        .await
        .unwrap()
        .unwrap();
    let endorsement = store
        .citizen_endorsements(&citizen.id)
        .await
        .unwrap()
        .remove(0);
    let mut credential: Value = serde_json::from_str(&endorsement.credential).unwrap();
    credential["credentialSubject"]["endorsementComment"] = json!("La meilleure de toutes.");
    let sql = "UPDATE endorsements SET credential = $1, comment = $2 WHERE id = $3";
    let forged = credential.to_string();
    if app.db.is_postgres() {
        let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
        sqlx::query(sql)
            .bind(&forged)
            .bind("La meilleure de toutes.")
            .bind(&endorsement.id)
            .execute(&pool)
            .await
            .unwrap();
    } else {
        let pool = sqlx::SqlitePool::connect(&app.db.url).await.unwrap();
        sqlx::query(sql)
            .bind(&forged)
            .bind("La meilleure de toutes.")
            .bind(&endorsement.id)
            .execute(&pool)
            .await
            .unwrap();
    }
    let fr = page(app, &path, "fr").await;
    expect_all(
        &fr,
        &["La meilleure de toutes.", "Signature de l’auteur invalide"],
    );
    assert!(!fr.contains("Signature de l’auteur vérifiée"));
}

/// The same share in a real browser (Debian's chromium), as an employer
/// opens it from a QR code on a phone (French) and from a link on a
/// desktop (English): the verdict, the diploma's grade and award date, the
/// framework codes, the language grid and the endorsement with its author
/// and its check, without the private label; no accessibility violation.
#[tokio::test]
async fn an_employer_opens_the_share_in_a_browser_in_french_and_english() {
    use crate::browser::{assert_steps, run_steps};
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    let path = employer_share(&issuer).await;
    for (lang, viewport, expect, shot) in [
        (
            "fr",
            json!({"width": 390, "height": 844}),
            vec![
                "Authentique",
                HEADLINE,
                "Université A",
                "Bien",
                "3 juillet 2026",
                "ROME M1805",
                "Études et développement informatique",
                "Prendre part à une conversation",
                "Trois ans à mes côtés : rigoureuse et inventive.",
                "Nadia Benali",
                "Signature de l’auteur vérifiée",
            ],
            "employer-share-view-fr.png",
        ),
        (
            "en",
            json!({"width": 1280, "height": 900}),
            vec![
                "Authentic",
                HEADLINE,
                "University A",
                "Awarded on",
                "3 July 2026",
                "ROME M1805",
                "Spoken interaction",
                "Trois ans à mes côtés : rigoureuse et inventive.",
                "Nadia Benali",
                "Author’s signature verified",
            ],
            "employer-share-view-en.png",
        ),
    ] {
        let steps = json!([
            {"as": "employer"},
            {"goto": format!("{path}?lang={lang}")},
            {"expect": expect},
            {"forbid": [LABEL, "secrète"]},
            {"axe": format!("share-view-{lang}")},
            {"screenshot": shot},
        ]);
        let report = run_steps(&app.base, viewport, steps).await;
        assert_steps(&format!("employer ({lang})"), &report);
    }
}
