//! Learned weight tables: how their n-grams become a target's logit, and
//! how each n-gram that moves a result is reported as a match.
//!
//! For a target `t` of a table and a span of text (a customer message, or a
//! sentence of a reply):
//!
//! ```text
//! z_t = bias_t + rules_t · r_t + s · Σ weight_t(g)   over the distinct n-grams g
//!                                                     of the span in the table
//! ```
//!
//! where `r_t` is what the hand-written rules say about `t` on their own
//! (the rule-only emotion value, the rule-only distress, the rule's strategy
//! vote or EPITOME evidence of the sentence), and `s` is 1 unless the table
//! says `scale = "sqrt-length"`: then `s = 1/√n`, `n` the number of terms of
//! the span outside negation scope. An n-gram counts once per
//! span, only inside one sentence, and not when its first term is inside a
//! negation scope. Each output turns `z_t` into a value in its own way (see
//! the callers): distress is `σ(z)`, an emotion `max(0, 2σ(z) − 1)`.

use std::ops::Range;

use crate::report::{
    Category, Match, MatchSource, Polarity, ScoreTerm, SentenceStrategy, Strategy, TermSource,
};
use crate::rules::compile::{Compiled, LearnedHit, LearnedTarget};
use crate::rules::pack::{TableOutput, TableScale};
use crate::score::epitome::Ev;
use crate::score::params::sigmoid;
use crate::score::Label;
use crate::text::lex::Lexed;

/// A target's logit over a span, and the n-gram hits that went into it.
#[derive(Debug)]
pub(crate) struct Logit<'c> {
    pub target: &'c LearnedTarget,
    /// The rules' evidence `r_t` times the table's `rules_t`.
    pub rules: f64,
    /// The table's scale `s` over the span: each n-gram counts `weight · s`.
    pub scale: f64,
    pub z: f64,
    /// The first hit of each distinct n-gram that counted, in text order.
    pub hits: Vec<LearnedHit>,
}

impl Logit<'_> {
    /// The terms of `z`: bias, rules, then each n-gram (pointing at its
    /// match, `positions[i]` for `hits[i]`).
    pub fn breakdown(
        &self,
        compiled: &Compiled,
        rule_evidence: f64,
        positions: &[usize],
    ) -> Vec<ScoreTerm> {
        let mut terms = Vec::with_capacity(2 + self.hits.len());
        terms.push(ScoreTerm {
            source: TermSource::Bias,
            label: self.target.bias_label.clone(),
            value: self.target.bias,
            match_index: None,
        });
        if self.target.rules != 0.0 && rule_evidence != 0.0 {
            terms.push(ScoreTerm {
                source: TermSource::Rules,
                label: format!("rules {rule_evidence:.3} × {:.3}", self.target.rules).into(),
                value: self.rules,
                match_index: None,
            });
        }
        terms.extend(self.hits.iter().zip(positions).map(|(hit, &at)| ScoreTerm {
            source: TermSource::Learned,
            label: self.target.label.clone(),
            value: compiled.entries[hit.entry as usize].weight * self.scale,
            match_index: Some(at),
        }));
        terms
    }
}

/// The logit of every target of the tables whose output `applies`, over
/// the terms `span` of `lexed`; `rule_evidence` gives `r_t` for a target's category.
/// With `keep_hits` false (nobody will point at the n-grams) each logit's
/// `hits` stays empty: only `z` is computed.
pub(crate) fn logits<'c>(
    compiled: &'c Compiled,
    lexed: &Lexed,
    hits: &[LearnedHit],
    span: Range<u32>,
    keep_hits: bool,
    applies: impl Fn(TableOutput) -> bool,
    rule_evidence: impl Fn(crate::report::Category) -> f64,
) -> Vec<Logit<'c>> {
    let targets = compiled
        .tables
        .iter()
        .filter(|t| applies(t.output))
        .map(|t| t.targets.len())
        .sum();
    let mut out: Vec<Logit<'c>> = Vec::with_capacity(targets);
    // The first slot in `out` of each table that applies.
    let mut first_slot: Vec<Option<usize>> = Vec::with_capacity(compiled.tables.len());
    // The span's terms outside negation scope, counted once if a table scales.
    let mut terms = None;
    for table in &compiled.tables {
        if !applies(table.output) {
            first_slot.push(None);
            continue;
        }
        first_slot.push(Some(out.len()));
        let scale = match table.scale {
            TableScale::None => 1.0,
            scaled => scaled.factor(*terms.get_or_insert_with(|| {
                let all = lexed.terms.get(span.start as usize..span.end as usize);
                all.unwrap_or_default()
                    .iter()
                    .filter(|t| !t.negated)
                    .count()
            })),
        };
        out.extend(table.targets.iter().map(|target| {
            let rules = target.rules * rule_evidence(target.category);
            Logit {
                target,
                rules,
                scale,
                z: target.bias + rules,
                hits: Vec::new(),
            }
        }));
    }
    if out.is_empty() {
        return out;
    }
    // Each n-gram counts once: a bit per entry says it already did.
    let mut counted = vec![0u64; compiled.entries.len() / 64 + 1];
    let first = hits.partition_point(|h| h.start < span.start);
    for hit in hits[first..].iter().take_while(|h| h.start < span.end) {
        if hit.end > span.end {
            continue;
        }
        let entry = compiled.entries[hit.entry as usize];
        let Some(slot) = first_slot[entry.table as usize] else {
            continue;
        };
        let (word, bit) = (hit.entry as usize / 64, 1u64 << (hit.entry % 64));
        if counted[word] & bit != 0 {
            continue;
        }
        counted[word] |= bit;
        let logit = &mut out[slot + entry.target as usize];
        logit.z += entry.weight * logit.scale;
        if keep_hits {
            logit.hits.push(*hit);
        }
    }
    out
}

