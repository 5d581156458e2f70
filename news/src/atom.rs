//! Events as Atom feeds (RFC 4287), written by the `atom_syndication` crate
//! (XML escaping by quick-xml). One feed per organisation, per département
//! and per tag (`news/src/public.rs` serves them): each entry is an event,
//! its id `urn:uuid:{event id}` for good, `updated` when it last changed (a
//! cancellation updates it), its link the event's page, its author the
//! organiser.

use crate::public::{plain, Listed};
use atom_syndication::{Category, Content, Entry, Feed, Generator, Link, Person, Text};
use atout_web::i18n::Lang;
use chrono::{DateTime, FixedOffset, Utc};

/// What a feed is about, as the route found it.
pub struct FeedSpec {
    /// The feed's own address (its `self` link and its id).
    pub self_url: String,
    /// The page of the site that lists the same events.
    pub page_url: String,
    pub title: String,
    pub subtitle: String,
    /// When nothing in it says otherwise (no entry): the feed's `updated`.
    pub fallback_updated: DateTime<Utc>,
}

fn fixed(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.fixed_offset()
}

/// The entry id of an event: `urn:uuid:` when its id is a UUID (they are),
/// else a `tag:` URI of the site's host.
pub fn entry_id(id: &str, base: &str) -> String {
    match uuid::Uuid::parse_str(id) {
        Ok(u) => format!("urn:uuid:{}", u.hyphenated()),
        Err(_) => format!(
            "tag:{},2026:event:{}",
            crate::ical::host(base),
            url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
        ),
    }
}

/// The feed, as XML.
pub fn feed(spec: &FeedSpec, events: &[Listed], base: &str, lang: Lang) -> String {
    let tr = lang.tr();
    let root = base.trim_end_matches('/');
    let updated = events
        .iter()
        .map(Listed::revised)
        .max()
        .unwrap_or(spec.fallback_updated);
    let entries = events.iter().map(|l| entry(l, base, lang)).collect();
    let feed = Feed {
        title: Text::plain(plain(&spec.title)),
        id: spec.self_url.clone(),
        updated: fixed(updated),
        authors: vec![Person {
            name: tr.get("site-name"),
            uri: Some(format!("{root}/")),
            ..Default::default()
        }],
        generator: Some(Generator {
            value: "Atout".into(),
            uri: None,
            version: None,
        }),
        links: vec![
            Link {
                href: spec.self_url.clone(),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
            Link {
                href: spec.page_url.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                hreflang: Some(lang.code().into()),
                ..Default::default()
            },
        ],
        subtitle: Some(Text::plain(plain(&spec.subtitle))),
        entries,
        lang: Some(lang.code().into()),
        ..Default::default()
    };
    let out = feed
        .write_to(Vec::new())
        .expect("an Atom feed writes into memory");
    String::from_utf8(out).expect("quick-xml writes UTF-8")
}

/// One event as an entry.
pub fn entry(listed: &Listed, base: &str, lang: Lang) -> Entry {
    let tr = lang.tr();
    let e = &listed.full.event;
    let root = base.trim_end_matches('/');
    let page = format!("{root}/evenements/{}?lang={}", e.id, lang.code());
    let cancelled = e.status == "cancelled";
    let title = plain(&listed.title(lang));
    let title = if cancelled {
        tr.arg("agenda-atom-cancelled-title", "title", title)
    } else {
        title
    };
    // The summary: when and where, in Paris time; the content: what the
    // organiser wrote, and why it was cancelled.
    let mut summary = listed.when(lang);
    if let Some(place) = listed.location(lang) {
        summary = format!("{summary} · {}", plain(&place));
    }
    let mut content = Vec::new();
    if cancelled {
        let mut line = tr.get("agenda-ics-cancelled");
        if let Some(reason) = e.cancel_reason.as_deref().filter(|r| !r.trim().is_empty()) {
            line = format!("{line} {}", plain(reason));
        }
        content.push(line);
    }
    if let Some(d) = listed.description(lang) {
        content.push(plain(&d));
    }
    let organiser = Person {
        name: plain(&listed.organiser_name(lang)),
        uri: Some(match listed.organiser_slug() {
            Some(slug) => format!("{root}/organisations/{slug}"),
            None => format!("{root}/"),
        }),
        ..Default::default()
    };
    Entry {
        title: Text::plain(title),
        id: entry_id(&e.id, base),
        updated: fixed(listed.revised()),
        published: e.published_at.map(fixed),
        authors: vec![organiser],
        categories: listed
            .full
            .tags
            .iter()
            .zip(listed.tag_labels(lang))
            .map(|(t, label)| Category {
                term: plain(&t.tag),
                scheme: None,
                label: Some(plain(&label)),
            })
            .collect(),
        links: vec![
            Link {
                href: page,
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
            Link {
                href: format!("{root}/events/{}/ics?lang={}", e.id, lang.code()),
                rel: "related".into(),
                mime_type: Some("text/calendar".into()),
                ..Default::default()
            },
        ],
        summary: Some(Text::plain(summary)),
        content: (!content.is_empty()).then(|| Content {
            value: Some(content.join("\n\n")),
            content_type: Some("text".into()),
            lang: Some(
                if listed.description(lang).is_some() {
                    listed.description_lang(lang)
                } else {
                    lang
                }
                .code()
                .into(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    }
}
