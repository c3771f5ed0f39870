//! The vocabulary of reports: categories, dimensions, flags, emotions,
//! matches, tips, and the message and customer reports themselves.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

// The first variant is matched apart so that the generated methods' doctests
// can name a real value and its text.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident {
        $(#[$fmeta:meta])* $first:ident => $first_text:literal
        $(, $(#[$vmeta:meta])* $variant:ident => $text:literal)* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(#[$fmeta])* $first,
            $($(#[$vmeta])* $variant),*
        }

        impl $name {
            /// Every value, in report order.
            pub const ALL: &'static [$name] = &[$name::$first, $($name::$variant),*];

            /// The stable snake_case name used in reports and rule packs.
            ///
            /// ```
            #[doc = concat!("use empathize::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::", stringify!($first), ".as_str(), \"", $first_text, "\");")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::", stringify!($first), ".to_string(), \"", $first_text, "\");")]
            /// ```
            pub fn as_str(self) -> &'static str {
                match self {
                    $name::$first => $first_text,
                    $($name::$variant => $text),*
                }
            }

            /// Parses the snake_case name.
            ///
            /// ```
            #[doc = concat!("use empathize::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_name(\"", $first_text, "\"), Some(", stringify!($name), "::", stringify!($first), "));")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_name(\"No Such Name\"), None);")]
            #[doc = concat!("for &value in ", stringify!($name), "::ALL {")]
            #[doc = concat!("    assert_eq!(", stringify!($name), "::from_name(value.as_str()), Some(value));")]
            /// }
            /// ```
            pub fn from_name(name: &str) -> Option<$name> {
                match name {
                    $first_text => Some($name::$first),
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                string_enum([$first_text, $($text),*])
            }
        }
    };
}

/// The schema of a value serialized as one of `names`.
#[cfg(feature = "schema")]
pub(crate) fn string_enum<'a>(names: impl IntoIterator<Item = &'a str>) -> schemars::Schema {
    let mut names: Vec<&str> = names.into_iter().collect();
    // Category names repeat across kinds (a strategy and a cue may share one).
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(*n));
    schemars::json_schema!({ "type": "string", "enum": names })
}

named_enum! {
    /// A positive quality of an agent reply, reported 0–1 in [`Dimensions`].
    Dimension {
        /// Naming or validating the customer's feeling or situation.
        Acknowledgment => "acknowledgment",
        /// A sincere apology.
        Apology => "apology",
        /// "I understand", "I can see why".
        Understanding => "understanding",
        /// Telling the customer what you heard.
        Restatement => "restatement",
        /// Concern for the person ("I'd feel the same").
        Care => "care",
        /// Taking the problem on ("I'll take care of it").
        Ownership => "ownership",
        /// Alternatives; the right kind of "no".
        Options => "options",
        /// Open questions about needs and preferences.
        Exploration => "exploration",
        /// Confirming the fix worked, checking back.
        FollowUp => "follow_up",
        /// Reassurance.
        Reassurance => "reassurance",
        /// Thanking the customer.
        Appreciation => "appreciation",
        /// Greeting, closing, courtesy.
        Warmth => "warmth",
        /// Speaking to this customer about their case.
        Personalization => "personalization",
    }
}

named_enum! {
    /// An anti-pattern found in an agent reply.
    Flag {
        /// Policy cited as a wall.
        PolicyWall => "policy_wall",
        /// A refusal.
        Refusal => "refusal",
        /// A refusal with no alternative offered.
        RefusalWithoutAlternative => "refusal_without_alternative",
        /// Blaming the customer.
        Blame => "blame",
        /// "Calm down", "as I said".
        Dismissive => "dismissive",
        /// Scripted filler, reflexive praise to a complaint.
        Hollow => "hollow",
        /// "Sorry you feel that way", "sorry, but".
        NonApology => "non_apology",
        /// "Not my department".
        Deflection => "deflection",
        /// Capitals, or stacked exclamation marks with capitals or in a
        /// hostile reply.
        Shouting => "shouting",
        /// A short reply that offers nothing (no courtesy, ownership, options
        /// or follow-up) to someone who needed more.
        Curt => "curt",
    }
}

