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
                detail: Some("Send the form as application/x-www-form-urlencoded.".into()),
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
                detail: Some("The form cannot be read.".into()),
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
    /// files have one (`field-<name>`), else a general one; the API's own
    /// detail (English) follows as the technical detail.
    pub fn from_problem(tr: &Tr, problem: &Problem, known_fields: &[&str]) -> Self {
        let mut errors = Self::default();
        // `details.url` is the form's `url` when the form has one, else
        // its `details` group.
        let field = problem
            .field
            .as_deref()
            .map(|f| match f.rsplit_once('.') {
                Some((group, leaf)) if !known_fields.contains(&leaf) => group,
                Some((_, leaf)) => leaf,
                None => f,
            })
            .filter(|f| known_fields.contains(f))
            .unwrap_or("");
        let key = match problem.status {
            409 => "error-conflict".to_owned(),
            429 => "error-rate-limited".to_owned(),
            413 => "error-too-large".to_owned(),
            _ if !field.is_empty() && tr.has(&format!("field-{field}")) => format!("field-{field}"),
            _ => "error-invalid".to_owned(),
        };
        let mut message = tr.get(&key);
        if let Some(detail) = &problem.detail {
            message.push_str(&format!(" ({} {detail})", tr.get("error-technical")));
        }
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
