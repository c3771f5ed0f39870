//! Which rule hits count: side, conditions, overlaps, negation,
//! suppression by anti-patterns, and diminishing returns.

use crate::report::{Category, Match, MatchSource, Polarity, ReplyContext};
use crate::rules::compile::{Compiled, Hit};
use crate::rules::rule::{Context, Position, Rule, SentenceKind};
use crate::score::shape_words::class;
use crate::text::lex::{Lexed, Vocabulary};

/// A hit that survived the rule's conditions, with its fate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Selected {
    pub hit: Hit,
    pub negated: bool,
    pub suppressed: bool,
    pub contribution: f64,
}

impl Selected {
    /// Neither negated nor suppressed: the match moves the result.
    pub fn counts(&self) -> bool {
        !self.negated && !self.suppressed
    }
}

/// Which side of the conversation a text is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Agent,
    Customer,
}

fn conditions_hold(
    rule: &Rule,
    hit: &Hit,
    lexed: &Lexed,
    vocabulary: &Vocabulary,
    ctx: Option<&ReplyContext>,
) -> bool {
    let conditions = &rule.conditions;
    let context_ok = match conditions.context {
        Context::Any => true,
        Context::Distress => ctx.is_some_and(|c| c.distress_level >= 1),
        Context::Complaint => ctx.is_some_and(|c| c.complaint),
        Context::Calm => ctx.is_some_and(|c| !c.complaint && c.distress_level == 0),
    };
    if !context_ok {
        return false;
    }
    if conditions.max_tokens > 0 && lexed.words > conditions.max_tokens {
        return false;
    }
    let sentence_index = lexed.terms[hit.start as usize].sentence as usize;
    let Some(sentence) = lexed.sentences.get(sentence_index) else {
        return false;
    };
    let position_ok = match conditions.position {
        Position::Any => true,
        Position::SentenceStart => hit.start <= sentence.content_start,
        Position::MessageStart => hit.start <= first_content(lexed),
    };
    let sentence_ok = match conditions.sentence {
        SentenceKind::Any => true,
        SentenceKind::Question => sentence.question,
        SentenceKind::Statement => !sentence.question,
    };
    position_ok
        && sentence_ok
        && (conditions.own_story || !in_own_story(lexed, vocabulary, hit, sentence_index))
}

/// Whether a hit is part of the writer's own story: a first-person subject
/// ("I") comes before it in its sentence and the sentence does not address
/// the person ("I just keep going" — not "keep going, I believe in you").
fn in_own_story(lexed: &Lexed, vocabulary: &Vocabulary, hit: &Hit, sentence: usize) -> bool {
    let Some(span) = lexed.sentences.get(sentence) else {
        return false;
    };
    let terms = lexed
        .terms
        .get(span.first_term as usize..span.end_term as usize)
        .unwrap_or_default();
    let mut subject_before = false;
    for (k, term) in terms.iter().enumerate() {
        let c = vocabulary.classes(term.id);
        if c & class::SECOND_PERSON != 0 {
            return false;
        }
        if c & class::FIRST_PERSON_SUBJECT != 0 && span.first_term as usize + k < hit.start as usize
        {
            subject_before = true;
        }
    }
    subject_before
}

fn first_content(lexed: &Lexed) -> u32 {
    lexed
        .sentences
        .iter()
        .map(|s| s.content_start)
        .find(|&c| c != u32::MAX)
        .unwrap_or(0)
}

/// Reusable buffers of [`select`]: its output and its working lists.
#[derive(Debug, Default)]
pub(crate) struct Selection {
    /// The selected hits of the last call, in text order.
    pub kept: Vec<Selected>,
    last_end: Vec<(Category, u32)>,
    flagged: Vec<bool>,
    /// Sort keys of the counted hits (see `diminishing_returns`).
    order: Vec<(u32, u64, u32, usize)>,
}

/// Filters hits by side and conditions, resolves overlaps, applies negation
/// and suppression, and assigns contributions with diminishing returns.
/// The result is `out.kept`.
pub(crate) fn select(
    compiled: &Compiled,
    lexed: &Lexed,
    hits: &[Hit],
    side: Side,
    ctx: Option<&ReplyContext>,
    out: &mut Selection,
) {
    let decay = compiled.scoring.decay;
    let Selection {
        kept,
        last_end,
        flagged,
        order,
    } = out;
    kept.clear();
    // Hits arrive sorted by start, longest first. Within a category keep
    // the leftmost-longest: "I'm so sorry" is one apology, not two.
    last_end.clear();
    for hit in hits {
        let rule = &compiled.rules[hit.rule as usize];
        let customer_rule = rule.category.is_customer();
        if customer_rule != (side == Side::Customer) {
            continue;
        }
        if !conditions_hold(rule, hit, lexed, &compiled.vocabulary, ctx) {
            continue;
        }
        match last_end.iter_mut().find(|(c, _)| *c == rule.category) {
            Some((_, end)) if hit.start < *end => continue,
            Some((_, end)) => *end = hit.end,
            None => last_end.push((rule.category, hit.end)),
        }
        let negated = rule.conditions.negatable && lexed.terms[hit.start as usize].negated;
        kept.push(Selected {
            hit: *hit,
            negated,
            suppressed: false,
            contribution: 0.0,
        });
    }
    give_way(compiled, lexed, kept, flagged);
    if side == Side::Agent {
        suppress_under_anti_patterns(compiled, lexed, kept, flagged);
    }
    diminishing_returns(compiled, decay, kept, order);
}

