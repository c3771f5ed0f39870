//! `empathize train`: fit a learned weight table from labelled text and
//! write it as a pack (see `docs/rules.md`, "Learned weight tables").
//!
//! Corpora:
//! * `goemotions` — JSONL `{text, labels: [...]}` with GoEmotions labels,
//!   mapped to the engine's customer emotions (`--output emotions`) or to
//!   distress (`--output distress`: any negative emotion vs the rest);
//! * `esconv` — JSONL `{seeker, text, strategy}`: support strategies of
//!   reply sentences (`--output strategies`);
//! * `epitome` — the EPITOME CSV files: per reply sentence, whether it is
//!   part of the annotators' rationale of a mechanism (`--output epitome`);
//! * `labels` — your own JSONL or CSV: `text`, `label` (or `labels`, a list
//!   or `|`-separated), optionally `customer`; the labels are targets of
//!   `--output` (emotion names, `distress`/`1`/`true`, strategy names or
//!   mechanism names).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use empathize::{Analyzer, Emotion, Mechanism, Strategy};
use rayon::prelude::*;
use serde::Deserialize;

use crate::learn::{self, Example, Features, Settings, TargetModel};

/// What a table predicts (the `output` of the pack format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Emotions,
    Distress,
    Strategies,
    Epitome,
}

impl Output {
    pub fn as_str(self) -> &'static str {
        match self {
            Output::Emotions => "emotions",
            Output::Distress => "distress",
            Output::Strategies => "strategies",
            Output::Epitome => "epitome",
        }
    }

    /// The targets of this output, by name.
    pub fn targets(self) -> Vec<&'static str> {
        match self {
            // Urgency has no label in the corpora: it stays rule-only.
            Output::Emotions => Emotion::ALL
                .iter()
                .filter(|e| **e != Emotion::Urgency)
                .map(|e| e.as_str())
                .collect(),
            Output::Distress => vec!["distress"],
            Output::Strategies => Strategy::ALL.iter().map(|s| s.as_str()).collect(),
            Output::Epitome => Mechanism::ALL.iter().map(|m| m.as_str()).collect(),
        }
    }

    /// Whether the table reads whole customer messages (else reply sentences).
    pub fn per_message(self) -> bool {
        matches!(self, Output::Emotions | Output::Distress)
    }
}

/// How a table scales its n-gram weights (`--scale`, the table's `scale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// Each n-gram counts `weight / √n`, `n` the text's terms outside
    /// negation scope.
    SqrtLength,
}

/// The training corpora `train` and `eval` know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Corpus {
    Goemotions,
    Esconv,
    Epitome,
    Labels,
}

/// A labelled text: the text, what it answers (replies), its target names.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub text: String,
    pub context: Option<String>,
    /// Per-message corpora: the targets present in the text. Per-sentence
    /// corpora: the label of every sentence, unless `spans` says which.
    pub targets: BTreeSet<String>,
    /// Per target, byte spans of the text that carry it (EPITOME rationales).
    pub spans: Vec<(String, usize, usize)>,
    /// How much the text counts when fitting (1 unless down-weighted).
    pub weight: f64,
    /// The second example of a comment split in two (a soft label): its
    /// n-grams are not counted again toward `--min-df`.
    pub soft_copy: bool,
}

/// GoEmotions labels → the engine's customer emotions.
pub const GOEMOTIONS_EMOTIONS: &[(&str, &str)] = &[
    ("anger", "anger"),
    ("annoyance", "frustration"),
    ("sadness", "sadness"),
    ("grief", "sadness"),
    ("fear", "anxiety"),
    ("nervousness", "anxiety"),
    ("disappointment", "disappointment"),
    ("confusion", "confusion"),
    ("gratitude", "gratitude"),
];

/// GoEmotions labels that mean distress.
pub const GOEMOTIONS_DISTRESS: &[&str] = &[
    "anger",
    "annoyance",
    "sadness",
    "grief",
    "fear",
    "nervousness",
    "disappointment",
    "remorse",
    "disgust",
];

/// Whether a GoEmotions label makes a positive for a distress *table*: the
/// labels above but remorse. In GoEmotions "sorry" is mostly remorse; from a
/// customer it is mostly politeness ("sorry to bother you, where is my
/// invoice?"), which a table trained with remorse read as distress level 2.
fn trains_distress(label: &str) -> bool {
    label != "remorse" && GOEMOTIONS_DISTRESS.contains(&label)
}

