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

use crate::learned;
use crate::reflect;
use crate::report::{
    Category, CustomerReport, Dimension, Dimensions, Emotion, Emotions, Epitome, Evidence, Flag,
    Match, MatchSource, Mechanism, MessageReport, Polarity, ReplyContext, ScoreTerm,
    SentenceStrategy, Strategy, TermSource,
};
use crate::rules::compile::{Compiled, Hit, LearnedHit, Lexed, Rule};
use crate::rules::pack::TableOutput;
use crate::rules::pack::{Context, Position, SentenceKind};
use crate::scoring::Scoring;
use crate::scoring::{saturate, sigmoid};
use crate::tips;

/// A hit that survived the rule's conditions, with its fate.
#[derive(Debug, Clone, Copy)]
struct Selected {
    hit: Hit,
    negated: bool,
    suppressed: bool,
    contribution: f64,
}

impl Selected {
    fn counts(&self) -> bool {
        !self.negated && !self.suppressed
    }
}

/// Which side of the conversation a text is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Agent,
    Customer,
}

fn conditions_hold(rule: &Rule, hit: &Hit, lexed: &Lexed, ctx: Option<&ReplyContext>) -> bool {
    let context_ok = match rule.context {
        Context::Any => true,
        Context::Distress => ctx.is_some_and(|c| c.distress_level >= 1),
        Context::Complaint => ctx.is_some_and(|c| c.complaint),
        Context::Calm => ctx.is_some_and(|c| !c.complaint && c.distress_level == 0),
    };
    if !context_ok {
        return false;
    }
    if rule.max_tokens > 0 && lexed.words > rule.max_tokens {
        return false;
    }
    let sentence_index = lexed.terms[hit.start as usize].sentence as usize;
    let Some(sentence) = lexed.sentences.get(sentence_index) else {
        return false;
    };
    let position_ok = match rule.position {
        Position::Any => true,
        Position::SentenceStart => hit.start <= sentence.content_start,
        Position::MessageStart => hit.start <= first_content(lexed),
    };
    let sentence_ok = match rule.sentence {
        SentenceKind::Any => true,
        SentenceKind::Question => sentence.question,
        SentenceKind::Statement => !sentence.question,
    };
    position_ok && sentence_ok
}

fn first_content(lexed: &Lexed) -> u32 {
    lexed
        .sentences
        .iter()
        .map(|s| s.content_start)
        .find(|&c| c != u32::MAX)
        .unwrap_or(0)
}

/// Filters hits by side and conditions, resolves overlaps, applies negation
/// and suppression, and assigns contributions with diminishing returns.
fn select(
    compiled: &Compiled,
    lexed: &Lexed,
    hits: &[Hit],
    side: Side,
    ctx: Option<&ReplyContext>,
) -> Vec<Selected> {
    let decay = compiled.scoring.decay;
    let mut kept: Vec<Selected> = Vec::with_capacity(hits.len());
    // Hits arrive sorted by start, longest first. Within a category keep
    // the leftmost-longest: "I'm so sorry" is one apology, not two.
    let mut last_end: Vec<(Category, u32)> = Vec::new();
    for hit in hits {
        let rule = &compiled.rules[hit.rule as usize];
        let customer_rule = rule.category.is_customer();
        if customer_rule != (side == Side::Customer) {
            continue;
        }
        if !conditions_hold(rule, hit, lexed, ctx) {
            continue;
        }
        match last_end.iter_mut().find(|(c, _)| *c == rule.category) {
            Some((_, end)) if hit.start < *end => continue,
            Some((_, end)) => *end = hit.end,
            None => last_end.push((rule.category, hit.end)),
        }
        let negated = rule.negatable && lexed.terms[hit.start as usize].negated;
        kept.push(Selected {
            hit: *hit,
            negated,
            suppressed: false,
            contribution: 0.0,
        });
    }
    if side == Side::Agent {
        // Anti-patterns win over positive hits they overlap.
        let mut flagged = vec![false; lexed.terms.len()];
        for s in kept.iter().filter(|s| !s.negated) {
            if matches!(
                compiled.rules[s.hit.rule as usize].category,
                Category::Flag(_)
            ) {
                flagged[s.hit.start as usize..s.hit.end as usize].fill(true);
            }
        }
        for s in &mut kept {
            let rule = &compiled.rules[s.hit.rule as usize];
            if matches!(rule.category, Category::Dimension(_))
                && flagged[s.hit.start as usize..s.hit.end as usize].contains(&true)
            {
                s.suppressed = true;
            }
        }
    }
    // Diminishing returns inside a category, strongest match first.
    let mut order: Vec<usize> = (0..kept.len()).filter(|&i| kept[i].counts()).collect();
    order.sort_by(|&a, &b| {
        let ra = &compiled.rules[kept[a].hit.rule as usize];
        let rb = &compiled.rules[kept[b].hit.rule as usize];
        ra.category
            .as_str()
            .cmp(rb.category.as_str())
            .then(rb.weight.abs().total_cmp(&ra.weight.abs()))
            .then(kept[a].hit.start.cmp(&kept[b].hit.start))
    });
    let mut rank = 0i32;
    let mut prev: Option<Category> = None;
    for i in order {
        let rule = &compiled.rules[kept[i].hit.rule as usize];
        if prev != Some(rule.category) {
            rank = 0;
            prev = Some(rule.category);
        }
        kept[i].contribution = rule.weight * decay.powi(rank);
        rank += 1;
    }
    kept
}

