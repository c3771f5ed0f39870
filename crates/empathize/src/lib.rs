//! Measure empathy in customer-service text.
//!
//! `empathize` tokenizes agent and customer messages, scores them with
//! readable rule packs, explains every point of the score with spans, flags
//! what hurts (policy walls, blame, hollow scripted phrases, non-apologies,
//! curt refusals) and finds, across a conversation, empathy that came too
//! late or never came.
//!
//! # Overview
//!
//! * [`Analyzer`] — compiled rule packs; the entry point. [`Analyzer::new`]
//!   uses the embedded English pack; [`Analyzer::builder`] adds packs,
//!   changes weights and disables rules.
//! * [`MessageReport`] — the report on an agent reply: a 0–100 `score`,
//!   `dimensions`, `flags`, EPITOME levels, support strategies per sentence,
//!   every `match` with its byte span and contribution, the score
//!   `breakdown`, and `tips`.
//! * [`CustomerReport`] — distress, emotions, escalation and repetition in a
//!   customer message.
//! * [`ConversationReport`] — late empathy, missed opportunities, scripted
//!   repetition, question streaks, resolution, per-agent summaries.
//!
//! # Example
//!
//! ```
//! use empathize::{Analyzer, Dimension, Flag};
//!
//! let analyzer = Analyzer::new();
//! let report = analyzer.score_reply(
//!     "My package arrived crushed and I needed it for my daughter's birthday!",
//!     "Nope. Can't work that out this time.",
//! );
//! assert!(report.has_flag(Flag::Curt));
//! assert!(report.has_flag(Flag::RefusalWithoutAlternative));
//! assert!(report.score < 25.0);
//! assert_eq!(report.dimensions.get(Dimension::Acknowledgment), 0.0);
//!
//! // Every span slices the text it came from.
//! let reply = "I’m so sorry — I understand how frustrating that is.";
//! for m in analyzer.score(reply).matches {
//!     assert_eq!(&reply[m.start..m.end], m.text);
//! }
//! ```
//!
//! # How the score is computed
//!
//! `score = 100 · σ(logit)` where the logit is the sum of the terms listed in
//! [`MessageReport::breakdown`]: a bias, each counted match's weight with
//! diminishing returns inside its category, derived flags, and context terms
//! (acknowledgment given or missing when the customer is upset). See the
//! [`score`] module documentation for the full formula, and
//! `docs/rules.md` for the pack format.
//!
//! # Offsets
//!
//! Reports carry byte offsets. [`ToUnit::to_unit`] rewrites them as code
//! points (Python) or UTF-16 units (JavaScript).
#![deny(missing_docs)]

mod analyzer;
mod conversation;
mod error;
mod field;
pub mod html;
mod learned;
mod offsets;
pub mod packs;
mod report;
mod row;
mod rules;
pub mod score;
mod text;
mod tips;

pub use analyzer::{Analyzer, AnalyzerBuilder, Ngram, TableInfo, DEFAULT_PACK, DEFAULT_TABLES};
pub use conversation::{
    AgentSummary, ConversationReport, MissedOpportunity, Repetition, Role, Turn, TurnReport,
};
pub use error::{RulePackError, UnknownRoleError};
pub use field::{field_names, serialize_field};
pub use offsets::{OffsetMap, OffsetUnit, ToUnit};
pub use report::{
    Category, Cue, CustomerReport, Dimension, Dimensions, Emotion, Emotions, Epitome, Evidence,
    Flag, Match, MatchSource, Mechanism, MessageReport, Polarity, ReplyContext, ReplySummary,
    ScoreTerm, SentenceStrategy, Strategy, TermSource, Tip,
};
pub use row::{row_columns, Cell, Column, ColumnKind};
pub use rules::rule::Rule as RuleInfo;
pub use text::{Token, TokenKind};
pub use tips::ALL as ALL_TIPS;
