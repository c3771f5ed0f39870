//! EPITOME: evidence for each mechanism, per sentence, and the levels.
//!
//! Rules tagged `epitome = "mechanism:level"` give evidence where they
//! match; sentence shapes (questions put to the person, the writer's own
//! experience, echoes of the customer's words) give weak evidence; learned
//! tables add theirs. A mechanism's level is read off the sum: `strong +
//! min(weak, weak cap)` against the pack's level thresholds.

use crate::report::{Epitome, Evidence, Mechanism};
use crate::rules::compile::Compiled;
use crate::score::params::Scoring;
use crate::score::selection::Selected;
use crate::score::shapes::{self, FirstPerson, QuestionKind};
use crate::score::{name, Label};
use crate::text::lex::Lexed;

/// A piece of evidence while a reply is read ([`Evidence`] once reported).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ev {
    pub mechanism: Mechanism,
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub source: Label,
}

impl Ev {
    /// The reported evidence.
    pub fn report(&self, compiled: &Compiled) -> Evidence {
        Evidence {
            mechanism: self.mechanism,
            start: self.start,
            end: self.end,
            value: self.value,
            source: self.source.shared(compiled),
        }
    }
}

/// The evidence of the counted rule matches (into `evidence`, cleared
/// first), and the part of it that level-2 rules gave (the strong
/// evidence, which no cap limits).
pub(crate) fn rule_evidence(
    evidence: &mut Vec<Ev>,
    compiled: &Compiled,
    lexed: &Lexed,
    selected: &[Selected],
) -> [f64; 3] {
    let s = &compiled.scoring;
    evidence.clear();
    let mut strong = [0.0f64; 3];
    for sel in selected.iter().filter(|s| s.counts()) {
        let rule = &compiled.rules[sel.hit.rule as usize];
        let Some((m, level)) = rule.epitome else {
            continue;
        };
        let value = epitome_evidence(level, sel.contribution, rule.weight, s.epitome(m).2);
        if level >= 2 {
            strong[m as usize] += value;
        }
        let sentence = lexed.terms[sel.hit.start as usize].sentence;
        push_evidence(
            evidence,
            compiled,
            lexed,
            sentence,
            m,
            value,
            Label::Rule(sel.hit.rule),
        );
    }
    strong
}

