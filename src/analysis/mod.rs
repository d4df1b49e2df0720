//! Analyses over the graph and corpus: derived networks, clusters, metrics,
//! co-author queries, umbrella-review overlap.
pub mod overlap;
