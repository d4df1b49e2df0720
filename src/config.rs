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
    /// Node metrics (PageRank, betweenness).
    pub metrics: crate::analysis::metrics::MetricsOptions,
}

/// Store settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Path of the SQLite file, relative to the working directory.
    pub path: PathBuf,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { path: PathBuf::from("citemap.db") }
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
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig { max_file_bytes: 8 << 30, skip_hidden: true }
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
    pub formats: Vec<String>,
    /// Most works laid out and drawn on `map.svg`/`map.png`; above it, the
    /// most cited works of each cluster (every cluster shown) and an
    /// `overview.svg`/`overview.png` with one disc per cluster. 0: no limit.
    pub max_drawn: usize,
}

impl Default for MapConfig {
    fn default() -> Self {
        MapConfig {
            formats: vec!["dot".into(), "graphml".into(), "svg".into(), "png".into()],
            max_drawn: 1500,
        }
    }
}

impl Config {
    /// Parses a configuration; missing keys take their defaults.
    pub fn from_toml(text: &str) -> Result<Config, Error> {
        Ok(toml::from_str(text)?)
    }
}