/// Drops the hits of `unless` rules whose category is present: "Sorry,
/// but we can't deliver on Sundays. Would Saturday work instead?" takes
/// nothing back. A positive hit that an anti-pattern without `unless`
/// overlaps is not present ("but we can" in "but we can't deliver"):
/// suppression, which runs after, will cancel it. Linear in the hits: the
/// categories looked for are few, and overlaps are read off marked terms.
fn give_way(compiled: &Compiled, lexed: &Lexed, kept: &mut Vec<Selected>, flagged: &mut Vec<bool>) {
    let rule = |s: &Selected| &compiled.rules[s.hit.rule as usize];
    let mut wanted: Vec<Category> = Vec::new();
    for c in kept.iter().filter_map(|s| rule(s).conditions.unless) {
        if !wanted.contains(&c) {
            wanted.push(c);
        }
    }
    // Most messages hit no `unless` rule: nothing to look for.
    if wanted.is_empty() {
        return;
    }
    mark_anti_patterns(compiled, lexed, kept, flagged, |r| {
        r.conditions.unless.is_none()
    });
    let mut present: Vec<Category> = Vec::new();
    for s in kept.iter().filter(|s| !s.negated) {
        let c = rule(s).category;
        if wanted.contains(&c) && !present.contains(&c) && !under_anti_pattern(compiled, flagged, s)
        {
            present.push(c);
        }
    }
    kept.retain(|s| {
        rule(s)
            .conditions
            .unless
            .is_none_or(|c| !present.contains(&c))
    });
}

/// Marks in `flagged` (one entry per term) the terms of the counted
/// anti-pattern hits whose rule passes `which`.
fn mark_anti_patterns(
    compiled: &Compiled,
    lexed: &Lexed,
    kept: &[Selected],
    flagged: &mut Vec<bool>,
    which: impl Fn(&Rule) -> bool,
) {
    flagged.clear();
    flagged.resize(lexed.terms.len(), false);
    for s in kept.iter().filter(|s| !s.negated) {
        let rule = &compiled.rules[s.hit.rule as usize];
        if matches!(rule.category, Category::Flag(_)) && which(rule) {
            flagged[s.hit.start as usize..s.hit.end as usize].fill(true);
        }
    }
}

/// Whether `s` is a positive (dimension) hit overlapping a term that
/// [`mark_anti_patterns`] marked.
fn under_anti_pattern(compiled: &Compiled, flagged: &[bool], s: &Selected) -> bool {
    matches!(
        compiled.rules[s.hit.rule as usize].category,
        Category::Dimension(_)
    ) && flagged[s.hit.start as usize..s.hit.end as usize].contains(&true)
}

/// Anti-patterns win over positive hits they overlap: "**sorry** you feel
/// that way" is a non-apology, not an apology.
fn suppress_under_anti_patterns(
    compiled: &Compiled,
    lexed: &Lexed,
    kept: &mut [Selected],
    flagged: &mut Vec<bool>,
) {
    let is_flag = |s: &Selected| {
        !s.negated
            && matches!(
                compiled.rules[s.hit.rule as usize].category,
                Category::Flag(_)
            )
    };
    // Most replies match no anti-pattern: nothing to mark or look up.
    if !kept.iter().any(is_flag) {
        return;
    }
    mark_anti_patterns(compiled, lexed, kept, flagged, |_| true);
    for s in kept.iter_mut() {
        if under_anti_pattern(compiled, flagged, s) {
            s.suppressed = true;
        }
    }
}

/// Inside a category the strongest match counts fully and each further one
/// `decay` times the previous.
fn diminishing_returns(
    compiled: &Compiled,
    decay: f64,
    kept: &mut [Selected],
    order: &mut Vec<(u32, u64, u32, usize)>,
) {
    order.clear();
    // By category name (its rank among the names), strongest first, then
    // in text order; the index last makes the unstable sort as stable. The
    // keys are integers: an absolute weight's bits order as `total_cmp`
    // orders it (its sign bit is clear), and are flipped for strongest first.
    order.extend(
        kept.iter()
            .enumerate()
            .filter(|(_, s)| s.counts())
            .map(|(i, s)| {
                let rule = s.hit.rule as usize;
                let weight = compiled.rules[rule].weight.abs().to_bits();
                (compiled.category_order[rule], !weight, s.hit.start, i)
            }),
    );
    order.sort_unstable();
    let mut rank = 0i32;
    let mut prev: Option<Category> = None;
    for &(_, _, _, i) in order.iter() {
        let rule = &compiled.rules[kept[i].hit.rule as usize];
        if prev != Some(rule.category) {
            rank = 0;
            prev = Some(rule.category);
        }
        kept[i].contribution = rule.weight * decay.powi(rank);
        rank += 1;
    }
}

fn polarity(category: Category) -> Polarity {
    match category {
        Category::Dimension(_) => Polarity::Positive,
        Category::Flag(_) => Polarity::Negative,
        _ => Polarity::Neutral,
    }
}

/// The report's matches for the selected hits, in the same order.
pub(crate) fn to_matches(
    compiled: &Compiled,
    lexed: &Lexed,
    text: &str,
    selected: &[Selected],
) -> Vec<Match> {
    selected
        .iter()
        .map(|s| {
            let rule = &compiled.rules[s.hit.rule as usize];
            let (start, end) = lexed.span(s.hit.start, s.hit.end);
            Match {
                rule: compiled.rule_ids[s.hit.rule as usize].clone(),
                source: MatchSource::Rule,
                category: rule.category,
                polarity: polarity(rule.category),
                start,
                end,
                text: text[start..end].to_string(),
                contribution: s.contribution,
                negated: s.negated,
                suppressed: s.suppressed,
            }
        })
        .collect()
}