named_enum! {
    /// An emotion read in a customer message, reported 0–1 in [`Emotions`].
    Emotion {
        /// Anger.
        Anger => "anger",
        /// Frustration.
        Frustration => "frustration",
        /// Sadness.
        Sadness => "sadness",
        /// Anxiety, worry.
        Anxiety => "anxiety",
        /// Disappointment.
        Disappointment => "disappointment",
        /// Confusion.
        Confusion => "confusion",
        /// Urgency.
        Urgency => "urgency",
        /// Gratitude.
        Gratitude => "gratitude",
    }
}

named_enum! {
    /// Neutral evidence in an agent reply, used by EPITOME levels and strategies.
    Cue {
        /// The agent shares a similar experience.
        SelfDisclosure => "self_disclosure",
        /// The agent suggests something to try.
        Suggestion => "suggestion",
        /// The agent gives information.
        Information => "information",
    }
}

named_enum! {
    /// A support strategy of the ESConv taxonomy (Liu et al., ACL 2021).
    Strategy {
        /// Asking for information about the problem.
        Question => "question",
        /// Restatement or paraphrasing.
        Restatement => "restatement",
        /// Reflection of feelings.
        ReflectionOfFeelings => "reflection_of_feelings",
        /// Self-disclosure.
        SelfDisclosure => "self_disclosure",
        /// Affirmation and reassurance.
        AffirmationReassurance => "affirmation_reassurance",
        /// Providing suggestions.
        Suggestion => "suggestion",
        /// Information.
        Information => "information",
        /// Anything else (greetings, pleasantries).
        Other => "other",
    }
}

named_enum! {
    /// One of the three communication mechanisms of EPITOME (Sharma et al., 2020).
    Mechanism {
        /// Emotional reactions: warmth, compassion, concern.
        EmotionalReactions => "emotional_reactions",
        /// Interpretations: understanding of feelings and experiences.
        Interpretations => "interpretations",
        /// Explorations: probing what the person has not said.
        Explorations => "explorations",
    }
}

/// What a rule's matches mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// A positive quality of an agent reply.
    Dimension(Dimension),
    /// An anti-pattern of an agent reply.
    Flag(Flag),
    /// Neutral evidence in an agent reply.
    Cue(Cue),
    /// An emotion in a customer message.
    Emotion(Emotion),
    /// The customer threatens to escalate (manager, cancel, lawyer, review).
    Escalation,
    /// The customer has to repeat themselves.
    Repetition,
    /// A customer's politeness formula ("sorry to bother you", "excuse
    /// me"): counts toward no emotion; with `mask_learned` its span hides
    /// learned n-grams.
    Courtesy,
    /// Learned evidence of a customer's distress (learned tables only).
    Distress,
    /// Learned evidence of a support strategy in a sentence (learned tables only).
    Strategy(Strategy),
    /// Learned evidence of an EPITOME mechanism in a sentence (learned tables only).
    Mechanism(Mechanism),
}

