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
    ///
    /// ```
    /// use empathize::Analyzer;
    /// let bad = "[[rules]]\nid = \"x\"\ncategory = \"nope\"\nweight = 1.0\npatterns = [\"hi\"]\n";
    /// let err = Analyzer::builder().extra_pack(bad).build().unwrap_err();
    /// assert_eq!(err.pack(), Some("extra pack #1"));
    /// let err = Analyzer::builder().extra_pack_named("team.toml", bad).build().unwrap_err();
    /// assert_eq!(err.pack(), Some("team.toml"));
    /// ```
    pub fn pack(&self) -> Option<&str> {
        self.pack.as_deref()
    }

    /// The id of the offending rule (or lexicon name), if the error is in one.
    ///
    /// ```
    /// let err = empathize::Analyzer::builder().disable("no.such_rule").build().unwrap_err();
    /// assert_eq!(err.rule(), Some("no.such_rule"));
    /// ```
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// The offending field (`patterns`, `category`, …), if known.
    ///
    /// ```
    /// let err = empathize::Analyzer::builder()
    ///     .pack("[[rules]]\nid = \"x\"\ncategory = \"apology\"\nweight = 1.0\npatterns = [\"(\"]\n")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.field(), Some("patterns"));
    /// ```
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The 1-based line in the TOML source, if known.
    ///
    /// ```
    /// let err = empathize::Analyzer::builder()
    ///     .pack("# a comment\n[[rules]]\nid = \"x\"\ncategory = \"bliss\"\nweight = 1.0\npatterns = [\"hi\"]\n")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.line(), Some(4));
    /// ```
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The description of the problem, without location (the `Display`
    /// form puts the location in front of it).
    ///
    /// ```
    /// let err = empathize::Analyzer::builder()
    ///     .pack_named("mine.toml", "[[rules]]\nid = \"x\"\ncategory = \"bliss\"\n")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(!err.message().contains("mine.toml"));
    /// assert!(err.to_string().starts_with("pack `mine.toml`"));
    /// assert!(err.to_string().ends_with(err.message()));
    /// ```
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
    /// The role string that was not recognised, as given.
    ///
    /// ```
    /// let err = "Moderator".parse::<empathize::Role>().unwrap_err();
    /// assert_eq!(err.role(), "Moderator");
    /// assert!(err.to_string().contains("`Moderator`"));
    /// ```
    pub fn role(&self) -> &str {
        &self.role
    }
}
