//! Times as people in the region read and write them: Europe/Paris local
//! time (with its summer time), stored and exchanged in UTC.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

/// A UTC instant as Paris local time.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&Paris).naive_local()
}

/// Paris local time as `2027-03-15T14:00` (an HTML `datetime-local` value).
pub fn input_value(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%dT%H:%M").to_string()
}

/// Reads Paris local time (`2027-03-15T14:00`, `2027-03-15 14:00`, with
/// or without seconds). A time that does not exist (the hour skipped in
/// March) is `None`; an ambiguous one (the hour repeated in October) is
/// its first occurrence.
pub fn parse_local(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    let naive = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())?;
    from_local(naive)
}

/// Paris local time to UTC (see [`parse_local`] for the hours of the
/// changes of time).
pub fn from_local(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    match Paris.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summer_and_winter_time() {
        let winter = parse_local("2027-01-15T14:00").unwrap();
        assert_eq!(winter.to_rfc3339(), "2027-01-15T13:00:00+00:00");
        let summer = parse_local("2027-07-15 14:00").unwrap();
        assert_eq!(summer.to_rfc3339(), "2027-07-15T12:00:00+00:00");
        assert_eq!(input_value(summer), "2027-07-15T14:00");
        // 28 March 2027, 02:30 does not exist in Paris.
        assert_eq!(parse_local("2027-03-28T02:30"), None);
        // 31 October 2027, 02:30 happens twice: the first.
        assert_eq!(
            parse_local("2027-10-31T02:30").unwrap().to_rfc3339(),
            "2027-10-31T00:30:00+00:00"
        );
        assert_eq!(parse_local("15/03/2027"), None);
    }
}