/// ESConv strategy labels → the engine's strategies.
pub fn esconv_strategy(label: &str) -> Option<Strategy> {
    let l = label.to_ascii_lowercase();
    Some(if l.starts_with("question") {
        Strategy::Question
    } else if l.starts_with("restatement") {
        Strategy::Restatement
    } else if l.starts_with("reflection") {
        Strategy::ReflectionOfFeelings
    } else if l.starts_with("self-disclosure") || l.starts_with("self disclosure") {
        Strategy::SelfDisclosure
    } else if l.starts_with("affirmation") {
        Strategy::AffirmationReassurance
    } else if l.contains("suggestion") {
        Strategy::Suggestion
    } else if l.starts_with("information") {
        Strategy::Information
    } else if l.starts_with("other") {
        Strategy::Other
    } else {
        return None;
    })
}

#[derive(Deserialize)]
struct GoEmotionsRow {
    text: String,
    labels: Vec<String>,
}

/// GoEmotions labels that count as a weak sign of a related customer
/// emotion when the comment does not carry that emotion's own label
/// (`--related-weight`): anger, disgust and disapproval for frustration
/// (annoyance), sadness for disappointment.
pub const GOEMOTIONS_RELATED: &[(&str, &str)] = &[
    ("anger", "frustration"),
    ("disgust", "frustration"),
    ("disapproval", "frustration"),
    ("sadness", "disappointment"),
];

/// How GoEmotions rows become examples (see [`read_goemotions`]).
#[derive(Debug, Clone, Copy)]
pub struct GoEmotionsWeights {
    /// Distress: the weight of comments that are neither distress, nor
    /// only neutral, nor remorse.
    pub other: f64,
    /// Distress: the weight of remorse comments as *not* distress.
    pub remorse: f64,
    /// Distress: remorse comments are distress (the AUC's labels).
    pub remorse_distress: bool,
    /// Emotions: the soft label of a related emotion
    /// ([`GOEMOTIONS_RELATED`]); 0 leaves it a negative.
    pub related: f64,
}

/// Reads GoEmotions JSONL: each row with its labels mapped to `output`.
/// For distress, a comment that is neither distress nor only `neutral`
/// nor remorse (joy, gratitude, curiosity…) counts `weights.other`; remorse
/// counts `weights.remorse` as not distress (a customer's "sorry" is
/// politeness). For emotions, a comment with a related label
/// ([`GOEMOTIONS_RELATED`]) is a soft positive of the related emotion: it
/// becomes two examples, with the emotion (weight `weights.related`) and
/// without it (weight `1 − weights.related`).
pub fn read_goemotions(
    path: &Path,
    output: Output,
    weights: GoEmotionsWeights,
) -> Result<Vec<Labelled>> {
    let rows = read_jsonl(path, |row: GoEmotionsRow| {
        let neutral = row.labels.iter().all(|l| l == "neutral");
        let targets: BTreeSet<String> = match output {
            Output::Emotions => row
                .labels
                .iter()
                .filter_map(|l| GOEMOTIONS_EMOTIONS.iter().find(|(g, _)| g == l))
                .map(|(_, e)| e.to_string())
                .collect(),
            Output::Distress => row
                .labels
                .iter()
                .any(|l| trains_distress(l) || (weights.remorse_distress && l == "remorse"))
                .then(|| "distress".to_string())
                .into_iter()
                .collect(),
            _ => bail!("GoEmotions trains `emotions` or `distress` tables"),
        };
        let remorse = row.labels.iter().any(|l| l == "remorse");
        let weight = match (
            output == Output::Distress && targets.is_empty(),
            neutral,
            remorse,
        ) {
            (true, _, true) => weights.remorse,
            (true, false, false) => weights.other,
            _ => 1.0,
        };
        let related: BTreeSet<String> = if output == Output::Emotions && weights.related > 0.0 {
            GOEMOTIONS_RELATED
                .iter()
                .filter(|(g, e)| row.labels.iter().any(|l| l == g) && !targets.contains(*e))
                .map(|(_, e)| e.to_string())
                .collect()
        } else {
            BTreeSet::new()
        };
        let item = Labelled {
            text: row.text,
            context: None,
            targets,
            spans: Vec::new(),
            weight,
            soft_copy: false,
        };
        if related.is_empty() {
            return Ok(Some(vec![item]));
        }
        let soft = weights.related.min(1.0);
        let mut with = item.clone();
        with.targets.extend(related);
        with.weight = soft;
        with.soft_copy = true;
        Ok(Some(vec![
            Labelled {
                weight: 1.0 - soft,
                ..item
            },
            with,
        ]))
    })?;
    Ok(rows.into_iter().flatten().collect())
}

