//! Issue 18 in a real browser (Debian's chromium), in French and English:
//! a graduate with an ICT diploma aims at "web developer" through the
//! autocomplete, with the keyboard; the plan shows certified, endorsed and
//! missing skills and a training in the département covering two missing
//! ones; the citizen makes it a step; an invited counsellor comments and
//! the citizen reads the comment. The pages pass axe; screenshots of each
//! step, at desktop and phone widths.

use crate::archive::{accredit, entry, import_credential};
use crate::browser::{assert_steps, run_steps};
use crate::careers::{
    load_reference, reference_data, DEBUG, MARKUP, PATTERNS, PROGRAMMING, PROTOTYPE,
    WEB_PROGRAMMING,
};
use crate::common::*;
use crate::invitations::{as_invited, confirm, invite, link_path as invitation_path};
use crate::issue::diploma;
use crate::verify::Issuer;
use serde_json::{json, Value};

struct Words {
    email: &'static str,
    password: &'static str,
    log_in: &'static str,
    target: &'static str,
    department: &'static str,
    create: &'static str,
    certified: &'static str,
    endorsed: &'static str,
    missing: &'static str,
    add_step: &'static str,
    in_steps: &'static str,
}

const FR: Words = Words {
    email: "Adresse e-mail",
    password: "Mot de passe",
    log_in: "Se connecter",
    target: "Métier visé",
    department: "Département",
    create: "Créer le projet",
    certified: "Certifiée",
    endorsed: "Recommandée",
    missing: "Manquante",
    add_step: "Ajouter comme étape",
    in_steps: "Dans vos étapes",
};

const EN: Words = Words {
    email: "Email address",
    password: "Password",
    log_in: "Log in",
    target: "Job aimed at",
    department: "Département",
    create: "Create the plan",
    certified: "Certified",
    endorsed: "Endorsed",
    missing: "Missing",
    add_step: "Add as a step",
    in_steps: "In your steps",
};

