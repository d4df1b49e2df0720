//! Step 2: every citation -> a target work.
//!
//! A citation matches a grouped record (a paper) by identifier, else by first
//! author + year + similar title, else by first author + year + volume + first
//! page, else (author-year callouts, which carry nothing more) by first author +
//! year + compatible author form when exactly one paper fits. The remaining
//! citations are grouped into cited works: shared identifiers, then inside a
//! block of the same first author (or organisation), year (or "n.d.") and year
//! suffix, citations that are compatible with every member of a group join it.
//! A citation that fits several papers or groups is reported and kept apart.

use super::similarity::similar;
use super::works::Groups;
use super::Options;
use crate::model::{norm, Citation, Diagnostic, Identifier, Record};
use petgraph::unionfind::UnionFind;
use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use smallvec::SmallVec;
use std::collections::BTreeMap;
use std::hash::BuildHasher;

/// Identifier -> record or group indexes.
type IdIndex<'a> = HashMap<&'a Identifier, Vec<usize>>;

/// Strong identifier -> work groups, keyed by [`id_key`]: the keys are
/// boxed together while the index is built, not scattered over the records,
/// and one or two groups sit in the entry itself, so a lookup (one per
/// identifier of every citation) touches little memory.
type GroupIndex = HashMap<Box<str>, SmallVec<[usize; 2]>>;

/// `id` as `scheme:value` in `buf` (schemes hold no colon).
fn id_key<'b>(id: &Identifier, buf: &'b mut String) -> &'b str {
    buf.clear();
    buf.push_str(id.scheme());
    buf.push(':');
    buf.push_str(id.value());
    buf
}

/// Where a citation points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Target {
    /// A grouped record (work group index).
    Paper(usize),
    /// A cited-only work (index into `Cited::groups`).
    Cited(usize),
}

/// Citation targets and the cited-only works.
pub(crate) struct Cited {
    /// Per record, per citation: the target.
    pub targets: Vec<Vec<Target>>,
    /// Cited-only works: their member citations as (record, citation) pairs,
    /// sorted; groups ordered by their first member.
    pub groups: Vec<Vec<(usize, usize)>>,
}

/// How much a citation's author list says about the cited work's authors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Count {
    Exactly(usize),
    AtLeast(usize),
}

/// An author-year callout carries only authors and a year; its author list is
/// complete unless it says "et al." (three or more authors in APA and Harvard).
/// A reference-list entry may list only its first author (WoS), so one author
/// or "et al." there says "at least".
fn author_count(c: &Citation) -> Count {
    let callout = c.detail().title.is_none()
        && c.detail().venue.is_none()
        && c.ids.is_empty()
        && c.detail().volume.is_none();
    match (callout, c.et_al) {
        (true, true) => Count::AtLeast(c.authors.len().max(3)),
        (true, false) => Count::Exactly(c.authors.len()),
        (false, true) => Count::AtLeast(c.authors.len()),
        (false, false) if c.authors.len() >= 2 => Count::Exactly(c.authors.len()),
        (false, false) => Count::AtLeast(c.authors.len()),
    }
}

fn counts_compatible(a: Count, b: Count) -> bool {
    match (a, b) {
        (Count::Exactly(x), Count::Exactly(y)) => x == y,
        (Count::Exactly(x), Count::AtLeast(y)) | (Count::AtLeast(y), Count::Exactly(x)) => x >= y,
        (Count::AtLeast(_), Count::AtLeast(_)) => true,
    }
}

fn author_key(a: &crate::model::Author) -> String {
    norm::family_key(&a.family)
}

/// The block key of a citation: first author (or organisation), year or note, suffix.
fn block_key(c: &Citation) -> Option<String> {
    let first = c.authors.first().map(author_key).filter(|k| !k.is_empty())?;
    let year = match (c.year, &c.detail().year_note) {
        (Some(y), _) => y.to_string(),
        (None, Some(n)) => norm::alnum_key(n),
        (None, None) => "?".into(),
    };
    Some(format!("{first}|{year}|{}", c.detail().year_suffix.to_lowercase()))
}

/// True when two titles can be one work's: similar keys, or one key holding
/// the other (a reference parsed with its authors glued to the title).
fn titles_agree(a: &str, b: &str) -> bool {
    title_keys_agree(&norm::title_key(a), &norm::title_key(b))
}

/// [`titles_agree`] on the titles' keys ([`norm::title_key`]).
fn title_keys_agree(ka: &str, kb: &str) -> bool {
    if similar(ka, kb, 300, 0.85) {
        return true;
    }
    let (short, long) = if ka.len() <= kb.len() { (ka, kb) } else { (kb, ka) };
    short.len() >= 25 && long.contains(short)
}

/// True when two citations that share an identifier still describe
/// different works: different titles and different first authors (a
/// source that put one paper's DOI on another reference).
fn id_contradicted(a: &Citation, b: &Citation) -> bool {
    let titles_differ =
        matches!((&a.detail().title, &b.detail().title), (Some(x), Some(y)) if !titles_agree(x, y));
    let authors_differ = match (a.authors.first(), b.authors.first()) {
        (Some(x), Some(y)) => author_key(x) != author_key(y),
        _ => false,
    };
    titles_differ && authors_differ
}

/// True when titles (when both give one), volume, issue and first page
/// (when both give them) leave room for one work.
fn locators_agree(a: &Citation, b: &Citation) -> bool {
    if let (Some(ta), Some(tb)) = (&a.detail().title, &b.detail().title) {
        if !titles_agree(ta, tb) {
            return false;
        }
    }
    let differs = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => norm::alnum_key(x) != norm::alnum_key(y),
        _ => false,
    };
    !(differs(&a.detail().volume, &b.detail().volume)
        || differs(&a.detail().first_page, &b.detail().first_page)
        || differs(&a.detail().issue, &b.detail().issue))
}

