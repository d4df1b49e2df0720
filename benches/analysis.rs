//! Benchmark of the analysis stages on synthetic OpenAlex-shaped corpora.
//!
//! Generate the inputs first (see `../shared/bench/README.md`):
//!
//! ```text
//! python3 ../shared/bench/gen_corpus.py --n 10000 --seed 42 --formats jsonl --out /tmp/c10k
//! python3 ../shared/bench/gen_corpus.py --n 100000 --seed 42 --formats jsonl --out /tmp/c100k
//! cargo bench --bench analysis            # release build
//! ```
//!
//! `CITEMAP_BENCH_CORPORA` (comma-separated `works.jsonl` paths) overrides the
//! default `/tmp/c10k/works.jsonl,/tmp/c100k/works.jsonl`; missing files are
//! skipped. For each corpus it prints, per stage, the wall time and the peak
//! resident memory of the stage (VmHWM from `/proc/self/status`, reset before
//! each stage through `/proc/self/clear_refs` where the kernel allows it, so
//! the number is the process peak during that stage).
//!
//! Stages: load (JSONL -> Corpus), network building (citation, bibliographic
//! coupling, co-citation, co-authorship), Leiden on the citation network,
//! cluster naming (titles only here), and metrics (degrees, PageRank, sampled
//! betweenness, components) on it.
//! Coupling and co-citation keep pairs of weight 3 or more (full counting):
//! at 100k works the unfiltered coupling projection has ~80M pair incidences,
//! and every kept edge costs a few hundred bytes in a `CitationGraph`.
//! Betweenness uses 64 sampled sources (the library default is 256).
//!
//! The corpus is read with a small serde reader of the OpenAlex fields used
//! here (id, publication_year, title, authorships[].author{id,display_name},
//! referenced_works); it will switch to the library reader
//! `citemap::ingest::openalex` plus resolution once those land. Cited ids that
//! are not records become cited-only works.
//!
//! Next to each input it writes `citation_edges.tsv` (undirected `a b weight`,
//! 0-based node indices, the graph Leiden clustered) and `citemap_modularity.txt`
//! (per line: modularity, seconds, which run: the map default and the engine
//! alone with pendant nodes left in), for
//! `scripts/leidenalg_compare.py`.

use citemap::analysis::{cluster, metrics, naming, network};
use citemap::model::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::time::Instant;

#[derive(Deserialize)]
struct OaWork {
    id: String,
    #[serde(default)]
    publication_year: Option<i32>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    authorships: Vec<OaAuthorship>,
    #[serde(default)]
    referenced_works: Vec<String>,
}

#[derive(Deserialize)]
struct OaAuthorship {
    author: OaAuthor,
}

