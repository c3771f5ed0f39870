//! Typed errors. Building an analyzer can fail; scoring text cannot.

use std::fmt;

/// A rule pack could not be parsed or compiled.
///
/// The error names, when they are known, the rule id, the field and the
/// 1-based line of the TOML source where the problem is.
///
/// ```
/// let err = empathize::Analyzer::builder()
///     .pack("[[rules]]\nid = \"x\"\ncategory = \"apology\"\nweight = 1.0\npatterns = [\"i am (so sorry\"]\n")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.rule(), Some("x"));
/// assert_eq!(err.field(), Some("patterns"));
/// assert_eq!(err.line(), Some(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulePackError {
    pack: Option<String>,
    rule: Option<String>,
    field: Option<String>,
    line: Option<usize>,
    message: String,
}

impl RulePackError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        RulePackError {
            pack: None,
            rule: None,
            field: None,
            line: None,
            message: message.into(),
        }
    }

    /// Names the rule, unless an inner, more precise location is known.
    pub(crate) fn with_rule(mut self, rule: impl Into<String>) -> Self {
        if self.rule.is_none() {
            self.rule = Some(rule.into());
        }
        self
    }

    pub(crate) fn with_field(mut self, field: impl Into<String>) -> Self {
        if self.field.is_none() {
            self.field = Some(field.into());
        }
        self
    }

    pub(crate) fn with_line(mut self, line: Option<usize>) -> Self {
        if self.line.is_none() {
            self.line = line;
        }
        self
    }

    pub(crate) fn with_pack(mut self, pack: impl Into<String>) -> Self {
        if self.pack.is_none() {
            self.pack = Some(pack.into());
        }
        self
    }

    /// The name of the pack (or `extra pack #n`) the error is in.
    pub fn pack(&self) -> Option<&str> {
        self.pack.as_deref()
    }

    /// The id of the offending rule (or lexicon name), if the error is in one.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// The offending field (`patterns`, `category`, …), if known.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The 1-based line in the TOML source, if known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The description of the problem, without location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RulePackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(pack) = &self.pack {
            parts.push(format!("pack `{pack}`"));
        }
        if let Some(rule) = &self.rule {
            parts.push(format!("rule `{rule}`"));
        }
        if let Some(field) = &self.field {
            parts.push(format!("field `{field}`"));
        }
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if parts.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", parts.join(", "), self.message)
        }
    }
}

impl std::error::Error for RulePackError {}

/// A conversation turn carried a role the analyzer does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{role}` (expected customer/user or agent/assistant/bot)")]
pub struct UnknownRoleError {
    pub(crate) role: String,
}

impl UnknownRoleError {
    /// The role string that was not recognised.
    pub fn role(&self) -> &str {
        &self.role
    }
}
