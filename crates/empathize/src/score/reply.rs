//! Scoring an agent reply: a pipeline of named steps.
//!
//! 1. lex the reply and select the rule hits that count;
//! 2. read what the counted matches say: dimensions, flags, score terms;
//! 3. derive the flags the shape of the reply shows (curt, shouting, a
//!    refusal with no alternative);
//! 4. add the context terms (was the customer's distress acknowledged, did
//!    policy come first), and the score is the sigmoid of the sum;
//! 5. read each sentence: EPITOME evidence and levels, support strategies,
//!    what the learned tables add;
//! 6. tips for what is missing.

use crate::learned;
use crate::report::{
    Category, CustomerReport, Dimension, Dimensions, Flag, MessageReport, ReplyContext, ScoreTerm,
    TermSource,
};
use crate::rules::compile::Compiled;
use crate::score::params::{saturate, sigmoid, Scoring};
use crate::score::selection::{select, to_matches, Selected, Side};
use crate::score::{epitome, round4, shapes, strategies, Work};
use crate::text::lex::Lexed;
use crate::tips;

/// The dimensions that show empathy: one of them is what "acknowledged"
/// means for an upset customer.
pub(crate) const EMPATHIC: [Dimension; 5] = [
    Dimension::Acknowledgment,
    Dimension::Apology,
    Dimension::Understanding,
    Dimension::Care,
    Dimension::Restatement,
];

/// Scores an agent reply, optionally given what the customer said.
pub(crate) fn score_reply(
    compiled: &Compiled,
    text: &str,
    customer: Option<&CustomerReport>,
    work: &mut Work,
) -> MessageReport {
    let s = &compiled.scoring;
    let ctx = customer.map(reply_context);
    let selected = select_hits(compiled, text, ctx.as_ref(), work);
    let lexed = &work.lexed;

    let sums = dimension_sums(compiled, &selected);
    let has = |d: Dimension| sums[d as usize] > 0.0;
    let empathic = EMPATHIC.iter().any(|&d| has(d));
    let mut breakdown = Vec::with_capacity(selected.len() + 4);
    breakdown.push(ScoreTerm {
        source: TermSource::Bias,
        label: "bias".into(),
        value: s.bias,
        match_index: None,
    });
    add_match_terms(&mut breakdown, compiled, &selected);
    let mut flags = matched_flags(compiled, &selected);
    let reply = ReplyShape {
        lexed,
        text,
        empathic,
        has: &has,
    };
    add_derived_flags(&mut breakdown, &mut flags, &reply, ctx.as_ref(), s);
    let policy_first = policy_before_empathy(compiled, &selected);
    add_context_terms(&mut breakdown, ctx.as_ref(), empathic, policy_first, s);
    let logit: f64 = breakdown.iter().map(|t| t.value).sum();
    let score = round4(100.0 * sigmoid(logit));

    let (mut evidence, strong) = epitome::rule_evidence(compiled, lexed, &selected);
    let votes = strategies::votes(compiled, lexed, &selected);
    let shapes = shapes::sentence_shapes(
        &compiled.language,
        &compiled.vocabulary,
        &compiled.shapes,
        lexed,
        customer.map(|c| &*c.keywords),
    );
    epitome::sentence_evidence(&mut evidence, lexed, &shapes, s);
    let mut strategies = strategies::sentence_strategies(lexed, &shapes, &votes);
    let matches = learned::apply_to_reply(
        compiled,
        lexed,
        text,
        &work.learned,
        &mut evidence,
        &mut strategies,
        to_matches(compiled, lexed, text, &selected),
    );
    let epitome = epitome::levels(&evidence, &strong, s);

    let tips = tips::for_reply(&tips::ReplyFacts {
        ctx: ctx.as_ref(),
        flags: &flags,
        has: &has,
        empathic,
        policy_first,
        words: lexed.words,
    });

    MessageReport {
        score,
        logit,
        dimensions: dimensions(&sums),
        flags,
        epitome,
        evidence,
        strategies,
        matches,
        breakdown,
        tips,
        context: ctx,
    }
}

/// What of the customer's message the reply is judged against.
fn reply_context(c: &CustomerReport) -> ReplyContext {
    ReplyContext {
        distress: c.distress,
        distress_level: c.distress_level,
        complaint: c.complaint,
    }
}

/// Lexes the reply into `work` and selects the agent-side hits that count.
fn select_hits(
    compiled: &Compiled,
    text: &str,
    ctx: Option<&ReplyContext>,
    work: &mut Work,
) -> Vec<Selected> {
    compiled.lex(text, &mut work.lexed);
    compiled.find_hits(
        &work.lexed,
        &mut work.segments,
        &mut work.hits,
        &mut work.learned,
    );
    select(compiled, &work.lexed, &work.hits, Side::Agent, ctx)
}

/// The counted matches, as `(index in selected, rule)`.
fn counted<'c>(
    compiled: &'c Compiled,
    selected: &'c [Selected],
) -> impl Iterator<Item = (usize, &'c Selected, &'c crate::rules::rule::Rule)> {
    selected
        .iter()
        .enumerate()
        .filter(|(_, sel)| sel.counts())
        .map(|(i, sel)| (i, sel, &compiled.rules[sel.hit.rule as usize]))
}

/// The sum of the contributions of each dimension's matches.
fn dimension_sums(compiled: &Compiled, selected: &[Selected]) -> [f64; 13] {
    let mut sums = [0.0f64; 13];
    for (_, sel, rule) in counted(compiled, selected) {
        if let Category::Dimension(d) = rule.category {
            sums[d as usize] += sel.contribution;
        }
    }
    sums
}

