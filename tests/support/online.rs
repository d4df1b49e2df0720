//! A project folder for the online commands end to end: a `config.toml`
//! pointing every service at a local replay server on 127.0.0.1 (short
//! backoff, one retry), the `citemap` binary run in it with the store
//! `s.db` and no API keys from the environment, and its JSON output read.
//! The test crate declares `mod fetch_server;` beside this module.
#![allow(dead_code)]

use crate::fetch_server::{Reply, Seen, Server};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Starts a server answering with `handler` and a temporary project folder
/// configured for it.
pub fn project(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> (Server, tempfile::TempDir) {
    let srv = Server::start(Duration::ZERO, handler);
    let dir = tempfile::tempdir().expect("tempdir");
    write_config(dir.path(), &srv.base);
    (srv, dir)
}

/// Writes the input `name` into the project and ingests it into the store.
pub fn ingest(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("input written");
    let (code, _, err) = citemap(dir, &["ingest", name]);
    assert_eq!(code, 0, "ingest {name}: {err}");
}

/// Writes `config.toml` with every service's base URL under `base`.
pub fn write_config(dir: &Path, base: &str) -> PathBuf {
    let mut cfg =
        String::from("[fetch]\nbackoff_ms = 10\nbackoff_cap_ms = 50\nmax_retries = 1\ntimeout_secs = 10.0\n");
    for (name, prefix) in [
        ("openalex", "openalex"),
        ("crossref", "crossref"),
        ("pubmed", "pubmed"),
        ("semantic_scholar", "s2"),
        ("opencitations", "oc"),
    ] {
        cfg.push_str(&format!(
            "[fetch.{name}]\nbase_url = \"{base}/{prefix}\"\nrate = 100.0\nconcurrency = 3\n"
        ));
    }
    let p = dir.join("config.toml");
    std::fs::write(&p, cfg).expect("config written");
    p
}

/// Runs `citemap --config config.toml --store s.db ARGS` in `dir`: (exit
/// code, stdout, stderr).
pub fn citemap(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_citemap"))
        .current_dir(dir)
        .args(["--config", "config.toml", "--store", "s.db"])
        .args(args)
        .env_remove("OPENALEX_API_KEY")
        .env_remove("NCBI_API_KEY")
        .env_remove("S2_API_KEY")
        .env_remove("CITEMAP_MAILTO")
        .output()
        .expect("citemap runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The request targets the server saw that start with `prefix`, in order.
pub fn asked(srv: &Server, prefix: &str) -> Vec<String> {
    srv.seen().iter().filter(|s| s.target.starts_with(prefix)).map(|s| s.target.clone()).collect()
}

/// The JSON a command printed.
pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}
