//! `citemap coauthors | author | path | top`: people and rankings, as tables
//! or JSON, over the library results of `citemap::analysis::query`.

use anyhow::{bail, Result};
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
    #[arg(long, default_value = "citations")]
    pub by: String,
    /// How many.
    #[arg(short, long, default_value_t = 20)]
    pub n: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn json<T: Serialize>(v: &T, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    writeln!(out)?;
    Ok(())
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
pub fn coauthors(args: &CoauthorsArgs, corpus: &Corpus, out: &mut dyn Write) -> Result<()> {
    let r = query::coauthors(corpus, &args.name, args.depth);
    if args.json {
        return json(&r, out);
    }
    if !check(&r, out)? {
        return Ok(());
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
    Ok(())
}

/// `citemap author`; `graph` (clustered) adds the clusters of the author's works.
pub fn author(
    args: &AuthorArgs,
    corpus: &Corpus,
    graph: Option<&CitationGraph>,
    out: &mut dyn Write,
) -> Result<()> {
    let r = query::author(corpus, &args.name, graph);
    if args.json {
        return json(&r, out);
    }
    if !check(&r, out)? {
        return Ok(());
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
    Ok(())
}

/// `citemap path`.
pub fn path(args: &PathArgs, corpus: &Corpus, out: &mut dyn Write) -> Result<()> {
    let r = query::path(corpus, &args.from, &args.to);
    if args.json {
        return json(&r, out);
    }
    if !check(&r, out)? {
        return Ok(());
    }
    if let Lookup::Found { result } = r {
        if result.steps.is_empty() {
            writeln!(out, "{} and {} are not connected by co-authorship", result.from.name, result.to.name)?;
        }
        for s in &result.steps {
            match &s.via_work {
                Some(w) => writeln!(out, "{}  --[{}]-->", who(&s.person), w.label)?,
                None => writeln!(out, "{}", who(&s.person))?,
            }
        }
    }
    Ok(())
}

/// `citemap top`; `graph` is needed for pagerank and betweenness.
pub fn top(
    args: &TopArgs,
    corpus: &Corpus,
    graph: Option<&CitationGraph>,
    out: &mut dyn Write,
) -> Result<()> {
    let Some(by) = TopBy::parse(&args.by) else {
        bail!("unknown ranking {:?} (works, citations, local, pagerank, betweenness)", args.by)
    };
    let rows = query::top(corpus, graph, by, args.n);
    if args.json {
        return json(&rows, out);
    }
    writeln!(out, "{:>4}  {:>12}  {:<14}  {:<11}  label", "rank", args.by, "id", "kind")?;
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
    Ok(())
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
