//! The TOML format of rule packs and how packs combine.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::error::RulePackError;
use crate::report::{Category, Emotion, Mechanism, Strategy};
use crate::rules::rule::{check_weight, parse_rule, Rule, RuleToml};

/// Largest pack source accepted.
pub(crate) const MAX_PACK_BYTES: usize = 16 << 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: Option<PackMeta>,
    #[serde(default)]
    lexicons: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    rules: Vec<Spanned<RuleToml>>,
    #[serde(default)]
    weights: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    scoring: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    tables: Vec<Spanned<TableDef>>,
}

/// A learned weight table as written: n-gram → weight per target.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableDef {
    name: Spanned<String>,
    output: Spanned<String>,
    trained_on: Spanned<String>,
    licence: Spanned<String>,
    command: Spanned<String>,
    held_in: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    scale: Option<Spanned<String>>,
    #[serde(default)]
    skip_masked: Option<Spanned<bool>>,
    #[serde(default)]
    bias: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    rules: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    weights: BTreeMap<String, BTreeMap<String, Spanned<f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackMeta {
    name: Option<String>,
    #[allow(dead_code)]
    language: Option<String>,
    #[allow(dead_code)]
    version: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
}

/// What a learned table predicts, and so where it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableOutput {
    /// Customer emotions (targets: emotion names), per message.
    Emotions,
    /// Customer distress (target: `distress`), per message.
    Distress,
    /// Support strategies of reply sentences (targets: strategy names).
    Strategies,
    /// EPITOME evidence of reply sentences (targets: mechanism names).
    Epitome,
}

impl TableOutput {
    const NAMES: &'static [&'static str] = &["emotions", "distress", "strategies", "epitome"];

    fn from_name(name: &str) -> Option<TableOutput> {
        Some(match name {
            "emotions" => TableOutput::Emotions,
            "distress" => TableOutput::Distress,
            "strategies" => TableOutput::Strategies,
            "epitome" => TableOutput::Epitome,
            _ => return None,
        })
    }

    /// The name used in packs.
    pub fn as_str(self) -> &'static str {
        match self {
            TableOutput::Emotions => "emotions",
            TableOutput::Distress => "distress",
            TableOutput::Strategies => "strategies",
            TableOutput::Epitome => "epitome",
        }
    }

    /// Whether the table reads customer messages (else reply sentences).
    pub fn is_customer(self) -> bool {
        matches!(self, TableOutput::Emotions | TableOutput::Distress)
    }

    /// The category of a target of this output, if the name is one.
    pub fn target(self, name: &str) -> Option<Category> {
        match self {
            TableOutput::Emotions => Emotion::from_name(name).map(Category::Emotion),
            TableOutput::Distress => (name == "distress").then_some(Category::Distress),
            TableOutput::Strategies => Strategy::from_name(name).map(Category::Strategy),
            TableOutput::Epitome => Mechanism::from_name(name).map(Category::Mechanism),
        }
    }

    fn target_names(self) -> Vec<&'static str> {
        match self {
            TableOutput::Emotions => Emotion::ALL.iter().map(|e| e.as_str()).collect(),
            TableOutput::Distress => vec!["distress"],
            TableOutput::Strategies => Strategy::ALL.iter().map(|e| e.as_str()).collect(),
            TableOutput::Epitome => Mechanism::ALL.iter().map(|e| e.as_str()).collect(),
        }
    }
}

/// How a learned table scales its n-gram weights over a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum TableScale {
    /// Each n-gram counts its weight.
    #[default]
    None,
    /// Each n-gram counts its weight × `1/√n`, `n` the number of terms of
    /// the span outside negation scope (at least 1): a long message's
    /// n-grams count less, as in a length-normalized TF-IDF vector.
    SqrtLength,
}