#[derive(Deserialize)]
struct OaAuthor {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

fn short(id: &str) -> String {
    id.rsplit('/').next().unwrap_or(id).to_string()
}

fn empty_work(id: String, kind: WorkKind, label: String, at: &Provenance) -> Work {
    Work {
        id,
        kind,
        label,
        title: None,
        alt_titles: vec![],
        ids: vec![],
        year: None,
        year_suffix: String::new(),
        year_note: None,
        published: None,
        epublished: None,
        venue: None,
        volume: None,
        issue: None,
        pages: None,
        abstract_text: None,
        language: None,
        doc_type: None,
        times_cited: None,
        keywords: vec![],
        affiliations: vec![],
        cited_authors: None,
        missing: vec![],
        sources: vec![at.clone()],
        matched_on: vec![],
    }
}

fn load(path: &str) -> std::io::Result<Corpus> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut records: Vec<(OaWork, u32)> = Vec::new();
    for (i, line) in file.lines().enumerate() {
        let line = line?;
        if let Ok(w) = serde_json::from_str::<OaWork>(&line) {
            records.push((w, i as u32 + 1));
        }
    }
    let label = "works.jsonl";
    let mut work_ix: BTreeMap<String, (WorkKind, usize)> = BTreeMap::new();
    for (r, (w, _)) in records.iter().enumerate() {
        work_ix.insert(short(&w.id), (WorkKind::Paper, r));
    }
    for (w, _) in &records {
        for r in &w.referenced_works {
            work_ix.entry(short(r)).or_insert((WorkKind::CitedWork, usize::MAX));
        }
    }
    let mut agents: BTreeMap<String, String> = BTreeMap::new();
    for (w, _) in &records {
        for a in &w.authorships {
            if let Some(id) = &a.author.id {
                agents.entry(short(id)).or_insert_with(|| a.author.display_name.clone().unwrap_or_default());
            }
        }
    }
    let mut c = Corpus::default();
    let position: BTreeMap<&str, u32> =
        work_ix.keys().enumerate().map(|(i, k)| (k.as_str(), i as u32)).collect();
    for (id, &(kind, r)) in &work_ix {
        let at = Provenance::new(label, records.get(r).map_or(0, |x| x.1), None);
        let mut w = empty_work(id.clone(), kind, id.clone(), &at);
        if let Some((rec, _)) = records.get(r) {
            w.title = rec.title.clone().map(|t| Sourced::new(t, at.clone()));
            w.year = rec.publication_year.map(|y| Sourced::new(y, at.clone()));
            let first =
                rec.authorships.first().and_then(|a| a.author.display_name.clone()).unwrap_or_default();
            w.label = format!("{} {}", first, rec.publication_year.map_or("n.d.".into(), |y| y.to_string()));
        }
        c.works.push(w);
    }
    let agent_pos: BTreeMap<&str, u32> =
        agents.keys().enumerate().map(|(i, k)| (k.as_str(), i as u32)).collect();
    for (id, name) in &agents {
        let p = norm::parse_person(name);
        c.agents.push(Agent {
            id: id.clone(),
            kind: AgentKind::Person,
            name: name.clone(),
            family: p.family,
            given: p.given,
            orcid: None,
            variants: vec![],
            affiliations: vec![],
            sources: vec![],
        });
    }
    for (rec, line) in &records {
        let at = Provenance::new(label, *line, None);
        let from = position[short(&rec.id).as_str()];
        for (k, a) in rec.authorships.iter().enumerate() {
            if let Some(&agent) = a.author.id.as_ref().and_then(|id| agent_pos.get(short(id).as_str())) {
                c.authorships.push(Authorship {
                    work: from,
                    agent,
                    position: k as u32,
                    sources: smallvec::smallvec![at.clone()],
                });
            }
        }
        for r in &rec.referenced_works {
            let to = position[short(r).as_str()];
            c.cites.push(Cites { from, to, count: 1, sources: smallvec::smallvec![at.clone()] });
        }
    }
    c.authorships.sort_by_key(|a| (a.work, a.position));
    c.cites.sort_by_key(|x| (x.from, x.to));
    c.cites.dedup_by_key(|x| (x.from, x.to));
    Ok(c)
}

fn reset_peak() {
    // "5" resets the peak RSS counter (Linux >= 4.0); ignored where refused.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    reset_peak();
    let t = Instant::now();
    let out = f();
    println!("  {name:<22} {:>9.3} s  peak {:>8.1} MiB", t.elapsed().as_secs_f64(), peak_mib());
    out
}

