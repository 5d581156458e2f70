//! The template builder: fields (labels in French and English, type,
//! required, help, framework code) written into a JSON Schema by the API;
//! bad fields refused with the field and a code; the gallery's templates
//! (and every shipped file) accepted as they are by the API, the console
//! (pasted or uploaded) and the CLI, and issuable; the console's builder
//! without JavaScript (add, move, remove, create, start from the gallery);
//! issuing forms labelled in the page's language; refused callers.

use crate::common::*;
use crate::csv_french::console;
use crate::pages::Visitor;
use reqwest::StatusCode;
use serde_json::{json, Map, Value};

const ORG: &str = "univ-b";

fn shipped(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../issuer/templates")
        .join(file);
    std::fs::read_to_string(path).unwrap()
}

const SHIPPED: [&str; 12] = [
    "licence.json",
    "master.json",
    "doctorat.json",
    "bts.json",
    "cap.json",
    "titre-professionnel.json",
    "attestation-formation.json",
    "certificat-competences.json",
    "badge-participation.json",
    "badge-competence.json",
    "diploma.json",
    "openbadge-psc1.json",
];

/// A subject for a template's fields (as the API lists them): a plausible
/// value of each field's type.
fn sample_subject(fields: &[Value]) -> Value {
    let mut subject = Map::new();
    for f in fields {
        let key = f["key"].as_str().unwrap();
        let options: Vec<&str> = f["options"]
            .as_array()
            .map(|o| o.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        let value = match f["type"].as_str().unwrap() {
            "date" => json!("2025-07-01"),
            "number" => json!(12.5),
            "integer" => json!(5),
            "choice" | "fixed" => match options[0].parse::<i64>() {
                Ok(n) => json!(n),
                Err(_) => json!(options[0]),
            },
            "email" => json!("ana@example.org"),
            "identifier" => match key.rsplit('.').next().unwrap() {
                "rncp" => json!("RNCP24514"),
                "rome" => json!("M1805"),
                _ => json!("ID-42"),
            },
            _ => json!("Exemple é"),
        };
        let mut node = &mut subject;
        let parts: Vec<&str> = key.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            node = node
                .entry(part.to_string())
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .unwrap();
        }
        node.insert(parts[parts.len() - 1].to_owned(), value);
    }
    Value::Object(subject)
}

async fn setup(app: &TestApp) -> String {
    app.create_org(ORG).await;
    app.create_api_key(ORG).await.1
}

fn builder_body(fields: Value) -> Value {
    json!({"name_fr": "Attestation de stage", "name_en": "Internship certificate",
           "type": "CertificateCredential", "framework_code": "RNCP35185", "fields": fields})
}

