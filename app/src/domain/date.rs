//! Calendar dates, Vietnam time. Vietnam keeps UTC+7 all year (no daylight saving),
//! so "today in Vietnam" is plain arithmetic on a Unix timestamp, which keeps the
//! browser bundle free of a time-zone database.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Offset of Asia/Ho_Chi_Minh from UTC, in seconds.
pub const VIETNAM_OFFSET_SECS: i64 = 7 * 3600;

/// A day in the proleptic Gregorian calendar. Serialized as ISO `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a typed date of birth is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BirthDateError {
    Unreadable,
    Impossible,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("write the date as day/month/year, e.g. 05/09/2018")]
    Unreadable,
    #[error("this day does not exist in the calendar")]
    NoSuchDay,
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1900..=2999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return Err(DateError::NoSuchDay);
        }
        Ok(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// ISO 8601, as stored: `2018-09-05`.
    pub fn parse_iso(s: &str) -> Result<Date, DateError> {
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next(), parts.next(), parts.next());
        match (y, m, d, parts.next()) {
            (Some(y), Some(m), Some(d), None) if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
                Date::new(
                    y.parse().map_err(|_| DateError::Unreadable)?,
                    m.parse().map_err(|_| DateError::Unreadable)?,
                    d.parse().map_err(|_| DateError::Unreadable)?,
                )
            }
            _ => Err(DateError::Unreadable),
        }
    }

    /// A date as Vietnamese people write it: day first. Accepts `05/09/2018`,
    /// `5/9/2018`, `05-09-2018`, `05.09.2018` and `05092018` (8 digits).
    pub fn parse_dmy(s: &str) -> Result<Date, DateError> {
        let s = s.trim();
        let fields: Vec<&str> = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
            vec![&s[..2], &s[2..4], &s[4..]]
        } else {
            s.split(['/', '-', '.', ' '])
                .filter(|p| !p.is_empty())
                .collect()
        };
        let [d, m, y] = fields[..] else {
            return Err(DateError::Unreadable);
        };
        if y.len() != 4 || d.len() > 2 || m.len() > 2 {
            return Err(DateError::Unreadable);
        }
        let num = |t: &str| t.parse::<u32>().map_err(|_| DateError::Unreadable);
        Date::new(num(y)? as i32, num(m)? as u8, num(d)? as u8)
    }

    /// A date of birth as a parent types it, checked against today: a day
    /// the calendar has not, or one after today, is `Impossible` (said as
    /// such, not as a badly written date, and never sent as a guess).
    pub fn parse_birth_date(s: &str, today: Date) -> Result<Date, BirthDateError> {
        match Date::parse_dmy(s) {
            Ok(d) if d > today => Err(BirthDateError::Impossible),
            Ok(d) => Ok(d),
            Err(DateError::NoSuchDay) => Err(BirthDateError::Impossible),
            Err(_) => Err(BirthDateError::Unreadable),
        }
    }

    /// `05/09/2018`.
    pub fn dmy(self) -> String {
        format!("{:02}/{:02}/{}", self.day, self.month, self.year)
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn to_days(self) -> i64 {
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + if month <= 2 { 1 } else { 0 }) as i32;
        Date { year, month, day }
    }

    /// The calendar day in Vietnam at a Unix time.
    pub fn in_vietnam(unix_secs: i64) -> Date {
        Date::from_days((unix_secs + VIETNAM_OFFSET_SECS).div_euclid(86_400))
    }

    /// A moment as people in Vietnam read it: `26/11/2026 08:15`.
    pub fn moment_label(unix_secs: i64) -> String {
        let local = unix_secs + VIETNAM_OFFSET_SECS;
        let minutes = local.rem_euclid(86_400) / 60;
        format!(
            "{} {:02}:{:02}",
            Date::in_vietnam(unix_secs).dmy(),
            minutes / 60,
            minutes % 60
        )
    }

    /// A bank transfer's moment: its day alone when it is midnight to the
    /// second, which is how a statement without times is read (the bank gave
    /// the day only; "26/11/2026 00:00" would claim a time nobody knows).
    pub fn transfer_moment_label(unix_secs: i64) -> String {
        if (unix_secs + VIETNAM_OFFSET_SECS).rem_euclid(86_400) == 0 {
            Date::in_vietnam(unix_secs).dmy()
        } else {
            Date::moment_label(unix_secs)
        }
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    pub fn first_of_month(self) -> Date {
        Date { day: 1, ..self }
    }

    pub fn last_of_month(self) -> Date {
        Date {
            day: days_in_month(self.year, self.month),
            ..self
        }
    }

    /// Monday = 0 … Sunday = 6.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday.
        ((self.to_days() + 3).rem_euclid(7)) as u8
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for Date {
    type Error = DateError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Date::parse_iso(&s)
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

/// A billing period: one calendar month, stored as `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    pub year: i32,
    pub month: u8,
}

impl Month {
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year,
            month: date.month,
        }
    }
    pub fn parse(s: &str) -> Result<Month, DateError> {
        let d = Date::parse_iso(&format!("{s}-01"))?;
        Ok(Month::of(d))
    }

    /// A month as a person types it: "2026-11" as the app writes it in forms,
    /// or "11/2026" as every list shows it, "T11/2026", "tháng 11/2026",
    /// "11-2026", "11.2026". The year has four digits.
    pub fn parse_typed(s: &str) -> Result<Month, DateError> {
        let s = s.trim();
        // "tháng 11/2026" is the longest form: anything longer is no month, and
        // is refused before it is copied.
        if s.len() > 24 {
            return Err(DateError::Unreadable);
        }
        if let Ok(m) = Month::parse(s) {
            return Ok(m);
        }
        let lower = s.to_lowercase();
        let rest = lower
            .strip_prefix("tháng")
            .or_else(|| lower.strip_prefix("thang"))
            .or_else(|| lower.strip_prefix('t'))
            .unwrap_or(&lower)
            .trim();
        let mut parts = rest.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty());
        match (parts.next(), parts.next(), parts.next()) {
            (Some(month), Some(year), None)
                if (1..=2).contains(&month.len())
                    && year.len() == 4
                    && month
                        .bytes()
                        .chain(year.bytes())
                        .all(|b| b.is_ascii_digit()) =>
            {
                Month::parse(&format!("{year}-{month:0>2}"))
            }
            _ => Err(DateError::Unreadable),
        }
    }
    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
    }
    /// The month after this one.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
    /// "11/2026", as invoices label a month.
    pub fn label(self) -> String {
        format!("{:02}/{}", self.month, self.year)
    }

    /// A stored period ("2026-11") as invoices label it ("11/2026"); text
    /// that is no month, as it is.
    pub fn label_of(text: &str) -> String {
        Month::parse(text)
            .map(Month::label)
            .unwrap_or_else(|_| text.to_string())
    }
}

