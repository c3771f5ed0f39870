//! Scoring agent replies and reading customer messages.
//!
//! # How the score is computed
//!
//! ```text
//! logit = bias
//!       + Σ over rule matches     weight · decay^k     (k-th counted match of its category,
//!                                                       strongest first)
//!       + Σ over derived flags    their weight         (refusal without alternative, curt,
//!                                                       shouting)
//!       + context                 + acknowledged_bonus · d   if the customer is upset (d > 0)
//!                                                            and the reply acknowledges it
//!                                 − ignored_penalty · d      if it does not
//!                                 + policy_before_acknowledgment if policy comes first
//! score = 100 · σ(logit)
//! ```
//!
//! `d` is the customer's distress (at least `complaint_floor` when the
//! message holds a complaint). A match counts only if it is not negated
//! ("I'm **not** sorry"), not suppressed by an overlapping anti-pattern
//! ("**sorry** you feel that way"), and its rule's conditions hold. Every
//! term is listed in [`MessageReport::breakdown`](crate::MessageReport), so
//! the score can be re-derived by hand.
//!
//! The parameters (`bias`, `decay`, …) are the `[scoring]` table of the
//! pack; `docs/rules.md` lists them all.

mod customer;
pub(crate) mod epitome;
pub(crate) mod params;
mod reply;
pub(crate) mod selection;
pub(crate) mod shape_words;
pub(crate) mod shapes;
mod strategies;

pub(crate) use customer::analyze_customer;
pub(crate) use reply::{score_reply, score_reply_summary};

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;
use std::sync::{Arc, OnceLock};

use crate::report::Flag;
use crate::rules::compile::{Compiled, Hit, HitScratch, LearnedHit};
use crate::text::lex::Lexed;

/// Reusable buffers for one scoring call; each thread keeps one, so a call
/// allocates little more than its report.
#[derive(Debug, Default)]
pub(crate) struct Work {
    pub lexed: Lexed,
    pub segments: HitScratch,
    pub hits: Vec<Hit>,
    pub learned: Vec<LearnedHit>,
    pub selection: selection::Selection,
    pub reply: reply::ReplyWork,
}

/// The label of a score term or the source of a piece of evidence while a
/// reply is read: a rule (its id) or a fixed name. Turned into text only
/// when a report is assembled.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Label {
    /// The rule of this index in `Compiled::rules`.
    Rule(u32),
    /// A fixed name (`bias`, a flag, a sentence feature, …).
    Name(&'static str),
}

impl Label {
    /// Its text.
    pub fn as_str(self, compiled: &Compiled) -> &str {
        match self {
            Label::Rule(i) => &compiled.rule_ids[i as usize],
            Label::Name(n) => n,
        }
    }

    /// Its text, shared: a rule's id with the compiled rule, a fixed name
    /// with every report that carries it.
    pub fn shared(self, compiled: &Compiled) -> Arc<str> {
        match self {
            Label::Rule(i) => compiled.rule_ids[i as usize].clone(),
            Label::Name(n) => name(n),
        }
    }
}

/// The fixed names reports carry, each allocated once per process.
const NAMES: &[&str] = &[
    "bias",
    "distress_acknowledged",
    "distress_ignored",
    "policy_before_acknowledgment",
    "suggestive_question",
    "rhetorical_question",
    "own_question",
    "specific_question_to_person",
    "question_to_person",
    "question",
    "opinion",
    "own_experience",
    "first_person",
    "shared_experience",
    "echoes_customer",
    "first_person_to_you",
    "question_main_act",
    "learned",
];

/// `n` as a shared string: one allocation per process for a fixed name
/// (a name outside the list gets its own).
pub(crate) fn name(n: &'static str) -> Arc<str> {
    static SHARED: OnceLock<HashMap<&'static str, Arc<str>, FxBuildHasher>> = OnceLock::new();
    let shared = SHARED.get_or_init(|| {
        NAMES
            .iter()
            .copied()
            .chain(Flag::ALL.iter().map(|f| f.as_str()))
            .map(|n| (n, Arc::from(n)))
            .collect()
    });
    match shared.get(n) {
        Some(s) => s.clone(),
        None => Arc::from(n),
    }
}

/// Reports carry four decimals: enough to re-derive a score by hand, and
/// stable across platforms.
fn round4(x: f64) -> f64 {
    // Zero (most dimensions and emotions) is itself, without a call to `round`.
    if x == 0.0 {
        return x;
    }
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::NAMES;

    /// The sentence features the EPITOME scorer names as evidence sources
    /// (`Label::Name("…")`, or a `(value, "…")` pair it picks from).
    fn evidence_features() -> Vec<&'static str> {
        let scorer = include_str!("epitome.rs");
        let mut features = Vec::new();
        for (i, _) in scorer.match_indices('"') {
            let rest = &scorer[i + 1..];
            let Some(end) = rest.find('"') else { break };
            let name = &rest[..end];
            let named = rest[end + 1..].starts_with("))") || scorer[..i].ends_with("Label::Name(");
            if named
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            {
                features.push(name);
            }
        }
        features.sort_unstable();
        features.dedup();
        features
    }

    /// Each feature is shared (one allocation per process, not one per
    /// report) and listed in `Evidence::source`'s documentation, which the
    /// Python and Node report docs are generated from.
    #[test]
    fn evidence_features_are_shared_and_documented() {
        let features = evidence_features();
        assert!(features.len() >= 13, "found only {features:?}");
        let report = include_str!("../report.rs");
        let start = report
            .find("pub struct Evidence")
            .expect("Evidence is in report.rs");
        let end = start
            + report[start..]
                .find("pub source")
                .expect("Evidence has a source");
        let doc = &report[start..end];
        for name in features {
            assert!(
                NAMES.contains(&name),
                "evidence feature `{name}` is not in NAMES"
            );
            assert!(
                doc.contains(&format!("`{name}`")),
                "evidence feature `{name}` is not documented on Evidence::source"
            );
        }
    }
}
