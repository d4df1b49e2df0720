//! The resolved corpus and the analysis of a store, read from the store when
//! it kept them for the same inputs and settings, else computed and kept.
//!
//! Keys (see `citemap::store::Fingerprint`): the corpus is keyed by the
//! store's input state, the resolution settings, the layout of what is kept
//! ([`FORMAT`]) and this build of citemap (its version, and the size and
//! modification time of its executable, so a rebuilt citemap never reads what
//! another build computed); an analysis by the corpus key, the thesaurus
//! applied (its bytes) and every analysis setting. Settings enter the key as
//! their `Debug` text: every option type is plain data (no hash maps), and
//! `Debug` prints floats exactly, so equal settings give equal text.
//!
//! Nothing here changes a result: what is read back is what was computed,
//! field for field (tests/persist.rs compares the outputs byte for byte).

use super::analyse::{self, Analysed};
use super::clusters::ClustersArgs;
use super::network::NetworkArgs;
use super::{progress, Ctx};
use anyhow::{bail, Context, Result};
use citemap::analysis::thesaurus::Thesaurus;
use citemap::model::{Corpus, DedupPair};
use citemap::pipeline;
use citemap::store::lookup::Lookup;
use citemap::store::{Fingerprint, Saved, Store};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the layout of kept results; raised when it changes.
pub const FORMAT: &str = "citemap-results-1";

/// Where a result came from (for reports and progress lines).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Read from the store.
    Loaded,
    /// Computed in this run (and kept in the store when it could be).
    Computed,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Loaded => "loaded from store",
            Origin::Computed => "computed",
        }
    }
}

/// The corpus as kept: the dedup pairs are left out of the corpus's own
/// serde (JSON summaries), so they travel beside it.
#[derive(Serialize)]
struct CorpusOut<'a> {
    corpus: &'a Corpus,
    pairs: &'a [DedupPair],
}

/// [`CorpusOut`], read back.
#[derive(Deserialize)]
struct CorpusIn {
    corpus: Corpus,
    pairs: Vec<DedupPair>,
}

/// A thesaurus given with `--thesaurus`, read and checked up front.
struct GivenThesaurus {
    thesaurus: Thesaurus,
    sha256: String,
}

/// An open store with its corpus and analyses, each read or computed once,
/// when first asked for.
pub struct Project {
    /// The store.
    pub store: Store,
    state: String,
    corpus_key: String,
    corpus: Option<Corpus>,
    thesaurus: Option<GivenThesaurus>,
    /// Where the corpus came from, once it was asked for.
    pub corpus_origin: Option<Origin>,
    /// Where the last analysis came from.
    pub analysis_origin: Option<Origin>,
}

/// This build of citemap, as a fingerprint part.
fn build_tag() -> String {
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    let stamp = exe.map(|m| {
        let t = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        format!("{} {}", m.len(), t.map_or(0, |d| d.as_nanos()))
    });
    format!("{} {}", env!("CARGO_PKG_VERSION"), stamp.unwrap_or_default())
}

/// Opens the store (it must exist) and works out the keys; reads nothing yet.
pub fn open(ctx: &Ctx) -> Result<Project> {
    let path = &ctx.config.store.path;
    if !path.exists() {
        bail!("no store at {} (run `citemap ingest PATH...` first)", path.display());
    }
    let store = super::commands::open_store(ctx)?;
    let state = store.state()?;
    let corpus_key = Fingerprint::new("corpus")
        .part(FORMAT)
        .part(&build_tag())
        .part(&state)
        .part(&format!("{:?}", ctx.config.resolve))
        .key();
    Ok(Project {
        store,
        state,
        corpus_key,
        corpus: None,
        thesaurus: None,
        corpus_origin: None,
        analysis_origin: None,
    })
}