/// `max(0, 2σ(z) − 1)`: 0 unless `z > 0` (more likely present than not).
pub(crate) fn presence(z: f64) -> f64 {
    (2.0 * sigmoid(z) - 1.0).max(0.0)
}

/// A learned n-gram hit that will be a match: its byte span, its target
/// and its contribution (the weight times the table's scale).
#[derive(Debug, Clone, Copy)]
struct Pending<'c> {
    start: usize,
    end: usize,
    target: &'c LearnedTarget,
    contribution: f64,
}

impl<'c> Pending<'c> {
    fn new(compiled: &Compiled, logit: &Logit<'c>, hit: &LearnedHit, lexed: &Lexed) -> Self {
        let (start, end) = lexed.span(hit.start, hit.end);
        Pending {
            start,
            end,
            target: logit.target,
            contribution: compiled.entries[hit.entry as usize].weight * logit.scale,
        }
    }

    fn to_match(self, text: &str) -> Match {
        Match {
            rule: self.target.label.clone(),
            source: MatchSource::Learned,
            category: self.target.category,
            polarity: Polarity::Neutral,
            start: self.start,
            end: self.end,
            text: text[self.start..self.end].to_string(),
            contribution: self.contribution,
            negated: false,
            suppressed: false,
        }
    }
}

