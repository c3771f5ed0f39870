//! The reports as JS sees them: camelCase fields (`#[napi(object)]` gives the
//! TypeScript interfaces, serde the JSON that `transport` hands to JS).
//!
//! Each struct mirrors a core type field for field; enum values stay the
//! core's snake_case strings (their TypeScript unions live in
//! `src/vocabulary.d.ts`). Every span is converted from UTF-8 bytes to UTF-16
//! code units here, once, so that `text.slice(m.start, m.end) === m.text`.

use std::collections::BTreeMap;

use empathize::{self as core, OffsetUnit, ToUnit};
use napi_derive::napi;
use serde::Serialize;

/// One rule hit or learned n-gram. `text.slice(start, end) === match.text`
/// for the text that was scored.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    /// The id of the rule that matched (e.g. `"apology.so_sorry"`); for a
    /// learned n-gram, `table:target` (e.g. `"goemotions-emotions:anger"`).
    pub rule: String,
    /// `rule` (a rule of a pack) or `learned` (an n-gram of a learned table).
    #[napi(ts_type = "MatchSource")]
    pub source: &'static str,
    /// What the match means: a dimension, a flag, a cue, an emotion,
    /// `escalation` or `repetition`; for a learned n-gram also `distress`, a
    /// strategy or a mechanism.
    #[napi(ts_type = "Category")]
    pub category: &'static str,
    /// Whether the match helps (`positive`), hurts (`negative`) or is
    /// evidence only (`neutral`).
    #[napi(ts_type = "Polarity")]
    pub polarity: &'static str,
    /// Start, in UTF-16 code units (JS string indices).
    pub start: u32,
    /// End (exclusive), in UTF-16 code units.
    pub end: u32,
    /// The matched text.
    pub text: String,
    /// What the match adds to the score logit (0 when cancelled); for a
    /// customer message, what it adds to its emotion's evidence; for a
    /// learned n-gram, its weight in the logit of its target.
    pub contribution: f64,
    /// A negation (`not`, `never`, `n't`…) cancelled the match.
    pub negated: bool,
    /// An overlapping anti-pattern cancelled the match ("sorry" inside
    /// "sorry you feel that way").
    pub suppressed: bool,
}

/// A value 0–1 for each positive quality of a reply.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dimensions {
    /// Naming or validating the customer's feeling or situation.
    pub acknowledgment: f64,
    /// A sincere apology.
    pub apology: f64,
    /// "I understand", "I can see why".
    pub understanding: f64,
    /// Telling the customer what you heard.
    pub restatement: f64,
    /// Concern for the person ("I'd feel the same").
    pub care: f64,
    /// Taking the problem on ("I'll take care of it").
    pub ownership: f64,
    /// Alternatives; the right kind of "no".
    pub options: f64,
    /// Open questions about needs and preferences.
    pub exploration: f64,
    /// Confirming the fix worked, checking back.
    pub follow_up: f64,
    /// Reassurance.
    pub reassurance: f64,
    /// Thanking the customer.
    pub appreciation: f64,
    /// Greeting, closing, courtesy.
    pub warmth: f64,
    /// Speaking to this customer about their case.
    pub personalization: f64,
}

/// EPITOME levels (Sharma et al., 2020): 0 none, 1 weak, 2 strong.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Epitome {
    /// Warmth, compassion, concern.
    pub emotional_reactions: u32,
    /// Understanding of feelings and experiences.
    pub interpretations: u32,
    /// Probing what the person has not said.
    pub explorations: u32,
}

/// The support strategy of one sentence (ESConv taxonomy).
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentenceStrategy {
    /// Sentence start, in UTF-16 code units.
    pub start: u32,
    /// Sentence end (exclusive), in UTF-16 code units.
    pub end: u32,
    /// The strategy the sentence shows.
    #[napi(ts_type = "Strategy")]
    pub strategy: &'static str,
}