/// True when the bibliographic fields of `a` and `b` (title, volume, issue,
/// first page, identifiers, venue) leave room for one work; authors and
/// year are not looked at.
fn fields_agree(a: &Citation, b: &Citation, with_venue: bool) -> bool {
    if !locators_agree(a, b) {
        return false;
    }
    let same_scheme_conflict = a.ids.iter().any(|x| {
        !matches!(x, Identifier::Isbn(_)) && b.ids.iter().any(|y| x.scheme() == y.scheme() && x != y)
    }) && !a.ids.iter().any(|x| b.ids.contains(x));
    if same_scheme_conflict {
        return false;
    }
    match (&a.detail().venue, &b.detail().venue) {
        (Some(va), Some(vb)) if with_venue => venues_agree(va, vb),
        _ => true,
    }
}

/// What [`compatible`] compares of a citation, made once per citation of a
/// block rather than once per pair (a block of a much cited work's
/// citations compares every pair): the keys of the title, volume, first
/// page and issue, the venue's words, the authors' keys and first initials.
/// The reference text's key, needed only when a year is missing, is made
/// when first asked for.
struct Keys<'c> {
    title: Option<String>,
    volume: Option<String>,
    first_page: Option<String>,
    issue: Option<String>,
    venue: Option<VenueWords<'c>>,
    count: Count,
    authors: Vec<(String, Initial)>,
    raw: std::cell::OnceCell<String>,
}

/// What [`initials_agree`] looks at of an author.
#[derive(Clone, Copy, PartialEq)]
struct Initial {
    is_org: bool,
    no_given: bool,
    first: Option<char>,
}

impl Initial {
    fn of(a: &crate::model::Author) -> Initial {
        Initial { is_org: a.is_org, no_given: a.given.is_empty(), first: first_initial(&a.given) }
    }
}

impl<'c> Keys<'c> {
    fn of(c: &'c Citation) -> Keys<'c> {
        let d = c.detail();
        Keys {
            title: d.title.as_deref().map(norm::title_key),
            volume: d.volume.as_deref().map(norm::alnum_key),
            first_page: d.first_page.as_deref().map(norm::alnum_key),
            issue: d.issue.as_deref().map(norm::alnum_key),
            venue: d.venue.as_deref().map(VenueWords::of),
            count: author_count(c),
            authors: c.authors.iter().map(|a| (author_key(a), Initial::of(a))).collect(),
            raw: std::cell::OnceCell::new(),
        }
    }
}

/// True when nothing known about `a` and `b` (with their [`Keys`]) says
/// they are different works.
fn compatible(a: &Citation, ka: &Keys<'_>, b: &Citation, kb: &Keys<'_>) -> bool {
    if let (Some(ta), Some(tb)) = (&ka.title, &kb.title) {
        if !title_keys_agree(ta, tb) {
            return false;
        }
    }
    let differs = |x: &Option<String>, y: &Option<String>| matches!((x, y), (Some(x), Some(y)) if x != y);
    if differs(&ka.volume, &kb.volume)
        || differs(&ka.first_page, &kb.first_page)
        || differs(&ka.issue, &kb.issue)
    {
        return false;
    }
    if ids_conflict(a, b) {
        return false;
    }
    if let (Some(va), Some(vb)) = (&ka.venue, &kb.venue) {
        if !va.agree(vb) {
            return false;
        }
    }
    if !counts_compatible(ka.count, kb.count) {
        return false;
    }
    if !ka.authors.iter().zip(&kb.authors).all(|((x, ix), (y, iy))| x == y && initials_agree(*ix, *iy)) {
        return false;
    }
    // Without a year ("n.d.", or none given) author and year say nothing:
    // something positive (a title, a venue, or the same text) must agree.
    if a.year.is_none() || b.year.is_none() {
        let agree = matches!((&a.detail().title, &b.detail().title), (Some(_), Some(_)))
            || matches!((&a.detail().venue, &b.detail().venue), (Some(_), Some(_)))
            || ka.raw.get_or_init(|| raw_key(a)) == kb.raw.get_or_init(|| raw_key(b));
        if !agree {
            return false;
        }
    }
    true
}

/// True when both citations carry identifiers, share none (shared ones were
/// joined already) and two of them are of one scheme: different works.
fn ids_conflict(a: &Citation, b: &Citation) -> bool {
    !a.ids.is_empty()
        && !b.ids.is_empty()
        && a.ids.iter().any(|x| b.ids.iter().any(|y| x.scheme() == y.scheme() && x != y))
}

/// The reference text without identifiers and punctuation, for comparing
/// two bare references.
fn raw_key(c: &Citation) -> String {
    norm::alnum_key(&c.raw)
}

/// First initials agree when both names give one (`Smith J` vs `Smith K`
/// are two people).
fn initials_agree(a: Initial, b: Initial) -> bool {
    if a.is_org || b.is_org {
        return a.is_org == b.is_org || a.no_given || b.no_given;
    }
    match (a.first, b.first) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// The first ASCII letter of a given name, folded.
fn first_initial(given: &str) -> Option<char> {
    norm::fold(given).chars().find(|c| c.is_ascii_alphabetic())
}

/// True when two venue strings can name the same source: equal, or every
/// significant word of the shorter one starts a distinct word of the longer
/// one, in any order (`J INFANT MENT HEALTH` ~ `Infant Mental Health
/// Journal`; `EUR NETW CANC REG` vs `INT ASS CANC REG` disagree).
pub(crate) fn venues_agree(a: &str, b: &str) -> bool {
    VenueWords::of(a).agree(&VenueWords::of(b))
}

/// A venue with its significant words, as [`venues_agree`] compares them.
struct VenueWords<'v> {
    text: &'v str,
    words: Vec<String>,
}

impl<'v> VenueWords<'v> {
    fn of(text: &'v str) -> VenueWords<'v> {
        const SMALL: [&str; 12] =
            ["of", "and", "the", "for", "in", "on", "a", "an", "de", "la", "und", "der"];
        let words = norm::fold(text)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty() && !SMALL.contains(w))
            .map(str::to_string)
            .collect();
        VenueWords { text, words }
    }