impl TableScale {
    pub const NAMES: &'static [&'static str] = &["none", "sqrt-length"];

    fn from_name(name: &str) -> Option<TableScale> {
        Some(match name {
            "none" => TableScale::None,
            "sqrt-length" => TableScale::SqrtLength,
            _ => return None,
        })
    }

    /// The factor of every n-gram weight over a span of `terms` terms
    /// outside negation scope.
    pub fn factor(self, terms: usize) -> f64 {
        match self {
            TableScale::None => 1.0,
            TableScale::SqrtLength => 1.0 / (terms.max(1) as f64).sqrt(),
        }
    }
}

/// One target of a learned table: `z = bias + rules · rule evidence + Σ weights`.
#[derive(Debug, Clone)]
pub(crate) struct TableTarget {
    pub category: Category,
    pub bias: f64,
    /// The weight of the hand-written rules' evidence for this target.
    pub rules: f64,
    /// `(n-gram as written, weight, line)`.
    pub weights: Vec<(String, f64, Option<usize>)>,
}

/// What a learned table says about where it comes from.
#[derive(Debug, Clone)]
pub(crate) struct TableHeader {
    pub trained_on: String,
    pub licence: String,
    pub command: String,
    pub held_in: String,
    pub description: String,
}

/// A learned weight table as merged into an analyzer.
#[derive(Debug, Clone)]
pub(crate) struct TableSource {
    pub name: String,
    pub output: TableOutput,
    pub scale: TableScale,
    /// The table skips n-grams that touch a hit of a `mask_learned` rule.
    pub skip_masked: bool,
    pub targets: Vec<TableTarget>,
    pub pack: String,
    pub line: Option<usize>,
    pub header: TableHeader,
}

/// A lexicon entry with the pack and line it came from.
#[derive(Debug, Clone)]
pub(crate) struct LexiconEntry {
    pub pattern: String,
    pub pack: String,
    pub line: Option<usize>,
}

/// Most entries a language lexicon the engine loops over may hold (the
/// emoticons, contraction suffixes, sentence marks, stem suffixes and word
/// sequences): the cost of reading a text stays a small multiple of its
/// length whatever the pack says.
pub(crate) const MAX_LOOPED_ENTRIES: usize = 256;

impl LexiconEntry {
    /// An error about this entry of lexicon `lexicon`, located.
    pub fn error(&self, lexicon: &str, message: impl Into<String>) -> RulePackError {
        RulePackError::new(message)
            .with_field(format!("lexicons.{lexicon}"))
            .with_line(self.line)
            .with_pack(self.pack.clone())
    }
}

/// All packs of an analyzer merged into one set of rules and lexicons.
#[derive(Debug, Clone, Default)]
pub(crate) struct MergedPack {
    pub name: String,
    pub rules: Vec<Rule>,
    pub lexicons: BTreeMap<String, Vec<LexiconEntry>>,
    pub scoring: BTreeMap<String, (f64, String, Option<usize>)>,
    pub tables: Vec<TableSource>,
}

/// Maps byte offsets of a source to 1-based lines.
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(src: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// The line a spanned value starts on.
    pub fn of<T>(&self, s: &Spanned<T>) -> Option<usize> {
        Some(self.line(s.span().start))
    }
}

impl MergedPack {
    /// The entries of a lexicon, in pack order (none if no pack defines it).
    pub fn lexicon(&self, name: &str) -> &[LexiconEntry] {
        self.lexicons.get(name).map_or(&[], Vec::as_slice)
    }

    /// [`MergedPack::lexicon`] for a lexicon the engine loops over, which
    /// may hold at most [`MAX_LOOPED_ENTRIES`] entries.
    pub fn looped_lexicon(&self, name: &str) -> Result<&[LexiconEntry], RulePackError> {
        let entries = self.lexicon(name);
        match entries.get(MAX_LOOPED_ENTRIES) {
            None => Ok(entries),
            Some(extra) => Err(extra.error(name, format!("at most {MAX_LOOPED_ENTRIES} entries"))),
        }
    }

