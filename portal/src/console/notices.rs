//! The organisation's notifications (`/console/orgs/{slug}/notices`): new
//! certification requests, offers declined or expired unanswered, newest
//! first with the unread ones marked; "mark all read"; and the address
//! they are mailed to (none: the console only). The organisation's key or
//! the administrator, as the API allows.

use super::{check, unprocessable, OrgPage};
use crate::{
    ctx::Ctx,
    forms::{Errors, PostForm},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_web::i18n::{Arg, Lang};
use axum::{
    extract::{Path, State},
    http::Method,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/console/orgs/{slug}/notices", get(list))
        .route("/console/orgs/{slug}/notices/read", post(mark_read))
        .route("/console/orgs/{slug}/notices/email", post(save_email))
}

const PAGE_SIZE: i64 = 20;

/// A notification, as `GET /orgs/{slug}/notifications` lists it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    id: String,
    kind: String,
    text: String,
    #[serde(default)]
    link: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    read: bool,
}

impl Item {
    /// A link of this site only.
    fn href(&self) -> Option<&str> {
        self.link
            .as_deref()
            .filter(|l| l.starts_with('/') && !l.starts_with("//"))
    }
}

/// A date and time, in Paris time.
fn when(c: &Chrome, at: &chrono::DateTime<chrono::Utc>) -> String {
    let lang = Lang::parse(c.lang).unwrap_or(Lang::Fr);
    let local = atout_web::paris::local(*at);
    let day = chrono::TimeZone::from_utc_datetime(
        &chrono::Utc,
        &local.date().and_time(chrono::NaiveTime::MIN),
    );
    let date = atout_web::i18n::format_date(lang, day);
    let time = local.format("%H:%M");
    match lang {
        Lang::Fr => format!("{date} à {time}"),
        Lang::En => format!("{date} at {time}"),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrgList {
    items: Vec<Item>,
    total: i64,
    unread: i64,
    page: i64,
    page_size: i64,
    #[serde(default)]
    notify_email: Option<String>,
}

#[derive(Template)]
#[template(path = "console/notices.html")]
struct NoticesPage {
    c: Chrome,
    base: String,
    list: OrgList,
    /// What the address field shows (what was typed, after an error).
    email: String,
    errors: Errors,
}

impl NoticesPage {
    fn received(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.c.ta("ntf-page-received", "date", when(&self.c, at))
    }

    fn pages(&self) -> i64 {
        ((self.list.total + self.list.page_size - 1) / self.list.page_size.max(1)).max(1)
    }

    fn position(&self) -> String {
        self.c.tr.with(
            "ntf-page-position",
            &[
                ("page", Arg::from(self.list.page)),
                ("pages", Arg::from(self.pages())),
            ],
        )
    }

    fn current_email(&self) -> String {
        match &self.list.notify_email {
            Some(e) => self.c.ta("co-ntc-email-current", "email", e.as_str()),
            None => self.c.t("co-ntc-email-none"),
        }
    }
}

async fn view(
    state: &PortalState,
    ctx: &Ctx,
    page: &OrgPage,
    email: Option<String>,
    errors: Errors,
) -> Result<NoticesPage, PageError> {
    let n = ctx
        .query_param("page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let list: OrgList = check(
        state
            .get(
                ctx,
                &page.staff.who,
                &format!(
                    "{}/notifications?page={n}&pageSize={PAGE_SIZE}&lang={}",
                    page.api(),
                    ctx.lang.code()
                ),
            )
            .await?,
    )
    .await?
    .json()
    .await?;
    Ok(NoticesPage {
        c: page
            .chrome(state, ctx, "co-ntc-title")
            .for_page(&format!("{}/notices", page.base())),
        base: page.base(),
        email: email.unwrap_or_else(|| list.notify_email.clone().unwrap_or_default()),
        list,
        errors,
    })
}

/// The notifications and the address form. The organisation's key or the
/// administrator.
async fn list(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let notices = view(&state, &ctx, &page, None, Errors::default()).await?;
    Ok(render(ctx.lang, &notices))
}

/// Marks one notification (`id`) or all read. CSRF-checked.
async fn mark_read(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let body = match form.get("id") {
        Some(id) if !form.checked("all") => json!({"ids": [id]}),
        _ => json!({"all": true}),
    };
    check(
        state
            .send_json(
                &ctx,
                &page.staff.who,
                Method::POST,
                &format!("{}/notifications/read", page.api()),
                &body,
            )
            .await?,
    )
    .await?;
    Ok(see_other(&format!(
        "{}/notices?done=done-notifications-read",
        page.base()
    )))
}

/// Sets (or, empty, removes) the address the notifications are mailed
/// to. CSRF-checked.
async fn save_email(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: PostForm,
) -> Result<Response, PageError> {
    let page = OrgPage::load(&state, &ctx, &slug).await?;
    let email = form.text("email");
    let reply = state
        .send_json(
            &ctx,
            &page.staff.who,
            Method::PUT,
            &format!("{}/notifications/email", page.api()),
            &json!({"notifyEmail": email}),
        )
        .await?;
    if reply.ok() {
        let done = if email.is_empty() {
            "done-notify-email-removed"
        } else {
            "done-notify-email-saved"
        };
        return Ok(see_other(&format!("{}/notices?done={done}", page.base())));
    }
    let problem = reply.problem().await;
    if matches!(problem.status, 401 | 403 | 404) {
        return Err(PageError::from_problem(problem));
    }
    let errors = Errors::from_problem_mapped(
        ctx.t(),
        &problem,
        &[("notifyEmail", "email")],
        &["co-ntc-field-", "co-field-"],
    );
    let notices = view(&state, &ctx, &page, Some(email), errors).await?;
    Ok(unprocessable(render(ctx.lang, &notices)))
}
