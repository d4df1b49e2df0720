//! Normalisers shared by readers and resolution: DOIs, whitespace, accent
//! folding, personal names, title keys.
//!
//! These functions decide what counts as "the same" string everywhere in
//! citemap, so every comparison goes through them (never an ad-hoc lowercase).

use super::Author;
use deunicode::deunicode;
use std::borrow::Cow;

/// Collapses every run of Unicode whitespace to one space and trims.
pub fn squash_ws(s: &str) -> String {
    // Most text is squashed already: ASCII without a leading, trailing or
    // doubled space and without other whitespace is its own result (taken
    // whole, without the word by word copy below).
    if is_squashed(s.as_bytes()) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Like [`squash_ws`] (trim, runs of whitespace to one space) but borrows
/// when `s` is already clean, which is the common case in the hot loops of
/// the readers.
pub fn squash_cow(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    // Nearly always: ASCII with single spaces between words, seen in one pass.
    if is_squashed(t.as_bytes()) {
        return Cow::Borrowed(t);
    }
    // ASCII that is not squashed has a doubled space or other whitespace;
    // only text with other bytes needs the char scan.
    let clean = !t.is_ascii() && !t.chars().any(|c| c.is_whitespace() && c != ' ') && !t.contains("  ");
    if clean {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(squash_ws(t))
    }
}

/// `s` after its last `/` (all of `s` when it has none): the id at the end
/// of an OpenAlex or ORCID address. A byte loop: the last `/` of an id is a
/// dozen bytes from its end, closer than a searcher's setup.
pub fn after_last_slash(s: &str) -> &str {
    s.as_bytes().iter().rposition(|&b| b == b'/').map_or(s, |i| &s[i + 1..])
}

/// True when `b` is ASCII whose only whitespace is single spaces between
/// words (what [`squash_ws`] makes of it is itself). Whitespace as
/// `str::split_whitespace` takes it, in ASCII: tab, line feed, vertical tab,
/// form feed, carriage return and space.
fn is_squashed(b: &[u8]) -> bool {
    let mut after_space = true; // a leading space is not squashed
    for &c in b {
        match c {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            0x09..=0x0d | 0x80.. => return false,
            _ => after_space = false,
        }
    }
    !after_space || b.is_empty()
}

/// Folds to lowercase ASCII (accents removed, curly quotes straightened) and
/// squashes whitespace: `"N. O’Léary"` -> `"n. o'leary"`.
pub fn fold(s: &str) -> String {
    squash_ws(&deunicode(s).to_lowercase())
}

/// Lowercase ASCII letters and digits only: the key used to compare titles and
/// abstracts whatever their punctuation, hyphenation or spacing
/// (`"Parent-\ninfant  Focus groupmethodology"` -> `"parentinfantfocusgroupmethodology"`).
pub fn alnum_key(s: &str) -> String {
    if s.is_ascii() {
        // What `deunicode` gives ASCII is the text itself: taken byte by byte.
        let mut out = String::with_capacity(s.len());
        out.extend(s.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_lowercase())));
        return out;
    }
    alnum_key_of_any(s)
}

/// [`alnum_key`] of any text, through `deunicode`.
fn alnum_key_of_any(s: &str) -> String {
    deunicode(s).chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Title key: [`alnum_key`] of the title with a trailing period and HTML
/// markup removed. Two titles with the same key are the same title.
pub fn title_key(title: &str) -> String {
    if !has_markup(title) {
        return alnum_key(title);
    }
    alnum_key(&strip_tags(title))
}

/// True when `s` holds a `<` or `&`, without which [`strip_tags`] leaves
/// text as it is.
fn has_markup(s: &str) -> bool {
    memchr::memchr2(b'<', b'&', s.as_bytes()).is_some()
}

/// Title key for deduplication: [`title_key`] with `&` read as "and", so
/// "Sleep & mood" and "Sleep and mood" give one key.
pub fn title_match_key(title: &str) -> String {
    alnum_key(&strip_tags(title).replace('&', " and "))
}

/// Removes HTML/XML tags (`<p>`, `<i>`, `<span class="nocase">`) and decodes the
/// common entities, leaving plain text.
pub fn strip_tags(s: &str) -> String {
    if !has_markup(s) {
        return s.to_string();
    }
    strip_markup(s)
}

/// [`strip_tags`] of any text, character by character.
fn strip_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
}

