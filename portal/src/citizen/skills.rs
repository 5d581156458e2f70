//! The citizen's skills (`/me/skills`): what the wallet already shows,
//! grouped by how strongly it is shown (certified by a credential that
//! verifies, endorsed by someone, declared), each with where it comes
//! from; declaring a skill of the frameworks loaded, and taking a declared
//! one back. The logged-in citizen only.
//!
//! Framework codes are picked with a combobox (`combobox.js`, over
//! `/frameworks/search`). Without JavaScript the text typed is sent as it
//! is: the page then searches it and offers the best matches as radio
//! buttons to choose from ([`Pick`], shared with the plans' pages).

use super::Me;
use crate::{
    api::{seg, As, Problem},
    ctx::Ctx,
    forms::{Errors, PostForm},
    invited::plan_wire::{code_words, lang_attr, lang_note, Skill, EVIDENCE},
    page::{render, see_other, Chrome, PageError},
    PortalState,
};
use askama::Template;
use atout_web::i18n::Tr;
use axum::{
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/me/skills", get(list).post(declare))
        .route("/me/skills/{id}/delete", post(remove))
}

/// The search behind the skill field: ESCO skills and knowledge.
pub const SKILL_SEARCH: (&str, &str) = ("skill,knowledge", "ESCO");
/// The frameworks a declared skill may come from.
const SKILL_FRAMEWORKS: [&str; 1] = ["ESCO"];
/// How many matches the page offers without JavaScript.
const CHOICES: usize = 8;
/// The most of the typed text searched.
const MAX_TEXT: usize = 200;

/// The combobox's search address for kinds and frameworks.
pub fn search_url(kind: &str, framework: &str) -> String {
    format!("/frameworks/search?kind={kind}&framework={framework}")
}

/// A concept `/frameworks/search` found.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    pub framework: String,
    pub code: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub label_lang: Option<String>,
    #[serde(default)]
    pub fallback: bool,
    /// A label that is Atout's best guess.
    #[serde(default)]
    pub guessed: bool,
    /// The other label the text matched.
    #[serde(default)]
    pub matched: Option<String>,
    /// For an occupation offered as a plan's target: how many skills the
    /// frameworks loaded say it needs, when the page asked.
    #[serde(skip)]
    pub skills: Option<usize>,
}

impl Hit {
    /// The radio button's value.
    pub fn value(&self) -> String {
        choice_value(&self.framework, &self.code)
    }

    pub fn code_words(&self) -> String {
        code_words(&self.framework, &self.code)
    }

    pub fn in_lang(&self, c: &Chrome) -> String {
        lang_note(c, self.fallback, self.label_lang.as_deref())
    }

    pub fn lang_attr(&self) -> &str {
        lang_attr(self.fallback, self.label_lang.as_deref())
    }

    /// The label that matched, when it is not the one shown.
    pub fn via(&self, c: &Chrome) -> String {
        match self.matched.as_deref() {
            Some(m) if !m.is_empty() && m != self.label => c.ta("pl-combo-via", "m", m),
            _ => String::new(),
        }
    }

    /// Whether the frameworks loaded list the skills of this occupation,
    /// when the page asked.
    pub fn skills_words(&self, c: &Chrome) -> String {
        match self.skills {
            Some(0) => c.t("pl-target-skills-unlisted"),
            Some(n) => c.ta("pl-target-skills-listed", "count", n),
            None => String::new(),
        }
    }

    pub fn shown(&self) -> &str {
        if self.label.is_empty() {
            &self.code
        } else {
            &self.label
        }
    }
}

/// A radio button's value naming a code: `ESCO http://…`, `ROME M1805`.
pub fn choice_value(framework: &str, code: &str) -> String {
    format!("{framework} {code}")
}

/// The framework and code a radio button's value names.
pub fn parse_choice(value: &str) -> Option<(&str, &str)> {
    let (f, code) = value.trim().split_once(' ')?;
    let code = code.trim();
    (!f.is_empty() && !code.is_empty() && !code.contains(char::is_whitespace)).then_some((f, code))
}

/// What a combobox field sent (`<name>_text`, `_code`, `_framework`,
/// `_choice`): the text typed, the code chosen among the suggestions
/// (with JavaScript), or one of the matches the page offered as radio
/// buttons (without).
#[derive(Debug, Clone, Default)]
pub struct Pick {
    pub text: String,
    pub code: String,
    pub framework: String,
    pub choice: String,
    /// The words whose matches the page offered (`<name>_searched`).
    pub searched: String,
}

/// What to do with a [`Pick`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// A code: use it.
    Code(String, String),
    /// Only words: search them and offer the matches.
    Search(String),
    /// The same words again, none of their matches chosen: offer them
    /// again and ask to choose (or to change the words).
    Unchosen(String),
    Nothing,
}

