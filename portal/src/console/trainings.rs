//! The organisation's training catalogue: the list (edit, delete), a new
//! training and its changes (a form whose codes are picked in the
//! frameworks), and a CSV import (a file refused whole, the line and
//! column that stopped it said in the page's language; an example file
//! to start from). The organisation's key or the administrator, as the
//! API allows.

use super::{check, unprocessable, OrgPage};
use crate::{
    api::seg,
    ctx::Ctx,
    forms::{Errors, PostForm},
    frameworks_page::{self, counted, Coded},
    page::{render, see_other, Chrome, PageError},
    trainings_page::{Training, TrainingList},
    uploads::StreamedUpload,
    PortalState,
};
use askama::Template;
use atout_web::i18n::{Arg, Lang, Tr};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderValue, Method},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/orgs/{slug}/trainings", get(list))
        .route(
            "/console/orgs/{slug}/trainings/new",
            get(new_page).post(create),
        )
        .route(
            "/console/orgs/{slug}/trainings/import",
            get(import_page).post(import),
        )
        .route(
            "/console/orgs/{slug}/trainings/example.csv",
            get(example_csv),
        )
        .route(
            "/console/orgs/{slug}/trainings/{id}/edit",
            get(edit_page).post(update),
        )
        .route("/console/orgs/{slug}/trainings/{id}/delete", post(delete))
}

/// The organisation's trainings, drafts included, labels in the page's
/// language.
async fn load_all(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
) -> Result<Vec<Training>, PageError> {
    let list: TrainingList = check(
        state
            .get(
                ctx,
                &page.staff.who,
                &format!("{}/trainings?lang={}", page.api(), ctx.lang.code()),
            )
            .await?,
    )
    .await?
    .json()
    .await?;
    Ok(list.items)
}

#[derive(Template)]
#[template(path = "console/trainings/list.html")]
struct ListPage {
    c: Chrome,
    base: String,
    items: Vec<Training>,
    count: String,
}

impl ListPage {
    fn codes_count(&self, t: &Training) -> String {
        counted(self.c.tr, "co-trn-codes-count", t.codes.len() as i64)
    }
}

/// The trainings. The organisation's key or the administrator.
async fn list(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let items = load_all(&state, &ctx, &page).await?;
    Ok(render(
        ctx.lang,
        &ListPage {
            c: page.chrome(&state, &ctx, "co-trn-title"),
            base: page.base(),
            count: counted(ctx.t(), "co-trn-count", items.len() as i64),
            items,
        },
    ))
}

// ---------------------------------------------------------------------
// The form.

/// One row of codes in the form.
#[derive(Debug, Clone, Default)]
struct CodeRow {
    value: String,
    /// Its label, when the frameworks know the code.
    label: Option<Coded>,
    error: Option<String>,
}

/// Empty rows of codes a form offers at least, and how many more "more
/// rows" adds.
const EMPTY_ROWS: usize = 3;
const MIN_ROWS: usize = 6;
const MORE_ROWS: usize = 5;
/// The API's limit.
const MAX_CODES: usize = 60;

/// The form's values, as typed.
#[derive(Debug, Clone, Default)]
struct Form {
    reference: String,
    title: String,
    description: String,
    certification: String,
    certification_label: Option<Coded>,
    level: String,
    codes: Vec<CodeRow>,
    distance: bool,
    commune: String,
    department: String,
    starts_on: String,
    ends_on: String,
    duration_hours: String,
    price: String,
    cpf: bool,
    url: String,
    status: String,
}

impl Form {
    fn new() -> Self {
        let mut f = Self {
            status: "published".into(),
            ..Default::default()
        };
        f.pad(0);
        f
    }

    /// Empty rows after the codes: at least [`EMPTY_ROWS`] (and `more`),
    /// [`MIN_ROWS`] in all, never past [`MAX_CODES`].
    fn pad(&mut self, more: usize) {
        let filled = self.codes.len();
        let rows = (filled + EMPTY_ROWS + more).clamp(MIN_ROWS, MAX_CODES);
        while self.codes.len() < rows {
            self.codes.push(CodeRow::default());
        }
    }

