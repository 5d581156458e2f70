//! Bulk issuance from the files French offices export from Excel:
//! Windows-1252, semicolons, `jj/mm/aaaa` dates, decimal commas, columns
//! named by their French labels, values for every row given once; the BOM,
//! tab and UTF-16 variants; errors naming the line and column in French and
//! English; hostile files refused whole.

use crate::common::*;
use crate::pages::Visitor;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

const ORG: &str = "univ-fr";

const GIVEN: [&str; 20] = [
    "Élodie",
    "Inès",
    "Noémie",
    "Chloé",
    "Jérôme",
    "François",
    "Hélène",
    "Anaïs",
    "Zoé",
    "Maël",
    "Léa",
    "Benoît",
    "Gaëlle",
    "Loïc",
    "Cécile",
    "Thaïs",
    "Renée",
    "Adèle",
    "Josué",
    "Aurélien",
];
const FAMILY: [&str; 10] = [
    "Lefèvre",
    "Dupré",
    "Œuvray",
    "Garçon",
    "Bézier",
    "Müller",
    "N’Diaye",
    "Saint-Exupéry",
    "Château",
    "Ébrard",
];
const GRADES: [(&str, &str); 4] = [
    ("Passable", "Passable"),
    ("assez bien", "Assez bien"),
    ("Bien", "Bien"),
    ("TRÈS BIEN", "Très bien"),
];

/// An organisation with a key and the gallery's licence template.
pub async fn licence_setup(app: &TestApp) -> (String, String) {
    app.create_org(ORG).await;
    let (_, key) = app.create_api_key(ORG).await;
    let licence: Value = app
        .get("/template-gallery/licence", None)
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post_json(&format!("/orgs/{ORG}/templates"), Some(&key), &licence)
        .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (key, id)
}

/// A promotion as Excel saves it: labels as headers, `sep` between cells,
/// CRLF, dates `jj/mm/aaaa` (some `j/m/aaaa`), credits with a decimal
/// comma, grades typed any case, one family name with the separator inside
/// quotes; the award date and field of study left to the constants (one
/// row in ten has its own award date). Returns the text and the subjects
/// expected, by reference.
pub fn promotion(n: usize, sep: &str) -> (String, Vec<(String, Value)>) {
    let header = [
        "Référence",
        "Prénom",
        "Nom",
        "Date de naissance",
        "Intitulé du diplôme",
        "Mention obtenue",
        "Crédits ECTS",
        "Date d’obtention",
        "E-mail",
    ];
    let mut text = header.join(sep) + "\r\n";
    let mut expected = Vec::new();
    for i in 0..n {
        let reference = format!("L3-2025-{i:03}");
        let given = GIVEN[i % GIVEN.len()];
        let family = if i == 7 {
            format!("Martin{sep} dit « Le Grand »")
        } else {
            format!("{} {}", FAMILY[i % FAMILY.len()], i)
        };
        let (day, month, year) = (1 + i % 28, 1 + i % 12, 1990 + i % 15);
        let birth = if i % 5 == 0 {
            format!("{day}/{month}/{year}")
        } else {
            format!("{day:02}/{month:02}/{year}")
        };
        let (typed_grade, grade) = GRADES[i % GRADES.len()];
        let (credits_text, credits) = if i % 2 == 0 {
            ("180".to_owned(), json!(180))
        } else {
            ("178,5".to_owned(), json!(178.5))
        };
        let (awarded_text, awarded) = if i % 10 == 0 {
            ("03/07/2025", "2025-07-03")
        } else {
            ("", "2025-07-01")
        };
        let cells = [
            reference.clone(),
            format!(" {given} "),
            family.clone(),
            birth,
            "Licence Informatique".to_owned(),
            typed_grade.to_owned(),
            credits_text,
            awarded_text.to_owned(),
            format!("etu{i}@univ-exemple.fr"),
        ];
        // A cell holding the separator is quoted, as spreadsheets do.
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| {
                if c.contains(sep) {
                    format!("\"{c}\"")
                } else {
                    c
                }
            })
            .collect();
        text.push_str(&cells.join(sep));
        text.push_str("\r\n");
        expected.push((
            reference,
            json!({
                "givenName": given,
                "familyName": family,
                "birthDate": format!("{year}-{month:02}-{day:02}"),
                "degree": {
                    "type": "Diploma",
                    "name": "Licence Informatique",
                    "eqfLevel": 6,
                    "fieldOfStudy": "Informatique",
                    "grade": grade,
                    "credits": credits,
                    "awardedOn": awarded,
                }
            }),
        ));
    }
    // Excel leaves a blank row at the end now and then.
    text.push_str(&sep.repeat(header.len() - 1));
    text.push_str("\r\n");
    (text, expected)
}

