//! Conversation analysis: what no single message shows.
//!
//! # The conversation score
//!
//! ```text
//! score = mean reply score
//!       − 10 if empathy came late
//!       − 6 per missed opportunity (at most 24)
//!       − 5 per scripted phrase (at most 15)
//!       − 3 per agent question-only turn beyond 3 in a row (at most 15)
//!       − 5 if a fix was given and never confirmed, + 5 if confirmed
//! clamped to 0–100
//! ```
//! The numbers are the defaults of the pack's `conversation_*` `[scoring]`
//! parameters (`docs/rules.md`). Each term is listed in
//! [`ConversationReport::breakdown`].

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::analyzer::Analyzer;
use crate::error::UnknownRoleError;
use crate::offsets::OffsetUnit;
use crate::report::{
    CustomerReport, Dimension, Flag, MessageReport, ScoreTerm, Strategy, TermSource, Tip,
};
use crate::text::language::Language;
use crate::text::normalize::normalize_word;
use crate::text::scan::scan;
use crate::text::TokenKind;
use crate::tips;

/// Who wrote a turn. Parsed from the names conversation formats use, in
/// any case.
///
/// ```
/// use empathize::Role;
/// assert_eq!("Assistant".parse::<Role>(), Ok(Role::Agent));
/// assert_eq!("user".parse::<Role>(), Ok(Role::Customer));
/// assert_eq!("robot".parse::<Role>().unwrap_err().role(), "robot");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// The customer (also accepted: `user`, `client`, `human`).
    Customer,
    /// The agent (also accepted: `assistant`, `bot`, `rep`, `support`).
    Agent,
}

impl Role {
    /// The canonical name: `customer` or `agent`.
    ///
    /// ```
    /// let role: empathize::Role = "bot".parse()?;
    /// assert_eq!(role.as_str(), "agent");
    /// # Ok::<(), empathize::UnknownRoleError>(())
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
        }
    }
}

impl FromStr for Role {
    type Err = UnknownRoleError;

    fn from_str(s: &str) -> Result<Role, UnknownRoleError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "customer" | "user" | "client" | "human" | "caller" => Ok(Role::Customer),
            "agent" | "assistant" | "bot" | "rep" | "support" | "representative" => Ok(Role::Agent),
            _ => Err(UnknownRoleError {
                role: s.to_string(),
            }),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Role {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Role {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Role".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        crate::report::string_enum([Role::Customer.as_str(), Role::Agent.as_str()])
    }
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Turn {
    /// Who wrote it.
    pub role: Role,
    /// What they wrote.
    pub text: String,
    /// The agent's id, for per-agent summaries.
    pub agent_id: Option<String>,
    /// When it was written, as given (not interpreted).
    pub timestamp: Option<String>,
}

impl Turn {
    /// A customer turn.
    ///
    /// ```
    /// use empathize::{Role, Turn};
    /// let turn = Turn::customer("Where is my order?");
    /// assert_eq!((turn.role, turn.text.as_str()), (Role::Customer, "Where is my order?"));
    /// assert_eq!(turn.agent_id, None);
    /// ```
    pub fn customer(text: impl Into<String>) -> Turn {
        Turn {
            role: Role::Customer,
            text: text.into(),
            agent_id: None,
            timestamp: None,
        }
    }

    /// An agent turn.
    ///
    /// ```
    /// use empathize::{Role, Turn};
    /// let turn = Turn::agent("It ships today.");
    /// assert_eq!(turn.role, Role::Agent);
    /// assert_eq!(turn.agent_id, None);
    /// ```
    pub fn agent(text: impl Into<String>) -> Turn {
        Turn {
            role: Role::Agent,
            text: text.into(),
            agent_id: None,
            timestamp: None,
        }
    }

    /// Sets the agent id, which groups turns in
    /// [`ConversationReport::agents`].
    ///
    /// ```
    /// use empathize::{Analyzer, Turn};
    /// let report = Analyzer::new().analyze_conversation(&[
    ///     Turn::customer("My card was declined twice."),
    ///     Turn::agent("I'm sorry about that, let me check.").with_agent("ana"),
    /// ]);
    /// assert_eq!(report.agents.len(), 1);
    /// assert_eq!(report.agents[0].agent_id, "ana");
    /// ```
    pub fn with_agent(mut self, agent_id: impl Into<String>) -> Turn {
        self.agent_id = Some(agent_id.into());
        self
    }
}

/// The report on one turn: a customer report or a reply report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct TurnReport {
    /// Index of the turn in the conversation.
    pub index: usize,
    /// Who wrote it.
    pub role: Role,
    /// The agent id, for agent turns that carry one.
    pub agent_id: Option<String>,
    /// For customer turns.
    pub customer: Option<CustomerReport>,
    /// For agent turns: the reply scored against the customer's latest words.
    pub reply: Option<MessageReport>,
}

/// A distressed customer turn that the next agent turn did not acknowledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MissedOpportunity {
    /// The customer turn.
    pub customer_turn: usize,
    /// The agent turn that answered it without acknowledgment.
    pub agent_turn: usize,
    /// The customer's distress level then.
    pub distress_level: u8,
}