impl Project {
    /// Applies the VOSviewer thesaurus `path` (when given) to the corpus
    /// before any analysis: read and checked now (bad lines are warned
    /// about), applied when the corpus is first needed.
    pub fn set_thesaurus(&mut self, path: Option<&Path>) -> Result<()> {
        let Some(path) = path else { return Ok(()) };
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("reading the thesaurus {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes.clone())
            .map_err(|e| anyhow::anyhow!("reading the thesaurus {}: {e}", path.display()))?;
        let file = path.to_string_lossy().replace('\\', "/");
        let (thesaurus, diagnostics) = Thesaurus::parse(&file, &text);
        super::pipeline::print_diagnostics(&diagnostics);
        let sha256 = citemap::store::sha256_hex(&bytes);
        if let Some(corpus) = self.corpus.as_mut() {
            thesaurus.apply(corpus);
        }
        self.thesaurus = Some(GivenThesaurus { thesaurus, sha256 });
        Ok(())
    }

    /// The resolved corpus (thesaurus applied), read from the store when it
    /// kept it for these inputs and settings, else resolved and kept.
    pub fn corpus(&mut self, ctx: &Ctx) -> Result<&Corpus> {
        if self.corpus.is_none() {
            let (mut corpus, origin) = self.stored_corpus(ctx)?;
            if let Some(t) = &self.thesaurus {
                t.thesaurus.apply(&mut corpus);
            }
            self.corpus_origin = Some(origin);
            self.corpus = Some(corpus);
        }
        self.corpus.as_ref().context("the corpus is read above")
    }

    /// Takes the corpus out (reading or resolving it first).
    pub fn into_corpus(mut self, ctx: &Ctx) -> Result<(Store, Corpus)> {
        self.corpus(ctx)?;
        let corpus = self.corpus.take().context("the corpus is read above")?;
        Ok((self.store, corpus))
    }

    fn stored_corpus(&mut self, ctx: &Ctx) -> Result<(Corpus, Origin)> {
        if let Some(c) = self.store.load_result::<CorpusIn>("corpus", &self.corpus_key)? {
            progress::step(format_args!("corpus: {}", Origin::Loaded.as_str()));
            let mut corpus = c.corpus;
            corpus.dedup.pairs = c.pairs;
            if self.store.lookup(&self.corpus_key)?.is_none() {
                self.keep_lookup(&corpus)?;
            }
            return Ok((corpus, Origin::Loaded));
        }
        let records = self.store.records()?;
        progress::step(format_args!("resolving {} records", records.len()));
        let corpus = citemap::resolve::resolve(&records, &ctx.config.resolve);
        drop(records);
        let out = CorpusOut { corpus: &corpus, pairs: &corpus.dedup.pairs };
        self.keep("corpus", &self.corpus_key.clone(), &out)?;
        self.keep_lookup(&corpus)?;
        progress::step(format_args!("corpus: {}", Origin::Computed.as_str()));
        Ok((corpus, Origin::Computed))
    }

    /// Keeps the indexed look-up of the corpus (`citemap::store::lookup`),
    /// which `show` and `query coauthors` read instead of the whole corpus.
    fn keep_lookup(&mut self, corpus: &Corpus) -> Result<()> {
        match self.store.save_lookup(&self.corpus_key, &self.state, corpus)? {
            Saved::Written(n) => progress::step(format_args!("look-up: kept ({:.0} MB)", n as f64 / 1e6)),
            Saved::Busy => progress::step(format_args!("look-up: not kept (the store is busy)")),
            Saved::Stale => progress::step(format_args!("look-up: not kept (the store changed meanwhile)")),
        }
        Ok(())
    }

    /// The kept look-up of this store's corpus, when there is one for these
    /// inputs and resolution settings and no thesaurus is given (a thesaurus
    /// changes the corpus the look-up was made from).
    pub fn indexed(&self) -> Result<Option<Lookup<'_>>> {
        if self.thesaurus.is_some() {
            return Ok(None);
        }
        Ok(self.store.lookup(&self.corpus_key)?)
    }

    /// Keeps a computed result; a busy or changed store only means it is not kept.
    fn keep<T: Serialize>(&mut self, kind: &str, key: &str, value: &T) -> Result<()> {
        match self.store.save_result(kind, key, &self.state, value)? {
            Saved::Written(_) => {}
            Saved::Busy => progress::step(format_args!("{kind}: not kept (the store is busy)")),
            Saved::Stale => progress::step(format_args!("{kind}: not kept (the store changed meanwhile)")),
        }
        Ok(())
    }

    /// The analysis for these flags: read from the store when it kept one
    /// for this corpus and these settings, else computed and kept.
    pub fn analysis(&mut self, ctx: &Ctx, net: &NetworkArgs, cl: &ClustersArgs) -> Result<Analysed> {
        let opts = analyse::options(&ctx.config, net, cl)?;
        let key = Fingerprint::new("analysis")
            .part(&self.corpus_key)
            .part(self.thesaurus.as_ref().map_or("", |t| t.sha256.as_str()))
            .part(&format!("{opts:?}"))
            .key();
        if let Some(an) = self.store.load_result::<Analysed>("analysis", &key)? {
            progress::step(format_args!("analysis: {}", Origin::Loaded.as_str()));
            self.analysis_origin = Some(Origin::Loaded);
            return Ok(an);
        }
        let corpus = self.corpus(ctx)?;
        let an = pipeline::analyse_with(corpus, &opts, &mut |step| progress::step(step));
        self.keep("analysis", &key, &an)?;
        progress::step(format_args!("analysis: {}", Origin::Computed.as_str()));
        self.analysis_origin = Some(Origin::Computed);
        Ok(an)
    }
}