    /// [`venues_agree`] of the two venues.
    fn agree(&self, other: &VenueWords<'_>) -> bool {
        venue_words_agree(self.text, &self.words, other.text, &other.words)
    }
}

fn venue_words_agree(a: &str, wa: &[String], b: &str, wb: &[String]) -> bool {
    // Word matching is quadratic in the words: beyond a venue's length only
    // the same letters count.
    if wa.is_empty() || wb.is_empty() || wa.len() > 40 || wb.len() > 40 {
        return norm::alnum_key(a) == norm::alnum_key(b);
    }
    let (short, long) = if wa.len() <= wb.len() { (wa, wb) } else { (wb, wa) };
    let mut used = vec![false; long.len()];
    let mut matched = 0usize;
    for w in short {
        let numeric = w.bytes().all(|b| b.is_ascii_digit());
        let hit =
            long.iter().enumerate().position(|(i, l)| !used[i] && l.starts_with(w.as_str())).or_else(|| {
                // `natl` of `national`, `intl` of `international`: same first
                // letter, the letters in order.
                (!numeric && w.len() >= 3)
                    .then(|| long.iter().enumerate().position(|(i, l)| !used[i] && abbreviates(w, l)))
                    .flatten()
            });
        match hit {
            Some(i) => {
                used[i] = true;
                matched += 1;
            }
            // Numbers (report, meeting, volume numbers) must all be there.
            None if numeric => return false,
            None => {}
        }
    }
    // Every word of a short venue, four in five of a long one (`USA` of
    // `United States of America` is no prefix); a much longer venue that
    // only shares a few words is another source.
    let enough = if short.len() < 4 { matched == short.len() } else { matched * 5 >= short.len() * 4 };
    enough && long.len() <= short.len() * 2 + 1
}

/// True when `w` is `l` with letters left out: same first letter, the rest
/// of `w` in order inside `l`.
fn abbreviates(w: &str, l: &str) -> bool {
    let mut lc = l.chars();
    let mut wc = w.chars();
    if wc.next() != lc.next() {
        return false;
    }
    wc.all(|c| lc.any(|x| x == c))
}

/// True when `abbrev` is `full` or an abbreviation of it word by word
/// ("ANN CLIN MATER" of "Annals of Clinical Materials"), ignoring small words.
pub(crate) fn venue_abbreviates(abbrev: &str, full: &str) -> bool {
    const SMALL: [&str; 8] = ["of", "and", "the", "for", "in", "on", "a", "an"];
    let words = |s: &str| -> Vec<String> {
        norm::fold(s)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty() && !SMALL.contains(w))
            .map(str::to_string)
            .collect()
    };
    let (a, f) = (words(abbrev), words(full));
    !a.is_empty() && a.len() == f.len() && a.iter().zip(&f).all(|(x, y)| y.starts_with(x.as_str()))
}

/// True when a callout's author form fits a record's byline.
fn form_fits_record(c: &Citation, r: &Record) -> bool {
    let n = r.authors.len();
    let fits = match author_count(c) {
        Count::Exactly(k) => k == n,
        Count::AtLeast(k) => n >= k,
    };
    fits && c.authors.iter().zip(&r.authors).all(|(x, y)| author_key(x) == author_key(y))
}

