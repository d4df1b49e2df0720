//! The settings of the online layer (`[fetch]` and `[fetch.SERVICE]` in
//! `config.toml`): contact, timeouts, retries and per-service politeness.
//! Their `Default` is the only place these defaults live; `config::Config`
//! embeds them (and re-exports the types), so `fetch` needs nothing above it.

use serde::{Deserialize, Serialize};

/// Settings of the online layer ([`crate::fetch`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FetchConfig {
    /// Contact address sent as `mailto` (OpenAlex, Crossref polite pool), in
    /// the `User-Agent` and as NCBI `email`; `CITEMAP_MAILTO` overrides it.
    /// Never written out (summaries print the settings).
    #[serde(skip_serializing)]
    pub mailto: String,
    /// Product part of the `User-Agent` (the contact address is appended).
    pub user_agent: String,
    /// Whole-request timeout, seconds.
    pub timeout_secs: f64,
    /// Connection timeout, seconds.
    pub connect_timeout_secs: f64,
    /// Retries after the first attempt (429, 5xx, timeouts, cut bodies).
    pub max_retries: u32,
    /// First backoff wait, milliseconds; doubled per retry, with jitter.
    pub backoff_ms: u64,
    /// Longest backoff wait, milliseconds.
    pub backoff_cap_ms: u64,
    /// A `Retry-After` longer than this (seconds) fails the item instead of waiting.
    pub max_retry_after_secs: u64,
    /// Largest response body accepted, bytes.
    pub max_body_bytes: u64,
    /// OpenAlex (`OPENALEX_API_KEY`).
    pub openalex: ServiceConfig,
    /// Crossref REST API.
    pub crossref: ServiceConfig,
    /// NCBI E-utilities (`NCBI_API_KEY`).
    pub pubmed: ServiceConfig,
    /// Semantic Scholar Graph API (`S2_API_KEY`).
    pub semantic_scholar: ServiceConfig,
    /// OpenCitations Index API v2.
    pub opencitations: ServiceConfig,
}

impl Default for FetchConfig {
    fn default() -> Self {
        let svc = |base: &str, rate: f64, concurrency: u32| ServiceConfig {
            base_url: base.into(),
            rate,
            concurrency,
            api_key: String::new(),
            daily_budget: None,
        };
        FetchConfig {
            mailto: String::new(),
            user_agent: "citemap/0.1 (systematic-review citation mapper)".into(),
            timeout_secs: 60.0,
            connect_timeout_secs: 10.0,
            max_retries: 4,
            backoff_ms: 1000,
            backoff_cap_ms: 60_000,
            max_retry_after_secs: 300,
            max_body_bytes: 256 << 20,
            // $1 a day: the budget of a free OpenAlex key (API-NOTES.md).
            openalex: ServiceConfig { daily_budget: Some(1.0), ..svc("https://api.openalex.org", 10.0, 4) },
            crossref: svc("https://api.crossref.org", 5.0, 1),
            pubmed: svc("https://eutils.ncbi.nlm.nih.gov/entrez/eutils", 3.0, 2),
            semantic_scholar: svc("https://api.semanticscholar.org/graph/v1", 1.0, 1),
            opencitations: svc("https://api.opencitations.net/index/v2", 2.0, 1),
        }
    }
}

/// One service's address and politeness limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceConfig {
    /// Base URL (point it at a mirror, a proxy or a test server).
    pub base_url: String,
    /// Most requests per second (token bucket); a lower limit a response
    /// advertises (Crossref `x-rate-limit-*`) takes over.
    pub rate: f64,
    /// Most requests in flight at once.
    pub concurrency: u32,
    /// API key; empty: taken from the service's environment variable. Never
    /// stored, logged or printed (not even in the settings `summary.json` lists).
    #[serde(skip_serializing)]
    pub api_key: String,
    /// Most US dollars spent in any 24 hours, counted from the answers
    /// stored in the last 24 h and priced per request class (OpenAlex:
    /// singleton look-ups free, list/filter $0.0001, search $0.001; the
    /// other services publish no prices, so nothing is counted there). When
    /// spent, the remaining requests fail with reason `budget` and the run
    /// goes on. `None`: no budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily_budget: Option<f64>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            base_url: String::new(),
            rate: 1.0,
            concurrency: 1,
            api_key: String::new(),
            daily_budget: None,
        }
    }
}