/// One additive term of a logit: of a reply's score (`score = 100 · σ(Σ value)`)
/// or of a customer's distress (`distress = σ(Σ value)` unless a strong rule
/// hit says more).
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreTerm {
    /// Where the term comes from.
    #[napi(ts_type = "TermSource")]
    pub source: &'static str,
    /// A rule id, a flag name or a context name (for a learned term, its
    /// `table:target`).
    pub label: String,
    /// What it adds to the logit (for a conversation: to the score).
    pub value: f64,
    /// The index in `matches` when `source` is `"match"` or `"learned"`, else `null`.
    pub match_index: Option<u32>,
}

/// A suggestion for the agent.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tip {
    /// Stable machine-readable code.
    #[napi(ts_type = "TipCode")]
    pub code: &'static str,
    /// The advice in plain words.
    pub message: &'static str,
}

/// What the score of a reply knew about the customer message it answers.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyContext {
    /// The customer's distress, 0–1.
    pub distress: f64,
    /// The customer's distress level: 0 calm, 1 mild, 2 upset, 3 very upset.
    pub distress_level: u32,
    /// The customer message holds a complaint (a negative emotion).
    pub complaint: bool,
}

/// The report on one agent reply.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageReport {
    /// 0–100: `100 · σ(Σ breakdown[i].value)`.
    pub score: f64,
    /// A value 0–1 for each positive quality.
    pub dimensions: Dimensions,
    /// Anti-patterns found, in order of first appearance.
    #[napi(ts_type = "Array<Flag>")]
    pub flags: Vec<&'static str>,
    /// EPITOME levels.
    pub epitome: Epitome,
    /// A support strategy per sentence.
    pub strategies: Vec<SentenceStrategy>,
    /// Every rule hit, and each learned n-gram of a pack with reply tables, in text order.
    pub matches: Vec<Match>,
    /// The additive terms of the score logit.
    pub breakdown: Vec<ScoreTerm>,
    /// What is missing, most important first.
    pub tips: Vec<Tip>,
    /// The customer message the reply answered, summarized; `null` when the
    /// reply was scored on its own.
    pub context: Option<ReplyContext>,
}

/// A value 0–1 for each emotion of a customer message.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Emotions {
    /// Anger.
    pub anger: f64,
    /// Frustration.
    pub frustration: f64,
    /// Sadness.
    pub sadness: f64,
    /// Anxiety, worry.
    pub anxiety: f64,
    /// Disappointment.
    pub disappointment: f64,
    /// Confusion.
    pub confusion: f64,
    /// Urgency.
    pub urgency: f64,
    /// Gratitude.
    pub gratitude: f64,
}

/// The report on one customer message.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerReport {
    /// 0–1: how upset the customer is.
    pub distress: f64,
    /// 0 calm, 1 mild, 2 upset, 3 very upset.
    pub distress_level: u32,
    /// A value 0–1 per emotion.
    pub emotions: Emotions,
    /// The customer threatens to escalate (manager, cancel, lawyer, review).
    pub escalation: bool,
    /// The customer has to repeat themselves ("I already told you").
    pub repetition: bool,
    /// Capitals or stacked exclamation marks.
    pub emphasis: bool,
    /// Every rule hit and learned n-gram, in text order.
    pub matches: Vec<Match>,
    /// The terms of the distress logit when the pack has a learned distress
    /// table; empty otherwise.
    pub breakdown: Vec<ScoreTerm>,
}

/// The report on one turn of a conversation.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnReport {
    /// Index of the turn in the conversation (0-based, both roles counted).
    pub index: u32,
    /// Who wrote it (aliases such as `user` or `bot` are normalized).
    #[napi(ts_type = "Role")]
    pub role: &'static str,
    /// The agent id, for agent turns that carry one.
    pub agent_id: Option<String>,
    /// For customer turns; `null` for agent turns.
    pub customer: Option<CustomerReport>,
    /// For agent turns, the reply scored against the customer's latest
    /// words; `null` for customer turns.
    pub reply: Option<MessageReport>,
}

/// A distressed customer turn whose next agent turn acknowledged nothing.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MissedOpportunity {
    /// The customer turn.
    pub customer_turn: u32,
    /// The agent turn that answered it without acknowledgment.
    pub agent_turn: u32,
    /// The customer's distress level then (1–3).
    pub distress_level: u32,
}

