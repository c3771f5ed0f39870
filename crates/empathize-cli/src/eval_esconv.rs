//! `empathize eval esconv`: agreement of per-sentence support strategies
//! with the ESConv labels (Liu et al., ACL 2021).
//!
//! Reads JSONL rows `{seeker, text, strategy}` (one supporter utterance with
//! the seeker message it answers and its annotated strategy), scores each
//! utterance with [`Analyzer::score_reply`], and compares the per-sentence
//! tags of `report.strategies` with the label:
//!
//! - **utterance accuracy**: an utterance is right when any of its
//!   sentences carries the label (annotators label the utterance's main act,
//!   the engine tags every sentence);
//! - **tags per utterance**: distinct tags per utterance, so that tagging
//!   every sentence with everything cannot pass for accuracy;
//! - **single-label view** (per-class P/R/F1, confusion): the utterance's
//!   majority tag, ties going to the earliest sentence;
//! - a **baseline** beside it: `question` when the text has a `?`, else
//!   `information`.
//!
//! [`evaluate`] is the reusable part (rows in, metrics out); [`fold_rows`]
//! keeps one fold of rows assigned by a hash of the seeker text, so the
//! turns that answer one seeker message stay in one fold.

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use empathize::{Analyzer, Strategy};

use crate::split::fold_of;
use rayon::prelude::*;
use serde::Serialize;

/// One labelled supporter utterance.
#[derive(Debug, Clone)]
pub struct Row {
    pub seeker: String,
    pub text: String,
    pub label: Strategy,
}

/// The engine's strategy for an ESConv label (case and spacing ignored).
pub fn label_of(name: &str) -> Option<Strategy> {
    let key: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    Some(match key.as_str() {
        "question" | "questions" => Strategy::Question,
        "restatementorparaphrasing" | "restatement" | "paraphrasing" => Strategy::Restatement,
        "reflectionoffeelings" => Strategy::ReflectionOfFeelings,
        "selfdisclosure" => Strategy::SelfDisclosure,
        "affirmationandreassurance" | "affirmationreassurance" => Strategy::AffirmationReassurance,
        "providingsuggestions" | "providingsuggestion" | "suggestion" | "suggestions" => {
            Strategy::Suggestion
        }
        "information" => Strategy::Information,
        "others" | "other" => Strategy::Other,
        _ => return None,
    })
}

#[derive(serde::Deserialize)]
struct RawRow {
    #[serde(default)]
    seeker: String,
    text: String,
    strategy: String,
}

/// Reads ESConv JSONL; a line that is not a row, or an unknown label, is an
/// error naming the line.
pub fn read_rows(path: &Path) -> Result<Vec<Row>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut rows = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let raw: RawRow = serde_json::from_str(&line)
            .with_context(|| format!("{}: line {}", path.display(), i + 1))?;
        let label = label_of(&raw.strategy).ok_or_else(|| {
            anyhow!(
                "{}: line {}: unknown strategy `{}`",
                path.display(),
                i + 1,
                raw.strategy
            )
        })?;
        rows.push(Row {
            seeker: raw.seeker,
            text: raw.text,
            label,
        });
    }
    Ok(rows)
}

/// The rows of fold `fold` of `k` (by a hash of the seeker text).
pub fn fold_rows(rows: &[Row], fold: usize, k: usize) -> Vec<Row> {
    rows.iter()
        .filter(|r| fold_of(&r.seeker, k) == fold)
        .cloned()
        .collect()
}

/// The per-sentence tags of an utterance, in text order.
pub fn tags(analyzer: &Analyzer, row: &Row) -> Vec<Strategy> {
    analyzer
        .score_reply(&row.seeker, &row.text)
        .strategies
        .iter()
        .map(|s| s.strategy)
        .collect()
}

/// The single label of an utterance: its majority tag, ties to the earliest
/// sentence; `other` when it has no sentence.
pub fn single_label(tags: &[Strategy]) -> Strategy {
    let mut best: Option<(Strategy, usize)> = None;
    for &t in tags {
        let n = tags.iter().filter(|&&u| u == t).count();
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((t, n));
        }
    }
    best.map_or(Strategy::Other, |(t, _)| t)
}