/// Resolves every citation of every record.
pub(crate) fn resolve(
    records: &[Record],
    groups: &Groups,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) -> Cited {
    let _ = opts;
    // Paper indexes: identifier -> groups, (first author, year) -> groups.
    let mut by_id: GroupIndex = HashMap::default();
    let mut key = String::new();
    let mut by_isbn: HashMap<&Identifier, Vec<usize>> = HashMap::default();
    let mut by_author_year: HashMap<(String, i32), Vec<usize>> = HashMap::default();
    for (i, r) in records.iter().enumerate() {
        let g = groups.record_group[i];
        for id in r.ids.iter().filter(|id| matches!(id, Identifier::Isbn(_))) {
            by_isbn.entry(id).or_default().push(i);
        }
        for id in r.ids.iter().filter(|id| !matches!(id, Identifier::Isbn(_))) {
            let k = id_key(id, &mut key);
            let v = match by_id.get_mut(k) {
                Some(v) => v,
                None => by_id.entry(k.into()).or_default(),
            };
            if !v.contains(&g) {
                v.push(g);
            }
        }
        if let Some(a) = r.authors.first() {
            for y in [r.published, r.epublished].into_iter().flatten().map(|d| d.year) {
                let v = by_author_year.entry((author_key(a), y)).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
    }

    // Each record's citations are matched on their own: on the rayon pool,
    // results and diagnostics joined in record order.
    use rayon::prelude::*;
    // Records' title keys, made once (each is compared with every citation
    // of its first author and year).
    let title_keys: Vec<Option<String>> =
        records.par_iter().map(|r| r.title.as_deref().map(norm::title_key)).collect();
    let matched: Vec<(Vec<Option<Target>>, Vec<Diagnostic>)> = records
        .par_iter()
        .enumerate()
        .map(|(ri, r)| {
            let own = groups.record_group[ri];
            let mut found = Vec::new();
            let mut key = String::new();
            let row = r
                .citations
                .iter()
                .map(|c| {
                    match_paper(
                        c,
                        (records, &title_keys),
                        groups,
                        (&by_id, &by_isbn),
                        &by_author_year,
                        own,
                        (&mut key, &mut found),
                    )
                    .map(Target::Paper)
                })
                .collect();
            (row, found)
        })
        .collect();
    let mut targets: Vec<Vec<Option<Target>>> = Vec::with_capacity(records.len());
    let mut pending: Vec<(usize, usize)> = Vec::new();
    for (ri, (row, found)) in matched.into_iter().enumerate() {
        pending.extend(row.iter().enumerate().filter(|(_, t)| t.is_none()).map(|(ci, _)| (ri, ci)));
        targets.push(row);
        diags.extend(found);
    }

    // Group the cited-only citations: identifiers first (union-find), then blocks.
    // In citation order (by place, then record and position). A single
    // input is read in that order already, so the sort is skipped then.
    let at_order = |a: &(usize, usize), b: &(usize, usize)| {
        records[a.0].citations[a.1].at.cmp(&records[b.0].citations[b.1].at).then(a.cmp(b))
    };
    if !pending.is_sorted_by(|a, b| at_order(a, b).is_le()) {
        pending.par_sort_by(at_order);
    }
    let cit = |(r, c): (usize, usize)| &records[r].citations[c];
    let (mut id_sets, kept_apart) =
        join_by_identifier(records, &pending, |id| rustc_hash::FxBuildHasher.hash_one(id));
    diags.extend(kept_apart);
    // Id-joined sets become seeds; then blocks merge sets whose every member is
    // compatible with every member of the joining set.
    // Each set is keyed by its first (smallest) member, its "root" below.
    // Sets are numbered in the order of their first members, so a set's
    // number orders as its root does.
    let mut set_of_root: Vec<u32> = vec![u32::MAX; pending.len()];
    let mut sets: Vec<Vec<usize>> = Vec::new();
    for k in 0..pending.len() {
        let r = id_sets.find_mut(k);
        match set_of_root[r] {
            u32::MAX => {
                set_of_root[r] = sets.len() as u32;
                sets.push(vec![k]);
            }
            s => sets[s as usize].push(k),
        }
    }
    drop(set_of_root);
    // Blocks in key order, each with its sets in order (the keys made on
    // the pool).
    let keys: Vec<String> = sets
        .par_iter()
        .map(|members| {
            let c = cit(pending[members[0]]);
            block_key(c).unwrap_or_else(|| match &c.detail().title {
                Some(t) => format!("title|{}", norm::title_key(t)),
                None => format!("raw|{}", norm::alnum_key(&c.raw)),
            })
        })
        .collect();
    let mut by_key: Vec<u32> = (0..sets.len() as u32).collect();
    by_key.par_sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]).then(a.cmp(&b)));
    let blocks: Vec<Vec<usize>> = by_key
        .chunk_by(|&a, &b| keys[a as usize] == keys[b as usize])
        .map(|block| block.iter().map(|&s| s as usize).collect())
        .collect();
    drop(keys);
    // Blocks are independent: each is settled on the pool, and their groups
    // and warnings are joined in block order.
    let settled: Vec<(Vec<Vec<usize>>, Vec<Diagnostic>)> = blocks
        .par_iter()
        .map(|roots| {
            if let [root] = roots.as_slice() {
                return (vec![sets[*root].clone()], Vec::new());
            }
            // Most informative sets first, so title-less callouts meet full references.
            let mut roots = roots.clone();
            let info = |root: &usize| {
                let c = cit(pending[sets[*root][0]]);
                (
                    c.detail().title.is_none(),
                    c.detail().venue.is_none(),
                    std::cmp::Reverse(c.authors.len()),
                    *root,
                )
            };
            roots.sort_by_key(info);
            // Each member's keys, made once: members are compared pair by pair.
            let mut keyed: Vec<(usize, Keys<'_>)> = roots
                .iter()
                .flat_map(|&root| sets[root].iter())
                .map(|&k| (k, Keys::of(cit(pending[k]))))
                .collect();
            keyed.sort_unstable_by_key(|(k, _)| *k);
            let keys_of = |k: usize| -> &Keys<'_> {
                let at =
                    keyed.binary_search_by_key(&k, |(m, _)| *m).expect("every member of the block is keyed");
                &keyed[at].1
            };
            let fit =
                |x: usize, y: usize| compatible(cit(pending[x]), keys_of(x), cit(pending[y]), keys_of(y));
            let mut block_groups: Vec<Vec<usize>> = Vec::new();
            let mut found = Vec::new();
            for root in roots {
                let members = &sets[root];
                let fits: Vec<usize> = block_groups
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| g.iter().all(|&x| members.iter().all(|&y| fit(x, y))))
                    .map(|(i, _)| i)
                    .collect();
                match fits.as_slice() {
                    [one] => block_groups[*one].extend(members.iter().copied()),
                    [] => block_groups.push(members.clone()),
                    many => {
                        let c = cit(pending[members[0]]);
                        found.push(Diagnostic::warning(
                            c.at.clone(),
                            format!(
                                "citation \"{}\" fits {} different cited works: kept apart",
                                norm::squash_ws(&c.raw),
                                many.len()
                            ),
                        ));
                        block_groups.push(members.clone());
                    }
                }
            }
            (block_groups, found)
        })
        .collect();
    drop(blocks);
    drop(sets);
    let mut final_groups: Vec<Vec<usize>> = Vec::with_capacity(settled.len());
    for (block_groups, found) in settled {
        final_groups.extend(block_groups);
        diags.extend(found);
    }
    // Citations with no author ("[Anonymous]" in WoS) cannot be blocked by
    // author: join them to the one group citing the same year, volume and
    // first page, when exactly one does.
    // Only groups whose every citation lacks authors take part in the two
    // joins below.
    let anonymous: Vec<bool> =
        final_groups.par_iter().map(|g| g.iter().all(|&k| cit(pending[k]).authors.is_empty())).collect();
    let mut absorbed = vec![false; final_groups.len()];
    if anonymous.contains(&true) {
        let vpy = |g: &Vec<usize>| -> Option<(i32, String, String)> {
            g.iter().find_map(|&k| {
                let c = cit(pending[k]);
                match (c.year, &c.detail().volume, &c.detail().first_page) {
                    (Some(y), Some(v), Some(p)) => Some((y, norm::alnum_key(v), norm::alnum_key(p))),
                    _ => None,
                }
            })
        };
        // Each group's key, made once on the pool; the authored groups are
        // indexed under the keys of anonymous groups alone, the only ones
        // looked up.
        let keyed: Vec<Option<(i32, String, String)>> = final_groups.par_iter().map(vpy).collect();
        let wanted: std::collections::BTreeSet<&(i32, String, String)> =
            keyed.iter().zip(&anonymous).filter(|(_, &a)| a).filter_map(|(k, _)| k.as_ref()).collect();
        let mut by_vpy: BTreeMap<&(i32, String, String), Vec<usize>> = BTreeMap::new();
        for (gi, key) in keyed.iter().enumerate() {
            if let Some(key) = key.as_ref().filter(|k| !anonymous[gi] && wanted.contains(k)) {
                by_vpy.entry(key).or_default().push(gi);
            }
        }
        for gi in 0..final_groups.len() {
            if !anonymous[gi] {
                continue;
            }
            if let Some(key) = &keyed[gi] {
                if let Some([target]) = by_vpy.get(key).map(Vec::as_slice) {
                    let agree = final_groups[gi].iter().all(|&x| {
                        final_groups[*target]
                            .iter()
                            .all(|&y| fields_agree(cit(pending[x]), cit(pending[y]), true))
                    });
                    if !agree {
                        continue;
                    }
                    let moved = std::mem::take(&mut final_groups[gi]);
                    final_groups[*target].extend(moved);
                    absorbed[gi] = true;
                }
            }
        }
        // An anonymous citation with only a year and a venue (WoS "[Anonymous],
        // 1981, ANN CLIN MATER") joins the one group cited by the same citing
        // work with that year and a venue it abbreviates.
        let citing = |g: &Vec<usize>| -> Vec<usize> {
            let mut v: Vec<usize> = g.iter().map(|&k| groups.record_group[pending[k].0]).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        // The year of group `gi` when it is an anonymous group still on its
        // own whose first citation gives a year and a venue.
        let asks = |final_groups: &[Vec<usize>], absorbed: &[bool], gi: usize| -> Option<i32> {
            let g = &final_groups[gi];
            if absorbed[gi] || !anonymous[gi] || g.is_empty() {
                return None;
            }
            let first = cit(pending[g[0]]);
            first.year.filter(|_| first.detail().venue.is_some())
        };
        // The (citing work, year) pairs the anonymous groups below look up;
        // the authored groups are indexed under those alone.
        let mut asked: FxHashSet<(usize, i32)> = FxHashSet::default();
        for gi in 0..final_groups.len() {
            if let Some(year) = asks(&final_groups, &absorbed, gi) {
                asked.extend(citing(&final_groups[gi]).into_iter().map(|w| (w, year)));
            }
        }
        let indexed: Vec<Vec<(usize, i32)>> = final_groups
            .par_iter()
            .enumerate()
            .map(|(gi, g)| {
                if asked.is_empty() || absorbed[gi] || anonymous[gi] {
                    return Vec::new();
                }
                let Some(y) = g.iter().find_map(|&k| cit(pending[k]).year) else { return Vec::new() };
                let mut pairs: Vec<(usize, i32)> = g
                    .iter()
                    .map(|&k| (groups.record_group[pending[k].0], y))
                    .filter(|pair| asked.contains(pair))
                    .collect();
                pairs.sort_unstable();
                pairs.dedup();
                pairs
            })
            .collect();
        let mut by_citing_year: BTreeMap<(usize, i32), Vec<usize>> = BTreeMap::new();
        for (gi, pairs) in indexed.into_iter().enumerate() {
            for pair in pairs {
                by_citing_year.entry(pair).or_default().push(gi);
            }
        }
        // Where each citation went so far: a record's work group, or a group
        // of cited-only citations. Made when first needed, then kept current
        // as anonymous citations move.
        let mut slot: Option<HashMap<(usize, usize), (bool, usize)>> = None;
        let make_slot = |final_groups: &[Vec<usize>]| {
            let mut slot: HashMap<(usize, usize), (bool, usize)> = HashMap::default();
            for (ri, row) in targets.iter().enumerate() {
                for (ci, t) in row.iter().enumerate() {
                    if let Some(Target::Paper(g)) = t {
                        slot.insert((ri, ci), (true, *g));
                    }
                }
            }
            for (gi, g) in final_groups.iter().enumerate() {
                for &k in g {
                    slot.insert(pending[k], (false, gi));
                }
            }
            slot
        };
        for gi in 0..final_groups.len() {
            let Some(year) = asks(&final_groups, &absorbed, gi) else { continue };
            let g = &final_groups[gi];
            let first = cit(pending[g[0]]);
            let venue = first.detail().venue.as_deref().unwrap_or_default();
            let mut hits: Vec<usize> = citing(g)
                .into_iter()
                .filter_map(|w| by_citing_year.get(&(w, year)))
                .flatten()
                .copied()
                .filter(|&t| {
                    final_groups[t].iter().any(|&k| {
                        cit(pending[k]).detail().venue.as_deref().is_some_and(|v| venue_abbreviates(venue, v))
                    }) && g.iter().all(|&x| {
                        // The venue matched by abbreviation above.
                        final_groups[t].iter().all(|&y| fields_agree(cit(pending[x]), cit(pending[y]), false))
                    })
                })
                .collect();
            hits.sort_unstable();
            hits.dedup();
            // Several candidates: the reference lists of the same citing work in
            // two exports usually keep the article's order, so a candidate whose
            // entry has the same neighbours in its list as the anonymous entry has
            // in its own is the same reference.
            if hits.len() > 1 {
                let slot = slot.get_or_insert_with(|| make_slot(&final_groups));
                let (ar, ac) = pending[g[0]];
                let by_order: Vec<usize> = hits
                    .iter()
                    .copied()
                    .filter(|&t| {
                        final_groups[t].iter().any(|&k| {
                            let (r, c) = pending[k];
                            r != ar
                                && groups.record_group[r] == groups.record_group[ar]
                                && same_neighbours(
                                    slot,
                                    (ar, ac),
                                    (r, c),
                                    records[ar].citations.len(),
                                    records[r].citations.len(),
                                )
                        })
                    })
                    .collect();
                if let [t] = by_order.as_slice() {
                    diags.push(Diagnostic::info(
                        first.at.clone(),
                        format!(
                            "anonymous citation \"{}\" fits {} works cited with that year and venue: joined to the one at the same place in the other export's reference list",
                            norm::squash_ws(&first.raw),
                            hits.len()
                        ),
                    ));
                    hits = vec![*t];
                }
            }
            match hits.as_slice() {
                [target] => {
                    let target = *target;
                    let moved = std::mem::take(&mut final_groups[gi]);
                    if let Some(slot) = slot.as_mut() {
                        for &k in &moved {
                            slot.insert(pending[k], (false, target));
                        }
                    }
                    final_groups[target].extend(moved);
                    absorbed[gi] = true;
                }
                [] => {}
                many => diags.push(Diagnostic::warning(
                    first.at.clone(),
                    format!(
                        "anonymous citation \"{}\" fits {} works cited with that year and venue: kept apart",
                        norm::squash_ws(&first.raw),
                        many.len()
                    ),
                )),
            }
        }
    }
    let final_groups: Vec<Vec<usize>> =
        final_groups.into_iter().zip(absorbed).filter(|(g, a)| !a && !g.is_empty()).map(|(g, _)| g).collect();
    // Groups are disjoint, so their members and they themselves sort the
    // same way stably or not.
    let mut groups_out: Vec<Vec<(usize, usize)>> = final_groups
        .into_par_iter()
        .map(|g| {
            let mut v: Vec<(usize, usize)> = g.into_iter().map(|k| pending[k]).collect();
            v.sort_unstable();
            v
        })
        .collect();
    groups_out.par_sort_unstable();
    for (gi, g) in groups_out.iter().enumerate() {
        for &(r, c) in g {
            targets[r][c] = Some(Target::Cited(gi));
        }
    }
    let targets = targets
        .into_par_iter()
        .map(|v| v.into_iter().map(|t| t.expect("every citation is matched or grouped")).collect())
        .collect();
    Cited { targets, groups: groups_out }
}

