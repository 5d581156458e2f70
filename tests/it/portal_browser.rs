//! The citizen's pages in a real browser (Debian's chromium, headless):
//! the main flow done with the keyboard alone, the French/English switch,
//! axe-core on every main page in both languages, and screenshots.

use crate::browser::{assert_steps, run_steps};
use crate::common::*;
use serde_json::{json, Value};

const PHONE: fn() -> Value = || json!({"width": 390, "height": 844});
const DESKTOP: fn() -> Value = || json!({"width": 1280, "height": 900});

/// Signs up through the page (pointer-free: labels find the fields).
fn sign_up(name: &str, email: &str) -> Vec<Value> {
    vec![
        json!({"goto": "/signup"}),
        json!({"fill": {"label": "Votre nom"}, "value": name}),
        json!({"fill": {"label": "Adresse e-mail"}, "value": email}),
        json!({"fill": {"label": "Mot de passe", "exact": true}, "value": "correct horse battery"}),
        json!({"fill": {"label": "Confirmez le mot de passe"}, "value": "correct horse battery"}),
        json!({"click": {"role": "button", "name": "Créer mon portfolio"}}),
        json!({"expect": [format!("Bonjour {name}")]}),
    ]
}

#[tokio::test]
async fn the_citizens_main_flow_with_the_keyboard_alone() {
    let app = TestApp::spawn().await;
    let steps = json!([
        {"goto": "/"},
        // The first Tab reaches the skip link.
        {"tab": "Aller au contenu", "max": 1},
        {"tab": "Créer mon portfolio"},
        {"key": "Enter"},
        {"url": "/signup"},
        {"tab": "Votre nom"}, {"type": "Camille Keyboard"},
        {"tab": "Adresse e-mail"}, {"type": "camille@example.org"},
        {"tab": "Mot de passe"}, {"type": "correct horse battery"},
        {"tab": "Confirmez le mot de passe"}, {"type": "correct horse battery"},
        {"key": "Enter"},
        {"expect": ["Bonjour Camille Keyboard", "Bienvenue"]},
        {"tab": "Ajouter une étape"},
        {"key": "Enter"},
        {"url": "/me/entries/new"},
        {"tab": "Poste occupé"}, {"type": "Menuisière"},
        {"tab": "Employeur"}, {"type": "Atelier Loire"},
        {"tab": "Début"}, {"type": "2020-09"},
        {"tab": "Enregistrer"},
        {"key": "Enter"},
        {"expect": ["Étape enregistrée.", "Déclaré"]},
        {"tab": "Partages"},
        {"key": "Enter"},
        {"tab": "Nouveau partage"},
        {"key": "Enter"},
        {"tab": "Nom du partage"}, {"type": "Candidature atelier"},
        {"tab": "Menuisière"}, {"key": "Space", "stay": true},
        {"tab": "Créer le lien"},
        {"key": "Enter"},
        {"expect": ["Partage créé", "Candidature atelier", "Actif"]},
        {"tab": "Se déconnecter"},
        {"key": "Enter"},
        {"expect": ["Vous êtes déconnecté."]},
    ]);
    let report = run_steps(&app.base, DESKTOP(), steps).await;
    assert_steps("keyboard flow", &report);
    // Every focused element showed a visible focus.
    let tabs = report["tabs"].as_array().unwrap();
    assert!(tabs.len() > 10, "{tabs:?}");
    let hidden: Vec<&Value> = tabs.iter().filter(|t| t["outline"] != true).collect();
    assert!(hidden.is_empty(), "focus not visible on {hidden:#?}");
    // What the keyboard did is in the database.
    assert_eq!(crate::offers::count_rows(&app, "entries").await, 1);
    assert_eq!(crate::offers::count_rows(&app, "shares").await, 1);
}

#[tokio::test]
async fn the_citizens_pages_in_french_and_english_pass_axe() {
    let app = TestApp::spawn().await;
    let mut steps: Vec<Value> = vec![
        json!({"goto": "/"}),
        json!({"axe": "home-fr"}),
        json!({"screenshot": "home-fr.png"}),
    ];
    steps.extend(sign_up("Camille Martin", "camille@example.org"));
    steps.extend([
        json!({"goto": "/me/entries/new?kind=education"}),
        json!({"fill": {"label": "Diplôme ou formation"}, "value": "BTS Systèmes numériques"}),
        json!({"fill": {"label": "Établissement"}, "value": "Lycée Benjamin Franklin, Orléans"}),
        json!({"fill": {"label": "Début"}, "value": "2019"}),
        json!({"fill": {"label": "Fin"}, "value": "2021"}),
        json!({"click": {"role": "button", "name": "Enregistrer"}}),
        json!({"goto": "/me/entries/new?kind=language"}),
        json!({"fill": {"label": "Langue"}, "value": "Anglais"}),
        json!({"select": {"label": "Écouter"}, "value": "B2"}),
        json!({"select": {"label": "Lire"}, "value": "C1"}),
        json!({"select": {"label": "Prendre part à une conversation"}, "value": "B2"}),
        json!({"select": {"label": "S’exprimer oralement en continu"}, "value": "B1"}),
        json!({"select": {"label": "Écrire"}, "value": "B2"}),
        json!({"click": {"role": "button", "name": "Enregistrer"}}),
    ]);
    // Every main page, French then English, phone-sized.
    let pages = [
        ("dashboard", "/me", "Mon parcours", "My path"),
        (
            "credentials",
            "/me/credentials",
            "Mes justificatifs",
            "My credentials",
        ),
        ("entries", "/me/entries", "Formations", "Education"),
        (
            "entry-new",
            "/me/entries/new?kind=language",
            "Écouter",
            "Listening",
        ),
        (
            "documents",
            "/me/documents",
            "Mes documents",
            "My documents",
        ),
        (
            "offers",
            "/me/offers",
            "Justificatifs à recevoir",
            "Credentials to receive",
        ),
        (
            "shares",
            "/me/shares/new",
            "Ce que vous partagez",
            "What you share",
        ),
        (
            "account",
            "/me/account",
            "Supprimer mon compte",
            "Delete my account",
        ),
    ];
    for (name, path, fr, _) in pages {
        steps.push(json!({"goto": path}));
        steps.push(json!({"expect": [fr]}));
        steps.push(json!({"axe": format!("{name}-fr")}));
        steps.push(json!({"screenshot": format!("citizen-{name}-fr.png")}));
    }
    // The switch: one click, then the language stays.
    steps.push(json!({"goto": "/me"}));
    steps.push(json!({"click": {"role": "link", "name": "English"}}));
    steps.push(json!({"expect": ["Hello Camille Martin", "Dashboard"]}));
    for (name, path, _, en) in pages {
        steps.push(json!({"goto": path}));
        steps.push(json!({"expect": [en]}));
        steps.push(json!({"forbid": ["Tableau de bord", "Se déconnecter"]}));
        steps.push(json!({"axe": format!("{name}-en")}));
        steps.push(json!({"screenshot": format!("citizen-{name}-en.png")}));
    }
    steps.push(json!({"click": {"role": "link", "name": "Français"}}));
    steps.push(json!({"expect": ["Tableau de bord"]}));
    let report = run_steps(&app.base, PHONE(), Value::Array(steps)).await;
    assert_steps("citizen pages", &report);
    assert_eq!(report["axe"].as_object().unwrap().len(), 17);
}