/// A reporting period as accountants write it: "tháng 11/2026", or
/// "tháng 09/2026 – tháng 11/2026" (`t` picks the language). Periods travel
/// as `2026-11`; this is for people, never for the machine.
pub fn period_words(
    from: &str,
    to: &str,
    t: fn(&'static str, &'static str) -> &'static str,
) -> String {
    let word = t("tháng", "month");
    match (Month::parse(from), Month::parse(to)) {
        (Ok(f), Ok(l)) if f == l => format!("{word} {}", f.label()),
        (Ok(f), Ok(l)) => format!("{word} {} – {word} {}", f.label(), l.label()),
        _ => format!("{from} – {to}"),
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for Month {
    type Error = DateError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Month::parse(&s)
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_birth_date_no_child_can_have_is_impossible_not_unreadable() {
        let today = Date::new(2026, 11, 26).unwrap();
        let check = |s: &str| Date::parse_birth_date(s, today);
        assert_eq!(check("05/09/2017"), Ok(Date::new(2017, 9, 5).unwrap()));
        assert_eq!(check("29/02/2016"), Ok(Date::new(2016, 2, 29).unwrap()));
        assert_eq!(check("26/11/2026"), Ok(today));
        for impossible in [
            "31/02/2017",
            "29/02/2017",
            "00/05/2017",
            "05/13/2017",
            "27/11/2026",
            "05/09/2030",
        ] {
            assert_eq!(
                check(impossible),
                Err(BirthDateError::Impossible),
                "{impossible}"
            );
        }
        for unreadable in ["", "5/9/17", "hôm qua", "05/09"] {
            assert_eq!(
                check(unreadable),
                Err(BirthDateError::Unreadable),
                "{unreadable}"
            );
        }
    }
    use proptest::prelude::*;

    #[test]
    fn a_reporting_period_reads_as_accountants_write_it() {
        let vi = |a: &'static str, _: &'static str| a;
        assert_eq!(period_words("2026-11", "2026-11", vi), "tháng 11/2026");
        assert_eq!(
            period_words("2026-09", "2026-11", vi),
            "tháng 09/2026 – tháng 11/2026"
        );
        assert_eq!(period_words("x", "2026-11", vi), "x – 2026-11");
    }

    #[test]
    fn a_month_is_read_as_people_type_it() {
        let nov = Month::parse("2026-11").unwrap();
        for typed in [
            "2026-11",
            " 11/2026 ",
            "11-2026",
            "11.2026",
            "T11/2026",
            "t11/2026",
            "Tháng 11/2026",
            "thang 11 2026",
            "tháng 11/2026",
        ] {
            assert_eq!(Month::parse_typed(typed), Ok(nov), "{typed}");
        }
        assert_eq!(Month::parse_typed("1/2027"), Month::parse("2027-01"));
        for wrong in [
            "13/2026",
            "11/26",
            "112026",
            "2026/11/01",
            "tháng",
            "",
            "11/2026/1",
            "abc",
        ] {
            assert!(Month::parse_typed(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn moments_read_in_vietnam_time() {
        // 2026-11-26 01:15 UTC is 08:15 in Vietnam; 17:30 UTC is past midnight there.
        let base = Date::new(2026, 11, 26).unwrap().to_days() * 86_400;
        assert_eq!(Date::moment_label(base + 3600 + 900), "26/11/2026 08:15");
        assert_eq!(
            Date::moment_label(base + 17 * 3600 + 1800),
            "27/11/2026 00:30"
        );
    }

    #[test]
    fn a_transfer_without_its_time_shows_its_day() {
        // Midnight in Vietnam is 17:00 UTC the day before.
        let midnight = Date::new(2026, 11, 26).unwrap().to_days() * 86_400 - 7 * 3600;
        assert_eq!(Date::transfer_moment_label(midnight), "26/11/2026");
        assert_eq!(
            Date::transfer_moment_label(midnight + 60),
            "26/11/2026 00:01"
        );
        assert_eq!(
            Date::transfer_moment_label(midnight + 1),
            "26/11/2026 00:00"
        );
    }

    #[test]
    fn parses_what_parents_type() {
        let d = Date::new(2018, 9, 5).unwrap();
        for s in [
            "05/09/2018",
            "5/9/2018",
            "05-09-2018",
            "05.09.2018",
            "05092018",
            " 5 / 9 / 2018 ",
        ] {
            assert_eq!(Date::parse_dmy(s), Ok(d), "{s}");
        }
        assert_eq!(Date::parse_dmy("2018-09-05"), Err(DateError::Unreadable));
        assert_eq!(Date::parse_dmy("31/02/2018"), Err(DateError::NoSuchDay));
        assert_eq!(
            Date::parse_dmy("29/02/2020").map(|d| d.dmy()),
            Ok("29/02/2020".into())
        );
        assert_eq!(Date::parse_dmy("29/02/2019"), Err(DateError::NoSuchDay));
        assert_eq!(Date::parse_dmy(""), Err(DateError::Unreadable));
        assert_eq!(Date::parse_dmy("ab/cd/efgh"), Err(DateError::Unreadable));
        assert_eq!(d.dmy(), "05/09/2018");
        assert_eq!(d.to_string(), "2018-09-05");
    }

    #[test]
    fn vietnam_day_boundary() {
        // 2026-11-26 16:59:59 UTC is 23:59:59 in Hanoi; one second later it is the 27th.
        let t = Date::new(2026, 11, 26).unwrap().to_days() * 86_400 + 16 * 3600 + 59 * 60 + 59;
        assert_eq!(Date::in_vietnam(t).to_string(), "2026-11-26");
        assert_eq!(Date::in_vietnam(t + 1).to_string(), "2026-11-27");
        assert_eq!(Date::new(2026, 11, 26).unwrap().weekday(), 3, "a Thursday");
        assert_eq!(Date::new(2026, 2, 10).unwrap().last_of_month().day(), 28);
    }

    proptest! {
        #[test]
        fn day_numbers_round_trip(days in -25_000i64..360_000) {
            let d = Date::from_days(days);
            prop_assert_eq!(d.to_days(), days);
            prop_assert_eq!(Date::parse_iso(&d.to_string()), Ok(d));
            prop_assert_eq!(Date::parse_dmy(&d.dmy()), Ok(d));
        }
    }
}
