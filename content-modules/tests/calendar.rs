//! The Norwegian working-day calendar: Easter against a second algorithm and a table of known
//! dates, the holidays pinned, working days against a computation written here, and the
//! deadlines across weekends, Easter, Christmas and both summer-time changes.

use std::collections::HashSet;

use stegvis_content::calendar::{
    add_working_days, easter_sunday, is_working_day, oslo_date, oslo_midnight, oslo_offset, overdue_from, public_holiday,
    working_days_between, Holiday,
};
use time::{Date, Duration, Month, OffsetDateTime};

fn date(year: i32, month: u8, day: u8) -> Date {
    Date::from_calendar_date(year, Month::try_from(month).unwrap(), day).unwrap()
}

/// Unix seconds of a UTC date and time.
fn utc(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> i64 {
    date(year, month, day).with_hms(hour, minute, second).unwrap().assume_utc().unix_timestamp()
}

fn days(from: Date, to: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(from), |d| d.next_day()).take_while(move |d| *d <= to)
}

/// Easter by Gauss's algorithm, with its two exceptions (the crate uses the anonymous one).
fn gauss_easter(year: i32) -> Date {
    let (a, b, c) = (year % 19, year % 4, year % 7);
    let k = year / 100;
    let p = (13 + 8 * k) / 25;
    let q = k / 4;
    let m = (15 - p + k - q).rem_euclid(30);
    let n = (4 + k - q).rem_euclid(7);
    let d = (19 * a + m) % 30;
    let e = (2 * b + 4 * c + 6 * d + n) % 7;
    if d == 29 && e == 6 {
        return date(year, 4, 19);
    }
    if d == 28 && e == 6 && (11 * m + 11) % 30 < 19 {
        return date(year, 4, 18);
    }
    date(year, 3, 22) + Duration::days(i64::from(d + e))
}

#[test]
fn easter_agrees_with_gauss_for_every_year_1900_to_2200() {
    for year in 1900..=2200 {
        assert_eq!(easter_sunday(year), gauss_easter(year), "{year}");
    }
}

#[test]
fn easter_on_known_dates() {
    // Including the earliest (22 March) and latest (25 April) possible, and both Gauss exceptions
    // (1954 and 2049 on 18 April, 1981 and 2076 on 19 April).
    let known = [
        (1818, 3, 22),
        (1900, 4, 15),
        (1943, 4, 25),
        (1954, 4, 18),
        (1981, 4, 19),
        (2008, 3, 23),
        (2011, 4, 24),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2027, 3, 28),
        (2028, 4, 16),
        (2038, 4, 25),
        (2049, 4, 18),
        (2076, 4, 19),
        (2200, 4, 6),
        (2285, 3, 22),
    ];
    for (year, month, day) in known {
        assert_eq!(easter_sunday(year), date(year, month, day), "{year}");
        assert_eq!(gauss_easter(year), date(year, month, day), "{year} (Gauss)");
    }
}

fn holidays_in(year: i32) -> Vec<(Date, Holiday)> {
    days(date(year, 1, 1), date(year, 12, 31)).filter_map(|d| public_holiday(d).map(|h| (d, h))).collect()
}

#[test]
fn the_holidays_of_2026() {
    use Holiday::*;
    assert_eq!(
        holidays_in(2026),
        [
            (date(2026, 1, 1), NewYearsDay),
            (date(2026, 4, 2), MaundyThursday),
            (date(2026, 4, 3), GoodFriday),
            (date(2026, 4, 5), EasterSunday),
            (date(2026, 4, 6), EasterMonday),
            (date(2026, 5, 1), LabourDay),
            (date(2026, 5, 14), AscensionDay),
            (date(2026, 5, 17), ConstitutionDay),
            (date(2026, 5, 24), WhitSunday),
            (date(2026, 5, 25), WhitMonday),
            (date(2026, 12, 25), ChristmasDay),
            (date(2026, 12, 26), BoxingDay),
        ]
    );
}

