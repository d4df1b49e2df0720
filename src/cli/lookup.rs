//! `show` and `query coauthors` on a big store: the part of the corpus an
//! answer reads, assembled from the store's indexed look-up
//! (`citemap::store::lookup`) instead of decoding the whole corpus.
//!
//! Each function here picks rows so that the answer on the part equals the
//! answer on the full corpus: every item the finder could match (a superset,
//! found through exact terms or the folded text), and everything the report
//! reads about the one found (its authors and citation neighbours for a work,
//! its works for a person, the co-authorship neighbourhood to the asked depth
//! with each collaborator's works). The finders themselves
//! ([`super::show::find_works`], [`super::show::find_agents`],
//! `citemap::analysis::query::find_agent`) then run on the part unchanged.
//! tests/persist.rs checks the answers against the full-corpus ones.

use anyhow::Result;
use citemap::analysis::query;
use citemap::model::norm;
use citemap::store::lookup::{Lookup, Part, Term, VenueSources};
use std::collections::BTreeSet;

/// The part `show work QUERY` reads.
pub fn for_work(l: &Lookup<'_>, q: &str) -> Result<Part> {
    let mut hits = l.works_with(Term::WorkId(q.trim()))?;
    if hits.is_empty() {
        if let Some(id) = super::show::identifier_in(q) {
            hits = l.works_with(Term::Identifier(&id))?;
        }
    }
    if hits.is_empty() {
        hits = l.works_containing(&super::show::query_words(q))?;
    }
    let mut works: BTreeSet<u32> = hits.iter().copied().collect();
    let mut agents = BTreeSet::new();
    if let [one] = hits.as_slice() {
        works.extend(l.citation_neighbours(*one)?);
        agents.extend(l.authors_of(*one)?);
    }
    Ok(l.corpus(&works, &agents, VenueSources::OfTheWorks)?)
}

/// The part `show person QUERY` reads.
pub fn for_person(l: &Lookup<'_>, q: &str) -> Result<Part> {
    let mut candidates: BTreeSet<u32> = l.agents_with(Term::AgentId(q.trim()))?.into_iter().collect();
    if candidates.is_empty() {
        if let Some(o) = norm::normalize_orcid(q) {
            candidates.extend(l.agents_with(Term::Orcid(&o))?);
        }
    }
    if candidates.is_empty() {
        let p = norm::parse_person(q);
        candidates.extend(l.agents_with(Term::Family(&norm::family_key(&p.family)))?);
        candidates.extend(l.agents_containing(&norm::alnum_key(q))?);
    }
    let first = l.corpus(&BTreeSet::new(), &candidates, VenueSources::None)?;
    let hits = super::show::find_agents(&first.corpus, q);
    let mut works = BTreeSet::new();
    if let [one] = hits.as_slice() {
        works.extend(l.works_of(first.agents[*one])?);
    }
    Ok(l.corpus(&works, &candidates, VenueSources::None)?)
}

/// The part `query coauthors NAME --depth DEPTH` reads.
pub fn for_coauthors(l: &Lookup<'_>, name: &str, depth: u32) -> Result<Part> {
    let q = name.trim();
    let mut candidates: BTreeSet<u32> = l.agents_with(Term::AgentId(q))?.into_iter().collect();
    if candidates.is_empty() {
        if let Some(o) =
            norm::normalize_orcid(q).filter(|_| q.chars().filter(char::is_ascii_digit).count() >= 15)
        {
            candidates.extend(l.agents_with(Term::Orcid(&o))?);
        }
    }
    if candidates.is_empty() {
        let fam = norm::family_key(&norm::parse_person(q).family);
        if !fam.is_empty() {
            candidates.extend(l.agents_with(Term::Family(&fam))?);
            candidates.extend(l.agents_with(Term::Organisation(&norm::alnum_key(q)))?);
        }
    }
    let first = l.corpus(&BTreeSet::new(), &candidates, VenueSources::None)?;
    // Whom the name finds decides what is read: the neighbourhood of the one
    // person found, or the works of every candidate (their counts are shown).
    let mut agents = candidates.clone();
    let mut works = BTreeSet::new();
    match query::find_agent(&first.corpus, q) {
        query::Lookup::Found { result } => {
            let found = first.agents[result];
            let mut seen = BTreeSet::from([found]);
            let mut frontier = vec![found];
            for _ in 0..depth.max(1) {
                let mut next = Vec::new();
                for &p in &frontier {
                    for w in l.works_of(p)? {
                        for b in l.authors_of(w)? {
                            if seen.insert(b) {
                                next.push(b);
                            }
                        }
                    }
                }
                frontier = next;
            }
            for &a in &seen {
                works.extend(l.works_of(a)?);
            }
            agents.extend(seen);
        }
        query::Lookup::Ambiguous { .. } => {
            for &a in &candidates {
                works.extend(l.works_of(a)?);
            }
        }
        query::Lookup::NotFound { .. } => {}
    }
    Ok(l.corpus(&works, &agents, VenueSources::None)?)
}