fn polarity(category: Category) -> Polarity {
    match category {
        Category::Dimension(_) => Polarity::Positive,
        Category::Flag(_) => Polarity::Negative,
        _ => Polarity::Neutral,
    }
}

fn to_matches(compiled: &Compiled, lexed: &Lexed, text: &str, selected: &[Selected]) -> Vec<Match> {
    selected
        .iter()
        .map(|s| {
            let rule = &compiled.rules[s.hit.rule as usize];
            let (start, end) = lexed.span(s.hit.start, s.hit.end);
            Match {
                rule: rule.id.clone(),
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

/// Reads a customer message: emotions, distress, escalation, repetition.
///
/// With `spans` false (a reply's context, where only the judgement counts)
/// the report leaves out its matches and breakdown.
pub(crate) fn analyze_customer(
    compiled: &Compiled,
    text: &str,
    work: &mut Work,
    spans: bool,
) -> CustomerReport {
    compiled.lex(text, &mut work.lexed);
    compiled.find_hits(
        &work.lexed,
        &mut work.segments,
        &mut work.hits,
        &mut work.learned,
    );
    let lexed = &work.lexed;
    let selected = select(compiled, lexed, &work.hits, Side::Customer, None);
    let s = &compiled.scoring;
    let mut evidence = [0.0f64; 8];
    let mut escalation = false;
    let mut repetition = false;
    for sel in selected.iter().filter(|s| s.counts()) {
        match compiled.rules[sel.hit.rule as usize].category {
            Category::Emotion(e) => evidence[e as usize] += sel.contribution,
            Category::Escalation => escalation |= sel.contribution > 0.0,
            Category::Repetition => repetition |= sel.contribution > 0.0,
            _ => {}
        }
    }
    let mut emotions = Emotions::default();
    for &e in Emotion::ALL {
        emotions.set(e, round4(saturate(evidence[e as usize])));
    }
    let emphasis = emphasis(lexed, text);
    let weights = [
        (Emotion::Anger, s.distress_anger),
        (Emotion::Frustration, s.distress_frustration),
        (Emotion::Sadness, s.distress_sadness),
        (Emotion::Anxiety, s.distress_anxiety),
        (Emotion::Disappointment, s.distress_disappointment),
        (Emotion::Confusion, s.distress_confusion),
        (Emotion::Urgency, s.distress_urgency),
    ];
    let mut calm = 1.0;
    for (e, w) in weights {
        calm *= 1.0 - (emotions.get(e) * w).clamp(0.0, 1.0);
    }
    if escalation {
        calm *= 1.0 - s.distress_escalation.clamp(0.0, 1.0);
    }
    if repetition {
        calm *= 1.0 - s.distress_repetition.clamp(0.0, 1.0);
    }
    // Capitals and "!!!" amplify a negative message; they do not make a
    // grateful one distressed.
    if emphasis && calm < 1.0 {
        calm *= 1.0 - s.distress_emphasis.clamp(0.0, 1.0);
    }
    let rule_distress = 1.0 - calm;
    let rule_emotions = emotions;
    let logits = learned::logits(
        compiled,
        &work.learned,
        0..lexed.terms.len() as u32,
        TableOutput::is_customer,
        |category| match category {
            Category::Emotion(e) => rule_emotions.get(e),
            Category::Distress => rule_distress,
            _ => 0.0,
        },
    );
    // An emotion's n-grams are shown when they made it present: the ones
    // that pushed towards it. Distress shows every term of its logit.
    let mut logits = logits;
    for logit in &mut logits {
        if let Category::Emotion(_) = logit.target.category {
            let present = learned::presence(logit.z) > 0.0;
            logit
                .hits
                .retain(|h| present && compiled.entries[h.entry as usize].weight > 0.0);
        }
    }
    let (matches, positions) = if spans {
        learned::with_matches(
            to_matches(compiled, lexed, text, &selected),
            &logits,
            lexed,
            text,
            compiled,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut distress = rule_distress;
    let mut breakdown = Vec::new();
    for (k, logit) in logits.iter().enumerate() {
        match logit.target.category {
            // 0 unless the table finds the emotion more likely than not.
            Category::Emotion(e) => {
                let rules = strong_rule(rule_emotions.get(e), s.emotion_rule_floor);
                emotions.set(e, round4(learned::presence(logit.z).max(rules)));
            }
            Category::Distress => {
                let rules = strong_rule(rule_distress, s.distress_rule_floor);
                distress = sigmoid(logit.z).max(rules);
                if spans {
                    breakdown = logit.breakdown(compiled, rule_distress, &positions[k]);
                }
            }
            _ => {}
        }
    }
    // Having to repeat oneself is frustrating, whatever the words.
    if repetition {
        let floor = s.frustration_with_repetition.clamp(0.0, 1.0);
        emotions.set(
            Emotion::Frustration,
            emotions.get(Emotion::Frustration).max(floor),
        );
    }
    let distress = round4(distress);
    let distress_level = if distress >= s.level3 {
        3
    } else if distress >= s.level2 {
        2
    } else if distress >= s.level1 {
        1
    } else {
        0
    };
    CustomerReport {
        distress,
        distress_level,
        complaint: emotions.complain(),
        emotions,
        escalation,
        repetition,
        emphasis,
        matches,
        breakdown,
        keywords: reflect::keywords(lexed),
    }
}

/// Capitalised words of three letters or more, or stacked `!!`/`?!`.
fn emphasis(lexed: &Lexed, text: &str) -> bool {
    lexed.tokens.iter().any(|t| {
        t.emphatic
            || (t.caps
                && text[t.start..t.end]
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .count()
                    >= 3)
    })
}

/// Rule evidence that stands on its own beside a learned table: at least
/// `floor` (a strong hit), else nothing.
fn strong_rule(value: f64, floor: f64) -> f64 {
    if value >= floor {
        value
    } else {
        0.0
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Reusable buffers for one scoring call.
#[derive(Debug, Default)]
pub(crate) struct Work {
    pub lexed: Lexed,
    pub segments: Vec<crate::rules::compile::SegmentHit>,
    pub hits: Vec<Hit>,
    pub learned: Vec<LearnedHit>,
}

const EMPATHIC: [Dimension; 5] = [
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
    let ctx = customer.map(|c| ReplyContext {
        distress: c.distress,
        distress_level: c.distress_level,
        complaint: c.complaint,
    });
    compiled.lex(text, &mut work.lexed);
    compiled.find_hits(
        &work.lexed,
        &mut work.segments,
        &mut work.hits,
        &mut work.learned,
    );
    let lexed = &work.lexed;
    let selected = select(compiled, lexed, &work.hits, Side::Agent, ctx.as_ref());

    let mut breakdown = vec![ScoreTerm {
        source: TermSource::Bias,
        label: "bias".into(),
        value: s.bias,
        match_index: None,
    }];
    let mut dim_sum = [0.0f64; 13];
    let mut flags: Vec<Flag> = Vec::new();
    let mut first_empathic: Option<u32> = None;
    let mut first_policy: Option<u32> = None;
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut strategy_votes: Vec<Vote> = Vec::new();
    // EPITOME evidence from level-2 rules; the rest of the evidence is weak.
    let mut strong = [0.0f64; 3];
    for (i, sel) in selected.iter().enumerate() {
        let rule = &compiled.rules[sel.hit.rule as usize];
        if !sel.counts() {
            continue;
        }
        if sel.contribution != 0.0 {
            breakdown.push(ScoreTerm {
                source: TermSource::Match,
                label: rule.id.to_string(),
                value: sel.contribution,
                match_index: Some(i),
            });
        }
        let sentence = lexed.terms[sel.hit.start as usize].sentence;
        match rule.category {
            Category::Dimension(d) => {
                dim_sum[d as usize] += sel.contribution;
                if EMPATHIC.contains(&d) && first_empathic.is_none() {
                    first_empathic = Some(sel.hit.start);
                }
            }
            Category::Flag(f) => {
                if !flags.contains(&f) {
                    flags.push(f);
                }
                if f == Flag::PolicyWall && first_policy.is_none() {
                    first_policy = Some(sel.hit.start);
                }
            }
            _ => {}
        }
        if let Some((m, level)) = rule.epitome {
            let value = epitome_evidence(level, sel.contribution, rule.weight, s.epitome(m).2);
            if level >= 2 {
                strong[m as usize] += value;
            }
            push_evidence(&mut evidence, lexed, sentence, m, value, &rule.id);
        }
        if let Some(strategy) = rule.strategy.or_else(|| default_strategy(rule.category)) {
            strategy_votes.push(Vote {
                sentence,
                token: lexed.terms[sel.hit.start as usize].token as usize,
                strategy,
                weight: rule.weight.abs().max(0.1),
            });
        }
    }

    let mut dimensions = Dimensions::default();
    for &d in Dimension::ALL {
        dimensions.set(d, round4(saturate(dim_sum[d as usize])));
    }
    let has = |d: Dimension| dim_sum[d as usize] > 0.0;
    let empathic = EMPATHIC.iter().any(|&d| has(d));

    // Flags derived from the shape of the reply and from other matches.
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
            &mut flags,
        );
    }
    let upset = ctx.is_some_and(|c| c.distress_level >= 1 || c.complaint);
    let courteous = empathic || has(Dimension::Warmth) || has(Dimension::Appreciation);
    if !flags.contains(&Flag::Curt)
        && lexed.words > 0
        && (lexed.words as f64) <= s.curt_max_tokens
        && !courteous
        && (upset || flags.contains(&Flag::Refusal))
    {
        derive(Flag::Curt, s.curt, &mut flags);
    }
    if !flags.contains(&Flag::Shouting) && shouting(lexed, text) {
        derive(Flag::Shouting, s.shouting, &mut flags);
    }

    // Context: the customer's state makes acknowledgment needed.
    if let Some(c) = &ctx {
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
            breakdown.push(ScoreTerm {
                source: TermSource::Context,
                label: label.into(),
                value,
                match_index: None,
            });
        }
    }
    let policy_first = first_policy.is_some_and(|p| first_empathic.is_none_or(|e| e > p));
    if policy_first {
        breakdown.push(ScoreTerm {
            source: TermSource::Context,
            label: "policy_before_acknowledgment".into(),
            value: s.policy_before_acknowledgment,
            match_index: None,
        });
    }

    let logit: f64 = breakdown.iter().map(|t| t.value).sum();
    let score = round4(100.0 * sigmoid(logit));

    let shapes = reflect::sentence_shapes(lexed, customer.map(|c| &*c.keywords));
    sentence_evidence(&mut evidence, lexed, &shapes, s);
    let mut strategies = sentence_strategies(lexed, &shapes, &strategy_votes);
    let matches = learned::apply_to_reply(
        compiled,
        lexed,
        text,
        &work.learned,
        &mut evidence,
        &mut strategies,
        to_matches(compiled, lexed, text, &selected),
    );
    let mut totals = [0.0f64; 3];
    for e in &evidence {
        totals[e.mechanism as usize] += e.value;
    }
    let mut epitome = Epitome::default();
    for &m in Mechanism::ALL {
        let (l1, l2, _, cap) = s.epitome(m);
        let strong = strong[m as usize];
        let e = strong + (totals[m as usize] - strong).min(cap);
        epitome.set(
            m,
            if e >= l2 {
                2
            } else if e >= l1 {
                1
            } else {
                0
            },
        );
    }

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
        dimensions,
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

/// A rule tagged with an EPITOME level adds evidence: a level-2 rule counts
/// 2, a level-1 rule `weak` (a pack parameter); a repeated rule adds less,
/// with its category's diminishing returns.
fn epitome_evidence(level: u8, contribution: f64, weight: f64, weak: f64) -> f64 {
    let share = if weight != 0.0 {
        (contribution / weight).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let value = if level >= 2 { f64::from(level) } else { weak };
    value * share
}

fn default_strategy(category: Category) -> Option<Strategy> {
    use crate::report::Cue;
    Some(match category {
        Category::Dimension(d) => match d {
            Dimension::Acknowledgment | Dimension::Understanding => Strategy::ReflectionOfFeelings,
            Dimension::Restatement => Strategy::Restatement,
            Dimension::Apology => Strategy::AffirmationReassurance,
            Dimension::Reassurance | Dimension::Care => Strategy::AffirmationReassurance,
            Dimension::Options => Strategy::Suggestion,
            Dimension::Exploration => Strategy::Question,
            Dimension::Warmth | Dimension::Appreciation => Strategy::Other,
            _ => return None,
        },
        Category::Cue(Cue::SelfDisclosure) => Strategy::SelfDisclosure,
        Category::Cue(Cue::Suggestion) => Strategy::Suggestion,
        Category::Cue(Cue::Information) => Strategy::Information,
        _ => return None,
    })
}

/// A rule match's vote for the strategy of its sentence.
#[derive(Debug, Clone, Copy)]
struct Vote {
    sentence: u32,
    /// Token index where the match starts.
    token: usize,
    strategy: Strategy,
    weight: f64,
}

/// One strategy per sentence. Among the strategies the sentence's matches
/// vote for, a match after a contrast ("I know it's hard, **but** you will
/// get through it") wins over one before it; otherwise the most specific
/// act wins: self-disclosure, then reflection of feelings and restatement,
/// suggestion, affirmation, question, information, other. A question is a
/// question unless it suggests ("have you tried…?") or checks what the
/// writer understood ("so you feel…?", "…, is that right?"), which is a
/// restatement. A sentence without votes is self-disclosure when it tells
/// the writer's own experience, a suggestion when it advises ("you could…",
/// "maybe…"), a question when it asks, information when it is a statement
/// of a few words or more, and other (pleasantries) otherwise.
fn sentence_strategies(
    lexed: &Lexed,
    shapes: &[reflect::SentenceShape],
    votes: &[Vote],
) -> Vec<SentenceStrategy> {
    use reflect::{FirstPerson, QuestionKind};
    // The most specific act first. Reflection and restatement share a rank:
    // the stronger rule decides ("it sounds like you're overwhelmed"
    // reflects, "if I understand you correctly, …" restates).
    let rank = |st: Strategy| match st {
        Strategy::SelfDisclosure => 0,
        Strategy::ReflectionOfFeelings | Strategy::Restatement => 1,
        Strategy::Suggestion => 2,
        Strategy::AffirmationReassurance => 3,
        Strategy::Question => 4,
        Strategy::Information => 5,
        Strategy::Other => 6,
    };
    // Votes arrive in text order, hence grouped by sentence.
    let mut cursor = 0;
    let mut out = Vec::with_capacity(lexed.sentences.len());
    for (i, s) in lexed.sentences.iter().enumerate() {
        let shape = shapes.get(i).copied().unwrap_or_default();
        let after_contrast = |v: &Vote| shape.contrast.is_some_and(|c| v.token > c);
        let mut vote: Option<Vote> = None;
        while cursor < votes.len() && votes[cursor].sentence as usize <= i {
            let v = votes[cursor];
            cursor += 1;
            if v.sentence as usize != i {
                continue;
            }
            let better = vote.is_none_or(|b| {
                let key = |x: &Vote| (!after_contrast(x), rank(x.strategy));
                key(&v) < key(&b) || (key(&v) == key(&b) && v.weight > b.weight)
            });
            if better {
                vote = Some(v);
            }
        }
        let best = vote.map(|v| v.strategy);
        if s.end_term == s.first_term {
            continue;
        }
        let asks = s.question || shape.question != QuestionKind::None;
        let strategy = match best {
            Some(Strategy::Suggestion) => Strategy::Suggestion,
            _ if asks && shape.question == QuestionKind::Suggestive => Strategy::Suggestion,
            Some(Strategy::Restatement) if asks => Strategy::Restatement,
            _ if asks && shape.confirming => Strategy::Restatement,
            _ if asks && best != Some(Strategy::SelfDisclosure) => Strategy::Question,
            Some(st) => st,
            None if shape.first_person == FirstPerson::Experience => Strategy::SelfDisclosure,
            None if shape.advice => Strategy::Suggestion,
            None if shape.words >= 4 && shape.addresses_you => Strategy::AffirmationReassurance,
            None if shape.words >= 4 => Strategy::Information,
            None => Strategy::Other,
        };
        out.push(SentenceStrategy {
            start: s.start,
            end: s.end,
            strategy,
        });
    }
    out
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

/// Adds evidence for a mechanism in a sentence, merging with the same
/// source in the same sentence (looked up among that sentence's items only).
fn push_evidence(
    evidence: &mut Vec<Evidence>,
    lexed: &Lexed,
    sentence: u32,
    mechanism: Mechanism,
    value: f64,
    source: &str,
) {
    if value == 0.0 {
        return;
    }
    let Some(span) = lexed.sentences.get(sentence as usize) else {
        return;
    };
    let same_sentence = evidence
        .iter()
        .rev()
        .take_while(|e| e.start == span.start)
        .count();
    let recent = evidence.len() - same_sentence;
    match evidence[recent..]
        .iter_mut()
        .find(|e| e.mechanism == mechanism && e.source == source)
    {
        Some(e) => e.value += value,
        None => evidence.push(Evidence {
            mechanism,
            start: span.start,
            end: span.end,
            value,
            source: source.to_string(),
        }),
    }
}

/// Evidence from the shape of sentences: questions put to the person
/// (explorations), the writer's own experience and echoes of the customer's
/// words (interpretations).
fn sentence_evidence(
    evidence: &mut Vec<Evidence>,
    lexed: &Lexed,
    shapes: &[reflect::SentenceShape],
    s: &Scoring,
) {
    use reflect::{FirstPerson, QuestionKind};
    for (i, shape) in shapes.iter().enumerate() {
        let i = i as u32;
        let question = match shape.question {
            QuestionKind::None => None,
            QuestionKind::Suggestive => Some((s.ex_question_suggestive, "suggestive_question")),
            QuestionKind::Rhetorical => Some((s.ex_question_rhetorical, "rhetorical_question")),
            QuestionKind::Own => Some((s.ex_question_own, "own_question")),
            QuestionKind::ToPersonSpecific => {
                Some((s.ex_question_specific, "specific_question_to_person"))
            }
            QuestionKind::ToPerson => Some((s.ex_question_you, "question_to_person")),
            QuestionKind::Other => Some((s.ex_question_other, "question")),
        };
        if let Some((value, source)) = question {
            push_evidence(evidence, lexed, i, Mechanism::Explorations, value, source);
        }
        if shape.words >= 3 {
            let first_person = match shape.first_person {
                FirstPerson::None => None,
                FirstPerson::Opinion => Some((s.ip_opinion, "opinion")),
                FirstPerson::Experience => Some((s.ip_first_person, "own_experience")),
                FirstPerson::Other => Some((s.ip_first_person_other, "first_person")),
            };
            if let Some((value, source)) = first_person {
                push_evidence(
                    evidence,
                    lexed,
                    i,
                    Mechanism::Interpretations,
                    value,
                    source,
                );
                if shape.shared {
                    push_evidence(
                        evidence,
                        lexed,
                        i,
                        Mechanism::Interpretations,
                        s.ip_shared,
                        "shared_experience",
                    );
                }
            }
        }
        if shape.echoes > 0 && shape.question == QuestionKind::None {
            let value = s.ip_echo * shape.echoes.min(3) as f64;
            push_evidence(
                evidence,
                lexed,
                i,
                Mechanism::Interpretations,
                value,
                "echoes_customer",
            );
        }
    }
}