/// An agent phrase reused across turns.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Repetition {
    /// The phrase, normalized (lower case, contractions expanded, no punctuation).
    pub phrase: String,
    /// In how many agent turns it appears.
    pub count: u32,
    /// The turns it appears in.
    pub turns: Vec<u32>,
}

/// One agent's summary across a conversation.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentSummary {
    /// The agent id.
    pub agent_id: String,
    /// Number of turns.
    pub turns: u32,
    /// Mean reply score.
    pub mean_score: f64,
    /// Turns that showed empathy.
    pub empathic_turns: u32,
    /// Missed opportunities on this agent's turns.
    pub missed_opportunities: u32,
    /// How often each flag was raised.
    #[napi(ts_type = "Partial<Record<Flag, number>>")]
    pub flags: BTreeMap<String, u32>,
}

/// The report on a whole conversation.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationReport {
    /// 0–100: mean reply score plus the conversation terms in `breakdown`.
    pub score: f64,
    /// The terms of the score.
    pub breakdown: Vec<ScoreTerm>,
    /// Every turn's report, in order.
    pub turns: Vec<TurnReport>,
    /// The first customer turn showing distress.
    pub first_distress_turn: Option<u32>,
    /// The customer turn with the highest distress.
    pub peak_distress_turn: Option<u32>,
    /// The first agent turn showing empathy (after the first distress, if any).
    pub first_empathy_turn: Option<u32>,
    /// Turns between the first distress and the first empathy.
    pub empathy_latency: Option<u32>,
    /// Empathy came only after distress was ignored and had peaked.
    pub late_empathy: bool,
    /// Distressed customer turns whose next agent turn acknowledged nothing.
    pub missed_opportunities: Vec<MissedOpportunity>,
    /// Agent phrases reused across turns.
    pub scripted_repetition: Vec<Repetition>,
    /// Longest run of agent turns that only ask questions.
    pub question_streak: u32,
    /// The agent checked that the resolution worked.
    pub resolution_confirmed: bool,
    /// What to do better.
    pub tips: Vec<Tip>,
    /// Per-agent summaries, for turns that carry an agent id.
    pub agents: Vec<AgentSummary>,
}

/// A token of the input. `text.slice(start, end) === token.text`.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// The token as it appears in the input.
    pub text: String,
    /// Start, in UTF-16 code units.
    pub start: u32,
    /// End (exclusive), in UTF-16 code units.
    pub end: u32,
    /// What the token is.
    #[napi(ts_type = "TokenKind")]
    pub kind: &'static str,
    /// Normalized form used for matching (case-folded, apostrophes
    /// straightened, contractions expanded: `"I’m"` → `"i am"`).
    pub norm: String,
    /// Index of the sentence holding the token (0-based).
    pub sentence: u32,
    /// The word is written in capitals.
    pub caps: bool,
    /// A letter is repeated three times or more (`soooo`).
    pub elongated: bool,
    /// Emphatic punctuation (`!!`, `?!`).
    pub emphatic: bool,
    /// The token lies inside the scope of a negation.
    pub negated: bool,
}

/// The EPITOME evidence a rule gives.
#[napi(object, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpitomeEvidence {
    /// The mechanism.
    #[napi(ts_type = "Mechanism")]
    pub mechanism: &'static str,
    /// The level, 1 or 2.
    pub level: u32,
}

/// A rule of the active packs.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleInfo {
    /// The rule id.
    pub id: String,
    /// Its category.
    #[napi(ts_type = "Category")]
    pub category: &'static str,
    /// Its weight.
    pub weight: f64,
    /// Its patterns as written.
    pub patterns: Vec<String>,
    /// The EPITOME evidence it gives, if any.
    pub epitome: Option<EpitomeEvidence>,
    /// The support strategy it signals, if any.
    #[napi(ts_type = "Strategy")]
    pub strategy: Option<&'static str>,
    /// Its description.
    pub description: String,
    /// The pack it comes from.
    pub pack: String,
    /// The line of its `id` in that pack.
    pub line: Option<u32>,
}

// ---------------------------------------------------------------------------
// Conversions from the core. Offsets are rewritten to UTF-16 before copying.

