//! A registrar in a real browser (Debian's chromium), through the console
//! only: builds a diploma template with the builder (in French), uploads
//! the French Excel CSV of 200 graduates (Windows-1252, semicolons, dates
//! `jj/mm/aaaa`, decimal commas) with the award date typed once in the
//! form and a `Courriel` column, and watches the delivery: 200 offers
//! queued, then mailed; then the builder in English, checked with axe.

use crate::browser::{assert_steps, run_steps};
use crate::common::*;
use crate::csv_french::windows_1252;
use serde_json::{json, Value};

const ORG: &str = "univ-reg";

/// 200 graduates as Excel saves them, the columns named by the labels the
/// registrar typed in the builder.
fn promotion() -> (String, Vec<(String, Value)>) {
    let given = [
        "Élodie",
        "Inès",
        "Noémie",
        "Jérôme",
        "François",
        "Anaïs",
        "Benoît",
        "Gaëlle",
    ];
    let family = ["Lefèvre", "Œuvray", "Garçon", "N’Diaye", "Château"];
    let mut text = "Référence;Courriel;Prénom;Nom;Moyenne\r\n".to_owned();
    let mut expected = Vec::new();
    for i in 0..200 {
        let reference = format!("LP-2025-{i:03}");
        let g = given[i % given.len()];
        let f = format!("{} {i}", family[i % family.len()]);
        let (typed, mean) = if i % 2 == 0 {
            ("14,25", json!(14.25))
        } else {
            ("12", json!(12))
        };
        text.push_str(&format!(
            "{reference};diplome.{i}@exemple.fr;{g};{f};{typed}\r\n"
        ));
        expected.push((
            reference,
            json!({"givenName": g, "familyName": f, "averageMark": mean, "awardDate": "2025-07-01"}),
        ));
    }
    (text, expected)
}

fn login(key: &str) -> Vec<Value> {
    vec![
        json!({"goto": "/console"}),
        json!({"fill": {"label": "Clé d’API ou jeton d’administration"}, "value": key}),
        json!({"click": {"role": "button", "name": "Ouvrir la console"}}),
    ]
}

/// Fills field `n` of the builder (1-based).
fn field(n: usize, fr: &str, en: &str, ty: &str, required: bool) -> Vec<Value> {
    let which = format!("(Champ {n})");
    let mut steps = vec![
        json!({"fill": {"label": format!("Libellé en français {which}")}, "value": fr}),
        json!({"fill": {"label": format!("Libellé en anglais {which}")}, "value": en}),
        json!({"select": {"label": format!("Type {which}")}, "value": ty}),
    ];
    if required {
        steps.push(json!({"check": {"label": format!("Obligatoire {which}")}}));
    }
    steps
}