#[derive(Deserialize)]
struct EsconvRow {
    seeker: String,
    text: String,
    strategy: String,
}

/// Reads ESConv JSONL: supporter utterances with their strategy.
pub fn read_esconv(path: &Path) -> Result<Vec<Labelled>> {
    read_jsonl(path, |row: EsconvRow| {
        let strategy = esconv_strategy(&row.strategy)
            .ok_or_else(|| anyhow!("unknown ESConv strategy `{}`", row.strategy))?;
        Ok(Some(Labelled {
            text: row.text,
            context: Some(row.seeker),
            targets: [strategy.as_str().to_string()].into(),
            spans: Vec::new(),
            weight: 1.0,
            soft_copy: false,
        }))
    })
}

/// Reads the three EPITOME files of a directory (or the files given):
/// one example per response, with the rationale spans of each mechanism.
pub fn read_epitome(paths: &[String]) -> Result<Vec<Labelled>> {
    let files = crate::eval::expand_paths(paths)?;
    let mut by_response: Vec<Labelled> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for file in files {
        let mechanism = crate::eval::mechanism_of(&file)
            .ok_or_else(|| anyhow!("{}: which mechanism? (name it after one)", file.display()))?;
        for row in crate::eval::read_rows(&file)? {
            let key = (row.seeker.clone(), row.response.clone());
            let slot = *index.entry(key).or_insert_with(|| {
                by_response.push(Labelled {
                    text: row.response.clone(),
                    context: Some(row.seeker.clone()),
                    targets: BTreeSet::new(),
                    spans: Vec::new(),
                    weight: 1.0,
                    soft_copy: false,
                });
                by_response.len() - 1
            });
            let item = &mut by_response[slot];
            for rationale in &row.rationales {
                if let Some(at) = item.text.find(rationale.as_str()) {
                    item.spans
                        .push((mechanism.as_str().to_string(), at, at + rationale.len()));
                }
            }
        }
    }
    Ok(by_response)
}

#[derive(Deserialize)]
struct LabelsRow {
    text: String,
    #[serde(default)]
    customer: Option<String>,
    #[serde(default)]
    label: Option<serde_json::Value>,
    #[serde(default)]
    labels: Option<serde_json::Value>,
}

fn label_names(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Array(items) => items.iter().flat_map(label_names).collect(),
        serde_json::Value::String(s) => s
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        serde_json::Value::Bool(true) => vec!["true".into()],
        serde_json::Value::Number(n) if n.as_f64().is_some_and(|x| x > 0.0) => {
            vec!["1".into()]
        }
        _ => Vec::new(),
    }
}

/// Reads your own labels (JSONL or CSV with `text`, `label`/`labels`,
/// optional `customer`) as targets of `output`.
pub fn read_labels(path: &Path, output: Output) -> Result<Vec<Labelled>> {
    let known = output.targets();
    let to_target = |name: &str| -> Result<Option<String>> {
        let name = name.trim().to_ascii_lowercase();
        if output == Output::Distress {
            return Ok(matches!(name.as_str(), "1" | "true" | "yes" | "distress")
                .then(|| "distress".to_string()));
        }
        if known.contains(&name.as_str()) {
            return Ok(Some(name));
        }
        if matches!(name.as_str(), "" | "none" | "neutral" | "0" | "false") {
            return Ok(None);
        }
        bail!(
            "unknown label `{name}` for a `{}` table; expected one of: {}",
            output.as_str(),
            known.join(", ")
        )
    };
    let convert = |text: String, customer: Option<String>, names: Vec<String>| {
        let mut targets = BTreeSet::new();
        for n in &names {
            if let Some(t) = to_target(n)? {
                targets.insert(t);
            }
        }
        Ok(Some(Labelled {
            text,
            context: customer,
            targets,
            spans: Vec::new(),
            weight: 1.0,
            soft_copy: false,
        }))
    };
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv {
        return read_jsonl(path, |row: LabelsRow| {
            let names = row.labels.or(row.label).as_ref().map(label_names);
            convert(row.text, row.customer, names.unwrap_or_default())
        });
    }
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let text = col("text").ok_or_else(|| anyhow!("{}: no column `text`", path.display()))?;
    let label = col("labels")
        .or_else(|| col("label"))
        .ok_or_else(|| anyhow!("{}: no column `label` or `labels`", path.display()))?;
    let customer = col("customer");
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", path.display(), i + 2))?;
        let names = label_names(&serde_json::Value::String(
            record.get(label).unwrap_or("").to_string(),
        ));
        let item = convert(
            record.get(text).unwrap_or("").to_string(),
            customer.and_then(|c| record.get(c)).map(str::to_string),
            names,
        )
        .with_context(|| format!("{}: row {}", path.display(), i + 2))?;
        out.extend(item);
    }
    Ok(out)
}

