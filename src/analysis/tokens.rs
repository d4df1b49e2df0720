//! Text helpers shared by text similarity ([`super::network`]) and cluster
//! naming ([`super::naming`]): tokenising, stop words, a light stemmer, the
//! text of a work, and a small seeded random number generator.
//!
//! Tokens are folded with [`crate::model::norm::fold`] (lowercase ASCII, accents
//! removed), split on anything that is not a letter or digit (hyphenated words
//! become two tokens), and stop words, one-letter tokens and pure numbers are
//! dropped. Phrases never cross a dropped token or punctuation, so n-grams are
//! built per [`phrases`] run.

use crate::model::{norm, Corpus};

/// English stop words plus words that carry no topic in bibliographic text
/// (section labels of structured abstracts, "study", "results" ...).
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "across",
    "after",
    "again",
    "against",
    "all",
    "almost",
    "along",
    "also",
    "although",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "due",
    "during",
    "each",
    "either",
    "et",
    "etc",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "neither",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "same",
    "she",
    "should",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "too",
    "two",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "use",
    "used",
    "using",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    // Bibliographic boilerplate: structured-abstract labels and generic words.
    "abstract",
    "aim",
    "aims",
    "background",
    "conclusion",
    "conclusions",
    "design",
    "discussion",
    "findings",
    "introduction",
    "method",
    "methods",
    "objective",
    "objectives",
    "purpose",
    "result",
    "results",
    "study",
    "studies",
    "paper",
    "article",
    "copyright",
    "elsevier",
    "ltd",
    "rights",
    "reserved",
    "wiley",
    "springer",
    "author",
    "authors",
    "published",
    "licence",
    "license",
    "present",
    "based",
    "new",
    "non",
    "three",
    "first",
    "second",
    "however",
];

/// [`STOP_WORDS`] as a set: every token of every title and abstract is
/// looked up, and a scan of the list cost a comparison per stop word.
static STOP_SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// True for stop words (input already folded to lowercase ASCII).
pub fn is_stop_word(token: &str) -> bool {
    STOP_SET.contains(token)
}

/// A light English stemmer (an "S-stemmer" plus common derivational endings),
/// enough to merge "needs"/"need", "studies"/"study", "interventions"/
/// "intervention", "clustering"/"cluster". Input is folded lowercase ASCII.
///
/// Deliberately conservative: words of four letters or fewer are left alone,
/// and a suffix is removed only when at least three letters remain.
pub fn stem(token: &str) -> String {
    let t = token;
    if t.len() <= 4 || !t.is_ascii() {
        return t.to_string();
    }
    let strip = |suffix: &str, repl: &str| -> Option<String> {
        let base = t.strip_suffix(suffix)?;
        (base.len() >= 3).then(|| format!("{base}{repl}"))
    };
    if let Some(s) = strip("ies", "y") {
        return s;
    }
    if t.ends_with("ss") || t.ends_with("us") || t.ends_with("is") {
        return t.to_string();
    }
    for (suffix, repl) in [("ings", ""), ("ing", ""), ("edly", ""), ("ed", ""), ("es", "e"), ("s", "")] {
        if suffix == "es" && !(t.ends_with("ches") || t.ends_with("shes") || t.ends_with("xes")) {
            continue;
        }
        if let Some(s) = strip(suffix, repl) {
            // "caring" -> "car" is worse than keeping "caring": require a
            // consonant-final base for -ing/-ed of at least four letters.
            if matches!(suffix, "ing" | "ings" | "ed" | "edly") && s.len() < 4 {
                return t.to_string();
            }
            return if suffix == "es" { s.trim_end_matches('e').to_string() } else { s };
        }
    }
    t.to_string()
}

/// Splits `text` into runs of content tokens (folded, stop words removed):
/// each run is a maximal sequence of tokens not separated by punctuation or a
/// stop word, so bigrams and trigrams are taken inside a run only.
///
/// Tokens are lowercase ASCII of at least two characters that contain a
/// letter; markup is stripped first.
pub fn phrases(text: &str) -> Vec<Vec<String>> {
    let mut runs = Vec::new();
    for_each_phrase(text, |run| runs.push(run.iter().map(|w| w.to_string()).collect()));
    runs
}

/// Calls `each` with every run of [`phrases`], in order, its tokens
/// borrowed from one folded copy of `text` (no string per token).
pub fn for_each_phrase(text: &str, mut each: impl FnMut(&[&str])) {
    let folded = phrase_text(text);
    let mut run: Vec<&str> = Vec::new();
    // Where the token being read starts.
    let mut start: Option<usize> = None;
    // A space after the end ends the last token without ending its run.
    for (i, b) in folded.bytes().enumerate().chain(std::iter::once((folded.len(), b' '))) {
        if b.is_ascii_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        // `i` follows an ASCII byte, so it is a character boundary.
        if let Some(from) = start.take() {
            let token = &folded[from..i];
            if token.len() < 2 || !token.bytes().any(|c| c.is_ascii_alphabetic()) || is_stop_word(token) {
                if !run.is_empty() {
                    each(&run);
                    run.clear();
                }
            } else {
                run.push(token);
            }
        }
        if b != b' ' && b != b'-' && !run.is_empty() {
            each(&run);
            run.clear();
        }
    }
    if !run.is_empty() {
        each(&run);
    }
}