/// Precision, recall and F1 of one class in the single-label view.
#[derive(Debug, Clone, Serialize)]
pub struct ClassMetrics {
    pub strategy: &'static str,
    pub gold: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Agreement figures of a tagger on labelled rows.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub rows: usize,
    /// Share of utterances where some sentence's tag is the label.
    pub utterance_accuracy: f64,
    /// Mean number of distinct tags per utterance.
    pub tags_per_utterance: f64,
    /// Accuracy of the single label (majority tag).
    pub single_accuracy: f64,
    /// Mean F1 of the eight classes in the single-label view.
    pub macro_f1: f64,
    pub per_class: Vec<ClassMetrics>,
    /// `confusion[gold][predicted]`, classes in `Strategy::ALL` order.
    pub confusion: Vec<Vec<usize>>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn index(s: Strategy) -> usize {
    Strategy::ALL.iter().position(|&t| t == s).unwrap_or(0)
}

/// Metrics from each row's gold label and its per-sentence tags.
pub fn metrics(gold: &[Strategy], tagged: &[Vec<Strategy>]) -> Metrics {
    let n = gold.len();
    let k = Strategy::ALL.len();
    let mut confusion = vec![vec![0usize; k]; k];
    let mut any_right = 0;
    let mut distinct = 0;
    for (&g, t) in gold.iter().zip(tagged) {
        any_right += usize::from(t.contains(&g));
        let mut seen: Vec<Strategy> = t.clone();
        seen.sort();
        seen.dedup();
        distinct += seen.len();
        confusion[index(g)][index(single_label(t))] += 1;
    }
    let per_class: Vec<ClassMetrics> = Strategy::ALL
        .iter()
        .enumerate()
        .map(|(c, s)| {
            let tp = confusion[c][c];
            let predicted: usize = confusion.iter().map(|row| row[c]).sum();
            let gold: usize = confusion[c].iter().sum();
            let (p, r) = (ratio(tp, predicted), ratio(tp, gold));
            ClassMetrics {
                strategy: s.as_str(),
                gold,
                precision: p,
                recall: r,
                f1: if p + r == 0.0 {
                    0.0
                } else {
                    2.0 * p * r / (p + r)
                },
            }
        })
        .collect();
    let correct: usize = (0..k).map(|c| confusion[c][c]).sum();
    Metrics {
        rows: n,
        utterance_accuracy: ratio(any_right, n),
        tags_per_utterance: ratio(distinct, n),
        single_accuracy: ratio(correct, n),
        macro_f1: per_class.iter().map(|c| c.f1).sum::<f64>() / k as f64,
        per_class,
        confusion,
    }
}

/// Scores every row with the analyzer and measures its tags.
pub fn evaluate(analyzer: &Analyzer, rows: &[Row]) -> Metrics {
    let tagged: Vec<Vec<Strategy>> = rows.par_iter().map(|r| tags(analyzer, r)).collect();
    let gold: Vec<Strategy> = rows.iter().map(|r| r.label).collect();
    metrics(&gold, &tagged)
}

/// The baseline: `question` when the text has a question mark, else
/// `information`, one tag per utterance.
pub fn baseline(rows: &[Row]) -> Metrics {
    let tagged: Vec<Vec<Strategy>> = rows
        .iter()
        .map(|r| {
            vec![if r.text.contains('?') {
                Strategy::Question
            } else {
                Strategy::Information
            }]
        })
        .collect();
    let gold: Vec<Strategy> = rows.iter().map(|r| r.label).collect();
    metrics(&gold, &tagged)
}

/// Ours and the baseline on the same rows, and per fold when asked.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub file: String,
    /// `Some((i, k))` when only fold `i` of `k` was evaluated.
    pub part: Option<(usize, usize)>,
    pub ours: Metrics,
    pub baseline: Metrics,
    /// With `--folds K`: ours on each fold.
    pub folds: Vec<Metrics>,
}

/// Utterances whose tags miss the label, for error analysis.
pub fn errors(
    analyzer: &Analyzer,
    rows: &[Row],
    limit: usize,
) -> Vec<(Strategy, Vec<Strategy>, String)> {
    rows.iter()
        .filter_map(|r| {
            let t = tags(analyzer, r);
            (!t.contains(&r.label)).then(|| (r.label, t, r.text.clone()))
        })
        .take(limit)
        .collect()
}

/// Short column names for the confusion matrix.
fn short(s: Strategy) -> &'static str {
    match s {
        Strategy::Question => "quest",
        Strategy::Restatement => "restat",
        Strategy::ReflectionOfFeelings => "reflect",
        Strategy::SelfDisclosure => "self",
        Strategy::AffirmationReassurance => "affirm",
        Strategy::Suggestion => "suggest",
        Strategy::Information => "inform",
        Strategy::Other => "other",
        // A strategy added to the core later: its full name is short enough.
        _ => s.as_str(),
    }
}