    /// Adds one pack on top of what is there: rules with a known id replace
    /// the old rule, lexicons extend, weights and scoring override.
    pub fn add(&mut self, src: &str, label: &str) -> Result<(), RulePackError> {
        if src.len() > MAX_PACK_BYTES {
            return Err(RulePackError::new(format!(
                "pack is {} bytes; the limit is {MAX_PACK_BYTES}",
                src.len()
            ))
            .with_pack(label));
        }
        let lines = Lines::new(src);
        let file: PackFile = toml::from_str(src).map_err(|e| {
            let line = e.span().map(|s| lines.line(s.start));
            RulePackError::new(e.message().to_string())
                .with_line(line)
                .with_pack(label)
        })?;
        let name = file
            .pack
            .as_ref()
            .and_then(|p| p.name.clone())
            .unwrap_or_else(|| label.to_string());
        if self.name.is_empty() {
            self.name = name.clone();
        }
        let err = |e: RulePackError| e.with_pack(name.clone());

        for (lex, entries) in file.lexicons {
            check_lexicon_name(&lex).map_err(|e| err(e.with_line(lines.of(&entries))))?;
            let slot = self.lexicons.entry(lex).or_default();
            for entry in entries.into_inner() {
                slot.push(LexiconEntry {
                    line: lines.of(&entry),
                    pattern: entry.into_inner(),
                    pack: name.clone(),
                });
            }
        }

        let mut seen = std::collections::HashSet::new();
        for rule in file.rules {
            let line = lines.of(&rule);
            let rule = rule.into_inner();
            let parsed = parse_rule(rule, &lines, &name).map_err(|e| err(e.with_line(line)))?;
            if !seen.insert(parsed.id.clone()) {
                return Err(err(RulePackError::new("duplicate rule id in this pack")
                    .with_rule(parsed.id)
                    .with_field("id")
                    .with_line(line)));
            }
            match self.rules.iter_mut().find(|r| r.id == parsed.id) {
                Some(old) => *old = parsed,
                None => self.rules.push(parsed),
            }
        }

        for (id, weight) in file.weights {
            let line = lines.of(&weight);
            let w = check_weight(*weight.get_ref()).map_err(|e| {
                err(e
                    .with_rule(id.clone())
                    .with_field("weights")
                    .with_line(line))
            })?;
            self.set_weight(&id, w)
                .map_err(|e| err(e.with_field("weights").with_line(line)))?;
        }
        for id in file.disable {
            let line = lines.of(&id);
            self.disable(id.get_ref())
                .map_err(|e| err(e.with_field("disable").with_line(line)))?;
        }
        for (key, value) in file.scoring {
            let line = lines.of(&value);
            let v = *value.get_ref();
            if !v.is_finite() {
                return Err(err(RulePackError::new("value must be a finite number")
                    .with_field(format!("scoring.{key}"))
                    .with_line(line)));
            }
            self.scoring.insert(key, (v, name.clone(), line));
        }
        for table in file.tables {
            let line = lines.of(&table);
            let parsed = parse_table(table.into_inner(), &lines, &name).map_err(err)?;
            if let Some(old) = self.tables.iter().find(|t| t.name == parsed.name) {
                if old.pack == parsed.pack {
                    return Err(err(RulePackError::new("duplicate table name in this pack")
                        .with_rule(parsed.name)
                        .with_field("tables.name")
                        .with_line(line)));
                }
            }
            // A later pack's table of the same name replaces the earlier one.
            self.tables.retain(|t| t.name != parsed.name);
            self.tables.push(parsed);
        }
        Ok(())
    }

    /// Overrides the weight of an existing rule.
    pub fn set_weight(&mut self, id: &str, weight: f64) -> Result<(), RulePackError> {
        let weight = check_weight(weight).map_err(|e| e.with_rule(id))?;
        match self.rules.iter_mut().find(|r| r.id == id) {
            Some(rule) => {
                rule.weight = weight;
                Ok(())
            }
            None => Err(RulePackError::new("no rule with this id").with_rule(id)),
        }
    }

