//! Pages in a real browser: Debian's chromium, headless, driven by
//! playwright-core (tests/browser/page.mjs). The verification form and a
//! share's page, in French and in English, on a phone-sized screen: their
//! text, no serious or critical accessibility violation (axe-core, WCAG 2.1
//! A and AA rules), a visible focus for keyboard users, and a screenshot of
//! each in `$ATOUT_SCREENSHOTS` (default: a temporary folder); no script
//! refused by the pages' Content-Security-Policy (the QR scanner of the
//! verification form is a file of this site, never inline).
//! Issue 7 builds the rest of the interface on this harness.

use crate::archive::{accredit, entry, import_credential};
use crate::issue::diploma;
use crate::verify::Issuer;
use serde_json::{json, Value};
use std::path::PathBuf;

pub fn screenshots() -> PathBuf {
    let dir = std::env::var_os("ATOUT_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("atout-screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs page.mjs on `input`; its JSON answer. (On the blocking pool: the
/// test's runtime must go on serving the pages meanwhile.)
pub async fn open(input: Value) -> Value {
    tokio::task::spawn_blocking(move || open_blocking(input))
        .await
        .unwrap()
}

fn open_blocking(input: Value) -> Value {
    run_script("page.mjs", input)
}

/// No serious or critical violation, nothing missing or forbidden.
pub fn assert_page(name: &str, result: &Value, status: u64) {
    assert_eq!(result["status"], status, "{name}: {result:#}");
    assert_eq!(result["missing"], json!([]), "{name}: {result:#}");
    assert_eq!(result["forbidden"], json!([]), "{name}: {result:#}");
    let serious: Vec<&Value> = result["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(serious.is_empty(), "{name}: accessibility: {serious:#?}");
    // No script refused by the Content-Security-Policy, no script error
    // (chromium logs an error page's own status: that one is expected).
    let own_status =
        format!("Failed to load resource: the server responded with a status of {status} (");
    let errors: Vec<&Value> = result["consoleErrors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !(status >= 400 && e.as_str().is_some_and(|e| e.starts_with(&own_status))))
        .collect();
    assert!(errors.is_empty(), "{name}: {result:#}");
    let shot = result["screenshot"].as_str().unwrap();
    assert!(
        std::fs::metadata(shot).unwrap().len() > 1000,
        "{name}: screenshot"
    );
}

#[tokio::test]
async fn the_verification_form_and_a_share_in_a_real_browser() {
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    accredit(&issuer).await;
    let token = app.sign_up("camille@example.org").await;
    let issued = issuer.issue(diploma(app), json!({})).await;
    let holding = import_credential(
        app,
        &token,
        "application/json",
        serde_json::to_string(&issued).unwrap(),
    )
    .await;
    let master = entry(
        app,
        &token,
        json!({"kind": "education", "title": "Master Informatique", "startDate": "2019",
               "endDate": "2021", "holdingId": holding}),
    )
    .await;
    let skill = entry(app, &token, json!({"kind": "skill", "title": "Menuiserie"})).await;
    let res = app
        .post_json(
            "/wallet/shares",
            Some(&token),
            &json!({"label": "Candidature", "credentials": [holding], "entries": [master, skill]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let share: Value = res.json().await.unwrap();
    let link = share["url"].as_str().unwrap().to_owned();
    let dir = screenshots();

    let form = open(json!({
        "url": app.url("/verify?lang=fr"),
        "expect": ["Vérifier"],
        "screenshot": dir.join("verify-form-fr.png"),
        "tab": 4,
    }))
    .await;
    assert_page("verify form", &form, 200);
    assert_eq!(form["lang"], "fr");
    // The QR scanner's script ran under the page's CSP; without a camera
    // API (headless chromium on Linux has no BarcodeDetector) the section
    // stays hidden and the page works as before.
    match form["scan"].as_str() {
        Some("unsupported") => {
            let hidden = open(json!({
                "url": app.url("/verify?lang=fr"),
                "forbid": ["Scanner un QR code"],
                "screenshot": dir.join("verify-form-fr-2.png"),
            }))
            .await;
            assert_page("verify form, no scanner", &hidden, 200);
        }
        Some("ready") => {}
        other => panic!("the scanner script did not run: {other:?}"),
    }
    // Keyboard: the skip link first, every focused element visibly outlined.
    let focus = form["focus"].as_array().unwrap();
    assert_eq!(focus[0]["tag"], "a", "{focus:#?}");
    assert!(focus.iter().all(|f| f["outline"] == true), "{focus:#?}");

    for (lang, expect) in [
        (
            "fr",
            [
                "camille",
                "Parcours certifié",
                "Parcours déclaré",
                "Attestation 1",
            ],
        ),
        (
            "en",
            ["camille", "Certified path", "Declared path", "Credential 1"],
        ),
    ] {
        let page = open(json!({
            "url": format!("{link}?lang={lang}"),
            "expect": expect,
            // The share's label is the citizen's own, never shown.
            "forbid": ["Candidature"],
            "screenshot": dir.join(format!("share-{lang}.png")),
        }))
        .await;
        assert_page(&format!("share ({lang})"), &page, 200);
        assert_eq!(page["lang"], lang);
    }
    // A desktop screen too.
    let wide = open(json!({
        "url": format!("{link}?lang=fr"),
        "expect": ["camille"],
        "forbid": ["Candidature"],
        "viewport": {"width": 1280, "height": 900},
        "screenshot": dir.join("share-fr-desktop.png"),
    }))
    .await;
    assert_page("share (desktop)", &wide, 200);
    issuer.app.stop().await;
}

/// Runs a scenario of steps (tests/browser/steps.mjs) against the app: each
/// person in their own browser context. Returns its report; screenshots go
/// to [`screenshots`].
pub async fn run_steps(base: &str, viewport: Value, steps: Value) -> Value {
    run_steps_kept(base, viewport, steps, None).await
}

/// [`run_steps`], each person's cookies kept in `state` between runs: a
/// person who comes back in a later run (after a mail was read) is still
/// logged in.
pub async fn run_steps_kept(
    base: &str,
    viewport: Value,
    steps: Value,
    state: Option<&std::path::Path>,
) -> Value {
    let input = json!({
        "base": base,
        "shots": screenshots(),
        "viewport": viewport,
        "steps": steps,
        "state": state,
    });
    tokio::task::spawn_blocking(move || run_script("steps.mjs", input))
        .await
        .unwrap()
}

fn run_script(script: &str, input: Value) -> Value {
    use std::io::Write;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "the browser harness is not installed: run `npm ci` in tests/browser (./scripts/test does it)"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut child = std::process::Command::new("node")
        .arg(script)
        .current_dir(&dir)
        .env("CHROMIUM", &chromium)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node is installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A scenario ran to its end, with no serious or critical accessibility
/// violation on the pages it checked and no script error.
pub fn assert_steps(name: &str, report: &Value) {
    assert_eq!(report["ok"], true, "{name}: {:#}", report["failed"]);
    for (page, violations) in report["axe"].as_object().unwrap() {
        let serious: Vec<&Value> = violations
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        assert!(serious.is_empty(), "{name}: {page}: {serious:#?}");
    }
    assert_eq!(report["consoleErrors"], json!([]), "{name}");
    // Pages gone through with the keyboard: every stop visible, focused
    // with a visible outline.
    if let Some(pages) = report["tabAll"].as_object() {
        for (page, stops) in pages {
            let stops = stops.as_array().unwrap();
            assert!(stops.len() >= 3, "{name}: {page}: {stops:?}");
            let bad: Vec<&Value> = stops
                .iter()
                .filter(|s| s["outline"] != true || s["visible"] != true)
                .collect();
            assert!(
                bad.is_empty(),
                "{name}: {page}: focus not visible on {bad:#?}"
            );
        }
    }
}

/// The other verifier pages in the shared design: a verification link's
/// page (valid, then revoked) in both languages, the English landing, an
/// unknown link's page and a share's PIN page; readable, accessible, no
/// script refused.
#[tokio::test]
async fn the_verifier_pages_in_a_real_browser() {
    use crate::issue::unwrap_credential;
    let issuer = Issuer::new(&[]).await;
    let app = &issuer.app;
    accredit(&issuer).await;
    let issued = issuer.issue(diploma(app), json!({})).await;
    let id = unwrap_credential(&issued)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .get(&format!("/orgs/univ-a/credentials/{id}"), Some(&issuer.key))
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let link = body["verification"]["url"].as_str().unwrap().to_owned();
    let dir = screenshots();

    for (lang, expect) in [
        (
            "fr",
            [
                "Authentique, valide et à jour",
                "Contrôles effectués",
                "Lien de vérification",
                "Vérification de justificatifs",
            ],
        ),
        (
            "en",
            [
                "Authentic, valid and current",
                "Checks performed",
                "Verification link",
                "Credential verification",
            ],
        ),
    ] {
        let page = open(json!({
            "url": format!("{link}?lang={lang}"),
            "expect": expect,
            "screenshot": dir.join(format!("verify-result-{lang}.png")),
            "tab": 3,
        }))
        .await;
        assert_page(&format!("verification link ({lang})"), &page, 200);
        assert_eq!(page["lang"], lang);
        let focus = page["focus"].as_array().unwrap();
        assert!(focus.iter().all(|f| f["outline"] == true), "{focus:#?}");
    }
    let wide = open(json!({
        "url": format!("{link}?lang=fr"),
        "expect": ["Authentique, valide et à jour"],
        "viewport": {"width": 1280, "height": 900},
        "screenshot": dir.join("verify-result-fr-desktop.png"),
    }))
    .await;
    assert_page("verification link (desktop)", &wide, 200);

    // Revoked: the failed check in words, not by colour alone.
    let res = app
        .post_json(
            "/credentials/status",
            Some(&issuer.key),
            &json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": true, "statusPurpose": "revocation"}]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let revoked = open(json!({
        "url": format!("{link}?lang=fr"),
        "expect": ["Ce justificatif n’est pas valide", "L’émetteur a révoqué ce justificatif."],
        "screenshot": dir.join("verify-result-revoked-fr.png"),
    }))
    .await;
    assert_page("revoked", &revoked, 200);

    let landing = open(json!({
        "url": app.url("/verify?lang=en"),
        "expect": ["Verify a credential", "What is checked", "Credential to verify (JSON or JWT)"],
        "viewport": {"width": 1280, "height": 900},
        "screenshot": dir.join("verify-form-en-desktop.png"),
    }))
    .await;
    assert_page("landing (en, desktop)", &landing, 200);

    let unknown = open(json!({
        "url": app.url("/verify/AAAAAAAAAAAAAAAAAAAAAA?lang=en"),
        "expect": ["Unknown verification link", "Verify a credential by pasting it"],
        "screenshot": dir.join("verify-unknown-en.png"),
    }))
    .await;
    assert_page("unknown link", &unknown, 404);

    // A share with a PIN: the PIN page.
    let token = app.sign_up("dominique@example.org").await;
    let skill = entry(app, &token, json!({"kind": "skill", "title": "Menuiserie"})).await;
    let res = app
        .post_json(
            "/wallet/shares",
            Some(&token),
            &json!({"label": "Avec code", "entries": [skill], "pin": "4821"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let share: Value = res.json().await.unwrap();
    let pin = open(json!({
        "url": format!("{}?lang=fr", share["url"].as_str().unwrap()),
        "expect": ["Code requis", "De 4 à 12 chiffres."],
        "forbid": ["Menuiserie"],
        "screenshot": dir.join("share-pin-fr.png"),
    }))
    .await;
    assert_page("share PIN", &pin, 401);
    issuer.app.stop().await;
}
