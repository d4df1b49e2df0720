//! Crossref requests: one work by DOI (`/works/{doi}`, with its deposited
//! reference list). A 404 ("Resource not found.", plain text) means Crossref
//! does not have the DOI. Bodies are read by [`crate::ingest::crossref`].
//! Bibliographic search is in [`super::search`].

use super::{base, encode, BodyKind, Request, Service};
use crate::fetch::FetchConfig;

/// The look-up of one DOI.
pub fn work(cfg: &FetchConfig, doi: &str) -> Request {
    let label = format!("{}/works/{}", base(cfg, Service::Crossref), encode(doi, true));
    Request::get(Service::Crossref, label, BodyKind::Json)
}