    /// Removes a rule by id, or a learned table by name.
    pub fn disable(&mut self, id: &str) -> Result<(), RulePackError> {
        let before = self.rules.len() + self.tables.len();
        self.rules.retain(|r| r.id != id);
        self.tables.retain(|t| t.name != id);
        if self.rules.len() + self.tables.len() == before {
            return Err(RulePackError::new(
                "no rule with this id or table with this name to disable",
            )
            .with_rule(id));
        }
        Ok(())
    }
}

fn check_lexicon_name(name: &str) -> Result<(), RulePackError> {
    let ok = !name.is_empty()
        && !name.starts_with('#')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(RulePackError::new(
            "lexicon names use letters, digits, `_` and `-` and do not start with `#`",
        )
        .with_rule(name)
        .with_field("lexicons"))
    }
}

/// Checks a learned table: a known output, known targets, finite weights.
/// N-grams are checked (normalized form, duplicates) when compiled.
fn parse_table(def: TableDef, lines: &Lines, pack: &str) -> Result<TableSource, RulePackError> {
    let name = def.name.get_ref().clone();
    let bad = |field: &str, line: Option<usize>, msg: String| {
        RulePackError::new(msg)
            .with_rule(format!("table {name}"))
            .with_field(format!("tables.{field}"))
            .with_line(line)
    };
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'));
    if !name_ok {
        return Err(bad(
            "name",
            lines.of(&def.name),
            "table names use lower-case letters, digits, `_` and `-` (at most 64)".into(),
        ));
    }
    let output = TableOutput::from_name(def.output.get_ref()).ok_or_else(|| {
        bad(
            "output",
            lines.of(&def.output),
            format!(
                "unknown output `{}`; expected one of: {}",
                def.output.get_ref(),
                TableOutput::NAMES.join(", ")
            ),
        )
    })?;
    let scale = match &def.scale {
        None => TableScale::None,
        Some(v) => TableScale::from_name(v.get_ref()).ok_or_else(|| {
            bad(
                "scale",
                lines.of(v),
                format!(
                    "unknown scale `{}`; expected one of: {}",
                    v.get_ref(),
                    TableScale::NAMES.join(", ")
                ),
            )
        })?,
    };
    let skip_masked = match &def.skip_masked {
        Some(v) if *v.get_ref() && !output.is_customer() => {
            return Err(bad(
                "skip_masked",
                lines.of(v),
                format!(
                    "`skip_masked` is for tables that read customer messages, not `{}`",
                    output.as_str()
                ),
            ))
        }
        Some(v) => *v.get_ref(),
        None => false,
    };
    for (field, value) in [
        ("trained_on", &def.trained_on),
        ("licence", &def.licence),
        ("command", &def.command),
        ("held_in", &def.held_in),
    ] {
        if value.get_ref().trim().is_empty() {
            return Err(bad(
                field,
                lines.of(value),
                "a learned table names its training data, licence, command and held-in score"
                    .into(),
            ));
        }
    }
    let category = |field: &str, target: &str, line: Option<usize>| {
        output.target(target).ok_or_else(|| {
            bad(
                field,
                line,
                format!(
                    "unknown target `{target}` for output `{}`; expected one of: {}",
                    def.output.get_ref(),
                    output.target_names().join(", ")
                ),
            )
        })
    };
    let finite = |field: &str, v: &Spanned<f64>| {
        let w = *v.get_ref();
        if w.is_finite() && w.abs() <= 100.0 {
            Ok(w)
        } else {
            Err(bad(
                field,
                lines.of(v),
                format!("weight {w} must be a finite number between -100 and 100"),
            ))
        }
    };
    let mut targets: Vec<TableTarget> = Vec::new();
    fn slot(targets: &mut Vec<TableTarget>, c: Category) -> usize {
        match targets.iter().position(|t| t.category == c) {
            Some(i) => i,
            None => {
                targets.push(TableTarget {
                    category: c,
                    bias: 0.0,
                    rules: 0.0,
                    weights: Vec::new(),
                });
                targets.len() - 1
            }
        }
    }
    for (target, v) in &def.bias {
        let i = slot(&mut targets, category("bias", target, lines.of(v))?);
        targets[i].bias = finite("bias", v)?;
    }
    for (target, v) in &def.rules {
        let i = slot(&mut targets, category("rules", target, lines.of(v))?);
        targets[i].rules = finite("rules", v)?;
    }
    for (target, entries) in &def.weights {
        let first_line = entries.values().next().and_then(|v| lines.of(v));
        let i = slot(&mut targets, category("weights", target, first_line)?);
        for (ngram, v) in entries {
            let w = finite(&format!("weights.{target}"), v)?;
            targets[i].weights.push((ngram.clone(), w, lines.of(v)));
        }
    }
    // Entries are kept in weight order, as the file shows them.
    for t in &mut targets {
        t.weights
            .sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    Ok(TableSource {
        output,
        scale,
        skip_masked,
        targets,
        pack: pack.to_string(),
        line: lines.of(&def.name),
        header: TableHeader {
            trained_on: def.trained_on.into_inner(),
            licence: def.licence.into_inner(),
            command: def.command.into_inner(),
            held_in: def.held_in.into_inner(),
            description: def.description.unwrap_or_default(),
        },
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(src: &str) -> Result<MergedPack, RulePackError> {
        let mut p = MergedPack::default();
        p.add(src, "test")?;
        Ok(p)
    }

    #[test]
    fn parses_a_rule() {
        let p = add(
            "[pack]\nname = \"t\"\n[[rules]]\nid = \"apology.sorry\"\ncategory = \"apology\"\nweight = 1.0\npatterns = [\"sorry\"]\nepitome = \"emotional_reactions:1\"\n",
        )
        .unwrap();
        assert_eq!(p.rules.len(), 1);
        assert_eq!(p.rules[0].line, Some(4));
        assert_eq!(p.rules[0].epitome, Some((Mechanism::EmotionalReactions, 1)));
    }

    #[test]
    fn errors_name_rule_field_and_line() {
        let e =
            add("[[rules]]\nid = \"x\"\ncategory = \"nope\"\nweight = 1.0\npatterns = [\"a\"]\n")
                .unwrap_err();
        assert_eq!(
            (e.rule(), e.field(), e.line()),
            (Some("x"), Some("category"), Some(3))
        );
        let e =
            add("[[rules]]\nid = \"x\"\ncategory = \"apology\"\npatterns = [\"a\"]\n").unwrap_err();
        assert!(e.message().contains("weight"), "{e}");
        assert_eq!(e.line(), Some(1));
        let e = add("[[rules]]\nid = \"x\"\ncategory = \"apology\"\nweight = 1.0\npatterns = [\"a\"]\nbogus = 1\n")
            .unwrap_err();
        assert!(e.message().contains("bogus"), "{e}");
        let e = add("[[rules]\n").unwrap_err();
        assert_eq!(e.line(), Some(1));
    }

    #[test]
    fn later_packs_replace_extend_and_override() {
        let mut p = MergedPack::default();
        p.add(
            "[lexicons]\nA = [\"x\"]\n[[rules]]\nid = \"r\"\ncategory = \"apology\"\nweight = 1.0\npatterns = [\"<A>\"]\n[[rules]]\nid = \"s\"\ncategory = \"care\"\nweight = 1.0\npatterns = [\"y\"]\n",
            "base",
        )
        .unwrap();
        p.add(
            "[lexicons]\nA = [\"z\"]\n[weights]\nr = 2.5\ndisable = [\"s\"]\n",
            "extra",
        )
        .unwrap_err(); // `disable` after a table belongs to [weights]: a weight named disable
        p.add(
            "disable = [\"s\"]\n[lexicons]\nA = [\"z\"]\n[weights]\nr = 2.5\n",
            "extra",
        )
        .unwrap();
        assert_eq!(p.rules.len(), 1);
        assert_eq!(p.rules[0].weight, 2.5);
        assert_eq!(p.lexicons["A"].len(), 2);
    }
}
