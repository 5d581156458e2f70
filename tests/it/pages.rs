//! A visitor of the pages, as a browser without JavaScript: a cookie jar,
//! no automatic redirects (tests look at each one), forms posted with the
//! CSRF token of the last page shown. Used by the page tests.

use crate::common::TestApp;
use reqwest::{redirect::Policy, StatusCode};

pub struct Visitor {
    pub client: reqwest::Client,
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
    pub base: String,
    /// The CSRF token of the last page fetched.
    pub csrf: Option<String>,
    pub lang: &'static str,
}

/// A page as fetched.
#[derive(Debug)]
pub struct Shown {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Shown {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }

    /// Panics with the page when it does not contain `text`.
    #[track_caller]
    pub fn expect(&self, text: &str) -> &Self {
        assert!(
            self.body.contains(text),
            "expected {text:?} in the page ({}):\n{}",
            self.status,
            self.body
        );
        self
    }
}

/// The value of the first `name="csrf"` hidden input of a page.
pub fn csrf_of(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf\" value=\"")?;
    let rest = &body[at + "name=\"csrf\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The first `href` starting with `prefix` in a page.
pub fn link(body: &str, prefix: &str) -> Option<String> {
    let needle = format!("href=\"{prefix}");
    let at = body.find(&needle)?;
    let rest = &body[at + "href=\"".len()..];
    Some(rest[..rest.find('"')?].replace("&amp;", "&"))
}

impl Visitor {
    pub fn new(app: &TestApp) -> Self {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Self {
            client: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(Policy::none())
                .build()
                .unwrap(),
            jar,
            base: app.base.clone(),
            csrf: None,
            lang: "fr",
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn shown(&mut self, res: reqwest::Response) -> Shown {
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        if let Some(token) = csrf_of(&body) {
            self.csrf = Some(token);
        }
        Shown {
            status,
            headers,
            body,
        }
    }

    /// GET a page (browser-like Accept).
    pub async fn get(&mut self, path: &str) -> Shown {
        let res = self
            .client
            .get(self.url(path))
            .header("accept", "text/html,application/xhtml+xml")
            .header("accept-language", self.lang)
            .send()
            .await
            .unwrap();
        self.shown(res).await
    }

    /// GET, following redirects within the site (at most 5).
    pub async fn follow(&mut self, path: &str) -> Shown {
        let mut path = path.to_owned();
        for _ in 0..5 {
            let shown = self.get(&path).await;
            match shown.location() {
                Some(next) if shown.status.is_redirection() => {
                    path = next.strip_prefix(&self.base).unwrap_or(next).to_owned()
                }
                _ => return shown,
            }
        }
        panic!("too many redirects from {path}");
    }

    /// POST a form with the CSRF token of the last page (unless the fields
    /// carry one already).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Shown {
        let mut form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            if let Some(t) = &self.csrf {
                form.push(("csrf".into(), t.clone()));
            }
        }
        let res = self
            .client
            .post(self.url(path))
            .header("origin", &self.base)
            .header("accept-language", self.lang)
            .form(&form)
            .send()
            .await
            .unwrap();
        self.shown(res).await
    }

    /// POST a multipart form (fields and one file) with the CSRF token.
    pub async fn upload(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Shown {
        let mut form = reqwest::multipart::Form::new();
        if let Some(t) = &self.csrf {
            form = form.text("csrf", t.clone());
        }
        for (k, v) in fields {
            form = form.text((*k).to_owned(), (*v).to_owned());
        }
        form = form.part(
            file_field.to_owned(),
            reqwest::multipart::Part::bytes(bytes)
                .file_name(file_name.to_owned())
                .mime_str(content_type)
                .unwrap(),
        );
        let res = self
            .client
            .post(self.url(path))
            .header("origin", &self.base)
            .header("accept-language", self.lang)
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.shown(res).await
    }

    /// Signs up through the page and lands logged in.
    pub async fn sign_up(&mut self, email: &str, name: &str) {
        self.get("/signup").await;
        let res = self
            .post(
                "/signup",
                &[
                    ("displayName", name),
                    ("email", email),
                    ("password", "correct horse battery"),
                    ("password2", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }

    /// The visitor's cookies, for the browser harness (`"cookies"`).
    pub fn cookies(&self) -> serde_json::Value {
        use reqwest::cookie::CookieStore as _;
        let url: reqwest::Url = self.base.parse().unwrap();
        let header = self
            .jar
            .cookies(&url)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        header
            .split("; ")
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| serde_json::json!({"name": name, "value": value}))
            .collect()
    }
}