impl Pick {
    pub fn from_form(form: &PostForm, name: &str) -> Self {
        Self {
            text: form.text(&format!("{name}_text")),
            code: form.text(&format!("{name}_code")),
            framework: form.text(&format!("{name}_framework")),
            choice: form.text(&format!("{name}_choice")),
            searched: form.text(&format!("{name}_searched")),
        }
    }

    /// A radio button ticked first, then a code chosen with the
    /// suggestions, then the words; a framework outside `frameworks` is no
    /// code (its words are searched).
    pub fn resolve(&self, frameworks: &[&str]) -> Picked {
        if let Some((f, code)) = parse_choice(&self.choice) {
            if frameworks.contains(&f) {
                return Picked::Code(f.to_owned(), code.to_owned());
            }
        }
        if !self.code.is_empty() && frameworks.contains(&self.framework.as_str()) {
            return Picked::Code(self.framework.clone(), self.code.clone());
        }
        if self.text.is_empty() {
            return Picked::Nothing;
        }
        let words: String = self.text.chars().take(MAX_TEXT).collect();
        if words == self.searched {
            Picked::Unchosen(words)
        } else {
            Picked::Search(words)
        }
    }

    /// Forgets the code (the API refused it): the words are searched next.
    pub fn forget_code(&mut self) {
        self.code.clear();
        self.framework.clear();
        self.choice.clear();
        self.searched.clear();
    }

    /// Offers the matches of these words.
    pub fn offered(&mut self, words: &str) {
        self.searched = words.to_owned();
        self.choice.clear();
    }

    /// What shows under the field once a code is chosen: "label (ESCO …)".
    pub fn shown(&self) -> String {
        if self.code.is_empty() {
            String::new()
        } else {
            format!(
                "{} ({})",
                self.text,
                code_words(&self.framework, &self.code)
            )
        }
    }

    /// Whether this radio button is ticked.
    pub fn is_chosen(&self, value: &str) -> bool {
        self.choice == value
    }
}

#[derive(Deserialize)]
struct Found {
    results: Vec<Hit>,
}

/// Searches the frameworks for the words typed (the no-JavaScript path of
/// a combobox): the best matches, or the problem that stopped the search.
pub async fn search(
    state: &PortalState,
    ctx: &Ctx,
    text: &str,
    (kind, framework): (&str, &str),
) -> Result<Result<Vec<Hit>, Problem>, PageError> {
    let limit = CHOICES.to_string();
    let query = serde_urlencoded::to_string([
        ("q", text),
        ("lang", ctx.lang.code()),
        ("kind", kind),
        ("framework", framework),
        ("limit", limit.as_str()),
    ])
    .map_err(|e| PageError::Internal(format!("a search's query: {e}")))?;
    let reply = state
        .get(ctx, &As::Nobody, &format!("/frameworks/search?{query}"))
        .await?;
    if !reply.ok() {
        return Ok(Err(reply.problem().await));
    }
    let found: Found = reply.json().await?;
    Ok(Ok(found
        .results
        .into_iter()
        .filter(|h| !h.code.is_empty() && !h.framework.is_empty())
        .collect()))
}

/// The matches of a search to offer, or the error to show on `field`.
pub fn matches_or_error(
    tr: &Tr,
    field: &str,
    text: &str,
    found: Result<Vec<Hit>, Problem>,
) -> (Vec<Hit>, Errors) {
    let mut errors = Errors::default();
    match found {
        Ok(hits) if hits.is_empty() => {
            errors.add(field, tr.arg("pl-no-match", "text", text));
            (hits, errors)
        }
        Ok(hits) => (hits, errors),
        Err(problem) => {
            crate::problems::log(&problem);
            let key = if problem.status == 429 {
                "error-rate-limited"
            } else {
                "pl-search-failed"
            };
            errors.add(field, tr.get(key));
            (Vec::new(), errors)
        }
    }
}

/// The matches of the words typed, offered as radio buttons (`pick`
/// remembers the words), with the error to show on `field`: nothing
/// matched, the search failed, or (`again`) the same words came back
/// without a choice.
pub fn offer(
    tr: &Tr,
    field: &str,
    pick: &mut Pick,
    words: &str,
    found: Result<Vec<Hit>, Problem>,
    again: bool,
) -> (Vec<Hit>, Errors) {
    let (hits, mut errors) = matches_or_error(tr, field, words, found);
    if !hits.is_empty() {
        pick.offered(words);
        if again {
            errors.add(field, tr.get("pl-choose-one"));
        }
    }
    (hits, errors)
}