/// Joins the `pending` citations (as (record, citation) pairs) that share a
/// strong identifier: each joins the first citation carrying it, unless
/// their titles and first authors say otherwise (then a warning). An ISBN
/// names a book, and every chapter of it too: it is weak and joins only
/// through the compatibility checks of the blocks. The (identifier hash,
/// citation, position) triples are made and sorted on the pool, so equal
/// identifiers are runs in citation order; equal hashes are told apart by
/// the identifiers themselves, so the sets and the warnings (in citation
/// order) do not depend on `hash`.
fn join_by_identifier(
    records: &[Record],
    pending: &[(usize, usize)],
    hash: impl Fn(&Identifier) -> u64 + Sync,
) -> (UnionFind<usize>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let cit = |(r, c): (usize, usize)| &records[r].citations[c];
    let mut id_sets: UnionFind<usize> = UnionFind::new(pending.len());
    let hash = &hash;
    let strong = |id: &&Identifier| !matches!(id, Identifier::Isbn(_));
    let mut by_hash: Vec<(u64, usize, u32)> = pending
        .par_iter()
        .enumerate()
        .flat_map_iter(|(k, &item)| {
            cit(item).ids.iter().filter(strong).enumerate().map(move |(pos, id)| (hash(id), k, pos as u32))
        })
        .collect();
    by_hash.par_sort_unstable();
    let id_at = |&(_, k, pos): &(u64, usize, u32)| {
        cit(pending[k]).ids.iter().filter(strong).nth(pos as usize).expect("position of a strong identifier")
    };
    // (citation, position, warning) for identifiers shared against the evidence.
    let mut kept_apart: Vec<(usize, u32, Diagnostic)> = Vec::new();
    for run in by_hash.chunk_by_mut(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        // One hash may (rarely) stand for several identifiers: the run is
        // then ordered by identifier, citation order kept within each, so
        // even a constant hash costs a sort, not a comparison of every pair.
        let first = id_at(&run[0]);
        if run.iter().any(|entry| id_at(entry) != first) {
            run.sort_unstable_by(|a, b| id_at(a).cmp(id_at(b)).then((a.1, a.2).cmp(&(b.1, b.2))));
        }
        for same in run.chunk_by(|a, b| id_at(a) == id_at(b)) {
            let (id, j) = (id_at(&same[0]), same[0].1);
            for &(_, k, pos) in &same[1..] {
                if k == j {
                    continue;
                }
                let item = pending[k];
                if id_contradicted(cit(pending[j]), cit(item)) {
                    let c = cit(item);
                    kept_apart.push((
                        k,
                        pos,
                        Diagnostic::warning(
                            c.at.clone(),
                            format!(
                                "citation \"{}\" shares {id} with \"{}\" but not its title or first author: kept apart",
                                norm::squash_ws(&c.raw),
                                norm::squash_ws(&cit(pending[j]).raw)
                            ),
                        ),
                    ));
                } else {
                    id_sets.union(j, k);
                }
            }
        }
    }
    kept_apart.sort_by_key(|&(k, pos, _)| (k, pos));
    (id_sets, kept_apart.into_iter().map(|(_, _, d)| d).collect())
}