impl Category {
    /// The snake_case name used in packs and reports: the name of the
    /// dimension, flag, … it wraps, or its own.
    ///
    /// ```
    /// use empathize::{Category, Flag};
    /// assert_eq!(Category::Flag(Flag::PolicyWall).as_str(), "policy_wall");
    /// assert_eq!(Category::Escalation.as_str(), "escalation");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Dimension(d) => d.as_str(),
            Category::Flag(f) => f.as_str(),
            Category::Cue(c) => c.as_str(),
            Category::Emotion(e) => e.as_str(),
            Category::Escalation => "escalation",
            Category::Repetition => "repetition",
            Category::Courtesy => "courtesy",
            Category::Distress => "distress",
            Category::Strategy(s) => s.as_str(),
            Category::Mechanism(m) => m.as_str(),
        }
    }

    /// Parses a category name as written in a rule pack (learned-only
    /// categories such as `distress` are not rule categories).
    ///
    /// ```
    /// use empathize::{Category, Dimension};
    /// assert_eq!(Category::from_name("apology"), Some(Category::Dimension(Dimension::Apology)));
    /// assert_eq!(Category::from_name("repetition"), Some(Category::Repetition));
    /// assert_eq!(Category::from_name("distress"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Category> {
        Dimension::from_name(name)
            .map(Category::Dimension)
            .or_else(|| Flag::from_name(name).map(Category::Flag))
            .or_else(|| Cue::from_name(name).map(Category::Cue))
            .or_else(|| Emotion::from_name(name).map(Category::Emotion))
            .or(match name {
                "escalation" => Some(Category::Escalation),
                "repetition" => Some(Category::Repetition),
                "courtesy" => Some(Category::Courtesy),
                _ => None,
            })
    }

    /// Whether the category describes customer messages (emotions,
    /// escalation, repetition) rather than agent replies.
    ///
    /// ```
    /// use empathize::{Category, Dimension, Emotion};
    /// assert!(Category::Emotion(Emotion::Anger).is_customer());
    /// assert!(!Category::Dimension(Dimension::Care).is_customer());
    /// ```
    pub fn is_customer(self) -> bool {
        matches!(
            self,
            Category::Emotion(_)
                | Category::Escalation
                | Category::Repetition
                | Category::Courtesy
                | Category::Distress
        )
    }

    /// Every category name a pack may use.
    ///
    /// ```
    /// use empathize::Category;
    /// let names: Vec<&str> = Category::all_names().collect();
    /// assert!(names.contains(&"acknowledgment") && names.contains(&"escalation"));
    /// assert!(names.iter().all(|n| Category::from_name(n).is_some()));
    /// ```
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        Dimension::ALL
            .iter()
            .map(|d| d.as_str())
            .chain(Flag::ALL.iter().map(|f| f.as_str()))
            .chain(Cue::ALL.iter().map(|c| c.as_str()))
            .chain(Emotion::ALL.iter().map(|e| e.as_str()))
            .chain(["escalation", "repetition", "courtesy"])
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Category {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Category".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        string_enum(
            Category::all_names()
                .chain(["distress"])
                .chain(Strategy::ALL.iter().map(|s| s.as_str()))
                .chain(Mechanism::ALL.iter().map(|m| m.as_str())),
        )
    }
}

/// Whether a match helps or hurts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Polarity {
    /// A positive dimension of a reply.
    Positive,
    /// An anti-pattern.
    Negative,
    /// Evidence without a value judgment (cues, customer emotions).
    Neutral,
}

/// What produced a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MatchSource {
    /// A hand-written rule of a pack.
    Rule,
    /// An n-gram of a learned weight table of a pack.
    Learned,
}

impl MatchSource {
    /// `"rule"` or `"learned"`.
    ///
    /// ```
    /// use empathize::{Analyzer, MatchSource};
    /// assert_eq!(MatchSource::Learned.as_str(), "learned");
    /// let report = Analyzer::new().score("I'm so sorry.");
    /// assert!(report.matches.iter().any(|m| m.source.as_str() == "rule"));
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            MatchSource::Rule => "rule",
            MatchSource::Learned => "learned",
        }
    }
}

/// One rule hit (or learned n-gram) in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Match {
    /// The id of the rule that matched; for a learned n-gram,
    /// `table:target` (e.g. `goemotions-emotions:anger`).
    pub rule: Arc<str>,
    /// A rule of a pack or an n-gram of a learned table.
    pub source: MatchSource,
    /// What the match means.
    pub category: Category,
    /// Whether it helps or hurts.
    pub polarity: Polarity,
    /// Offset of the start of the matched text (bytes unless the analyzer was built with another [`OffsetUnit`](crate::OffsetUnit)).
    pub start: usize,
    /// Offset one past the end of the matched text (bytes unless the analyzer was built with another [`OffsetUnit`](crate::OffsetUnit)).
    pub end: usize,
    /// The matched text, `&text[start..end]`.
    pub text: String,
    /// What the match adds to the score logit (0 when cancelled). For
    /// customer messages: what it adds to its emotion's evidence; for a
    /// learned n-gram: its weight in the logit of its target.
    pub contribution: f64,
    /// A negation (`not`, `never`, `n't`, …) cancelled the match.
    pub negated: bool,
    /// An overlapping anti-pattern cancelled the match ("sorry" inside
    /// "sorry you feel that way").
    pub suppressed: bool,
}

