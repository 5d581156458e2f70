//! No raw technical text for people: every portal form driven with bad
//! input, in French and in English, answers a page in that language whose
//! messages say what to change, never the API's English, serde's words or
//! a "technical detail"; unknown pages of `/me`, `/console` and `/invited`
//! are pages with a way back, never JSON; the API's body rejections name
//! their field and a stable code; a share's validity is an explicit
//! choice; the access log names browsers, not User-Agent strings.

use crate::common::*;
use crate::pages::Visitor;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Words of technical text that must never reach a page.
const TECHNICAL: &[&str] = &[
    "deserializ",
    "unknown variant",
    "expected one of",
    "invalid type:",
    "missing field `",
    "unknown field `",
    "Détail technique",
    "Technical detail",
    "urn:atout:problem",
    "JSON body",
    "Failed to",
];

/// A page for people in `lang`: HTML, in that language, without technical
/// text, not a server error.
#[track_caller]
fn plain(
    what: &str,
    lang: &str,
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) {
    assert!(
        !status.is_server_error(),
        "{what} ({lang}): {status}\n{body}"
    );
    if status.is_redirection() {
        return;
    }
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(ct.starts_with("text/html"), "{what} ({lang}): {ct}\n{body}");
    assert_eq!(
        headers
            .get("content-language")
            .and_then(|v| v.to_str().ok()),
        Some(lang),
        "{what}"
    );
    for word in TECHNICAL {
        assert!(
            !body.to_lowercase().contains(&word.to_lowercase()),
            "{what} ({lang}): {word:?} in the page:\n{body}"
        );
    }
}

/// French or English, as the page's language.
fn says<'a>(lang: &str, fr: &'a str, en: &'a str) -> &'a str {
    if lang == "fr" {
        fr
    } else {
        en
    }
}