/// JS strings and arrays never exceed 2^32 elements; saturate just in case.
fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The snake_case name of a polarity (the core has no `as_str` for it).
pub(crate) fn polarity_name(p: core::Polarity) -> &'static str {
    match p {
        core::Polarity::Positive => "positive",
        core::Polarity::Negative => "negative",
        core::Polarity::Neutral => "neutral",
    }
}

/// The snake_case name of a term source (the core has no `as_str` for it).
pub(crate) fn term_source_name(s: core::TermSource) -> &'static str {
    match s {
        core::TermSource::Bias => "bias",
        core::TermSource::Match => "match",
        core::TermSource::Derived => "derived",
        core::TermSource::Context => "context",
        core::TermSource::Rules => "rules",
        core::TermSource::Learned => "learned",
    }
}

/// The snake_case name of a token kind (the core has no `as_str` for it).
pub(crate) fn token_kind_name(k: core::TokenKind) -> &'static str {
    match k {
        core::TokenKind::Word => "word",
        core::TokenKind::Number => "number",
        core::TokenKind::Punct => "punct",
        core::TokenKind::Emoji => "emoji",
        core::TokenKind::Emoticon => "emoticon",
        core::TokenKind::Url => "url",
        core::TokenKind::Email => "email",
        core::TokenKind::Mention => "mention",
        core::TokenKind::Hashtag => "hashtag",
        core::TokenKind::Symbol => "symbol",
    }
}

fn matches(list: Vec<core::Match>) -> Vec<Match> {
    list.into_iter()
        .map(|m| Match {
            rule: m.rule.to_string(),
            source: m.source.as_str(),
            category: m.category.as_str(),
            polarity: polarity_name(m.polarity),
            start: u32_of(m.start),
            end: u32_of(m.end),
            text: m.text,
            contribution: m.contribution,
            negated: m.negated,
            suppressed: m.suppressed,
        })
        .collect()
}

fn breakdown(terms: Vec<core::ScoreTerm>) -> Vec<ScoreTerm> {
    terms
        .into_iter()
        .map(|t| ScoreTerm {
            source: term_source_name(t.source),
            label: t.label,
            value: t.value,
            match_index: t.match_index.map(u32_of),
        })
        .collect()
}

fn tips(list: Vec<core::Tip>) -> Vec<Tip> {
    list.into_iter()
        .map(|t| Tip {
            code: t.code,
            message: t.message,
        })
        .collect()
}

/// A reply report for JS, its spans counted in UTF-16 units of `text`.
pub(crate) fn message_report(mut r: core::MessageReport, text: &str) -> MessageReport {
    r.to_unit(text, OffsetUnit::Utf16);
    let d = r.dimensions;
    MessageReport {
        score: r.score,
        dimensions: Dimensions {
            acknowledgment: d.acknowledgment,
            apology: d.apology,
            understanding: d.understanding,
            restatement: d.restatement,
            care: d.care,
            ownership: d.ownership,
            options: d.options,
            exploration: d.exploration,
            follow_up: d.follow_up,
            reassurance: d.reassurance,
            appreciation: d.appreciation,
            warmth: d.warmth,
            personalization: d.personalization,
        },
        flags: r.flags.iter().map(|f| f.as_str()).collect(),
        epitome: Epitome {
            emotional_reactions: r.epitome.emotional_reactions.into(),
            interpretations: r.epitome.interpretations.into(),
            explorations: r.epitome.explorations.into(),
        },
        strategies: r
            .strategies
            .iter()
            .map(|s| SentenceStrategy {
                start: u32_of(s.start),
                end: u32_of(s.end),
                strategy: s.strategy.as_str(),
            })
            .collect(),
        matches: matches(r.matches),
        breakdown: breakdown(r.breakdown),
        tips: tips(r.tips),
        context: r.context.map(|c| ReplyContext {
            distress: c.distress,
            distress_level: c.distress_level.into(),
            complaint: c.complaint,
        }),
    }
}

