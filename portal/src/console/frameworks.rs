//! The reference frameworks, for the platform administrator: the versions
//! loaded with what each import reported (lines skipped, codes gone since
//! the previous version), and the import of a publisher's file (ZIP, CSV
//! or CSV.GZ, streamed to the API as batches are): a refused file is
//! named with its line and why; an accepted one shows what it did.

use super::{unprocessable, Staff};
use crate::{
    ctx::Ctx,
    forms::Errors,
    frameworks_page::{self, counted, Coded, FamilyShown},
    page::{render, Chrome, PageError},
    uploads::StreamedUpload,
    PortalState,
};
use askama::Template;
use atout_web::i18n::{Arg, Tr};
use axum::{extract::State, response::Response, routing::get, Router};
use serde::Deserialize;
use serde_json::Value;

pub fn router() -> Router<PortalState> {
    Router::new().route("/console/frameworks", get(page).post(import))
}

/// The largest file the API takes (`careers::frameworks::IMPORT_BODY_LIMIT`).
const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;
const FORMATS: [&str; 3] = ["esco", "rome", "rncp"];
/// Codes gone and lines skipped a version lists on this page.
const GONE_LISTED: usize = 200;
const SKIPPED_LISTED: usize = 100;

/// The import form's values.
#[derive(Debug, Clone, Default)]
struct Form {
    format: String,
    version: String,
    lang: String,
    published_on: String,
}

/// A file the API refused, where and why.
#[derive(Debug, Clone)]
struct Refusal {
    /// "In « skills_en.csv », line 12." (empty when the API did not say).
    at: String,
    /// The reader's reason, in its own (English) words.
    reason: String,
}

/// What an accepted import did, in sentences.
#[derive(Debug, Clone)]
struct Outcome {
    lines: Vec<String>,
    gone: Vec<Coded>,
    gone_heading: String,
}

#[derive(Template)]
#[template(path = "console/frameworks/page.html")]
struct Page {
    c: Chrome,
    families: Vec<FamilyShown>,
    indexed: String,
    formats: [&'static str; 3],
    f: Form,
    refusal: Option<Refusal>,
    outcome: Option<Outcome>,
    errors: Errors,
}

async fn view(
    state: &PortalState,
    ctx: &Ctx,
    staff: &Staff,
    f: Form,
    refusal: Option<Refusal>,
    outcome: Option<Outcome>,
    errors: Errors,
) -> Result<Page, PageError> {
    let loaded = frameworks_page::load_versions(state, ctx).await?;
    let title = if outcome.is_some() {
        "co-refs-done-title"
    } else {
        "co-refs-title"
    };
    Ok(Page {
        c: staff.chrome(state, ctx, title, None),
        families: frameworks_page::families(
            state,
            ctx.lang,
            &loaded.versions,
            GONE_LISTED,
            SKIPPED_LISTED,
        ),
        indexed: counted(ctx.t(), "refs-indexed", loaded.indexed),
        formats: FORMATS,
        f,
        refusal,
        outcome,
        errors,
    })
}

/// The versions loaded and the import form. The administrator.
async fn page(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let staff = Staff::admin(&state, &ctx).await?;
    let view = view(
        &state,
        &ctx,
        &staff,
        Form::default(),
        None,
        None,
        Errors::default(),
    )
    .await?;
    Ok(render(ctx.lang, &view))
}

/// The API's answer to an import (`ImportView`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImportView {
    version: frameworks_page::VersionView,
    created: bool,
    #[serde(default)]
    replaced: Option<String>,
    #[serde(default)]
    gone_count: i64,
}

/// The form's fields the page can check before sending a large file.
fn check_form(tr: &Tr, f: &Form) -> Errors {
    let mut errors = Errors::default();
    if !FORMATS.contains(&f.format.as_str()) {
        errors.add("format", tr.get("co-refs-field-format"));
    }
    if f.version.is_empty() || f.version.chars().count() > 40 {
        errors.add("version", tr.get("co-refs-field-version"));
    }
    if f.format == "esco" && f.lang.is_empty() {
        errors.add("lang", tr.get("co-refs-field-lang"));
    }
    errors
}

/// Where a refused file went wrong, in the page's words.
fn refusal(tr: &Tr, raw: &Value) -> Refusal {
    let file = raw.get("file").and_then(Value::as_str);
    let line = raw.get("line").and_then(Value::as_i64);
    let at = match (file, line) {
        (Some(file), Some(line)) => tr.with(
            "co-refs-refused-file-line",
            &[("file", Arg::Text(file)), ("line", Arg::Number(line))],
        ),
        (Some(file), None) => tr.arg("co-refs-refused-file", "file", file),
        (None, Some(line)) => tr.arg("co-refs-refused-line", "line", line),
        (None, None) => String::new(),
    };
    Refusal {
        at,
        reason: raw
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
    }
}

