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
pub(crate) use reply::{score_reply, score_reply_summary, OFFERS_SOMETHING};

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
    /// The keywords of the last customer message read, reused once no
    /// report holds them.
    pub keywords: Arc<shape_words::Keywords>,
}

/// The label of a score term or the source of a piece of evidence while a
/// reply is read: a rule (its id) or a fixed name. Turned into text only
/// when a report is assembled.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Label {
    /// The rule of this index in `Compiled::rules`.
    Rule(u32),
    /// A fixed name (`bias`, a flag, a sentence feature, …).
    Name(Name),
}

impl Label {
    /// Its text.
    pub fn as_str(self, compiled: &Compiled) -> &str {
        match self {
            Label::Rule(i) => &compiled.rule_ids[i as usize],
            Label::Name(n) => n.as_str(),
        }
    }

    /// Its text, shared: a rule's id with the compiled rule, a fixed name
    /// with every report that carries it.
    pub fn shared(self, compiled: &Compiled) -> Arc<str> {
        match self {
            Label::Rule(i) => compiled.rule_ids[i as usize].clone(),
            Label::Name(n) => n.shared(),
        }
    }
}

/// A fixed name reports carry: one of [`NAMES`] or a flag's name, by
/// index (`NAMES`, then `Flag::ALL`), so that its shared text is an array
/// read, not a hash of the string. Distinct names have distinct indices
/// (a test checks the names are distinct).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Name(u8);

/// The [`Name`] of a string literal of [`NAMES`], checked at compile time.
macro_rules! name {
    ($n:literal) => {{
        const NAME: $crate::score::Name = $crate::score::Name::listed($n);
        NAME
    }};
}
pub(crate) use name;

impl Name {
    /// The name `n` of [`NAMES`]; a name outside it fails to compile (in a
    /// constant, see [`name!`]).
    pub const fn listed(n: &str) -> Name {
        let mut i = 0;
        while i < NAMES.len() {
            if str_eq(NAMES[i], n) {
                return Name(i as u8);
            }
            i += 1;
        }
        panic!("not in NAMES")
    }

    /// The name of flag `f`.
    pub fn flag(f: Flag) -> Name {
        let at = Flag::ALL.iter().position(|&g| g == f).unwrap_or(0);
        Name((NAMES.len() + at) as u8)
    }

    /// Its text.
    pub fn as_str(self) -> &'static str {
        let i = self.0 as usize;
        match NAMES.get(i) {
            Some(n) => n,
            None => Flag::ALL.get(i - NAMES.len()).map_or("", |f| f.as_str()),
        }
    }

    /// Its text, shared: one allocation per process.
    pub fn shared(self) -> Arc<str> {
        static SHARED: OnceLock<Vec<Arc<str>>> = OnceLock::new();
        let shared = SHARED.get_or_init(|| {
            NAMES
                .iter()
                .copied()
                .chain(Flag::ALL.iter().map(|f| f.as_str()))
                .map(Arc::from)
                .collect()
        });
        match shared.get(self.0 as usize) {
            Some(s) => s.clone(),
            None => Arc::from(self.as_str()),
        }
    }
}

/// `a == b`, in a constant.
const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
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
    /// (`name!("…")`, alone or in a `(value, name!("…"))` pair it picks
    /// from).
    fn evidence_features() -> Vec<&'static str> {
        let scorer = include_str!("epitome.rs");
        let mut features = Vec::new();
        for (i, _) in scorer.match_indices('"') {
            let rest = &scorer[i + 1..];
            let Some(end) = rest.find('"') else { break };
            let name = &rest[..end];
            let named = scorer[..i].ends_with("name!(");
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

    /// Fixed names are told apart by index: no two may have the same text.
    #[test]
    fn fixed_names_are_distinct() {
        let mut all: Vec<&str> = NAMES
            .iter()
            .copied()
            .chain(crate::report::Flag::ALL.iter().map(|f| f.as_str()))
            .collect();
        let n = all.len();
        assert!(n < 256);
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
        for (i, f) in crate::report::Flag::ALL.iter().enumerate() {
            assert_eq!(super::Name::flag(*f), super::Name((NAMES.len() + i) as u8));
            assert_eq!(super::Name::flag(*f).as_str(), f.as_str());
            assert_eq!(&*super::Name::flag(*f).shared(), f.as_str());
        }
        assert_eq!(&*name!("bias").shared(), "bias");
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
