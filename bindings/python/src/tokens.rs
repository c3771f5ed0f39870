//! Tokens and rule descriptions.

use empathize as core;
use pyo3::prelude::*;
use pyo3::types::PyString;
use serde::Serialize;

use crate::repr;

/// A token with owned text (the Rust token borrows the input), offsets in
/// code points. Same fields and serde names as `empathize::Token`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct OwnedToken {
    text: String,
    start: usize,
    end: usize,
    kind: core::TokenKind,
    norm: String,
    sentence: usize,
    caps: bool,
    elongated: bool,
    emphatic: bool,
    negated: bool,
}

impl From<core::Token<'_>> for OwnedToken {
    fn from(t: core::Token<'_>) -> Self {
        OwnedToken {
            text: t.text.to_string(),
            start: t.start,
            end: t.end,
            kind: t.kind,
            norm: t.norm.into_owned(),
            sentence: t.sentence,
            caps: t.caps,
            elongated: t.elongated,
            emphatic: t.emphatic,
            negated: t.negated,
        }
    }
}

/// A token of the input: its text, code-point offsets, kind, normalized form,
/// sentence index, and shape (capitals, elongation, emphasis, negation).
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct Token(pub(crate) OwnedToken);

#[pymethods]
impl Token {
    /// The token as it appears in the input: ``text[start:end]``.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }
    /// Code-point offset of the first character.
    #[getter]
    fn start(&self) -> usize {
        self.0.start
    }
    /// Code-point offset one past the last character.
    #[getter]
    fn end(&self) -> usize {
        self.0.end
    }
    /// ``word``, ``number``, ``punct``, ``emoji``, ``emoticon``, ``url``,
    /// ``email``, ``mention``, ``hashtag`` or ``symbol``.
    #[getter]
    fn kind(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        repr::name_of(py, &self.0.kind)
    }
    /// Normalized form used for matching (``"I’m"`` → ``"i am"``).
    #[getter]
    fn norm(&self) -> &str {
        &self.0.norm
    }
    /// Index of the sentence holding the token (0-based).
    #[getter]
    fn sentence(&self) -> usize {
        self.0.sentence
    }
    /// Written in capitals (two letters or more).
    #[getter]
    fn caps(&self) -> bool {
        self.0.caps
    }
    /// A letter repeated three times or more (``soooo``).
    #[getter]
    fn elongated(&self) -> bool {
        self.0.elongated
    }
    /// Emphatic punctuation (``!!``, ``?!``).
    #[getter]
    fn emphatic(&self) -> bool {
        self.0.emphatic
    }
    /// Inside the scope of a negation.
    #[getter]
    fn negated(&self) -> bool {
        self.0.negated
    }

    /// The token as plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let t = &self.0;
        let mut out = format!(
            "Token(text={}, start={}, end={}, kind={}, norm={}, sentence={}",
            repr::s(py, &t.text),
            t.start,
            t.end,
            repr::s(py, &repr::name_of(py, &t.kind)?.to_string()),
            repr::s(py, &t.norm),
            t.sentence
        );
        for (name, on) in [
            ("caps", t.caps),
            ("elongated", t.elongated),
            ("emphatic", t.emphatic),
            ("negated", t.negated),
        ] {
            if on {
                out.push_str(&format!(", {name}=True"));
            }
        }
        out.push(')');
        Ok(out)
    }
}

/// A rule of the active packs.
#[pyclass(frozen, eq, module = "empathize")]
#[derive(PartialEq)]
pub struct RuleInfo(pub(crate) core::RuleInfo);

#[pymethods]
impl RuleInfo {
    /// The rule id.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// Its category (a dimension, flag, cue or emotion name, ``escalation``, ``repetition``).
    #[getter]
    fn category(&self) -> &'static str {
        self.0.category.as_str()
    }
    /// Its weight.
    #[getter]
    fn weight(&self) -> f64 {
        self.0.weight
    }
    /// Its patterns as written.
    #[getter]
    fn patterns(&self) -> Vec<String> {
        self.0.patterns.clone()
    }
    /// The EPITOME evidence it gives, ``(mechanism, level)``, if any.
    #[getter]
    fn epitome(&self) -> Option<(&'static str, u8)> {
        self.0.epitome.map(|(m, level)| (m.as_str(), level))
    }
    /// The support strategy it signals, if any.
    #[getter]
    fn strategy(&self) -> Option<&'static str> {
        self.0.strategy.map(|s| s.as_str())
    }
    /// Its description.
    #[getter]
    fn description(&self) -> &str {
        &self.0.description
    }
    /// The pack it comes from.
    #[getter]
    fn pack(&self) -> &str {
        &self.0.pack
    }
    /// The 1-based line of its ``id`` in that pack, if known.
    #[getter]
    fn line(&self) -> Option<usize> {
        self.0.line
    }

    /// The rule as plain JSON-ready data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        repr::to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "RuleInfo(id={}, category={}, weight={}, pack={}, line={})",
            repr::s(py, &self.0.id),
            repr::s(py, self.0.category.as_str()),
            repr::num(self.0.weight),
            repr::s(py, &self.0.pack),
            repr::opt_n(self.0.line)
        )
    }
}
