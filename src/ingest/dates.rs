//! Dates and month names as every reader meets them: one month table and one
//! date parser ([`parse`]) for bibliographic exports (`2019/05/17/`,
//! `1 Jan.-Feb. 2019`, `20221007`), API answers (`2017-09-12T00:00:00`) and
//! scraped pages (`2024 Feb 29`, `2022/3/31 0:00:00`).

use crate::model::Date;

/// Month names, by month: the English name first (any abbreviation of it of
/// three letters or more is accepted: "Sept", "Febr."), then the names in the
/// other languages of the abstracts the readers handle (German, French,
/// Spanish, Portuguese, Dutch), accepted only whole, folded to ASCII.
const MONTHS: [&[&str]; 12] = [
    &["january", "januar", "janvier", "enero", "janeiro", "januari"],
    &["february", "februar", "fevrier", "febrero", "fevereiro", "februari"],
    &["march", "marz", "mars", "marzo", "marco", "maart"],
    &["april", "avril", "abril"],
    &["may", "mai", "mayo", "maio", "mei"],
    &["june", "juni", "juin", "junio", "junho"],
    &["july", "juli", "juillet", "julio", "julho"],
    &["august", "aout", "agosto", "augustus"],
    &["september", "septembre", "septiembre", "setembro"],
    &["october", "oktober", "octobre", "octubre", "outubro"],
    &["november", "novembre", "noviembre", "novembro"],
    &["december", "dezember", "decembre", "diciembre", "dezembro"],
];

/// The three-letter English abbreviations, January first: BibTeX's month
/// macros.
pub const ABBREVIATIONS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Month number from a month name ("Feb", "june", "Sept.", "Juni", "août");
/// `None` for anything else, numbers included ("mayor" is not May).
pub fn month_name(token: &str) -> Option<u8> {
    let t = crate::model::norm::fold(token.trim().trim_end_matches('.'));
    if t.len() < 3 || !t.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let n = MONTHS
        .iter()
        .position(|names| names[0].starts_with(t.as_str()) || names[1..].iter().any(|n| *n == t))?;
    u8::try_from(n + 1).ok()
}

/// Month number from a month name (see [`month_name`]) or a number 1-12.
pub fn month_number(token: &str) -> Option<u8> {
    let t = token.trim().trim_end_matches('.');
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u8>().ok().filter(|n| (1..=12).contains(n));
    }
    month_name(t)
}

/// Days in `month` of `year` (Gregorian).
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A four-digit year 1000-2999.
fn is_year(t: &str) -> bool {
    t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) && (b'1'..=b'2').contains(&t.as_bytes()[0])
}