    fn from_training(t: &Training, lang: Lang) -> Self {
        // As the visitor writes it (the page reads both).
        let decimal = |p: f64| {
            if p.fract() == 0.0 {
                format!("{p:.0}")
            } else if lang == Lang::Fr {
                format!("{p:.2}").replace('.', ",")
            } else {
                format!("{p:.2}")
            }
        };
        let mut f = Self {
            reference: t.reference.clone(),
            title: t.title.clone(),
            description: t.description.clone().unwrap_or_default(),
            certification: t
                .certification
                .as_ref()
                .map(|k| k.code.clone())
                .unwrap_or_default(),
            certification_label: t.certification.clone(),
            level: t.level.clone().unwrap_or_default(),
            codes: t
                .codes
                .iter()
                .map(|k| CodeRow {
                    value: k.code.clone(),
                    label: Some(k.clone()),
                    error: None,
                })
                .collect(),
            distance: t.distance,
            commune: t.commune.clone().unwrap_or_default(),
            department: t.department.clone().unwrap_or_default(),
            starts_on: t.starts_on.clone().unwrap_or_default(),
            ends_on: t.ends_on.clone().unwrap_or_default(),
            duration_hours: t.duration_hours.map(|h| h.to_string()).unwrap_or_default(),
            price: t.price.map(decimal).unwrap_or_default(),
            cpf: t.cpf,
            url: t.url.clone().unwrap_or_default(),
            status: t.status.clone(),
        };
        f.pad(0);
        f
    }

    fn from_post(state: &PortalState, ctx: &Ctx, form: &PostForm) -> Self {
        let label = |code: &str| frameworks_page::label_code(state, code, ctx.lang);
        let certification = form.text("certification");
        let mut f = Self {
            reference: form.text("reference"),
            title: form.text("title"),
            description: form.text("description"),
            certification_label: label(&certification),
            certification,
            level: form.text("level"),
            codes: form
                .all("code")
                .into_iter()
                .take(MAX_CODES)
                .map(|value| CodeRow {
                    label: label(&value),
                    value,
                    error: None,
                })
                .collect(),
            distance: form.checked("distance"),
            commune: form.text("commune"),
            department: form.text("department"),
            starts_on: form.text("starts_on"),
            ends_on: form.text("ends_on"),
            duration_hours: form.text("duration_hours"),
            price: form.text("price"),
            cpf: form.checked("cpf"),
            url: form.text("url"),
            status: match form.get("status") {
                Some("draft") => "draft".into(),
                _ => "published".into(),
            },
        };
        f.pad(if form.checked("more") { MORE_ROWS } else { 0 });
        f
    }

    /// The API's `TrainingInput`, or the fields the page can tell are
    /// wrong before asking (numbers).
    fn body(&self, tr: &Tr, creating: bool) -> Result<Value, Errors> {
        let mut errors = Errors::default();
        let opt = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        let hours = match self.duration_hours.as_str() {
            "" => None,
            h => match h.trim_end_matches(['h', 'H']).trim().parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add("duration_hours", tr.get("co-trn-field-duration_hours"));
                    None
                }
            },
        };
        let price = match self.price.as_str() {
            "" => None,
            p => match atout_web::csvtext::parse_number(p.trim_end_matches('€').trim()) {
                Some(n) => Some(n),
                None => {
                    errors.add("price", tr.get("co-trn-field-price"));
                    None
                }
            },
        };
        if self.title.is_empty() {
            errors.add("title", tr.get("co-trn-field-title"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let codes: Vec<&str> = self
            .codes
            .iter()
            .map(|r| r.value.as_str())
            .filter(|v| !v.is_empty())
            .collect();
        let mut body = json!({
            "title": self.title,
            "description": opt(&self.description),
            "certification": opt(&self.certification),
            "level": opt(&self.level),
            "codes": codes,
            "distance": self.distance,
            "commune": opt(&self.commune),
            "department": opt(&self.department),
            "startsOn": opt(&self.starts_on),
            "endsOn": opt(&self.ends_on),
            "durationHours": hours,
            "price": price,
            "cpf": self.cpf,
            "url": opt(&self.url),
            "status": self.status,
        });
        if creating && !self.reference.is_empty() {
            body["reference"] = json!(self.reference);
        }
        Ok(body)
    }

    /// A refused code list: the rows whose code no framework knows.
    fn mark_unknown_codes(&mut self, tr: &Tr) -> Option<usize> {
        let mut first = None;
        for (i, row) in self.codes.iter_mut().enumerate() {
            if !row.value.is_empty() && row.label.is_none() {
                row.error = Some(tr.get("co-trn-field-code-unknown"));
                first.get_or_insert(i);
            }
        }
        first
    }
}

/// The API's field names and the form's.
const FIELDS: [(&str, &str); 15] = [
    ("reference", "reference"),
    ("title", "title"),
    ("description", "description"),
    ("certification", "certification"),
    ("level", "level"),
    ("codes", "codes"),
    ("distance", "distance"),
    ("commune", "commune"),
    ("department", "department"),
    ("startsOn", "starts_on"),
    ("endsOn", "ends_on"),
    ("durationHours", "duration_hours"),
    ("price", "price"),
    ("url", "url"),
    ("status", "status"),
];

#[derive(Template)]
#[template(path = "console/trainings/form.html")]
struct FormPage {
    c: Chrome,
    base: String,
    /// Where the form posts.
    action: String,
    /// `None` for a new training.
    id: Option<String>,
    f: Form,
    levels: [&'static str; 8],
    errors: Errors,
}

impl FormPage {
    fn row_id(&self, i: &usize) -> String {
        format!("code-{i}")
    }

    fn row_label(&self, i: &usize) -> String {
        self.c.ta("co-trn-code-n", "n", (*i + 1) as i64)
    }
}

const LEVELS: [&str; 8] = ["1", "2", "3", "4", "5", "6", "7", "8"];

fn form_page(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
    id: Option<String>,
    f: Form,
    errors: Errors,
) -> FormPage {
    let (title, action) = match &id {
        Some(id) => (
            "co-trn-edit-title",
            format!("{}/trainings/{}/edit", page.base(), seg(id)),
        ),
        None => ("co-trn-new-title", format!("{}/trainings/new", page.base())),
    };
    FormPage {
        c: page.chrome(state, ctx, title),
        base: page.base(),
        action,
        id,
        f,
        levels: LEVELS,
        errors,
    }
}

/// The form for a new training. The organisation's key or the
/// administrator.
async fn new_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let view = form_page(&state, &ctx, &page, None, Form::new(), Errors::default());
    Ok(render(ctx.lang, &view))
}

/// One training's form. The organisation's key or the administrator.
async fn edit_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let t = load_all(&state, &ctx, &page)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(PageError::NotFound)?;
    let view = form_page(
        &state,
        &ctx,
        &page,
        Some(id),
        Form::from_training(&t, ctx.lang),
        Errors::default(),
    );
    Ok(render(ctx.lang, &view))
}