fn read_jsonl<T: serde::de::DeserializeOwned, U>(
    path: &Path,
    mut convert: impl FnMut(T) -> Result<Option<U>>,
) -> Result<Vec<U>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: T = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a valid record", path.display(), i + 1))?;
        out.extend(convert(row).with_context(|| format!("{}:{}", path.display(), i + 1))?);
    }
    Ok(out)
}

/// Turns labelled texts into examples: whole messages, or one example per
/// reply sentence. `analyzer` must have no table of this output, so that
/// the rules' evidence is what scoring will feed the table. Only
/// [`learn::readable`] n-grams become features, unless `all_ngrams`; with
/// `sqrt_length` each example's n-grams are worth `1/√n`.
pub fn examples(
    analyzer: &Analyzer,
    items: &[Labelled],
    output: Output,
    features: &mut Features,
    settings: Settings,
) -> Vec<Example> {
    let Settings {
        all_ngrams,
        sqrt_length,
        skip_masked,
        ..
    } = settings;
    let targets = output.targets();
    let raw: Vec<Vec<RawExample>> = items
        .par_iter()
        .map(|item| raw_examples(analyzer, item, output, &targets, sqrt_length, skip_masked))
        .collect();
    raw.into_iter()
        .zip(items)
        .filter(|(_, item)| item.weight > 0.0)
        .flat_map(|(raw, item)| {
            raw.into_iter()
                .map(move |r| (r, item.weight, !item.soft_copy))
        })
        .map(|((grams, scale, rules, labels), weight, counts_df)| {
            let mut ids: Vec<u32> = grams
                .iter()
                .filter(|g| all_ngrams || learn::readable(g))
                .map(|g| features.id(g))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            Example {
                grams: ids,
                scale,
                rules,
                labels,
                weight,
                counts_df,
            }
        })
        .collect()
}

/// An example's n-grams, their scale, the rules' evidence and the labels.
type RawExample = (Vec<String>, f64, Vec<f64>, Vec<bool>);

fn raw_examples(
    analyzer: &Analyzer,
    item: &Labelled,
    output: Output,
    targets: &[&str],
    sqrt_length: bool,
    skip_masked: bool,
) -> Vec<RawExample> {
    // A `skip_masked` table skips the n-grams of courtesy spans, as scoring does.
    let grams = if skip_masked && output.per_message() {
        analyzer.customer_ngrams(&item.text, 2)
    } else {
        analyzer.ngrams(&item.text, 2)
    };
    // The terms outside negation scope of a span (as the runtime counts
    // them): its unigrams.
    let unigrams = if sqrt_length {
        analyzer.ngrams(&item.text, 1)
    } else {
        Vec::new()
    };
    let scale = |sentence: Option<(usize, usize)>| {
        if sqrt_length {
            length_scale(&unigrams, sentence)
        } else {
            1.0
        }
    };
    if output.per_message() {
        let report = analyzer.analyze_customer(&item.text);
        let rules = targets
            .iter()
            .map(|t| match *t {
                "distress" => report.distress,
                e => Emotion::from_name(e).map_or(0.0, |e| report.emotions.get(e)),
            })
            .collect();
        let labels = targets.iter().map(|t| item.targets.contains(*t)).collect();
        let scale = scale(None);
        return vec![(
            grams.into_iter().map(|g| g.text).collect(),
            scale,
            rules,
            labels,
        )];
    }
    let report = match &item.context {
        Some(c) => analyzer.score_reply(c, &item.text),
        None => analyzer.score(&item.text),
    };
    let mut sentences: Vec<(usize, usize)> = grams.iter().map(|g| g.sentence).collect();
    sentences.dedup();

    sentences
        .into_iter()
        .map(|(start, end)| {
            let rules = targets
                .iter()
                .map(|t| match output {
                    Output::Strategies => report
                        .strategies
                        .iter()
                        .any(|s| s.start == start && s.strategy.as_str() == *t)
                        as u8 as f64,
                    _ => report
                        .evidence
                        .iter()
                        .filter(|e| e.start == start && e.mechanism.as_str() == *t)
                        .map(|e| e.value)
                        .sum(),
                })
                .collect();
            let labels = targets
                .iter()
                .map(|t| {
                    if item.spans.is_empty() && output != Output::Epitome {
                        item.targets.contains(*t)
                    } else {
                        item.spans
                            .iter()
                            .any(|(m, a, b)| m == t && *a < end && start < *b)
                    }
                })
                .collect();
            let sentence_grams = grams
                .iter()
                .filter(|g| g.sentence == (start, end))
                .map(|g| g.text.clone())
                .collect();
            (sentence_grams, scale(Some((start, end))), rules, labels)
        })
        .collect()
}