#[test]
fn the_holidays_of_2027_with_whit_monday_on_17_may() {
    use Holiday::*;
    assert_eq!(
        holidays_in(2027),
        [
            (date(2027, 1, 1), NewYearsDay),
            (date(2027, 3, 25), MaundyThursday),
            (date(2027, 3, 26), GoodFriday),
            (date(2027, 3, 28), EasterSunday),
            (date(2027, 3, 29), EasterMonday),
            (date(2027, 5, 1), LabourDay),
            (date(2027, 5, 6), AscensionDay),
            (date(2027, 5, 16), WhitSunday),
            (date(2027, 5, 17), WhitMonday),
            (date(2027, 12, 25), ChristmasDay),
            (date(2027, 12, 26), BoxingDay),
        ]
    );
}

#[test]
fn ascension_day_on_1_or_17_may_is_named_ascension_day() {
    assert_eq!(public_holiday(date(2008, 5, 1)), Some(Holiday::AscensionDay));
    assert_eq!(public_holiday(date(2007, 5, 17)), Some(Holiday::AscensionDay));
}

#[test]
fn christmas_eve_and_new_years_eve_are_working_days() {
    // Thursday 24 and 31 December 2026.
    for d in [date(2026, 12, 24), date(2026, 12, 31)] {
        assert_eq!(public_holiday(d), None);
        assert!(is_working_day(d), "{d}");
    }
    assert!(!is_working_day(date(2026, 12, 25)));
    assert!(!is_working_day(date(2027, 1, 1)));
}

#[test]
fn constitution_day_on_a_sunday_is_still_a_holiday() {
    // No substitute day: Monday 18 May 2026 is a working day.
    assert_eq!(public_holiday(date(2026, 5, 17)), Some(Holiday::ConstitutionDay));
    assert!(!is_working_day(date(2026, 5, 17)));
    assert!(is_working_day(date(2026, 5, 18)));
}

#[test]
fn working_days_2020_to_2035_agree_with_a_count_made_here() {
    let mut holidays = HashSet::new();
    for year in 2020..=2035 {
        let easter = gauss_easter(year);
        for offset in [-3, -2, 0, 1, 39, 49, 50] {
            holidays.insert(easter + Duration::days(offset));
        }
        for (month, day) in [(1, 1), (5, 1), (5, 17), (12, 25), (12, 26)] {
            holidays.insert(date(year, month, day));
        }
    }
    let mut working = 0;
    for d in days(date(2020, 1, 1), date(2035, 12, 31)) {
        // The Julian day number modulo 7 is 0 on Mondays.
        let weekday = d.to_julian_day().rem_euclid(7);
        let expected = weekday < 5 && !holidays.contains(&d);
        assert_eq!(is_working_day(d), expected, "{d}");
        working += i64::from(expected);
    }
    assert_eq!(working_days_between(date(2019, 12, 31), date(2035, 12, 31)), working);
}

#[test]
fn adding_and_counting_working_days_agree_2024_to_2030() {
    for from in days(date(2024, 1, 1), date(2030, 12, 31)) {
        for n in 0..=10 {
            let to = add_working_days(from, n);
            assert!(is_working_day(to), "{from} + {n}");
            assert!(to >= from);
            if n == 0 {
                assert_eq!(to == from, is_working_day(from), "{from}");
                assert!(working_days_between(from, to) <= 1);
            } else {
                assert_eq!(working_days_between(from, to), i64::from(n), "{from} + {n}");
                // The n-th, not a later one: the day before holds one fewer.
                assert_eq!(working_days_between(from, to.previous_day().unwrap()), i64::from(n - 1), "{from} + {n}");
            }
        }
    }
}

#[test]
fn adding_working_days_by_example() {
    let friday = date(2026, 11, 27);
    assert_eq!(add_working_days(friday, 0), friday);
    assert_eq!(add_working_days(friday, 1), date(2026, 11, 30));
    assert_eq!(add_working_days(date(2026, 11, 28), 0), date(2026, 11, 30));
    assert_eq!(add_working_days(date(2026, 11, 28), 1), date(2026, 11, 30));
    assert_eq!(add_working_days(date(2026, 4, 1), 1), date(2026, 4, 7));
    assert_eq!(working_days_between(friday, friday), 0);
    assert_eq!(working_days_between(date(2026, 12, 1), friday), 0);
    assert_eq!(working_days_between(friday, date(2026, 12, 1)), 2);
}