pub fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// The constants every row gets unless it has its own value.
pub fn constants() -> Value {
    json!({"degree.awardedOn": "01/07/2025", "degree.fieldOfStudy": "Informatique"})
}

async fn upload(
    app: &TestApp,
    key: &str,
    template: &str,
    constants: Option<&Value>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut query = vec![("template", template.to_owned())];
    if let Some(c) = constants {
        query.push(("constants", c.to_string()));
    }
    app.client
        .post(app.url(&format!("/orgs/{ORG}/batches")))
        .query(&query)
        .bearer_auth(key)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn wait_done(app: &TestApp, key: &str, location: &str) -> Value {
    for _ in 0..1200 {
        let batch: Value = app.get(location, Some(key)).await.json().await.unwrap();
        if batch["state"] == "done" {
            return batch;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the batch did not finish within a minute");
}

/// Every issued credential's subject, by reference.
pub async fn subjects(app: &TestApp, key: &str, location: &str) -> Vec<(String, Value)> {
    let rows: Value = app
        .get(&format!("{location}/rows?limit=1000"), Some(key))
        .await
        .json()
        .await
        .unwrap();
    let mut out = Vec::new();
    for row in rows["items"].as_array().unwrap() {
        assert_eq!(row["state"], "issued", "{row}");
        let id = row["credential_ref"].as_str().unwrap();
        let issued = app
            .store()
            .get_issued_credential(id)
            .await
            .unwrap()
            .unwrap();
        let credential: Value = serde_json::from_str(&issued.body).unwrap();
        out.push((
            row["reference"].as_str().unwrap().to_owned(),
            credential["credentialSubject"].clone(),
        ));
    }
    out
}

#[tokio::test]
async fn a_french_excel_file_of_200_graduates_is_issued_as_typed() {
    let app = TestApp::spawn().await;
    let (key, template) = licence_setup(&app).await;
    let (text, expected) = promotion(200, ";");
    let body = windows_1252(&text);
    assert!(std::str::from_utf8(&body).is_err(), "really Windows-1252");
    let res = upload(&app, &key, &template, Some(&constants()), body).await;
    assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let done = wait_done(&app, &key, &location).await;
    assert_eq!(
        (done["total"].as_i64(), done["issued"].as_i64()),
        (Some(200), Some(200))
    );
    let got = subjects(&app, &key, &location).await;
    assert_eq!(got.len(), 200);
    for ((reference, subject), (want_ref, want)) in got.iter().zip(&expected) {
        assert_eq!(reference, want_ref);
        assert_eq!(subject, want, "{reference}");
    }
    app.stop().await;
}

#[tokio::test]
async fn bom_tab_and_utf16_variants_are_read_alike() {
    let app = TestApp::spawn().await;
    let (key, template) = licence_setup(&app).await;
    // UTF-8 with a BOM, commas; UTF-8 without, tabs; UTF-16 with its BOM,
    // tabs (Excel's "Unicode text").
    let (comma, comma_expected) = promotion(12, ",");
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(comma.as_bytes());
    let (tab, tab_expected) = promotion(12, "\t");
    let tab = tab.replace("L3-2025-", "L3-TAB-");
    let (utf16, _) = promotion(12, "\t");
    let utf16 = utf16.replace("L3-2025-", "L3-U16-");
    let mut utf16_bytes = vec![0xff, 0xfe];
    for unit in utf16.encode_utf16() {
        utf16_bytes.extend(unit.to_le_bytes());
    }
    for (prefix, body, expected) in [
        ("L3-2025-", bom, &comma_expected),
        ("L3-TAB-", tab.into_bytes(), &tab_expected),
        ("L3-U16-", utf16_bytes, &tab_expected),
    ] {
        let res = upload(&app, &key, &template, Some(&constants()), body).await;
        assert_eq!(res.status(), 202, "{prefix}: {}", res.text().await.unwrap());
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let done = wait_done(&app, &key, &location).await;
        assert_eq!(done["issued"], 12, "{prefix}");
        let got = subjects(&app, &key, &location).await;
        for ((reference, subject), (want_ref, want)) in got.iter().zip(expected) {
            assert_eq!(reference, &want_ref.replace("L3-2025-", prefix));
            assert_eq!(subject, want, "{prefix} {reference}");
        }
    }
    app.stop().await;
}

/// A file with mistakes: each is named by line (as the spreadsheet numbers
/// it) and column (as the file names it), with a code and its arguments.
fn faulty_file() -> Vec<u8> {
    let text = "Référence;Prénom;Nom;Intitulé du diplôme;Mention obtenue;Crédits ECTS;Date d’obtention\r\n\
        A1;Ana;Durand;Licence Droit;Bien;180;01/07/2025\r\n\
        A2;Basile;Roux;Licence Droit;Excellent;180;01/07/2025\r\n\
        A3;Chloé;Petit;Licence Droit;Bien;cent;31/02/2025\r\n\
        A1;Dina;Morel;;Bien;180;01/07/2025\r\n";
    windows_1252(text)
}

#[tokio::test]
async fn mistakes_are_named_by_line_and_column_for_the_api() {
    let app = TestApp::spawn().await;
    let (key, template) = licence_setup(&app).await;
    let problem = assert_problem(
        upload(&app, &key, &template, None, faulty_file()).await,
        422,
    )
    .await;
    assert_eq!(problem["type"], "urn:atout:problem:invalid-batch");
    let errors: Vec<(i64, i64, String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["line"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        (2, 3, "Mention obtenue", "choice"),
        (3, 4, "Crédits ECTS", "number"),
        (3, 4, "Date d’obtention", "date"),
        (4, 5, "Référence", "duplicate-reference"),
        (4, 5, "Intitulé du diplôme", "missing"),
    ];
    let want: Vec<(i64, i64, String, String)> = want
        .iter()
        .map(|(r, l, c, k)| (*r, *l, (*c).to_owned(), (*k).to_owned()))
        .collect();
    assert_eq!(errors, want, "{problem}");
    let choice = &problem["errors"][0];
    assert_eq!(choice["field"], "degree.grade");
    assert_eq!(
        choice["args"]["options"],
        "Passable, Assez bien, Bien, Très bien"
    );
    assert_eq!(
        problem["errors"][2]["message"],
        "Row 3 (line 4), column “Date d’obtention”: type a date such as 01/07/2025."
    );
    assert_eq!(problem["errors"][3]["args"]["first"], 2);
    // No regular expression, no serde message anywhere.
    let text = problem.to_string();
    for raw in [
        "^[",
        "$\"",
        "unknown variant",
        "is not of type",
        "does not match",
    ] {
        assert!(!text.contains(raw), "{raw} in {text}");
    }
    // A constant that does not fit is the constant's problem.
    let bad = json!({"degree.awardedOn": "1er juillet", "nope": "x"});
    let problem = assert_problem(
        upload(&app, &key, &template, Some(&bad), faulty_file()).await,
        422,
    )
    .await;
    let codes: Vec<(&str, &str, bool)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
                e["constant"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("degree.awardedOn", "date", true),
            ("nope", "unknown-constant", true)
        ]
    );
    assert_eq!(count_rows(&app, "batches").await, 0);
    app.stop().await;
}

async fn count_rows(app: &TestApp, table: &str) -> i64 {
    crate::offers::count_rows(app, table).await
}

#[tokio::test]
async fn hostile_files_and_constants_are_refused_whole() {
    let app = TestApp::spawn().await;
    let (key, template) = licence_setup(&app).await;
    let wide = (0..201)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(";")
        + "\n";
    let long_cell = format!("reference;Prénom\nA1;{}\n", "é".repeat(6000));
    let ragged = "reference;Prénom;Nom\nA1;Ana;Durand;extra;more\n".to_owned();
    let unbalanced = "reference;Prénom\nA1;\"Ana\n".to_owned();
    let many: String = std::iter::once("reference\n".to_owned())
        .chain((0..200_001).map(|i| format!("r{i}\n")))
        .collect();
    let garbage: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    for (name, body, code) in [
        ("wide", wide.into_bytes(), "too-many-columns"),
        ("long cell", long_cell.into_bytes(), "cell-too-long"),
        ("ragged", ragged.into_bytes(), "unreadable-row"),
        ("unbalanced", unbalanced.into_bytes(), "missing"),
        ("many", many.into_bytes(), "too-many-rows"),
        ("empty", Vec::new(), "no-rows"),
        ("garbage", garbage, ""),
    ] {
        let problem = assert_problem(upload(&app, &key, &template, None, body).await, 422).await;
        let errors = problem["errors"].as_array().unwrap();
        assert!(!errors.is_empty() && errors.len() <= 50, "{name}");
        assert!(
            code.is_empty() || errors.iter().any(|e| e["code"] == code),
            "{name}: {problem}"
        );
    }
    for (constants, status) in [
        ("not json", 400),
        ("[1, 2]", 400),
        (&*format!("{{\"a\": \"{}\"}}", "x".repeat(20_000)), 400),
    ] {
        let res = app
            .client
            .post(app.url(&format!("/orgs/{ORG}/batches")))
            .query(&[("template", template.as_str()), ("constants", constants)])
            .bearer_auth(&key)
            .header("content-type", "text/csv")
            .body("reference\nA\n")
            .send()
            .await
            .unwrap();
        let problem = assert_problem(res, status).await;
        assert_eq!(problem["field"], "constants");
    }
    assert_eq!(count_rows(&app, "batches").await, 0);
    app.stop().await;
}

/// A visitor logged in to the console with `token`, in `lang`.
pub async fn console(app: &TestApp, token: &str, lang: &'static str) -> Visitor {
    let mut v = Visitor::new(app);
    v.lang = lang;
    v.get("/console/login").await;
    let res = v.post("/console/login", &[("token", token)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    v.follow("/console").await;
    v
}

#[tokio::test]
async fn the_upload_page_names_mistakes_in_french_and_english_and_takes_constants() {
    let app = TestApp::spawn().await;
    let (key, template) = licence_setup(&app).await;
    let path = format!("/console/orgs/{ORG}/batches/new");
    for (lang, lines) in [
        (
            "fr",
            [
                "Ligne 3, colonne « Mention obtenue » : tapez l’une de ces valeurs : Passable, Assez bien, Bien, Très bien.",
                "Ligne 4, colonne « Crédits ECTS » : tapez un nombre comme 12,5.",
                "Ligne 4, colonne « Date d’obtention » : tapez une date comme 01/07/2025.",
                "Ligne 5, colonne « Référence » : cette référence est déjà à la ligne 2 ; chaque ligne a besoin de la sienne.",
                "Ligne 5, colonne « Intitulé du diplôme » : cette valeur est obligatoire",
            ],
        ),
        (
            "en",
            [
                "Line 3, column “Mention obtenue”: type one of these values: Passable, Assez bien, Bien, Très bien.",
                "Line 4, column “Crédits ECTS”: type a number such as 12.5.",
                "Line 4, column “Date d’obtention”: type a date such as 01/07/2025.",
                "Line 5, column “Référence”: this reference is already on line 2; each row needs its own.",
                "Line 5, column “Intitulé du diplôme”: this value is required",
            ],
        ),
    ] {
        let mut v = console(&app, &key, lang).await;
        let form = v.get(&format!("{path}?template={template}")).await;
        // The values for every row: the template's fields, labelled.
        form.expect("name=\"c.degree.awardedOn\"")
            .expect(if lang == "fr" { "Date d’obtention" } else { "Award date" });
        assert!(!form.has("name=\"c.degree.type\""), "fixed values fill themselves");
        let res = v
            .upload(&path, &[("template", &template)], "file", "promo.csv", "text/csv", faulty_file())
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        for line in lines {
            res.expect(line);
        }
        assert!(!res.has("^[") && !res.has("is not"), "{}", res.body);
        // A constant that does not fit is said on its field.
        let res = v
            .upload(
                &path,
                &[("template", &template), ("c.degree.awardedOn", "1er juillet")],
                "file",
                "promo.csv",
                "text/csv",
                faulty_file(),
            )
            .await;
        res.expect("id=\"e-c.degree.awardedOn\"").expect(if lang == "fr" {
            "Tapez une date comme 01/07/2025."
        } else {
            "Type a date such as 01/07/2025."
        });
    }
    // The whole promotion with the constants typed in the form: issued.
    let mut v = console(&app, &key, "fr").await;
    v.get(&format!("{path}?template={template}")).await;
    let (text, expected) = promotion(30, ";");
    let res = v
        .upload(
            &path,
            &[
                ("template", &template),
                ("c.degree.awardedOn", "01/07/2025"),
                ("c.degree.fieldOfStudy", "Informatique"),
            ],
            "file",
            "promo.csv",
            "text/csv",
            windows_1252(&text),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let batch = res
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .replace("/console", "");
    let done = wait_done(&app, &key, &batch).await;
    assert_eq!(done["issued"], 30);
    let got = subjects(&app, &key, &batch).await;
    assert_eq!(got, expected);
    app.stop().await;
}