/// Decodes `&amp; &lt; &gt; &quot; &apos; &#39; &nbsp;` and numeric entities.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        // Look for the closing ';' within 12 bytes, cut at a char boundary.
        let window = (0..=tail.len().min(12)).rev().find(|&i| tail.is_char_boundary(i)).unwrap_or(0);
        let end = tail[..window].find(';');
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16).ok().and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            ch.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Normalises a DOI from any common spelling; `None` when `raw` holds no DOI.
///
/// Accepts `https://doi.org/10.x/y`, `http://dx.doi.org/...`, `doi:10.x/y`,
/// `DOI 10.X/Y`, surrounding brackets and trailing punctuation. The result is
/// lower-cased (DOIs are case-insensitive) and percent-decoding is not applied.
pub fn normalize_doi(raw: &str) -> Option<String> {
    let s = raw.trim();
    let start = s.find("10.")?;
    let cand = &s[start..];
    let end =
        cand.find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>').unwrap_or(cand.len());
    let mut doi = cand[..end].to_string();
    while doi.ends_with(['.', ',', ';', ')', ']', '}']) {
        // A closing bracket is part of the DOI when it has an opening partner.
        let last = doi.chars().last().unwrap_or('.');
        let open = match last {
            ')' => Some('('),
            ']' => Some('['),
            _ => None,
        };
        if let Some(o) = open {
            if doi.matches(o).count() >= doi.matches(last).count() {
                break;
            }
        }
        doi.pop();
    }
    is_valid_doi(&doi).then(|| doi.to_lowercase())
}

/// True when `doi` (bare, `10.` first) is a syntactically valid DOI: a
/// registrant prefix `10.NNNN` (up to 9 digits; registered ones have 4 or more, optional `.sub` parts), a
/// slash, and a non-empty suffix of printable characters without spaces and
/// with balanced brackets. Every character the DOI handbook allows in a
/// suffix is kept, including SICI brackets and semicolons
/// (`10.2193/0022-541X(2004)068[0457:ADOSAH]2.0.CO;2`).
pub fn is_valid_doi(doi: &str) -> bool {
    let Some((prefix, suffix)) = doi.split_once('/') else { return false };
    let Some(reg) = prefix.strip_prefix("10.") else { return false };
    let head = reg.split('.').next().unwrap_or("");
    let prefix_ok = (1..=9).contains(&head.len())
        && reg.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let balanced = |o: char, c: char| {
        let mut depth = 0i32;
        for ch in suffix.chars() {
            if ch == o {
                depth += 1;
            } else if ch == c {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
        }
        depth == 0
    };
    prefix_ok
        && !suffix.is_empty()
        && !suffix.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
        && balanced('(', ')')
        && balanced('[', ']')
}

/// Normalises an ORCID from a URL or bare form to `0000-0002-1825-0097`;
/// `None` when it does not hold 16 ORCID characters.
pub fn normalize_orcid(raw: &str) -> Option<String> {
    let tail = after_last_slash(raw.trim());
    // The 16 digits (and check character) kept, in a fixed array: no
    // allocation but the result's.
    let mut d = [0u8; 16];
    let mut n = 0;
    for b in tail.bytes().filter(|b| b.is_ascii_digit() || *b == b'X' || *b == b'x') {
        if n == d.len() {
            return None;
        }
        d[n] = b.to_ascii_uppercase();
        n += 1;
    }
    if n != d.len() {
        return None;
    }
    let mut s = String::with_capacity(19);
    for (i, part) in d.chunks(4).enumerate() {
        if i > 0 {
            s.push('-');
        }
        s.extend(part.iter().map(|&b| char::from(b)));
    }
    Some(s)
}

const PARTICLES: [&str; 14] =
    ["van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "ten"];

fn is_initials_token(t: &str) -> bool {
    // "N", "N.", "NO", "N.O.", "J-P", "Ch." (short abbreviations)
    let (mut letters, mut all_upper) = (0usize, true);
    for c in t.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        all_upper &= c.is_uppercase();
    }
    if letters == 0 {
        return false;
    }
    let dotted = t.contains('.');
    (all_upper && letters <= 3) || (dotted && letters <= 2)
}

/// Parses a personal name written in any common order into an [`Author`].
///
/// Handles "Family, Given", "Given Family", "Family INITIALS" (MEDLINE/WoS
/// "Johnson S", "OLeary N"), "I. Family", particles ("van der Berg"), and
/// strips affiliation markers glued to names ("Smith J1,2", "Smith J*").
pub fn parse_person(raw: &str) -> Author {
    let trimmed =
        raw.trim().trim_end_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '*' || c == '†');
    // Copied only when a quote is straightened or spaces squashed.
    let cleaned: Cow<'_, str> = if trimmed.contains(['’', '‘', '`']) {
        trimmed.replace(['’', '‘', '`'], "'").into()
    } else {
        trimmed.into()
    };
    let name = squash_cow(&cleaned);
    let mut a = Author { raw: squash_ws(raw), ..Author::default() };
    if let Some((fam, giv)) = name.split_once(',') {
        a.family = fam.trim().to_string();
        a.given = giv.trim().to_string();
        return a;
    }
    let tokens: Vec<&str> = name.split(' ').filter(|t| !t.is_empty()).collect();
    match tokens.len() {
        0 => {}
        1 => a.family = tokens[0].to_string(),
        _ => {
            let last = tokens[tokens.len() - 1];
            let first = tokens[0];
            if is_initials_token(last) && !is_initials_token(first) {
                // "Johnson S", "O'Leary NM": family first, initials last.
                let split = tokens.iter().rposition(|t| !is_initials_token(t)).unwrap_or(0);
                a.family = tokens[..=split].join(" ");
                a.given = tokens[split + 1..].join(" ");
            } else {
                // "Given [Middle] [particles] Family".
                let mut fam_start = tokens.len() - 1;
                // The particles are ASCII, and no other character lowercases
                // to one of their letters: comparing ASCII case-blind is
                // comparing lowercased.
                while fam_start > 1 && PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(tokens[fam_start - 1]))
                {
                    fam_start -= 1;
                }
                a.family = tokens[fam_start..].join(" ");
                a.given = tokens[..fam_start].join(" ");
            }
        }
    }
    a
}

