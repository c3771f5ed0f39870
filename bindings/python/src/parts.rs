//! The pieces of a report: matches, tips, dimensions, emotions, EPITOME
//! levels and evidence, sentence strategies, score terms, reply context.
//! Each holds a copy of its (small) Rust value.

use empathize as core;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::repr;

/// One rule hit or learned n-gram: which rule (or ``table:target``), where
/// (code-point offsets), and what it adds.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct Match(pub(crate) core::Match);

#[pymethods]
impl Match {
    /// The id of the rule that matched; for a learned n-gram, ``table:target``
    /// (e.g. ``"goemotions-distress:distress"``).
    #[getter]
    fn rule(&self) -> &str {
        &self.0.rule
    }

    /// ``"rule"`` (a rule of a pack) or ``"learned"`` (an n-gram of a learned
    /// table; ``rule`` is then ``table:target``).
    #[getter]
    fn source(&self) -> &'static str {
        self.0.source.as_str()
    }

    /// What the match means: a dimension, a flag, a cue or an emotion name;
    /// for a learned n-gram also ``distress``, a strategy or a mechanism.
    #[getter]
    fn category(&self) -> &'static str {
        self.0.category.as_str()
    }

    /// ``"positive"``, ``"negative"`` or ``"neutral"``.
    #[getter]
    fn polarity(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        repr::name_of(py, &self.0.polarity)
    }

    /// Code-point offset of the start: ``text[start:end] == self.text``.
    #[getter]
    fn start(&self) -> usize {
        self.0.start
    }

    /// Code-point offset one past the end.
    #[getter]
    fn end(&self) -> usize {
        self.0.end
    }

    /// The matched text.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }

    /// What the match adds to the score logit (0 when cancelled); for
    /// customer messages, to its emotion's evidence; for a learned n-gram,
    /// its weight in the logit of its target.
    #[getter]
    fn contribution(&self) -> f64 {
        self.0.contribution
    }

    /// A negation (``not``, ``never``, ``n't``) cancelled the match.
    #[getter]
    fn negated(&self) -> bool {
        self.0.negated
    }

    /// An overlapping anti-pattern cancelled the match.
    #[getter]
    fn suppressed(&self) -> bool {
        self.0.suppressed
    }

    /// The match as plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let m = &self.0;
        let mut out = format!(
            "Match(rule={}, {}category={}, start={}, end={}, text={}, contribution={}",
            repr::s(py, &m.rule),
            if m.source == core::MatchSource::Learned {
                "source='learned', "
            } else {
                ""
            },
            repr::s(py, m.category.as_str()),
            m.start,
            m.end,
            repr::s(py, &m.text),
            repr::num(m.contribution)
        );
        if m.negated {
            out.push_str(", negated=True");
        }
        if m.suppressed {
            out.push_str(", suppressed=True");
        }
        out.push(')');
        out
    }
}

/// A suggestion for the agent, with a stable code.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct Tip(pub(crate) core::Tip);

#[pymethods]
impl Tip {
    /// Stable machine-readable code (``acknowledge_feelings``, …).
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code
    }

    /// The advice in plain words.
    #[getter]
    fn message(&self) -> &'static str {
        self.0.message
    }

    /// The tip as plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Tip(code={}, message={})",
            repr::s(py, self.0.code),
            repr::s(py, self.0.message)
        )
    }
}

/// A value 0–1 for each positive quality of a reply.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct Dimensions(pub(crate) core::Dimensions);

