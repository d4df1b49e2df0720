//! Filling gaps by identifier: OpenAlex batch look-ups (`filter=doi:a|b|…`,
//! `pmid:`, and `pmcid:` for works with only a PMCID; `pmcid` is among the
//! filter fields OpenAlex lists), PubMed `efetch` of up to 200 PMIDs, Semantic Scholar batches of
//! 500 (when asked for; also `ARXIV:` for works with only an arXiv id, which
//! OpenAlex cannot be asked by), then Crossref by DOI for the DOIs OpenAlex does not
//! have. What comes back is stored as inputs by
//! the [`Session`], so resolution merges it with everything else.

use super::session::{Error, KeyState, Reader, Session};
use super::{crossref, openalex, pubmed, semantic_scholar, Service};
use crate::fetch::FetchConfig;
use crate::model::Identifier;
use std::collections::{BTreeMap, BTreeSet};

/// Outcome of an enrichment run: per service, the state of each key.
#[derive(Clone, Debug, Default)]
pub struct Enriched {
    /// `(service, key)` → state.
    pub states: BTreeMap<(Service, String), KeyState>,
}

/// Looks up every work (given by its identifiers) at `services`.
pub fn enrich(
    session: &mut Session<'_>,
    cfg: &FetchConfig,
    works: &[Vec<Identifier>],
    services: &[Service],
) -> Result<Enriched, Error> {
    let mut dois: BTreeSet<String> = BTreeSet::new();
    let mut pmids_without_doi: BTreeSet<String> = BTreeSet::new();
    let mut pmids: BTreeSet<String> = BTreeSet::new();
    let mut pmcids_only: BTreeSet<String> = BTreeSet::new();
    let mut arxiv_only: BTreeSet<String> = BTreeSet::new();
    for ids in works {
        let doi = ids.iter().find_map(|i| match i {
            Identifier::Doi(d) => Some(d.clone()),
            _ => None,
        });
        let pmid = ids.iter().find_map(|i| match i {
            Identifier::Pmid(p) => Some(p.clone()),
            _ => None,
        });
        if let Some(p) = &pmid {
            pmids.insert(format!("pmid:{p}"));
        }
        let other = |scheme: &str| ids.iter().find(|i| i.scheme() == scheme).map(|i| i.to_string());
        match (doi, pmid) {
            (Some(d), _) => {
                dois.insert(format!("doi:{d}"));
            }
            (None, Some(p)) => {
                pmids_without_doi.insert(format!("pmid:{p}"));
            }
            (None, None) => {
                if let Some(k) = other("pmcid") {
                    pmcids_only.insert(k);
                } else if let Some(k) = other("arxiv") {
                    arxiv_only.insert(k);
                }
            }
        }
    }
    let mut out = Enriched::default();
    let want = |s: Service| services.contains(&s);
    if want(Service::Openalex) {
        let keys: Vec<String> =
            dois.iter().chain(pmids_without_doi.iter()).chain(pmcids_only.iter()).cloned().collect();
        let make = |scheme: &str, values: &[String]| openalex::lookup(cfg, scheme, values);
        for (k, r) in session.lookup(Service::Openalex, Reader::Openalex, &keys, openalex::BATCH, &make)? {
            out.states.insert((Service::Openalex, k), r.state);
        }
    }
    if want(Service::Pubmed) {
        let keys: Vec<String> = pmids.iter().cloned().collect();
        let make = |_: &str, values: &[String]| Some(pubmed::efetch(cfg, values));
        for (k, r) in session.lookup(Service::Pubmed, Reader::PubmedXml, &keys, pubmed::BATCH, &make)? {
            out.states.insert((Service::Pubmed, k), r.state);
        }
    }
    if want(Service::SemanticScholar) {
        let keys: Vec<String> = dois
            .iter()
            .chain(pmids_without_doi.iter())
            .chain(pmcids_only.iter())
            .chain(arxiv_only.iter())
            .cloned()
            .collect();
        let make = |scheme: &str, values: &[String]| {
            let specs: Vec<String> =
                values.iter().filter_map(|v| semantic_scholar::spec(scheme, v)).collect();
            (!specs.is_empty()).then(|| semantic_scholar::batch(cfg, &specs))
        };
        let got = session.lookup(
            Service::SemanticScholar,
            Reader::SemanticScholar,
            &keys,
            semantic_scholar::BATCH,
            &make,
        )?;
        for (k, r) in got {
            out.states.insert((Service::SemanticScholar, k), r.state);
        }
    }
    if want(Service::Crossref) {
        // Only the DOIs OpenAlex did not find (all of them when it was not asked).
        let keys: Vec<String> = dois
            .iter()
            .filter(|k| !matches!(out.states.get(&(Service::Openalex, (*k).clone())), Some(KeyState::Found)))
            .cloned()
            .collect();
        let make = |_: &str, values: &[String]| values.first().map(|d| crossref::work(cfg, d));
        for (k, r) in session.lookup(Service::Crossref, Reader::Crossref, &keys, 1, &make)? {
            out.states.insert((Service::Crossref, k), r.state);
        }
    }
    Ok(out)
}