/// An agent phrase reused across turns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Repetition {
    /// The phrase, normalized (lower case, contractions expanded, no punctuation).
    pub phrase: String,
    /// In how many agent turns it appears.
    pub count: usize,
    /// The turns it appears in.
    pub turns: Vec<usize>,
}

/// One agent's summary across a conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AgentSummary {
    /// The agent id.
    pub agent_id: String,
    /// Number of turns.
    pub turns: usize,
    /// Mean reply score.
    pub mean_score: f64,
    /// Turns that showed empathy.
    pub empathic_turns: usize,
    /// Missed opportunities on this agent's turns.
    pub missed_opportunities: usize,
    /// How often each flag was raised.
    pub flags: BTreeMap<Flag, usize>,
}

/// The report on a whole conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ConversationReport {
    /// 0–100, see the module documentation.
    pub score: f64,
    /// The terms of the score.
    pub breakdown: Vec<ScoreTerm>,
    /// Every turn's report.
    pub turns: Vec<TurnReport>,
    /// The first customer turn showing distress.
    pub first_distress_turn: Option<usize>,
    /// The customer turn with the highest distress.
    pub peak_distress_turn: Option<usize>,
    /// The first agent turn showing empathy (after the first distress, if any).
    pub first_empathy_turn: Option<usize>,
    /// Turns between the first distress and the first empathy.
    pub empathy_latency: Option<usize>,
    /// Empathy came only after distress was ignored and had peaked.
    pub late_empathy: bool,
    /// Distressed customer turns whose next agent turn acknowledged nothing.
    pub missed_opportunities: Vec<MissedOpportunity>,
    /// Agent phrases reused across turns.
    pub scripted_repetition: Vec<Repetition>,
    /// Longest run of agent turns that only ask questions.
    pub question_streak: usize,
    /// The agent checked that the resolution worked.
    pub resolution_confirmed: bool,
    /// What to do better.
    pub tips: Vec<Tip>,
    /// Per-agent summaries, for turns that carry an agent id.
    pub agents: Vec<AgentSummary>,
}

fn empathic(reply: &MessageReport) -> bool {
    [
        Dimension::Acknowledgment,
        Dimension::Apology,
        Dimension::Understanding,
        Dimension::Care,
        Dimension::Restatement,
    ]
    .iter()
    .any(|&d| reply.dimensions.get(d) > 0.0)
}

fn question_only(reply: &MessageReport) -> bool {
    !reply.strategies.is_empty()
        && reply
            .strategies
            .iter()
            .all(|s| s.strategy == Strategy::Question)
}

