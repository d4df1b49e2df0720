//! Languages as records name them: one table of names and codes, and one rule
//! ([`language`]) every reader applies to a language field.

use crate::model::norm::fold;

/// ISO 639-1 code for a language name or code as exports and listings write
/// it ("English", "Spanish", "Português", "Deutsch", "eng", "ger", "en-GB");
/// `None` when unknown.
pub fn language_code(name: &str) -> Option<&'static str> {
    let n = fold(name);
    let code = match n.trim() {
        "english" | "en" | "eng" | "en-us" | "en-gb" | "ingles" | "anglais" | "englisch" => "en",
        "spanish" | "es" | "spa" | "espanol" | "castellano" => "es",
        "portuguese" | "pt" | "por" | "portugues" => "pt",
        "french" | "fr" | "fre" | "fra" | "francais" | "frances" => "fr",
        "german" | "de" | "ger" | "deu" | "deutsch" | "aleman" => "de",
        "italian" | "it" | "ita" | "italiano" => "it",
        "dutch" | "nl" | "dut" | "nld" => "nl",
        "chinese" | "zh" | "chi" | "zho" => "zh",
        "japanese" | "ja" | "jpn" => "ja",
        "korean" | "ko" | "kor" => "ko",
        "russian" | "ru" | "rus" => "ru",
        "polish" | "pl" | "pol" => "pl",
        "turkish" | "tr" | "tur" => "tr",
        "swedish" | "sv" | "swe" => "sv",
        "norwegian" | "no" | "nor" => "no",
        "danish" | "da" | "dan" => "da",
        "finnish" | "fi" | "fin" => "fi",
        "arabic" | "ar" | "ara" => "ar",
        "persian" | "fa" | "per" | "fas" => "fa",
        "hebrew" | "he" | "heb" => "he",
        "greek" | "el" | "gre" | "ell" => "el",
        "czech" | "cs" | "cze" | "ces" => "cs",
        "hungarian" | "hu" | "hun" => "hu",
        _ => return None,
    };
    Some(code)
}

/// The language of a record from its language field: the first language of
/// a list ("English; French"), as its ISO 639-1 code when [`language_code`]
/// knows it, else as written; `None` when the field is empty or `NA`.
pub fn language(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("NA") {
        return None;
    }
    let first = t.split([';', ',']).next().unwrap_or(t).trim();
    Some(language_code(first).map_or_else(|| first.to_string(), str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_every_reader() {
        for (raw, code) in
            [("English", "en"), ("eng", "en"), ("en-GB", "en"), ("Danish", "da"), ("Português", "pt")]
        {
            assert_eq!(language(raw).as_deref(), Some(code), "{raw}");
        }
        assert_eq!(language("English; French").as_deref(), Some("en"));
        assert_eq!(language("Klingon").as_deref(), Some("Klingon"));
        assert_eq!(language(" NA "), None);
        assert_eq!(language(""), None);
    }
}
