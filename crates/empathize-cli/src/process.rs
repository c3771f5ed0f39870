//! Scoring records in parallel chunks, in input order, and summarizing them.

use std::collections::BTreeMap;

use empathize::{
    Analyzer, ConversationReport, CustomerReport, Flag, MessageReport, ReplySummary, Role, Tip,
    Turn,
};
use rayon::prelude::*;
use serde::Serialize;

use crate::input::{Item, Record};

/// Records scored together; bounds memory while keeping all cores busy.
pub const CHUNK: usize = 2048;

/// A scored record.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scored {
    Conversation {
        id: String,
        line: usize,
        #[serde(skip)]
        turns: Vec<Turn>,
        report: Box<ConversationReport>,
    },
    Reply {
        id: String,
        line: usize,
        agent_id: Option<String>,
        #[serde(skip)]
        text: String,
        report: ReplyReport,
    },
    Customer {
        id: String,
        line: usize,
        #[serde(skip)]
        text: String,
        report: Box<CustomerReport>,
    },
}

/// A reply's report: the full one, or only its summary when the output
/// reads no more (CSV rows), which the core builds without matches,
/// evidence or breakdown.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ReplyReport {
    Full(Box<MessageReport>),
    Summary(Box<ReplySummary>),
}

impl ReplyReport {
    pub fn score(&self) -> f64 {
        match self {
            ReplyReport::Full(r) => r.score,
            ReplyReport::Summary(r) => r.score,
        }
    }

    pub fn flags(&self) -> &[Flag] {
        match self {
            ReplyReport::Full(r) => &r.flags,
            ReplyReport::Summary(r) => &r.flags,
        }
    }

    pub fn tips(&self) -> &[Tip] {
        match self {
            ReplyReport::Full(r) => &r.tips,
            ReplyReport::Summary(r) => &r.tips,
        }
    }

    /// The full report, if it was built.
    pub fn full(&self) -> Option<&MessageReport> {
        match self {
            ReplyReport::Full(r) => Some(r),
            ReplyReport::Summary(_) => None,
        }
    }
}

impl Scored {
    pub fn id(&self) -> &str {
        match self {
            Scored::Conversation { id, .. }
            | Scored::Reply { id, .. }
            | Scored::Customer { id, .. } => id,
        }
    }
}

/// Scores one record; with `summaries` a reply gets only its summary.
pub fn score(analyzer: &Analyzer, record: Record, summaries: bool) -> Scored {
    let Record { id, line, item, .. } = record;
    match item {
        Item::Conversation { turns } => {
            let report = analyzer.analyze_conversation(&turns);
            Scored::Conversation {
                id,
                line,
                turns,
                report: Box::new(report),
            }
        }
        Item::Message {
            role: Role::Customer,
            text,
            ..
        } => Scored::Customer {
            id,
            line,
            report: Box::new(analyzer.analyze_customer(&text)),
            text,
        },
        // Every other role (today: the agent) writes replies.
        Item::Message {
            text,
            customer,
            agent_id,
            ..
        } => {
            let report = match (&customer, summaries) {
                (Some(c), true) => {
                    ReplyReport::Summary(Box::new(analyzer.score_reply_summary(c, &text)))
                }
                (None, true) => ReplyReport::Summary(Box::new(analyzer.score_summary(&text))),
                (Some(c), false) => ReplyReport::Full(Box::new(analyzer.score_reply(c, &text))),
                (None, false) => ReplyReport::Full(Box::new(analyzer.score(&text))),
            };
            Scored::Reply {
                id,
                line,
                agent_id,
                text,
                report,
            }
        }
    }
}

/// Scores a chunk on all cores; output order is input order.
pub fn score_chunk(analyzer: &Analyzer, chunk: Vec<Record>, summaries: bool) -> Vec<Scored> {
    chunk
        .into_par_iter()
        .map(|r| score(analyzer, r, summaries))
        .collect()
}