/// Creates a training. The organisation's key or the administrator
/// (CSRF-checked).
async fn create(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    save(state, ctx, slug, None, form).await
}

/// Saves a training's changes. The organisation's key or the
/// administrator (CSRF-checked).
async fn update(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    form: PostForm,
) -> Result<Response, PageError> {
    save(state, ctx, slug, Some(id), form).await
}

async fn save(
    state: PortalState,
    ctx: Ctx,
    slug: String,
    id: Option<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let tr = ctx.t();
    let mut f = Form::from_post(&state, &ctx, &form);
    // More rows of codes: the same form again, nothing saved.
    if form.checked("more") {
        let view = form_page(&state, &ctx, &page, id, f, Errors::default());
        return Ok(render(ctx.lang, &view));
    }
    let errors = match f.body(tr, id.is_none()) {
        Err(errors) => errors,
        Ok(body) => {
            let (method, path) = match &id {
                Some(id) => (Method::PUT, format!("{}/trainings/{}", page.api(), seg(id))),
                None => (Method::POST, format!("{}/trainings", page.api())),
            };
            let reply = state
                .send_json(&ctx, &page.staff.who, method, &path, &body)
                .await?;
            if reply.ok() {
                let done = if id.is_some() {
                    "done-co-trn-saved"
                } else {
                    "done-co-trn-created"
                };
                return Ok(see_other(&format!("{}/trainings?done={done}", page.base())));
            }
            let problem = reply.problem().await;
            match problem.status {
                404 if id.is_some() => return Err(PageError::NotFound),
                409 => {
                    crate::problems::log(&problem);
                    let mut e = Errors::default();
                    if id.is_none() && !f.reference.is_empty() {
                        e.add("reference", tr.get("co-trn-field-reference-taken"));
                    } else {
                        e.add("", tr.get("co-trn-too-many"));
                    }
                    e
                }
                _ => {
                    let mut e =
                        Errors::from_problem_mapped(tr, &problem, &FIELDS, &["co-trn-field-"]);
                    // Which row of codes: the ones the frameworks do not know.
                    if e.0.first().is_some_and(|(field, _)| field == "codes") {
                        if let Some(i) = f.mark_unknown_codes(tr) {
                            e.0[0].0 = format!("code-{i}");
                        }
                    }
                    e
                }
            }
        }
    };
    let view = form_page(&state, &ctx, &page, id, f, errors);
    Ok(unprocessable(render(ctx.lang, &view)))
}