#[pymethods]
impl Dimensions {
    /// Naming or validating the customer's feeling or situation.
    #[getter]
    fn acknowledgment(&self) -> f64 {
        self.0.acknowledgment
    }
    /// A sincere apology.
    #[getter]
    fn apology(&self) -> f64 {
        self.0.apology
    }
    /// "I understand", "I can see why".
    #[getter]
    fn understanding(&self) -> f64 {
        self.0.understanding
    }
    /// Telling the customer what you heard.
    #[getter]
    fn restatement(&self) -> f64 {
        self.0.restatement
    }
    /// Concern for the person ("I'd feel the same").
    #[getter]
    fn care(&self) -> f64 {
        self.0.care
    }
    /// Taking the problem on ("I'll take care of it").
    #[getter]
    fn ownership(&self) -> f64 {
        self.0.ownership
    }
    /// Alternatives; the right kind of "no".
    #[getter]
    fn options(&self) -> f64 {
        self.0.options
    }
    /// Open questions about needs and preferences.
    #[getter]
    fn exploration(&self) -> f64 {
        self.0.exploration
    }
    /// Confirming the fix worked, checking back.
    #[getter]
    fn follow_up(&self) -> f64 {
        self.0.follow_up
    }
    /// Reassurance.
    #[getter]
    fn reassurance(&self) -> f64 {
        self.0.reassurance
    }
    /// Thanking the customer.
    #[getter]
    fn appreciation(&self) -> f64 {
        self.0.appreciation
    }
    /// Greeting, closing, courtesy.
    #[getter]
    fn warmth(&self) -> f64 {
        self.0.warmth
    }
    /// Speaking to this customer about their case.
    #[getter]
    fn personalization(&self) -> f64 {
        self.0.personalization
    }

    /// ``{dimension: value}`` for all thirteen dimensions, in report order.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        let values: Vec<String> = self
            .0
            .iter()
            .map(|(d, v)| format!("{}={}", d.as_str(), repr::num(v)))
            .collect();
        format!("Dimensions({})", values.join(", "))
    }
}

/// A value 0–1 for each emotion of a customer message.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct Emotions(pub(crate) core::Emotions);

#[pymethods]
impl Emotions {
    /// Anger.
    #[getter]
    fn anger(&self) -> f64 {
        self.0.anger
    }
    /// Frustration.
    #[getter]
    fn frustration(&self) -> f64 {
        self.0.frustration
    }
    /// Sadness.
    #[getter]
    fn sadness(&self) -> f64 {
        self.0.sadness
    }
    /// Anxiety, worry.
    #[getter]
    fn anxiety(&self) -> f64 {
        self.0.anxiety
    }
    /// Disappointment.
    #[getter]
    fn disappointment(&self) -> f64 {
        self.0.disappointment
    }
    /// Confusion.
    #[getter]
    fn confusion(&self) -> f64 {
        self.0.confusion
    }
    /// Urgency.
    #[getter]
    fn urgency(&self) -> f64 {
        self.0.urgency
    }
    /// Gratitude.
    #[getter]
    fn gratitude(&self) -> f64 {
        self.0.gratitude
    }

    /// ``{emotion: value}`` for all eight emotions.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        let values: Vec<String> = self
            .0
            .iter()
            .map(|(e, v)| format!("{}={}", e.as_str(), repr::num(v)))
            .collect();
        format!("Emotions({})", values.join(", "))
    }
}

/// EPITOME levels of a reply (Sharma et al., 2020): 0 none, 1 weak, 2 strong.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct Epitome(pub(crate) core::Epitome);

#[pymethods]
impl Epitome {
    /// Emotional reactions: warmth, compassion, concern.
    #[getter]
    fn emotional_reactions(&self) -> u8 {
        self.0.emotional_reactions
    }
    /// Interpretations: understanding of feelings and experiences.
    #[getter]
    fn interpretations(&self) -> u8 {
        self.0.interpretations
    }
    /// Explorations: probing what the person has not said.
    #[getter]
    fn explorations(&self) -> u8 {
        self.0.explorations
    }

    /// ``{mechanism: level}``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Epitome(emotional_reactions={}, interpretations={}, explorations={})",
            self.0.emotional_reactions, self.0.interpretations, self.0.explorations
        )
    }
}

/// The support strategy (ESConv taxonomy) of one sentence of a reply.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct SentenceStrategy(pub(crate) core::SentenceStrategy);

