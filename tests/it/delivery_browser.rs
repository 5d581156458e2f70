//! Delivery of bulk issuance in a real browser (Debian's chromium,
//! headless), each person in a browser of their own, through the pages:
//!
//! 1. a registrar uploads a CSV of five graduates with e-mails in the
//!    console (French) and watches the delivery;
//! 2. two graduates with accounts open the link of their e-mail, log in
//!    and accept (one in French, one in English): the diploma lands in
//!    their wallet, and the link then says it was accepted (never "this
//!    link was withdrawn"); a third, without an account, creates her
//!    portfolio from the link, confirms her address from the mail and lands
//!    on the diploma, which she accepts; a fourth declines;
//! 3. the registrar sees the statuses (English), withdraws the fifth
//!    graduate's offer, and reads the counts in French.

use crate::browser::{assert_steps, run_steps, run_steps_kept};
use crate::common::*;
use crate::offers::{count_rows, verify_email, ORG};
use crate::status_reclaim::RawDb;
use serde_json::{json, Value};

fn link_in(app: &TestApp, body: &str) -> String {
    let start = body.find("/offers/").expect("an offer link");
    let token: String = body[start + "/offers/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("{}/offers/{token}", app.base)
}

async fn mailed_link(app: &TestApp, email: &str) -> String {
    let mail = app
        .store()
        .mail_to(email)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.kind == "offer")
        .unwrap_or_else(|| panic!("no offer mail to {email}"));
    link_in(app, &mail.body)
}

fn log_in(email: &str, french: bool) -> Vec<Value> {
    let (label_email, label_password, submit) = if french {
        ("Adresse e-mail", "Mot de passe", "Se connecter")
    } else {
        ("Email address", "Password", "Log in")
    };
    vec![
        json!({"fill": {"label": label_email}, "value": email}),
        json!({"fill": {"label": label_password, "exact": true}, "value": CITIZEN_PASSWORD}),
        json!({"click": {"role": "button", "name": submit, "exact": true}}),
    ]
}

