//! Step 3: authors -> agents (people and organisations).
//!
//! People: the same ORCID is one person and two different ORCIDs are never
//! one. Otherwise names are blocked by folded family name and first initial
//! ("N O'Leary", "O'Leary, N." and "N. O’Leary" share a block) and a name joins
//! the group it is compatible with: initials prefix-compatible ("N" with
//! "N M", not "N K"), full given names equal when both are known ("Sonia" vs
//! "Sarah" stay apart). A name that fits several groups (an initial-only "S
//! Johnson" beside "Sonia" and "Sarah Johnson") is reported and kept apart.
//!
//! Organisations are one agent per folded name. Authors of cited-only works
//! become agents only when they are organisations ("NICE", "HSE"): a surname
//! from a callout is not enough to identify a person.

use super::cited::Cited;
use crate::model::{norm, Author, Diagnostic, Provenance, Record};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// One resolved agent before assembly: its member names with their sources.
pub(crate) struct AgentDraft<'r> {
    /// True for organisations.
    pub is_org: bool,
    /// Every (source, author) naming this agent, sorted by source: borrowed
    /// from the records, not copied (six million names in a million works).
    pub names: Vec<(&'r Provenance, &'r Author)>,
}

/// The agents and who points at them.
pub(crate) struct Agents<'r> {
    /// Per record, per byline position: agent index.
    pub record_authors: Vec<Vec<usize>>,
    /// Per cited-only group: organisation agents among its authors (first author only).
    pub cited_orgs: Vec<Option<usize>>,
    /// The agents, ordered by first source.
    pub drafts: Vec<AgentDraft<'r>>,
}

/// An organisation named as an author: source, name, the byline slot
/// (record, position) or the cited-only group it comes from.
type OrgMention<'r> = (&'r Provenance, &'r Author, Option<(usize, usize)>, Option<usize>);

struct Name<'a> {
    at: &'a Provenance,
    author: &'a Author,
    family: String,
    initials: String,
    first_given: Option<String>,
}

fn name_of<'a>(at: &'a Provenance, author: &'a Author) -> Name<'a> {
    let given = author.given.trim();
    let first_token = given.split([' ', '-']).next().unwrap_or("");
    let first_given =
        (!given.is_empty() && !norm::given_is_initials(given) && first_token.chars().count() > 1)
            .then(|| norm::alnum_key(first_token))
            .filter(|k| k.len() > 1);
    Name {
        at,
        author,
        family: norm::family_key(&author.family),
        initials: norm::initials(given),
        first_given,
    }
}

/// True when two names may be one person: the same ORCID when both have one,
/// else [`names_compatible`].
#[cfg(test)]
fn compatible(a: &Name, b: &Name) -> bool {
    if let (Some(x), Some(y)) = (a.author.orcid(), b.author.orcid()) {
        return x == y;
    }
    names_compatible(a, b)
}