fn match_paper(
    c: &Citation,
    (records, title_keys): (&[Record], &[Option<String>]),
    groups: &Groups,
    (by_id, by_isbn): (&GroupIndex, &IdIndex<'_>),
    by_author_year: &HashMap<(String, i32), Vec<usize>>,
    own: usize,
    (key, diags): (&mut String, &mut Vec<Diagnostic>),
) -> Option<usize> {
    let strong = |id: &&Identifier| !matches!(id, Identifier::Isbn(_));
    let mut id_hits: Vec<usize> =
        c.ids.iter().filter(strong).filter_map(|id| by_id.get(id_key(id, key))).flatten().copied().collect();
    if id_hits.is_empty() {
        // An ISBN is the book's: it links a citation only to a book record
        // (not a chapter or paper in it), and only when the titles agree.
        let tk = c.detail().title.as_deref().map(norm::title_key);
        id_hits = c
            .ids
            .iter()
            .filter(|id| matches!(id, Identifier::Isbn(_)))
            .filter_map(|id| by_isbn.get(id))
            .flatten()
            .filter(|&&ri| {
                let r = &records[ri];
                matches!(r.doc_type, None | Some(crate::model::DocType::Book))
                    && match (&tk, &title_keys[ri]) {
                        (Some(t), Some(rt)) => similar(rt, t, 300, 0.85),
                        _ => true,
                    }
            })
            .map(|&ri| groups.record_group[ri])
            .collect();
    }
    id_hits.sort();
    id_hits.dedup();
    match id_hits.as_slice() {
        [g] => return Some(*g),
        [] => {}
        many => {
            diags.push(Diagnostic::warning(
                c.at.clone(),
                format!(
                    "citation \"{}\" has identifiers of {} different works: not linked",
                    c.raw,
                    many.len()
                ),
            ));
            return None;
        }
    }
    let first = c.authors.first().map(author_key).filter(|k| !k.is_empty())?;
    let year = c.year?;
    let cands = by_author_year.get(&(first, year))?;
    let pick = |pred: &dyn Fn(usize, &Record) -> bool| -> Vec<usize> {
        let mut v: Vec<usize> = cands
            .iter()
            .filter(|&&ri| groups.record_group[ri] != own && pred(ri, &records[ri]))
            .map(|&ri| groups.record_group[ri])
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let (hits, how) = if let Some(t) = &c.detail().title {
        let tk = norm::title_key(t);
        (pick(&|ri, _| title_keys[ri].as_deref().is_some_and(|rt| similar(rt, &tk, 300, 0.85))), "title")
    } else if c.detail().volume.is_some() && c.detail().first_page.is_some() {
        let (v, p) = (
            c.detail().volume.as_deref().map(norm::alnum_key),
            c.detail().first_page.as_deref().map(norm::alnum_key),
        );
        (
            pick(&|_, r| {
                r.volume.as_deref().map(norm::alnum_key) == v
                    && r.pages.as_deref().and_then(|pg| pg.split(['-', '–']).next()).map(norm::alnum_key) == p
            }),
            "volume and page",
        )
    } else if c.detail().venue.is_none() {
        (pick(&|_, r| form_fits_record(c, r)), "author form")
    } else {
        (Vec::new(), "")
    };
    match hits.as_slice() {
        [g] => Some(*g),
        [] => None,
        many => {
            diags.push(Diagnostic::warning(
                c.at.clone(),
                format!(
                    "citation \"{}\" matches {} records by first author, year and {how}: not linked",
                    norm::squash_ws(&c.raw),
                    many.len()
                ),
            ));
            None
        }
    }
}

/// True when citation `a` (entry `a.1` of a list of `len_a`) and citation `b`
/// (entry `b.1` of a list of `len_b`) have the same neighbours: on each side
/// either both lists end there or both neighbours went to the same place
/// (`slot`), with at least one side a shared neighbour.
fn same_neighbours(
    slot: &HashMap<(usize, usize), (bool, usize)>,
    a: (usize, usize),
    b: (usize, usize),
    len_a: usize,
    len_b: usize,
) -> bool {
    let side = |da: Option<usize>, db: Option<usize>| -> Option<bool> {
        match (da, db) {
            (None, None) => Some(false),
            (Some(x), Some(y)) => match (slot.get(&(a.0, x)), slot.get(&(b.0, y))) {
                (Some(p), Some(q)) if p == q => Some(true),
                _ => None,
            },
            _ => None,
        }
    };
    let before = side(a.1.checked_sub(1), b.1.checked_sub(1));
    let after = side((a.1 + 1 < len_a).then_some(a.1 + 1), (b.1 + 1 < len_b).then_some(b.1 + 1));
    matches!((before, after), (Some(x), Some(y)) if x || y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Author;

    /// A reference with a first author, a title and identifiers.
    fn reference(line: u32, family: &str, title: &str, ids: &[Identifier]) -> Citation {
        let mut c = Citation {
            raw: format!("{family} {title}"),
            authors: vec![Author::person(family)],
            ids: ids.iter().cloned().collect(),
            at: crate::model::Provenance::new("refs.txt", line, None),
            ..Citation::default()
        };
        c.detail_mut().title = Some(title.to_string());
        c
    }

    /// The sets of `uf` over `n` items, each by its first member.
    fn sets(mut uf: UnionFind<usize>, n: usize) -> Vec<usize> {
        let mut first = std::collections::HashMap::new();
        (0..n).map(|k| *first.entry(uf.find_mut(k)).or_insert(k)).collect()
    }

    /// The comparison as it was before [`Keys`]: every key made for each
    /// pair, the initials folded each time. Kept as the reference the keyed
    /// comparison is checked against.
    fn plain_compatible(a: &Citation, b: &Citation) -> bool {
        if !locators_agree(a, b) || ids_conflict(a, b) {
            return false;
        }
        if let (Some(va), Some(vb)) = (&a.detail().venue, &b.detail().venue) {
            if !venues_agree(va, vb) {
                return false;
            }
        }
        if !counts_compatible(author_count(a), author_count(b)) {
            return false;
        }
        let initials = |x: &Author, y: &Author| {
            if x.is_org || y.is_org {
                return x.is_org == y.is_org || x.given.is_empty() || y.given.is_empty();
            }
            let first = |g: &str| norm::fold(g).chars().find(|c| c.is_ascii_alphabetic());
            match (first(&x.given), first(&y.given)) {
                (Some(p), Some(q)) => p == q,
                _ => true,
            }
        };
        if !a.authors.iter().zip(&b.authors).all(|(x, y)| author_key(x) == author_key(y) && initials(x, y)) {
            return false;
        }
        if a.year.is_none() || b.year.is_none() {
            let agree = matches!((&a.detail().title, &b.detail().title), (Some(_), Some(_)))
                || matches!((&a.detail().venue, &b.detail().venue), (Some(_), Some(_)))
                || raw_key(a) == raw_key(b);
            if !agree {
                return false;
            }
        }
        true
    }

    #[test]
    fn keyed_compatibility_is_the_plain_one() {
        // References of a few works written in several ways, and works that
        // come close (same author and year, other title, volume, initials,
        // venue; organisations; no year; bare text).
        let texts = [
            "Smith, J. (2019). Sleep and exercise in adults. J Sleep Res, 28(3), 112-120.",
            "Smith J, Jones K (2019) Sleep and exercise in adults. Journal of Sleep Research 28:112",
            "Smith, J., 2019. Sleep and exercise in adults: a cohort. J. Sleep Res. 28, 112.",
            "Smith, K. (2019). Sleep and exercise in adults. J Sleep Res, 28(3), 112-120.",
            "Smith, J. (2019). Diet and mood in adolescents. Appetite, 140, 9-17.",
            "Smith, J. (2019). Sleep and exercise in adults. J Sleep Res, 29(1), 5-9.",
            "Smith J. Sleep and exercise in adults. J Sleep Res. 2019;28(3):112-20. doi:10.1111/jsr.1",
            "Smith J. Sleep and exercise in adults. J Sleep Res. 2019;28(3):112-20. doi:10.1111/jsr.2",
            "Smith, J. (n.d.). Sleep and exercise in adults. J Sleep Res.",
            "Smith, J. (n.d.). Sleep notes.",
            "Smith, J., Sleep and exercise in adults, Sleep Med Rev, 28, pp. 112-120, (2019)",
            "World Health Organization (2019). Sleep guidelines. Geneva: WHO.",
            "World Health Organization (2019). Sleep guidelines for adults. Geneva: WHO.",
            "Smith, J. et al. (2019). Sleep &amp; exercise in <i>adults</i>. J Sleep Res, 28(3), 112.",
            "Smith, J., Jones, K., & Lee, M. (2019). Sleep and exercise in adults. J Sleep Res.",
            "Smith 2019",
            "Smith, J. (2019)",
            "Ölçer, A. (2019). Uyku ve egzersiz. Türk Uyku Dergisi, 3, 1-9.",
        ];
        let cites: Vec<Citation> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                crate::ingest::refs::parse_free_text(
                    t,
                    crate::model::Provenance::new("refs.txt", i as u32, None),
                )
            })
            .collect();
        let keys: Vec<Keys<'_>> = cites.iter().map(Keys::of).collect();
        let mut both = [0usize; 2];
        for (a, ka) in cites.iter().zip(&keys) {
            for (b, kb) in cites.iter().zip(&keys) {
                let plain = plain_compatible(a, b);
                assert_eq!(compatible(a, ka, b, kb), plain, "{:?} / {:?}", a.raw, b.raw);
                both[usize::from(plain)] += 1;
            }
        }
        // Both answers are met.
        assert!(both[0] > 0 && both[1] > texts.len(), "{both:?}");
    }

    #[test]
    fn identifier_joins_do_not_depend_on_the_hash() {
        let doi = |d: &str| Identifier::doi(d).expect("a DOI");
        let oa = |w: &str| Identifier::Openalex(w.to_string());
        let (a, b, c) = (doi("10.1/a"), doi("10.1/b"), oa("W1"));
        let records = vec![
            Record {
                citations: vec![
                    reference(1, "Smith J", "Sleep and exercise", std::slice::from_ref(&a)),
                    reference(2, "Jones K", "River basin governance", &[b.clone(), c.clone()]),
                    reference(3, "Smith J", "Sleep and exercise in adults", &[a.clone(), c.clone()]),
                ],
                ..Record::default()
            },
            Record {
                citations: vec![
                    // Shares b but neither the title nor the first author: kept apart.
                    reference(4, "Brown P", "Coral reef decline", std::slice::from_ref(&b)),
                    reference(5, "Jones K", "River basin governance", &[b.clone(), b.clone()]),
                    reference(6, "Lee M", "Unrelated work", &[Identifier::Isbn("9780000000001".into())]),
                ],
                ..Record::default()
            },
        ];
        let pending: Vec<(usize, usize)> = (0..2).flat_map(|r| (0..3).map(move |c| (r, c))).collect();
        let (uf, warned) =
            join_by_identifier(&records, &pending, |id| rustc_hash::FxBuildHasher.hash_one(id));
        let expected = sets(uf, pending.len());
        // 0 and 2 share a; 4 shares b with 1. 2 shares W1 with 1, and 3
        // shares b with 1, but neither their titles nor their first authors:
        // kept apart, with a warning each (in citation order). 5 has only an
        // ISBN, which does not join.
        assert_eq!(expected, vec![0, 1, 0, 3, 1, 5]);
        assert_eq!(warned.len(), 2, "{warned:?}");
        assert!(warned[0].message.contains("W1") && warned[1].message.contains("10.1/b"), "{warned:?}");
        // Every identifier under one hash, or under a few: the same sets and warnings.
        for hash in [|_: &Identifier| 7u64, |id: &Identifier| id.value().len() as u64 % 2] {
            let (uf, w) = join_by_identifier(&records, &pending, hash);
            assert_eq!(sets(uf, pending.len()), expected);
            assert_eq!(w, warned);
        }
    }

    #[test]
    fn venues() {
        assert!(venues_agree("J INFANT MENT HEALTH", "Infant Mental Health Journal"));
        assert!(venues_agree(
            "PROC NATL ACAD SCI USA",
            "Proceedings of the National Academy of Sciences of the United States of America"
        ));
        assert!(venues_agree("Proc. Natl. Acad. Sci. U.S.A.", "PROC NATL ACAD SCI USA"));
        assert!(!venues_agree("EUR NETW CANC REG", "INT ASS CANC REG"));
        assert!(!venues_agree("PHENOMENOLOGY SPIRIT", "PHILOS RIGHT"));
        assert!(!venues_agree("REP 3 M EXP COMM", "REP 4 M EXP COMM"));
        assert!(!venues_agree("J X", "J Y"));
    }
}
