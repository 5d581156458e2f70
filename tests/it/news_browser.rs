//! Issue 19 in a real browser (Debian's chromium), in French and English:
//! an organisation publishes a job fair tagged with an ICT occupation in
//! Loiret through its console; a citizen of Loiret whose plan aims at
//! that occupation finds it first in their news, with why, registers, and
//! gets it in their calendar feed (read back as iCalendar); the
//! organisation cancels it and the citizen is told, in the app (the menu's
//! count) and by mail, with the reason. The pages pass axe; screenshots at
//! desktop and phone widths.

use crate::browser::{assert_steps, run_steps};
use crate::careers::{load_reference, reference_data};
use crate::common::*;
use crate::news::{event, Ev};
use serde_json::{json, Value};

struct Words {
    email: &'static str,
    password: &'static str,
    log_in: &'static str,
    console_key: &'static str,
    console_open: &'static str,
    new_event: &'static str,
    kind: &'static str,
    job_fair: &'static str,
    title_fr: &'static str,
    start: &'static str,
    end: &'static str,
    commune: &'static str,
    department: &'static str,
    capacity: &'static str,
    registration_here: &'static str,
    publication: &'static str,
    published_now: &'static str,
    save: &'static str,
    why_plan: &'static str,
    why_department: &'static str,
    register: &'static str,
    registered: &'static str,
    calendar_create: &'static str,
    calendar_url: &'static str,
    cancel: &'static str,
    reason: &'static str,
    cancel_confirm: &'static str,
    cancelled_text: &'static str,
}

const FR: Words = Words {
    email: "Adresse e-mail",
    password: "Mot de passe",
    log_in: "Se connecter",
    console_key: "Clé d’API ou jeton d’administration",
    console_open: "Ouvrir la console",
    new_event: "Nouvel événement",
    kind: "Type d’événement",
    job_fair: "Salon ou forum de l’emploi",
    title_fr: "Titre en français",
    start: "Début",
    end: "Fin",
    commune: "Commune",
    department: "Département",
    capacity: "Nombre de places",
    registration_here: "Inscription sur Atout (la liste des inscrits est ici)",
    publication: "Publication",
    published_now: "Publié dans l’agenda dès maintenant",
    save: "Enregistrer",
    why_plan: "Votre projet « Devenir développeuse » vise ce métier",
    why_department: "Dans votre département : Loiret",
    register: "M’inscrire",
    registered: "Vous êtes inscrit·e.",
    calendar_create: "Créer l’adresse de mon agenda",
    calendar_url: "Adresse de l’agenda",
    cancel: "Annuler l’événement",
    reason: "Motif de l’annulation",
    cancel_confirm: "Annuler l’événement et prévenir",
    cancelled_text: "est annulé",
};

const EN: Words = Words {
    email: "Email address",
    password: "Password",
    log_in: "Log in",
    console_key: "API key or admin token",
    console_open: "Open the console",
    new_event: "New event",
    kind: "Kind of event",
    job_fair: "Job fair",
    title_fr: "Title in French",
    start: "Start",
    end: "End",
    commune: "Commune",
    department: "Département",
    capacity: "Number of places",
    registration_here: "Registration on Atout (the list of those registered is here)",
    publication: "Publication",
    published_now: "Published in the calendar now",
    save: "Save",
    why_plan: "Your plan “Devenir développeuse” aims at this occupation",
    why_department: "In your département: Loiret",
    register: "Register",
    registered: "You are registered.",
    calendar_create: "Make my calendar’s address",
    calendar_url: "Calendar address",
    cancel: "Cancel the event",
    reason: "Why it is cancelled",
    cancel_confirm: "Cancel the event and tell them",
    cancelled_text: "is cancelled",
};

