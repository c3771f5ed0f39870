//! The parameters of the score formulas, read from a pack's `[scoring]`.

use std::collections::BTreeMap;

use crate::error::RulePackError;

macro_rules! scoring_params {
    ($($(#[$doc:meta])* $name:ident = $default:expr;)+) => {
        /// Parameters of the score formulas. Defaults can be overridden in a
        /// pack's `[scoring]` table.
        #[derive(Debug, Clone, PartialEq)]
        pub(crate) struct Scoring {
            $($(#[$doc])* pub $name: f64,)+
        }

        impl Default for Scoring {
            fn default() -> Self {
                Scoring { $($name: $default,)+ }
            }
        }

        impl Scoring {
            /// The names of every parameter.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),+];

            /// Every parameter with its value.
            pub fn pairs(&self) -> Vec<(&'static str, f64)> {
                vec![$((stringify!($name), self.$name)),+]
            }

            fn set(&mut self, name: &str, value: f64) -> bool {
                match name {
                    $(stringify!($name) => { self.$name = value; true })+
                    _ => false,
                }
            }
        }
    };
}

scoring_params! {
    /// Logit of a reply with no evidence either way.
    bias = -0.4;
    /// Each further match in a category counts `decay` times the previous one.
    decay = 0.5;
    /// Bonus when the customer is upset and the reply acknowledges it (× distress).
    acknowledged_bonus = 1.0;
    /// Penalty when the customer is upset and the reply acknowledges nothing (× distress).
    ignored_penalty = 2.0;
    /// Distress credited to a message with a complaint but low distress.
    complaint_floor = 0.35;
    /// Derived flag: a refusal with no alternative.
    refusal_without_alternative = -1.2;
    /// Derived flag: a short reply that offers nothing (no courtesy, no
    /// ownership, options or follow-up) to an upset customer or with a refusal.
    curt = -1.2;
    /// A reply of at most this many words can be curt.
    curt_max_tokens = 10.0;
    /// Derived flag: capitals (most words, or two with stacked `!!`/`?!`),
    /// or stacked marks in a hostile reply.
    shouting = -1.0;
    /// Policy cited before any acknowledgment.
    policy_before_acknowledgment = -0.5;
    /// Distress weight of each customer emotion.
    distress_anger = 1.0;
    distress_frustration = 0.9;
    distress_sadness = 1.0;
    distress_anxiety = 0.85;
    distress_disappointment = 0.7;
    distress_confusion = 0.35;
    distress_urgency = 0.5;
    /// Distress added by escalation, repetition and emphasis.
    distress_escalation = 0.45;
    distress_repetition = 0.5;
    distress_emphasis = 0.3;
    /// With a learned emotions table, an emotion is `max(learned, rules)`
    /// where the rules' value counts only from this value up (a strong hit).
    emotion_rule_floor = 0.5;
    /// With a learned distress table, distress is `max(σ(z), rules)` where the
    /// rules' distress counts only from this value up.
    distress_rule_floor = 0.5;
    /// A message where a rule finds a negative emotion is at least this
    /// distressed: a problem reported in flat words ("I was charged twice")
    /// is mild distress, whatever a table learned elsewhere.
    complaint_distress = 0.15;
    /// A customer who has to repeat themselves (a `repetition` match) is at
    /// least this frustrated.
    frustration_with_repetition = 0.3;
    /// A learned strategies table replaces the rules' tag of a sentence when
    /// its best target's logit beats the rules' tag's logit by this much.
    strategy_learned_margin = 0.0;
    /// With a learned strategies table, a sentence also carries the
    /// runner-up target (the highest logit after its tag's) when that logit
    /// is at most this much below its tag's: two strategies the table cannot
    /// tell apart. Negative: never.
    strategy_learned_second = -1.0;
    /// Distress thresholds of levels 1, 2 and 3.
    level1 = 0.15;
    level2 = 0.45;
    level3 = 0.75;
    /// EPITOME: evidence needed for level 1 and level 2 of each mechanism
    /// (evidence = strong + min(weak, weak cap)).
    emotional_reactions_level1 = 1.0;
    emotional_reactions_level2 = 2.0;
    interpretations_level1 = 1.0;
    interpretations_level2 = 2.0;
    explorations_level1 = 1.0;
    explorations_level2 = 2.0;
    /// EPITOME: what a match of a level-1 rule counts (a level-2 rule counts 2).
    emotional_reactions_weak_rules = 1.0;
    interpretations_weak_rules = 1.0;
    explorations_weak_rules = 1.0;
    /// EPITOME: the most that weak evidence (level-1 rules and sentence shapes)
    /// adds up to, so that many weak signs cannot make a strong one.
    emotional_reactions_weak_cap = 99.0;
    interpretations_weak_cap = 99.0;
    explorations_weak_cap = 99.0;
    /// EPITOME explorations: a question put to the person about their situation, in
    /// their words or at length ("how long have you felt this way about school?").
    ex_question_specific = 2.0;
    /// EPITOME explorations: a generic question put to the person ("are you ok?").
    ex_question_you = 1.5;
    /// EPITOME explorations: any other question.
    ex_question_other = 1.0;
    /// EPITOME explorations: a suggestion in question form ("have you tried…?").
    ex_question_suggestive = 0.0;
    /// EPITOME explorations: a rhetorical or tag question ("so what?", "you know?").
    ex_question_rhetorical = 0.0;
    /// EPITOME explorations: a question about the writer ("how would I know?").
    ex_question_own = 0.0;
    /// EPITOME explorations, strong evidence: questions (to the person, about
    /// their world, or other) that hold at least half of the reply's words
    /// when no exploration rule matched: the question is the reply's main
    /// act ("How did the trauma come about?").
    ex_question_main = 2.0;
    /// EPITOME interpretations: a sentence about the writer's own experience.
    ip_first_person = 1.0;
    /// EPITOME interpretations: another first-person statement.
    ip_first_person_other = 0.5;
    /// EPITOME interpretations: a first-person opinion or wish ("I think", "I hope").
    ip_opinion = 0.0;
    /// EPITOME interpretations: a first-person statement that also speaks to the
    /// person ("I went through it too, you will make it"): mostly advice or
    /// encouragement framed by the writer, rarely their own story.
    ip_first_person_you = 0.5;
    /// EPITOME interpretations: … marked as shared ("me too", "the same").
    ip_shared = 1.0;
    /// EPITOME interpretations: per content word echoed from the customer (up to 3).
    ip_echo = 0.3;
    /// EPITOME: what a sentence found by a learned `epitome` table adds, times
    /// `max(0, 2σ(z) − 1)`.
    emotional_reactions_learned = 1.0;
    interpretations_learned = 1.0;
    explorations_learned = 1.0;
    /// How many terms a negator (lexicon `NEGATORS`) reaches, at most, inside
    /// its clause (a whole number, 0 to 64).
    negation_reach = 5.0;
    /// Conversation score: the mean reply score when no agent replied.
    conversation_no_replies = 50.0;
    /// Conversation score: subtracted when empathy came late.
    conversation_late_empathy = 10.0;
    /// Conversation score: subtracted per missed opportunity, up to the cap.
    conversation_missed_opportunity = 6.0;
    conversation_missed_opportunity_cap = 24.0;
    /// Conversation score: subtracted per scripted phrase, up to the cap.
    conversation_scripted_phrase = 5.0;
    conversation_scripted_phrase_cap = 15.0;
    /// Conversation score: agent turns in a row that only ask questions
    /// before each further one costs `conversation_question_streak`, up to the cap
    /// (a longer streak also earns the `mix_questions_with_help` tip).
    conversation_question_streak_free = 3.0;
    conversation_question_streak = 3.0;
    conversation_question_streak_cap = 15.0;
    /// Conversation score: added when the agent confirmed the fix worked,
    /// subtracted when a fix was given and never confirmed.
    conversation_resolution_confirmed = 5.0;
    conversation_resolution_unconfirmed = 5.0;
}

impl Scoring {
    /// Defaults overridden by the `[scoring]` tables of the packs.
    pub fn from_pack(
        values: &BTreeMap<String, (f64, String, Option<usize>)>,
    ) -> Result<Scoring, RulePackError> {
        let mut s = Scoring::default();
        for (name, (value, pack, line)) in values {
            if !s.set(name, *value) {
                return Err(RulePackError::new(format!(
                    "unknown scoring parameter; known: {}",
                    Scoring::NAMES.join(", ")
                ))
                .with_field(format!("scoring.{name}"))
                .with_line(*line)
                .with_pack(pack.clone()));
            }
        }
        let located = |name: &str, message: &str| {
            let mut e = RulePackError::new(message).with_field(format!("scoring.{name}"));
            if let Some((_, pack, line)) = values.get(name) {
                e = e.with_line(*line).with_pack(pack.clone());
            }
            e
        };
        if !(0.0..=1.0).contains(&s.decay) {
            return Err(located("decay", "decay must be between 0 and 1"));
        }
        if !(0.0..=64.0).contains(&s.negation_reach) || s.negation_reach.fract() != 0.0 {
            return Err(located(
                "negation_reach",
                "negation_reach must be a whole number from 0 to 64",
            ));
        }
        Ok(s)
    }

    /// [`Scoring::negation_reach`] as a count of terms.
    pub fn negation_terms(&self) -> usize {
        // Checked to be a whole number from 0 to 64 when the pack was read.
        self.negation_reach as usize
    }
}

/// The logistic function.
pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Maps accumulated evidence (≥ 0) to 0–1 with diminishing returns.
pub(crate) fn saturate(x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else {
        1.0 - (-x).exp()
    }
}

impl Scoring {
    /// What a learned EPITOME sentence adds to a mechanism's evidence.
    pub fn learned_evidence(&self, m: crate::report::Mechanism) -> f64 {
        use crate::report::Mechanism;
        match m {
            Mechanism::EmotionalReactions => self.emotional_reactions_learned,
            Mechanism::Interpretations => self.interpretations_learned,
            Mechanism::Explorations => self.explorations_learned,
        }
    }

    /// EPITOME parameters of a mechanism: (level 1, level 2, weak-rule
    /// weight, weak cap).
    pub fn epitome(&self, m: crate::report::Mechanism) -> (f64, f64, f64, f64) {
        use crate::report::Mechanism;
        match m {
            Mechanism::EmotionalReactions => (
                self.emotional_reactions_level1,
                self.emotional_reactions_level2,
                self.emotional_reactions_weak_rules,
                self.emotional_reactions_weak_cap,
            ),
            Mechanism::Interpretations => (
                self.interpretations_level1,
                self.interpretations_level2,
                self.interpretations_weak_rules,
                self.interpretations_weak_cap,
            ),
            Mechanism::Explorations => (
                self.explorations_level1,
                self.explorations_level2,
                self.explorations_weak_rules,
                self.explorations_weak_cap,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_is_documented() {
        let docs = include_str!("../../../../docs/rules.md");
        for name in Scoring::NAMES {
            assert!(
                docs.contains(&format!("| `{name}` |")),
                "{name} in docs/rules.md"
            );
        }
    }
}
