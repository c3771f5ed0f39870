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
mod epitome;
pub(crate) mod params;
mod reply;
mod selection;
pub(crate) mod shape_words;
pub(crate) mod shapes;
mod strategies;

pub(crate) use customer::analyze_customer;
pub(crate) use reply::score_reply;

use crate::rules::compile::{Hit, LearnedHit, SegmentHit};
use crate::text::lex::Lexed;

/// Reusable buffers for one scoring call.
#[derive(Debug, Default)]
pub(crate) struct Work {
    pub lexed: Lexed,
    pub segments: Vec<SegmentHit>,
    pub hits: Vec<Hit>,
    pub learned: Vec<LearnedHit>,
}

/// Reports carry four decimals: enough to re-derive a score by hand, and
/// stable across platforms.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
