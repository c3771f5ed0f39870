//! Report classes: frozen wrappers around the Rust reports.
//!
//! A report object holds the Rust report (offsets already in code points)
//! behind an `Arc` and converts a field only when it is read, so a batch of
//! N texts creates N small objects. Reading `report.matches` twice builds
//! two lists of the same matches.

use std::sync::Arc;

use empathize as core;
use pyo3::prelude::*;

use crate::conversation::Analyzed;
use crate::parts::{
    Dimensions, Emotions, Epitome, Evidence, Match, ReplyContext, ScoreTerm, SentenceStrategy, Tip,
};
use crate::repr;

/// Where a message or customer report lives: on its own (with the text it
/// was computed on, for rendering), or inside a conversation report (so turn
/// reports are not copied).
pub(crate) enum Shared<T> {
    Own(Arc<T>, Arc<str>),
    Turn(Arc<Analyzed>, usize),
}

/// Reports found inside a conversation turn.
pub(crate) trait InTurn: Sized {
    fn in_turn(turn: &core::TurnReport) -> Option<&Self>;
}

impl InTurn for core::MessageReport {
    fn in_turn(turn: &core::TurnReport) -> Option<&Self> {
        turn.reply.as_ref()
    }
}

impl InTurn for core::CustomerReport {
    fn in_turn(turn: &core::TurnReport) -> Option<&Self> {
        turn.customer.as_ref()
    }
}

impl<T: InTurn> Shared<T> {
    /// The text the report was computed on.
    pub(crate) fn text(&self) -> &str {
        match self {
            Shared::Own(_, text) => text,
            Shared::Turn(conversation, i) => conversation.texts.get(*i).map_or("", String::as_str),
        }
    }

    pub(crate) fn get(&self) -> &T {
        match self {
            Shared::Own(report, _) => report,
            Shared::Turn(conversation, i) => conversation
                .turns
                .get(*i)
                .and_then(T::in_turn)
                // Only built by `TurnReport` for a turn that has this report.
                .expect("turn report holds the report it was built for"),
        }
    }
}

impl<T: InTurn + PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// The report on one agent reply.
///
/// ``score`` (0–100) is ``100 * sigmoid(sum of breakdown values)``: every
/// point is explained by ``breakdown`` and ``matches``. Offsets are code
/// points: ``text[m.start:m.end] == m.text`` for every match.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct MessageReport {
    pub(crate) inner: Shared<core::MessageReport>,
}

impl MessageReport {
    pub(crate) fn new(report: core::MessageReport, text: impl Into<Arc<str>>) -> Self {
        MessageReport {
            inner: Shared::Own(Arc::new(report), text.into()),
        }
    }
}

#[pymethods]
impl MessageReport {
    /// 0–100: ``100 * sigmoid(logit)``, the logit being the sum of ``breakdown``.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.get().score
    }

    /// The score logit: the sum of the ``breakdown`` values.
    #[getter]
    fn logit(&self) -> f64 {
        self.inner.get().logit()
    }

    /// A value 0–1 for each positive quality of the reply.
    #[getter]
    fn dimensions(&self) -> Dimensions {
        Dimensions(self.inner.get().dimensions)
    }

    /// Anti-patterns found (``policy_wall``, ``hollow``, …), in order of first appearance.
    #[getter]
    fn flags(&self) -> Vec<&'static str> {
        self.inner.get().flags.iter().map(|f| f.as_str()).collect()
    }

    /// EPITOME levels (0 none, 1 weak, 2 strong) of the three mechanisms.
    #[getter]
    fn epitome(&self) -> Epitome {
        Epitome(self.inner.get().epitome)
    }

    /// The evidence behind the EPITOME levels, per sentence.
    #[getter]
    fn evidence(&self) -> Vec<Evidence> {
        self.inner
            .get()
            .evidence
            .iter()
            .map(|e| Evidence(e.clone()))
            .collect()
    }

    /// The support strategy of each sentence.
    #[getter]
    fn strategies(&self) -> Vec<SentenceStrategy> {
        self.inner
            .get()
            .strategies
            .iter()
            .map(|s| SentenceStrategy(s.clone()))
            .collect()
    }

    /// Every rule hit, and each learned n-gram of a pack with reply tables, in text order.
    #[getter]
    fn matches(&self) -> Vec<Match> {
        self.inner
            .get()
            .matches
            .iter()
            .map(|m| Match(m.clone()))
            .collect()
    }

    /// The additive terms of the score logit.
    #[getter]
    fn breakdown(&self) -> Vec<ScoreTerm> {
        self.inner
            .get()
            .breakdown
            .iter()
            .map(|t| ScoreTerm(t.clone()))
            .collect()
    }

    /// What is missing, in plain words, each with a stable code.
    #[getter]
    fn tips(&self) -> Vec<Tip> {
        self.inner
            .get()
            .tips
            .iter()
            .map(|t| Tip(t.clone()))
            .collect()
    }

    /// What the score knew about the customer message, if one was given.
    #[getter]
    fn context(&self) -> Option<ReplyContext> {
        self.inner.get().context.map(ReplyContext)
    }

    /// Whether the report carries the flag ``name`` (e.g. ``"policy_wall"``).
    fn has_flag(&self, name: &str) -> bool {
        self.inner.get().flags.iter().any(|f| f.as_str() == name)
    }

    /// Whether the report carries the tip with this ``code``.
    fn has_tip(&self, code: &str) -> bool {
        self.inner.get().has_tip(code)
    }

    /// The report as plain JSON-ready data, with the Rust serde field names.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, self.inner.get())
    }

    /// The reply as HTML (highlighted matches, score, flags, tips), for notebooks.
    fn _repr_html_(&self) -> String {
        core::html::fragment(&format!(
            "<div class=\"report\">{}</div>",
            core::html::reply(self.inner.text(), self.inner.get(), core::OffsetUnit::Char)
        ))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let r = self.inner.get();
        let e = r.epitome;
        format!(
            "MessageReport(score={}, flags={}, dimensions={}, epitome=({}, {}, {}), tips={}, matches={})",
            repr::num(r.score),
            repr::list(py, r.flags.iter().map(|f| f.as_str())),
            repr::nonzero(py, r.dimensions.iter().map(|(d, v)| (d.as_str(), v))),
            e.emotional_reactions,
            e.interpretations,
            e.explorations,
            repr::list(py, r.tips.iter().map(|t| t.code)),
            r.matches.len()
        )
    }
}

