//! The deduplication report of one grouping: records and duplicates per
//! input, duplicates removed by rule, the PRISMA 2020 identification numbers,
//! and the merged pairs behind them.
//!
//! Two counts answer two questions and are defined to add up:
//! `removed_within` counts, per input, records minus the distinct works among
//! that input's records; `removed_across` is every other removed record
//! (records minus works minus `removed_within`). `by_rule` attributes each
//! removed record to the rule of the merge that folded it in, split by whether
//! that pair's two records come from one input; its counts sum to the records
//! removed.

use super::works::{pair_of, Groups};
use crate::model::{DedupReport, InputDedup, MatchRule, Prisma, Record, RuleCount};
use std::collections::{BTreeMap, BTreeSet};

/// Builds the report of `groups` over `records`.
pub(crate) fn report(records: &[Record], groups: &Groups) -> DedupReport {
    let mut per_input: BTreeMap<&str, (usize, BTreeSet<usize>, BTreeSet<&str>)> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let e = per_input.entry(&*r.at.input).or_default();
        e.0 += 1;
        e.1.insert(groups.record_group[i]);
        if !r.source_kind.is_empty() {
            e.2.insert(r.source_kind.as_str());
        }
    }
    let inputs: Vec<InputDedup> = per_input
        .into_iter()
        .map(|(input, (n, works, kinds))| InputDedup {
            input: input.to_string(),
            format: kinds.into_iter().collect::<Vec<_>>().join(","),
            records: n,
            duplicates_within: n - works.len(),
            works: works.len(),
        })
        .collect();
    let works = groups.members.len();
    let removed = records.len() - works;
    let removed_within: usize = inputs.iter().map(|i| i.duplicates_within).sum();
    let mut by_rule: BTreeMap<String, RuleCount> = BTreeMap::new();
    let mut pairs: Vec<_> = groups.merges.iter().map(|m| pair_of(records, m)).collect();
    for p in &pairs {
        let e = by_rule.entry(p.rule.as_str().to_string()).or_default();
        if p.within_input() {
            e.within += 1;
        } else {
            e.across += 1;
        }
    }
    pairs.sort_by(|a, b| {
        let rank = |r: MatchRule| MatchRule::ALL.iter().position(|&x| x == r);
        rank(a.rule).cmp(&rank(b.rule)).then(a.kept.at.cmp(&b.kept.at)).then(a.removed.at.cmp(&b.removed.at))
    });
    let prisma = Prisma {
        records_identified: inputs.iter().map(|i| (i.input.clone(), i.records)).collect(),
        records_identified_total: records.len(),
        duplicates_removed: removed,
        records_screened: works,
    };
    DedupReport {
        records: records.len(),
        works,
        removed_within,
        removed_across: removed - removed_within,
        inputs,
        by_rule,
        refused: groups.refused,
        versions: groups.versions.len(),
        prisma,
        pairs,
    }
}
