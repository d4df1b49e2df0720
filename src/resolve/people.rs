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
pub(crate) struct AgentDraft {
    /// True for organisations.
    pub is_org: bool,
    /// Every (source, author) naming this agent, sorted by source.
    pub names: Vec<(Provenance, Author)>,
}

/// The agents and who points at them.
pub(crate) struct Agents {
    /// Per record, per byline position: agent index.
    pub record_authors: Vec<Vec<usize>>,
    /// Per cited-only group: organisation agents among its authors (first author only).
    pub cited_orgs: Vec<Option<usize>>,
    /// The agents, ordered by first source.
    pub drafts: Vec<AgentDraft>,
}

/// An organisation named as an author: source, name, the byline slot
/// (record, position) or the cited-only group it comes from.
type OrgMention = (Provenance, Author, Option<(usize, usize)>, Option<usize>);

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

fn compatible(a: &Name, b: &Name) -> bool {
    if let (Some(x), Some(y)) = (&a.author.orcid, &b.author.orcid) {
        return x == y;
    }
    if !(a.initials.starts_with(&b.initials) || b.initials.starts_with(&a.initials)) {
        return false;
    }
    match (&a.first_given, &b.first_given) {
        (Some(x), Some(y)) => x == y,
        _ => true,
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
        let orcids: Vec<&String> =
            groups[gi].iter().filter_map(|&i| names[i].author.orcid.as_ref()).collect();
        let fits: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|&cj| cj != gi && into[cj].is_none())
            .filter(|&cj| {
                groups[cj].iter().all(|&m| groups[gi].iter().all(|&n| same_compound(&names[n], &names[m])))
            })
            .filter(|&cj| {
                let theirs = coauthors(&groups[cj]);
                let shared_orcid = groups[cj]
                    .iter()
                    .filter_map(|&i| names[i].author.orcid.as_ref())
                    .any(|o| orcids.contains(&o));
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
pub(crate) struct People {
    /// Per person, in agent order: the byline slots (record, position) of
    /// its names and its draft.
    groups: Vec<(Vec<(usize, usize)>, AgentDraft)>,
}

/// Groups the people among the authors of `records` (ORCID sets, then
/// blocks by family name and first initial). Needs no cited works, so it
/// runs beside [`super::cited::resolve`].
pub(crate) fn people(records: &[Record], diags: &mut Vec<Diagnostic>) -> People {
    let mut names: Vec<Name> = Vec::new();
    let mut slots: Vec<(usize, usize)> = Vec::new();
    for (ri, r) in records.iter().enumerate() {
        for (pos, a) in r.authors.iter().enumerate() {
            if !a.is_org && !a.family.trim().is_empty() {
                names.push(name_of(&r.at, a));
                slots.push((ri, pos));
            }
        }
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].at.cmp(names[b].at).then(slots[a].cmp(&slots[b])));
    let mut blocks: BTreeMap<(String, String), Vec<Vec<usize>>> = BTreeMap::new();
    let mut orcid_set: HashMap<String, (String, String, usize)> = HashMap::default();
    // Most informative names first: ORCID, full given name, longer initials.
    order.sort_by_key(|&i| {
        let n = &names[i];
        (n.author.orcid.is_none(), n.first_given.is_none(), std::cmp::Reverse(n.initials.len()), i)
    });
    for &i in &order {
        let n = &names[i];
        let first_initial = n.initials.chars().next().map(String::from).unwrap_or_default();
        let key = (n.family.clone(), first_initial);
        if let Some(orcid) = &n.author.orcid {
            if let Some((f, ini, g)) = orcid_set.get(orcid) {
                if let Some(groups) = blocks.get_mut(&(f.clone(), ini.clone())) {
                    groups[*g].push(i);
                    continue;
                }
            }
        }
        let groups = blocks.entry(key.clone()).or_default();
        let fits: Vec<usize> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.iter().all(|&m| compatible(&names[m], n)))
            .map(|(gi, _)| gi)
            .collect();
        let gi = match fits.as_slice() {
            [one] => {
                groups[*one].push(i);
                *one
            }
            [] => {
                groups.push(vec![i]);
                groups.len() - 1
            }
            many => {
                diags.push(Diagnostic::warning(
                    n.at.clone(),
                    format!("author \"{}\" fits {} different people: kept apart", n.author.raw, many.len()),
                ));
                groups.push(vec![i]);
                groups.len() - 1
            }
        };
        if let Some(orcid) = &n.author.orcid {
            orcid_set.entry(orcid.clone()).or_insert((key.0, key.1, gi));
        }
    }

    let mut people_members: Vec<Vec<usize>> = blocks.into_values().flatten().collect();
    bridge_compound_surnames(&mut people_members, &names, &slots, records);
    for m in &mut people_members {
        m.sort_by(|&a, &b| names[a].at.cmp(names[b].at).then(slots[a].cmp(&slots[b])));
    }
    people_members.sort_by(|a, b| names[a[0]].at.cmp(names[b[0]].at).then(slots[a[0]].cmp(&slots[b[0]])));
    use rayon::prelude::*;
    let groups = people_members
        .par_iter()
        .map(|m| {
            let draft = AgentDraft {
                is_org: false,
                names: m.iter().map(|&i| (names[i].at.clone(), names[i].author.clone())).collect(),
            };
            (m.iter().map(|&i| slots[i]).collect(), draft)
        })
        .collect();
    People { groups }
}

/// Resolves the authors of `records` into agents: the people grouped by
/// [`people`], then organisations (also from the authors of cited works).
pub(crate) fn resolve(records: &[Record], cited: &Cited, people: People) -> Agents {
    let mut record_authors: Vec<Vec<usize>> =
        records.iter().map(|r| vec![usize::MAX; r.authors.len()]).collect();
    // Organisations, from records and from cited works.
    let mut orgs: BTreeMap<String, Vec<OrgMention>> = BTreeMap::new();
    for (ri, r) in records.iter().enumerate() {
        for (pos, a) in r.authors.iter().enumerate() {
            if a.is_org {
                orgs.entry(norm::alnum_key(&a.family)).or_default().push((
                    r.at.clone(),
                    a.clone(),
                    Some((ri, pos)),
                    None,
                ));
            }
        }
    }
    for (gi, members) in cited.groups.iter().enumerate() {
        for &(r, c) in members {
            let cit = &records[r].citations[c];
            if let Some(a) = cit.authors.first().filter(|a| a.is_org) {
                orgs.entry(norm::alnum_key(&a.family)).or_default().push((
                    cit.at.clone(),
                    a.clone(),
                    None,
                    Some(gi),
                ));
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
        members.sort_by(|a, b| a.0.cmp(&b.0));
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