/// A customer report for JS, its spans counted in UTF-16 units of `text`.
pub(crate) fn customer_report(mut r: core::CustomerReport, text: &str) -> CustomerReport {
    r.to_unit(text, OffsetUnit::Utf16);
    let e = r.emotions;
    CustomerReport {
        distress: r.distress,
        distress_level: r.distress_level.into(),
        emotions: Emotions {
            anger: e.anger,
            frustration: e.frustration,
            sadness: e.sadness,
            anxiety: e.anxiety,
            disappointment: e.disappointment,
            confusion: e.confusion,
            urgency: e.urgency,
            gratitude: e.gratitude,
        },
        escalation: r.escalation,
        repetition: r.repetition,
        emphasis: r.emphasis,
        matches: matches(r.matches),
        breakdown: breakdown(r.breakdown),
    }
}

/// A conversation report for JS; each turn's spans are counted in UTF-16
/// units of that turn's own text.
pub(crate) fn conversation_report(
    r: core::ConversationReport,
    turns: &[core::Turn],
) -> ConversationReport {
    let text_of = |index: usize| turns.get(index).map_or("", |t| t.text.as_str());
    ConversationReport {
        score: r.score,
        breakdown: breakdown(r.breakdown),
        turns: r
            .turns
            .into_iter()
            .map(|t| TurnReport {
                index: u32_of(t.index),
                role: t.role.as_str(),
                agent_id: t.agent_id,
                customer: t.customer.map(|c| customer_report(c, text_of(t.index))),
                reply: t.reply.map(|m| message_report(m, text_of(t.index))),
            })
            .collect(),
        first_distress_turn: r.first_distress_turn.map(u32_of),
        peak_distress_turn: r.peak_distress_turn.map(u32_of),
        first_empathy_turn: r.first_empathy_turn.map(u32_of),
        empathy_latency: r.empathy_latency.map(u32_of),
        late_empathy: r.late_empathy,
        missed_opportunities: r
            .missed_opportunities
            .iter()
            .map(|m| MissedOpportunity {
                customer_turn: u32_of(m.customer_turn),
                agent_turn: u32_of(m.agent_turn),
                distress_level: m.distress_level.into(),
            })
            .collect(),
        scripted_repetition: r
            .scripted_repetition
            .into_iter()
            .map(|p| Repetition {
                phrase: p.phrase,
                count: u32_of(p.count),
                turns: p.turns.into_iter().map(u32_of).collect(),
            })
            .collect(),
        question_streak: u32_of(r.question_streak),
        resolution_confirmed: r.resolution_confirmed,
        tips: tips(r.tips),
        agents: r
            .agents
            .into_iter()
            .map(|a| AgentSummary {
                agent_id: a.agent_id,
                turns: u32_of(a.turns),
                mean_score: a.mean_score,
                empathic_turns: u32_of(a.empathic_turns),
                missed_opportunities: u32_of(a.missed_opportunities),
                flags: a
                    .flags
                    .into_iter()
                    .map(|(flag, n)| (flag.as_str().to_string(), u32_of(n)))
                    .collect(),
            })
            .collect(),
    }
}

/// Tokens for JS, their spans counted in UTF-16 units of `text`.
pub(crate) fn tokens(mut list: Vec<core::Token<'_>>, text: &str) -> Vec<Token> {
    list.to_unit(text, OffsetUnit::Utf16);
    list.into_iter()
        .map(|t| Token {
            text: t.text.to_string(),
            start: u32_of(t.start),
            end: u32_of(t.end),
            kind: token_kind_name(t.kind),
            norm: t.norm.into_owned(),
            sentence: u32_of(t.sentence),
            caps: t.caps,
            elongated: t.elongated,
            emphatic: t.emphatic,
            negated: t.negated,
        })
        .collect()
}

/// The rules of an analyzer for JS.
pub(crate) fn rules(list: Vec<core::RuleInfo>) -> Vec<RuleInfo> {
    list.into_iter()
        .map(|r| RuleInfo {
            id: r.id,
            category: r.category.as_str(),
            weight: r.weight,
            patterns: r.patterns,
            epitome: r.epitome.map(|(mechanism, level)| EpitomeEvidence {
                mechanism: mechanism.as_str(),
                level: level.into(),
            }),
            strategy: r.strategy.map(|s| s.as_str()),
            description: r.description,
            pack: r.pack,
            line: r.line.map(u32_of),
        })
        .collect()
}