/// Prints the report as tables.
pub fn print(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let (ours, base) = (&report.ours, &report.baseline);
    let part = report.part.map_or(String::new(), |(i, k)| {
        format!(", fold {i} of {k} by seeker hash")
    });
    writeln!(
        out,
        "ESConv support strategies: {} utterances ({}{part})\n",
        ours.rows, report.file
    )?;
    writeln!(out, "{:<34} {:>8} {:>9}", "", "ours", "baseline")?;
    let line = |out: &mut dyn Write, name: &str, a: f64, b: f64| {
        writeln!(out, "{name:<34} {a:>8.3} {b:>9.3}")
    };
    line(
        out,
        "utterance accuracy (any sentence)",
        ours.utterance_accuracy,
        base.utterance_accuracy,
    )?;
    line(
        out,
        "distinct tags per utterance",
        ours.tags_per_utterance,
        base.tags_per_utterance,
    )?;
    line(
        out,
        "single-label accuracy",
        ours.single_accuracy,
        base.single_accuracy,
    )?;
    line(out, "single-label macro-F1", ours.macro_f1, base.macro_f1)?;
    writeln!(
        out,
        "\nper class (single label = the majority tag of the utterance's sentences, ties to the earliest):"
    )?;
    writeln!(
        out,
        "{:<24} {:>5} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
        "strategy", "gold", "P", "R", "F1", "base P", "base R", "base F1"
    )?;
    for (o, b) in ours.per_class.iter().zip(&base.per_class) {
        writeln!(
            out,
            "{:<24} {:>5} | {:>6.3} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} {:>6.3}",
            o.strategy, o.gold, o.precision, o.recall, o.f1, b.precision, b.recall, b.f1
        )?;
    }
    writeln!(
        out,
        "\nconfusion (rows: gold; columns: predicted single label):"
    )?;
    write!(out, "{:<9}", "")?;
    for &s in Strategy::ALL {
        write!(out, " {:>7}", short(s))?;
    }
    writeln!(out)?;
    for (g, row) in ours.confusion.iter().enumerate() {
        write!(out, "{:<9}", short(Strategy::ALL[g]))?;
        for n in row {
            write!(out, " {n:>7}")?;
        }
        writeln!(out)?;
    }
    if !report.folds.is_empty() {
        writeln!(
            out,
            "\nper fold (rows assigned by a hash of the seeker text):\n{:<6} {:>6} {:>10} {:>8} {:>10}",
            "fold", "rows", "utt. acc", "tags/utt", "single mF1"
        )?;
        for (i, m) in report.folds.iter().enumerate() {
            writeln!(
                out,
                "{:<6} {:>6} {:>10.3} {:>8.3} {:>10.3}",
                i, m.rows, m.utterance_accuracy, m.tags_per_utterance, m.macro_f1
            )?;
        }
    }
    writeln!(
        out,
        "\nbaseline: `question` if the utterance has a `?`, else `information`."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_map_to_strategies() {
        for (name, s) in [
            ("Questions", Strategy::Question),
            ("Question", Strategy::Question),
            ("Restatement or Paraphrasing", Strategy::Restatement),
            ("Reflection of feelings", Strategy::ReflectionOfFeelings),
            ("Self-disclosure", Strategy::SelfDisclosure),
            (
                "Affirmation and Reassurance",
                Strategy::AffirmationReassurance,
            ),
            ("Providing Suggestions", Strategy::Suggestion),
            ("Information", Strategy::Information),
            ("Others", Strategy::Other),
            ("Other", Strategy::Other),
        ] {
            assert_eq!(label_of(name), Some(s), "{name}");
        }
        assert_eq!(label_of("Sarcasm"), None);
    }

    #[test]
    fn majority_tag_with_ties_to_the_earliest() {
        use Strategy::*;
        assert_eq!(single_label(&[Other, Question, Question]), Question);
        assert_eq!(single_label(&[Suggestion, Question]), Suggestion);
        assert_eq!(single_label(&[]), Other);
    }

    #[test]
    fn metrics_count_any_sentence_and_distinct_tags() {
        use Strategy::*;
        let m = metrics(
            &[Question, Suggestion],
            &[vec![Other, Question, Question], vec![Information]],
        );
        assert_eq!(m.utterance_accuracy, 0.5);
        assert_eq!(m.tags_per_utterance, 1.5);
        // Single labels: Question (right), Information (wrong).
        assert_eq!(m.single_accuracy, 0.5);
        assert_eq!(m.confusion[index(Suggestion)][index(Information)], 1);
    }
}
