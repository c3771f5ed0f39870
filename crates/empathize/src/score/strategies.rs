//! Support strategies (ESConv): one tag per sentence of a reply.

use crate::report::{Category, Cue, Dimension, SentenceStrategy, Strategy};
use crate::rules::compile::Compiled;
use crate::score::selection::Selected;
use crate::score::shapes::{self, FirstPerson, QuestionKind};
use crate::text::lex::Lexed;

/// The votes of the counted rule matches for their sentences' strategies:
/// a rule's own `strategy`, else the one its category implies.
pub(crate) fn votes(
    votes: &mut Vec<Vote>,
    compiled: &Compiled,
    lexed: &Lexed,
    selected: &[Selected],
) {
    votes.clear();
    for sel in selected.iter().filter(|s| s.counts()) {
        let rule = &compiled.rules[sel.hit.rule as usize];
        if let Some(strategy) = rule.strategy.or_else(|| default_strategy(rule.category)) {
            let term = lexed.terms[sel.hit.start as usize];
            votes.push(Vote {
                sentence: term.sentence,
                token: term.token as usize,
                strategy,
                weight: rule.weight.abs().max(0.1),
            });
        }
    }
}

fn default_strategy(category: Category) -> Option<Strategy> {
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
pub(crate) struct Vote {
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
pub(crate) fn sentence_strategies(
    out: &mut Vec<SentenceStrategy>,
    lexed: &Lexed,
    shapes: &[shapes::SentenceShape],
    votes: &[Vote],
) {
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
    out.clear();
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
}
