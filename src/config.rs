//! Settings: every default lives in [`Config::default`] and is documented in
//! the top-level `config.toml`, which a test keeps identical to these defaults.
//! The CLI reads `config.toml` from the working directory when present (or the
//! file given with `--config`), then applies its flags on top.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Why a configuration could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file is not valid TOML or has unknown keys.
    #[error("invalid configuration: {0}")]
    Toml(#[from] toml::de::Error),
}

/// All settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The embedded store.
    pub store: StoreConfig,
    /// Reading inputs.
    pub ingest: IngestConfig,
    /// Resolution thresholds.
    pub resolve: crate::resolve::Options,
    /// Which entities become graph nodes.
    pub graph: GraphConfig,
    /// What `map` writes.
    pub map: MapConfig,
    /// The scholarly APIs (`enrich`, `chase`, `map --online`).
    pub fetch: FetchConfig,
    /// Node metrics (PageRank, betweenness).
    pub metrics: crate::analysis::metrics::MetricsOptions,
}

/// Store settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Path of the SQLite file, relative to the working directory.
    pub path: PathBuf,
    /// Seconds a command waits for another citemap writing to the same store
    /// before giving up.
    pub busy_timeout_secs: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            path: PathBuf::from("citemap.db"),
            busy_timeout_secs: crate::store::DEFAULT_BUSY_TIMEOUT.as_secs(),
        }
    }
}

/// Input settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestConfig {
    /// Largest input read whole, in bytes; bigger ones are skipped with an
    /// error. OpenAlex JSON Lines, WoS plain text and RIS stream: no limit.
    pub max_file_bytes: u64,
    /// Skip hidden files and folders (names starting with `.`) when walking folders.
    pub skip_hidden: bool,
    /// Most bytes a gzip input may expand to, counted as it streams; beyond
    /// it the input is skipped with an error.
    pub max_decompressed_bytes: u64,
    /// Most times a gzip input may expand its compressed size (checked after
    /// its first 8 MiB; 0: no bound); beyond it the input is skipped as a
    /// zip bomb.
    pub max_gzip_ratio: u64,
    /// Longest line of a line-based input; the rest of a longer line is
    /// dropped with a warning.
    pub max_line_bytes: u64,
    /// Longest text field of a record; longer ones are cut with a warning.
    pub max_field_bytes: u64,
    /// Most text one record may hold; a bigger record is dropped with a warning.
    pub max_record_bytes: u64,
}

impl Default for IngestConfig {
    fn default() -> Self {
        let limits = crate::ingest::Limits::default();
        IngestConfig {
            max_file_bytes: 8 << 30,
            skip_hidden: true,
            max_decompressed_bytes: crate::ingest::DEFAULT_MAX_DECOMPRESSED_BYTES,
            max_gzip_ratio: crate::ingest::DEFAULT_MAX_GZIP_RATIO,
            max_line_bytes: limits.max_line_bytes,
            max_field_bytes: limits.max_field_bytes,
            max_record_bytes: limits.max_record_bytes,
        }
    }
}

impl IngestConfig {
    /// The reader options these settings give.
    pub fn options(&self) -> crate::ingest::Options {
        crate::ingest::Options {
            format: None,
            max_decompressed_bytes: Some(self.max_decompressed_bytes),
            max_gzip_ratio: Some(self.max_gzip_ratio),
            limits: crate::ingest::Limits {
                max_line_bytes: self.max_line_bytes,
                max_field_bytes: self.max_field_bytes,
                max_record_bytes: self.max_record_bytes,
            },
        }
    }
}

/// Graph settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphConfig {
    /// Add person and organisation nodes with `authored` edges.
    pub agents: bool,
    /// Add venue nodes with `published_in` edges.
    pub venues: bool,
    /// Add subject nodes with `about` edges.
    pub subjects: bool,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig { agents: true, venues: true, subjects: true }
    }
}

impl GraphConfig {
    /// The matching build options.
    pub fn build_options(&self) -> crate::graph::BuildOptions {
        crate::graph::BuildOptions { agents: self.agents, venues: self.venues, subjects: self.subjects }
    }
}

/// `map` settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MapConfig {
    /// Files written next to `summary.json`: any of `dot`, `graphml` (graph.*), `svg`, `png` (map.*).
    pub formats: Vec<MapFormat>,
    /// Most works laid out and drawn on `map.svg`/`map.png`; above it, the
    /// most cited works of each cluster (every cluster shown) and an
    /// `overview.svg`/`overview.png` with one disc per cluster. 0: no limit.
    pub max_drawn: usize,
}

impl Default for MapConfig {
    fn default() -> Self {
        MapConfig {
            formats: vec![MapFormat::Dot, MapFormat::Graphml, MapFormat::Svg, MapFormat::Png],
            max_drawn: 1500,
        }
    }
}

/// A file `citemap map` writes (`map.formats`, `map --format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum MapFormat {
    /// `graph.dot`.
    Dot,
    /// `graph.graphml`.
    Graphml,
    /// `map.svg` (and `overview.svg` for big maps).
    Svg,
    /// `map.png` (and `overview.png` for big maps).
    Png,
}

impl MapFormat {
    /// The lowercase name, also the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            MapFormat::Dot => "dot",
            MapFormat::Graphml => "graphml",
            MapFormat::Svg => "svg",
            MapFormat::Png => "png",
        }
    }
}

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

/// The documented default configuration (the repository's `config.toml`,
/// which a test keeps equal to [`Config::default`]); `citemap config
/// --defaults` prints it.
pub const DEFAULT_TOML: &str = include_str!("../config.toml");

impl Config {
    /// Parses a configuration; missing keys take their defaults.
    pub fn from_toml(text: &str) -> Result<Config, Error> {
        Ok(toml::from_str(text)?)
    }
}