/// Each mechanism's level from all its evidence.
pub(crate) fn levels(evidence: &[Ev], strong: &[f64; 3], s: &Scoring) -> Epitome {
    let mut totals = [0.0f64; 3];
    for e in evidence {
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
    epitome
}

/// The longest neighbouring sentence, in words, that joins the evidence of
/// an emotional reaction.
const REACTION_NEIGHBOUR_WORDS: usize = 5;

/// Short sentences next to an emotional reaction belong to it: "Hang in
/// there! **Lots of love!**", "**sorry man.** If people judge you…",
/// "**Hey, wanna talk?** I'm here for you". The evidence of emotional
/// reactions grows over the sentence before and the one after its own when
/// they hold at most [`REACTION_NEIGHBOUR_WORDS`] words. Levels do not
/// change; only the span the evidence points at.
pub(crate) fn widen_reactions(
    evidence: &mut [Ev],
    lexed: &Lexed,
    shapes: &[shapes::SentenceShape],
) {
    let short = |j: usize| {
        shapes
            .get(j)
            .is_some_and(|s| s.words > 0 && s.words <= REACTION_NEIGHBOUR_WORDS)
    };
    for e in evidence
        .iter_mut()
        .filter(|e| e.mechanism == Mechanism::EmotionalReactions)
    {
        let Some(i) = lexed.sentences.iter().position(|s| s.start == e.start) else {
            continue;
        };
        if let Some(before) = i.checked_sub(1).filter(|&j| short(j)) {
            e.start = lexed.sentences[before].start;
        }
        if short(i + 1) {
            if let Some(after) = lexed.sentences.get(i + 1) {
                e.end = after.end;
            }
        }
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

/// Adds evidence for a mechanism in a sentence, merging with the same
/// source in the same sentence (looked up among that sentence's items only).
fn push_evidence(
    evidence: &mut Vec<Ev>,
    compiled: &Compiled,
    lexed: &Lexed,
    sentence: u32,
    mechanism: Mechanism,
    value: f64,
    source: Label,
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
        .find(|e| e.mechanism == mechanism && same_source(compiled, e.source, source))
    {
        Some(e) => e.value += value,
        None => evidence.push(Ev {
            mechanism,
            start: span.start,
            end: span.end,
            value,
            source,
        }),
    }
}

/// Whether two sources have the same text (a rule id may be any name;
/// fixed names differ as their indices do).
fn same_source(compiled: &Compiled, a: Label, b: Label) -> bool {
    match (a, b) {
        (Label::Rule(x), Label::Rule(y)) if x == y => true,
        (Label::Name(x), Label::Name(y)) => x == y,
        _ => a.as_str(compiled) == b.as_str(compiled),
    }
}

/// Evidence from the shape of sentences: questions put to the person
/// (explorations), the writer's own experience and echoes of the customer's
/// words (interpretations). A reply that is mostly a question no
/// exploration rule matched gives strong evidence (into `strong`).
pub(crate) fn sentence_evidence(
    evidence: &mut Vec<Ev>,
    strong: &mut [f64; 3],
    compiled: &Compiled,
    lexed: &Lexed,
    shapes: &[shapes::SentenceShape],
    s: &Scoring,
) {
    main_question(evidence, strong, compiled, lexed, shapes, s);
    for (i, shape) in shapes.iter().enumerate() {
        let i = i as u32;
        let question = match shape.question {
            QuestionKind::None => None,
            QuestionKind::Suggestive => {
                Some((s.ex_question_suggestive, name!("suggestive_question")))
            }
            QuestionKind::Rhetorical => {
                Some((s.ex_question_rhetorical, name!("rhetorical_question")))
            }
            QuestionKind::Own => Some((s.ex_question_own, name!("own_question"))),
            QuestionKind::ToPersonSpecific => {
                Some((s.ex_question_specific, name!("specific_question_to_person")))
            }
            QuestionKind::ToPerson => Some((s.ex_question_you, name!("question_to_person"))),
            QuestionKind::Other => Some((s.ex_question_other, name!("question"))),
        };
        if let Some((value, source)) = question {
            push_evidence(
                evidence,
                compiled,
                lexed,
                i,
                Mechanism::Explorations,
                value,
                Label::Name(source),
            );
        }
        if shape.words >= 3 {
            let first_person = match shape.first_person {
                FirstPerson::None => None,
                FirstPerson::Opinion => Some((s.ip_opinion, name!("opinion"))),
                // Told to the person: advice or encouragement, not their story.
                _ if shape.addresses_you => {
                    Some((s.ip_first_person_you, name!("first_person_to_you")))
                }
                FirstPerson::Experience => Some((s.ip_first_person, name!("own_experience"))),
                FirstPerson::Other => Some((s.ip_first_person_other, name!("first_person"))),
            };
            if let Some((value, source)) = first_person {
                push_evidence(
                    evidence,
                    compiled,
                    lexed,
                    i,
                    Mechanism::Interpretations,
                    value,
                    Label::Name(source),
                );
                if shape.shared {
                    push_evidence(
                        evidence,
                        compiled,
                        lexed,
                        i,
                        Mechanism::Interpretations,
                        s.ip_shared,
                        Label::Name(name!("shared_experience")),
                    );
                }
            }
        }
        if shape.echoes > 0 && shape.question == QuestionKind::None {
            let value = s.ip_echo * shape.echoes.min(3) as f64;
            push_evidence(
                evidence,
                compiled,
                lexed,
                i,
                Mechanism::Interpretations,
                value,
                Label::Name(name!("echoes_customer")),
            );
        }
    }
}

/// Questions that hold at least half of a reply's words, when no
/// exploration rule matched it: the question is the reply's main act, and
/// annotators mark it as an exploration of the person's situation ("How did
/// the trauma come about?", "what was his reaction?"). Strong evidence, on
/// the first such question. Rhetorical, suggestive and own questions, and
/// short generic ones ("are you ok?"), do not count.
fn main_question(
    evidence: &mut Vec<Ev>,
    strong: &mut [f64; 3],
    compiled: &Compiled,
    lexed: &Lexed,
    shapes: &[shapes::SentenceShape],
    s: &Scoring,
) {
    if s.ex_question_main == 0.0
        || evidence
            .iter()
            .any(|e| e.mechanism == Mechanism::Explorations && matches!(e.source, Label::Rule(_)))
    {
        return;
    }
    let counted =
        |q: QuestionKind| matches!(q, QuestionKind::ToPersonSpecific | QuestionKind::Other);
    let words: usize = shapes.iter().map(|shape| shape.words).sum();
    let asked: usize = shapes
        .iter()
        .filter(|shape| counted(shape.question))
        .map(|shape| shape.words)
        .sum();
    if asked == 0 || 2 * asked < words {
        return;
    }
    let Some(first) = shapes.iter().position(|shape| counted(shape.question)) else {
        return;
    };
    push_evidence(
        evidence,
        compiled,
        lexed,
        first as u32,
        Mechanism::Explorations,
        s.ex_question_main,
        Label::Name(name!("question_main_act")),
    );
    strong[Mechanism::Explorations as usize] += s.ex_question_main;
}