/// The report on one customer message: distress, emotions, escalation.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct CustomerReport {
    pub(crate) inner: Shared<core::CustomerReport>,
}

impl CustomerReport {
    pub(crate) fn new(report: core::CustomerReport, text: impl Into<Arc<str>>) -> Self {
        CustomerReport {
            inner: Shared::Own(Arc::new(report), text.into()),
        }
    }
}

#[pymethods]
impl CustomerReport {
    /// 0–1: how upset the customer is.
    #[getter]
    fn distress(&self) -> f64 {
        self.inner.get().distress
    }

    /// 0 calm, 1 mild, 2 upset, 3 very upset.
    #[getter]
    fn distress_level(&self) -> u8 {
        self.inner.get().distress_level
    }

    /// A value 0–1 per emotion.
    #[getter]
    fn emotions(&self) -> Emotions {
        Emotions(self.inner.get().emotions)
    }

    /// The customer threatens to escalate (manager, cancel, lawyer, review).
    #[getter]
    fn escalation(&self) -> bool {
        self.inner.get().escalation
    }

    /// The customer has to repeat themselves ("I already told you").
    #[getter]
    fn repetition(&self) -> bool {
        self.inner.get().repetition
    }

    /// Capitals or stacked exclamation marks.
    #[getter]
    fn emphasis(&self) -> bool {
        self.inner.get().emphasis
    }

    /// Whether any negative emotion is present (a complaint).
    #[getter]
    fn complaint(&self) -> bool {
        self.inner.get().complaint()
    }

    /// Every rule hit and learned n-gram, in text order.
    #[getter]
    fn matches(&self) -> Vec<Match> {
        self.inner
            .get()
            .matches
            .iter()
            .map(|m| Match(m.clone()))
            .collect()
    }

    /// The terms of the distress logit when the pack has a learned distress
    /// table (``distress == sigmoid(sum of values)`` unless a strong rule hit
    /// says more); empty otherwise.
    #[getter]
    fn breakdown(&self) -> Vec<ScoreTerm> {
        self.inner
            .get()
            .breakdown
            .iter()
            .map(|t| ScoreTerm(t.clone()))
            .collect()
    }

    /// The report as plain JSON-ready data, with the Rust serde field names.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, self.inner.get())
    }

    /// The message as HTML (highlighted cues, distress, emotions), for notebooks.
    fn _repr_html_(&self) -> String {
        core::html::fragment(&format!(
            "<div class=\"report customer\">{}</div>",
            core::html::customer(self.inner.text(), self.inner.get(), core::OffsetUnit::Char)
        ))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let r = self.inner.get();
        format!(
            "CustomerReport(distress={}, distress_level={}, emotions={}, escalation={}, repetition={}, matches={})",
            repr::num(r.distress),
            r.distress_level,
            repr::nonzero(py, r.emotions.iter().map(|(e, v)| (e.as_str(), v))),
            repr::b(r.escalation),
            repr::b(r.repetition),
            r.matches.len()
        )
    }
}
