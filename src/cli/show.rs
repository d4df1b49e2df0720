//! `citemap show work|person ID_OR_TEXT`: everything known about one work or
//! person, with the inputs (file, line, record) behind each fact.

use super::Ctx;
use anyhow::Result;
use citemap::model::{norm, Corpus, Identifier, Provenance, Sourced};
use citemap::store::lookup;
use std::process::ExitCode;

// Everything `show` prints is record text: it goes to the terminal through
// the shared sanitiser, so an author name holding ESC or BEL can neither
// clear the screen nor retitle the terminal.
macro_rules! println {
    ($($arg:tt)*) => {
        ::std::println!("{}", citemap::text_safety::strip_controls(&format!($($arg)*)))
    };
}
macro_rules! eprintln {
    ($($arg:tt)*) => {
        ::std::eprintln!("{}", citemap::text_safety::strip_controls(&format!($($arg)*)))
    };
}

/// What to show.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum What {
    /// A work (paper or cited work): id, DOI, PMID or words of its title or label.
    Work,
    /// A person or organisation: id, ORCID or name.
    Person,
}

/// Arguments of `show`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// work or person.
    #[arg(value_enum)]
    what: What,
    /// Stable id, identifier, or text to look up.
    query: String,
}

fn src(sources: &[Provenance]) -> String {
    format!("[{}]", sources.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))
}

fn line<T: std::fmt::Display>(name: &str, v: &Option<Sourced<T>>) {
    if let Some(v) = v {
        println!("  {name}: {} {}", v.value, src(&v.sources));
    }
}

/// The identifier `q` is, when it is one: a DOI, or digits taken as a PMID.
pub fn identifier_in(q: &str) -> Option<Identifier> {
    Identifier::doi(q).or_else(|| {
        (q.trim().chars().all(|c| c.is_ascii_digit()) && !q.trim().is_empty())
            .then(|| Identifier::pmid(q))
            .flatten()
    })
}

/// The words of `q` as searched for in a work's text
/// ([`citemap::store::lookup::work_text`]).
pub fn query_words(q: &str) -> Vec<String> {
    norm::fold(q).split(' ').map(norm::alnum_key).filter(|w| !w.is_empty()).collect()
}