#[tokio::test]
async fn a_registrar_delivers_diplomas_and_graduates_accept_or_decline_by_mail() {
    let s = crate::offers::Setup::new(&[]).await;
    let app = &s.app;
    for email in ["lea@example.org", "sam@example.org", "noe@example.org"] {
        app.sign_up(email).await;
        verify_email(app, email).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("promotion-2026.csv");
    std::fs::write(
        &file,
        "reference,email,givenName,familyName,degree.type,degree.name,degree.eqfLevel,degree.awardedOn\n\
         M2-001,lea@example.org,Léa,Martin,Diploma,Master Informatique,7,2026-07-03\n\
         M2-002,sam@example.org,Sam,Durand,Diploma,Master Informatique,7,2026-07-03\n\
         M2-003,noe@example.org,Noé,Petit,Diploma,Master Informatique,7,2026-07-03\n\
         M2-004,ines@example.org,Inès,Roux,Diploma,Master Informatique,7,2026-07-03\n\
         M2-005,tom@example.org,Tom,Blanc,Diploma,Master Informatique,7,2026-07-03\n",
    )
    .unwrap();
    let console_login = |lang: &str| {
        vec![
            json!({"goto": format!("/console?lang={lang}")}),
            json!({"fill": {"label": if lang == "fr" { "Clé d’API ou jeton d’administration" } else { "API key or admin token" }}, "value": s.key}),
            json!({"click": {"role": "button", "name": if lang == "fr" { "Ouvrir la console" } else { "Open the console" }}}),
        ]
    };

    // 1. The registrar uploads the file and watches the delivery.
    let mut steps = vec![json!({"as": "registrar"})];
    steps.extend(console_login("fr"));
    steps.extend([
        json!({"goto": format!("/console/orgs/{ORG}/batches/new")}),
        json!({"select": {"label": "Modèle", "exact": true}, "value": "Diplôme national de master"}),
        json!({"upload": {"label": "Fichier CSV"}, "path": file.to_str().unwrap()}),
        json!({"expect": ["Envoyer les offres par e-mail", "Langue des e-mails"]}),
        json!({"click": {"role": "button", "name": "Lancer l’émission"}}),
        json!({"expect": ["Émission lancée."]}),
        json!({"reload": true}),
        json!({"expect": ["Remise aux titulaires", "en file d’envoi", "lea@example.org", "Renvoyer toutes les offres en attente"]}),
        json!({"axe": "batch-delivery-fr"}),
        json!({"screenshot": "delivery-1-batch.png"}),
    ]);
    let report = run_steps(
        &app.base,
        json!({"width": 1280, "height": 900}),
        json!(steps),
    )
    .await;
    assert_steps("registrar uploads", &report);
    assert_eq!(count_rows(app, "offers").await, 5);
    // The mails leave.
    atout_core::mail::drain_outbox(
        app.store().as_ref(),
        app.clock.as_ref(),
        &atout_core::mail::Mailer::Log,
    )
    .await;
    let raw = RawDb::open(&app.db).await;
    let batch = raw.strings("SELECT id FROM batches").await.remove(0);
    raw.close().await;
    let batch_page = format!("/console/orgs/{ORG}/batches/{batch}");

    // 2. The graduates, from the link of their e-mail.
    let lea = mailed_link(app, "lea@example.org").await;
    let sam = mailed_link(app, "sam@example.org").await;
    let noe = mailed_link(app, "noe@example.org").await;
    let mut steps = vec![json!({"as": "lea"}), json!({"goto": lea})];
    steps.extend(log_in("lea@example.org", true));
    steps.extend([
        json!({"expect": ["Diplôme national de master", "Léa"]}),
        json!({"click": {"role": "button", "name": "Accepter et ranger dans mon portfolio"}}),
        json!({"expect": ["Le justificatif est dans votre portfolio."]}),
        json!({"goto": lea}),
        json!({"expect": ["Vous avez accepté cette attestation", "Voir mes justificatifs"]}),
        json!({"forbid": ["Ce lien a été retiré"]}),
        json!({"axe": "offer-accepted-fr"}),
        json!({"as": "sam"}),
        json!({"goto": "/?lang=en"}),
        json!({"goto": sam}),
    ]);
    steps.extend(log_in("sam@example.org", false));
    steps.extend([
        json!({"expect": ["National master's degree", "Sam"]}),
        json!({"click": {"role": "button", "name": "Accept and keep in my portfolio"}}),
        json!({"expect": ["The credential is in your portfolio."]}),
        json!({"goto": sam}),
        json!({"expect": ["You accepted this credential", "See my credentials"]}),
        json!({"forbid": ["This link was withdrawn", "Ce lien a été retiré"]}),
        json!({"axe": "offer-accepted-en"}),
        json!({"as": "noe"}),
        json!({"goto": noe}),
    ]);
    steps.extend(log_in("noe@example.org", true));
    steps.extend([
        json!({"expect": ["Noé"]}),
        json!({"click": {"role": "button", "name": "Refuser", "exact": true}}),
        json!({"expect": ["L’offre a été refusée."]}),
        json!({"goto": noe}),
        json!({"expect": ["Cette offre a été refusée."]}),
    ]);
    let report = run_steps(
        &app.base,
        json!({"width": 390, "height": 844}),
        json!(steps),
    )
    .await;
    assert_steps("graduates", &report);
    assert_eq!(count_rows(app, "holdings").await, 2);

    // Inès has no account: the link's login page says a diploma awaits her;
    // she creates her portfolio from there, on her phone.
    let ines = mailed_link(app, "ines@example.org").await;
    let kept = tempfile::tempdir().unwrap();
    let steps = vec![
        json!({"as": "ines"}),
        json!({"goto": ines}),
        json!({"expect": ["Un justificatif vous attend", "Diplôme national de master"]}),
        json!({"click": {"role": "link", "name": "Créer mon portfolio"}}),
        json!({"expect": ["Un justificatif vous attend"]}),
        json!({"fill": {"label": "Votre nom"}, "value": "Inès Roux"}),
        json!({"fill": {"label": "Adresse e-mail"}, "value": "ines@example.org"}),
        json!({"fill": {"label": "Mot de passe", "exact": true}, "value": CITIZEN_PASSWORD}),
        json!({"fill": {"label": "Confirmez le mot de passe"}, "value": CITIZEN_PASSWORD}),
        json!({"click": {"role": "button", "name": "Créer mon portfolio"}}),
        json!({"url": "/me/offers/"}),
        json!({"forbid": ["Accepter et ranger dans mon portfolio"]}),
        json!({"screenshot": "delivery-ines-1-confirm-first.png"}),
    ];
    let report = run_steps_kept(
        &app.base,
        json!({"width": 390, "height": 844}),
        json!(steps),
        Some(kept.path()),
    )
    .await;
    assert_steps("ines signs up", &report);
    // She opens the confirmation mail on the same phone: the link brings
    // her back to the diploma, which she accepts.
    let confirm = crate::offer_onboarding::mailed_link(app, "ines@example.org").await;
    let steps = vec![
        json!({"as": "ines"}),
        json!({"goto": confirm}),
        json!({"click": {"role": "button", "name": "Confirmer mon adresse"}}),
        json!({"url": "/me/offers/"}),
        json!({"expect": ["Diplôme national de master", "Inès"]}),
        json!({"axe": "offer-after-signup-fr"}),
        json!({"click": {"role": "button", "name": "Accepter et ranger dans mon portfolio"}}),
        json!({"expect": ["Le justificatif est dans votre portfolio."]}),
        json!({"screenshot": "delivery-ines-2-accepted.png"}),
    ];
    let report = run_steps_kept(
        &app.base,
        json!({"width": 390, "height": 844}),
        json!(steps),
        Some(kept.path()),
    )
    .await;
    assert_steps("ines confirms and accepts", &report);
    assert_eq!(count_rows(app, "holdings").await, 3);

    // 3. The registrar: statuses in English, withdraws Inès's offer, then
    // the counts in French.
    let mut steps = vec![json!({"as": "registrar"})];
    steps.extend(console_login("en"));
    steps.extend([
        json!({"goto": format!("{batch_page}?lang=en")}),
        json!({"expect": ["Delivery to holders", "accepted", "declined", "tom@example.org"]}),
        json!({"click": {"role": "button", "name": "Withdraw — M2-005"}}),
        json!({"expect": ["Offers withdrawn: their links no longer work."]}),
        json!({"axe": "batch-delivery-en"}),
        json!({"goto": format!("{batch_page}?lang=fr")}),
        json!({"expect": ["acceptés", "refusés", "retirés"]}),
        json!({"forbid": ["Renvoyer toutes les offres en attente"]}),
        json!({"screenshot": "delivery-2-counts.png"}),
    ]);
    let report = run_steps(
        &app.base,
        json!({"width": 1280, "height": 900}),
        json!(steps),
    )
    .await;
    assert_steps("registrar follows up", &report);
    let summary: Value = app
        .get(
            &format!("/orgs/{ORG}/batches/{batch}/delivery"),
            Some(&s.key),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        summary["counts"],
        json!({"queued": 0, "sent": 0, "opened": 0, "accepted": 3, "declined": 1,
               "expired": 0, "bounced": 0, "withdrawn": 1})
    );
    s.app.stop().await;
}