#[test]
fn overdue_over_a_weekend() {
    // Friday 27 November 2026 at 16:00 Oslo: Monday 30 and Tuesday 1 → Wednesday 00:00 CET.
    assert_eq!(overdue_from(utc(2026, 11, 27, 15, 0, 0), 2), utc(2026, 12, 1, 23, 0, 0));
    // Late Friday evening and the whole weekend count from Monday as day 1.
    assert_eq!(overdue_from(utc(2026, 11, 27, 22, 59, 59), 2), utc(2026, 12, 1, 23, 0, 0));
    assert_eq!(overdue_from(utc(2026, 11, 28, 9, 0, 0), 2), utc(2026, 12, 1, 23, 0, 0));
    assert_eq!(overdue_from(utc(2026, 11, 29, 22, 59, 59), 2), utc(2026, 12, 1, 23, 0, 0));
    // 23:30 UTC on Sunday is already Monday in Oslo: Tuesday and Wednesday.
    assert_eq!(overdue_from(utc(2026, 11, 29, 23, 30, 0), 2), utc(2026, 12, 2, 23, 0, 0));
    // With 1 and 0.
    assert_eq!(overdue_from(utc(2026, 11, 27, 15, 0, 0), 1), utc(2026, 11, 30, 23, 0, 0));
    assert_eq!(overdue_from(utc(2026, 11, 27, 15, 0, 0), 0), utc(2026, 11, 27, 23, 0, 0));
    assert_eq!(overdue_from(utc(2026, 11, 28, 9, 0, 0), 0), utc(2026, 11, 30, 23, 0, 0));
}

#[test]
fn overdue_over_easter_2026() {
    // Wednesday 1 April: Maundy Thursday, Good Friday and Easter Monday are holidays, so Tuesday 7
    // and Wednesday 8 → Thursday 9 April 00:00 CEST.
    assert_eq!(overdue_from(utc(2026, 4, 1, 10, 0, 0), 2), utc(2026, 4, 8, 22, 0, 0));
    assert_eq!(overdue_from(utc(2026, 4, 1, 10, 0, 0), 1), utc(2026, 4, 7, 22, 0, 0));
    // Arriving on Maundy Thursday counts from Tuesday 7 as day 1.
    assert_eq!(overdue_from(utc(2026, 4, 2, 10, 0, 0), 1), utc(2026, 4, 7, 22, 0, 0));
}

#[test]
fn overdue_over_christmas_and_new_year() {
    // Wednesday 23 December 2026: Christmas Eve is a working day, then Christmas Day, the weekend
    // (Boxing Day on the Saturday) → Monday 28 → Tuesday 29 00:00 CET.
    assert_eq!(overdue_from(utc(2026, 12, 23, 12, 0, 0), 2), utc(2026, 12, 28, 23, 0, 0));
    // Wednesday 30 December: New Year's Eve, then New Year's Day and the weekend → Monday 4 January.
    assert_eq!(overdue_from(utc(2026, 12, 30, 12, 0, 0), 2), utc(2027, 1, 4, 23, 0, 0));
    // 2027: Christmas Day and Boxing Day on a weekend, no days in lieu.
    assert_eq!(overdue_from(utc(2027, 12, 23, 12, 0, 0), 2), utc(2027, 12, 27, 23, 0, 0));
}

#[test]
fn overdue_across_the_summer_time_changes() {
    // Sunday 29 March 2026, just before and just after the change: Monday 30 → Tuesday 31 00:00 CEST.
    assert_eq!(overdue_from(utc(2026, 3, 29, 0, 59, 59), 1), utc(2026, 3, 30, 22, 0, 0));
    assert_eq!(overdue_from(utc(2026, 3, 29, 1, 0, 0), 1), utc(2026, 3, 30, 22, 0, 0));
    // Friday 27 March in CET → Monday 30 → Tuesday 31 00:00 CEST.
    assert_eq!(overdue_from(utc(2026, 3, 27, 15, 0, 0), 1), utc(2026, 3, 30, 22, 0, 0));
    // Sunday 25 October 2026, 02:30 CEST and then 02:30 CET: Monday 26 → Tuesday 27 00:00 CET.
    assert_eq!(overdue_from(utc(2026, 10, 25, 0, 30, 0), 1), utc(2026, 10, 26, 23, 0, 0));
    assert_eq!(overdue_from(utc(2026, 10, 25, 1, 30, 0), 1), utc(2026, 10, 26, 23, 0, 0));
    // Thursday 22 October → Friday 23 → Saturday 24 00:00 CEST; Friday 23 → Monday 26 → Tuesday 27
    // 00:00 CET.
    assert_eq!(overdue_from(utc(2026, 10, 22, 12, 0, 0), 1), utc(2026, 10, 23, 22, 0, 0));
    assert_eq!(overdue_from(utc(2026, 10, 23, 12, 0, 0), 1), utc(2026, 10, 26, 23, 0, 0));
}

