//! The one rule type: read from a pack, compiled, and listed by
//! [`Analyzer::rules`](crate::Analyzer::rules) as it is.

use serde::Serialize;
use toml::Spanned;

use crate::error::RulePackError;
use crate::report::{Category, Mechanism, Strategy};
use crate::rules::pack::Lines;

/// A rule of the active packs, as `empathize rules list` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Its public name (`RuleInfo`) is the name serializers and the bindings'
// generated types see.
#[serde(rename = "RuleInfo")]
#[non_exhaustive]
pub struct Rule {
    /// The rule id.
    pub id: String,
    /// Its category.
    pub category: Category,
    /// Its weight.
    pub weight: f64,
    /// Its patterns as written.
    pub patterns: Vec<String>,
    /// The EPITOME evidence it gives, if any.
    pub epitome: Option<(Mechanism, u8)>,
    /// The strategy it signals, if any.
    pub strategy: Option<Strategy>,
    /// Its description.
    pub description: String,
    /// The pack it comes from.
    pub pack: String,
    /// The line of its `id` in that pack.
    pub line: Option<usize>,
    /// When a hit counts.
    #[serde(skip)]
    pub(crate) conditions: Conditions,
    /// The line of each pattern, for errors found when it is compiled.
    #[serde(skip)]
    pub(crate) pattern_lines: Vec<Option<usize>>,
}

/// What must hold for a hit of a rule to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Conditions {
    /// A hit inside a negation scope earns nothing.
    pub negatable: bool,
    pub context: Context,
    pub position: Position,
    pub sentence: SentenceKind,
    /// The message has at most this many words (0: any length).
    pub max_tokens: usize,
    /// A hit in the writer's own story (after a first-person subject, in a
    /// sentence that does not address the person) counts.
    pub own_story: bool,
    /// Every hit of the rule hides the learned n-grams that touch its span
    /// (customer rules only; the hit's own conditions do not apply).
    pub mask_learned: bool,
    /// A hit does not count when the message also has a hit of this
    /// category: a refusal that offers an alternative is no policy wall.
    pub unless: Option<Category>,
}

/// The customer context a rule needs in order to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    Any,
    Distress,
    Complaint,
    Calm,
}

/// Where in a sentence a rule must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Any,
    SentenceStart,
    MessageStart,
}

/// The kind of sentence a rule must match in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SentenceKind {
    Any,
    Question,
    Statement,
}

/// A rule as a pack writes it: TOML values with their spans, checked by
/// [`parse_rule`].
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleToml {
    id: Spanned<String>,
    category: Spanned<String>,
    weight: Spanned<f64>,
    patterns: Spanned<Vec<Spanned<String>>>,
    #[serde(default = "yes")]
    negatable: bool,
    context: Option<Spanned<String>>,
    position: Option<Spanned<String>>,
    sentence: Option<Spanned<String>>,
    #[serde(default)]
    max_tokens: usize,
    #[serde(default = "yes")]
    own_story: bool,
    mask_learned: Option<Spanned<bool>>,
    unless: Option<Spanned<String>>,
    epitome: Option<Spanned<String>>,
    strategy: Option<Spanned<String>>,
    description: Option<String>,
}

fn yes() -> bool {
    true
}

/// Largest weight, either sign.
const MAX_WEIGHT: f64 = 100.0;

/// Checks a weight: finite and at most [`MAX_WEIGHT`] either way.
pub(crate) fn check_weight(w: f64) -> Result<f64, RulePackError> {
    if w.is_finite() && w.abs() <= MAX_WEIGHT {
        Ok(w)
    } else {
        Err(RulePackError::new(format!(
            "weight {w} must be a finite number between -{MAX_WEIGHT} and {MAX_WEIGHT}"
        )))
    }
}

/// Errors about the fields of one rule, located by rule id and line.
struct Fields<'a> {
    id: &'a str,
    lines: &'a Lines,
}

impl Fields<'_> {
    fn error<T>(&self, field: &str, at: &Spanned<T>, message: impl Into<String>) -> RulePackError {
        RulePackError::new(message)
            .with_rule(self.id)
            .with_field(field)
            .with_line(self.lines.of(at))
    }

    /// The value of an optional field that names one of `options`.
    fn choice<T: Copy>(
        &self,
        field: &str,
        value: &Option<Spanned<String>>,
        options: &[(&str, T)],
    ) -> Result<T, RulePackError> {
        let Some(value) = value else {
            return Ok(options[0].1);
        };
        options
            .iter()
            .find(|(name, _)| *name == value.get_ref())
            .map(|&(_, option)| option)
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
                self.error(
                    field,
                    value,
                    format!("`{}` is not one of: {}", value.get_ref(), names.join(", ")),
                )
            })
    }
}