/// A value 0–1 for each positive quality of a reply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[allow(missing_docs)]
#[non_exhaustive]
pub struct Dimensions {
    pub acknowledgment: f64,
    pub apology: f64,
    pub understanding: f64,
    pub restatement: f64,
    pub care: f64,
    pub ownership: f64,
    pub options: f64,
    pub exploration: f64,
    pub follow_up: f64,
    pub reassurance: f64,
    pub appreciation: f64,
    pub warmth: f64,
    pub personalization: f64,
}

impl Dimensions {
    /// The value of one dimension.
    ///
    /// ```
    /// use empathize::{Analyzer, Dimension};
    /// let report = Analyzer::new().score("Thank you so much for your patience!");
    /// assert_eq!(report.dimensions.get(Dimension::Appreciation), report.dimensions.appreciation);
    /// assert!(report.dimensions.get(Dimension::Appreciation) > 0.0);
    /// ```
    pub fn get(&self, d: Dimension) -> f64 {
        *self.slot(d)
    }

    pub(crate) fn set(&mut self, d: Dimension, v: f64) {
        *self.slot_mut(d) = v;
    }

    /// `(dimension, value)` pairs in report order.
    ///
    /// ```
    /// use empathize::{Analyzer, Dimension};
    /// let report = Analyzer::new().score("I'm so sorry.");
    /// let shown: Vec<Dimension> = report.dimensions.iter().filter(|(_, v)| *v > 0.0).map(|(d, _)| d).collect();
    /// assert!(shown.contains(&Dimension::Apology));
    /// assert_eq!(report.dimensions.iter().count(), Dimension::ALL.len());
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Dimension, f64)> + '_ {
        Dimension::ALL.iter().map(move |&d| (d, self.get(d)))
    }

    fn slot(&self, d: Dimension) -> &f64 {
        match d {
            Dimension::Acknowledgment => &self.acknowledgment,
            Dimension::Apology => &self.apology,
            Dimension::Understanding => &self.understanding,
            Dimension::Restatement => &self.restatement,
            Dimension::Care => &self.care,
            Dimension::Ownership => &self.ownership,
            Dimension::Options => &self.options,
            Dimension::Exploration => &self.exploration,
            Dimension::FollowUp => &self.follow_up,
            Dimension::Reassurance => &self.reassurance,
            Dimension::Appreciation => &self.appreciation,
            Dimension::Warmth => &self.warmth,
            Dimension::Personalization => &self.personalization,
        }
    }

    fn slot_mut(&mut self, d: Dimension) -> &mut f64 {
        match d {
            Dimension::Acknowledgment => &mut self.acknowledgment,
            Dimension::Apology => &mut self.apology,
            Dimension::Understanding => &mut self.understanding,
            Dimension::Restatement => &mut self.restatement,
            Dimension::Care => &mut self.care,
            Dimension::Ownership => &mut self.ownership,
            Dimension::Options => &mut self.options,
            Dimension::Exploration => &mut self.exploration,
            Dimension::FollowUp => &mut self.follow_up,
            Dimension::Reassurance => &mut self.reassurance,
            Dimension::Appreciation => &mut self.appreciation,
            Dimension::Warmth => &mut self.warmth,
            Dimension::Personalization => &mut self.personalization,
        }
    }
}

/// A value 0–1 for each emotion of a customer message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[allow(missing_docs)]
#[non_exhaustive]
pub struct Emotions {
    pub anger: f64,
    pub frustration: f64,
    pub sadness: f64,
    pub anxiety: f64,
    pub disappointment: f64,
    pub confusion: f64,
    pub urgency: f64,
    pub gratitude: f64,
}

impl Emotions {
    /// The value of one emotion.
    ///
    /// ```
    /// use empathize::{Analyzer, Emotion};
    /// let report = Analyzer::new().analyze_customer("I'm so angry about this!");
    /// assert!(report.emotions.get(Emotion::Anger) > 0.0);
    /// assert_eq!(report.emotions.get(Emotion::Anger), report.emotions.anger);
    /// ```
    pub fn get(&self, e: Emotion) -> f64 {
        match e {
            Emotion::Anger => self.anger,
            Emotion::Frustration => self.frustration,
            Emotion::Sadness => self.sadness,
            Emotion::Anxiety => self.anxiety,
            Emotion::Disappointment => self.disappointment,
            Emotion::Confusion => self.confusion,
            Emotion::Urgency => self.urgency,
            Emotion::Gratitude => self.gratitude,
        }
    }