/// Works matching `q`: id, DOI, PMID, else all words of `q` in label or titles.
pub fn find_works(corpus: &Corpus, q: &str) -> Vec<usize> {
    if let Some(i) = corpus.work_by_id(q.trim()) {
        return vec![i];
    }
    if let Some(id) = identifier_in(q) {
        let hits: Vec<usize> = corpus
            .works
            .iter()
            .enumerate()
            .filter(|(_, w)| w.ids.iter().any(|i| i.value == id))
            .map(|(i, _)| i)
            .collect();
        if !hits.is_empty() {
            return hits;
        }
    }
    let words = query_words(q);
    if words.is_empty() {
        return Vec::new();
    }
    corpus
        .works
        .iter()
        .enumerate()
        .filter(|(_, w)| {
            let hay = lookup::work_text(w);
            words.iter().all(|x| hay.contains(x.as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Agents matching `q`: id, ORCID, else a compatible name.
pub fn find_agents(corpus: &Corpus, q: &str) -> Vec<usize> {
    if let Some(i) = corpus.agent_by_id(q.trim()) {
        return vec![i];
    }
    if let Some(o) = norm::normalize_orcid(q) {
        let hits: Vec<usize> = corpus
            .agents
            .iter()
            .enumerate()
            .filter(|(_, a)| a.orcid.as_deref() == Some(&o))
            .map(|(i, _)| i)
            .collect();
        if !hits.is_empty() {
            return hits;
        }
    }
    let p = norm::parse_person(q);
    let (fam, ini) = (norm::family_key(&p.family), norm::initials(&p.given));
    let folded = norm::alnum_key(q);
    corpus
        .agents
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            let ai = norm::initials(&a.given);
            (norm::family_key(&a.family) == fam && (ai.starts_with(&ini) || ini.starts_with(&ai)))
                || (!folded.is_empty() && lookup::agent_text(a).contains(&folded))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Runs `show`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let project = super::stored::open(ctx)?;
    // The part of the corpus the answer reads, from the kept look-up, else
    // the whole corpus (read from the store or resolved, and then kept).
    let part = match project.indexed()? {
        Some(l) => Some(match args.what {
            What::Work => super::lookup::for_work(&l, &args.query)?,
            What::Person => super::lookup::for_person(&l, &args.query)?,
        }),
        None => None,
    };
    let (store, corpus) = match part {
        Some(p) => {
            super::progress::step(format_args!(
                "corpus: {} works, {} agents read from the look-up",
                p.works.len(),
                p.agents.len()
            ));
            (project.store, p.corpus)
        }
        None => project.into_corpus(ctx)?,
    };
    let hits = match args.what {
        What::Work => find_works(&corpus, &args.query),
        What::Person => find_agents(&corpus, &args.query),
    };
    match hits.as_slice() {
        [] => {
            eprintln!("nothing matches {:?}", args.query);
            Ok(ExitCode::FAILURE)
        }
        [one] => {
            match args.what {
                What::Work => {
                    show_work(&corpus, *one, ctx.json, super::enrich::kept_search(&store, &corpus, *one)?)?
                }
                What::Person => show_agent(&corpus, *one, ctx.json)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        many => {
            eprintln!("{} matches for {:?}; give an id:", many.len(), args.query);
            for &i in many {
                match args.what {
                    What::Work => println!("  {}  {}", corpus.works[i].id, corpus.works[i].label),
                    What::Person => println!("  {}  {}", corpus.agents[i].id, corpus.agents[i].name),
                }
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

fn show_work(c: &Corpus, i: usize, json: bool, search: Option<serde_json::Value>) -> Result<()> {
    let w = &c.works[i];
    let authors: Vec<_> = c.authorships.iter().filter(|a| a.work as usize == i).collect();
    let cites: Vec<_> = c.cites.iter().filter(|e| e.from as usize == i).collect();
    let cited_by: Vec<_> = c.cites.iter().filter(|e| e.to as usize == i).collect();
    let conflicts: Vec<_> =
        c.conflicts.iter().filter(|x| x.work as usize == i).map(|x| &x.conflict).collect();
    if json {
        let v = serde_json::json!({
            "work": w,
            "venue": w.venue.map(|v| &c.venues[v as usize]),
            "authors": authors.iter().map(|a| serde_json::json!({
                "position": a.position, "agent": c.agents[a.agent as usize].id,
                "name": c.agents[a.agent as usize].name, "sources": a.sources })).collect::<Vec<_>>(),
            "cites": cites.iter().map(|e| serde_json::json!({
                "work": c.works[e.to as usize].id, "label": c.works[e.to as usize].label,
                "count": e.count, "sources": e.sources })).collect::<Vec<_>>(),
            "cited_by": cited_by.iter().map(|e| serde_json::json!({
                "work": c.works[e.from as usize].id, "label": c.works[e.from as usize].label,
                "count": e.count, "sources": e.sources })).collect::<Vec<_>>(),
            "conflicts": conflicts,
            "search": search.as_ref().map(|s| &s["search"]),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!("{}  {}  ({})", w.id, w.label, w.kind.as_str());
    line("title", &w.title);
    for t in &w.alt_titles {
        println!(
            "  alternative title ({}): {} {}",
            t.value.0.as_deref().unwrap_or("?"),
            t.value.1,
            src(&t.sources)
        );
    }
    for id in &w.ids {
        println!("  {}: {} {}", id.value.scheme(), id.value.value(), src(&id.sources));
    }
    line("year", &w.year);
    line("published", &w.published);
    line("e-published", &w.epublished);
    if let Some(v) = w.venue {
        let v = &c.venues[v as usize];
        println!("  venue: {} {}", v.name, src(&v.sources));
    }
    line("volume", &w.volume);
    line("issue", &w.issue);
    line("pages", &w.pages);
    line("language", &w.language);
    if let Some(d) = &w.doc_type {
        println!("  type: {} {}", d.value.as_str(), src(&d.sources));
    }
    line("times cited", &w.times_cited);
    if let Some(a) = &w.abstract_text {
        let short: String = a.value.chars().take(300).collect();
        println!(
            "  abstract: {}{} {}",
            short.replace('\n', " "),
            if a.value.chars().count() > 300 { "…" } else { "" },
            src(&a.sources)
        );
    }
    if let Some(a) = &w.cited_authors {
        println!("  cited as: {a}");
    }
    for a in &authors {
        let ag = &c.agents[a.agent as usize];
        println!("  author {}: {} ({}) {}", a.position + 1, ag.name, ag.id, src(&a.sources));
    }
    // Affiliations the records give for the work, not for one author.
    for af in &w.affiliations {
        println!("  affiliation: {} {}", af.value, src(&af.sources));
    }
    for e in &cites {
        println!(
            "  cites: {} ({}) x{} {}",
            c.works[e.to as usize].label,
            c.works[e.to as usize].id,
            e.count,
            src(&e.sources)
        );
    }
    for e in &cited_by {
        println!(
            "  cited by: {} ({}) x{} {}",
            c.works[e.from as usize].label,
            c.works[e.from as usize].id,
            e.count,
            src(&e.sources)
        );
    }
    for k in &conflicts {
        println!("  conflict in {}: {}", k.field, k.note);
        for cl in &k.claims {
            println!("    {:?} ({}) [{}]", cl.value, cl.basis, cl.at);
        }
    }
    // The last bibliographic search for the work: what it accepted, or
    // the candidates it listed without merging them.
    for l in search.as_ref().map(super::enrich::candidate_lines).unwrap_or_default() {
        println!("  {l}");
    }
    if !w.missing.is_empty() {
        println!("  missing: {}", w.missing.join(", "));
    }
    if !w.matched_on.is_empty() {
        println!("  records matched on: {}", w.matched_on.join(", "));
    }
    println!("  sources: {}", src(&w.sources));
    Ok(())
}

fn show_agent(c: &Corpus, i: usize, json: bool) -> Result<()> {
    let a = &c.agents[i];
    let works: Vec<_> = c.authorships.iter().filter(|x| x.agent as usize == i).collect();
    if json {
        let v = serde_json::json!({
            "agent": a,
            "works": works.iter().map(|x| serde_json::json!({
                "work": c.works[x.work as usize].id, "label": c.works[x.work as usize].label,
                "position": x.position, "sources": x.sources })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!("{}  {}  ({})", a.id, a.name, a.kind.as_str());
    if let Some(o) = &a.orcid {
        println!("  orcid: {o}");
    }
    for v in &a.variants {
        println!("  written as: {} {}", v.value, src(&v.sources));
    }
    for af in &a.affiliations {
        println!("  affiliation: {} {}", af.value, src(&af.sources));
    }
    for x in &works {
        let w = &c.works[x.work as usize];
        println!("  author {} of: {} ({}) {}", x.position + 1, w.label, w.id, src(&x.sources));
    }
    Ok(())
}