/// Removes a training from the catalogue. The organisation's key or the
/// administrator (CSRF-checked).
async fn delete(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    check(
        state
            .call(
                &ctx,
                &page.staff.who,
                Method::DELETE,
                &format!("{}/trainings/{}", page.api(), seg(&id)),
                Body::empty(),
                None,
            )
            .await?,
    )
    .await?;
    Ok(see_other(&format!(
        "{}/trainings?done=done-co-trn-deleted",
        page.base()
    )))
}

// ---------------------------------------------------------------------
// The CSV import.

/// The largest file the API takes (`careers::trainings::MAX_CSV_BYTES`).
const MAX_CSV_BYTES: u64 = 8 * 1024 * 1024;

/// The columns of the file, as the example names them, with the API's
/// field each one fills (for its errors).
const COLUMNS: [(&str, &str); 16] = [
    ("reference", "reference"),
    ("title", "title"),
    ("description", "description"),
    ("certification", "certification"),
    ("level", "level"),
    ("codes", "codes"),
    ("commune", "commune"),
    ("department", "department"),
    ("distance", "distance"),
    ("starts", "startsOn"),
    ("ends", "endsOn"),
    ("hours", "durationHours"),
    ("price", "price"),
    ("cpf", "cpf"),
    ("url", "url"),
    ("status", "status"),
];

/// The example file: French headers, `;`, dates, prices and yes/no as a
/// French office writes them; UTF-8 with a BOM so that a spreadsheet
/// opens its accents right.
const EXAMPLE_CSV: &str = "\u{feff}Référence;Intitulé;Description;Certification;Niveau;Compétences;Commune;Département;À distance;Début;Fin;Durée (h);Tarif (€);CPF;Lien;Statut\r\n\
DWWM-2027;Développeur web et web mobile;\"Concevoir et réaliser des sites et des applications web ; en alternance.\";;5;M1855|M1805;Tours;37;non;15/09/2027;30/06/2028;1 400;9 800,00;oui;https://exemple.fr/formations/dwwm;publiée\r\n\
CUIS-01;Commis de cuisine;Les bases du métier en cuisine collective et traditionnelle.;;3;G1602;Orléans;45;non;04/01/2027;26/03/2027;420;3 150,50;oui;https://exemple.fr/formations/commis;publiée\r\n\
FORM-PRO;Formateur ou formatrice d’adultes;Préparer et animer des séances, à distance et en classe.;;5;K2111;;;oui;01/02/2027;;210;;non;https://exemple.fr/formations/formateur;brouillon\r\n";

#[derive(Template)]
#[template(path = "console/trainings/import.html")]
struct ImportPage {
    c: Chrome,
    base: String,
    columns: Vec<(String, String)>,
    /// Where the file was refused ("Ligne 12, colonne « Département » : …").
    refused: Option<String>,
    /// What an accepted file did.
    done: Vec<String>,
    errors: Errors,
}

fn columns(tr: &Tr) -> Vec<(String, String)> {
    COLUMNS
        .iter()
        .map(|(c, _)| {
            (
                tr.get(&format!("co-trn-col-{c}")),
                tr.get(&format!("co-trn-col-{c}-hint")),
            )
        })
        .collect()
}

/// The upload form. The organisation's key or the administrator.
async fn import_page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    Ok(render(
        ctx.lang,
        &ImportPage {
            c: page.chrome(&state, &ctx, "co-trn-import-title"),
            base: page.base(),
            columns: columns(ctx.t()),
            refused: None,
            done: Vec::new(),
            errors: Errors::default(),
        },
    ))
}

#[derive(Deserialize)]
struct ImportReport {
    created: i64,
    updated: i64,
    rows: i64,
}

/// Where and why the API refused a file, in the page's words.
fn refusal(tr: &Tr, problem: &crate::api::Problem) -> String {
    let line = problem.raw.get("line").and_then(Value::as_i64);
    let field = problem.field.as_deref().unwrap_or("");
    let column = COLUMNS
        .iter()
        .find(|(_, api)| *api == field)
        .map(|(c, _)| tr.get(&format!("co-trn-col-{c}")));
    let what = if field == "file" {
        if line.is_some() {
            tr.get("co-trn-import-line-unreadable")
        } else {
            tr.get("co-trn-import-file-unreadable")
        }
    } else {
        let key = FIELDS
            .iter()
            .find(|(api, _)| *api == field)
            .map(|(_, form)| format!("co-trn-field-{form}"))
            .filter(|k| tr.has(k));
        match key {
            Some(k) => tr.get(&k),
            None => crate::problems::general(tr, problem),
        }
    };
    match (line, column) {
        (Some(line), Some(column)) => tr.with(
            "co-trn-import-at-cell",
            &[
                ("line", Arg::Number(line)),
                ("column", Arg::Owned(column)),
                ("message", Arg::Owned(what)),
            ],
        ),
        (Some(line), None) => tr.with(
            "co-trn-import-at-line",
            &[("line", Arg::Number(line)), ("message", Arg::Owned(what))],
        ),
        (None, _) => what,
    }
}