impl Analyzer {
    /// Analyzes a conversation. Linear in its length.
    ///
    /// ```
    /// use empathize::{Analyzer, Turn};
    /// let report = Analyzer::new().analyze_conversation(&[
    ///     Turn::customer("My order is late again and I'm really upset."),
    ///     Turn::agent("Please send your order number."),
    ///     Turn::customer("I'm in tears, this was a gift!"),
    ///     Turn::agent("I'm so sorry, I understand how upsetting this is."),
    /// ]);
    /// assert!(report.late_empathy);
    /// assert_eq!(report.missed_opportunities[0].customer_turn, 0);
    /// ```
    pub fn analyze_conversation(&self, turns: &[Turn]) -> ConversationReport {
        let mut reports = Vec::with_capacity(turns.len());
        // Customer reports since the last agent turn: the context of the next reply.
        let mut pending: Vec<usize> = Vec::new();
        let mut latest: Option<CustomerReport> = None;
        for (index, turn) in turns.iter().enumerate() {
            match turn.role {
                Role::Customer => {
                    let c = self.customer_in_bytes(&turn.text);
                    pending.push(index);
                    let mut context = c.clone();
                    // Several customer turns in a row: the reply answers all of them.
                    if let Some(prev) = latest.as_ref().filter(|_| pending.len() > 1) {
                        if prev.distress > context.distress {
                            context.distress = prev.distress;
                            context.distress_level = prev.distress_level;
                        }
                        context.emotions.anger = context.emotions.anger.max(prev.emotions.anger);
                        context.emotions.frustration =
                            context.emotions.frustration.max(prev.emotions.frustration);
                        context.emotions.sadness =
                            context.emotions.sadness.max(prev.emotions.sadness);
                        context.emotions.disappointment = context
                            .emotions
                            .disappointment
                            .max(prev.emotions.disappointment);
                        // A complaint of either turn (a rule's, which the
                        // emotions may not show) stands for the reply.
                        context.complaint |= prev.complaint || context.emotions.complain();
                    }
                    latest = Some(context);
                    reports.push(TurnReport {
                        index,
                        role: Role::Customer,
                        agent_id: None,
                        customer: Some(c),
                        reply: None,
                    });
                }
                Role::Agent => {
                    let reply = match &latest {
                        Some(c) => self.reply_in_bytes(&turn.text, Some(c)),
                        None => self.reply_in_bytes(&turn.text, None),
                    };
                    pending.clear();
                    reports.push(TurnReport {
                        index,
                        role: Role::Agent,
                        agent_id: turn.agent_id.clone(),
                        customer: None,
                        reply: Some(reply),
                    });
                }
            }
        }
        let mut report = self.summarize(turns, reports);
        if self.offsets() != OffsetUnit::Byte {
            report.turns_to_unit(turns, self.offsets());
        }
        report
    }