#[tokio::test]
async fn the_api_writes_the_schema_from_fields_and_refuses_bad_fields() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    let fields = json!([
        {"labelFr": "Prénom", "labelEn": "Given name", "key": "givenName", "type": "text", "required": true},
        {"labelFr": "Nom", "labelEn": "Family name", "key": "familyName", "type": "text", "required": true},
        {"labelFr": "Durée (heures)", "labelEn": "Length (hours)", "type": "number", "helpFr": "Par exemple 35.", "frameworkCode": "ROME M1805"},
        {"labelFr": "Service d’accueil", "labelEn": "Host department", "type": "choice", "options": ["Comptabilité", "Informatique"]},
        {"labelFr": "Date de fin", "labelEn": "End date", "type": "date", "required": true},
        {"labelFr": "Courriel du tuteur", "labelEn": "Tutor's e-mail", "type": "email"},
        {"labelFr": "Numéro de convention", "labelEn": "Agreement number", "type": "identifier"},
        {"labelFr": "Nature", "labelEn": "Kind", "key": "kind", "type": "fixed", "options": ["Stage"]},
    ]);
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/templates"),
            Some(&key),
            &builder_body(fields),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let schema = &created["subject_schema"];
    assert_eq!(schema["x-atout-framework"], "RNCP35185");
    assert_eq!(
        schema["required"],
        json!(["givenName", "familyName", "endDate"])
    );
    let hours = &schema["properties"]["lengthHours"];
    assert_eq!(
        hours["x-atout-labels"],
        json!({"fr": "Durée (heures)", "en": "Length (hours)"})
    );
    assert_eq!(hours["x-atout-help"]["fr"], "Par exemple 35.");
    assert_eq!(hours["x-atout-framework"], "ROME M1805");
    assert_eq!(schema["properties"]["endDate"]["format"], "date");
    // The fields read back, in their order.
    let keys: Vec<&str> = created["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "givenName",
            "familyName",
            "lengthHours",
            "hostDepartment",
            "endDate",
            "tutorSEMail",
            "agreementNumber",
            "kind"
        ]
    );
    // Issued: terms the contexts do not define make the credential name
    // the W3C undefined-terms context (JSON-LD safe mode signs it).
    let id = created["id"].as_str().unwrap();
    let subject = json!({"givenName": "Ana", "familyName": "Durand", "lengthHours": 35,
        "hostDepartment": "Informatique", "endDate": "2025-07-01", "kind": "Stage",
        "agreementNumber": "CONV-2025/12"});
    let res = app
        .post_json(
            &format!("/orgs/{ORG}/templates/{id}/issue"),
            Some(&key),
            &json!({"subject": subject}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let credential: Value = res.json().await.unwrap();
    assert_eq!(credential["credentialSubject"]["lengthHours"], 35);
    assert!(credential["@context"].as_array().unwrap().contains(&json!(
        "https://www.w3.org/ns/credentials/undefined-terms/v2"
    )));
    let (status, report) = crate::verify::verify(&app, &credential, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(
        crate::verify::check(&report, "proof")["code"],
        "signature-valid"
    );

    // Bad fields: the field's index, the part and a code; nothing created.
    let before = crate::offers::count_rows(&app, "credential_templates").await;
    let ok = json!({"labelFr": "Prénom", "type": "text"});
    let many: Vec<Value> = (0..61)
        .map(|i| json!({"labelFr": format!("Champ {i}"), "type": "text"}))
        .collect();
    for (fields, field, code) in [
        (
            json!([ok, {"labelFr": "  ", "type": "text"}]),
            "fields[1].labelFr",
            "label",
        ),
        (
            json!([ok, {"labelFr": "prénom", "type": "text"}]),
            "fields[1].key",
            "duplicate-key",
        ),
        (
            json!([ok, {"labelFr": "Couleur", "type": "colour"}]),
            "fields[1].type",
            "type",
        ),
        (
            json!([{"labelFr": "Mention", "type": "choice"}]),
            "fields[0].options",
            "options",
        ),
        (
            json!([{"labelFr": "X", "key": "id", "type": "text"}]),
            "fields[0].key",
            "reserved-key",
        ),
        (
            json!([{"labelFr": "X", "key": "a.b.c.d", "type": "text"}]),
            "fields[0].key",
            "key",
        ),
        (
            json!([{"labelFr": "X", "key": "degree", "type": "text"}, {"labelFr": "Y", "key": "degree.name", "type": "text"}]),
            "fields[1].key",
            "key-clash",
        ),
        (
            json!([{"labelFr": "X", "type": "text", "helpFr": "é".repeat(501)}]),
            "fields[0].helpFr",
            "help",
        ),
        (Value::Array(many), "fields", "too-many-fields"),
        (json!([]), "fields", "no-fields"),
    ] {
        let res = app
            .post_json(
                &format!("/orgs/{ORG}/templates"),
                Some(&key),
                &builder_body(fields),
            )
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(
            (problem["field"].as_str(), problem["code"].as_str()),
            (Some(field), Some(code)),
            "{problem}"
        );
    }
    // Neither schema nor fields; an unknown member of a field.
    for body in [
        json!({"name_fr": "X", "type": "CertificateCredential"}),
        json!({"name_fr": "X", "type": "CertificateCredential", "fields": [{"labelFr": "X", "type": "text", "colour": "red"}]}),
    ] {
        let res = app
            .post_json(&format!("/orgs/{ORG}/templates"), Some(&key), &body)
            .await;
        assert!(matches!(res.status().as_u16(), 400 | 422), "{body}");
    }
    assert_eq!(
        crate::offers::count_rows(&app, "credential_templates").await,
        before
    );

    // Refused callers: nobody, another organisation's key.
    app.create_org("other").await;
    let (_, other) = app.create_api_key("other").await;
    let body = builder_body(json!([ok]));
    let res = app
        .post_json(&format!("/orgs/{ORG}/templates"), None, &body)
        .await;
    assert_problem(res, 401).await;
    let res = app
        .post_json(&format!("/orgs/{ORG}/templates"), Some(&other), &body)
        .await;
    assert_problem(res, 403).await;
    assert_eq!(
        crate::offers::count_rows(&app, "credential_templates").await,
        before
    );
    app.stop().await;
}

#[tokio::test]
async fn every_shipped_template_is_accepted_as_it_is_and_issues() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    let gallery: Value = app
        .get("/template-gallery", None)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = gallery["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for wanted in [
        "licence",
        "master",
        "doctorat",
        "bts",
        "cap",
        "titre-professionnel",
        "attestation-formation",
        "certificat-competences",
        "badge-participation",
        "badge-competence",
    ] {
        assert!(ids.contains(&wanted), "{wanted} in {ids:?}");
    }
    assert_problem(app.get("/template-gallery/nope", None).await, 404).await;
    for file in SHIPPED {
        let text = shipped(file);
        let res = app
            .client
            .post(app.url(&format!("/orgs/{ORG}/templates")))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(text)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{file}: {}", res.text().await.unwrap());
        let created: Value = res.json().await.unwrap();
        let fields = created["fields"].as_array().unwrap();
        for f in fields {
            assert!(
                f["labelFr"].as_str().is_some_and(|l| !l.is_empty())
                    && f["labelEn"].as_str().is_some_and(|l| !l.is_empty()),
                "{file}: {f}"
            );
        }
        let mut subject = sample_subject(fields);
        if created["achievement"].is_object() {
            subject["id"] = json!("did:example:holder");
        }
        let res = app
            .post_json(
                &format!(
                    "/orgs/{ORG}/templates/{}/issue",
                    created["id"].as_str().unwrap()
                ),
                Some(&key),
                &json!({"subject": subject}),
            )
            .await;
        assert_eq!(
            res.status(),
            201,
            "{file}: {subject}: {}",
            res.text().await.unwrap()
        );
    }
    // Aligned where relevant: EQF levels, RNCP codes, an ESCO skill.
    let level = |id: &str| {
        let t = gallery["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap();
        t["subject_schema"]["properties"]["degree"]["properties"]["eqfLevel"]["const"].clone()
    };
    assert_eq!(
        ["licence", "master", "doctorat", "bts", "cap"].map(level),
        [json!(6), json!(7), json!(8), json!(5), json!(3)]
    );
    assert!(gallery.to_string().contains("\"targetType\":\"ext:ESCO\""));
    assert!(gallery
        .to_string()
        .contains("\"x-atout-framework\":\"RNCP\""));

    // The CLI takes the same files, and the gallery by name.
    let out = app
        .command()
        .args(["template", "create", ORG, "--file"])
        .arg(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../issuer/templates/doctorat.json"),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = app
        .command()
        .args(["template", "create", ORG, "--from", "bts"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = app
        .command()
        .args(["template", "gallery"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("titre-professionnel\tCertificateCredential")
    );
    let out = app
        .command()
        .args(["template", "create", ORG, "--from", "nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    app.stop().await;
}

/// The builder's form fields for `rows` (label FR, label EN, type,
/// required, options).
fn rows(rows: &[(&str, &str, &str, bool, &str)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, (fr, en, ty, required, options)) in rows.iter().enumerate() {
        out.push((format!("f{i}.label_fr"), fr.to_string()));
        out.push((format!("f{i}.label_en"), en.to_string()));
        out.push((format!("f{i}.type"), ty.to_string()));
        if *required {
            out.push((format!("f{i}.required"), "on".into()));
        }
        out.push((format!("f{i}.options"), options.to_string()));
    }
    out
}

async fn post(v: &mut Visitor, path: &str, fields: &[(String, String)]) -> crate::pages::Shown {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    v.post(path, &borrowed).await
}

#[tokio::test]
async fn the_console_builder_works_without_javascript() {
    let app = TestApp::spawn().await;
    let key = setup(&app).await;
    let path = format!("/console/orgs/{ORG}/templates/build");
    let mut v = console(&app, &key, "fr").await;
    let page = v.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    page.expect("Créer un modèle pas à pas")
        .expect("<option value=\"licence\">Licence</option>")
        .expect("Badge de compétence")
        .expect("Libellé en français<span class=\"visually-hidden\"> (Champ 1)</span>");
    let base = |extra: &[(&str, &str)]| {
        let mut f: Vec<(String, String)> = vec![
            ("name_fr".into(), "Attestation de stage".into()),
            ("name_en".into(), "Internship certificate".into()),
            ("kind".into(), "CertificateCredential".into()),
        ];
        f.extend(rows(&[
            ("Prénom", "Given name", "text", true, ""),
            ("Nom", "Family name", "text", true, ""),
            (
                "Service",
                "Department",
                "choice",
                false,
                "Comptabilité\nInformatique",
            ),
        ]));
        f.extend(extra.iter().map(|(a, b)| (a.to_string(), b.to_string())));
        f
    };
    // Add, move, remove: the form comes back changed, nothing created.
    let added = post(&mut v, &path, &base(&[("op", "add")])).await;
    assert_eq!(added.status, StatusCode::OK);
    added.expect("name=\"f3.label_fr\" value=\"\"");
    let moved = post(&mut v, &path, &base(&[("op", "up:2")])).await;
    moved
        .expect("name=\"f1.label_fr\" value=\"Service\"")
        .expect("name=\"f2.label_fr\" value=\"Nom\"");
    let moved = post(&mut v, &path, &base(&[("op", "down:0")])).await;
    moved.expect("name=\"f0.label_fr\" value=\"Nom\"");
    let removed = post(&mut v, &path, &base(&[("op", "remove:1")])).await;
    removed.expect("name=\"f1.label_fr\" value=\"Service\"");
    assert!(!removed.has("value=\"Nom\""));
    assert_eq!(
        crate::offers::count_rows(&app, "credential_templates").await,
        0
    );

    // Bad input: said on the field, in French.
    let mut bad = base(&[("op", "create")]);
    bad.push(("f3.label_en".into(), "Colour".into()));
    let res = post(&mut v, &path, &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.expect("Champ 4 : Tapez un libellé de 1 à 200 caractères.")
        .expect("id=\"e-f3.label_fr\"");
    let mut dup = base(&[("op", "create")]);
    dup.push(("f3.label_fr".into(), "Prénom usuel".into()));
    dup.push(("f3.label_en".into(), "given name".into()));
    let res = post(&mut v, &path, &dup).await;
    res.expect("Un autre champ a déjà cette clé (ou ce libellé)");
    let mut forged = base(&[("op", "create")]);
    forged.retain(|(k, _)| k != "f2.type");
    forged.push(("f2.type".into(), "colour".into()));
    let res = post(&mut v, &path, &forged).await;
    res.expect("Choisissez un type dans la liste.");
    let mut many: Vec<(String, String)> = vec![
        ("name_fr".into(), "Trop".into()),
        ("op".into(), "create".into()),
    ];
    for i in 0..61 {
        many.push((format!("f{i}.label_fr"), format!("Champ {i}")));
    }
    let res = post(&mut v, &path, &many).await;
    res.expect("Un modèle a au plus 60 champs.");
    let res = post(&mut v, &path, &[("op".into(), "create".into())]).await;
    res.expect("Indiquez le nom en français")
        .expect("Ajoutez au moins un champ avec un libellé.");
    assert_eq!(
        crate::offers::count_rows(&app, "credential_templates").await,
        0
    );

    // Created; the issuing form shows the labels in the page's language.
    let res = post(&mut v, &path, &base(&[("op", "create")])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let template = res
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let fr = v.get(&template).await;
    fr.expect(">Prénom<")
        .expect(">Service <span class=\"small\">(facultatif)</span>");
    let mut en = console(&app, &key, "en").await;
    let page = en.get(&template).await;
    page.expect(">Given name<")
        .expect(">Department <span class=\"small\">(optional)</span>");
    assert!(!page.has(">prenom<") && !page.has(">givenName<"));
    // The batch form's values for every row use the same labels.
    let id = template.rsplit('/').next().unwrap();
    en.get(&format!("/console/orgs/{ORG}/batches/new?template={id}"))
        .await
        .expect("for=\"f-c.department\">Department");

    // Started from the gallery: the fields of the chosen template.
    let page = v.get(&format!("{path}?from=master")).await;
    page.expect("Modèle de départ : Master.")
        .expect("value=\"Intitulé du diplôme\"")
        .expect("value=\"Crédits ECTS\"");

    // A shipped file, pasted or uploaded as it is.
    let import = format!("/console/orgs/{ORG}/templates/import");
    v.get(&path).await;
    let res = v
        .upload(
            &import,
            &[("template_json", &shipped("diploma.json"))],
            "template_file",
            "",
            "application/json",
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    v.get(&path).await;
    let res = v
        .upload(
            &import,
            &[],
            "template_file",
            "badge-competence.json",
            "application/json",
            shipped("badge-competence.json").into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    v.get(&path).await;
    let res = v
        .upload(
            &import,
            &[("template_json", "{\"name_fr\": ")],
            "template_file",
            "",
            "application/json",
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.expect("Ce n’est pas un fichier de modèle");
    assert_eq!(
        crate::offers::count_rows(&app, "credential_templates").await,
        3
    );

    // Refused callers: logged out, another organisation, no CSRF token.
    let mut nobody = Visitor::new(&app);
    let res = nobody.get(&path).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().unwrap().starts_with("/console/login"));
    app.create_org("other").await;
    let (_, other) = app.create_api_key("other").await;
    let mut stranger = console(&app, &other, "fr").await;
    assert_eq!(stranger.get(&path).await.status, StatusCode::FORBIDDEN);
    let res = post(&mut stranger, &path, &base(&[("op", "create")])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    v.get(&path).await;
    v.csrf = None;
    let res = post(&mut v, &path, &base(&[("op", "create")])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        crate::offers::count_rows(&app, "credential_templates").await,
        3
    );
    app.stop().await;
}
