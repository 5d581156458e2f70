//! The timeline: entries and credentials together, newest first.
//!
//! An entry is placed at its start date (`YYYY`, `YYYY-MM` or
//! `YYYY-MM-DD`, as written), a credential at the day of its `validFrom`
//! (UTC). Dates compare as written, so within 2020 a dated day comes
//! before a bare `2020-05`, which comes before a bare `2020`. Undated items
//! come last, newest written or received first. Paging: pass `next` as
//! `before`.

use crate::{
    entries::{views_with, EntryView},
    holdings::{check_all, item_of, HoldingItem},
};
use atout_web::{
    auth::Citizen, check::LiveState, problem::ProblemBody, ApiError, AppState, Json, Query,
};
use axum::extract::State;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::{cmp::Reverse, collections::HashMap};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 100;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(timeline))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemType {
    Credential,
    Entry,
}

impl ItemType {
    fn letter(self) -> char {
        match self {
            Self::Credential => 'c',
            Self::Entry => 'e',
        }
    }
}

/// One item of the timeline: an entry or a credential.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimelineItem {
    #[serde(rename = "type")]
    pub item_type: ItemType,
    pub id: String,
    /// Where it is placed: the entry's start date, the credential's
    /// `validFrom` day; null for an undated item (listed last).
    pub date: Option<String>,
    /// For `entry`: the entry, with its `kind` and `trust` level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryView>,
    /// For `credential`: the credential, with its live `state`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<HoldingItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinePage {
    pub items: Vec<TimelineItem>,
    /// Pass as `before` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// The `next` of the previous page.
    pub before: Option<String>,
    /// 1 to 100 (default 20).
    pub limit: Option<u32>,
}

/// The place of an item: sorted ascending, this is newest first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    undated: bool,
    date: Reverse<String>,
    /// When written (entries) or received (credentials).
    at: Reverse<DateTime<Utc>>,
    item_type: Reverse<ItemType>,
    id: Reverse<String>,
}

impl Place {
    fn new(date: Option<String>, at: DateTime<Utc>, item_type: ItemType, id: String) -> Self {
        Self {
            undated: date.is_none(),
            date: Reverse(date.unwrap_or_default()),
            at: Reverse(at),
            item_type: Reverse(item_type),
            id: Reverse(id),
        }
    }

    /// `date~at~type~id`: the cursor after this item.
    fn cursor(&self) -> String {
        format!(
            "{}~{}~{}~{}",
            self.date.0,
            self.at.0.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.item_type.0.letter(),
            self.id.0
        )
    }

    fn parse(cursor: &str) -> Option<Self> {
        if cursor.len() > 200 {
            return None;
        }
        let mut parts = cursor.splitn(4, '~');
        let date = parts.next()?;
        let at = DateTime::parse_from_rfc3339(parts.next()?)
            .ok()?
            .with_timezone(&Utc);
        let item_type = match parts.next()? {
            "c" => ItemType::Credential,
            "e" => ItemType::Entry,
            _ => return None,
        };
        let id = parts.next()?;
        if id.is_empty() || (!date.is_empty() && !crate::entries::check_partial_date(date)) {
            return None;
        }
        Some(Self::new(
            (!date.is_empty()).then(|| date.to_owned()),
            at,
            item_type,
            id.to_owned(),
        ))
    }
}