/// The text [`for_each_phrase`] reads: [`norm::fold`] of `text` without
/// markup, and without apostrophes ("women's" reads "womens"). Plain ASCII
/// (no markup, no control character) is folded here in one copy: lower
/// case, each whitespace character a space (the tokens and runs are those
/// of the squashed text).
fn phrase_text(text: &str) -> String {
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let plain = text.bytes().all(|b| (matches!(b, 0x20..=0x7e) && b != b'<' && b != b'&') || space(b));
    if plain {
        let mut out = String::with_capacity(text.len());
        out.extend(text.bytes().filter(|&b| b != b'\'').map(|b| {
            if space(b) {
                ' '
            } else {
                char::from(b.to_ascii_lowercase())
            }
        }));
        return out;
    }
    let mut folded = norm::fold(&norm::strip_tags(text));
    folded.retain(|c| c != '\'');
    folded
}

/// Content tokens of `text`, stemmed, in order (see [`phrases`]).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_phrase(text, |run| out.extend(run.iter().map(|t| stem(t))));
    out
}

/// The text fields of work `w` used for similarity and naming: title,
/// abstract, subject headings and keywords, each as a separate string so
/// phrases never run across fields.
pub fn work_texts<'c>(corpus: &'c Corpus, w: usize, subjects_of: &[Vec<u32>]) -> Vec<&'c str> {
    let mut out = Vec::new();
    let Some(work) = corpus.works.get(w) else {
        return out;
    };
    if let Some(t) = &work.title {
        out.push(t.value.as_str());
    }
    if let Some(a) = &work.abstract_text {
        out.push(a.value.as_str());
    }
    if let Some(subs) = subjects_of.get(w) {
        for &s in subs {
            if let Some(sub) = corpus.subjects.get(s as usize) {
                out.push(sub.name.as_str());
            }
        }
    }
    for k in &work.keywords {
        out.push(k.value.as_str());
    }
    out
}

/// SplitMix64: a tiny seeded generator, so sampling is reproducible without
/// depending on a particular `rand` version's stream.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `[0, 1)` (the top 53 bits).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A number in `0..n` (`n > 0`; returns 0 for `n == 0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`phrases`] as first written: the text folded whole, a string per
    /// token.
    fn phrases_as_first_written(text: &str) -> Vec<Vec<String>> {
        let folded = norm::fold(&norm::strip_tags(text));
        let mut runs = Vec::new();
        let mut run: Vec<String> = Vec::new();
        let mut word = String::new();
        let flush_word = |word: &mut String, run: &mut Vec<String>, runs: &mut Vec<Vec<String>>| {
            if word.is_empty() {
                return;
            }
            let w = std::mem::take(word);
            let has_letter = w.chars().any(|c| c.is_ascii_alphabetic());
            if w.len() < 2 || !has_letter || is_stop_word(&w) {
                if !run.is_empty() {
                    runs.push(std::mem::take(run));
                }
            } else {
                run.push(w);
            }
        };
        for c in folded.chars() {
            if c.is_ascii_alphanumeric() {
                word.push(c);
            } else if c == '\'' {
                continue;
            } else {
                flush_word(&mut word, &mut run, &mut runs);
                if c != ' ' && c != '-' && !run.is_empty() {
                    runs.push(std::mem::take(&mut run));
                }
            }
        }
        flush_word(&mut word, &mut run, &mut runs);
        if !run.is_empty() {
            runs.push(run);
        }
        runs
    }

    #[test]
    fn phrases_are_those_of_the_text_folded_whole() {
        // Printable ASCII is its own transliteration, so plain text may be
        // folded here without `deunicode`.
        for b in 0x20u8..=0x7e {
            let c = char::from(b).to_string();
            assert_eq!(deunicode::deunicode(&c), c, "{b:#x}");
        }
        let mut texts: Vec<String> = vec![
            "Women's health: a  systematic review\tof\x0bself-care\r\n(2019) in the U.K.".into(),
            "<i>In vivo</i> effects of IL-6 &amp; TNF-α on Müller glia — a study".into(),
            "it's the 'end' of 2020s' data; x-ray, co-operation ... 3D printing".into(),
            "\x01control\x02 chars\x7f and NUL\0 here".into(),
            String::new(),
        ];
        let medline = include_str!("../../tests/fixtures/exports-wild/medline-metaknowledge.nbib");
        texts.extend(medline.split("\n\n").map(str::to_string));
        // Random texts over an alphabet of the characters that matter.
        let alphabet: Vec<char> =
            "ab Zq09'-.,;<>&#\t\n\r\x0b\x0céß—“”αΩ\u{a0}\u{3000}\x01\x7f!?()".chars().collect();
        let mut rng = SplitMix64::new(3);
        for _ in 0..3000 {
            let len = rng.below(40);
            texts.push((0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect());
        }
        for t in &texts {
            assert_eq!(phrases(t), phrases_as_first_written(t), "{t:?}");
        }
    }

    #[test]
    fn stems_merge_plurals() {
        assert_eq!(stem("needs"), "need");
        assert_eq!(stem("studies"), "study");
        assert_eq!(stem("interventions"), "intervention");
        assert_eq!(stem("crisis"), "crisis");
        assert_eq!(stem("services"), "service");
        assert_eq!(stem("approaches"), "approach");
        assert_eq!(stem("clustering"), "cluster");
        assert_eq!(stem("care"), "care");
    }

    #[test]
    fn phrases_break_at_stop_words_and_punctuation() {
        let p = phrases("Women's experiences of complex emotional needs: a review");
        assert_eq!(
            p,
            vec![vec!["womens", "experiences"], vec!["complex", "emotional", "needs"], vec!["review"]]
        );
        assert_eq!(tokens("Peer-support 2020 <i>services</i>"), vec!["peer", "support", "service"]);
    }
}