/// Fits a table: one model per target.
pub fn fit(
    examples: &[Example],
    output: Output,
    features: &Features,
    settings: Settings,
) -> Vec<TargetModel> {
    let targets = output.targets().len();
    let mut models = learn::fit(examples, targets, features.names.len(), settings);
    if examples.iter().any(|e| e.weight != 1.0) {
        // Examples left out (weight 0) are not part of the base rate.
        let kept: Vec<Example> = examples
            .iter()
            .filter(|e| e.weight > 0.0)
            .cloned()
            .collect();
        for (t, model) in models.iter_mut().enumerate() {
            learn::recalibrate_bias(model, &kept, t);
        }
    }
    if !matches!(output, Output::Emotions | Output::Epitome) {
        return models;
    }
    let k = settings.threshold_folds;
    if k < 2 {
        for (t, model) in models.iter_mut().enumerate() {
            learn::calibrate_presence(model, examples, t);
        }
        return models;
    }
    // Each example's logits from a fit on the other folds (example i is in
    // fold i mod k), so the cut is chosen on text the fit did not see.
    let mut scored: Vec<Vec<(f64, bool, f64)>> = vec![Vec::with_capacity(examples.len()); targets];
    for fold in 0..k {
        let (held, rest): (Vec<_>, Vec<_>) = examples
            .iter()
            .enumerate()
            .partition(|(i, _)| i % k == fold);
        let rest: Vec<Example> = rest.into_iter().map(|(_, e)| e.clone()).collect();
        let fold_models = learn::fit(&rest, targets, features.names.len(), settings);
        for (t, model) in fold_models.iter().enumerate() {
            let lookup = model.lookup();
            scored[t].extend(
                held.iter()
                    .map(|(_, e)| (model.logit(e, t, &lookup), e.labels[t], e.weight)),
            );
        }
    }
    for (model, scored) in models.iter_mut().zip(scored) {
        model.bias -= learn::best_cut(scored);
    }
    models
}

