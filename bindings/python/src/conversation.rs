//! Conversations: Python turns to Rust turns, and the report classes.

use std::collections::BTreeMap;
use std::sync::Arc;

use empathize as core;
use empathize::OffsetUnit;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping, PyString, PyTuple};

use crate::input;
use crate::parts::{ScoreTerm, Tip};
use crate::reports::{CustomerReport, MessageReport, Shared};
use crate::repr;

/// Reads one optional string field of a turn (`agent_id`, `timestamp`):
/// `None` stays `None`, a `str` is taken as is, anything else as `str(x)`
/// (ids are often ints, timestamps often `datetime`).
fn loose_text(
    value: Option<Bound<'_, PyAny>>,
    what: &dyn Fn() -> String,
) -> PyResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) if v.is_instance_of::<PyString>() => Ok(Some(input::text(&v, what)?.into_owned())),
        Some(v) => {
            let s = v.str()?;
            Ok(Some(input::text(s.as_any(), what)?.into_owned()))
        }
    }
}

fn role(value: &Bound<'_, PyAny>, i: usize) -> PyResult<core::Role> {
    let name = input::text(value, &|| format!("turns[{i}] role"))?;
    name.parse::<core::Role>()
        .map_err(|e| PyValueError::new_err(format!("turns[{i}]: {e}")))
}

/// One turn from a mapping `{role, text, agent_id?, timestamp?}` (other keys
/// are ignored) or a `(role, text)` pair.
fn turn(item: &Bound<'_, PyAny>, i: usize) -> PyResult<core::Turn> {
    let text_of = |v: &Bound<'_, PyAny>| -> PyResult<String> {
        Ok(input::text(v, &|| format!("turns[{i}] text"))?.into_owned())
    };
    if item.is_instance_of::<PyTuple>() || item.is_instance_of::<PyList>() {
        let len = item.len()?;
        if len != 2 {
            return Err(PyValueError::new_err(format!(
                "turns[{i}] must be a (role, text) pair, got {len} items"
            )));
        }
        return Ok(core::Turn {
            role: role(&item.get_item(0)?, i)?,
            text: text_of(&item.get_item(1)?)?,
            agent_id: None,
            timestamp: None,
        });
    }
    let is_mapping = item.is_instance_of::<PyDict>() || item.cast::<PyMapping>().is_ok();
    if !is_mapping {
        return Err(PyTypeError::new_err(format!(
            "turns[{i}] must be a dict {{'role', 'text', 'agent_id'?, 'timestamp'?}} \
             or a (role, text) tuple, not {}",
            input::type_name(item)
        )));
    }
    let get = |key: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        if item.contains(key)? {
            Ok(Some(item.get_item(key)?))
        } else {
            Ok(None)
        }
    };
    let required = |key: &str| -> PyResult<Bound<'_, PyAny>> {
        get(key)?.ok_or_else(|| PyValueError::new_err(format!("turns[{i}] has no '{key}'")))
    };
    Ok(core::Turn {
        role: role(&required("role")?, i)?,
        text: text_of(&required("text")?)?,
        agent_id: loose_text(get("agent_id")?, &|| format!("turns[{i}] agent_id"))?,
        timestamp: loose_text(get("timestamp")?, &|| format!("turns[{i}] timestamp"))?,
    })
}

/// Reads the turns of a conversation from any iterable.
pub(crate) fn turns(obj: &Bound<'_, PyAny>) -> PyResult<Vec<core::Turn>> {
    let (iter, hint) = input::iterate(obj, "turns", "turns (dicts or (role, text) tuples)")?;
    let mut out = Vec::with_capacity(hint);
    for (i, item) in iter.try_iter()?.enumerate() {
        out.push(turn(&item?, i)?);
    }
    Ok(out)
}

/// A conversation report (spans in code points) with the turns' texts, for
/// rendering.
#[derive(PartialEq)]
pub(crate) struct Analyzed {
    pub(crate) report: core::ConversationReport,
    pub(crate) texts: Vec<String>,
}

impl std::ops::Deref for Analyzed {
    type Target = core::ConversationReport;

    fn deref(&self) -> &core::ConversationReport {
        &self.report
    }
}

/// Analyzes a conversation and rewrites every span as code points, turn by turn.
pub(crate) fn analyze(analyzer: &core::Analyzer, turns: Vec<core::Turn>) -> Analyzed {
    let mut report = analyzer.analyze_conversation(&turns);
    report.turns_to_unit(&turns, OffsetUnit::Char);
    Analyzed {
        report,
        texts: turns.into_iter().map(|t| t.text).collect(),
    }
}

