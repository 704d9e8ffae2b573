//! The Norwegian working-day calendar, in Europe/Oslo. Therapists answer homework "within 2
//! working days" and escalations fire when something is "not acknowledged within 1 working day";
//! those deadlines are counted in Oslo dates, skipping weekends and the public holidays, and end
//! at an Oslo midnight (which is 23:00 or 22:00 UTC, depending on summer time).

use time::{Date, Duration, Month, OffsetDateTime, UtcOffset, Weekday};

/// CET (+1), or CEST (+2) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
/// Sunday of October (the EU rule, which Norway follows).
pub fn oslo_offset(utc: OffsetDateTime) -> UtcOffset {
    let year = utc.year();
    let change = |month| {
        let last = Date::from_calendar_date(year, month, 31).expect("March and October have 31 days");
        let sunday = last - Duration::days(i64::from(last.weekday().number_days_from_sunday()));
        sunday.midnight().assume_utc() + Duration::hours(1)
    };
    let summer = utc >= change(Month::March) && utc < change(Month::October);
    UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).expect("valid offset")
}

/// The Oslo calendar date at a Unix time.
pub fn oslo_date(unix: i64) -> Date {
    let utc = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    utc.to_offset(oslo_offset(utc)).date()
}

/// The Unix time at which an Oslo date begins. Local midnight is 22:00 or 23:00 UTC the day
/// before, and summer time only changes at 01:00 UTC, so the offset at 23:00 UTC the day before
/// is the one valid at local midnight — also on the two change days, which both begin at
/// 23:00 UTC (in CET on the March day, in CEST on the October day).
pub fn oslo_midnight(date: Date) -> i64 {
    let as_if_utc = date.midnight().assume_utc();
    let offset = oslo_offset(as_if_utc - Duration::hours(1));
    as_if_utc.unix_timestamp() - i64::from(offset.whole_seconds())
}

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm, as given by Meeus).
pub fn easter_sunday(year: i32) -> Date {
    let a = year.rem_euclid(19);
    let (b, c) = (year.div_euclid(100), year.rem_euclid(100));
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(month as u8).expect("March or April");
    Date::from_calendar_date(year, month, day as u8).expect("a valid day")
}

/// The Norwegian public holidays: the helligdager plus 1 and 17 May. Christmas Eve and New
/// Year's Eve are not among them (they are ordinary working days in law, however many take them
/// off), and there are no substitute days when a holiday falls on a weekend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Holiday {
    /// 1 January (første nyttårsdag).
    NewYearsDay,
    /// Easter − 3 (skjærtorsdag).
    MaundyThursday,
    /// Easter − 2 (langfredag).
    GoodFriday,
    /// Første påskedag.
    EasterSunday,
    /// Easter + 1 (andre påskedag).
    EasterMonday,
    /// 1 May (offentlig høytidsdag).
    LabourDay,
    /// 17 May (grunnlovsdag).
    ConstitutionDay,
    /// Easter + 39 (Kristi himmelfartsdag).
    AscensionDay,
    /// Easter + 49 (første pinsedag).
    WhitSunday,
    /// Easter + 50 (andre pinsedag).
    WhitMonday,
    /// 25 December (første juledag).
    ChristmasDay,
    /// 26 December (andre juledag).
    BoxingDay,
}

/// The public holiday on a date, if any. When Ascension Day or Whit Monday falls on 1 or 17 May,
/// the movable feast is the one named.
pub fn public_holiday(date: Date) -> Option<Holiday> {
    let movable = match (date - easter_sunday(date.year())).whole_days() {
        -3 => Some(Holiday::MaundyThursday),
        -2 => Some(Holiday::GoodFriday),
        0 => Some(Holiday::EasterSunday),
        1 => Some(Holiday::EasterMonday),
        39 => Some(Holiday::AscensionDay),
        49 => Some(Holiday::WhitSunday),
        50 => Some(Holiday::WhitMonday),
        _ => None,
    };
    movable.or(match (date.month(), date.day()) {
        (Month::January, 1) => Some(Holiday::NewYearsDay),
        (Month::May, 1) => Some(Holiday::LabourDay),
        (Month::May, 17) => Some(Holiday::ConstitutionDay),
        (Month::December, 25) => Some(Holiday::ChristmasDay),
        (Month::December, 26) => Some(Holiday::BoxingDay),
        _ => None,
    })
}

/// Monday to Friday and not a public holiday.
pub fn is_working_day(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && public_holiday(date).is_none()
}

/// The `n`-th working day after `date`; for `n` = 0, `date` itself if it is a working day, else
/// the next working day.
pub fn add_working_days(date: Date, n: u32) -> Date {
    let mut day = if n == 0 { date } else { next(date) };
    let mut left = n.saturating_sub(1);
    loop {
        if is_working_day(day) {
            if left == 0 {
                return day;
            }
            left -= 1;
        }
        day = next(day);
    }
}

/// The working days after `from` up to and including `to` (0 when `to` is not after `from`).
pub fn working_days_between(from: Date, to: Date) -> i64 {
    let mut count = 0;
    let mut day = from;
    while day < to {
        day = next(day);
        if is_working_day(day) {
            count += 1;
        }
    }
    count
}

/// The Unix time from which something that arrived at `arrived_unix` is overdue, when it must be
/// answered by the end of the `working_days`-th working day after the Oslo date it arrived on:
/// the Oslo midnight that begins the day after that working day. What arrives on a weekend or
/// holiday counts from the next working day as day 1; with 0 it is due by the end of the day it
/// arrived on, or of the next working day.
pub fn overdue_from(arrived_unix: i64, working_days: u32) -> i64 {
    oslo_midnight(next(add_working_days(oslo_date(arrived_unix), working_days)))
}

fn next(date: Date) -> Date {
    date.next_day().expect("a date before the end of the calendar")
}