/// The header of a table.
pub struct Header {
    pub name: String,
    pub trained_on: String,
    pub licence: String,
    pub command: String,
    pub held_in: String,
    pub description: String,
    /// Write `scale = "sqrt-length"`.
    pub sqrt_length: bool,
    /// Write `skip_masked = true`.
    pub skip_masked: bool,
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a table as a pack: a commented header, then one n-gram a line,
/// strongest first, per target. Weights have 4 decimals.
pub fn to_toml(
    header: &Header,
    output: Output,
    models: &[TargetModel],
    features: &Features,
) -> String {
    let targets = output.targets();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Learned weight table `{}` ({} n-gram weights).\n# Trained on: {}\n# Licence: {}\n# Made by: {}\n# Held-in: {}\n# Edit by hand if you like: `empathize rules check` validates it.\n",
        header.name,
        models.iter().map(|m| m.weights.len()).sum::<usize>(),
        header.trained_on,
        header.licence,
        header.command,
        header.held_in,
    );
    let _ = writeln!(s, "[[tables]]");
    let _ = writeln!(s, "name = {}", toml_string(&header.name));
    let _ = writeln!(s, "output = {}", toml_string(output.as_str()));
    if header.sqrt_length {
        let _ = writeln!(s, "scale = \"sqrt-length\"");
    }
    if header.skip_masked {
        let _ = writeln!(s, "skip_masked = true");
    }
    let _ = writeln!(s, "trained_on = {}", toml_string(&header.trained_on));
    let _ = writeln!(s, "licence = {}", toml_string(&header.licence));
    let _ = writeln!(s, "command = {}", toml_string(&header.command));
    let _ = writeln!(s, "held_in = {}", toml_string(&header.held_in));
    if !header.description.is_empty() {
        let _ = writeln!(s, "description = {}", toml_string(&header.description));
    }
    let _ = writeln!(s, "\n[tables.bias]");
    for (t, m) in targets.iter().zip(models) {
        let _ = writeln!(s, "{t} = {:.4}", m.bias);
    }
    let _ = writeln!(s, "\n[tables.rules]");
    for (t, m) in targets.iter().zip(models) {
        let _ = writeln!(s, "{t} = {:.4}", m.rules);
    }
    for (t, m) in targets.iter().zip(models) {
        let _ = writeln!(s, "\n[tables.weights.{t}]");
        for (g, w) in &m.weights {
            if format!("{w:.4}") == "0.0000" || format!("{w:.4}") == "-0.0000" {
                continue;
            }
            let _ = writeln!(s, "{} = {w:.4}", toml_string(&features.names[*g as usize]));
        }
    }
    s
}

/// The score a fitted table reaches on its own training examples, in words
/// (for the table's header).
pub fn held_in(examples: &[Example], output: Output, models: &[TargetModel]) -> String {
    let lookups: Vec<HashMap<u32, f64>> = models.iter().map(TargetModel::lookup).collect();
    let logit = |ex: &Example, t: usize| models[t].logit(ex, t, &lookups[t]);
    match output {
        Output::Distress => {
            let scored: Vec<(f64, bool)> = examples
                .iter()
                .map(|e| (logit(e, 0), e.labels[0]))
                .collect();
            format!(
                "AUC {:.3} on {} training examples",
                crate::goemotions::auc(&scored),
                examples.len()
            )
        }
        Output::Strategies => {
            let right = examples
                .iter()
                .filter(|e| {
                    let best = (0..models.len())
                        .max_by(|&a, &b| logit(e, a).total_cmp(&logit(e, b)))
                        .unwrap_or(0);
                    e.labels[best]
                })
                .count();
            format!(
                "sentence accuracy {:.3} on {} training sentences",
                right as f64 / examples.len().max(1) as f64,
                examples.len()
            )
        }
        Output::Emotions | Output::Epitome => {
            let f1s: Vec<String> = output
                .targets()
                .iter()
                .enumerate()
                .map(|(t, name)| {
                    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
                    for e in examples {
                        match (logit(e, t) > 0.0, e.labels[t]) {
                            (true, true) => tp += e.weight,
                            (true, false) => fp += e.weight,
                            (false, true) => fn_ += e.weight,
                            _ => {}
                        }
                    }
                    let f1 = if tp > 0.0 {
                        2.0 * tp / (2.0 * tp + fp + fn_)
                    } else {
                        0.0
                    };
                    format!("{name} {f1:.3}")
                })
                .collect();
            format!(
                "F1 of z > 0 on {} training examples: {}",
                examples.len(),
                f1s.join(", ")
            )
        }
    }
}

