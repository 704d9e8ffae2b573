//! Calendar dates as the services live them: in Europe/Oslo. Programme weeks, opening dates and
//! "days left" are counted in Oslo dates, not UTC ones (a module due Monday opens at midnight
//! in Norway, not at 01:00 or 02:00).

use stegvis_content::calendar::oslo_offset;
use time::{Date, Month, OffsetDateTime};

// The Oslo calendar date at a Unix time; one implementation, with the working-day calendar.
pub use stegvis_content::calendar::oslo_date;

/// The Oslo wall-clock hour and minute at a Unix time.
pub fn oslo_clock(unix: i64) -> (u8, u8) {
    let utc = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let local = utc.to_offset(oslo_offset(utc));
    (local.hour(), local.minute())
}

pub fn today() -> Date {
    oslo_date(crate::now())
}

/// `YYYY-MM-DD`, the form dates are stored and posted in.
pub fn format(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month() as u8, date.day())
}

pub fn parse(text: &str) -> Option<Date> {
    let iso = stegvis_content::answers::parse_date(text)?;
    let (y, rest) = iso.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    Date::from_calendar_date(y.parse().ok()?, Month::try_from(m.parse::<u8>().ok()?).ok()?, d.parse().ok()?).ok()
}

/// A date a person gives for something that has happened: valid, and not after today.
pub fn past_date(field: &str, text: &str) -> crate::Result<Date> {
    let date = parse(text).ok_or_else(|| crate::Error::invalid(field, "invalid_date"))?;
    if date > today() {
        return Err(crate::Error::invalid(field, "in_future"));
    }
    Ok(date)
}

pub fn add_days(date: Date, days: i64) -> Date {
    date + time::Duration::days(days)
}

/// Unix seconds as an RFC 3339 timestamp in UTC.
pub fn rfc3339(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// The same day `months` later; the last day of the month where that month is shorter.
pub fn add_months(date: Date, months: u32) -> Date {
    let index = date.year() * 12 + i32::from(date.month() as u8 - 1) + months as i32;
    let (year, month) = (index.div_euclid(12), Month::try_from((index.rem_euclid(12) + 1) as u8).expect("1..=12"));
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).expect("a valid day")
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_later_keep_the_day_or_end_the_month() {
        let d = |s: &str| parse(s).unwrap();
        assert_eq!(add_months(d("2026-01-15"), 3), d("2026-04-15"));
        assert_eq!(add_months(d("2026-11-30"), 3), d("2027-02-28"));
        assert_eq!(add_months(d("2027-11-30"), 3), d("2028-02-29"));
        assert_eq!(add_months(d("2026-08-31"), 12), d("2027-08-31"));
        assert_eq!(add_months(d("2026-12-01"), 6), d("2027-06-01"));
    }

    fn unix(text: &str) -> i64 {
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap().unix_timestamp()
    }

    #[test]
    fn oslo_midnight_is_the_date_line_in_winter_and_summer() {
        assert_eq!(format(oslo_date(unix("2026-01-14T22:59:59Z"))), "2026-01-14");
        assert_eq!(format(oslo_date(unix("2026-01-14T23:00:00Z"))), "2026-01-15");
        assert_eq!(format(oslo_date(unix("2026-07-14T21:59:59Z"))), "2026-07-14");
        assert_eq!(format(oslo_date(unix("2026-07-14T22:00:00Z"))), "2026-07-15");
        assert_eq!(oslo_clock(unix("2026-01-14T13:05:00Z")), (14, 5));
        assert_eq!(oslo_clock(unix("2026-07-14T13:05:00Z")), (15, 5));
    }

    #[test]
    fn parse_and_count() {
        let d = parse("2026-11-25").unwrap();
        assert_eq!(parse("25.11.2026"), Some(d));
        assert_eq!(parse("2026-02-30"), None);
        assert_eq!(format(add_days(d, 7)), "2026-12-02");
        assert_eq!(days_between(d, add_days(d, -3)), -3);
    }
}