/// The report on a whole conversation: every turn's report, late empathy,
/// missed opportunities, scripted repetition, question streaks, resolution,
/// per-agent summaries and an overall score.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct ConversationReport(pub(crate) Arc<Analyzed>);

#[pymethods]
impl ConversationReport {
    /// 0–100: mean reply score adjusted by the conversation terms in ``breakdown``.
    #[getter]
    fn score(&self) -> f64 {
        self.0.score
    }
    /// The terms of the conversation score.
    #[getter]
    fn breakdown(&self) -> Vec<ScoreTerm> {
        self.0
            .breakdown
            .iter()
            .map(|t| ScoreTerm(t.clone()))
            .collect()
    }
    /// Every turn's report, in order.
    #[getter]
    fn turns(&self) -> Vec<TurnReport> {
        (0..self.0.turns.len())
            .map(|i| TurnReport(self.0.clone(), i))
            .collect()
    }
    /// The first customer turn showing distress (``None`` = none).
    #[getter]
    fn first_distress_turn(&self) -> Option<usize> {
        self.0.first_distress_turn
    }
    /// The customer turn with the highest distress.
    #[getter]
    fn peak_distress_turn(&self) -> Option<usize> {
        self.0.peak_distress_turn
    }
    /// The first agent turn showing empathy (after the first distress, if any).
    #[getter]
    fn first_empathy_turn(&self) -> Option<usize> {
        self.0.first_empathy_turn
    }
    /// Turns between the first distress and the first empathy.
    #[getter]
    fn empathy_latency(&self) -> Option<usize> {
        self.0.empathy_latency
    }
    /// Empathy came only once distress had been ignored and had peaked.
    #[getter]
    fn late_empathy(&self) -> bool {
        self.0.late_empathy
    }
    /// Distressed customer turns whose next agent turn acknowledged nothing.
    #[getter]
    fn missed_opportunities(&self) -> Vec<MissedOpportunity> {
        self.0
            .missed_opportunities
            .iter()
            .map(|m| MissedOpportunity(*m))
            .collect()
    }
    /// Agent phrases reused across turns.
    #[getter]
    fn scripted_repetition(&self) -> Vec<Repetition> {
        self.0
            .scripted_repetition
            .iter()
            .map(|r| Repetition(r.clone()))
            .collect()
    }
    /// Longest run of agent turns that only ask questions.
    #[getter]
    fn question_streak(&self) -> usize {
        self.0.question_streak
    }
    /// The agent checked that the resolution worked.
    #[getter]
    fn resolution_confirmed(&self) -> bool {
        self.0.resolution_confirmed
    }
    /// What to do better, each with a stable code.
    #[getter]
    fn tips(&self) -> Vec<Tip> {
        self.0.tips.iter().map(|t| Tip(t.clone())).collect()
    }
    /// Per-agent summaries, for turns that carry an ``agent_id``.
    #[getter]
    fn agents(&self) -> Vec<AgentSummary> {
        self.0
            .agents
            .iter()
            .map(|a| AgentSummary(a.clone()))
            .collect()
    }

    /// The report as plain JSON-ready data, with the Rust serde field names.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0.report)
    }

    /// The conversation as HTML (every turn highlighted, with its report),
    /// for notebooks.
    fn _repr_html_(&self) -> String {
        core::html::fragment(&core::html::conversation(
            &self.0.texts,
            &self.0.report,
            OffsetUnit::Char,
            None,
            true,
        ))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let r = &self.0;
        let missed: Vec<String> = r
            .missed_opportunities
            .iter()
            .map(|m| m.customer_turn.to_string())
            .collect();
        format!(
            "ConversationReport(score={}, turns={}, late_empathy={}, missed_opportunities=[{}], \
             scripted_repetition={}, question_streak={}, resolution_confirmed={}, tips={})",
            repr::num(r.score),
            r.turns.len(),
            repr::b(r.late_empathy),
            missed.join(", "),
            repr::list(py, r.scripted_repetition.iter().map(|p| p.phrase.as_str())),
            r.question_streak,
            repr::b(r.resolution_confirmed),
            repr::list(py, r.tips.iter().map(|t| t.code))
        )
    }
}

/// The report on one turn: ``customer`` for customer turns, ``reply`` for
/// agent turns (scored against the customer's latest words).
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct TurnReport(Arc<Analyzed>, usize);

impl TurnReport {
    fn get(&self) -> &core::TurnReport {
        &self.0.turns[self.1]
    }
}