/// What a `sqrt-length` table's n-grams are worth over a span (a sentence,
/// or with `None` the whole message): `1/√n`, `n` the span's terms outside
/// negation scope — its unigrams. Scoring computes the same factor from the
/// lexed terms (`TableScale::factor` in the core); a test ties the two.
fn length_scale(unigrams: &[empathize::Ngram], sentence: Option<(usize, usize)>) -> f64 {
    let n = unigrams
        .iter()
        .filter(|g| sentence.is_none_or(|s| g.sentence == s))
        .count();
    1.0 / (n.max(1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goemotions_distress_weights_other_and_remorse_comments() {
        let path = std::env::temp_dir().join(format!(
            "empathize-goemotions-weights-{}.jsonl",
            std::process::id()
        ));
        let rows = [
            r#"{"text": "a", "labels": ["anger"]}"#,
            r#"{"text": "b", "labels": ["neutral"]}"#,
            r#"{"text": "c", "labels": ["joy"]}"#,
            r#"{"text": "d", "labels": ["remorse"]}"#,
            r#"{"text": "e", "labels": ["remorse", "sadness"]}"#,
        ];
        std::fs::write(&path, rows.join("\n")).unwrap();
        let weights = GoEmotionsWeights {
            other: 0.3,
            remorse: 0.5,
            remorse_distress: false,
            related: 0.0,
        };
        let items = read_goemotions(&path, Output::Distress, weights).unwrap();
        let _ = std::fs::remove_file(&path);
        let got: Vec<(bool, f64)> = items
            .iter()
            .map(|i| (i.targets.contains("distress"), i.weight))
            .collect();
        assert_eq!(
            got,
            [
                (true, 1.0),
                (false, 1.0),
                (false, 0.3),
                (false, 0.5),
                (true, 1.0)
            ]
        );
    }

    #[test]
    fn goemotions_related_labels_are_soft_positives() {
        let path = std::env::temp_dir().join(format!(
            "empathize-goemotions-related-{}.jsonl",
            std::process::id()
        ));
        let rows = [
            r#"{"text": "a", "labels": ["anger"]}"#,
            r#"{"text": "b", "labels": ["anger", "annoyance"]}"#,
            r#"{"text": "c", "labels": ["sadness"]}"#,
            r#"{"text": "d", "labels": ["joy"]}"#,
        ];
        std::fs::write(&path, rows.join("\n")).unwrap();
        let weights = |related| GoEmotionsWeights {
            other: 1.0,
            remorse: 1.0,
            remorse_distress: false,
            related,
        };
        let off = read_goemotions(&path, Output::Emotions, weights(0.0)).unwrap();
        let soft = read_goemotions(&path, Output::Emotions, weights(0.25)).unwrap();
        let _ = std::fs::remove_file(&path);
        let show = |items: &[Labelled]| -> Vec<(String, Vec<String>, f64)> {
            items
                .iter()
                .map(|i| {
                    (
                        i.text.clone(),
                        i.targets.iter().cloned().collect(),
                        i.weight,
                    )
                })
                .collect()
        };
        let row = |t: &str, targets: &[&str], w: f64| {
            (
                t.to_string(),
                targets.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                w,
            )
        };
        assert_eq!(off.len(), 4);
        assert_eq!(
            show(&soft),
            [
                row("a", &["anger"], 0.75),
                row("a", &["anger", "frustration"], 0.25),
                row("b", &["anger", "frustration"], 1.0),
                row("c", &["sadness"], 0.75),
                row("c", &["disappointment", "sadness"], 0.25),
                row("d", &[], 1.0),
            ]
        );
    }

    #[test]
    fn the_length_scale_of_training_is_the_one_scoring_applies() {
        // A one-word distress table scaled by length: the learned match of
        // "invoice" is worth exactly the factor training gave its n-grams.
        let table = "[[tables]]\nname = \"t-distress\"\noutput = \"distress\"\nscale = \"sqrt-length\"\ntrained_on = \"t\"\nlicence = \"t\"\ncommand = \"t\"\nheld_in = \"t\"\n[tables.bias]\ndistress = 0.0\n[tables.weights.distress]\n\"invoice\" = 1.0\n";
        let analyzer = Analyzer::builder()
            .disable("goemotions-distress")
            .disable("goemotions-emotions")
            .extra_pack(table.to_string())
            .build()
            .expect("compiles");
        for text in [
            "invoice",
            "where is my invoice",
            "I don't like this at all, where is my invoice?!",
            "Hello again 👋 where's my invoice from last month, for the order I placed... today?? #help",
            "Not happy. Not happy at all. Invoice please!!! It isn't here, I can't find it.",
        ] {
            let report = analyzer.analyze_customer(text);
            let learned: Vec<f64> = report
                .matches
                .iter()
                .filter(|m| m.source == empathize::MatchSource::Learned)
                .map(|m| m.contribution)
                .collect();
            let trained = length_scale(&analyzer.ngrams(text, 1), None);
            assert_eq!(learned.len(), 1, "{text}");
            assert!((learned[0] - trained).abs() < 1e-4, "{text}: {learned:?} vs {trained}");
        }
    }
}