/// Searches the words of a combobox field sent without a code and offers
/// the matches (see [`offer`]).
pub async fn search_and_offer(
    state: &PortalState,
    ctx: &Ctx,
    field: &str,
    pick: &mut Pick,
    words: &str,
    what: (&str, &str),
) -> Result<(Vec<Hit>, Errors), PageError> {
    let again = words == pick.searched;
    let found = search(state, ctx, words, what).await?;
    Ok(offer(ctx.t(), field, pick, words, found, again))
}

/// The skills of one evidence level.
pub struct Group {
    pub evidence: &'static str,
    pub skills: Vec<Skill>,
}

/// The skills by evidence, strongest first (empty levels too: the page
/// says what each means).
fn grouped(skills: Vec<Skill>) -> Vec<Group> {
    let mut groups: Vec<Group> = EVIDENCE
        .iter()
        .map(|e| Group {
            evidence: e,
            skills: Vec::new(),
        })
        .collect();
    for s in skills {
        // An unknown level counts as the weakest.
        let at = EVIDENCE
            .iter()
            .position(|e| *e == s.evidence)
            .unwrap_or(EVIDENCE.len() - 1);
        groups[at].skills.push(s);
    }
    groups
}

#[derive(Deserialize)]
struct SkillList {
    items: Vec<Skill>,
}

#[derive(Template)]
#[template(path = "me/skills.html")]
struct SkillsPage {
    c: Chrome,
    groups: Vec<Group>,
    total: usize,
    pick: Pick,
    /// The matches offered for the words typed (without JavaScript).
    choices: Vec<Hit>,
    url: String,
    errors: Errors,
}

impl SkillsPage {
    fn count_words(&self, g: &Group) -> String {
        self.c.ta("sk-count", "count", g.skills.len())
    }
}

async fn view(
    state: &PortalState,
    ctx: &Ctx,
    me: &Me,
    pick: Pick,
    choices: Vec<Hit>,
    errors: Errors,
) -> Result<SkillsPage, PageError> {
    let list: SkillList = state
        .get(
            ctx,
            &me.who,
            &format!("/wallet/skills?lang={}", ctx.lang.code()),
        )
        .await?
        .json()
        .await?;
    let total = list.items.len();
    Ok(SkillsPage {
        c: me.chrome(state, ctx, "sk-title").for_page("/me/skills"),
        groups: grouped(list.items),
        total,
        pick,
        choices,
        url: search_url(SKILL_SEARCH.0, SKILL_SEARCH.1),
        errors,
    })
}

/// The citizen's skills and the form to declare one. The logged-in
/// citizen.
async fn list(State(state): State<PortalState>, ctx: Ctx) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let page = view(
        &state,
        &ctx,
        &me,
        Pick::default(),
        Vec::new(),
        Errors::default(),
    )
    .await?;
    Ok(render(ctx.lang, &page))
}