/// The name part of [`compatible`]: initials prefix-compatible, and full
/// first given names equal when both are known.
fn names_compatible(a: &Name, b: &Name) -> bool {
    if !(a.initials.starts_with(&b.initials) || b.initials.starts_with(&a.initials)) {
        return false;
    }
    match (&a.first_given, &b.first_given) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// What [`compatible`] can tell of a group's members: since it reads only a
/// name's ORCID, initials and first given name, one member of each distinct
/// ORCID and each distinct (initials, first given name) stands for all, so
/// "compatible with every member" costs the number of distinct forms instead
/// of the number of members (a person named thousands of times in a
/// million-work corpus).
#[derive(Default)]
struct Forms {
    /// One member (index into the names) per distinct ORCID.
    orcids: Vec<usize>,
    /// One member per distinct (initials, first given) among members with an ORCID.
    with_orcid: Vec<usize>,
    /// One member per distinct (initials, first given) among members without.
    without_orcid: Vec<usize>,
}

impl Forms {
    /// Records member `i`.
    fn add(&mut self, names: &[Name], i: usize) {
        let n = &names[i];
        let same_form =
            |m: &usize| names[*m].initials == n.initials && names[*m].first_given == n.first_given;
        match n.author.orcid() {
            Some(o) => {
                if !self.orcids.iter().any(|&m| names[m].author.orcid() == Some(o)) {
                    self.orcids.push(i);
                }
                if !self.with_orcid.iter().any(same_form) {
                    self.with_orcid.push(i);
                }
            }
            None => {
                if !self.without_orcid.iter().any(same_form) {
                    self.without_orcid.push(i);
                }
            }
        }
    }

    /// True when `n` is [`compatible`] with every member recorded.
    fn admit(&self, names: &[Name], n: &Name) -> bool {
        match n.author.orcid() {
            Some(o) => {
                self.orcids.iter().all(|&m| names[m].author.orcid() == Some(o))
                    && self.without_orcid.iter().all(|&m| names_compatible(&names[m], n))
            }
            None => {
                self.with_orcid.iter().chain(&self.without_orcid).all(|&m| names_compatible(&names[m], n))
            }
        }
    }
}

/// The groups of one block (family name and first initial) with what finds,
/// for a name, the groups that may admit it without looking at every group:
/// groups without an ORCID, and groups by the full first given names of
/// their members. Each list may hold groups that no longer fit (a group
/// that gained an ORCID or another given name); [`Forms::admit`] decides.
#[derive(Default)]
struct Block {
    /// Members of each group (indices into the names).
    groups: Vec<Vec<usize>>,
    /// Forms of each group's members.
    forms: Vec<Forms>,
    /// Groups whose first member had no ORCID (a group whose first member
    /// had one always has one).
    no_orcid: Vec<usize>,
    /// Groups with a member of this first given name.
    by_given: HashMap<String, Vec<usize>>,
    /// Groups whose first member had no first given name.
    givenless: Vec<usize>,
}

impl Block {
    /// A new, empty group; its index.
    fn new_group(&mut self) -> usize {
        self.groups.push(Vec::new());
        self.forms.push(Forms::default());
        self.groups.len() - 1
    }

    /// Puts name `i` into group `gi`.
    fn add(&mut self, names: &[Name], gi: usize, i: usize) {
        let n = &names[i];
        let first = self.groups[gi].is_empty();
        if first && n.author.orcid().is_none() {
            self.no_orcid.push(gi);
        }
        match &n.first_given {
            Some(g) => {
                let list = self.by_given.entry(g.clone()).or_default();
                if list.last() != Some(&gi) && (first || !list.contains(&gi)) {
                    list.push(gi);
                    list.sort_unstable();
                }
            }
            None if first => self.givenless.push(gi),
            None => {}
        }
        self.groups[gi].push(i);
        self.forms[gi].add(names, i);
    }

    /// Every group that may admit `n` (a superset of those that do),
    /// ascending, into `out`. When `n` has an ORCID, no group may hold it
    /// yet: [`people`] sends a name whose ORCID a group holds straight to
    /// that group.
    fn candidates(&self, n: &Name, out: &mut Vec<usize>) {
        out.clear();
        // A name whose ORCID no group holds fits only groups without one; a
        // full first given name fits only groups of that name or with none.
        let orcid = n.author.orcid().map(|_| &self.no_orcid);
        let given = n
            .first_given
            .as_ref()
            .map(|g| (self.by_given.get(g).map_or(&[][..], Vec::as_slice), &self.givenless));
        match (orcid, given) {
            (Some(none), Some((named, givenless))) if none.len() <= named.len() + givenless.len() => {
                out.extend_from_slice(none)
            }
            (_, Some((named, givenless))) => {
                out.extend_from_slice(named);
                out.extend_from_slice(givenless);
                out.sort_unstable();
                out.dedup();
            }
            (Some(none), None) => out.extend_from_slice(none),
            (None, None) => out.extend(0..self.groups.len()),
        }
    }
}

/// Family-name words that count (particles do not): `"Sheridan Rains"` -> 2.
fn family_words(family: &str) -> Vec<String> {
    const PARTICLES: [&str; 14] =
        ["van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "ten"];
    family
        .split_whitespace()
        .filter(|w| !PARTICLES.contains(&w.to_lowercase().as_str()))
        .map(norm::alnum_key)
        .filter(|w| !w.is_empty())
        .collect()
}

/// True when `short` (family = the last word of `long`'s family) is the same
/// name read with the first family word as a given name: "Luke Sheridan
/// Rains" or "Rains LS" for "Sheridan Rains, L.".
fn same_compound(long: &Name, short: &Name) -> bool {
    let words = family_words(&long.author.family);
    let [first, .., last] = words.as_slice() else { return false };
    if words.len() != 2 || &short.family != last {
        return false;
    }
    let given_words: Vec<String> = short.author.given.split_whitespace().map(norm::alnum_key).collect();
    let full = given_words.last().is_some_and(|g| g == first);
    let lead = first.chars().next().unwrap_or(' ');
    let by_initials = short.initials.ends_with(lead) && short.initials.len() == long.initials.len() + 1;
    let prefix = short.initials.starts_with(&long.initials) || long.initials.is_empty();
    (full || by_initials) && prefix
}

/// Joins a group named with a two-word family ("Sheridan Rains, L.") to the
/// group that reads the first family word as a given name ("Luke Sheridan
/// Rains", "Rains LS") when they share an ORCID or a co-author; surname and
/// initials alone never join them.
fn bridge_compound_surnames(
    groups: &mut Vec<Vec<usize>>,
    names: &[Name],
    slots: &[(usize, usize)],
    records: &[Record],
) {
    let coauthors = |g: &[usize]| -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for &i in g {
            let (ri, pos) = slots[i];
            for (p, a) in records[ri].authors.iter().enumerate() {
                if p != pos && !a.is_org {
                    let ini = norm::initials(&a.given).chars().next().map(String::from).unwrap_or_default();
                    out.insert(format!("{}|{ini}", norm::family_key(&a.family)));
                }
            }
        }
        out
    };
    let mut by_family: HashMap<String, Vec<usize>> = HashMap::default();
    for (gi, g) in groups.iter().enumerate() {
        if let Some(&first) = g.first() {
            by_family.entry(names[first].family.clone()).or_default().push(gi);
        }
    }
    let mut into: Vec<Option<usize>> = vec![None; groups.len()];
    for gi in 0..groups.len() {
        let Some(&lead) = groups[gi].first() else { continue };
        let words = family_words(&names[lead].author.family);
        if words.len() != 2 {
            continue;
        }
        let Some(cands) = by_family.get(&words[1]) else { continue };
        let mine = coauthors(&groups[gi]);
        let orcids: Vec<&str> = groups[gi].iter().filter_map(|&i| names[i].author.orcid()).collect();
        let fits: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|&cj| cj != gi && into[cj].is_none())
            .filter(|&cj| {
                groups[cj].iter().all(|&m| groups[gi].iter().all(|&n| same_compound(&names[n], &names[m])))
            })
            .filter(|&cj| {
                let theirs = coauthors(&groups[cj]);
                let shared_orcid =
                    groups[cj].iter().filter_map(|&i| names[i].author.orcid()).any(|o| orcids.contains(&o));
                shared_orcid || !mine.is_disjoint(&theirs)
            })
            .collect();
        if let [one] = fits.as_slice() {
            into[gi] = Some(*one);
        }
    }
    for gi in 0..groups.len() {
        if let Some(target) = into[gi] {
            let moved = std::mem::take(&mut groups[gi]);
            groups[target].extend(moved);
        }
    }
    groups.retain(|g| !g.is_empty());
}

