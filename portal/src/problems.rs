//! API problems in the visitor's words. The API answers RFC 9457 problems
//! whose `title` and `detail` are English and technical (for developers);
//! a page never shows them. It shows a sentence from the translation
//! files chosen by, in order:
//!
//! 1. for a form, 413 and 429 (too large, too many attempts), then the
//!    field it names, mapped to the form's field: the form's own message
//!    for it (`field-<name>`, `co-field-<name>`, `so-field-<name>`);
//! 2. the problem's type: `problem-<kind>` (`problem-quota-exceeded`);
//! 3. its status, for the statuses every page treats alike (409, 413, 429);
//! 4. the field's error code (`code`: `invalid-value`, `missing-field`,
//!    see `atout_web::extract::data_error_of`): `problem-code-<code>`;
//! 5. else a general sentence with the request id to quote to support.
//!
//! What the API said is logged (INFO, with the request id in the span)
//! so that support can find it from the reference.

use crate::api::Problem;
use atout_web::i18n::Tr;

/// Kinds too general to say what to change: the field or the code does.
const GENERAL_KINDS: &[&str] = &[
    "",
    "invalid-input",
    "bad-request",
    "malformed-request",
    "conflict",
    "not-found",
    "forbidden",
    "unauthorized",
    "error",
    "internal",
    "unavailable",
];

/// The id to quote to support: the API's, else this request's own.
pub fn reference(problem: &Problem) -> Option<String> {
    problem
        .request_id
        .clone()
        .or_else(atout_web::middleware::current_request_id)
}

/// Logs what the API said, for support (never shown to the visitor).
pub fn log(problem: &Problem) {
    let detail: String = problem
        .detail
        .as_deref()
        .unwrap_or("")
        .chars()
        .take(300)
        .collect();
    tracing::info!(
        status = problem.status,
        kind = %problem.kind,
        code = problem.code.as_deref().unwrap_or("-"),
        field = problem.field.as_deref().unwrap_or("-"),
        request_id = problem.request_id.as_deref().unwrap_or("-"),
        %detail,
        "a page's request was refused by the API"
    );
}

/// The message key for the problem's type, when it says what to change.
pub fn kind_key(tr: &Tr, problem: &Problem) -> Option<String> {
    if GENERAL_KINDS.contains(&problem.kind.as_str()) {
        return None;
    }
    let key = format!("problem-{}", problem.kind);
    tr.has(&key).then_some(key)
}

/// The message key for the statuses pages treat alike.
pub fn status_key(problem: &Problem) -> Option<&'static str> {
    match problem.status {
        409 => Some("error-conflict"),
        413 => Some("error-too-large"),
        429 => Some("error-rate-limited"),
        _ => None,
    }
}

/// The message key for the field error's code.
pub fn code_key(tr: &Tr, problem: &Problem) -> Option<String> {
    let key = format!("problem-code-{}", problem.code.as_deref()?);
    tr.has(&key).then_some(key)
}

/// The general sentence, with the reference to quote.
pub fn general(tr: &Tr, problem: &Problem) -> String {
    let mut message = tr.get("error-invalid");
    if let Some(id) = reference(problem) {
        message.push(' ');
        message.push_str(&tr.arg("error-reference", "id", id));
    }
    message
}

/// A sentence for the whole problem (no form field to tie it to): by
/// type, status, code, else the general one with the reference.
pub fn sentence(tr: &Tr, problem: &Problem) -> String {
    log(problem);
    if let Some(key) = kind_key(tr, problem) {
        return tr.get(&key);
    }
    if let Some(key) = status_key(problem) {
        return tr.get(key);
    }
    if let Some(key) = code_key(tr, problem) {
        if problem.field.is_some() {
            return tr.get(&key);
        }
    }
    general(tr, problem)
}

/// Puts the visitor's words in the `message` of each schema error of an
/// `invalid-subject` problem (`errors: [{path, keyword, message}]`), from
/// its JSON Schema `keyword` (`co-schema-<keyword>`, else
/// `co-schema-invalid`); the English message goes to the log.
pub fn translate_schema_errors(tr: &Tr, raw: &mut serde_json::Value) {
    let Some(errors) = raw.get_mut("errors").and_then(|e| e.as_array_mut()) else {
        return;
    };
    for e in errors {
        let keyword = e.get("keyword").and_then(|k| k.as_str()).unwrap_or("");
        let key = format!("co-schema-{keyword}");
        let text = if !keyword.is_empty() && tr.has(&key) {
            tr.get(&key)
        } else {
            tr.get("co-schema-invalid")
        };
        tracing::info!(
            path = e.get("path").and_then(|p| p.as_str()).unwrap_or(""),
            message = e.get("message").and_then(|p| p.as_str()).unwrap_or(""),
            "a subject was refused by its template's schema"
        );
        e["message"] = serde_json::Value::String(text);
    }
}

/// The names to try for the API's field against a form's fields, most
/// precise first: `details.cefr.reading` gives `reading`, then
/// `details.cefr.reading`, `details.cefr`, `details`; `items[2].code`
/// gives `code`, `items[2].code`, `items[2]`, `items`.
pub fn field_candidates(field: &str) -> Vec<&str> {
    let mut out = Vec::new();
    if let Some((_, leaf)) = field.rsplit_once('.') {
        out.push(leaf);
    }
    let mut rest = field;
    loop {
        out.push(rest);
        match rest.rfind(['.', '[']) {
            Some(at) if at > 0 => rest = &rest[..at],
            _ => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_tried_from_the_most_precise() {
        assert_eq!(
            field_candidates("details.cefr.reading"),
            ["reading", "details.cefr.reading", "details.cefr", "details"]
        );
        assert_eq!(
            field_candidates("items[2].code"),
            ["code", "items[2].code", "items[2]", "items"]
        );
        assert_eq!(field_candidates("title"), ["title"]);
    }
}
