//! Enrichment at scale against a local server (no network): N DOIs (10,000
//! by default, `CITEMAP_BENCH_DOIS`) looked up at OpenAlex in batches of 50
//! at the configured politeness (10 requests/s, 4 in flight by default;
//! `CITEMAP_BENCH_RATE` overrides the rate). Prints requests per work, wall
//! time, throughput, and then the same enrichment again, which must make 0
//! requests (everything comes from the store).
//!
//! ```text
//! cargo bench --bench fetch
//! CITEMAP_BENCH_DOIS=2000 CITEMAP_BENCH_RATE=50 cargo bench --bench fetch
//! ```

#[path = "../tests/fetch_server/mod.rs"]
mod fetch_server;

use citemap::fetch::session::{CachePolicy, Session};
use citemap::fetch::{enrich, Client, Service};
use citemap::model::Identifier;
use citemap::store::Store;
use fetch_server::{Reply, Server};
use std::time::{Duration, Instant};

/// An OpenAlex list page holding one small work per DOI in the filter.
fn answer(s: &fetch_server::Seen) -> Reply {
    let q = s.target.split_once("filter=doi:").map(|x| x.1).unwrap_or("");
    let list = q.split('&').next().unwrap_or("");
    let works: Vec<String> = list
        .split('|')
        .filter(|d| !d.is_empty())
        .map(|d| {
            let d = d.replace("%2F", "/");
            let n = d.rsplit('.').next().unwrap_or("0");
            format!(
                "{{\"id\":\"https://openalex.org/W{n}\",\"doi\":\"https://doi.org/{d}\",\"title\":\"Work {n}\",\"publication_year\":2020}}"
            )
        })
        .collect();
    Reply::json(200, format!("{{\"meta\":{{\"count\":{}}},\"results\":[{}]}}", works.len(), works.join(",")))
}

fn main() {
    let n: usize = std::env::var("CITEMAP_BENCH_DOIS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let srv = Server::start(Duration::ZERO, answer);
    let mut cfg = citemap::config::FetchConfig::default();
    cfg.openalex.base_url = format!("{}/openalex", srv.base);
    if let Some(r) = std::env::var("CITEMAP_BENCH_RATE").ok().and_then(|v| v.parse().ok()) {
        cfg.openalex.rate = r;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("bench.db")).expect("store");
    let works: Vec<Vec<Identifier>> =
        (0..n).map(|i| vec![Identifier::Doi(format!("10.5555/bench.{i}"))]).collect();
    for round in ["first run", "rerun"] {
        let client = Client::with_secrets(&cfg, None, Default::default()).expect("client");
        let mut s = Session::new(Some(client), &mut store, CachePolicy::default());
        let t = Instant::now();
        let got = enrich::enrich(&mut s, &cfg, &works, &[Service::Openalex]).expect("enrich");
        let secs = t.elapsed().as_secs_f64();
        let r = &s.report.services[&Service::Openalex];
        let found =
            got.states.values().filter(|s| matches!(s, citemap::fetch::session::KeyState::Found)).count();
        println!(
            "{round}: {n} DOIs, {} requests ({:.3} per work), {found} found, {} from the store, {secs:.1} s, {:.0} works/s (rate {} req/s, {} in flight)",
            r.requests,
            r.requests as f64 / n as f64,
            r.from_cache,
            n as f64 / secs,
            cfg.openalex.rate,
            cfg.openalex.concurrency
        );
    }
}
