//! `citemap query coauthors | author | path | top`: people and rankings, as
//! tables or JSON, over the library results of `citemap::analysis::query`.
//!
//! Every query's JSON has one envelope ([`Envelope`]): `query` (the command
//! and its arguments), `status` (`found`, `not_found`, `ambiguous`,
//! `no_path`), `results` (the answer: one report, or the ranked rows),
//! `candidates` (the people an ambiguous name matches) and `warnings`. The
//! status is also the exit code ([`Status::exit_code`]), the same with or
//! without `--json`.

use anyhow::Result;
use citemap::analysis::query::{self, Lookup, PersonRef, TopBy};
use citemap::graph::{format_float, CitationGraph};
use citemap::model::Corpus;
use serde::Serialize;
use std::io::Write;

/// Arguments of `citemap coauthors`.
#[derive(Clone, Debug, clap::Args)]
pub struct CoauthorsArgs {
    /// The person: any spelling ("Johnson S", "Sonia Johnson"), an agent id or an ORCID.
    pub name: String,
    /// Steps of co-authorship to follow.
    #[arg(long, default_value_t = 1)]
    pub depth: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `citemap author`.
#[derive(Clone, Debug, clap::Args)]
pub struct AuthorArgs {
    /// The person.
    pub name: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `citemap path`.
#[derive(Clone, Debug, clap::Args)]
pub struct PathArgs {
    /// From.
    pub from: String,
    /// To.
    pub to: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `citemap top`.
#[derive(Clone, Debug, clap::Args)]
pub struct TopArgs {
    /// works, citations, local, pagerank or betweenness.
    #[arg(long, default_value = "citations", value_parser = parse_top_by)]
    pub by: TopBy,
    /// How many.
    #[arg(short, long, default_value_t = 20)]
    pub n: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// An unknown `--by` is a usage error (exit 2), listing the rankings.
fn parse_top_by(s: &str) -> std::result::Result<TopBy, String> {
    TopBy::parse(s)
        .ok_or_else(|| format!("unknown ranking {s:?}; use works, citations, local, pagerank or betweenness"))
}

/// How a query ended; each has its own exit code (documented in the README).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An answer (exit 0).
    Found,
    /// No person matches the name (exit 3).
    NotFound,
    /// The name matches several people; ask again with an id (exit 4).
    Ambiguous,
    /// Both people exist but no co-authorship chain joins them (exit 5).
    NoPath,
}

impl Status {
    /// The process exit code of this outcome.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Found => 0,
            Status::NotFound => 3,
            Status::Ambiguous => 4,
            Status::NoPath => 5,
        }
    }
}

/// The JSON every query writes.
#[derive(Serialize)]
pub struct Envelope<T: Serialize> {
    /// The command and its arguments (`{"command": "path", "from": .., "to": ..}`).
    pub query: serde_json::Value,
    /// How the query ended.
    pub status: Status,
    /// The answer: one report (coauthors, author, path) or the ranked rows (top).
    pub results: Vec<T>,
    /// The people an ambiguous name matches (empty otherwise).
    pub candidates: Vec<PersonRef>,
    /// Anything the answer should be read with.
    pub warnings: Vec<String>,
}

fn json<T: Serialize>(v: &Envelope<T>, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    writeln!(out)?;
    Ok(())
}

/// The envelope of a name look-up.
fn envelope<T: Serialize>(query: serde_json::Value, r: Lookup<T>) -> Envelope<T> {
    let (status, results, candidates) = match r {
        Lookup::Found { result } => (Status::Found, vec![result], Vec::new()),
        Lookup::NotFound { .. } => (Status::NotFound, Vec::new(), Vec::new()),
        Lookup::Ambiguous { candidates, .. } => (Status::Ambiguous, Vec::new(), candidates),
    };
    Envelope { query, status, results, candidates, warnings: Vec::new() }
}

/// The status of a look-up that did not find one person.
fn status_of<T>(r: &Lookup<T>) -> Status {
    match r {
        Lookup::Found { .. } => Status::Found,
        Lookup::NotFound { .. } => Status::NotFound,
        Lookup::Ambiguous { .. } => Status::Ambiguous,
    }
}

/// Writes the candidates of an ambiguous name or the not-found message;
/// returns true when the look-up found one person.
fn check<T>(r: &Lookup<T>, out: &mut dyn Write) -> Result<bool> {
    match r {
        Lookup::Found { .. } => Ok(true),
        Lookup::NotFound { query } => {
            writeln!(out, "no person matches {query:?}")?;
            Ok(false)
        }
        Lookup::Ambiguous { query, candidates } => {
            writeln!(out, "{query:?} matches {} people; ask again with an id:", candidates.len())?;
            for c in candidates {
                writeln!(
                    out,
                    "  {}  {:<30}  {:>3} works  {}",
                    c.id,
                    c.name,
                    c.works,
                    c.orcid.as_deref().unwrap_or("")
                )?;
            }
            Ok(false)
        }
    }
}

/// Works listed per row of a table before "+N more".
const SHOWN_WORKS: usize = 3;

/// The first `shown` labels joined with "; ", then "+N more" when there are more.
pub fn works_cell<'a>(labels: impl ExactSizeIterator<Item = &'a str>, shown: usize) -> String {
    let total = labels.len();
    let mut cell: Vec<String> = labels.take(shown).map(str::to_string).collect();
    if total > shown {
        cell.push(format!("+{} more", total - shown));
    }
    cell.join("; ")
}