    pub(crate) fn set(&mut self, e: Emotion, v: f64) {
        let slot = match e {
            Emotion::Anger => &mut self.anger,
            Emotion::Frustration => &mut self.frustration,
            Emotion::Sadness => &mut self.sadness,
            Emotion::Anxiety => &mut self.anxiety,
            Emotion::Disappointment => &mut self.disappointment,
            Emotion::Confusion => &mut self.confusion,
            Emotion::Urgency => &mut self.urgency,
            Emotion::Gratitude => &mut self.gratitude,
        };
        *slot = v;
    }

    /// `(emotion, value)` pairs in report order.
    ///
    /// ```
    /// use empathize::{Analyzer, Emotion};
    /// let report = Analyzer::new().analyze_customer("Thank you so much, you're a lifesaver!");
    /// let (strongest, _) = report.emotions.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    /// assert_eq!(strongest, Emotion::Gratitude);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Emotion, f64)> + '_ {
        Emotion::ALL.iter().map(move |&e| (e, self.get(e)))
    }
}

/// EPITOME levels of a reply: 0 none, 1 weak, 2 strong.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[allow(missing_docs)]
#[non_exhaustive]
pub struct Epitome {
    pub emotional_reactions: u8,
    pub interpretations: u8,
    pub explorations: u8,
}

impl Epitome {
    /// The level of one mechanism: 0 none, 1 weak, 2 strong.
    ///
    /// ```
    /// use empathize::{Analyzer, Mechanism};
    /// let report = Analyzer::new().score("How are you feeling about all this?");
    /// assert!(report.epitome.get(Mechanism::Explorations) > 0);
    /// assert_eq!(report.epitome.get(Mechanism::Explorations), report.epitome.explorations);
    /// ```
    pub fn get(&self, m: Mechanism) -> u8 {
        match m {
            Mechanism::EmotionalReactions => self.emotional_reactions,
            Mechanism::Interpretations => self.interpretations,
            Mechanism::Explorations => self.explorations,
        }
    }

    pub(crate) fn set(&mut self, m: Mechanism, level: u8) {
        match m {
            Mechanism::EmotionalReactions => self.emotional_reactions = level,
            Mechanism::Interpretations => self.interpretations = level,
            Mechanism::Explorations => self.explorations = level,
        }
    }
}

/// The support strategy of one sentence of a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SentenceStrategy {
    /// Offset of the sentence start (bytes unless the analyzer was built with another [`OffsetUnit`](crate::OffsetUnit)).
    pub start: usize,
    /// Offset one past the sentence end (bytes unless the analyzer was built with another [`OffsetUnit`](crate::OffsetUnit)).
    pub end: usize,
    /// The strategy the sentence shows.
    pub strategy: Strategy,
}

/// A piece of EPITOME evidence: a sentence and what it adds to a mechanism.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Evidence {
    /// The mechanism it supports.
    pub mechanism: Mechanism,
    /// Offset of the sentence start (bytes unless the analyzer was built with another [`OffsetUnit`](crate::OffsetUnit)); for emotional reactions, of a short sentence (at most 5 words) just before it, which belongs to the reaction.
    pub start: usize,
    /// Offset one past the sentence end (bytes unless the analyzer was built with another [`OffsetUnit`](crate::OffsetUnit)); for emotional reactions, past a short sentence (at most 5 words) just after it.
    pub end: usize,
    /// What it adds to the mechanism's evidence (levels come from thresholds on the sum).
    pub value: f64,
    /// A rule id, or a sentence feature. Explorations: `question_to_person`,
    /// `specific_question_to_person`, `suggestive_question`,
    /// `rhetorical_question`, `own_question`, `question`, `question_main_act`
    /// (a reply that is mostly a question to the person). Interpretations:
    /// `own_experience`, `first_person`, `first_person_to_you`, `opinion`,
    /// `shared_experience`, `echoes_customer`.
    // Shared with the compiled rule, or with every report naming the same
    // feature (a plain comment: the generated bindings' docs stay as they are).
    pub source: Arc<str>,
}