/// Declares a skill: a code chosen (suggestions or radio button) is
/// declared; words alone are searched and the page offers the matches.
/// The logged-in citizen (CSRF-checked).
async fn declare(
    State(state): State<PortalState>,
    ctx: Ctx,
    form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    let t = ctx.t();
    let mut pick = Pick::from_form(&form, "skill");
    let mut choices = Vec::new();
    let errors = match pick.resolve(&SKILL_FRAMEWORKS) {
        Picked::Code(framework, code) => {
            let reply = state
                .send_json(
                    &ctx,
                    &me.who,
                    Method::POST,
                    "/wallet/skills",
                    &json!({"framework": framework, "code": code}),
                )
                .await?;
            if reply.ok() {
                let done = if reply.status == StatusCode::CREATED {
                    "done-skill-declared"
                } else {
                    "done-skill-already"
                };
                return Ok(see_other(&format!("/me/skills?done={done}")));
            }
            let problem = reply.problem().await;
            if matches!(problem.status, 401 | 403) {
                return Err(PageError::from_problem(problem));
            }
            pick.forget_code();
            if problem.status == 409 {
                crate::problems::log(&problem);
                let mut e = Errors::default();
                e.add("skill", t.get("sk-too-many"));
                e
            } else {
                Errors::from_problem_mapped(
                    t,
                    &problem,
                    &[("framework", "skill"), ("code", "skill")],
                    &["sk-field-", "field-"],
                )
            }
        }
        Picked::Search(words) | Picked::Unchosen(words) => {
            let (hits, errors) =
                search_and_offer(&state, &ctx, "skill", &mut pick, &words, SKILL_SEARCH).await?;
            choices = hits;
            errors
        }
        Picked::Nothing => {
            let mut e = Errors::default();
            e.add("skill", t.get("sk-field-skill"));
            e
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = view(&state, &ctx, &me, pick, choices, errors).await?;
    let mut response = render(ctx.lang, &page);
    *response.status_mut() = status;
    Ok(response)
}

/// Takes a declared skill back (skills from credentials and entries go
/// with them). The logged-in citizen (CSRF-checked).
async fn remove(
    State(state): State<PortalState>,
    ctx: Ctx,
    Path(id): Path<String>,
    _form: PostForm,
) -> Result<Response, PageError> {
    let me = Me::load(&state, &ctx).await?;
    state
        .act(
            &ctx,
            &me.who,
            Method::DELETE,
            &format!("/wallet/skills/{}", seg(&id)),
        )
        .await?;
    Ok(see_other("/me/skills?done=done-skill-removed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(text: &str, code: &str, framework: &str, choice: &str) -> Pick {
        Pick {
            text: text.into(),
            code: code.into(),
            framework: framework.into(),
            choice: choice.into(),
            searched: String::new(),
        }
    }

    #[test]
    fn a_choice_names_a_framework_and_a_code() {
        let uri = "http://data.europa.eu/esco/skill/abc";
        assert_eq!(
            parse_choice(&choice_value("ESCO", uri)),
            Some(("ESCO", uri))
        );
        assert_eq!(parse_choice("ROME M1805"), Some(("ROME", "M1805")));
        assert_eq!(parse_choice("ROME"), None);
        assert_eq!(parse_choice("ROME "), None);
        assert_eq!(parse_choice(" M1805"), None);
        assert_eq!(parse_choice("ROME M1805 x"), None);
    }

    #[test]
    fn a_radio_button_then_a_code_then_words() {
        let esco = ["ESCO"];
        assert_eq!(
            pick("java", "http://x/1", "ESCO", "ESCO http://x/2").resolve(&esco),
            Picked::Code("ESCO".into(), "http://x/2".into())
        );
        assert_eq!(
            pick("java", "http://x/1", "ESCO", "").resolve(&esco),
            Picked::Code("ESCO".into(), "http://x/1".into())
        );
        // Without JavaScript only the words come.
        assert_eq!(
            pick("java", "", "", "").resolve(&esco),
            Picked::Search("java".into())
        );
        // A framework the field does not take: its words are searched.
        assert_eq!(
            pick("java", "M1805", "ROME", "ROME M1805").resolve(&esco),
            Picked::Search("java".into())
        );
        assert_eq!(pick("", "", "", "").resolve(&esco), Picked::Nothing);
        // The matches of these words were offered, and none was chosen.
        let mut again = pick("java", "", "", "");
        again.offered("java");
        assert_eq!(again.resolve(&esco), Picked::Unchosen("java".into()));
        again.text = "kotlin".into();
        assert_eq!(again.resolve(&esco), Picked::Search("kotlin".into()));
        let long = "x".repeat(500);
        assert_eq!(
            pick(&long, "", "", "").resolve(&esco),
            Picked::Search("x".repeat(MAX_TEXT))
        );
    }

    #[test]
    fn a_refused_code_is_forgotten_but_not_the_words() {
        let mut p = pick("java", "http://x/1", "ESCO", "ESCO http://x/1");
        assert_eq!(p.shown(), "java (ESCO http://x/1)");
        p.forget_code();
        assert_eq!(p.resolve(&["ESCO"]), Picked::Search("java".into()));
        assert_eq!(p.shown(), "");
    }

    #[test]
    fn skills_are_grouped_strongest_first() {
        let skill = |code: &str, evidence: &str| Skill {
            framework: "ESCO".into(),
            code: code.into(),
            label: code.into(),
            label_lang: None,
            fallback: false,
            evidence: evidence.into(),
            sources: Vec::new(),
        };
        let groups = grouped(vec![
            skill("a", "declared"),
            skill("b", "certified"),
            skill("c", "odd"),
            skill("d", "declared"),
        ]);
        let shape: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.evidence,
                    g.skills.iter().map(|s| s.code.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("certified", vec!["b"]),
                ("endorsed", vec![]),
                ("declared", vec!["a", "c", "d"]),
            ]
        );
    }

    #[test]
    fn no_match_and_refused_searches_are_said_on_the_field() {
        let tr = atout_web::i18n::Lang::Fr.tr();
        let (hits, errors) = matches_or_error(tr, "skill", "zzz", Ok(Vec::new()));
        assert!(hits.is_empty());
        assert!(errors.get("skill").is_some_and(|m| m.contains("zzz")));
        let limited = Problem {
            status: 429,
            ..Default::default()
        };
        let (_, errors) = matches_or_error(tr, "skill", "zzz", Err(limited));
        assert_eq!(
            errors.get("skill"),
            Some(tr.get("error-rate-limited").as_str())
        );
    }
}