#[pymethods]
impl SentenceStrategy {
    /// Code-point offset of the sentence start.
    #[getter]
    fn start(&self) -> usize {
        self.0.start
    }
    /// Code-point offset one past the sentence end.
    #[getter]
    fn end(&self) -> usize {
        self.0.end
    }
    /// ``question``, ``restatement``, ``reflection_of_feelings``,
    /// ``self_disclosure``, ``affirmation_reassurance``, ``suggestion``,
    /// ``information`` or ``other``.
    #[getter]
    fn strategy(&self) -> &'static str {
        self.0.strategy.as_str()
    }

    /// The sentence strategy as plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SentenceStrategy(start={}, end={}, strategy={})",
            self.0.start,
            self.0.end,
            repr::s(py, self.0.strategy.as_str())
        )
    }
}

/// A piece of EPITOME evidence: a sentence and what it adds to a mechanism.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct Evidence(pub(crate) core::Evidence);

#[pymethods]
impl Evidence {
    /// The mechanism it supports (``emotional_reactions``,
    /// ``interpretations`` or ``explorations``).
    #[getter]
    fn mechanism(&self) -> &'static str {
        self.0.mechanism.as_str()
    }
    /// Code-point offset of the sentence start.
    #[getter]
    fn start(&self) -> usize {
        self.0.start
    }
    /// Code-point offset one past the sentence end.
    #[getter]
    fn end(&self) -> usize {
        self.0.end
    }
    /// What it adds to the mechanism's evidence (levels come from
    /// thresholds on the sum).
    #[getter]
    fn value(&self) -> f64 {
        self.0.value
    }
    /// A rule id, or a sentence feature (``question_to_person``,
    /// ``own_experience``, ``echoes_customer``, …).
    #[getter]
    fn source(&self) -> &str {
        &self.0.source
    }

    /// The evidence as plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Evidence(mechanism={}, start={}, end={}, value={}, source={})",
            repr::s(py, self.0.mechanism.as_str()),
            self.0.start,
            self.0.end,
            repr::num(self.0.value),
            repr::s(py, &self.0.source)
        )
    }
}

/// One additive term of a logit (a reply's score, a customer's distress).
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct ScoreTerm(pub(crate) core::ScoreTerm);

#[pymethods]
impl ScoreTerm {
    /// ``"bias"``, ``"match"``, ``"derived"`` or ``"context"``; in a
    /// customer's distress breakdown, ``"bias"``, ``"rules"`` or ``"learned"``.
    #[getter]
    fn source(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        repr::name_of(py, &self.0.source)
    }
    /// What the term is: a rule id, a flag name or a context name.
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }
    /// What it adds to the logit.
    #[getter]
    fn value(&self) -> f64 {
        self.0.value
    }
    /// The index in ``matches`` when ``source`` is ``"match"`` or ``"learned"``.
    #[getter]
    fn match_index(&self) -> Option<usize> {
        self.0.match_index
    }

    /// The term as plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let source = repr::name_of(py, &self.0.source)?;
        Ok(format!(
            "ScoreTerm(source={}, label={}, value={}, match_index={})",
            repr::s(py, &source.to_string()),
            repr::s(py, &self.0.label),
            repr::num(self.0.value),
            repr::opt_n(self.0.match_index)
        ))
    }
}

/// What the score of a reply knew about the customer message it answers.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct ReplyContext(pub(crate) core::ReplyContext);

#[pymethods]
impl ReplyContext {
    /// The customer's distress 0–1.
    #[getter]
    fn distress(&self) -> f64 {
        self.0.distress
    }
    /// The customer's distress level 0–3.
    #[getter]
    fn distress_level(&self) -> u8 {
        self.0.distress_level
    }
    /// The customer message holds a complaint (a negative emotion).
    #[getter]
    fn complaint(&self) -> bool {
        self.0.complaint
    }

    /// The context as plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "ReplyContext(distress={}, distress_level={}, complaint={})",
            repr::num(self.0.distress),
            self.0.distress_level,
            repr::b(self.0.complaint)
        )
    }
}