/// Imports a publisher's file (streamed to the API). The administrator
/// (CSRF-checked).
async fn import(
    State(state): State<PortalState>,
    ctx: Ctx,
    mut form: StreamedUpload,
) -> Result<Response, PageError> {
    let staff = match Staff::admin(&state, &ctx).await {
        Ok(staff) => staff,
        Err(e) => {
            form.discard().await?;
            return Err(e);
        }
    };
    let tr = ctx.t();
    let fields = &form.fields;
    let f = Form {
        format: fields.text("format"),
        version: fields.text("version"),
        lang: fields.text("lang").to_ascii_lowercase(),
        published_on: fields.text("published_on"),
    };
    let mut errors = check_form(tr, &f);
    let mut refused = None;
    let file = form.file.clone();
    if file.is_none() {
        errors.add("file", tr.get("co-refs-field-file"));
    }
    if let (true, Some(file)) = (errors.is_empty(), file) {
        let mut pairs = vec![("format", f.format.as_str()), ("version", &f.version)];
        if !f.lang.is_empty() {
            pairs.push(("lang", &f.lang));
        }
        if !f.published_on.is_empty() {
            pairs.push(("publishedOn", &f.published_on));
        }
        let name = file.name.rsplit(['/', '\\']).next().unwrap_or_default();
        if !name.is_empty() {
            pairs.push(("filename", name));
        }
        let path = format!(
            "/admin/frameworks/imports?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        );
        let (reply, size) = form
            .forward(
                &state,
                &ctx,
                &staff.who,
                &path,
                "application/octet-stream",
                MAX_IMPORT_BYTES,
            )
            .await?;
        if reply.ok() {
            let done: ImportView = reply.json().await?;
            let outcome = outcome(&state, &ctx, &done);
            let view = view(
                &state,
                &ctx,
                &staff,
                Form::default(),
                None,
                Some(outcome),
                Errors::default(),
            )
            .await?;
            return Ok(render(ctx.lang, &view));
        }
        let problem = reply.problem().await;
        crate::problems::log(&problem);
        match problem.status {
            413 => {
                let limit = crate::uploads::stated_limit(&problem, MAX_IMPORT_BYTES);
                errors.add(
                    "file",
                    crate::uploads::too_large_message(tr, ctx.lang, size, limit),
                );
            }
            409 => errors.add("file", tr.get("co-refs-busy")),
            422 if problem.raw.get("reason").is_some() => {
                refused = Some(refusal(tr, &problem.raw));
                errors.add("file", tr.get("co-refs-refused"));
            }
            400 | 422 => {
                let field = match problem.field.as_deref() {
                    Some("format") => "format",
                    Some("version") => "version",
                    Some("lang") => "lang",
                    Some("publishedOn") => "published_on",
                    _ => "file",
                };
                errors.add(field, tr.get(&format!("co-refs-field-{field}")));
            }
            _ => return Err(PageError::from_problem(problem)),
        }
    }
    form.discard().await?;
    let view = view(&state, &ctx, &staff, f, refused, None, errors).await?;
    Ok(unprocessable(render(ctx.lang, &view)))
}

fn outcome(state: &PortalState, ctx: &Ctx, done: &ImportView) -> Outcome {
    let tr = ctx.t();
    let v = &done.version;
    let mut lines = vec![if done.created {
        tr.arg("co-refs-done-created", "version", v.version.as_str())
    } else {
        tr.arg("co-refs-done-merged", "version", v.version.as_str())
    }];
    if let Some(old) = &done.replaced {
        lines.push(tr.arg("co-refs-done-replaced", "old", old.as_str()));
    }
    let shown = frameworks_page::shown(state, ctx.lang, v, GONE_LISTED, 0);
    lines.extend(shown.concepts.iter().cloned());
    lines.extend(shown.labels.iter().cloned());
    if shown.previous.is_some() {
        lines.push(counted(tr, "co-refs-done-gone", done.gone_count));
    }
    lines.push(shown.skipped_text.clone());
    Outcome {
        lines,
        gone: shown.gone,
        gone_heading: shown.gone_heading,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atout_web::i18n::Lang;
    use serde_json::json;

    #[test]
    fn a_refusal_names_the_file_and_the_line() {
        let tr = Lang::Fr.tr();
        let r = refusal(
            tr,
            &json!({"file": "skills_en.csv", "line": 12, "reason": "a quote is not closed"}),
        );
        assert!(r.at.contains("skills_en.csv"), "{}", r.at);
        assert!(r.at.contains("12"), "{}", r.at);
        assert_eq!(r.reason, "a quote is not closed");
        assert_eq!(refusal(tr, &json!({"reason": "x"})).at, "");
    }

    #[test]
    fn esco_needs_its_language_before_the_file_is_sent() {
        let tr = Lang::En.tr();
        let f = Form {
            format: "esco".into(),
            version: "v1.2.0".into(),
            ..Default::default()
        };
        let errors = check_form(tr, &f);
        assert!(errors.has("lang"));
        assert!(!errors.has("version"));
        let f = Form {
            format: "rome".into(),
            version: "2025-09".into(),
            ..Default::default()
        };
        assert!(check_form(tr, &f).is_empty());
    }
}