    fn summarize(&self, turns: &[Turn], reports: Vec<TurnReport>) -> ConversationReport {
        let distress = |r: &TurnReport| r.customer.as_ref().map_or(0, |c| c.distress_level);
        let first_distress_turn = reports.iter().find(|r| distress(r) >= 1).map(|r| r.index);

        // Missed opportunities: each distressed customer turn and the next agent turn.
        let mut missed = Vec::new();
        let mut waiting: Vec<(usize, u8)> = Vec::new();
        for r in &reports {
            match (&r.customer, &r.reply) {
                (Some(c), _) if c.distress_level >= 1 => waiting.push((r.index, c.distress_level)),
                (_, Some(reply)) => {
                    if !empathic(reply) {
                        missed.extend(waiting.iter().map(|&(customer_turn, level)| {
                            MissedOpportunity {
                                customer_turn,
                                agent_turn: r.index,
                                distress_level: level,
                            }
                        }));
                    }
                    waiting.clear();
                }
                _ => {}
            }
        }

        let empathy_after = |from: usize| {
            reports
                .iter()
                .skip(from)
                .find(|r| r.reply.as_ref().is_some_and(empathic))
                .map(|r| r.index)
        };
        let first_empathy_turn = empathy_after(first_distress_turn.unwrap_or(0));
        let empathy_latency = match (first_distress_turn, first_empathy_turn) {
            (Some(d), Some(e)) => Some(e - d),
            _ => None,
        };
        let peak_distress_turn = reports
            .iter()
            .filter(|r| r.customer.is_some())
            .max_by(|a, b| {
                let da = a.customer.as_ref().map_or(0.0, |c| c.distress);
                let db = b.customer.as_ref().map_or(0.0, |c| c.distress);
                da.total_cmp(&db).then(b.index.cmp(&a.index))
            })
            .filter(|r| distress(r) >= 1)
            .map(|r| r.index);
        // Late: distress was ignored at least once before the first empathy,
        // and the empathy answers (about) the worst distress seen so far.
        let late_empathy = match first_empathy_turn {
            Some(e) => {
                let ignored_before = missed.iter().any(|m| m.agent_turn < e);
                let worst_before = reports[..e]
                    .iter()
                    .filter_map(|r| r.customer.as_ref().map(|c| c.distress))
                    .fold(0.0f64, f64::max);
                let answered = reports[..e]
                    .iter()
                    .rev()
                    .find_map(|r| r.customer.as_ref().map(|c| c.distress))
                    .unwrap_or(0.0);
                ignored_before && answered >= 0.9 * worst_before
            }
            None => false,
        };

        let agent_replies: Vec<(usize, &MessageReport)> = reports
            .iter()
            .filter_map(|r| r.reply.as_ref().map(|m| (r.index, m)))
            .collect();

        let mut question_streak = 0usize;
        let mut run = 0;
        for (_, reply) in &agent_replies {
            if question_only(reply) {
                run += 1;
                question_streak = question_streak.max(run);
            } else {
                run = 0;
            }
        }

        let last_fix = agent_replies
            .iter()
            .rev()
            .find(|(_, r)| r.dimensions.ownership > 0.0)
            .map(|(i, _)| *i);
        let resolution_confirmed = agent_replies
            .iter()
            .any(|(i, r)| r.dimensions.follow_up > 0.0 && last_fix.is_none_or(|f| *i >= f));

        let scripted_repetition = scripted_phrases(&self.compiled().language, turns);

        let agents = agent_summaries(&reports, &missed);

        // The conversation score.
        let s = &self.compiled().scoring;
        let mean = if agent_replies.is_empty() {
            s.conversation_no_replies
        } else {
            agent_replies.iter().map(|(_, r)| r.score).sum::<f64>() / agent_replies.len() as f64
        };
        let mut breakdown = vec![ScoreTerm {
            source: TermSource::Bias,
            label: "mean_reply_score".into(),
            value: mean,
            match_index: None,
        }];
        let mut term = |label: &str, value: f64| {
            if value != 0.0 {
                breakdown.push(ScoreTerm {
                    source: TermSource::Context,
                    label: label.into(),
                    value,
                    match_index: None,
                });
            }
        };
        let beyond_free_questions =
            (question_streak as f64 - s.conversation_question_streak_free).max(0.0);
        term(
            "late_empathy",
            if late_empathy {
                -s.conversation_late_empathy
            } else {
                0.0
            },
        );
        term(
            "missed_opportunities",
            -(s.conversation_missed_opportunity * missed.len() as f64)
                .min(s.conversation_missed_opportunity_cap),
        );
        term(
            "scripted_repetition",
            -(s.conversation_scripted_phrase * scripted_repetition.len() as f64)
                .min(s.conversation_scripted_phrase_cap),
        );
        term(
            "question_streak",
            -(s.conversation_question_streak * beyond_free_questions)
                .min(s.conversation_question_streak_cap),
        );
        if last_fix.is_some() || resolution_confirmed {
            term(
                "resolution",
                if resolution_confirmed {
                    s.conversation_resolution_confirmed
                } else {
                    -s.conversation_resolution_unconfirmed
                },
            );
        }
        let score = breakdown
            .iter()
            .map(|t| t.value)
            .sum::<f64>()
            .clamp(0.0, 100.0);
        let score = (score * 100.0).round() / 100.0;

        let mut tips_out: Vec<Tip> = Vec::new();
        let mut tip = |t: Tip| {
            if !tips_out.contains(&t) {
                tips_out.push(t);
            }
        };
        if late_empathy {
            tip(tips::EMPATHIZE_EARLIER);
        }
        if !missed.is_empty() {
            tip(tips::ACKNOWLEDGE_FEELINGS);
        }
        if !scripted_repetition.is_empty() {
            tip(tips::VARY_PHRASING);
        }
        if beyond_free_questions > 0.0 {
            tip(tips::MIX_QUESTIONS_WITH_HELP);
        }
        if last_fix.is_some() && !resolution_confirmed {
            tip(tips::CONFIRM_RESOLUTION);
        }
        for (_, reply) in &agent_replies {
            for t in &reply.tips {
                // Per-reply confirmation tips are settled at conversation level.
                if t.code != tips::CONFIRM_RESOLUTION.code {
                    tip(t.clone());
                }
            }
        }

        ConversationReport {
            score,
            breakdown,
            turns: reports,
            first_distress_turn,
            peak_distress_turn,
            first_empathy_turn,
            empathy_latency,
            late_empathy,
            missed_opportunities: missed,
            scripted_repetition,
            question_streak,
            resolution_confirmed,
            tips: tips_out,
            agents,
        }
    }
}

