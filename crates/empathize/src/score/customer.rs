//! Reading a customer message: emotions, distress, escalation, repetition.

use crate::learned::{self, Logit};
use crate::report::{Category, CustomerReport, Emotion, Emotions, ScoreTerm};
use crate::rules::compile::Compiled;
use crate::rules::pack::TableOutput;
use crate::score::params::{saturate, sigmoid, Scoring};
use crate::score::selection::{select, to_matches, Selected, Side};
use crate::score::{round4, shape_words, Work};
use crate::text::lex::Lexed;

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
        Side::Customer,
        &mut work.segments,
        &mut work.hits,
        &mut work.learned,
    );
    let lexed = &work.lexed;
    let s = &compiled.scoring;
    select(
        compiled,
        lexed,
        &work.hits,
        Side::Customer,
        None,
        &mut work.selection,
    );
    let selected = &work.selection.kept[..];
    let rules = RuleReading::of(compiled, selected);
    let emphasis = emphasis(lexed, text);
    let rule_distress = rules.distress(emphasis, s);
    let logits = customer_logits(compiled, work, &rules.emotions, rule_distress, spans);
    let (matches, positions) = if spans {
        learned::with_matches(
            to_matches(compiled, lexed, text, selected),
            &logits,
            lexed,
            text,
            compiled,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut learned = LearnedReading::of(compiled, &logits, &rules, rule_distress);
    if spans {
        learned.breakdown = distress_breakdown(compiled, &logits, rule_distress, &positions);
    }
    let mut emotions = learned.emotions;
    // Having to repeat oneself is frustrating, whatever the words.
    if rules.repetition {
        let floor = s.frustration_with_repetition.clamp(0.0, 1.0);
        emotions.set(
            Emotion::Frustration,
            emotions.get(Emotion::Frustration).max(floor),
        );
    }
    // A rule's negative emotion makes a complaint, and mild distress, even
    // when a table's reading of the emotion stays below presence: the
    // rules know customer-service problems ("charged twice") that the
    // tables, learned elsewhere, do not.
    let ruled_complaint = rules.emotions.complain();
    let complaint = ruled_complaint || emotions.complain();
    let distress = match ruled_complaint {
        true => learned.distress.max(s.complaint_distress),
        false => learned.distress,
    };
    let distress = round4(distress);
    CustomerReport {
        distress,
        distress_level: distress_level(distress, s),
        complaint,
        emotions,
        escalation: rules.escalation,
        repetition: rules.repetition,
        emphasis,
        matches,
        breakdown: learned.breakdown,
        keywords: shape_words::keywords(
            &compiled.vocabulary,
            &compiled.shapes,
            lexed,
            &mut work.keywords,
        ),
    }
}

/// What the hand-written rules say on their own.
struct RuleReading {
    emotions: Emotions,
    escalation: bool,
    repetition: bool,
}

impl RuleReading {
    fn of(compiled: &Compiled, selected: &[Selected]) -> RuleReading {
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
        RuleReading {
            emotions,
            escalation,
            repetition,
        }
    }

    /// Distress as the rules see it: each emotion, escalation, repetition
    /// and emphasis take away a share of the calm.
    fn distress(&self, emphasis: bool, s: &Scoring) -> f64 {
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
            calm *= 1.0 - (self.emotions.get(e) * w).clamp(0.0, 1.0);
        }
        if self.escalation {
            calm *= 1.0 - s.distress_escalation.clamp(0.0, 1.0);
        }
        if self.repetition {
            calm *= 1.0 - s.distress_repetition.clamp(0.0, 1.0);
        }
        // Capitals and "!!!" amplify a negative message; they do not make a
        // grateful one distressed.
        if emphasis && calm < 1.0 {
            calm *= 1.0 - s.distress_emphasis.clamp(0.0, 1.0);
        }
        1.0 - calm
    }
}

/// The logits of the customer tables over the whole message. An emotion
/// keeps the n-grams that made it present (the ones that pushed towards
/// it); distress keeps every term of its logit. Without `spans` the
/// logits keep no hits.
fn customer_logits<'c>(
    compiled: &'c Compiled,
    work: &Work,
    rule_emotions: &Emotions,
    rule_distress: f64,
    spans: bool,
) -> Vec<Logit<'c>> {
    let mut logits = learned::logits(
        compiled,
        &work.lexed,
        &work.learned,
        0..work.lexed.terms.len() as u32,
        spans,
        TableOutput::is_customer,
        |category| match category {
            Category::Emotion(e) => rule_emotions.get(e),
            Category::Distress => rule_distress,
            _ => 0.0,
        },
    );
    for logit in logits.iter_mut().filter(|_| spans) {
        if let Category::Emotion(_) = logit.target.category {
            let present = learned::presence(logit.z) > 0.0;
            logit
                .hits
                .retain(|h| present && compiled.entries[h.entry as usize].weight > 0.0);
        }
    }
    logits
}

/// Emotions and distress once the learned tables have spoken.
struct LearnedReading {
    emotions: Emotions,
    distress: f64,
    breakdown: Vec<ScoreTerm>,
}

impl LearnedReading {
    fn of(
        compiled: &Compiled,
        logits: &[Logit<'_>],
        rules: &RuleReading,
        rule_distress: f64,
    ) -> LearnedReading {
        let s = &compiled.scoring;
        let mut emotions = rules.emotions;
        let mut distress = rule_distress;
        for logit in logits {
            match logit.target.category {
                // 0 unless the table finds the emotion more likely than not.
                Category::Emotion(e) => {
                    let rule = strong_rule(rules.emotions.get(e), s.emotion_rule_floor);
                    emotions.set(e, round4(learned::presence(logit.z).max(rule)));
                }
                Category::Distress => {
                    let rule = strong_rule(rule_distress, s.distress_rule_floor);
                    distress = sigmoid(logit.z).max(rule);
                }
                _ => {}
            }
        }
        LearnedReading {
            emotions,
            distress,
            breakdown: Vec::new(),
        }
    }
}

/// The terms of the distress logit, pointing at their matches
/// (`positions`: of every hit of `logits`, in order).
fn distress_breakdown(
    compiled: &Compiled,
    logits: &[Logit<'_>],
    rule_distress: f64,
    positions: &[usize],
) -> Vec<ScoreTerm> {
    let mut breakdown = Vec::new();
    let mut first = 0;
    for logit in logits {
        let at = positions
            .get(first..first + logit.hits.len())
            .unwrap_or_default();
        if logit.target.category == Category::Distress {
            breakdown = logit.breakdown(compiled, rule_distress, at);
        }
        first += logit.hits.len();
    }
    breakdown
}

fn distress_level(distress: f64, s: &Scoring) -> u8 {
    if distress >= s.level3 {
        3
    } else if distress >= s.level2 {
        2
    } else if distress >= s.level1 {
        1
    } else {
        0
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
