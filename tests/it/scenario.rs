//! The whole story in a real browser (Debian's chromium, headless), each
//! person in a browser of their own, acting through the pages only:
//!
//! 1. an organisation logs into the console, creates a diploma template and
//!    issues a diploma offer by link;
//! 2. a citizen signs up, opens the link, accepts the diploma and shares it;
//! 3. an employer opens the share's link (the address its QR code holds)
//!    and sees "authentic, valid and current";
//! 4. the organisation revokes the diploma from its list of issued
//!    credentials;
//! 5. the employer reloads and sees that it is revoked.
//!
//! The only set-up outside the pages is the platform's: the organisation,
//! its API key and its accreditation.

use crate::archive::accredit;
use crate::browser::{assert_steps, run_steps};
use crate::verify::Issuer;
use serde_json::{json, Value};

/// The subject schema the organisation types into the console.
fn schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["givenName", "familyName", "degree"],
        "properties": {
            "id": {"type": "string", "pattern": "^did:"},
            "givenName": {"type": "string", "title": "Prénom", "minLength": 1},
            "familyName": {"type": "string", "title": "Nom de famille", "minLength": 1},
            "degree": {
                "type": "object",
                "additionalProperties": false,
                "required": ["type", "name", "awardedOn"],
                "properties": {
                    "type": {"const": "Diploma"},
                    "name": {"type": "string", "title": "Intitulé du diplôme", "minLength": 1},
                    "awardedOn": {"type": "string", "title": "Date d’obtention",
                                  "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
                }
            }
        }
    })
}

#[tokio::test]
async fn template_offer_acceptance_share_verified_revoked_in_a_real_browser() {
    let issuer = Issuer::new(&[]).await;
    accredit(&issuer).await;
    let app = &issuer.app;
    let slug = "univ-a";
    let steps = json!([
        // 1. The organisation: console, template, offer by link.
        {"as": "organisation"},
        {"goto": "/console"},
        {"fill": {"label": "Clé d’API ou jeton d’administration"}, "value": issuer.key},
        {"click": {"role": "button", "name": "Ouvrir la console"}},
        {"goto": format!("/console/orgs/{slug}/templates/new")},
        {"fill": {"label": "Nom en français"}, "value": "Licence professionnelle Métiers du numérique"},
        {"fill": {"label": "Type de justificatif"}, "value": "DiplomaCredential"},
        {"fill": {"label": "Schéma des données du titulaire"}, "value": schema().to_string()},
        {"click": {"role": "button", "name": "Créer le modèle"}},
        {"expect": ["Modèle créé."]},
        {"fill": {"label": "Prénom"}, "value": "Camille"},
        {"fill": {"label": "Nom de famille"}, "value": "Martin"},
        {"fill": {"label": "Intitulé du diplôme"}, "value": "Licence professionnelle Métiers du numérique"},
        {"fill": {"label": "Date d’obtention"}, "value": "2026-07-03"},
        {"check": {"label": "Une offre par lien"}},
        {"click": {"role": "button", "name": "Émettre", "exact": true}},
        {"save": "offer", "label": "Lien de l’offre"},
        {"screenshot": "scenario-1-offer-created.png"},
        // 2. The citizen: sign up, accept, share.
        {"as": "citizen"},
        {"goto": "/signup"},
        {"fill": {"label": "Votre nom"}, "value": "Camille Martin"},
        {"fill": {"label": "Adresse e-mail"}, "value": "camille@example.org"},
        {"fill": {"label": "Mot de passe", "exact": true}, "value": "correct horse battery"},
        {"fill": {"label": "Confirmez le mot de passe"}, "value": "correct horse battery"},
        {"click": {"role": "button", "name": "Créer mon portfolio"}},
        {"goto": "${offer}"},
        {"expect": ["Licence professionnelle Métiers du numérique", "Organisme reconnu"]},
        {"screenshot": "scenario-2-offer.png"},
        {"click": {"role": "button", "name": "Accepter et ranger dans mon portfolio"}},
        {"expect": ["Le justificatif est dans votre portfolio.", "Vérifié"]},
        {"screenshot": "scenario-3-credential.png"},
        {"click": {"role": "link", "name": "Partager", "exact": true}},
        {"fill": {"label": "Nom du partage"}, "value": "Candidature"},
        {"click": {"role": "button", "name": "Créer le lien"}},
        {"expect": ["Partage créé"]},
        {"save": "share", "label": "Adresse à transmettre"},
        {"screenshot": "scenario-4-share.png"},
        // 3. The employer: verified.
        {"as": "employer"},
        {"goto": "${share}"},
        {"expect": ["Authentique, valide et à jour", "Camille"]},
        {"axe": "share-verified"},
        {"screenshot": "scenario-5-employer-verified.png"},
        // 4. The organisation revokes it.
        {"as": "organisation"},
        {"goto": format!("/console/orgs/{slug}/credentials")},
        {"click": {"role": "link", "name": "Camille Martin"}},
        {"check": {"label": "Je comprends que la révocation est définitive."}},
        {"click": {"role": "button", "name": "Révoquer", "exact": true}},
        {"expect": ["Justificatif révoqué."]},
        {"screenshot": "scenario-6-revoked.png"},
        // 5. The employer reloads: revoked.
        {"as": "employer"},
        {"reload": true},
        {"expect": ["Ce justificatif n’est pas valide", "révoqué"]},
        {"forbid": ["Authentique, valide et à jour"]},
        {"axe": "share-revoked"},
        {"screenshot": "scenario-7-employer-revoked.png"},
    ]);
    let report = run_steps(&app.base, json!({"width": 390, "height": 844}), steps).await;
    assert_steps("scenario", &report);
    assert!(report["vars"]["offer"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/offers/", app.base)));
    assert!(report["vars"]["share"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/s/", app.base)));
    // And in the database: one credential issued, revoked in its list.
    assert_eq!(crate::offers::count_rows(app, "holdings").await, 1);
}