/// Per-agent aggregates.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AgentTotals {
    pub turns: usize,
    pub mean_score: f64,
    pub missed_opportunities: usize,
    pub late_empathy_conversations: usize,
    pub flags: BTreeMap<String, usize>,
    #[serde(skip)]
    score_sum: f64,
}

/// What the run found, overall.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub conversations: usize,
    pub messages: usize,
    pub replies: usize,
    pub customer_messages: usize,
    pub mean_reply_score: Option<f64>,
    pub mean_conversation_score: Option<f64>,
    pub late_empathy: usize,
    pub late_empathy_rate: Option<f64>,
    pub missed_opportunities: usize,
    pub scripted_repetition: usize,
    pub flags: BTreeMap<String, usize>,
    pub tips: BTreeMap<String, usize>,
    pub agents: BTreeMap<String, AgentTotals>,
    pub skipped_records: usize,
    #[serde(skip)]
    reply_sum: f64,
    #[serde(skip)]
    conversation_sum: f64,
}

impl Summary {
    fn add_reply(&mut self, score: f64, flags: &[Flag], agent: Option<&str>) {
        self.replies += 1;
        self.messages += 1;
        self.reply_sum += score;
        for f in flags {
            *self.flags.entry(f.as_str().to_string()).or_default() += 1;
        }
        if let Some(a) = agent {
            let t = self.agents.entry(a.to_string()).or_default();
            t.turns += 1;
            t.score_sum += score;
            for f in flags {
                *t.flags.entry(f.as_str().to_string()).or_default() += 1;
            }
        }
    }

    /// Adds one scored record.
    pub fn add(&mut self, scored: &Scored) {
        match scored {
            Scored::Reply {
                report, agent_id, ..
            } => {
                self.add_reply(report.score(), report.flags(), agent_id.as_deref());
                for t in report.tips() {
                    *self.tips.entry(t.code.to_string()).or_default() += 1;
                }
            }
            Scored::Customer { .. } => {
                self.messages += 1;
                self.customer_messages += 1;
            }
            Scored::Conversation { report, .. } => {
                self.conversations += 1;
                self.conversation_sum += report.score;
                for turn in &report.turns {
                    match &turn.reply {
                        Some(reply) => {
                            self.add_reply(reply.score, &reply.flags, turn.agent_id.as_deref())
                        }
                        None => {
                            self.messages += 1;
                            self.customer_messages += 1;
                        }
                    }
                }
                self.late_empathy += usize::from(report.late_empathy);
                self.missed_opportunities += report.missed_opportunities.len();
                self.scripted_repetition += report.scripted_repetition.len();
                for t in &report.tips {
                    *self.tips.entry(t.code.to_string()).or_default() += 1;
                }
                for m in &report.missed_opportunities {
                    if let Some(agent) = report.turns[m.agent_turn].agent_id.as_deref() {
                        self.agents
                            .entry(agent.to_string())
                            .or_default()
                            .missed_opportunities += 1;
                    }
                }
                if report.late_empathy {
                    if let Some(agent) = report
                        .first_empathy_turn
                        .and_then(|i| report.turns[i].agent_id.as_deref())
                    {
                        self.agents
                            .entry(agent.to_string())
                            .or_default()
                            .late_empathy_conversations += 1;
                    }
                }
            }
        }
    }

    /// Computes the means once everything is added.
    pub fn finish(&mut self) {
        if self.replies > 0 {
            self.mean_reply_score = Some(round2(self.reply_sum / self.replies as f64));
        }
        if self.conversations > 0 {
            self.mean_conversation_score =
                Some(round2(self.conversation_sum / self.conversations as f64));
            self.late_empathy_rate =
                Some(round2(self.late_empathy as f64 / self.conversations as f64));
        }
        for t in self.agents.values_mut() {
            if t.turns > 0 {
                t.mean_score = round2(t.score_sum / t.turns as f64);
            }
        }
    }

    /// Flags sorted by frequency.
    pub fn top_flags(&self) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> = self.flags.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