fn who(p: &PersonRef) -> String {
    format!("{} ({}, {} works)", p.name, p.id, p.works)
}

/// `citemap coauthors`.
pub fn coauthors(args: &CoauthorsArgs, corpus: &Corpus, out: &mut dyn Write) -> Result<Status> {
    let r = query::coauthors(corpus, &args.name, args.depth);
    if args.json {
        let q = serde_json::json!({"command": "coauthors", "name": args.name, "depth": args.depth});
        let e = envelope(q, r);
        json(&e, out)?;
        return Ok(e.status);
    }
    if !check(&r, out)? {
        return Ok(status_of(&r));
    }
    if let Lookup::Found { result } = r {
        writeln!(out, "{}: {} collaborators", who(&result.person), result.collaborators.len())?;
        // The id column tells apart two people (or two spellings) with one name.
        writeln!(out, "{:>5}  {:>5}  {:<14}  {:<30}  {:<20}  works", "depth", "joint", "id", "name", "via")?;
        for c in &result.collaborators {
            writeln!(
                out,
                "{:>5}  {:>5}  {:<14}  {:<30}  {:<20}  {}",
                c.depth,
                c.joint_works,
                c.person.id,
                c.person.name,
                c.via.as_ref().map_or("", |v| v.name.as_str()),
                works_cell(c.works.iter().map(|w| w.label.as_str()), SHOWN_WORKS)
            )?;
        }
    }
    Ok(Status::Found)
}

/// `citemap author`; `graph` (clustered) adds the clusters of the author's works.
pub fn author(
    args: &AuthorArgs,
    corpus: &Corpus,
    graph: Option<&CitationGraph>,
    out: &mut dyn Write,
) -> Result<Status> {
    let r = query::author(corpus, &args.name, graph);
    if args.json {
        let e = envelope(serde_json::json!({"command": "author", "name": args.name}), r);
        json(&e, out)?;
        return Ok(e.status);
    }
    if !check(&r, out)? {
        return Ok(status_of(&r));
    }
    if let Lookup::Found { result } = r {
        writeln!(out, "{}", who(&result.person))?;
        if let (Some(a), Some(b)) = (result.year_min, result.year_max) {
            writeln!(out, "years {a}-{b}, {} co-authors", result.n_coauthors)?;
        }
        for w in &result.works {
            writeln!(out, "  {}  {}  {}", w.id, w.label, w.title.as_deref().unwrap_or(""))?;
        }
        for c in &result.clusters {
            writeln!(out, "  cluster {} {:?}: {} works", c.cluster, c.name, c.works)?;
        }
        if !result.shared_cited.is_empty() {
            writeln!(out, "shares cited works with:")?;
            for s in &result.shared_cited {
                writeln!(out, "  {:>4}  {}", s.shared, who(&s.person))?;
            }
        }
    }
    Ok(Status::Found)
}

/// `citemap path`.
pub fn path(args: &PathArgs, corpus: &Corpus, out: &mut dyn Write) -> Result<Status> {
    let r = query::path(corpus, &args.from, &args.to);
    if args.json {
        let q = serde_json::json!({"command": "path", "from": args.from, "to": args.to});
        let mut e = envelope(q, r);
        if e.results.first().is_some_and(|p| p.steps.is_empty()) {
            e.status = Status::NoPath;
            e.warnings.push("the two people are not connected by co-authorship".into());
        }
        json(&e, out)?;
        return Ok(e.status);
    }
    if !check(&r, out)? {
        return Ok(status_of(&r));
    }
    if let Lookup::Found { result } = r {
        if result.steps.is_empty() {
            writeln!(out, "{} and {} are not connected by co-authorship", result.from.name, result.to.name)?;
            return Ok(Status::NoPath);
        }
        for s in &result.steps {
            match &s.via_work {
                Some(w) => writeln!(out, "{}  --[{}]-->", who(&s.person), w.label)?,
                None => writeln!(out, "{}", who(&s.person))?,
            }
        }
    }
    Ok(Status::Found)
}

/// `citemap top`; `graph` is needed for pagerank and betweenness.
pub fn top(
    args: &TopArgs,
    corpus: &Corpus,
    graph: Option<&CitationGraph>,
    out: &mut dyn Write,
) -> Result<Status> {
    let rows = query::top(corpus, graph, args.by, args.n);
    let by = serde_json::to_value(args.by)?;
    if args.json {
        let e = Envelope {
            query: serde_json::json!({"command": "top", "by": by, "n": args.n}),
            status: Status::Found,
            results: rows,
            candidates: Vec::new(),
            warnings: Vec::new(),
        };
        json(&e, out)?;
        return Ok(e.status);
    }
    let by = by.as_str().unwrap_or("value").to_string();
    writeln!(out, "{:>4}  {:>12}  {:<14}  {:<11}  label", "rank", by, "id", "kind")?;
    for r in &rows {
        writeln!(
            out,
            "{:>4}  {:>12}  {:<14}  {:<11}  {}",
            r.rank,
            format_float(r.value),
            r.id,
            r.kind,
            r.label
        )?;
    }
    Ok(Status::Found)
}

#[cfg(test)]
mod tests {
    use super::works_cell;

    #[test]
    fn long_work_lists_say_how_many_more() {
        assert_eq!(works_cell(["a", "b"].into_iter(), 3), "a; b");
        assert_eq!(works_cell(["a", "b", "c", "d", "e"].into_iter(), 3), "a; b; c; +2 more");
    }
}
