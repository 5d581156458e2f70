//! The directory of organisations in a real browser (Debian's chromium):
//! a citizen finds "Université d'Orléans" by typing "universite d'orleans"
//! in a certification request, chooses it and sends the request; the
//! directory's pages pass axe in French and English.

use crate::browser::{assert_steps, run_steps};
use crate::common::*;
use serde_json::{json, Value};

async fn organisations(app: &TestApp) {
    for body in [
        json!({"slug": "univ-orleans", "name_fr": "Université d'Orléans", "name_en": "University of Orléans",
               "town": "Orléans", "kind": "university", "website": "https://www.univ-orleans.fr",
               "description": "Université pluridisciplinaire de la région Centre-Val de Loire.",
               "accreditation": "Certificateur RNCP, arrêté du 12 mars 2024"}),
        json!({"slug": "univ-tours", "name_fr": "Université de Tours", "name_en": "University of Tours",
               "town": "Tours", "kind": "university"}),
    ] {
        let res = app.post_json("/admin/orgs", Some(ADMIN_TOKEN), &body).await;
        assert_eq!(res.status(), 201);
    }
}

#[tokio::test]
async fn a_citizen_finds_the_university_by_its_name_and_sends_a_certification_request() {
    let app = TestApp::spawn().await;
    organisations(&app).await;
    let steps = json!([
        {"goto": "/signup"},
        {"fill": {"label": "Votre nom"}, "value": "Inès Martin"},
        {"fill": {"label": "Adresse e-mail"}, "value": "ines@example.org"},
        {"fill": {"label": "Mot de passe", "exact": true}, "value": "correct horse battery"},
        {"fill": {"label": "Confirmez le mot de passe"}, "value": "correct horse battery"},
        {"click": {"role": "button", "name": "Créer mon portfolio"}},
        {"goto": "/me/entries/new?kind=education"},
        {"fill": {"label": "Diplôme ou formation"}, "value": "Master Informatique"},
        {"fill": {"label": "Établissement"}, "value": "Université d'Orléans"},
        {"fill": {"label": "Début"}, "value": "2010"},
        {"fill": {"label": "Fin"}, "value": "2012"},
        {"click": {"role": "button", "name": "Enregistrer"}},
        {"goto": "/me/requests/new"},
        {"fill": {"label": "Rechercher l’organisme par son nom"}, "value": "universite d'orleans"},
        {"click": {"role": "button", "name": "Rechercher", "exact": true}},
        {"expect": ["Un organisme trouvé", "Université d'Orléans"]},
        {"forbid": ["Université de Tours"]},
        {"axe": "request-search-fr"},
        {"click": {"role": "button", "name": "Choisir Université d'Orléans"}},
        {"expect": ["Organisme choisi", "Université d'Orléans"]},
        {"select": {"label": "Étape à certifier"}, "value": "Master Informatique (Formation)"},
        {"fill": {"label": "Message pour l’organisme"}, "value": "Diplôme obtenu en 2012, merci."},
        {"click": {"role": "button", "name": "Envoyer la demande"}},
        {"expect": ["La demande est envoyée.", "Université d'Orléans"]},
        {"screenshot": "directory-request-sent-fr.png"},
    ]);
    let report = run_steps(&app.base, json!({"width": 390, "height": 844}), steps).await;
    assert_steps("certification request from the directory", &report);
    assert_eq!(
        crate::offers::count_rows(&app, "certification_requests").await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn the_directory_pages_pass_axe_in_french_and_english() {
    let app = TestApp::spawn().await;
    organisations(&app).await;
    let mut steps: Vec<Value> = vec![
        json!({"goto": "/organisations"}),
        json!({"expect": ["Annuaire des organismes", "Université de Tours"]}),
        json!({"fill": {"label": "Nom de l’organisme"}, "value": "UNIVERSITÉ orleans"}),
        json!({"click": {"role": "button", "name": "Rechercher", "exact": true}}),
        json!({"expect": ["Un organisme trouvé", "Accrédité"]}),
        json!({"forbid": ["Université de Tours"]}),
        json!({"axe": "directory-fr"}),
        json!({"screenshot": "directory-fr.png"}),
        json!({"click": {"role": "link", "name": "Université d'Orléans"}}),
        json!({"expect": ["Certificateur RNCP, arrêté du 12 mars 2024", "Identifiant (DID)"]}),
        json!({"axe": "directory-org-fr"}),
        json!({"screenshot": "directory-org-fr.png"}),
        json!({"click": {"role": "link", "name": "English"}}),
        json!({"expect": ["University of Orléans", "Accredited", "Identifier (DID)"]}),
        json!({"axe": "directory-org-en"}),
        json!({"goto": "/organisations?kind=university"}),
        json!({"expect": ["2 organisations found", "Not in the regional registry"]}),
        json!({"axe": "directory-en"}),
        json!({"screenshot": "directory-en.png"}),
        json!({"goto": "/organisations/univ-tours"}),
        json!({"expect": ["verifiers will warn"]}),
        json!({"axe": "directory-org-unaccredited-en"}),
    ];
    steps.push(json!({"click": {"role": "link", "name": "Français"}}));
    steps.push(json!({"expect": ["Hors registre régional"]}));
    let report = run_steps(
        &app.base,
        json!({"width": 1280, "height": 900}),
        Value::Array(steps),
    )
    .await;
    assert_steps("directory pages", &report);
    assert_eq!(report["axe"].as_object().unwrap().len(), 5);
    app.stop().await;
}