/// Where a term of the score comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TermSource {
    /// The constant the logit starts from.
    Bias,
    /// A rule match (see `match_index`).
    Match,
    /// A flag the engine derives from the shape of the text or from other
    /// matches (curt, shouting, refusal without alternative).
    Derived,
    /// The customer's state: acknowledgment needed and given, or missing.
    Context,
    /// The hand-written rules' evidence, times its learned weight.
    Rules,
    /// An n-gram of a learned weight table (see `match_index`).
    Learned,
}

/// One additive term of the score logit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ScoreTerm {
    /// Where the term comes from.
    pub source: TermSource,
    /// What it is: a rule id, a flag name or a context name.
    // Shared with the compiled rule, or with every report that carries the
    // same name.
    pub label: Arc<str>,
    /// What it adds to the logit.
    pub value: f64,
    /// The index in `matches` when `source` is `match`.
    pub match_index: Option<usize>,
}

/// A suggestion for the agent, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Tip {
    /// Stable machine-readable code (`acknowledge_feelings`, …).
    pub code: &'static str,
    /// The advice in plain words.
    pub message: &'static str,
}

/// What the score of a reply knew about the customer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ReplyContext {
    /// The customer's distress 0–1.
    pub distress: f64,
    /// The customer's distress level 0–3.
    pub distress_level: u8,
    /// The customer message holds a complaint (a negative emotion).
    pub complaint: bool,
}

/// The report on one agent reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct MessageReport {
    /// 0–100: `100 · σ(logit)`.
    pub score: f64,
    /// The score logit: the sum of the breakdown's values.
    pub logit: f64,
    /// A value 0–1 for each positive quality.
    pub dimensions: Dimensions,
    /// Anti-patterns found, in order of first appearance.
    pub flags: Vec<Flag>,
    /// EPITOME levels.
    pub epitome: Epitome,
    /// The evidence behind the EPITOME levels, per sentence.
    pub evidence: Vec<Evidence>,
    /// A support strategy per sentence, in text order. With a learned
    /// strategies table and `strategy_learned_second`, a sentence the table
    /// cannot decide between two strategies has two entries (same span),
    /// its tag first.
    pub strategies: Vec<SentenceStrategy>,
    /// Every rule hit, in text order.
    pub matches: Vec<Match>,
    /// The additive terms of the score logit.
    pub breakdown: Vec<ScoreTerm>,
    /// What is missing, in plain words.
    pub tips: Vec<Tip>,
    /// The customer message the reply answered, summarized, if one was given.
    pub context: Option<ReplyContext>,
}

impl MessageReport {
    /// Whether the report carries a flag.
    ///
    /// ```
    /// use empathize::{Analyzer, Flag};
    /// let report = Analyzer::new().score("Calm down, as I said it's not my department.");
    /// assert!(report.has_flag(Flag::Dismissive));
    /// assert!(!report.has_flag(Flag::Shouting));
    /// ```
    pub fn has_flag(&self, flag: Flag) -> bool {
        self.flags.contains(&flag)
    }

    /// Whether the report carries a tip with this code (see
    /// [`ALL_TIPS`](crate::ALL_TIPS) for the codes).
    ///
    /// ```
    /// use empathize::Analyzer;
    /// let report = Analyzer::new().score("Per our policy, we can't refund you.");
    /// assert!(report.has_tip("offer_alternative"));
    /// assert!(!report.has_tip("no_such_tip"));
    /// ```
    pub fn has_tip(&self, code: &str) -> bool {
        self.tips.iter().any(|t| t.code == code)
    }
}

/// The summary of an agent reply: the fields of its [`MessageReport`]
/// without the matches, evidence and breakdown, which are never built (so
/// it is cheaper to make and to hand over). Every field equals the full
/// report's.
///
/// ```
/// use empathize::{Analyzer, ReplySummary};
/// let analyzer = Analyzer::new();
/// let reply = "I'm so sorry, I'll sort this out for you today.";
/// let summary = analyzer.score_summary(reply);
/// assert_eq!(summary, ReplySummary::from(&analyzer.score(reply)));
/// ```
// A row of `row_columns` (Arrow, pandas, Polars, Spark) is read from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ReplySummary {
    /// 0–100: `100 · σ(logit)`.
    pub score: f64,
    /// The score logit.
    pub logit: f64,
    /// A value 0–1 for each positive quality.
    pub dimensions: Dimensions,
    /// Anti-patterns found, in order of first appearance.
    pub flags: Vec<Flag>,
    /// EPITOME levels.
    pub epitome: Epitome,
    /// A support strategy per sentence, in text order. With a learned
    /// strategies table and `strategy_learned_second`, a sentence the table
    /// cannot decide between two strategies has two entries (same span),
    /// its tag first.
    pub strategies: Vec<SentenceStrategy>,
    /// What is missing, in plain words.
    pub tips: Vec<Tip>,
    /// The customer message the reply answered, summarized, if one was given.
    pub context: Option<ReplyContext>,
}

