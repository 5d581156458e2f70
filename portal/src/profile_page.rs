//! A citizen's public page (`/p/{handle}`): what they chose to show, in
//! the page's language, each certified line with a link to verify it, the
//! schema.org description for search engines and link previews (Open
//! Graph). Anyone, without logging in; hidden from search engines unless
//! the citizen allowed it. An unknown or unpublished page is "not found",
//! in the visitor's language.

use crate::{api::seg, api::As, ctx::Ctx, page::PageError, PortalState};
use askama::Template;
use atout_web::i18n::{Lang, Tr};
use axum::{
    extract::{Path, State},
    http::{header, HeaderName, HeaderValue, StatusCode},
    response::Response,
    routing::get,
    Router,
};
use serde::Deserialize;
use serde_json::Value;

pub fn router() -> Router<PortalState> {
    Router::new().route("/p/{handle}", get(page))
}

/// Whether a handle is one a page can have: 3 to 40 of a-z, 0-9 and `-`,
/// not starting or ending with `-` (the API's rule).
pub fn valid_handle(handle: &str) -> bool {
    (3..=40).contains(&handle.len())
        && handle
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !handle.starts_with('-')
        && !handle.ends_with('-')
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicItem {
    pub title: String,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub trust: String,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub endorsed_by: Vec<String>,
    #[serde(default)]
    pub verify_url: Option<String>,
}

impl PublicItem {
    /// "Organisation, Place".
    pub fn subtitle(&self) -> String {
        [&self.organisation, &self.place]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// "2019 – 2023", "2021 – …", "2020".
    pub fn period(&self) -> String {
        match (&self.start_date, &self.end_date) {
            (Some(s), Some(e)) if s != e => format!("{s} – {e}"),
            (Some(s), None) => format!("{s} – …"),
            (Some(s), _) => s.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => String::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct PublicSection {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub items: Vec<PublicItem>,
}

/// A public page, as `GET /profiles/{handle}` describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicProfile {
    #[serde(default)]
    pub handle: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub presentation: Option<String>,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub indexable: bool,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub sections: Vec<PublicSection>,
    #[serde(default)]
    pub json_ld: Value,
}

#[derive(Template)]
#[template(path = "public_profile.html")]
struct Page {
    tr: &'static Tr,
    lang: &'static str,
    p: PublicProfile,
    url: String,
    description: String,
    /// The JSON-LD, safe inside a `<script>` element.
    json_ld: Option<String>,
}

impl Page {
    fn t(&self, key: &str) -> String {
        self.tr.get(key)
    }

    /// A section's title in the page's language.
    fn section_title(&self, kind: &str) -> String {
        let plural = match kind {
            "skill" => "skills",
            "language" => "languages",
            "project" => "projects",
            "interest" => "interests",
            "credential" => "credentials",
            other => other,
        };
        let key = format!("cv-section-{plural}");
        if self.tr.has(&key) {
            self.tr.get(&key)
        } else {
            self.tr.get("public-section-other")
        }
    }

    /// How far a line is vouched for, in words.
    fn trust_words(&self, item: &PublicItem) -> String {
        match item.trust.as_str() {
            "certified" => match item.issuer.as_deref().filter(|i| !i.is_empty()) {
                Some(issuer) => self.tr.arg("public-trust-certified-by", "issuer", issuer),
                None => self.tr.get("state-certified"),
            },
            "endorsed" if !item.endorsed_by.is_empty() => self.tr.arg(
                "public-trust-endorsed-by",
                "names",
                item.endorsed_by.join(", "),
            ),
            "endorsed" => self.tr.get("state-endorsed"),
            _ => self.tr.get("state-declared"),
        }
    }

    fn paragraphs(&self, text: &str) -> Vec<String> {
        crate::citizen::paragraphs(text)
    }
}

/// JSON for a `<script>` element: `<`, `>` and `&` escaped as `\u003c`...
/// so that no text inside (`</script>`, `<!--`) can end the element.
pub fn script_json(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".to_owned())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A short description for link previews: the headline, else the
/// beginning of the presentation.
fn description_of(p: &PublicProfile) -> String {
    let text = p
        .headline
        .as_deref()
        .filter(|h| !h.trim().is_empty())
        .or(p.presentation.as_deref())
        .unwrap_or("");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 200 {
        let cut: String = text.chars().take(199).collect();
        format!("{}…", cut.trim_end())
    } else {
        text
    }
}

/// A citizen's public page. Anyone.
async fn page(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    if !valid_handle(&handle) {
        return Err(PageError::NotFound);
    }
    let reply = state
        .get(&ctx, &As::Nobody, &format!("/profiles/{}", seg(&handle)))
        .await?;
    if !reply.ok() {
        let problem = reply.problem().await;
        // Unknown and unpublished pages alike; anything else as usual.
        if matches!(problem.status, 404 | 410) {
            return Err(PageError::NotFound);
        }
        return Err(PageError::from_problem(problem));
    }
    let p: PublicProfile = reply.json().await?;
    let lang = Lang::parse(&p.lang).unwrap_or(ctx.lang);
    let url = if p.url.is_empty() {
        format!("{}/p/{}", state.app.config.base(), seg(&handle))
    } else {
        p.url.clone()
    };
    let json_ld = (!p.json_ld.is_null()).then(|| script_json(&p.json_ld));
    let view = Page {
        tr: lang.tr(),
        lang: lang.code(),
        description: description_of(&p),
        url,
        json_ld,
        p,
    };
    let indexable = view.p.indexable;
    let mut response = crate::page::html(StatusCode::OK, lang, view.render());
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static(if indexable { "all" } else { "noindex" }),
    );
    // The citizen may withdraw the page at any time: no stale copies.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_end_its_element() {
        let v =
            serde_json::json!({"name": "</script><script>alert(1)</script>", "b": "<!-- & -->"});
        let text = script_json(&v);
        assert!(!text.contains('<'));
        assert!(!text.contains('>'));
        assert!(!text.contains('&'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn handles_follow_the_api_rule() {
        assert!(valid_handle("camille-martin"));
        assert!(valid_handle("abc"));
        assert!(!valid_handle("ab"));
        assert!(!valid_handle("-abc"));
        assert!(!valid_handle("abc-"));
        assert!(!valid_handle("Abc"));
        assert!(!valid_handle("a_bc"));
        assert!(!valid_handle(&"a".repeat(41)));
    }
}