fn main() {
    let list = std::env::var("CITEMAP_BENCH_CORPORA")
        .unwrap_or_else(|_| "/tmp/c10k/works.jsonl,/tmp/c100k/works.jsonl".into());
    for path in list.split(',').filter(|p| !p.is_empty()) {
        if !std::path::Path::new(path).exists() {
            println!("{path}: missing, skipped (generate it with gen_corpus.py)");
            continue;
        }
        println!("{path}");
        let corpus = match stage("load", || load(path)) {
            Ok(c) => c,
            Err(e) => {
                println!("  cannot read: {e}");
                continue;
            }
        };
        println!(
            "  {} works ({} records), {} agents, {} citations, {} authorships",
            corpus.works.len(),
            corpus.works.iter().filter(|w| w.kind == WorkKind::Paper).count(),
            corpus.agents.len(),
            corpus.cites.len(),
            corpus.authorships.len()
        );
        let opts = |kind, min_weight| network::NetworkOptions { kind, min_weight, ..Default::default() };
        let cit =
            stage("network citation", || network::build(&corpus, &opts(network::NetworkKind::Citation, 0.0)));
        println!("    {} nodes, {} edges", cit.node_count(), cit.edge_count());
        for (name, kind, minw) in [
            ("network coupling>=3", network::NetworkKind::Coupling, 3.0),
            ("network cocitation>=3", network::NetworkKind::Cocitation, 3.0),
            ("network coauthor", network::NetworkKind::Coauthor, 0.0),
        ] {
            let g = stage(name, || network::build(&corpus, &opts(kind, minw)));
            println!("    {} nodes, {} edges", g.node_count(), g.edge_count());
        }
        let leiden_started = Instant::now();
        let p = stage("leiden citation", || cluster::leiden(&cit, &cluster::ClusterOptions::default()));
        let leiden_seconds = leiden_started.elapsed().as_secs_f64();
        // The engine alone on the same graph (pendant nodes left in), as
        // igraph and leidenalg see it.
        let plain_started = Instant::now();
        let plain = stage("leiden citation (leaves in)", || {
            cluster::leiden(&cit, &cluster::ClusterOptions { attach_leaves: false, ..Default::default() })
        });
        let plain_seconds = plain_started.elapsed().as_secs_f64();
        println!("    {} clusters, modularity {:.4}", plain.n_clusters, plain.modularity);
        // The same with igraph's default of 2 iterations (the defaults run until stable).
        let two_started = Instant::now();
        let two = stage("leiden citation (leaves in, 2 iterations)", || {
            cluster::leiden(
                &cit,
                &cluster::ClusterOptions { attach_leaves: false, iterations: 2, ..Default::default() },
            )
        });
        let two_seconds = two_started.elapsed().as_secs_f64();
        println!("    {} clusters, modularity {:.4}", two.n_clusters, two.modularity);
        let sizes = p.sizes();
        println!(
            "    {} clusters (largest {}), {} unclustered, modularity {:.4}",
            p.n_clusters,
            sizes.first().copied().unwrap_or(0),
            p.clusters.iter().filter(|&&c| c == 0).count(),
            p.modularity
        );
        let names = stage("naming citation", || {
            naming::summarise(&corpus, &cit, &p, &naming::NamingOptions::default())
        });
        for s in names.iter().take(3) {
            println!("    cluster {} ({} nodes): {}", s.cluster, s.size, s.name);
        }
        stage("pagerank citation", || metrics::pagerank(&cit, 0.85, 100));
        let mopts = metrics::MetricsOptions { betweenness: metrics::Betweenness::Off, ..Default::default() };
        stage("metrics w/o betweenness", || metrics::compute(&cit, &corpus, &mopts));
        let mopts = metrics::MetricsOptions { samples: 64, ..Default::default() };
        let m = stage("metrics all (bc k=64)", || metrics::compute(&cit, &corpus, &mopts));
        println!("    betweenness sampled: {}", m.betweenness_sampled);
        // The whole analysis `map` runs, through the library call the CLI uses.
        let an = stage("pipeline::analyse (map defaults)", || {
            citemap::pipeline::analyse(&corpus, &citemap::pipeline::AnalysisOptions::default())
        });
        println!("    {}; {} clusters", an.network_note(), an.clusters.summaries.len());
        let dir = std::path::Path::new(path).parent().unwrap_or(std::path::Path::new("."));
        let edges = cluster::undirected_edges(&cit);
        let written = std::fs::File::create(dir.join("citation_edges.tsv")).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            writeln!(w, "# nodes {}", cit.node_count())?;
            for (a, b, x) in &edges {
                writeln!(w, "{a}\t{b}\t{x}")?;
            }
            w.flush()
        });
        let _ = std::fs::write(
            dir.join("citemap_modularity.txt"),
            format!(
                "{:.6} {leiden_seconds:.3} map default (pendant nodes join their neighbour)\n{:.6} {plain_seconds:.3} engine alone (pendant nodes in)\n{:.6} {two_seconds:.3} engine alone, 2 iterations (igraph's default)\n",
                p.modularity, plain.modularity, two.modularity
            ),
        );
        if let Err(e) = written {
            println!("  cannot write the edge list: {e}");
        }
    }
}