#[test]
fn overdue_is_always_an_oslo_midnight_after_the_last_working_day() {
    // Every 61 minutes of 2026 (so every minute of the hour comes round), with 0 to 3 working days.
    let mut arrived = utc(2026, 1, 1, 0, 0, 0);
    while arrived < utc(2027, 1, 1, 0, 0, 0) {
        for n in 0..=3 {
            let r = overdue_from(arrived, n);
            assert!(r > arrived);
            assert_ne!(oslo_date(r), oslo_date(r - 1), "{arrived} + {n}");
            let last_day = oslo_date(r - 1);
            assert!(is_working_day(last_day), "{arrived} + {n}");
            if n > 0 {
                assert_eq!(working_days_between(oslo_date(arrived), last_day), i64::from(n), "{arrived} + {n}");
            }
        }
        arrived += 61 * 60;
    }
}

#[test]
fn summer_time_starts_and_ends_on_the_last_sundays_at_one_utc() {
    let hours = |unix| oslo_offset(OffsetDateTime::from_unix_timestamp(unix).unwrap()).whole_hours();
    // (year, last Sunday of March, last Sunday of October)
    for (year, march, october) in [(2024, 31, 27), (2025, 30, 26), (2026, 29, 25), (2027, 28, 31)] {
        assert_eq!(hours(utc(year, 3, march, 0, 59, 59)), 1, "{year}");
        assert_eq!(hours(utc(year, 3, march, 1, 0, 0)), 2, "{year}");
        assert_eq!(hours(utc(year, 10, october, 0, 59, 59)), 2, "{year}");
        assert_eq!(hours(utc(year, 10, october, 1, 0, 0)), 1, "{year}");
    }
    assert_eq!(hours(utc(2026, 1, 1, 12, 0, 0)), 1);
    assert_eq!(hours(utc(2026, 7, 1, 12, 0, 0)), 2);
    assert_eq!(hours(utc(2026, 12, 31, 23, 59, 59)), 1);
}

#[test]
fn oslo_midnight_on_ordinary_days_and_the_change_days() {
    assert_eq!(oslo_midnight(date(2026, 1, 15)), utc(2026, 1, 14, 23, 0, 0));
    assert_eq!(oslo_midnight(date(2026, 7, 15)), utc(2026, 7, 14, 22, 0, 0));
    assert_eq!(oslo_midnight(date(2027, 1, 1)), utc(2026, 12, 31, 23, 0, 0));
    // Both change days begin at 23:00 UTC: in CET on 29 March, in CEST on 25 October.
    assert_eq!(oslo_midnight(date(2026, 3, 29)), utc(2026, 3, 28, 23, 0, 0));
    assert_eq!(oslo_midnight(date(2026, 3, 30)), utc(2026, 3, 29, 22, 0, 0));
    assert_eq!(oslo_midnight(date(2026, 10, 25)), utc(2026, 10, 24, 22, 0, 0));
    assert_eq!(oslo_midnight(date(2026, 10, 26)), utc(2026, 10, 25, 23, 0, 0));
}

#[test]
fn oslo_midnight_round_trips_every_day_2020_to_2035() {
    let (mut short, mut long) = (0, 0);
    for d in days(date(2020, 1, 1), date(2035, 12, 31)) {
        let start = oslo_midnight(d);
        assert_eq!(oslo_date(start), d);
        assert_eq!(oslo_date(start - 1), d.previous_day().unwrap());
        match oslo_midnight(d.next_day().unwrap()) - start {
            82_800 => short += 1,
            86_400 => {}
            90_000 => long += 1,
            other => panic!("{d} lasts {other} s"),
        }
    }
    // One 23-hour and one 25-hour day a year.
    assert_eq!((short, long), (16, 16));
}
