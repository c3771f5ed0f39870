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
    Category, CustomerReport, Dimension, Dimensions, Epitome, Flag, Match, MessageReport,
    ReplyContext, ReplySummary, ScoreTerm, SentenceStrategy, TermSource, Tip,
};
use crate::rules::compile::Compiled;
use crate::score::epitome::Ev;
use crate::score::params::{saturate, sigmoid, Scoring};
use crate::score::selection::{select, to_matches, Selected, Side};
use crate::score::shapes::Shapes;
use crate::score::strategies::Vote;
use crate::score::{epitome, name, round4, shapes, strategies, Label, Name, Work};
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

/// The dimensions that do something for the customer, a way forward: a
/// short reply that shows one of them is brief, not curt ("I'll chase the
/// courier and let you know by 5pm."), and a complaint answered with none
/// of them gets the tip to offer one.
pub(crate) const OFFERS_SOMETHING: [Dimension; 3] = [
    Dimension::Ownership,
    Dimension::Options,
    Dimension::FollowUp,
];

/// The flags of a hostile reply: stacked exclamation marks stress the
/// hostility ("Calm down!!"), where in a friendly reply they are warmth
/// ("All sorted!! Have a great day!!"). Hollow filler is not hostile.
const HOSTILE: [Flag; 8] = [
    Flag::PolicyWall,
    Flag::Refusal,
    Flag::RefusalWithoutAlternative,
    Flag::Blame,
    Flag::Dismissive,
    Flag::NonApology,
    Flag::Deflection,
    Flag::Curt,
];

/// Reusable buffers of the reply pipeline: what it reads before the report
/// is assembled. One per thread (see [`Work`]).
#[derive(Debug, Default)]
pub(crate) struct ReplyWork {
    terms: Vec<Term>,
    flags: Vec<Flag>,
    evidence: Vec<Ev>,
    votes: Vec<Vote>,
    shapes: Shapes,
    strategies: Vec<SentenceStrategy>,
}

/// A term of the logit before it is reported.
#[derive(Debug, Clone, Copy)]
struct Term {
    source: TermSource,
    label: Label,
    value: f64,
    match_index: Option<usize>,
}

/// What every reply reading ends with, whatever the caller asked for.
struct Reading {
    score: f64,
    logit: f64,
    dimensions: Dimensions,
    epitome: Epitome,
    tips: Vec<Tip>,
    context: Option<ReplyContext>,
}

/// Runs the pipeline on a reply; the lists it read stay in `work.reply`
/// (and the selected hits in `work.selection`). With `matches` the report's
/// match list is built too.
fn read_reply(
    compiled: &Compiled,
    text: &str,
    customer: Option<&CustomerReport>,
    work: &mut Work,
    matches: bool,
) -> (Reading, Option<Vec<Match>>) {
    let s = &compiled.scoring;
    let ctx = customer.map(reply_context);
    select_hits(compiled, text, ctx.as_ref(), work);
    let Work {
        lexed,
        learned: learned_hits,
        selection,
        reply: w,
        ..
    } = work;
    let selected = &selection.kept[..];

    let sums = dimension_sums(compiled, selected);
    let has = |d: Dimension| sums[d as usize] > 0.0;
    let empathic = EMPATHIC.iter().any(|&d| has(d));
    w.terms.clear();
    w.terms.push(Term {
        source: TermSource::Bias,
        label: Label::Name(name!("bias")),
        value: s.bias,
        match_index: None,
    });
    add_match_terms(&mut w.terms, compiled, selected);
    matched_flags(&mut w.flags, compiled, selected);
    let reply = ReplyShape {
        lexed,
        text,
        empathic,
        has: &has,
    };
    add_derived_flags(&mut w.terms, &mut w.flags, &reply, ctx.as_ref(), s);
    let policy_first = policy_before_empathy(compiled, selected);
    add_context_terms(&mut w.terms, ctx.as_ref(), empathic, policy_first, s);
    let logit: f64 = w.terms.iter().map(|t| t.value).sum();
    let score = round4(100.0 * sigmoid(logit));

    let mut strong = epitome::rule_evidence(&mut w.evidence, compiled, lexed, selected);
    strategies::votes(&mut w.votes, compiled, lexed, selected);
    shapes::sentence_shapes(
        &compiled.language,
        &compiled.vocabulary,
        &compiled.shapes,
        lexed,
        customer.map(|c| &*c.keywords),
        &mut w.shapes,
    );
    epitome::sentence_evidence(
        &mut w.evidence,
        &mut strong,
        compiled,
        lexed,
        &w.shapes.shapes,
        s,
    );
    strategies::sentence_strategies(&mut w.strategies, lexed, &w.shapes.shapes, &w.votes);
    let matches = learned::apply_to_reply(
        compiled,
        lexed,
        text,
        learned_hits,
        &mut w.evidence,
        &mut w.strategies,
        matches.then(|| to_matches(compiled, lexed, text, selected)),
    );
    // Learned matches went in between: the terms point at the rule
    // matches' new places.
    let matches = matches.map(|(list, rule_at)| {
        for i in w.terms.iter_mut().filter_map(|t| t.match_index.as_mut()) {
            *i = rule_at.get(*i).copied().unwrap_or(*i);
        }
        list
    });
    let epitome = epitome::levels(&w.evidence, &strong, s);
    epitome::widen_reactions(&mut w.evidence, lexed, &w.shapes.shapes);

    let tips = tips::for_reply(&tips::ReplyFacts {
        ctx: ctx.as_ref(),
        flags: &w.flags,
        has: &has,
        empathic,
        policy_first,
        words: lexed.words,
    });
    let reading = Reading {
        score,
        logit,
        dimensions: dimensions(&sums),
        epitome,
        tips,
        context: ctx,
    };
    (reading, matches)
}