/// Each dimension 0–1 with diminishing returns on its sum.
fn dimensions(sums: &[f64; 13]) -> Dimensions {
    let mut dimensions = Dimensions::default();
    for &d in Dimension::ALL {
        dimensions.set(d, round4(saturate(sums[d as usize])));
    }
    dimensions
}

/// One score term per counted match that moves the score.
fn add_match_terms(breakdown: &mut Vec<ScoreTerm>, compiled: &Compiled, selected: &[Selected]) {
    breakdown.extend(
        counted(compiled, selected)
            .filter(|(_, sel, _)| sel.contribution != 0.0)
            .map(|(i, sel, rule)| ScoreTerm {
                source: TermSource::Match,
                label: rule.id.to_string(),
                value: sel.contribution,
                match_index: Some(i),
            }),
    );
}

/// The flags of the counted anti-pattern matches, each once, in text order.
fn matched_flags(compiled: &Compiled, selected: &[Selected]) -> Vec<Flag> {
    let mut flags = Vec::new();
    for (_, _, rule) in counted(compiled, selected) {
        if let Category::Flag(f) = rule.category {
            if !flags.contains(&f) {
                flags.push(f);
            }
        }
    }
    flags
}

/// Whether policy was cited before any empathy was shown (or without it).
fn policy_before_empathy(compiled: &Compiled, selected: &[Selected]) -> bool {
    let first = |wanted: &dyn Fn(Category) -> bool| {
        counted(compiled, selected)
            .find(|(_, _, rule)| wanted(rule.category))
            .map(|(_, sel, _)| sel.hit.start)
    };
    let first_policy = first(&|c| c == Category::Flag(Flag::PolicyWall));
    let first_empathic = first(&|c| matches!(c, Category::Dimension(d) if EMPATHIC.contains(&d)));
    first_policy.is_some_and(|p| first_empathic.is_none_or(|e| e > p))
}

/// What the derived flags are read from.
struct ReplyShape<'r> {
    lexed: &'r Lexed,
    text: &'r str,
    empathic: bool,
    has: &'r dyn Fn(Dimension) -> bool,
}

/// Flags read from the shape of the reply and from other matches: added
/// to `flags`, with their score terms.
fn add_derived_flags(
    breakdown: &mut Vec<ScoreTerm>,
    flags: &mut Vec<Flag>,
    reply: &ReplyShape<'_>,
    ctx: Option<&ReplyContext>,
    s: &Scoring,
) {
    let (lexed, has) = (reply.lexed, reply.has);
    let mut derive = |flag: Flag, value: f64, flags: &mut Vec<Flag>| {
        if !flags.contains(&flag) {
            flags.push(flag);
        }
        breakdown.push(ScoreTerm {
            source: TermSource::Derived,
            label: flag.as_str().into(),
            value,
            match_index: None,
        });
    };
    if flags.contains(&Flag::Refusal) && !has(Dimension::Options) {
        derive(
            Flag::RefusalWithoutAlternative,
            s.refusal_without_alternative,
            flags,
        );
    }
    let upset = ctx.is_some_and(|c| c.distress_level >= 1 || c.complaint);
    let courteous = reply.empathic || has(Dimension::Warmth) || has(Dimension::Appreciation);
    if !flags.contains(&Flag::Curt)
        && lexed.words > 0
        && (lexed.words as f64) <= s.curt_max_tokens
        && !courteous
        && (upset || flags.contains(&Flag::Refusal))
    {
        derive(Flag::Curt, s.curt, flags);
    }
    if !flags.contains(&Flag::Shouting) && shouting(lexed, reply.text) {
        derive(Flag::Shouting, s.shouting, flags);
    }
}

/// The customer's state makes acknowledgment needed: given, it earns a
/// bonus; missing, it costs. Policy cited first costs too.
fn add_context_terms(
    terms: &mut Vec<ScoreTerm>,
    ctx: Option<&ReplyContext>,
    empathic: bool,
    policy_first: bool,
    s: &Scoring,
) {
    if let Some(c) = ctx {
        let need = if c.complaint {
            c.distress.max(s.complaint_floor)
        } else {
            c.distress
        };
        if c.distress_level >= 1 || c.complaint {
            let (label, value) = if empathic {
                ("distress_acknowledged", s.acknowledged_bonus * need)
            } else {
                ("distress_ignored", -s.ignored_penalty * need)
            };
            terms.push(ScoreTerm {
                source: TermSource::Context,
                label: label.into(),
                value,
                match_index: None,
            });
        }
    }
    if policy_first {
        terms.push(ScoreTerm {
            source: TermSource::Context,
            label: "policy_before_acknowledgment".into(),
            value: s.policy_before_acknowledgment,
            match_index: None,
        });
    }
}

/// Most words in capitals, or stacked exclamation marks more than once.
fn shouting(lexed: &Lexed, text: &str) -> bool {
    let mut caps = 0;
    let mut emphatic = 0;
    for t in &lexed.tokens {
        if t.emphatic {
            emphatic += 1;
        }
        if t.caps
            && text[t.start..t.end]
                .chars()
                .filter(|c| c.is_alphabetic())
                .count()
                >= 3
        {
            caps += 1;
        }
    }
    (caps >= 3 && caps * 2 >= lexed.words) || emphatic >= 2 || (caps >= 2 && emphatic >= 1)
}
