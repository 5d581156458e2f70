//! Posted forms: read within a size limit, CSRF-checked before a handler
//! sees them, and errors tied to their fields.

use crate::{api::Problem, csrf, ctx::Ctx, page::PageError, PortalState};
use atout_web::i18n::Tr;
use axum::extract::{FromRequest, FromRequestParts, Request};
use http_body_util::BodyExt as _;

/// The most a plain (not multipart) form may carry.
pub const MAX_FORM: usize = 256 * 1024;

/// A posted `application/x-www-form-urlencoded` form whose CSRF token was
/// checked.
#[derive(Debug, Clone, Default)]
pub struct PostForm(pub Vec<(String, String)>);

impl PostForm {
    /// A field, trimmed; empty counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A field as text ("" when absent).
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").to_owned()
    }

    /// A field exactly as typed (passwords).
    pub fn raw(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

impl FromRequest<PortalState> for PostForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &PortalState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let Ok(ctx) = Ctx::from_request_parts(&mut parts, state).await;
        let is_form = parts
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(PageError::Api(Problem {
                status: 415,
                kind: "form-unreadable".into(),
                ..Default::default()
            }));
        }
        let bytes = http_body_util::Limited::new(body, MAX_FORM)
            .collect()
            .await
            .map_err(|_| PageError::TooLarge)?
            .to_bytes();
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
            PageError::Api(Problem {
                status: 400,
                kind: "form-unreadable".into(),
                ..Default::default()
            })
        })?;
        let form = PostForm(fields);
        csrf::verify(state, &ctx, form.get(csrf::FIELD))?;
        Ok(form)
    }
}

/// Errors of a form, by field ("" for the form as a whole).
#[derive(Debug, Clone, Default)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    pub fn add(&mut self, field: &str, message: String) {
        self.0.push((field.to_owned(), message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// From an API problem: the message for its field when the translation
    /// files have one (`field-<name>`), else one for its type or code, else
    /// a general one with the reference to quote (see [`crate::problems`]).
    /// The API's own text (English, technical) goes to the log, never to
    /// the page.
    pub fn from_problem(tr: &Tr, problem: &Problem, known_fields: &[&str]) -> Self {
        let fields: Vec<(&str, &str)> = known_fields.iter().map(|f| (*f, *f)).collect();
        Self::from_problem_mapped(tr, problem, &fields, &["field-"])
    }

    /// As [`Errors::from_problem`], with `fields` mapping the API's field
    /// names to the form's, and the prefixes of the form's field messages
    /// to try in order (`co-field-`, `so-field-`, `field-`).
    pub fn from_problem_mapped(
        tr: &Tr,
        problem: &Problem,
        fields: &[(&str, &str)],
        prefixes: &[&str],
    ) -> Self {
        crate::problems::log(problem);
        let mut errors = Self::default();
        let field = problem
            .field
            .as_deref()
            .and_then(|f| {
                crate::problems::field_candidates(f)
                    .into_iter()
                    .find_map(|c| fields.iter().find(|(api, _)| *api == c))
            })
            .map(|(_, form)| *form)
            .unwrap_or("");
        let field_key = (!field.is_empty())
            .then(|| {
                prefixes
                    .iter()
                    .map(|p| format!("{p}{field}"))
                    .find(|k| tr.has(k))
            })
            .flatten();
        let status = crate::problems::status_key(problem);
        let message = if let (Some(key), 413 | 429) = (status, problem.status) {
            tr.get(key)
        } else if let Some(key) = field_key {
            tr.get(&key)
        } else if let Some(key) = crate::problems::kind_key(tr, problem) {
            tr.get(&key)
        } else if let Some(key) = status {
            tr.get(key)
        } else if let (false, Some(key)) =
            (field.is_empty(), crate::problems::code_key(tr, problem))
        {
            tr.get(&key)
        } else {
            crate::problems::general(tr, problem)
        };
        errors.add(field, message);
        errors
    }

    /// The errors not tied to a field shown in the summary.
    pub fn general(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(f, _)| f.is_empty())
            .map(|(_, m)| m.as_str())
            .collect()
    }
}

/// Multipart forms live in [`crate::uploads`].
pub use crate::uploads::{Upload, UploadedFile};