#[tokio::test]
async fn a_registrar_builds_a_template_and_issues_a_french_excel_file() {
    let app = TestApp::spawn().await;
    app.create_org(ORG).await;
    let (_, key) = app.create_api_key(ORG).await;
    let (text, expected) = promotion();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("promo-2025.csv");
    std::fs::write(&file, windows_1252(&text)).unwrap();

    let mut steps = login(&key);
    steps.push(json!({"goto": format!("/console/orgs/{ORG}/templates")}));
    steps.push(json!({"click": {"role": "link", "name": "Créer un modèle pas à pas"}}));
    steps.push(
        json!({"expect": ["Créer un modèle pas à pas", "Partir d’un modèle prêt à l’emploi"]}),
    );
    steps.push(json!({"axe": "builder-fr"}));
    steps.push(json!({"fill": {"label": "Nom en français"}, "value": "Licence professionnelle Métiers du numérique"}));
    steps.push(json!({"select": {"label": "Nature du justificatif"}, "value": "Diplôme"}));
    steps.extend(field(1, "Nom", "Family name", "Texte", true));
    // Three more fields, added with the button (the form comes back).
    for _ in 0..3 {
        steps.push(json!({"click": {"role": "button", "name": "Ajouter un champ"}}));
    }
    steps.extend(field(2, "Prénom", "Given name", "Texte", true));
    steps.extend(field(3, "Date d’obtention", "Award date", "Date", true));
    steps.extend(field(4, "Moyenne", "Average mark", "Nombre", false));
    // "Prénom" first: moved up.
    steps.push(json!({"click": {"role": "button", "name": "Monter le champ 2"}}));
    steps.push(json!({"screenshot": "registrar-1-builder.png"}));
    steps.push(json!({"click": {"role": "button", "name": "Créer le modèle", "exact": true}}));
    steps.push(json!({"expect": ["Modèle créé.", "Moyenne (facultatif)"]}));
    steps.push(json!({"click": {"role": "link", "name": "Ou émettre pour toute une liste."}}));
    steps.push(json!({"expect": ["Valeurs communes à toutes les lignes"]}));
    steps.push(json!({"upload": {"label": "Fichier CSV"}, "path": file.to_str().unwrap()}));
    steps.push(json!({"fill": {"label": "Date d’obtention"}, "value": "01/07/2025"}));
    steps.push(json!({"expect": ["Envoyer les offres par e-mail", "Langue des e-mails"]}));
    steps.push(json!({"axe": "batch-new-fr"}));
    steps.push(json!({"click": {"role": "button", "name": "Lancer l’émission"}}));
    steps.push(json!({"expect": ["Émission en masse", "200"]}));
    steps.push(json!({"saveUrl": "batch"}));
    // 200 rows: the screen only (a full page is 30,000 pixels tall).
    steps.push(json!({"screenshot": "registrar-2-batch.png", "full": false}));
    let report = run_steps(
        &app.base,
        json!({"width": 1280, "height": 900}),
        Value::Array(steps),
    )
    .await;
    assert_steps("registrar", &report);

    // Every graduate's credential, as typed in the file and the form.
    let batch = report["vars"]["batch"]
        .as_str()
        .unwrap()
        .replace("/console", "");
    let mut done = Value::Null;
    for _ in 0..1200 {
        done = app.get(&batch, Some(&key)).await.json().await.unwrap();
        if done["state"] == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        (&done["offered"], &done["issued"]),
        (&json!(200), &json!(0)),
        "{done}"
    );
    // Every graduate's offer, as typed in the file and the form, to the
    // address of its row.
    let raw = crate::status_reclaim::RawDb::open(&app.db).await;
    let mut got: Vec<(String, Value)> = raw
        .strings("SELECT reference || '|' || email || '|' || subject FROM offers")
        .await
        .into_iter()
        .map(|line| {
            let mut parts = line.splitn(3, '|');
            let reference = parts.next().unwrap().to_owned();
            let email = parts.next().unwrap().to_owned();
            let n: usize = reference["LP-2025-".len()..].parse().unwrap();
            assert_eq!(email, format!("diplome.{n}@exemple.fr"));
            (
                reference,
                serde_json::from_str(parts.next().unwrap()).unwrap(),
            )
        })
        .collect();
    raw.close().await;
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, expected);
    let queued: Value = app
        .get(&format!("{batch}/delivery"), Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queued["counts"]["queued"], 200, "{queued}");
    atout_core::mail::drain_outbox(
        app.store().as_ref(),
        app.clock.as_ref(),
        &atout_core::mail::Mailer::Log,
    )
    .await;

    // The registrar sees it finished; then the builder in English.
    let mut steps = login(&key);
    steps.push(json!({"goto": report["vars"]["batch"]}));
    steps.push(json!({"expect": [
        "Terminé : 200 proposés par e-mail, 0 émis, 0 déjà émis ou proposés, 0 en échec, sur 200 lignes.",
        "Remise aux titulaires",
        "envoyés",
        "diplome.0@exemple.fr",
    ]}));
    steps.push(json!({"axe": "batch-delivery-200-fr"}));
    steps.push(json!({"screenshot": "registrar-2b-delivery.png", "full": false}));
    steps.push(
        json!({"goto": format!("/console/orgs/{ORG}/templates/build?from=badge-competence")}),
    );
    steps.push(json!({"click": {"role": "link", "name": "English"}}));
    steps.push(json!({"expect": ["Build a template step by step", "Starting template: Skill badge.", "Label in French"]}));
    steps.push(json!({"forbid": ["Créer un modèle pas à pas"]}));
    steps.push(json!({"axe": "builder-en"}));
    steps.push(json!({"screenshot": "registrar-3-builder-en.png"}));
    let report = run_steps(
        &app.base,
        json!({"width": 390, "height": 844}),
        Value::Array(steps),
    )
    .await;
    assert_steps("registrar (English)", &report);
    app.stop().await;
}