impl ReplySummary {
    /// Whether the summary carries a flag.
    ///
    /// ```
    /// use empathize::{Analyzer, Flag};
    /// let summary = Analyzer::new().score_summary("Calm down, as I said it's not my department.");
    /// assert!(summary.has_flag(Flag::Dismissive));
    /// assert!(!summary.has_flag(Flag::Shouting));
    /// ```
    pub fn has_flag(&self, flag: Flag) -> bool {
        self.flags.contains(&flag)
    }

    /// Whether the summary carries a tip with this code.
    ///
    /// ```
    /// use empathize::Analyzer;
    /// let summary = Analyzer::new().score_summary("Per our policy, we can't refund you.");
    /// assert!(summary.has_tip("offer_alternative"));
    /// ```
    pub fn has_tip(&self, code: &str) -> bool {
        self.tips.iter().any(|t| t.code == code)
    }
}

impl From<&MessageReport> for ReplySummary {
    fn from(r: &MessageReport) -> ReplySummary {
        ReplySummary {
            score: r.score,
            logit: r.logit,
            dimensions: r.dimensions,
            flags: r.flags.clone(),
            epitome: r.epitome,
            strategies: r.strategies.clone(),
            tips: r.tips.clone(),
            context: r.context,
        }
    }
}

impl From<MessageReport> for ReplySummary {
    fn from(r: MessageReport) -> ReplySummary {
        ReplySummary {
            score: r.score,
            logit: r.logit,
            dimensions: r.dimensions,
            flags: r.flags,
            epitome: r.epitome,
            strategies: r.strategies,
            tips: r.tips,
            context: r.context,
        }
    }
}

/// The report on one customer message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CustomerReport {
    /// 0–1: how upset the customer is.
    pub distress: f64,
    /// 0 calm, 1 mild, 2 upset, 3 very upset.
    pub distress_level: u8,
    /// A value 0–1 per emotion.
    pub emotions: Emotions,
    /// The customer threatens to escalate.
    pub escalation: bool,
    /// The customer has to repeat themselves.
    pub repetition: bool,
    /// Capitals or stacked exclamation marks.
    pub emphasis: bool,
    /// The message complains: anger, frustration, sadness, anxiety or
    /// disappointment above 0, or a rule hit of one of them ("I was charged
    /// twice") that a table's reading keeps at 0 (confusion and urgency
    /// alone are not complaints). A learned emotion is above 0 only when its
    /// table finds it more likely present than not. A rule's complaint is
    /// at least mildly distressed (the pack's `complaint_distress`).
    pub complaint: bool,
    /// Every rule hit and learned n-gram, in text order.
    pub matches: Vec<Match>,
    /// The additive terms of the distress logit when the pack has a learned
    /// distress table; empty otherwise. `distress = σ(Σ values)`, unless the
    /// rules alone say more with a strong hit (at least the pack's
    /// `distress_rule_floor`): then distress is the rules' value.
    pub breakdown: Vec<ScoreTerm>,
    /// Content words, for recognising a reply that reflects them.
    #[serde(skip)]
    pub(crate) keywords: std::sync::Arc<crate::score::shape_words::Keywords>,
}

impl Emotions {
    /// Whether these emotions make a complaint (see [`CustomerReport::complaint`]).
    pub(crate) fn complain(&self) -> bool {
        self.iter().any(|(e, v)| {
            v > 0.0
                && matches!(
                    e,
                    Emotion::Anger
                        | Emotion::Frustration
                        | Emotion::Sadness
                        | Emotion::Anxiety
                        | Emotion::Disappointment
                )
        })
    }
}