/// People grouped, before organisations are added ([`people`]).
pub(crate) struct People<'r> {
    /// Per person, in agent order: the byline slots (record, position) of
    /// its names and its draft.
    groups: Vec<(Vec<(usize, usize)>, AgentDraft<'r>)>,
}

/// Groups the people among the authors of `records` (ORCID sets, then
/// blocks by family name and first initial). Needs no cited works, so it
/// runs beside [`super::cited::resolve`].
pub(crate) fn people<'r>(records: &'r [Record], diags: &mut Vec<Diagnostic>) -> People<'r> {
    use rayon::prelude::*;
    // Names are keyed on the pool, a record at a time, and joined in record order.
    let per_record: Vec<Vec<(Name, (usize, usize))>> = records
        .par_iter()
        .enumerate()
        .map(|(ri, r)| {
            r.authors
                .iter()
                .enumerate()
                .filter(|(_, a)| !a.is_org && !a.family.trim().is_empty())
                .map(|(pos, a)| (name_of(&r.at, a), (ri, pos)))
                .collect()
        })
        .collect();
    let total = per_record.iter().map(Vec::len).sum();
    let mut names: Vec<Name> = Vec::with_capacity(total);
    let mut slots: Vec<(usize, usize)> = Vec::with_capacity(total);
    for (name, slot) in per_record.into_iter().flatten() {
        names.push(name);
        slots.push(slot);
    }

    // Blocks by (family, first initial); hashed while names are added, taken
    // in key order after.
    let mut blocks: HashMap<(String, String), Block> = HashMap::default();
    let mut orcid_set: HashMap<String, (String, String, usize)> = HashMap::default();
    // Most informative names first: ORCID, full given name, longer initials;
    // the name's index last makes the order total.
    // The keys are made in one pass and sorted on the pool (a total order,
    // so unstable sorting gives the one order).
    let mut keyed: Vec<(bool, bool, std::cmp::Reverse<usize>, usize)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (n.author.orcid().is_none(), n.first_given.is_none(), std::cmp::Reverse(n.initials.len()), i)
        })
        .collect();
    keyed.par_sort_unstable();
    let order: Vec<usize> = keyed.into_iter().map(|k| k.3).collect();
    let mut candidates: Vec<usize> = Vec::new();
    for &i in &order {
        let n = &names[i];
        let first_initial = n.initials.chars().next().map(String::from).unwrap_or_default();
        let key = (n.family.clone(), first_initial);
        if let Some(orcid) = n.author.orcid() {
            if let Some((f, ini, g)) = orcid_set.get(orcid) {
                if let Some(block) = blocks.get_mut(&(f.clone(), ini.clone())) {
                    block.add(&names, *g, i);
                    continue;
                }
            }
        }
        let block = match blocks.get_mut(&key) {
            Some(block) => block,
            None => blocks.entry(key.clone()).or_default(),
        };
        block.candidates(n, &mut candidates);
        let fits: Vec<usize> =
            candidates.iter().copied().filter(|&gi| block.forms[gi].admit(&names, n)).collect();
        let gi = match fits.as_slice() {
            [one] => *one,
            [] => block.new_group(),
            many => {
                diags.push(Diagnostic::warning(
                    n.at.clone(),
                    format!("author \"{}\" fits {} different people: kept apart", n.author.raw, many.len()),
                ));
                block.new_group()
            }
        };
        block.add(&names, gi, i);
        if let Some(orcid) = n.author.orcid() {
            orcid_set.entry(orcid.to_string()).or_insert((key.0, key.1, gi));
        }
    }

    let mut blocks: Vec<((String, String), Block)> = blocks.into_iter().collect();
    blocks.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut people_members: Vec<Vec<usize>> = blocks.into_iter().flat_map(|(_, b)| b.groups).collect();
    bridge_compound_surnames(&mut people_members, &names, &slots, records);
    // Slots are unique, so both orders are total: sorted on the pool.
    people_members.par_iter_mut().for_each(|m| {
        m.sort_unstable_by(|&a, &b| names[a].at.cmp(names[b].at).then(slots[a].cmp(&slots[b])))
    });
    people_members
        .par_sort_unstable_by(|a, b| names[a[0]].at.cmp(names[b[0]].at).then(slots[a[0]].cmp(&slots[b[0]])));
    let groups = people_members
        .par_iter()
        .map(|m| {
            let draft = AgentDraft {
                is_org: false,
                names: m.iter().map(|&i| (names[i].at, names[i].author)).collect(),
            };
            (m.iter().map(|&i| slots[i]).collect(), draft)
        })
        .collect();
    People { groups }
}