#[tokio::test]
async fn a_graduate_plans_for_web_developer_finds_a_training_and_a_counsellor_comments() {
    let Some(data) = reference_data() else { return };
    for (lang, w) in [("fr", FR), ("en", EN)] {
        let issuer = Issuer::new(&[]).await;
        accredit(&issuer).await;
        let app = &issuer.app;
        load_reference(app, &data).await;
        let email = format!("dev-{lang}@example.org");
        let token = app.sign_up(&email).await;
        // An ICT diploma that verifies, its entry naming two skills.
        let issued = issuer.issue(diploma(app), json!({})).await;
        let holding = import_credential(
            app,
            &token,
            "application/json",
            serde_json::to_string(&issued).unwrap(),
        )
        .await;
        entry(
            app,
            &token,
            json!({"kind": "education", "title": "Licence pro Développement web", "holdingId": holding,
                   "details": {"frameworks": [{"framework": "ESCO", "code": WEB_PROGRAMMING},
                                              {"framework": "ESCO", "code": MARKUP}]}}),
        )
        .await;
        // An experience endorsed by a former manager.
        let experience = entry(
            app,
            &token,
            json!({"kind": "experience", "title": "Développeuse junior",
                   "details": {"frameworks": [{"framework": "ESCO", "code": PROGRAMMING}]}}),
        )
        .await;
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
            Some(json!({"entryId": experience, "comment": "Solide."})),
        )
        .await;
        assert_eq!(res.status(), 201);
        let res = app
            .post_json(
                "/wallet/skills",
                Some(&token),
                &json!({"framework": "ESCO", "code": DEBUG}),
            )
            .await;
        assert_eq!(res.status(), 201);
        // The catalogue: one training in Indre-et-Loire covers two missing
        // skills.
        for body in [
            json!({"title": "Concevoir des applications web", "department": "37", "commune": "Tours",
                   "startsOn": "2026-09-14", "codes": [PATTERNS, PROTOTYPE], "cpf": true}),
            json!({"title": "Jardinage", "department": "45", "codes": ["A1201"]}),
        ] {
            let res = app
                .post_json("/orgs/univ-a/trainings", Some(&issuer.key), &body)
                .await;
            assert_eq!(res.status(), 201);
        }

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
            json!({"goto": "/me/plans"}),
            json!({"axe": format!("plans-{lang}")}),
            // The autocomplete, with the keyboard only.
            json!({"fill": {"label": w.target}, "value": "web developer"}),
            json!({"waitFor": {"role": "option", "name": "web developer"}}),
            json!({"axe": format!("plans-combobox-{lang}")}),
            json!({"screenshot": format!("plan-combobox-{lang}.png"), "full": false}),
            json!({"key": "ArrowDown", "stay": true}),
            json!({"key": "Enter", "stay": true}),
            json!({"fill": {"label": w.department}, "value": "37"}),
            json!({"click": {"role": "button", "name": w.create}}),
            // The gap: certified, endorsed, missing; the training.
            json!({"expect": [w.certified, w.endorsed, w.missing, "Concevoir des applications web", "Tours"]}),
            json!({"forbid": ["Jardinage"]}),
            json!({"saveUrl": "plan"}),
            json!({"axe": format!("plan-{lang}")}),
            json!({"screenshot": format!("plan-{lang}.png")}),
            json!({"click": {"role": "button", "name": w.add_step}}),
            json!({"expect": [w.in_steps]}),
        ]);
        let report = run_steps(
            &app.base,
            json!({"width": 1280, "height": 900}),
            json!(steps),
        )
        .await;
        assert_steps(&format!("plan ({lang})"), &report);

        // The plan exists, with the training as a step.
        let plans: Value = app
            .get("/wallet/plans", Some(&token))
            .await
            .json()
            .await
            .unwrap();
        let plan = &plans["items"][0];
        let id = plan["id"].as_str().unwrap().to_owned();
        assert_eq!(plan["department"], "37");
        assert_eq!(plan["steps"][0]["title"], "Concevoir des applications web");

        // A counsellor, invited as a contributor, comments on the shared plan.
        let res = app
            .client
            .put(app.url(&format!("/wallet/plans/{id}")))
            .bearer_auth(&token)
            .json(
                &json!({"title": plan["title"], "department": "37", "status": "active",
                          "targets": [{"framework": "ESCO", "code": plan["targets"][0]["code"]}],
                          "shared": true}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let counsellor = invite(
            app,
            &token,
            json!({"email": "conseil@example.org", "role": "contributor", "entries": [experience]}),
        )
        .await;
        let cpath = invitation_path(&counsellor);
        let csession = confirm(app, &cpath, "conseil@example.org", "Paul Martin").await;
        let res = as_invited(
            app,
            "POST",
            &format!("{cpath}/plans/{id}/comments"),
            &csession,
            Some(json!({"body": "Pensez au stage de fin de formation."})),
        )
        .await;
        assert_eq!(res.status(), 201);
        // The citizen reads it on a phone.
        let mut phone: Vec<Value> = Vec::new();
        if lang == "en" {
            phone.extend([
                json!({"goto": "/login"}),
                json!({"click": {"role": "link", "name": "English"}}),
            ]);
        }
        phone.extend([
            json!({"goto": "/login"}),
            json!({"fill": {"label": w.email}, "value": email}),
            json!({"fill": {"label": w.password, "exact": true}, "value": CITIZEN_PASSWORD}),
            json!({"click": {"role": "button", "name": w.log_in}}),
            json!({"goto": format!("/me/plans/{id}?lang={lang}")}),
            json!({"expect": ["Pensez au stage de fin de formation.", "conseil@example.org"]}),
            json!({"axe": format!("plan-phone-{lang}")}),
            json!({"screenshot": format!("plan-phone-{lang}.png")}),
        ]);
        let report = run_steps(
            &app.base,
            json!({"width": 390, "height": 844}),
            json!(phone),
        )
        .await;
        assert_steps(&format!("plan on a phone ({lang})"), &report);
        issuer.app.stop().await;
    }
}