#[pymethods]
impl TurnReport {
    /// Index of the turn in the conversation.
    #[getter]
    fn index(&self) -> usize {
        self.get().index
    }
    /// ``"customer"`` or ``"agent"`` (aliases such as ``user``/``bot`` are normalized).
    #[getter]
    fn role(&self) -> &'static str {
        self.get().role.as_str()
    }
    /// The agent id, for agent turns that carry one.
    #[getter]
    fn agent_id(&self) -> Option<&str> {
        self.get().agent_id.as_deref()
    }
    /// The customer report, for customer turns.
    #[getter]
    fn customer(&self) -> Option<CustomerReport> {
        self.get().customer.as_ref().map(|_| CustomerReport {
            inner: Shared::Turn(self.0.clone(), self.1),
        })
    }
    /// The reply report, for agent turns.
    #[getter]
    fn reply(&self) -> Option<MessageReport> {
        self.get().reply.as_ref().map(|_| MessageReport {
            inner: Shared::Turn(self.0.clone(), self.1),
        })
    }

    /// The turn report as plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, self.get())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let t = self.get();
        let detail = match (&t.customer, &t.reply) {
            (Some(c), _) => format!("distress_level={}", c.distress_level),
            (_, Some(r)) => format!(
                "score={}, flags={}",
                repr::num(r.score),
                repr::list(py, r.flags.iter().map(|f| f.as_str()))
            ),
            _ => String::new(),
        };
        format!(
            "TurnReport(index={}, role={}, agent_id={}, {detail})",
            t.index,
            repr::s(py, t.role.as_str()),
            repr::opt_s(py, t.agent_id.as_deref())
        )
    }
}

/// A distressed customer turn that the next agent turn did not acknowledge.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct MissedOpportunity(core::MissedOpportunity);

#[pymethods]
impl MissedOpportunity {
    /// The customer turn.
    #[getter]
    fn customer_turn(&self) -> usize {
        self.0.customer_turn
    }
    /// The agent turn that answered it without acknowledgment.
    #[getter]
    fn agent_turn(&self) -> usize {
        self.0.agent_turn
    }
    /// The customer's distress level then (0–3).
    #[getter]
    fn distress_level(&self) -> u8 {
        self.0.distress_level
    }

    /// As plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "MissedOpportunity(customer_turn={}, agent_turn={}, distress_level={})",
            self.0.customer_turn, self.0.agent_turn, self.0.distress_level
        )
    }
}

/// An agent phrase reused across turns.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct Repetition(core::Repetition);

#[pymethods]
impl Repetition {
    /// The phrase, normalized (lower case, contractions expanded, no punctuation).
    #[getter]
    fn phrase(&self) -> &str {
        &self.0.phrase
    }
    /// In how many agent turns it appears.
    #[getter]
    fn count(&self) -> usize {
        self.0.count
    }
    /// The turns it appears in.
    #[getter]
    fn turns(&self) -> Vec<usize> {
        self.0.turns.clone()
    }

    /// As plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Repetition(phrase={}, count={}, turns={:?})",
            repr::s(py, &self.0.phrase),
            self.0.count,
            self.0.turns
        )
    }
}

/// One agent's summary across a conversation.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct AgentSummary(core::AgentSummary);

#[pymethods]
impl AgentSummary {
    /// The agent id.
    #[getter]
    fn agent_id(&self) -> &str {
        &self.0.agent_id
    }
    /// Number of turns.
    #[getter]
    fn turns(&self) -> usize {
        self.0.turns
    }
    /// Mean reply score.
    #[getter]
    fn mean_score(&self) -> f64 {
        self.0.mean_score
    }
    /// Turns that showed empathy.
    #[getter]
    fn empathic_turns(&self) -> usize {
        self.0.empathic_turns
    }
    /// Missed opportunities on this agent's turns.
    #[getter]
    fn missed_opportunities(&self) -> usize {
        self.0.missed_opportunities
    }
    /// How often each flag was raised: ``{flag: count}``.
    #[getter]
    fn flags(&self) -> BTreeMap<&'static str, usize> {
        self.0.flags.iter().map(|(f, n)| (f.as_str(), *n)).collect()
    }

    /// As plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "AgentSummary(agent_id={}, turns={}, mean_score={}, empathic_turns={}, missed_opportunities={})",
            repr::s(py, &self.0.agent_id),
            self.0.turns,
            repr::num(self.0.mean_score),
            self.0.empathic_turns,
            self.0.missed_opportunities
        )
    }
}