/// The rule matches and the learned n-grams of `logits` as one list in
/// text order, and the position of each hit of the logits, in order (the
/// hits of `logits[0]` first, then of `logits[1]`, …).
pub(crate) fn with_matches(
    rule_matches: Vec<Match>,
    logits: &[Logit<'_>],
    lexed: &Lexed,
    text: &str,
    compiled: &Compiled,
) -> (Vec<Match>, Vec<usize>) {
    let mut learned = Vec::with_capacity(logits.iter().map(|l| l.hits.len()).sum());
    for l in logits {
        learned.extend(l.hits.iter().map(|h| Pending::new(compiled, l, h, lexed)));
    }
    let (merged, at, _) = merge(rule_matches, &learned, text);
    (merged, at)
}

/// Merges learned matches into rule matches (both by start, longest
/// first), each built once in its place; returns the list, where each
/// learned match went and where each rule match went.
fn merge(
    rule_matches: Vec<Match>,
    learned: &[Pending<'_>],
    text: &str,
) -> (Vec<Match>, Vec<usize>, Vec<usize>) {
    let key = |start: usize, end: usize| (start, std::cmp::Reverse(end));
    let mut order: Vec<usize> = (0..learned.len()).collect();
    order.sort_by_key(|&i| key(learned[i].start, learned[i].end));
    let mut at = vec![0; learned.len()];
    let mut rule_at = Vec::with_capacity(rule_matches.len());
    let mut merged = Vec::with_capacity(rule_matches.len() + learned.len());
    let mut rules = rule_matches.into_iter().peekable();
    for i in order {
        let p = learned[i];
        while let Some(r) = rules.next_if(|r| key(r.start, r.end) <= key(p.start, p.end)) {
            rule_at.push(merged.len());
            merged.push(r);
        }
        at[i] = merged.len();
        merged.push(p.to_match(text));
    }
    for r in rules {
        rule_at.push(merged.len());
        merged.push(r);
    }
    (merged, at, rule_at)
}

/// What the reply-sentence tables add to a reply: learned EPITOME evidence
/// per sentence (`weight(mechanism) · max(0, 2σ(z) − 1)`, source
/// `learned`), the learned strategy of each sentence (the target with the
/// highest `z`, given the rules' tag, if it beats that tag's `z` by
/// `strategy_learned_margin`; and a second tag, the runner-up target, when
/// its `z` is within `strategy_learned_second` of the tag's), and the
/// matches of the n-grams that moved them merged into `rule_matches`, with
/// the new position of each rule match (empty when none moved).
pub(crate) fn apply_to_reply(
    compiled: &Compiled,
    lexed: &Lexed,
    text: &str,
    hits: &[LearnedHit],
    evidence: &mut Vec<Ev>,
    strategies: &mut Vec<SentenceStrategy>,
    rule_matches: Option<Vec<Match>>,
) -> Option<(Vec<Match>, Vec<usize>)> {
    let scoring = &compiled.scoring;
    let has = |o: TableOutput| compiled.tables.iter().any(|t| t.output == o);
    let (epitome, strategy) = (has(TableOutput::Epitome), has(TableOutput::Strategies));
    if !epitome && !strategy {
        return rule_matches.map(|m| (m, Vec::new()));
    }
    let mut learned = Vec::new();
    // (index in `strategies`, strategy) of each sentence's second tag.
    let mut seconds: Vec<(usize, Strategy)> = Vec::new();
    let rule_evidence: Vec<Ev> = evidence.clone();
    let with_matches = rule_matches.is_some();
    for sentence in &lexed.sentences {
        if sentence.end_term == sentence.first_term {
            continue;
        }
        let span = sentence.first_term..sentence.end_term;
        if epitome {
            let logits = logits(
                compiled,
                lexed,
                hits,
                span.clone(),
                with_matches,
                |o| o == TableOutput::Epitome,
                |c| {
                    rule_evidence
                        .iter()
                        .filter(|e| {
                            e.start == sentence.start && Category::Mechanism(e.mechanism) == c
                        })
                        .map(|e| e.value)
                        .sum()
                },
            );
            for l in &logits {
                let Category::Mechanism(m) = l.target.category else {
                    continue;
                };
                let value = scoring.learned_evidence(m) * presence(l.z);
                if value > 0.0 {
                    evidence.push(Ev {
                        mechanism: m,
                        start: sentence.start,
                        end: sentence.end,
                        value,
                        source: Label::Name(crate::score::name!("learned")),
                    });
                    if with_matches {
                        learned.extend(l.hits.iter().map(|h| Pending::new(compiled, l, h, lexed)));
                    }
                }
            }
        }
        if strategy {
            let Some(at) = strategies.iter().position(|s| s.start == sentence.start) else {
                continue;
            };
            let rule_tag = strategies[at].strategy;
            let logits = logits(
                compiled,
                lexed,
                hits,
                span,
                with_matches,
                |o| o == TableOutput::Strategies,
                |c| f64::from(u8::from(c == Category::Strategy(rule_tag))),
            );
            let z_of = |st: Strategy| {
                logits
                    .iter()
                    .find(|l| l.target.category == Category::Strategy(st))
                    .map_or(f64::NEG_INFINITY, |l| l.z)
            };
            let best = logits.iter().max_by(|a, b| a.z.total_cmp(&b.z));
            let rule_z = z_of(rule_tag);
            // The table overrules the rules' tag only by a clear margin.
            let best = best.filter(|b| b.z >= rule_z + scoring.strategy_learned_margin);
            // The logits whose n-grams moved a tag (with positive weight).
            let mut moved = Vec::with_capacity(2);
            if let Some(best) = best {
                if let Category::Strategy(st) = best.target.category {
                    strategies[at].strategy = st;
                    moved.push(best);
                }
            }
            // A runner-up the table cannot tell from the tag is a second tag.
            let tag = strategies[at].strategy;
            let gap = scoring.strategy_learned_second;
            let runner_up = logits
                .iter()
                .filter(|l| l.target.category != Category::Strategy(tag))
                .max_by(|a, b| a.z.total_cmp(&b.z))
                .filter(|l| gap >= 0.0 && l.z >= z_of(tag) - gap);
            if let Some(l) = runner_up {
                if let Category::Strategy(st) = l.target.category {
                    seconds.push((at, st));
                    moved.push(l);
                }
            }
            if with_matches {
                for l in moved {
                    learned.extend(
                        l.hits
                            .iter()
                            .filter(|h| compiled.entries[h.entry as usize].weight > 0.0)
                            .map(|h| Pending::new(compiled, l, h, lexed)),
                    );
                }
            }
        }
    }
    // Each second tag right after its sentence's first (from the last, so
    // the earlier positions stay put).
    for &(at, strategy) in seconds.iter().rev() {
        let first = &strategies[at];
        let second = SentenceStrategy {
            start: first.start,
            end: first.end,
            strategy,
        };
        strategies.insert(at + 1, second);
    }
    rule_matches.map(|rule_matches| {
        let (merged, _, rule_at) = merge(rule_matches, &learned, text);
        (merged, rule_at)
    })
}