/// Entries and credentials in one list, newest first (by start date or
/// `validFrom`), undated ones last.
#[utoipa::path(
    get, path = "/wallet/timeline", tag = "wallet",
    security(("bearer" = []), ("cookie" = [])),
    params(TimelineQuery),
    responses(
        (status = 200, body = TimelinePage),
        (status = 400, body = ProblemBody, description = "A bad cursor or limit", content_type = "application/problem+json"),
        (status = 401, body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn timeline(
    State(state): State<AppState>,
    citizen: Citizen,
    Query(query): Query<TimelineQuery>,
) -> Result<Json<TimelinePage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT}."
        )));
    }
    let after = query
        .before
        .as_deref()
        .map(|c| {
            Place::parse(c)
                .ok_or_else(|| ApiError::bad_request("before is not a cursor of this timeline."))
        })
        .transpose()?;
    // Both lists at once (two connections: one round trip's wait).
    let (entries, holdings, endorsements) = tokio::try_join!(
        state.store.list_entries(citizen.id(), None),
        state.store.holding_dates(citizen.id()),
        state.store.endorsement_counts(citizen.id()),
    )?;
    let mut places: Vec<Place> = entries
        .iter()
        .map(|e| {
            Place::new(
                e.start_date.clone(),
                e.created_at,
                ItemType::Entry,
                e.id.clone(),
            )
        })
        .chain(holdings.iter().map(|h| {
            Place::new(
                h.valid_from.map(|d| d.format("%Y-%m-%d").to_string()),
                h.received_at,
                ItemType::Credential,
                h.id.clone(),
            )
        }))
        .filter(|p| after.as_ref().is_none_or(|a| p > a))
        .collect();
    places.sort();
    let more = places.len() > limit as usize;
    places.truncate(limit as usize);

    // Only the page's items are looked at closely.
    let wanted_entries: Vec<_> = entries
        .into_iter()
        .filter(|e| {
            places
                .iter()
                .any(|p| p.item_type.0 == ItemType::Entry && p.id.0 == e.id)
        })
        .collect();
    // One read and one check for every holding the page needs: its
    // credentials and those its entries link to.
    let mut credential_ids: Vec<String> = places
        .iter()
        .filter(|p| p.item_type.0 == ItemType::Credential)
        .map(|p| p.id.0.clone())
        .collect();
    let page_credentials = credential_ids.len();
    for id in wanted_entries.iter().filter_map(|e| e.holding_id.as_ref()) {
        if !credential_ids.contains(id) {
            credential_ids.push(id.clone());
        }
    }
    let records = state
        .store
        .holdings_by_ids(citizen.id(), &credential_ids)
        .await?;
    let outcomes = check_all(&state, &records).await;
    let states: HashMap<&str, LiveState> = records
        .iter()
        .zip(&outcomes)
        .map(|(h, o)| (h.id.as_str(), o.state))
        .collect();
    let mut entry_views: HashMap<String, EntryView> =
        views_with(wanted_entries, &states, &endorsements)
            .into_iter()
            .map(|v| (v.id.clone(), v))
            .collect();
    let on_page: std::collections::HashSet<&str> = credential_ids[..page_credentials]
        .iter()
        .map(String::as_str)
        .collect();
    let mut credentials: HashMap<String, HoldingItem> = records
        .iter()
        .zip(&outcomes)
        .filter(|(h, _)| on_page.contains(h.id.as_str()))
        .map(|(h, o)| (h.id.clone(), item_of(h, o)))
        .collect();

    let next = more.then(|| places.last().map(Place::cursor)).flatten();
    let items = places
        .into_iter()
        .filter_map(|p| {
            let date = (!p.undated).then(|| p.date.0.clone());
            match p.item_type.0 {
                ItemType::Entry => entry_views.remove(&p.id.0).map(|e| TimelineItem {
                    item_type: ItemType::Entry,
                    id: p.id.0,
                    date,
                    entry: Some(e),
                    credential: None,
                }),
                // Deleted between the two reads: left out.
                ItemType::Credential => credentials.remove(&p.id.0).map(|c| TimelineItem {
                    item_type: ItemType::Credential,
                    id: p.id.0,
                    date,
                    entry: None,
                    credential: Some(c),
                }),
            }
        })
        .collect();
    Ok(Json(TimelinePage { items, next }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn places_sort_newest_first_undated_last_and_cursors_round_trip() {
        let t = at("2026-01-01T00:00:00Z");
        let mut places = vec![
            Place::new(None, t, ItemType::Entry, "u1".into()),
            Place::new(Some("2019".into()), t, ItemType::Entry, "a".into()),
            Place::new(
                Some("2020-05-01".into()),
                t,
                ItemType::Credential,
                "b".into(),
            ),
            Place::new(Some("2020".into()), t, ItemType::Entry, "c".into()),
            Place::new(Some("2021-01".into()), t, ItemType::Entry, "d".into()),
            Place::new(
                None,
                at("2026-02-01T00:00:00Z"),
                ItemType::Credential,
                "u2".into(),
            ),
        ];
        places.sort();
        let ids: Vec<&str> = places.iter().map(|p| p.id.0.as_str()).collect();
        assert_eq!(ids, ["d", "b", "c", "a", "u2", "u1"]);
        for p in &places {
            assert_eq!(Place::parse(&p.cursor()).as_ref(), Some(p));
        }
        assert!(Place::parse("nope").is_none());
        assert!(Place::parse("2020~2026-01-01T00:00:00Z~x~id").is_none());
        assert!(Place::parse("20x0~2026-01-01T00:00:00Z~e~id").is_none());
    }
}