/// Checks a rule as written and makes it a [`Rule`] of `pack`.
pub(crate) fn parse_rule(toml: RuleToml, lines: &Lines, pack: &str) -> Result<Rule, RulePackError> {
    let fields = Fields {
        id: toml.id.get_ref(),
        lines,
    };
    check_id(&fields, &toml.id)?;
    let category = parse_category(&fields, &toml.category)?;
    let weight = check_weight(*toml.weight.get_ref())
        .map_err(|e| fields.error("weight", &toml.weight, e.message()))?;
    let (patterns, pattern_lines) = parse_patterns(&fields, &toml.patterns)?;
    let conditions = parse_conditions(&fields, &toml)?;
    let epitome = parse_epitome(&fields, &toml.epitome)?;
    let strategy = parse_strategy(&fields, &toml.strategy)?;
    if category.is_customer() && (epitome.is_some() || strategy.is_some()) {
        return Err(fields.error(
            "category",
            &toml.category,
            "customer categories take no `epitome` or `strategy`",
        ));
    }
    if let Some(mask) = toml.mask_learned.as_ref().filter(|m| *m.get_ref()) {
        if !category.is_customer() {
            return Err(fields.error(
                "mask_learned",
                mask,
                "`mask_learned` hides the n-grams of the customer tables: only customer categories take it",
            ));
        }
    }
    Ok(Rule {
        line: lines.of(&toml.id),
        id: toml.id.into_inner(),
        category,
        weight,
        patterns,
        epitome,
        strategy,
        description: toml.description.unwrap_or_default(),
        pack: pack.to_string(),
        conditions,
        pattern_lines,
    })
}

fn check_id(fields: &Fields<'_>, id: &Spanned<String>) -> Result<(), RulePackError> {
    let id_ok = !id.get_ref().is_empty()
        && id.get_ref().len() <= 128
        && id
            .get_ref()
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if id_ok {
        Ok(())
    } else {
        Err(fields.error(
            "id",
            id,
            "ids use lower-case letters, digits, `_`, `.` and `-` (at most 128)",
        ))
    }
}

fn parse_category(
    fields: &Fields<'_>,
    category: &Spanned<String>,
) -> Result<Category, RulePackError> {
    Category::from_name(category.get_ref()).ok_or_else(|| {
        fields.error(
            "category",
            category,
            format!(
                "unknown category `{}`; expected one of: {}",
                category.get_ref(),
                Category::all_names().collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// The patterns as written, and the line of each.
fn parse_patterns(
    fields: &Fields<'_>,
    patterns: &Spanned<Vec<Spanned<String>>>,
) -> Result<(Vec<String>, Vec<Option<usize>>), RulePackError> {
    if patterns.get_ref().is_empty() {
        return Err(fields.error("patterns", patterns, "a rule needs at least one pattern"));
    }
    Ok(patterns
        .get_ref()
        .iter()
        .map(|p| (p.get_ref().clone(), fields.lines.of(p)))
        .unzip())
}

fn parse_conditions(fields: &Fields<'_>, toml: &RuleToml) -> Result<Conditions, RulePackError> {
    Ok(Conditions {
        negatable: toml.negatable,
        context: fields.choice(
            "context",
            &toml.context,
            &[
                ("any", Context::Any),
                ("distress", Context::Distress),
                ("complaint", Context::Complaint),
                ("calm", Context::Calm),
            ],
        )?,
        position: fields.choice(
            "position",
            &toml.position,
            &[
                ("any", Position::Any),
                ("sentence_start", Position::SentenceStart),
                ("message_start", Position::MessageStart),
            ],
        )?,
        sentence: fields.choice(
            "sentence",
            &toml.sentence,
            &[
                ("any", SentenceKind::Any),
                ("question", SentenceKind::Question),
                ("statement", SentenceKind::Statement),
            ],
        )?,
        max_tokens: toml.max_tokens,
        own_story: toml.own_story,
        mask_learned: toml.mask_learned.as_ref().is_some_and(|m| *m.get_ref()),
        unless: parse_unless(fields, toml)?,
    })
}

/// The category whose presence cancels a rule's hits: one of the same side
/// (agent or customer) as the rule, and not its own.
fn parse_unless(fields: &Fields<'_>, toml: &RuleToml) -> Result<Option<Category>, RulePackError> {
    let Some(unless) = &toml.unless else {
        return Ok(None);
    };
    let own = Category::from_name(toml.category.get_ref());
    match Category::from_name(unless.get_ref()) {
        None => Err(fields.error(
            "unless",
            unless,
            format!("unknown category `{}`", unless.get_ref()),
        )),
        Some(c) if own.is_some_and(|own| own == c || own.is_customer() != c.is_customer()) => {
            Err(fields.error(
                "unless",
                unless,
                "`unless` names another category of the same side (agent or customer) as the rule",
            ))
        }
        Some(c) => Ok(Some(c)),
    }
}

/// `mechanism:level`, level 1 or 2.
fn parse_epitome(
    fields: &Fields<'_>,
    epitome: &Option<Spanned<String>>,
) -> Result<Option<(Mechanism, u8)>, RulePackError> {
    let Some(e) = epitome else {
        return Ok(None);
    };
    let parsed = e.get_ref().split_once(':').and_then(|(m, l)| {
        let level = l
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|l| (1..=2).contains(l))?;
        Some((Mechanism::from_name(m.trim())?, level))
    });
    parsed.map(Some).ok_or_else(|| {
        fields.error(
            "epitome",
            e,
            format!(
                "`{}` should be `mechanism:level` with mechanism emotional_reactions, interpretations or explorations and level 1 or 2",
                e.get_ref()
            ),
        )
    })
}

fn parse_strategy(
    fields: &Fields<'_>,
    strategy: &Option<Spanned<String>>,
) -> Result<Option<Strategy>, RulePackError> {
    let Some(s) = strategy else {
        return Ok(None);
    };
    Strategy::from_name(s.get_ref())
        .filter(|s| *s != Strategy::Other)
        .map(Some)
        .ok_or_else(|| fields.error("strategy", s, format!("unknown strategy `{}`", s.get_ref())))
}