/// Initials of a given-name string: `"Niamh M."` -> `"nm"`, `"N.-M."` -> `"nm"`,
/// `"NM"` (MEDLINE style) -> `"nm"`.
pub fn initials(given: &str) -> String {
    let mut out = String::new();
    for tok in deunicode(given).split(|c: char| c.is_whitespace() || c == '.' || c == '-') {
        if tok.is_empty() {
            continue;
        }
        let letters: Vec<char> = tok.chars().filter(|c| c.is_ascii_alphabetic()).collect();
        if letters.is_empty() {
            continue;
        }
        if letters.len() <= 3 && letters.iter().all(|c| c.is_ascii_uppercase()) {
            out.extend(letters.iter().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push(letters[0].to_ascii_lowercase());
        }
    }
    out
}

/// Family-name key: folded, letters only (`"O’Leary"` -> `"oleary"`,
/// `"Müller-Lüdenscheidt"` -> `"mullerludenscheidt"`).
pub fn family_key(family: &str) -> String {
    alnum_key(family)
}

/// True when the given name is only initials (no full given name to compare).
pub fn given_is_initials(given: &str) -> bool {
    let toks: Vec<&str> =
        given.split(|c: char| c.is_whitespace() || c == '-').filter(|t| !t.is_empty()).collect();
    !toks.is_empty() && toks.iter().all(|t| is_initials_token(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_plain_text_are_those_of_the_general_path() {
        for s in [
            "",
            "Parent-\ninfant  Focus groupmethodology",
            "O'Leary > 2 & co",
            "a <i>b</i> c",
            "Ölçüm ve değerlendirme",
            "x &amp; y",
            "1 > 0, ~`!@#$%^*()_+-={}[]|\\:;\"',./?",
            "\u{7f}\u{1}tab\there",
        ] {
            assert_eq!(alnum_key(s), alnum_key_of_any(s), "{s:?}");
            assert_eq!(strip_tags(s), strip_markup(s), "{s:?}");
            assert_eq!(title_key(s), alnum_key_of_any(&strip_markup(s)), "{s:?}");
        }
    }

    #[test]
    fn squash_ws_is_the_word_by_word_join() {
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let pieces = [
            "", " ", "a", "b c", "  ", "\t", "\n", "\u{b}", "\u{c}", "\r", "\u{a0}", "\u{3000}", "é",
            "\u{1c}", ".", "x",
        ];
        // Every string of up to three pieces, so that each kind of space
        // leads, trails, doubles and sits between words.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(squash_ws(&s), words(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn doi_spellings() {
        assert_eq!(
            normalize_doi("https://doi.org/10.1017/IPM.2022.11").as_deref(),
            Some("10.1017/ipm.2022.11")
        );
        assert_eq!(
            normalize_doi("doi:10.1186/s12916-024-03260-y.").as_deref(),
            Some("10.1186/s12916-024-03260-y")
        );
        assert!(normalize_doi("DOI 10.1002/(SICI)1097-0355(199821)19:2<1::AID>3.0.CO;2-X").is_some());
        assert_eq!(normalize_doi("10.1016/j.x(20)30001-1)").as_deref(), Some("10.1016/j.x(20)30001-1"));
        assert_eq!(normalize_doi("no doi here"), None);
        assert_eq!(normalize_doi("10.abc/x"), None);
    }

    #[test]
    fn person_orders() {
        for raw in ["N O'Leary", "O'Leary, N.", "N. O’Leary", "O'Leary N"] {
            let a = parse_person(raw);
            assert_eq!(family_key(&a.family), "oleary", "{raw}");
            assert_eq!(initials(&a.given), "n", "{raw}");
        }
        let a = parse_person("Sonia Johnson");
        assert_eq!((a.family.as_str(), a.given.as_str()), ("Johnson", "Sonia"));
        let a = parse_person("Johnson S");
        assert_eq!((a.family.as_str(), a.given.as_str()), ("Johnson", "S"));
        let a = parse_person("Ludwig van Beethoven");
        assert_eq!(a.family, "van Beethoven");
        let a = parse_person("Smith J1,2");
        assert_eq!((a.family.as_str(), a.given.as_str()), ("Smith", "J"));
    }

    #[test]
    fn keys() {
        assert_eq!(
            alnum_key("Parent-\ninfant  focus groupmethodology."),
            "parentinfantfocusgroupmethodology"
        );
        assert_eq!(strip_tags("<p><strong>A &amp; B</strong></p>"), "A & B");
        assert_eq!(initials("N.-M."), "nm");
        assert_eq!(initials("NM"), "nm");
        assert_eq!(
            normalize_orcid("https://orcid.org/0000-0002-1825-009x").as_deref(),
            Some("0000-0002-1825-009X")
        );
    }

    /// ORCIDs and names come out as the plain versions of these functions
    /// (characters collected into vectors, lowercased copies) give them;
    /// the functions now avoid those copies.
    #[test]
    fn orcids_and_names_as_the_plain_versions_give_them() {
        fn plain_orcid(raw: &str) -> Option<String> {
            let tail = raw.trim().rsplit('/').next().unwrap_or("");
            let chars: Vec<char> =
                tail.chars().filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x').collect();
            if chars.len() != 16 {
                return None;
            }
            let s: String = chars.iter().map(|c| c.to_ascii_uppercase()).collect();
            Some(format!("{}-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12], &s[12..16]))
        }
        fn plain_initials_token(t: &str) -> bool {
            let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.is_empty() {
                return false;
            }
            let all_upper = letters.iter().all(|c| c.is_uppercase());
            (all_upper && letters.len() <= 3) || (t.contains('.') && letters.len() <= 2)
        }
        fn plain_person(raw: &str) -> (String, String, String) {
            let cleaned: String = raw
                .trim()
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '*' || c == '†')
                .replace(['’', '‘', '`'], "'");
            let name = squash_ws(&cleaned);
            let raw = squash_ws(raw);
            if let Some((fam, giv)) = name.split_once(',') {
                return (raw, fam.trim().to_string(), giv.trim().to_string());
            }
            let tokens: Vec<&str> = name.split(' ').filter(|t| !t.is_empty()).collect();
            let (mut family, mut given) = (String::new(), String::new());
            match tokens.len() {
                0 => {}
                1 => family = tokens[0].to_string(),
                _ => {
                    let (last, first) = (tokens[tokens.len() - 1], tokens[0]);
                    if plain_initials_token(last) && !plain_initials_token(first) {
                        let split = tokens.iter().rposition(|t| !plain_initials_token(t)).unwrap_or(0);
                        family = tokens[..=split].join(" ");
                        given = tokens[split + 1..].join(" ");
                    } else {
                        let mut fam_start = tokens.len() - 1;
                        while fam_start > 1
                            && PARTICLES.contains(&tokens[fam_start - 1].to_lowercase().as_str())
                        {
                            fam_start -= 1;
                        }
                        family = tokens[fam_start..].join(" ");
                        given = tokens[..fam_start].join(" ");
                    }
                }
            }
            (raw, family, given)
        }
        for o in [
            "https://orcid.org/0000-0002-1825-009x",
            " 0000-0002-1825-0097 ",
            "0000000218250097",
            "https://orcid.org/0000-0002-1825-00977",
            "https://orcid.org/0000-0002-1825",
            "orcid.org/0000-0002-1825-0097/",
            "",
            "x/xxxx-xxxx-xxxx-xxxx",
            "０000-0002-1825-0097",
        ] {
            assert_eq!(normalize_orcid(o), plain_orcid(o), "{o:?}");
        }
        for name in [
            "Ludwig van Beethoven",
            "Ludwig VAN Beethoven",
            "Jean  de la Fontaine",
            "Anna Della Rovere",
            "Johan \u{212A}an Dijk",
            "Johan Van Der Berg",
            "O’Brien, Pat",
            "Pat `O` Brien",
            "Johnson S",
            "O'Leary NM",
            "N. O’Leary",
            "Smith J1,2",
            "Smith J*",
            "  Tab\tName  ",
            "İvan İvanov",
            "Ch. Dupont",
            "J.-P. Sartre",
            "X",
            "",
            " ,",
            "Émile  Zola",
            "de Gaulle",
        ] {
            let a = parse_person(name);
            assert_eq!((a.raw, a.family, a.given), plain_person(name), "{name:?}");
        }
    }
}
