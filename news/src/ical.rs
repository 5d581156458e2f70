//! Events as iCalendar (RFC 5545), written by the `icalendar` crate: its
//! TEXT escaping (`\,` `\;` `\n` `\\`) and its folding of content lines at
//! 75 octets are the only ones used here. Times are written in UTC
//! (`DTSTART:20270315T130000Z`), so no `VTIMEZONE` is needed: calendars
//! show them in their own zone.
//!
//! One event (`GET /events/{id}/ics`) and the citizen's personal calendar
//! feed (`news/src/feed.rs`) share [`calendar`]: an event keeps its `UID`
//! (`{id}@{host}`) wherever it is read, and its `SEQUENCE` grows with each
//! change once published, so that calendar applications replace their copy;
//! a cancelled event says `STATUS:CANCELLED`.

use crate::public::{kind_label, plain, Listed};
use atout_web::i18n::Lang;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

/// The product that writes the calendars (`PRODID`).
pub const PRODID: &str = "-//Atout//Evenements 1.0//FR";

/// The site's host, from its base URL (`https://atout.example.org`).
pub fn host(base: &str) -> String {
    url::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "atout".to_owned())
}

/// The stable `UID` of an event: its id at the site's host.
pub fn uid(id: &str, base: &str) -> String {
    format!("{id}@{}", host(base))
}

/// A `VCALENDAR` of these events (possibly none), each one `VEVENT`, named
/// for people in `lang` ("Événements Atout"); `base` is the site's base
/// URL (`state.config.base_url`). Events come with their organisers
/// ([`Listed::with_orgs`], or `public::listed` for the tags' labels in
/// both languages).
pub fn calendar(events: &[Listed], base: &url::Url, lang: Lang) -> String {
    calendar_named(
        events,
        base.as_str(),
        lang,
        &lang.tr().get("agenda-ics-name"),
    )
}

/// A `VCALENDAR` of events as the public routes have them, with a name of
/// its own (`NAME`, `X-WR-CALNAME`).
pub fn calendar_named(events: &[Listed], base: &str, lang: Lang, name: &str) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"));
    cal.name(&plain(name));
    for e in events {
        cal.push(vevent(e, base, lang));
    }
    cal.to_string()
}

/// The `VEVENT` of one event.
pub fn vevent(listed: &Listed, base: &str, lang: Lang) -> Event {
    let tr = lang.tr();
    let e = &listed.full.event;
    let root = base.trim_end_matches('/');
    let page = format!("{root}/evenements/{}?lang={}", e.id, lang.code());
    let cancelled = e.status == "cancelled";
    let mut ev = Event::new();
    ev.uid(&uid(&e.id, base))
        // With METHOD:PUBLISH, the instance was made when the event last
        // changed: the same bytes until it changes again (and ETags hold).
        .timestamp(listed.revised())
        .starts(e.starts_at)
        .ends(e.ends_at)
        .sequence(u32::try_from(e.sequence.max(0)).unwrap_or(u32::MAX))
        .status(if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        })
        .class(icalendar::Class::Public)
        .created(e.published_at.unwrap_or(e.created_at))
        .last_modified(listed.revised())
        .url(&page);
    let title = plain(&listed.title(lang));
    ev.append_property(
        Property::new("SUMMARY", &title)
            .add_parameter("LANGUAGE", listed.title_lang(lang).code())
            .done(),
    );
    // The description: what the organiser wrote, why it was cancelled,
    // where to join online, where to register, the page.
    let mut text = Vec::new();
    if cancelled {
        let mut line = tr.get("agenda-ics-cancelled");
        if let Some(reason) = e.cancel_reason.as_deref().filter(|r| !r.trim().is_empty()) {
            line = format!("{line} {}", plain(reason));
        }
        text.push(line);
    }
    if let Some(d) = listed.description(lang) {
        text.push(plain(&d));
    }
    if let Some(u) = &e.online_url {
        text.push(format!("{} {u}", tr.get("agenda-ics-online")));
    }
    match (e.registration.as_str(), &e.registration_url) {
        ("external", Some(u)) => text.push(format!("{} {u}", tr.get("agenda-ics-register"))),
        ("atout", _) => text.push(format!("{} {page}", tr.get("agenda-ics-register"))),
        _ => {}
    }
    text.push(format!("{} {page}", tr.get("agenda-ics-page")));
    ev.description(&text.join("\n\n"));
    if let Some(location) = listed.location(lang) {
        ev.location(&plain(&location));
    }
    let mut categories = vec![kind_label(lang, &e.kind)];
    categories.extend(listed.tag_labels(lang));
    ev.categories(categories.iter().map(|c| plain(c)));
    // The organiser: its name (a parameter value cannot hold a double
    // quote nor a line break) and its page here.
    let name: String = plain(&listed.organiser_name(lang))
        .chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let organiser_page = match &listed.organiser_slug() {
        Some(slug) => format!("{root}/organisations/{slug}"),
        None => format!("{root}/"),
    };
    ev.append_property(
        Property::new("ORGANIZER", &organiser_page)
            .add_parameter("CN", &name)
            .done(),
    );
    ev.done()
}
