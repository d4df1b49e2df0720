//! Settings of every stage in one file. [`Config`] embeds each stage's own
//! options type (resolution, network, clustering, naming, metrics, layout,
//! pictures), whose `Default` is the only place that stage's defaults live;
//! the top-level `config.toml` documents them and a test keeps it identical
//! to [`Config::default`]. The CLI reads `config.toml` from the working
//! directory when present (or the file given with `--config`), then applies
//! its flags on top.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The `[fetch]` settings live with the online layer, which reads them.
pub use crate::fetch::{FetchConfig, ServiceConfig};

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
    /// The derived network that is clustered and drawn.
    pub network: crate::pipeline::NetworkChoice,
    /// Leiden clustering.
    pub cluster: crate::analysis::cluster::ClusterOptions,
    /// Cluster names and summaries.
    pub naming: crate::analysis::naming::NamingOptions,
    /// Node positions of pictures and of the exports that carry positions.
    pub layout: crate::layout::LayoutOptions,
    /// Pictures (`render`, `map`).
    pub picture: crate::render::PictureOptions,
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
    /// Before an input is read into the store, check that the disk holding
    /// the store has room for it ([`crate::store::disk_needed`]); an input
    /// that would not fit is skipped with an error instead of failing the
    /// ingest when the disk is full.
    pub check_free_space: bool,
    /// Bytes to leave free on that disk beyond what an input needs.
    pub keep_free_bytes: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            path: PathBuf::from("citemap.db"),
            busy_timeout_secs: crate::store::DEFAULT_BUSY_TIMEOUT.as_secs(),
            check_free_space: true,
            keep_free_bytes: 1 << 30,
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
    /// Most member labels listed per cluster in `summary.json`, the most
    /// cited first (the graph files hold every member's cluster). 0: all.
    pub summary_members: usize,
}

impl Default for MapConfig {
    fn default() -> Self {
        MapConfig {
            formats: vec![MapFormat::Dot, MapFormat::Graphml, MapFormat::Svg, MapFormat::Png],
            max_drawn: 1500,
            summary_members: 200,
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
