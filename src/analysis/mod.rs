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

/// How many nodes ahead in its order a pass over a graph (betweenness,
/// Leiden) asks for what it will read ([`prefetch`]).
pub(crate) const AHEAD: usize = 8;

/// Asks the processor to bring `data[i]` into the cache: a hint, for loops
/// that know which scattered entries they will read next (nothing happens
/// off x86-64 or past the end).
#[inline(always)]
pub(crate) fn prefetch<T>(data: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = data.get(i) {
        // SAFETY: a prefetch is only a hint; it reads nothing and cannot fault,
        // and `x` is a valid reference besides.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (x as *const T).cast::<i8>(),
            )
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (data, i);
}