#[tokio::test]
async fn every_form_with_bad_input_answers_in_the_visitors_words() {
    let app = TestApp::spawn().await;
    app.create_org("univ").await;
    let (_, key) = app.create_api_key("univ").await;
    for lang in ["fr", "en"] {
        let mut v = Visitor::new(&app);
        v.lang = lang;
        v.sign_up(&format!("mots-{lang}@example.org"), "Camille Martin")
            .await;
        // The language kept in its cookie (multipart posts send no
        // Accept-Language).
        v.get(&format!("/me?lang={lang}")).await;
        macro_rules! check {
            ($what:expr, $shown:expr) => {{
                let shown = $shown;
                plain($what, lang, shown.status, &shown.headers, &shown.body);
                shown
            }};
        }

        // A language with a partial grid: said by the page, nothing sent.
        v.get("/me/entries/new?kind=language").await;
        let partial = check!(
            "partial CEFR grid",
            v.post(
                "/me/entries/new",
                &[
                    ("kind", "language"),
                    ("title", "Anglais"),
                    ("cefr-reading", "B2")
                ],
            )
            .await
        );
        assert_eq!(partial.status, StatusCode::UNPROCESSABLE_ENTITY);
        partial.expect(says(
            lang,
            "Choisissez un niveau pour chacune des cinq compétences",
            "Choose a level for each of the five skills",
        ));
        // A level that does not exist (a crafted form): the API's
        // rejection names the field, the page says what to change.
        let mut crafted = vec![("kind", "language"), ("title", "Anglais")];
        for s in [
            "listening",
            "reading",
            "spokenInteraction",
            "spokenProduction",
        ] {
            crafted.push((["cefr-", s].concat().leak(), "B2"));
        }
        crafted.push(("cefr-writing", "Z9"));
        let crafted = check!(
            "unknown CEFR level",
            v.post("/me/entries/new", &crafted).await
        );
        assert_eq!(crafted.status, StatusCode::UNPROCESSABLE_ENTITY);
        crafted.expect(says(lang, "n’est pas valable", "is not valid"));
        for (what, fields) in [
            (
                "dates",
                vec![
                    ("kind", "experience"),
                    ("title", "Stage"),
                    ("startDate", "hier"),
                ],
            ),
            ("no title", vec![("kind", "skill"), ("title", "")]),
            (
                "bad link",
                vec![
                    ("kind", "project"),
                    ("title", "P"),
                    ("url", "javascript:alert(1)"),
                ],
            ),
        ] {
            check!(what, v.post("/me/entries/new", &fields).await);
        }

        // Shares: an explicit validity.
        let form = check!("share form", v.get("/me/shares/new").await);
        form.expect("name=\"validity\" value=\"30d\" checked")
            .expect("value=\"never\"");
        assert!(
            !form.has("name=\"expires\" value=\"2"),
            "no date typed in advance"
        );
        let entry = v
            .post("/me/entries/new", &[("kind", "skill"), ("title", "Rust")])
            .await;
        assert_eq!(entry.status, StatusCode::SEE_OTHER, "{}", entry.body);
        let entry_id = entry
            .location()
            .unwrap()
            .trim_start_matches("/me/entries/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        v.get("/me/shares/new").await;
        for (what, fields, fr, en) in [
            (
                "date chosen, none given",
                vec![("validity", "date"), ("expires", "")],
                "Indiquez la date de fin",
                "Give the end date",
            ),
            (
                "a past date",
                vec![("validity", "date"), ("expires", "2001-01-01")],
                "Choisissez une date à venir",
                "Choose a date to come",
            ),
            (
                "a date and no end",
                vec![("validity", "never"), ("expires", "2030-01-01")],
                "gardez l’un ou l’autre",
                "keep one or the other",
            ),
            (
                "not a date",
                vec![("validity", "date"), ("expires", "demain")],
                "AAAA-MM-JJ",
                "YYYY-MM-DD",
            ),
        ] {
            let mut all = vec![("label", "Candidature"), ("entries", entry_id.as_str())];
            all.extend(fields);
            let shown = check!(what, v.post("/me/shares/new", &all).await);
            assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            shown.expect(says(lang, fr, en));
        }
        // The default: 30 days, said as a date on the share's page.
        let made = v
            .post(
                "/me/shares/new",
                &[
                    ("label", "Candidature"),
                    ("entries", &entry_id),
                    ("validity", "30d"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let share = v.follow(made.location().unwrap()).await;
        assert!(!share.has(says(lang, "jamais", "never")), "{}", share.body);

        // The other forms of the citizen.
        v.get("/me/account").await;
        check!(
            "empty name",
            v.post("/me/account/name", &[("displayName", "")]).await
        );
        check!(
            "wrong password",
            v.post(
                "/me/account/password",
                &[
                    ("current", "pas le bon"),
                    ("new", "un autre mot de passe"),
                    ("new2", "un autre mot de passe")
                ],
            )
            .await
        );
        v.get("/me/credentials/import").await;
        check!(
            "not a credential",
            v.upload(
                "/me/credentials/import",
                &[],
                "file",
                "x.json",
                "application/json",
                b"{\"not\": 1}".to_vec()
            )
            .await
        );
        v.get("/me/account").await;
        check!(
            "not an archive",
            v.upload(
                "/me/account/import",
                &[],
                "archive",
                "x.zip",
                "application/zip",
                b"not a zip".to_vec()
            )
            .await
        );
        v.get("/me/requests/new").await;
        check!(
            "unknown organisation",
            v.post(
                "/me/requests/new",
                &[("entry", &entry_id), ("org", "Université d'Orléans")],
            )
            .await
        );
        v.get("/me/invitations/new").await;
        check!(
            "bad invitation",
            v.post(
                "/me/invitations/new",
                &[
                    ("email", "pas-une-adresse"),
                    ("role", "nobody"),
                    ("expires", "demain")
                ],
            )
            .await
        );
        check!(
            "nothing to delete",
            v.post("/me/documents/nope/delete", &[]).await
        );
        check!(
            "nothing to tag",
            v.post("/me/credentials/nope/tags", &[("tags", "x")]).await
        );

        // Public forms.
        let mut p = Visitor::new(&app);
        p.lang = lang;
        p.get(&format!("/login?lang={lang}")).await;
        check!(
            "wrong login",
            p.post(
                "/login",
                &[("email", "x@example.org"), ("password", "nope")]
            )
            .await
        );
        p.get("/signup").await;
        check!(
            "bad sign-up",
            p.post(
                "/signup",
                &[
                    ("displayName", ""),
                    ("email", "pas une adresse"),
                    ("password", "court"),
                    ("password2", "autre")
                ],
            )
            .await
        );
        p.get("/forgot-password").await;
        check!(
            "bad address",
            p.post("/forgot-password", &[("email", "pas une adresse")])
                .await
        );
        p.get("/account/reset-password?token=nope").await;
        check!(
            "bad reset",
            p.post(
                "/account/reset-password",
                &[
                    ("token", "nope"),
                    ("password", "un mot de passe neuf"),
                    ("password2", "un mot de passe neuf")
                ],
            )
            .await
        );
        p.get("/invited/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .await;
        check!(
            "unknown invitation",
            p.post(
                "/invited/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/code",
                &[("email", "x@example.org")],
            )
            .await
        );

        // The console.
        let mut c = Visitor::new(&app);
        c.lang = lang;
        c.get(&format!("/console/login?lang={lang}")).await;
        check!(
            "wrong key",
            c.post("/console/login", &[("token", "atk_nope")]).await
        );
        let res = c.post("/console/login", &[("token", key.as_str())]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        c.follow("/console").await;
        c.get("/console/orgs/univ/templates/new").await;
        for (what, fields) in [
            (
                "bad schema",
                vec![
                    ("name_fr", "Attestation"),
                    ("type", "Attestation"),
                    ("subject_schema", "{pas du json"),
                ],
            ),
            (
                "bad type",
                vec![
                    ("name_fr", "Attestation"),
                    ("type", "une attestation"),
                    ("subject_schema", r#"{"type": "object"}"#),
                ],
            ),
            (
                "schema of a wrong shape",
                vec![
                    ("name_fr", "A"),
                    ("type", "Attestation"),
                    ("subject_schema", r#"{"type": 3}"#),
                ],
            ),
        ] {
            check!(
                what,
                c.post("/console/orgs/univ/templates/new", &fields).await
            );
        }
        c.get("/console/orgs/univ/api-keys").await;
        check!(
            "empty key name",
            c.post("/console/orgs/univ/api-keys", &[("name", "")]).await
        );
        check!(
            "not the admin",
            c.post("/console/registry", &[("did", "pas un did")]).await
        );
        c.get("/console/orgs/univ/batches/new").await;
        check!(
            "no file",
            c.upload(
                "/console/orgs/univ/batches/new",
                &[],
                "file",
                "x.csv",
                "text/csv",
                Vec::new()
            )
            .await
        );
    }
}

#[tokio::test]
async fn unknown_pages_of_each_area_are_pages_with_a_way_back() {
    let app = TestApp::spawn().await;
    for lang in ["fr", "en"] {
        let mut v = Visitor::new(&app);
        v.lang = lang;
        let heading = says(lang, "Page introuvable", "Page not found");
        // Nobody, then a logged-in citizen.
        for (path, back) in [
            ("/me/nope", "/me"),
            ("/me/shares/a/b/c", "/me"),
            ("/console/nope", "/console"),
            ("/console/orgs/x/y/z/w", "/console"),
            ("/invited/AAAA/nope/more", "/invited/AAAA"),
        ] {
            let shown = v.get(path).await;
            assert_eq!(shown.status, StatusCode::NOT_FOUND, "{path}");
            plain(path, lang, shown.status, &shown.headers, &shown.body);
            shown
                .expect(heading)
                .expect(&format!("href=\"{back}\""))
                .expect("<main");
        }
        v.sign_up(&format!("perdu-{lang}@example.org"), "Camille")
            .await;
        let shown = v.get("/me/nope").await;
        assert_eq!(shown.status, StatusCode::NOT_FOUND);
        plain("/me/nope", lang, shown.status, &shown.headers, &shown.body);
        shown.expect(heading).expect(says(
            lang,
            "Revenir à mon portfolio",
            "Back to my portfolio",
        ));
        // A thing that does not exist (the API's 404) is a page too.
        let shown = v.get("/me/entries/nope").await;
        assert_eq!(shown.status, StatusCode::NOT_FOUND);
        plain(
            "/me/entries/nope",
            lang,
            shown.status,
            &shown.headers,
            &shown.body,
        );
        // A console page the visitor may not see: to its login, or a page.
        let shown = v.get("/console/registry").await;
        assert!(shown.status.is_redirection() || shown.status == StatusCode::FORBIDDEN);
        plain(
            "/console/registry",
            lang,
            shown.status,
            &shown.headers,
            &shown.body,
        );
    }
    // The API's own unknown paths stay problems.
    let res = app.get("/wallet/nope", None).await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn body_rejections_name_their_field_and_a_stable_code() {
    let app = TestApp::spawn().await;
    let token = app.sign_up("champs@example.org").await;
    for (body, code, field) in [
        (
            json!({"kind": "language", "title": "Anglais", "details": {"cefr": {
                "listening": "B2", "reading": "", "spokenInteraction": "B2",
                "spokenProduction": "B2", "writing": "B2"}}}),
            "invalid-value",
            "details.cefr.reading",
        ),
        (
            json!({"kind": "dream", "title": "x"}),
            "invalid-value",
            "kind",
        ),
        (json!({"title": "x"}), "missing-field", "kind"),
        (
            json!({"kind": "skill", "title": "x", "colour": "blue"}),
            "unknown-field",
            "colour",
        ),
    ] {
        let res = app.post_json("/wallet/entries", Some(&token), &body).await;
        let problem: Value = assert_problem(res, 422).await;
        assert_eq!(problem["code"], code, "{body}: {problem}");
        assert_eq!(problem["field"], field, "{body}: {problem}");
    }
}

#[tokio::test]
async fn the_access_log_names_browsers_and_systems_not_user_agents() {
    let app = TestApp::spawn().await;
    for lang in ["fr", "en"] {
        let mut v = Visitor::new(&app);
        v.lang = lang;
        v.sign_up(&format!("journal-{lang}@example.org"), "Camille")
            .await;
        v.get("/me/entries/new?kind=skill").await;
        let entry = v
            .post("/me/entries/new", &[("kind", "skill"), ("title", "Rust")])
            .await;
        let entry_id = entry
            .location()
            .unwrap()
            .trim_start_matches("/me/entries/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        v.get("/me/shares/new").await;
        let made = v
            .post(
                "/me/shares/new",
                &[
                    ("label", "Emploi"),
                    ("entries", &entry_id),
                    ("validity", "never"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let page = v.follow(made.location().unwrap()).await;
        let url = page
            .body
            .split("id=\"share-url\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        // An employer opens it from Firefox on Android.
        let agent = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0";
        let res = app
            .client
            .get(&url)
            .header("user-agent", agent)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page = v.get(made.location().unwrap()).await;
        page.expect(says(lang, "Firefox sur Android", "Firefox on Android"));
        assert!(!page.has("Gecko/128.0"), "{}", page.body);
        assert!(!page.has("Mozilla/5.0"), "{}", page.body);
    }
}