/// Resolves the authors of `records` into agents: the people grouped by
/// [`people`], then organisations (also from the authors of cited works).
pub(crate) fn resolve<'r>(records: &'r [Record], cited: &Cited, people: People<'r>) -> Agents<'r> {
    let mut record_authors: Vec<Vec<usize>> =
        records.iter().map(|r| vec![usize::MAX; r.authors.len()]).collect();
    // Organisations, from records and from cited works.
    let mut orgs: BTreeMap<String, Vec<OrgMention<'r>>> = BTreeMap::new();
    for (ri, r) in records.iter().enumerate() {
        for (pos, a) in r.authors.iter().enumerate() {
            if a.is_org {
                orgs.entry(norm::alnum_key(&a.family)).or_default().push((&r.at, a, Some((ri, pos)), None));
            }
        }
    }
    for (gi, members) in cited.groups.iter().enumerate() {
        for &(r, c) in members {
            let cit = &records[r].citations[c];
            if let Some(a) = cit.authors.first().filter(|a| a.is_org) {
                orgs.entry(norm::alnum_key(&a.family)).or_default().push((&cit.at, a, None, Some(gi)));
            }
        }
    }
    let mut cited_orgs = vec![None; cited.groups.len()];

    let mut all: Vec<AgentDraft> = Vec::with_capacity(people.groups.len() + orgs.len());
    for (slots, draft) in people.groups {
        let idx = all.len();
        for (ri, pos) in slots {
            record_authors[ri][pos] = idx;
        }
        all.push(draft);
    }
    for (_, mut members) in orgs {
        members.sort_by(|a, b| a.0.cmp(b.0));
        let idx = all.len();
        for (_, _, slot, cited_group) in &members {
            if let Some((ri, pos)) = slot {
                record_authors[*ri][*pos] = idx;
            }
            if let Some(g) = cited_group {
                cited_orgs[*g] = Some(idx);
            }
        }
        all.push(AgentDraft {
            is_org: true,
            names: members.into_iter().map(|(p, a, _, _)| (p, a)).collect(),
        });
    }
    Agents { record_authors, cited_orgs, drafts: all }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn author(family: &str, given: &str, orcid: Option<&str>) -> Author {
        let mut a = Author {
            raw: format!("{given} {family}"),
            family: family.into(),
            given: given.into(),
            ..Author::default()
        };
        a.set_orcid(orcid.map(String::from));
        a
    }

    proptest! {
        /// A group's forms admit a name exactly when every member is
        /// compatible with it, whatever the members (including members
        /// that are not compatible with each other, as the ORCID path adds).
        #[test]
        fn forms_admit_as_every_member_would(
            members in proptest::collection::vec((0usize..6, 0usize..3), 0..12),
            candidate in (0usize..6, 0usize..3),
        ) {
            const GIVEN: [&str; 6] = ["J", "J V", "Ji-woo", "Ji-woo V.", "K", "John"];
            const ORCID: [Option<&str>; 3] = [None, Some("0000-0001-0000-0001"), Some("0000-0002-0000-0002")];
            let at = Provenance::new("a.jsonl", 1, None);
            let authors: Vec<Author> = members
                .iter()
                .chain(std::iter::once(&candidate))
                .map(|&(g, o)| author("Fenford", GIVEN[g], ORCID[o]))
                .collect();
            let names: Vec<Name> = authors.iter().map(|a| name_of(&at, a)).collect();
            let (n, group) = names.split_last().unwrap();
            let mut forms = Forms::default();
            for i in 0..group.len() {
                forms.add(&names, i);
            }
            let every = group.iter().all(|m| compatible(m, n));
            prop_assert_eq!(forms.admit(&names, n), every);
        }
    }

    /// The grouping as first written: every group of the block looked at,
    /// every member compared. The oracle for [`people`]'s indexes.
    fn brute_force(names: &[Name]) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by_key(|&i| {
            let n = &names[i];
            (n.author.orcid().is_none(), n.first_given.is_none(), std::cmp::Reverse(n.initials.len()), i)
        });
        let mut blocks: BTreeMap<(String, String), Vec<Vec<usize>>> = BTreeMap::new();
        let mut orcid_set: HashMap<String, ((String, String), usize)> = HashMap::default();
        for &i in &order {
            let n = &names[i];
            let key = (n.family.clone(), n.initials.chars().next().map(String::from).unwrap_or_default());
            if let Some((k, g)) = n.author.orcid().and_then(|o| orcid_set.get(o)) {
                blocks.get_mut(k).unwrap()[*g].push(i);
                continue;
            }
            let groups = blocks.entry(key.clone()).or_default();
            let fits: Vec<usize> =
                (0..groups.len()).filter(|&g| groups[g].iter().all(|&m| compatible(&names[m], n))).collect();
            let gi = if let [one] = fits.as_slice() {
                groups[*one].push(i);
                *one
            } else {
                groups.push(vec![i]);
                groups.len() - 1
            };
            if let Some(o) = n.author.orcid() {
                orcid_set.entry(o.to_string()).or_insert((key, gi));
            }
        }
        let mut out: Vec<Vec<usize>> = blocks.into_values().flatten().collect();
        for g in &mut out {
            g.sort_unstable();
        }
        out.sort();
        out
    }

    proptest! {
        /// [`people`] groups names as the brute force does, on names that
        /// share family names, initials, given names and ORCIDs in every mix.
        #[test]
        fn people_group_as_brute_force(
            picks in proptest::collection::vec((0usize..2, 0usize..7, 0usize..4), 1..40),
        ) {
            const FAMILY: [&str; 2] = ["Fenford", "Kelescu"];
            const GIVEN: [&str; 7] = ["J", "J V", "Ji-woo", "Ji-woo V.", "K", "John", ""];
            const ORCID: [Option<&str>; 4] =
                [None, None, Some("0000-0001-0000-0001"), Some("0000-0002-0000-0002")];
            let records: Vec<Record> = picks
                .iter()
                .enumerate()
                .map(|(k, &(f, g, o))| {
                    let mut r = Record::new(Provenance::new("a.ris", k as u32 + 1, None), "ris");
                    r.authors.push(author(FAMILY[f], GIVEN[g], ORCID[o]));
                    r
                })
                .collect();
            let mut diags = Vec::new();
            let people = people(&records, &mut diags);
            let mut got: Vec<Vec<usize>> =
                people.groups.iter().map(|(slots, _)| slots.iter().map(|&(ri, _)| ri).collect()).collect();
            for g in &mut got {
                g.sort_unstable();
            }
            got.sort();
            let names: Vec<Name> = records.iter().map(|r| name_of(&r.at, &r.authors[0])).collect();
            prop_assert_eq!(got, brute_force(&names));
        }
    }
}
