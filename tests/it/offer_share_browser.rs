//! Two people of issue 16 in a real browser, in French and English: a
//! graduate without an account opens an offer's link, signs up, confirms
//! their address from the mail (read from the outbox, opened in a fresh
//! browser) and accepts; an employer opens a share with a diploma, an
//! endorsement and a language grid (axe clean).

use crate::browser::{assert_steps, run_steps};
use crate::common::*;
use crate::offer_onboarding::accredit;
use crate::offers::{count_rows, token_of, Setup};
use crate::share_view::{employer_share, LABEL};
use crate::verify::Issuer;
use serde_json::{json, Value};

struct Words {
    waiting: &'static str,
    offers_you: &'static str,
    create: &'static str,
    name: &'static str,
    email: &'static str,
    password: &'static str,
    password2: &'static str,
    verify_first: &'static str,
    confirm_hint: &'static str,
    confirm: &'static str,
    confirmed: &'static str,
    log_in: &'static str,
    accept: &'static str,
    accepted: &'static str,
}

const FR: Words = Words {
    waiting: "Un justificatif vous attend",
    offers_you: "Université Exemple vous propose « Diplôme national de master ».",
    create: "Créer mon portfolio",
    name: "Votre nom",
    email: "Adresse e-mail",
    password: "Mot de passe",
    password2: "Confirmez le mot de passe",
    verify_first: "Confirmez d’abord votre adresse e-mail",
    confirm_hint: "Une fois votre adresse confirmée",
    confirm: "Confirmer mon adresse",
    confirmed: "Adresse confirmée",
    log_in: "Se connecter",
    accept: "Accepter et ranger dans mon portfolio",
    accepted: "Le justificatif est dans votre portfolio.",
};

const EN: Words = Words {
    waiting: "A credential awaits you",
    offers_you: "Example University offers you “National master's degree”.",
    create: "Create my portfolio",
    name: "Your name",
    email: "Email address",
    password: "Password",
    password2: "Confirm the password",
    verify_first: "First confirm your email address",
    confirm_hint: "Once your address is confirmed",
    confirm: "Confirm my address",
    confirmed: "Address confirmed",
    log_in: "Log in",
    accept: "Accept and keep in my portfolio",
    accepted: "The credential is in your portfolio.",
};

/// The path of the confirmation link mailed to `email`.
async fn mailed_link(app: &TestApp, email: &str) -> String {
    let mail = app
        .store()
        .mail_to(email)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.kind == "verify-email")
        .expect("a confirmation mail");
    let start = mail.body.find("/account/verify-email?").unwrap();
    mail.body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

/// A fresh browser in `lang` (the language switch, clicked once).
fn in_language(lang: &str) -> Vec<Value> {
    if lang == "en" {
        vec![
            json!({"goto": "/login"}),
            json!({"click": {"role": "link", "name": "English"}}),
        ]
    } else {
        Vec::new()
    }
}

#[tokio::test]
async fn a_graduate_without_an_account_receives_an_offer_in_french_and_english() {
    let setup = Setup::new(&[]).await;
    let app = &setup.app;
    accredit(&setup).await;
    // The template's English name has an apostrophe: make the French one
    // the test of « » and the English one the test of “ ” (and ’).
    for (lang, words, email) in [
        ("fr", FR, "renee@example.org"),
        ("en", EN, "rene@example.org"),
    ] {
        let token = token_of(&setup.offer(json!({"email": email})).await);
        let offer = format!("/me/offers/{token}");
        // The QR code's link, on a phone without an account.
        let mut first = in_language(lang);
        first.extend([
            json!({"goto": format!("/offers/{token}")}),
            json!({"url": "/login?next="}),
            json!({"expect": [words.waiting, words.offers_you]}),
            json!({"axe": format!("login-offer-{lang}")}),
            json!({"screenshot": format!("login-offer-{lang}.png")}),
            json!({"click": {"role": "link", "name": words.create}}),
            json!({"url": "/signup?next="}),
            json!({"expect": [words.waiting, words.offers_you]}),
            json!({"axe": format!("signup-offer-{lang}")}),
            json!({"fill": {"label": words.name}, "value": "Renée Dupont"}),
            json!({"fill": {"label": words.email}, "value": email}),
            json!({"fill": {"label": words.password, "exact": true}, "value": "correct horse battery"}),
            json!({"fill": {"label": words.password2}, "value": "correct horse battery"}),
            json!({"click": {"role": "button", "name": words.create}}),
            json!({"url": offer}),
            json!({"expect": [words.verify_first]}),
        ]);
        let report = run_steps(
            &app.base,
            json!({"width": 390, "height": 844}),
            Value::Array(first),
        )
        .await;
        assert_steps("offer sign-up", &report);
        // The mail, opened on another device.
        let link = mailed_link(app, email).await;
        assert!(link.contains("&next=%2Fme%2Foffers%2F"), "{link}");
        let mut second = in_language(lang);
        second.extend([
            json!({"goto": link}),
            json!({"expect": [words.offers_you, words.confirm_hint]}),
            json!({"click": {"role": "button", "name": words.confirm}}),
            json!({"expect": [words.confirmed, words.waiting]}),
            json!({"axe": format!("confirmed-offer-{lang}")}),
            json!({"click": {"role": "link", "name": words.log_in}}),
            json!({"url": "/login?next="}),
            json!({"fill": {"label": words.email}, "value": email}),
            json!({"fill": {"label": words.password, "exact": true}, "value": "correct horse battery"}),
            json!({"click": {"role": "button", "name": words.log_in}}),
            json!({"url": offer}),
            json!({"expect": ["Master Informatique"]}),
            json!({"click": {"role": "button", "name": words.accept}}),
            json!({"expect": [words.accepted]}),
            json!({"url": "/me/credentials/"}),
        ]);
        let report = run_steps(
            &app.base,
            json!({"width": 390, "height": 844}),
            Value::Array(second),
        )
        .await;
        assert_steps("offer confirmed and accepted", &report);
    }
    assert_eq!(count_rows(app, "holdings").await, 2);
}

#[tokio::test]
async fn an_employer_reads_a_share_in_french_and_english() {
    let issuer = Issuer::new(&[]).await;
    let path = employer_share(&issuer).await;
    let steps = json!([
        {"goto": format!("{path}?lang=fr")},
        {"expect": ["Délivré par", "Université A", "Mention", "3 juillet 2026", "RNCP39512",
                    "Études et développement informatique", "Prendre part à une conversation",
                    "Trois ans à mes côtés", "Nadia Benali", "Signature de l’auteur vérifiée"]},
        {"forbid": [LABEL]},
        {"axe": "share-fr"},
        {"screenshot": "employer-share-fr.png"},
        {"goto": format!("{path}?lang=en")},
        {"expect": ["Issued by", "University A", "Grade", "3 July 2026", "Spoken interaction",
                    "Author’s signature verified"]},
        {"forbid": [LABEL]},
        {"axe": "share-en"},
        {"screenshot": "employer-share-en.png"},
    ]);
    let report = run_steps(
        &issuer.app.base,
        json!({"width": 1280, "height": 900}),
        steps,
    )
    .await;
    assert_steps("employer share", &report);
    assert_eq!(report["axe"].as_object().unwrap().len(), 2);
}