fn english_first(lang: &str) -> Vec<Value> {
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
async fn a_job_fair_reaches_the_citizen_it_fits_and_its_cancellation_too() {
    let Some(data) = reference_data() else { return };
    for (lang, w) in [("fr", FR), ("en", EN)] {
        let app = TestApp::spawn().await;
        load_reference(&app, &data).await;
        app.create_org("cite-numerique").await;
        let (_, key) = app.create_api_key("cite-numerique").await;
        let other = app.create_org("lycee-agricole").await;
        // The citizen: Loiret, a plan aiming at ROME M1805.
        let email = format!("lea-{lang}@example.org");
        let token = app.sign_up(&email).await;
        // Mail goes to confirmed addresses only.
        let link = app.mailed_token(&email, "verify-email").await;
        let res = app
            .post_json("/auth/verify-email", Some(&token), &json!({"token": link}))
            .await;
        assert!(res.status().is_success());
        let res = app
            .client
            .put(app.url("/wallet/news/settings"))
            .bearer_auth(&token)
            .json(&json!({"department": "45"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let res = app
            .post_json(
                "/wallet/plans",
                Some(&token),
                &json!({"title": "Devenir développeuse",
                        "targets": [{"framework": "ROME", "code": "M1805"}]}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let res = app
            .client
            .put(app.url("/wallet/notifications/preferences"))
            .bearer_auth(&token)
            .json(&json!({"lang": lang}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        // Other events, sooner: an open day in Loiret, a fair far away.
        let other_id = other["id"].as_str().unwrap();
        event(
            &app,
            Ev {
                org: Some(other_id),
                title: "Portes ouvertes du lycée",
                kind: "open-day",
                department: Some("45"),
                days: 3,
                ..Ev::default()
            },
        )
        .await;
        event(
            &app,
            Ev {
                org: Some(other_id),
                title: "Salon de l’agriculture",
                kind: "job-fair",
                department: Some("13"),
                days: 2,
                ..Ev::default()
            },
        )
        .await;

        // The organisation publishes the fair through its console.
        let mut steps = vec![json!({"as": "organisation"})];
        steps.extend(english_first(lang));
        steps.extend([
            json!({"goto": "/console"}),
            json!({"fill": {"label": w.console_key}, "value": key}),
            json!({"click": {"role": "button", "name": w.console_open}}),
            json!({"goto": "/console/orgs/cite-numerique/events/new"}),
            json!({"expect": [w.new_event]}),
            json!({"select": {"label": w.kind}, "value": w.job_fair}),
            json!({"fill": {"label": w.title_fr}, "value": "Forum des métiers du numérique"}),
            json!({"fill": {"label": w.start, "exact": true}, "value": "2026-02-10T09:00"}),
            json!({"fill": {"label": w.end, "exact": true}, "value": "2026-02-10T17:00"}),
            json!({"fill": {"label": w.commune}, "value": "Orléans"}),
            json!({"fill": {"label": w.department}, "value": "45"}),
            json!({"fill": {"label": w.capacity}, "value": "120"}),
            json!({"check": {"label": w.registration_here}}),
            json!({"fill": {"label": "Code 1"}, "value": "M1805"}),
            // The suggestions come; closed before axe reads the page (their
            // fade-in would read as low contrast).
            json!({"waitFor": {"role": "option", "name": "informatique"}}),
            json!({"key": "Escape", "stay": true}),
            json!({"select": {"label": w.publication}, "value": w.published_now}),
            json!({"axe": format!("event-form-{lang}")}),
            json!({"screenshot": format!("event-form-{lang}.png")}),
            json!({"click": {"role": "button", "name": w.save, "exact": true}}),
            json!({"expect": ["Forum des métiers du numérique"]}),
            // The citizen: first in their news, with why.
            json!({"as": "citizen"}),
        ]);
        steps.extend(english_first(lang));
        steps.extend([
            json!({"goto": "/login"}),
            json!({"fill": {"label": w.email}, "value": email}),
            json!({"fill": {"label": w.password, "exact": true}, "value": CITIZEN_PASSWORD}),
            json!({"click": {"role": "button", "name": w.log_in}}),
            json!({"goto": "/me/news"}),
            json!({"expect": ["Forum des métiers du numérique", w.why_plan, w.why_department]}),
            json!({"axe": format!("news-{lang}")}),
            json!({"screenshot": format!("news-{lang}.png")}),
            json!({"click": {"role": "button", "name": format!("{} Forum des métiers du numérique", w.register)}}),
            json!({"expect": [w.registered]}),
            json!({"click": {"role": "button", "name": w.calendar_create}}),
            json!({"save": "calendar", "label": w.calendar_url}),
        ]);
        let report = run_steps(
            &app.base,
            json!({"width": 1280, "height": 900}),
            json!(steps),
        )
        .await;
        assert_steps(&format!("publish and register ({lang})"), &report);

        // The feed puts the fair first; the calendar has it.
        let news: Value = app
            .get("/wallet/news", Some(&token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            news["items"][0]["event"]["title"],
            "Forum des métiers du numérique"
        );
        assert_eq!(news["items"][0]["registered"], true);
        let fair = news["items"][0]["event"]["id"].as_str().unwrap().to_owned();
        let calendar = report["vars"]["calendar"].as_str().unwrap().to_owned();
        let path = calendar
            .strip_prefix(&app.base)
            .expect("a calendar address of this site");
        let ics = app.get(path, None).await.text().await.unwrap();
        assert!(ics.contains(&format!("UID:{fair}@")), "{ics}");
        assert!(
            ics.contains("DTSTART:20260210T080000Z"),
            "Paris 09:00 in winter is 08:00 UTC: {ics}"
        );

        // The organisation cancels; the citizen is told.
        let mut steps = vec![json!({"as": "organisation"})];
        steps.extend(english_first(lang));
        steps.extend([
            json!({"goto": "/console"}),
            json!({"fill": {"label": w.console_key}, "value": key}),
            json!({"click": {"role": "button", "name": w.console_open}}),
            json!({"goto": "/console/orgs/cite-numerique/events"}),
            json!({"click": {"role": "link", "name": format!("{} : Forum des métiers du numérique", w.cancel)}}),
            json!({"fill": {"label": w.reason}, "value": "Salle indisponible"}),
            json!({"click": {"role": "button", "name": w.cancel_confirm}}),
            json!({"as": "citizen"}),
        ]);
        steps.extend(english_first(lang));
        steps.extend([
            json!({"goto": "/login"}),
            json!({"fill": {"label": w.email}, "value": email}),
            json!({"fill": {"label": w.password, "exact": true}, "value": CITIZEN_PASSWORD}),
            json!({"click": {"role": "button", "name": w.log_in}}),
            json!({"goto": "/me/notifications"}),
            json!({"expect": ["Forum des métiers du numérique", w.cancelled_text]}),
            json!({"axe": format!("notifications-{lang}")}),
            json!({"screenshot": format!("notifications-cancelled-{lang}.png")}),
        ]);
        let report = run_steps(
            &app.base,
            json!({"width": 390, "height": 844}),
            json!(steps),
        )
        .await;
        assert_steps(&format!("cancel and tell ({lang})"), &report);
        let ics = app.get(path, None).await.text().await.unwrap();
        assert!(ics.contains("STATUS:CANCELLED"), "{ics}");
        // And by mail, in the citizen's language, with the reason and a
        // one-click unsubscribe.
        atout_news::notifications::mail_pending_once(&app.state).await;
        let mails = app.store().mail_to(&email).await.unwrap();
        let mail = mails
            .iter()
            .find(|m| m.kind == "notify-event-cancelled")
            .unwrap_or_else(|| panic!("no cancellation mail: {mails:?}"));
        assert!(mail.body.contains("Salle indisponible"), "{}", mail.body);
        assert!(mail.body.contains(w.cancelled_text), "{}", mail.body);
        assert!(mail
            .unsubscribe_url
            .as_deref()
            .unwrap_or("")
            .contains("/unsubscribe/"));
        assert!(mail.html.is_some());
        app.stop().await;
    }
}