fn agent_summaries(reports: &[TurnReport], missed: &[MissedOpportunity]) -> Vec<AgentSummary> {
    let mut missed_at: HashMap<usize, usize> = HashMap::new();
    for m in missed {
        *missed_at.entry(m.agent_turn).or_default() += 1;
    }
    let mut by_agent: BTreeMap<&str, AgentSummary> = BTreeMap::new();
    for r in reports {
        let (Some(id), Some(reply)) = (r.agent_id.as_deref(), r.reply.as_ref()) else {
            continue;
        };
        let s = by_agent.entry(id).or_insert_with(|| AgentSummary {
            agent_id: id.to_string(),
            turns: 0,
            mean_score: 0.0,
            empathic_turns: 0,
            missed_opportunities: 0,
            flags: BTreeMap::new(),
        });
        s.turns += 1;
        s.mean_score += reply.score;
        s.empathic_turns += usize::from(empathic(reply));
        s.missed_opportunities += missed_at.get(&r.index).copied().unwrap_or(0);
        for f in &reply.flags {
            *s.flags.entry(*f).or_default() += 1;
        }
    }
    by_agent
        .into_values()
        .map(|mut s| {
            s.mean_score = ((s.mean_score / s.turns as f64) * 100.0).round() / 100.0;
            s
        })
        .collect()
}

/// Words of a text, normalized, split into sentences (punctuation dropped).
fn sentence_words(language: &Language, text: &str) -> Vec<Vec<String>> {
    let mut raw = Vec::new();
    scan(language, text, &mut raw);
    let mut sentences: Vec<Vec<String>> = Vec::new();
    let mut current = u32::MAX;
    let mut buf = String::new();
    for t in &raw {
        if t.sentence != current {
            current = t.sentence;
            sentences.push(Vec::new());
        }
        let Some(words) = sentences.last_mut() else {
            continue;
        };
        if t.kind == TokenKind::Word {
            normalize_word(&text[t.start..t.end], 1, &mut buf);
            let (a, b) = language.expand_contraction(&buf);
            words.push(a.to_string());
            words.extend(b.map(str::to_string));
        }
    }
    sentences.retain(|s| !s.is_empty());
    sentences
}

/// Longest phrase kept as a candidate (words).
const MAX_PHRASE: usize = 8;

/// Agent phrases reused across turns: whole short sentences ("Fantastic!")
/// and 3–8 word runs ("I understand your frustration"). A phrase counts when
/// it appears in three agent turns, or in two when it is five words or longer;
/// phrases contained in a longer reported phrase with the same turns are dropped.
fn scripted_phrases(language: &Language, turns: &[Turn]) -> Vec<Repetition> {
    let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, turn) in turns.iter().enumerate() {
        if turn.role != Role::Agent {
            continue;
        }
        let mut phrases: Vec<String> = Vec::new();
        for words in sentence_words(language, &turn.text) {
            if words.len() <= MAX_PHRASE {
                phrases.push(words.join(" "));
            }
            for n in 3..=MAX_PHRASE.min(words.len()) {
                for gram in words.windows(n) {
                    phrases.push(gram.join(" "));
                }
            }
        }
        phrases.sort();
        phrases.dedup();
        for p in phrases {
            seen.entry(p).or_default().push(index);
        }
    }
    let mut found: Vec<Repetition> = seen
        .into_iter()
        .filter(|(phrase, turns)| {
            let words = phrase.split(' ').count();
            // A phrase needs a real word in it: initials and fragments are not scripts.
            let substantial = phrase.split(' ').any(|w| w.chars().count() >= 4);
            substantial && (turns.len() >= 3 || (turns.len() >= 2 && words >= 5))
        })
        .map(|(phrase, turns)| Repetition {
            count: turns.len(),
            phrase,
            turns,
        })
        .collect();
    // Bound the quadratic containment check below on very long conversations.
    found.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.phrase.len().cmp(&a.phrase.len()))
    });
    found.truncate(200);
    found.sort_by(|a, b| {
        b.phrase
            .len()
            .cmp(&a.phrase.len())
            .then_with(|| a.phrase.cmp(&b.phrase))
    });
    // Phrases padded with spaces once, so containment is whole-word.
    let mut kept: Vec<(Repetition, String)> = Vec::new();
    for r in found {
        let padded = format!(" {} ", r.phrase);
        let inside = kept
            .iter()
            .any(|(k, k_padded)| k.turns == r.turns && k_padded.contains(&padded));
        if !inside {
            kept.push((r, padded));
        }
    }
    let mut kept: Vec<Repetition> = kept.into_iter().map(|(r, _)| r).collect();
    kept.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.phrase.cmp(&b.phrase)));
    kept.truncate(10);
    kept
}