/// Imports a CSV file of trainings (streamed to the API). The
/// organisation's key or the administrator (CSRF-checked).
async fn import(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    mut form: StreamedUpload,
) -> Result<Response, PageError> {
    let page = match OrgPage::load(&state, &ctx, &slug).await {
        Ok(page) => page,
        Err(e) => {
            form.discard().await?;
            return Err(e);
        }
    };
    let tr = ctx.t();
    let mut errors = Errors::default();
    let mut refused = None;
    if form.file.is_none() {
        errors.add("file", tr.get("co-trn-field-file"));
    } else {
        let (reply, size) = form
            .forward(
                &state,
                &ctx,
                &page.staff.who,
                &format!("{}/trainings/import", page.api()),
                "text/csv",
                MAX_CSV_BYTES,
            )
            .await?;
        if reply.ok() {
            let report: ImportReport = reply.json().await?;
            let done = vec![
                counted(tr, "co-trn-import-rows", report.rows),
                counted(tr, "co-trn-import-created", report.created),
                counted(tr, "co-trn-import-updated", report.updated),
            ];
            return Ok(render(
                ctx.lang,
                &ImportPage {
                    c: page.chrome(&state, &ctx, "co-trn-import-done-title"),
                    base: page.base(),
                    columns: columns(tr),
                    refused: None,
                    done,
                    errors: Errors::default(),
                },
            ));
        }
        let problem = reply.problem().await;
        match problem.status {
            413 => {
                let limit = crate::uploads::stated_limit(&problem, MAX_CSV_BYTES);
                errors.add(
                    "file",
                    crate::uploads::too_large_message(tr, ctx.lang, size, limit),
                );
            }
            409 => {
                crate::problems::log(&problem);
                errors.add("file", tr.get("co-trn-import-too-many"));
            }
            422 => {
                crate::problems::log(&problem);
                refused = Some(refusal(tr, &problem));
                errors.add("file", tr.get("co-trn-import-refused"));
            }
            _ => return Err(PageError::from_problem(problem)),
        }
    }
    form.discard().await?;
    Ok(unprocessable(render(
        ctx.lang,
        &ImportPage {
            c: page.chrome(&state, &ctx, "co-trn-import-title"),
            base: page.base(),
            columns: columns(tr),
            refused,
            done: Vec::new(),
            errors,
        },
    )))
}

/// The example CSV file. The organisation's key or the administrator.
async fn example_csv(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    OrgPage::load(&state, &ctx, &slug).await?;
    let mut response = EXAMPLE_CSV.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"formations-exemple.csv\""),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_has_the_columns_a_french_office_writes() {
        let header = EXAMPLE_CSV
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or_default();
        assert_eq!(
            header,
            "Référence;Intitulé;Description;Certification;Niveau;Compétences;Commune;Département;À distance;Début;Fin;Durée (h);Tarif (€);CPF;Lien;Statut"
        );
        // Every row has as many cells as the header (quotes apart).
        for line in EXAMPLE_CSV.lines().skip(1) {
            let cells = line.split(';').count() - line.matches(" ; ").count();
            assert_eq!(cells, 16, "{line}");
        }
    }

    #[test]
    fn a_refused_cell_is_named_by_line_and_column() {
        let tr = Lang::Fr.tr();
        let problem = crate::api::Problem {
            status: 422,
            field: Some("department".into()),
            raw: json!({"line": 12, "field": "department"}),
            ..Default::default()
        };
        let text = refusal(tr, &problem);
        assert!(
            text.starts_with("Ligne 12, colonne « Département »"),
            "{text}"
        );
        let problem = crate::api::Problem {
            status: 422,
            field: Some("file".into()),
            raw: json!({"field": "file"}),
            ..Default::default()
        };
        assert_eq!(
            refusal(tr, &problem),
            tr.get("co-trn-import-file-unreadable")
        );
    }

    #[test]
    fn a_form_offers_empty_rows_of_codes() {
        let f = Form::new();
        assert_eq!(f.codes.len(), MIN_ROWS);
        let mut f = Form {
            codes: vec![
                CodeRow {
                    value: "M1805".into(),
                    ..Default::default()
                };
                5
            ],
            ..Default::default()
        };
        f.pad(MORE_ROWS);
        assert_eq!(f.codes.len(), 5 + EMPTY_ROWS + MORE_ROWS);
    }
}
