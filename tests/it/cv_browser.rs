//! Issue 17 in a real browser (Debian's chromium), in French and English:
//! a graduate builds a CV aimed at a developer's job from the suggested
//! lines, previews it, downloads the PDF; the PDF's QR codes are decoded
//! (zbar) and an employer opens the diploma's line on a phone: valid; the
//! university revokes the diploma and the same line's page says so. The
//! pages pass axe; screenshots of each step.

use crate::archive::accredit;
use crate::browser::{assert_steps, run_steps, screenshots};
use crate::common::*;
use crate::cvs::{pdf_tools, portfolio, read_back};
use crate::verify::Issuer;
use serde_json::{json, Value};

struct Words {
    email: &'static str,
    password: &'static str,
    log_in: &'static str,
    cv_name: &'static str,
    job: &'static str,
    code: &'static str,
    next: &'static str,
    same_code: &'static str,
    create: &'static str,
    preview: &'static str,
    download: &'static str,
    edit: &'static str,
    profile: &'static str,
    valid: &'static str,
    revoked: &'static str,
}

const FR: Words = Words {
    email: "Adresse e-mail",
    password: "Mot de passe",
    log_in: "Se connecter",
    cv_name: "Nom du CV",
    job: "Le métier, en mots",
    code: "Code du métier",
    next: "Continuer",
    same_code: "Même code ROME : M1805",
    create: "Créer le CV",
    preview: "Aperçu",
    download: "Télécharger le PDF",
    edit: "Modifier",
    profile: "Ma page publique",
    valid: "Authentique, valide et à jour",
    revoked: "L’émetteur a révoqué ce justificatif.",
};

const EN: Words = Words {
    email: "Email address",
    password: "Password",
    log_in: "Log in",
    cv_name: "Name of the CV",
    job: "The job, in words",
    code: "Job code",
    next: "Continue",
    same_code: "Same ROME code: M1805",
    create: "Create the CV",
    preview: "Preview",
    download: "Download the PDF",
    edit: "Edit",
    profile: "My public page",
    valid: "Authentic, valid and current",
    revoked: "The issuer has revoked this credential.",
};

#[tokio::test]
async fn a_graduate_prints_a_cv_whose_lines_an_employer_verifies_in_french_and_english() {
    if !pdf_tools() {
        return;
    }
    for (lang, w) in [("fr", FR), ("en", EN)] {
        let issuer = Issuer::new(&[]).await;
        let app = &issuer.app;
        accredit(&issuer).await;
        let email = format!("camille-{lang}@example.org");
        let p = portfolio(&issuer, &email).await;
        let pdf_path = screenshots().join(format!("cv-downloaded-{lang}.pdf"));
        let mut steps: Vec<Value> = Vec::new();
        if lang == "en" {
            steps.extend([
                json!({"goto": "/login"}),
                json!({"click": {"role": "link", "name": "English"}}),
            ]);
        }
        steps.extend([
            json!({"goto": "/login"}),
            json!({"fill": {"label": w.email}, "value": email}),
            json!({"fill": {"label": w.password, "exact": true}, "value": CITIZEN_PASSWORD}),
            json!({"click": {"role": "button", "name": w.log_in}}),
            json!({"goto": "/me/cvs"}),
            json!({"axe": format!("cvs-{lang}")}),
            json!({"fill": {"label": w.cv_name}, "value": "Développeuse – Tours"}),
            json!({"fill": {"label": w.job}, "value": "Développeur informatique"}),
            json!({"fill": {"label": w.code}, "value": "M1805"}),
            json!({"click": {"role": "button", "name": w.next}}),
            // The suggestions, with their reasons; the citizen keeps them.
            json!({"expect": [w.same_code, "Développeuse logiciel", "Master Informatique"]}),
            json!({"axe": format!("cv-suggestions-{lang}")}),
            json!({"screenshot": format!("cv-suggestions-{lang}.png"), "full": false}),
            json!({"click": {"role": "button", "name": w.create}}),
            json!({"goto": "/me/cvs"}),
            json!({"click": {"role": "link", "name": w.preview}}),
            json!({"expect": ["Camille Lefèvre", "Master Informatique", "Développeuse logiciel", "Nadia Benali"]}),
            json!({"forbid": ["Soudure", "Aide-soignante"]}),
            json!({"axe": format!("cv-preview-{lang}")}),
            json!({"screenshot": format!("cv-preview-{lang}.png")}),
            json!({"download": {"role": "button", "name": w.download}, "path": pdf_path.to_str().unwrap()}),
            // The editor lists every line of the wallet; the public page's
            // settings too.
            json!({"goto": "/me/cvs"}),
            json!({"click": {"role": "link", "name": w.edit}}),
            json!({"expect": ["Développeuse – Tours", "Master Informatique", "Soudure à l’arc"]}),
            json!({"axe": format!("cv-edit-{lang}")}),
            json!({"goto": "/me/profile"}),
            json!({"expect": [w.profile, "Master Informatique"]}),
            json!({"axe": format!("profile-{lang}")}),
            json!({"screenshot": format!("profile-settings-{lang}.png"), "full": false}),
        ]);
        let report = run_steps(
            &app.base,
            json!({"width": 1280, "height": 900}),
            json!(steps),
        )
        .await;
        assert_steps(&format!("cv ({lang})"), &report);

        // The downloaded PDF, read back: its codes.
        let pdf = std::fs::read(&pdf_path).expect("the PDF was downloaded");
        let r = read_back(&pdf);
        assert!(r.text.contains("Master Informatique"), "{}", r.text);
        let cvs: Value = app
            .get("/wallet/cvs", Some(&p.token))
            .await
            .json()
            .await
            .unwrap();
        let online = cvs["items"][0]["online"]["url"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(r.codes.contains(&online), "{:?}", r.codes);
        let line = r
            .codes
            .iter()
            .find(|c| c.starts_with(&format!("{online}/")))
            .expect("the diploma's code")
            .strip_prefix(&app.base)
            .unwrap()
            .to_owned();

        // The employer scans it with a phone: valid.
        let employer = |expect: &str, shot: String| {
            json!([
                {"as": "employer"},
                {"goto": format!("{line}?lang={lang}")},
                {"expect": ["Master Informatique", expect]},
                {"axe": shot.trim_end_matches(".png")},
                {"screenshot": shot},
            ])
        };
        let report = run_steps(
            &app.base,
            json!({"width": 390, "height": 844}),
            employer(w.valid, format!("cv-line-valid-{lang}.png")),
        )
        .await;
        assert_steps(&format!("employer ({lang})"), &report);
        // The university revokes the diploma: the same code says so.
        issuer.set_status(&p.issued, "revocation", true).await;
        let report = run_steps(
            &app.base,
            json!({"width": 390, "height": 844}),
            employer(w.revoked, format!("cv-line-revoked-{lang}.png")),
        )
        .await;
        assert_steps(&format!("employer after revocation ({lang})"), &report);
        issuer.app.stop().await;
    }
}