/// Scores an agent reply, optionally given what the customer said.
pub(crate) fn score_reply(
    compiled: &Compiled,
    text: &str,
    customer: Option<&CustomerReport>,
    work: &mut Work,
) -> MessageReport {
    let (r, matches) = read_reply(compiled, text, customer, work, true);
    let w = &work.reply;
    MessageReport {
        score: r.score,
        logit: r.logit,
        dimensions: r.dimensions,
        flags: w.flags.clone(),
        epitome: r.epitome,
        evidence: w.evidence.iter().map(|e| e.report(compiled)).collect(),
        strategies: w.strategies.clone(),
        matches: matches.unwrap_or_default(),
        breakdown: w
            .terms
            .iter()
            .map(|t| ScoreTerm {
                source: t.source,
                label: t.label.shared(compiled),
                value: t.value,
                match_index: t.match_index,
            })
            .collect(),
        tips: r.tips,
        context: r.context,
    }
}

/// The summary of an agent reply: [`score_reply`] without its matches,
/// evidence and breakdown, which are never built.
pub(crate) fn score_reply_summary(
    compiled: &Compiled,
    text: &str,
    customer: Option<&CustomerReport>,
    work: &mut Work,
) -> ReplySummary {
    let (r, _) = read_reply(compiled, text, customer, work, false);
    let w = &work.reply;
    ReplySummary {
        score: r.score,
        logit: r.logit,
        dimensions: r.dimensions,
        flags: w.flags.clone(),
        epitome: r.epitome,
        strategies: w.strategies.clone(),
        tips: r.tips,
        context: r.context,
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

/// Lexes the reply into `work` and selects the agent-side hits that count
/// (into `work.selection`).
fn select_hits(compiled: &Compiled, text: &str, ctx: Option<&ReplyContext>, work: &mut Work) {
    compiled.lex(text, &mut work.lexed);
    compiled.find_hits(
        &work.lexed,
        Side::Agent,
        &mut work.segments,
        &mut work.hits,
        &mut work.learned,
    );
    select(
        compiled,
        &work.lexed,
        &work.hits,
        Side::Agent,
        ctx,
        &mut work.selection,
    );
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
    // Most dimensions have no match: they stay 0, as `saturate` leaves them.
    for &d in Dimension::ALL.iter().filter(|&&d| sums[d as usize] > 0.0) {
        dimensions.set(d, round4(saturate(sums[d as usize])));
    }
    dimensions
}

/// One score term per counted match that moves the score.
fn add_match_terms(breakdown: &mut Vec<Term>, compiled: &Compiled, selected: &[Selected]) {
    breakdown.extend(
        counted(compiled, selected)
            .filter(|(_, sel, _)| sel.contribution != 0.0)
            .map(|(i, sel, _)| Term {
                source: TermSource::Match,
                label: Label::Rule(sel.hit.rule),
                value: sel.contribution,
                match_index: Some(i),
            }),
    );
}

/// The flags of the counted anti-pattern matches, each once, in text order.
fn matched_flags(flags: &mut Vec<Flag>, compiled: &Compiled, selected: &[Selected]) {
    flags.clear();
    for (_, _, rule) in counted(compiled, selected) {
        if let Category::Flag(f) = rule.category {
            if !flags.contains(&f) {
                flags.push(f);
            }
        }
    }
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
    breakdown: &mut Vec<Term>,
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
        breakdown.push(Term {
            source: TermSource::Derived,
            label: Label::Name(Name::flag(flag)),
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
    let offers = OFFERS_SOMETHING.iter().any(|&d| has(d));
    if !flags.contains(&Flag::Curt)
        && lexed.words > 0
        && (lexed.words as f64) <= s.curt_max_tokens
        && !courteous
        && !offers
        && (upset || flags.contains(&Flag::Refusal))
    {
        derive(Flag::Curt, s.curt, flags);
    }
    let hostile = flags.iter().any(|f| HOSTILE.contains(f));
    if !flags.contains(&Flag::Shouting) && shouting(lexed, reply.text, hostile) {
        derive(Flag::Shouting, s.shouting, flags);
    }
}

/// The customer's state makes acknowledgment needed: given, it earns a
/// bonus; missing, it costs. Policy cited first costs too.
fn add_context_terms(
    terms: &mut Vec<Term>,
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
                (name!("distress_acknowledged"), s.acknowledged_bonus * need)
            } else {
                (name!("distress_ignored"), -s.ignored_penalty * need)
            };
            terms.push(Term {
                source: TermSource::Context,
                label: Label::Name(label),
                value,
                match_index: None,
            });
        }
    }
    if policy_first {
        terms.push(Term {
            source: TermSource::Context,
            label: Label::Name(name!("policy_before_acknowledgment")),
            value: s.policy_before_acknowledgment,
            match_index: None,
        });
    }
}

/// Capitals carry shouting: most words in capitals, or capitals with
/// stacked marks (`!!`, `?!`). Stacked marks alone are enthusiasm, unless
/// the reply is `hostile` (one of the [`HOSTILE`] flags).
fn shouting(lexed: &Lexed, text: &str, hostile: bool) -> bool {
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
    (caps >= 3 && caps * 2 >= lexed.words) || (emphatic >= 1 && (caps >= 2 || hostile))
}
