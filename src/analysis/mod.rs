//! Analyses over the graph and corpus: derived networks, clusters, metrics,
//! co-author queries, umbrella-review overlap.
//!
//! - [`network`]: derived networks (citation, co-citation, coupling,
//!   co-authorship, subject co-occurrence, text similarity, hybrid).
//! - [`cluster`]: Leiden clustering with stable cluster numbers.
//! - [`leiden`]: the Leiden engine [`cluster`] runs.
//! - [`naming`]: readable cluster names and summaries.
//! - [`metrics`]: citation counts, degrees, PageRank, betweenness, components.
//! - [`query`]: co-author and author queries with tolerant name look-up.
//! - [`overlap`]: umbrella-review overlap (citation matrix, CA, CCA).
//! - [`thesaurus`]: VOSviewer thesaurus files merging term, name and venue variants.

pub mod cluster;
pub mod leiden;
pub mod metrics;
pub mod naming;
pub mod network;
pub mod query;
pub mod thesaurus;
pub mod tokens;
pub mod umbrella;