/// Parses a date as exports, APIs and pages write it: `2019`, `2019//`,
/// `2019/05/17/`, `2018-05-17`, `2017-09-12T10:00:00Z`, `20221007`,
/// `2022 Oct 7`, `1 Jan.-Feb. 2019`, `2012 Oct-Dec`, `2024 Feb 29`,
/// `2022/3/31 0:00:00`; `JUL 15` and `n.d.` (no year) give `None`.
///
/// Takes the first year in 1000..=2999; the month from the first month name,
/// else the number after the year; the day only when it is unambiguous (one
/// month named, a number next to it, or the number after a numeric month)
/// and exists in that month.
pub fn parse(raw: &str) -> Option<Date> {
    // An ISO time ("T10:00:00") says nothing about the date.
    let s = match raw.char_indices().find(|&(i, c)| {
        c == 'T'
            && raw[..i].ends_with(|p: char| p.is_ascii_digit())
            && raw[i + 1..].starts_with(|n: char| n.is_ascii_digit())
    }) {
        Some((i, _)) => &raw[..i],
        None => raw,
    };
    let tokens: Vec<&str> = s.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).collect();
    let valid_day = |year: i32, month: u8, day: u8| (1..=days_in_month(year, month)).contains(&day);
    // yyyymmdd (MEDLINE DEP/DA, EDAT without slashes).
    if let Some(t) = tokens.first() {
        if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) && is_year(t.get(0..4)?) {
            let year: i32 = t.get(0..4)?.parse().ok()?;
            let month: u8 = t.get(4..6)?.parse().ok()?;
            let day: u8 = t.get(6..8)?.parse().ok()?;
            let month = (1..=12).contains(&month).then_some(month);
            return Some(Date { year, month, day: month.filter(|&m| valid_day(year, m, day)).map(|_| day) });
        }
    }
    let year_pos = tokens.iter().position(|t| is_year(t))?;
    let year: i32 = tokens[year_pos].parse().ok()?;
    let named: Vec<(usize, u8)> =
        tokens.iter().enumerate().filter_map(|(i, t)| month_name(t).map(|m| (i, m))).collect();
    let small = |t: &str, max: u8| t.parse::<u8>().ok().filter(|n| t.len() <= 2 && (1..=max).contains(n));
    let (month, day) = if let Some(&(mi, m)) = named.first() {
        let day = if named.len() > 1 {
            None
        } else {
            let after = tokens.get(mi + 1).filter(|_| mi + 1 != year_pos).and_then(|t| small(t, 31));
            let before = mi.checked_sub(1).filter(|&b| b != year_pos).and_then(|b| small(tokens[b], 31));
            after.or(before)
        };
        (Some(m), day)
    } else {
        let month = tokens.get(year_pos + 1).and_then(|t| small(t, 12));
        let day = month.and_then(|_| tokens.get(year_pos + 2)).and_then(|t| small(t, 31));
        (month, day)
    };
    let day = month.and_then(|m| day.filter(|&d| valid_day(year, m, d)));
    Some(Date { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: Option<u8>, day: Option<u8>) -> Option<Date> {
        Some(Date { year, month, day })
    }

    #[test]
    fn export_dates() {
        assert_eq!(parse("2019//"), d(2019, None, None));
        assert_eq!(parse("2019/05/17/"), d(2019, Some(5), Some(17)));
        assert_eq!(parse("2022 Oct 7"), d(2022, Some(10), Some(7)));
        assert_eq!(parse("20221007"), d(2022, Some(10), Some(7)));
        assert_eq!(parse("1 Jan.-Feb. 2019"), d(2019, Some(1), None));
        assert_eq!(parse("2012 Oct-Dec"), d(2012, Some(10), None));
        assert_eq!(parse("JUL 15"), None);
        assert_eq!(parse("2018-05-17"), d(2018, Some(5), Some(17)));
        assert_eq!(parse("Spring 2001"), d(2001, None, None));
    }

    #[test]
    fn api_and_page_dates() {
        assert_eq!(parse("2017-09-12T10:00:00Z"), d(2017, Some(9), Some(12)));
        assert_eq!(parse("2017-09"), d(2017, Some(9), None));
        assert_eq!(parse("2022/3/31 0:00:00"), d(2022, Some(3), Some(31)));
        assert_eq!(parse("2024 Feb 29"), d(2024, Some(2), Some(29)));
        assert_eq!(parse("2023 08 07"), d(2023, Some(8), Some(7)));
        assert_eq!(parse("2022 Jun"), d(2022, Some(6), None));
        assert_eq!(parse("2023 Feb 30"), d(2023, Some(2), None));
        assert_eq!(parse("12 juin 2021"), d(2021, Some(6), Some(12)));
        assert_eq!(parse("n.d."), None);
        assert_eq!(parse("x"), None);
    }

    #[test]
    fn month_names() {
        for (t, m) in [("Jan", 1), ("february", 2), ("Sept.", 9), ("SEP", 9), ("Juni", 6), ("août", 8)] {
            assert_eq!(month_name(t), Some(m), "{t}");
        }
        for t in ["mayor", "market", "ma", "12", ""] {
            assert_eq!(month_name(t), None, "{t}");
        }
        assert_eq!(month_number("12"), Some(12));
        assert_eq!(month_number("13"), None);
    }
}
