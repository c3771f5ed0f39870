//! `empathize eval epitome`: agreement of EPITOME levels with human labels.
//!
//! Reads CSV files with the columns of the EPITOME corpus (`seeker_post`,
//! `response_post`, `level`, `rationales`), scores each response against its
//! seeker post, and prints per mechanism: accuracy, 3-class macro-F1,
//! precision/recall/F1 of level ≥ 1, the confusion matrix, rationale token-F1,
//! and the same figures for a naive keyword baseline on the same rows.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use empathize::{Analyzer, Mechanism, MessageReport};
use rayon::prelude::*;
use serde::Serialize;

/// One labelled row.
#[derive(Debug, Clone)]
pub struct Row {
    pub seeker: String,
    pub response: String,
    pub level: u8,
    pub rationales: Vec<String>,
}

/// Reads an EPITOME-format CSV.
pub fn read_rows(path: &Path) -> Result<Vec<Row>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow!("{}: no column `{name}`", path.display()))
    };
    let (seeker, response, level) = (col("seeker_post")?, col("response_post")?, col("level")?);
    let rationales = headers.iter().position(|h| h == "rationales");
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", path.display(), i + 2))?;
        let level: u8 = record
            .get(level)
            .unwrap_or("")
            .trim()
            .parse()
            .with_context(|| format!("{}: row {}: bad level", path.display(), i + 2))?;
        if level > 2 {
            bail!(
                "{}: row {}: level {level} is not 0, 1 or 2",
                path.display(),
                i + 2
            );
        }
        rows.push(Row {
            seeker: record.get(seeker).unwrap_or("").to_string(),
            response: record.get(response).unwrap_or("").to_string(),
            level,
            rationales: rationales
                .and_then(|c| record.get(c))
                .unwrap_or("")
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        });
    }
    Ok(rows)
}

/// The CSV files of directories, and the other paths as they are.
pub fn expand_paths(paths: &[String]) -> Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        let path = std::path::PathBuf::from(p);
        if path.is_dir() {
            let mut inside: Vec<_> = std::fs::read_dir(&path)
                .with_context(|| format!("cannot read {p}"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|e| e == "csv"))
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

/// Which mechanism a file holds, from its name.
pub fn mechanism_of(path: &Path) -> Option<Mechanism> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.contains("emotion") {
        Some(Mechanism::EmotionalReactions)
    } else if name.contains("interpret") {
        Some(Mechanism::Interpretations)
    } else if name.contains("explor") {
        Some(Mechanism::Explorations)
    } else {
        None
    }
}

/// Agreement figures for one mechanism.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub rows: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub precision_any: f64,
    pub recall_any: f64,
    pub f1_any: f64,
    /// `confusion[gold][predicted]`.
    pub confusion: [[usize; 3]; 3],
    /// Mean token-F1 of predicted rationale spans, over rows with a gold rationale.
    pub rationale_f1: Option<f64>,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Mean F1 of the three levels, from `confusion[gold][predicted]`.
pub fn macro_f1(confusion: &[[usize; 3]; 3]) -> f64 {
    let per_class = |c: usize| {
        let tp = confusion[c][c];
        let predicted: usize = confusion.iter().map(|row| row[c]).sum();
        let gold: usize = confusion[c].iter().sum();
        f1(ratio(tp, predicted), ratio(tp, gold))
    };
    (0..3).map(per_class).sum::<f64>() / 3.0
}

/// Computes the metrics from gold and predicted levels (and rationale F1s).
pub fn metrics(gold: &[u8], predicted: &[u8], rationale_f1s: &[f64]) -> Metrics {
    let mut confusion = [[0usize; 3]; 3];
    for (&g, &p) in gold.iter().zip(predicted) {
        confusion[g.min(2) as usize][p.min(2) as usize] += 1;
    }
    let n = gold.len();
    let correct: usize = (0..3).map(|i| confusion[i][i]).sum();
    let tp_any: usize = (1..3)
        .flat_map(|g| (1..3).map(move |p| (g, p)))
        .map(|(g, p)| confusion[g][p])
        .sum();
    let pred_any: usize = (0..3)
        .flat_map(|g| (1..3).map(move |p| (g, p)))
        .map(|(g, p)| confusion[g][p])
        .sum();
    let gold_any: usize = (1..3).map(|g| confusion[g].iter().sum::<usize>()).sum();
    let (p, r) = (ratio(tp_any, pred_any), ratio(tp_any, gold_any));
    Metrics {
        rows: n,
        accuracy: ratio(correct, n),
        macro_f1: macro_f1(&confusion),
        precision_any: p,
        recall_any: r,
        f1_any: f1(p, r),
        confusion,
        rationale_f1: if rationale_f1s.is_empty() {
            None
        } else {
            Some(rationale_f1s.iter().sum::<f64>() / rationale_f1s.len() as f64)
        },
    }
}

/// Word-token spans of a text (byte ranges), for rationale overlap.
fn word_spans(analyzer: &Analyzer, text: &str) -> Vec<(usize, usize)> {
    analyzer
        .tokenize(text)
        .iter()
        .filter(|t| {
            matches!(
                t.kind,
                empathize::TokenKind::Word | empathize::TokenKind::Number
            )
        })
        .map(|t| (t.start, t.end))
        .collect()
}

/// Token-F1 between gold rationale substrings and predicted byte spans.
pub fn rationale_token_f1(
    analyzer: &Analyzer,
    text: &str,
    gold_spans: &[String],
    predicted: &[(usize, usize)],
) -> Option<f64> {
    let words = word_spans(analyzer, text);
    let mut gold_ranges = Vec::new();
    for g in gold_spans {
        if let Some(at) = text.find(g.as_str()) {
            gold_ranges.push((at, at + g.len()));
        }
    }
    if gold_ranges.is_empty() {
        return None;
    }
    let inside = |w: &(usize, usize), ranges: &[(usize, usize)]| {
        ranges.iter().any(|r| w.0 >= r.0 && w.1 <= r.1)
    };
    let gold: Vec<bool> = words.iter().map(|w| inside(w, &gold_ranges)).collect();
    let pred: Vec<bool> = words.iter().map(|w| inside(w, predicted)).collect();
    let tp = gold.iter().zip(&pred).filter(|(g, p)| **g && **p).count();
    let (g, p) = (
        gold.iter().filter(|x| **x).count(),
        pred.iter().filter(|x| **x).count(),
    );
    Some(f1(ratio(tp, p), ratio(tp, g)))
}

/// Evidence spans for a mechanism: the sentences the report's EPITOME
/// evidence points at (annotators mark clauses, not phrases).
fn predicted_spans(report: &MessageReport, mechanism: Mechanism) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = report
        .evidence
        .iter()
        .filter(|e| e.mechanism == mechanism && e.value > 0.0)
        .map(|e| (e.start, e.end))
        .collect();
    spans.dedup();
    spans
}

/// The naive baseline: a fixed keyword list; a hit means level 1.
const BASELINE_KEYWORDS: &[&str] = &[
    "i understand",
    "i'm sorry",
    "i am sorry",
    "sorry",
    "i apologize",
    "let me help",
    "i know how you feel",
];

fn baseline_level(response: &str) -> u8 {
    let lower = response.to_lowercase().replace('’', "'");
    u8::from(BASELINE_KEYWORDS.iter().any(|k| lower.contains(k)))
}

/// Rows where the predicted level differs from the gold one, for error analysis.
pub fn errors(
    analyzer: &Analyzer,
    rows: &[Row],
    mechanism: Mechanism,
    limit: usize,
) -> Vec<(u8, u8, String)> {
    rows.iter()
        .filter_map(|row| {
            let level = analyzer
                .score_reply(&row.seeker, &row.response)
                .epitome
                .get(mechanism);
            (level != row.level).then(|| (row.level, level, row.response.clone()))
        })
        .take(limit)
        .collect()
}

/// Figures for one file: ours and the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    pub file: String,
    pub mechanism: &'static str,
    pub ours: Metrics,
    /// 5-fold cross-validated: weights and thresholds fitted on 4/5, scored on 1/5.
    pub cross_validated: Option<Metrics>,
    pub baseline: Metrics,
}

/// The predicted level of each row.
pub fn levels(analyzer: &Analyzer, rows: &[Row], mechanism: Mechanism) -> Vec<u8> {
    rows.par_iter()
        .map(|row| {
            analyzer
                .score_reply(&row.seeker, &row.response)
                .epitome
                .get(mechanism)
        })
        .collect()
}

/// Evaluates one file.
pub fn evaluate(analyzer: &Analyzer, rows: &[Row], mechanism: Mechanism, file: &str) -> FileResult {
    let scored: Vec<(u8, Option<f64>)> = rows
        .par_iter()
        .map(|row| {
            let report = analyzer.score_reply(&row.seeker, &row.response);
            let level = report.epitome.get(mechanism);
            let spans = if level > 0 {
                predicted_spans(&report, mechanism)
            } else {
                Vec::new()
            };
            let rf1 = if row.level > 0 {
                rationale_token_f1(analyzer, &row.response, &row.rationales, &spans)
            } else {
                None
            };
            (level, rf1)
        })
        .collect();
    let gold: Vec<u8> = rows.iter().map(|r| r.level).collect();
    let predicted: Vec<u8> = scored.iter().map(|s| s.0).collect();
    let rf1: Vec<f64> = scored.iter().filter_map(|s| s.1).collect();
    let base_pred: Vec<u8> = rows.iter().map(|r| baseline_level(&r.response)).collect();
    let base_rf1: Vec<f64> = rows
        .iter()
        .zip(&base_pred)
        .filter(|(r, _)| r.level > 0)
        .filter_map(|(r, &p)| {
            let spans = if p > 0 {
                let lower = r.response.to_lowercase().replace('’', "'");
                BASELINE_KEYWORDS
                    .iter()
                    .filter_map(|k| lower.find(k).map(|at| (at, at + k.len())))
                    .collect()
            } else {
                Vec::new()
            };
            rationale_token_f1(analyzer, &r.response, &r.rationales, &spans)
        })
        .collect();
    FileResult {
        file: file.to_string(),
        mechanism: mechanism.as_str(),
        ours: metrics(&gold, &predicted, &rf1),
        cross_validated: None,
        baseline: metrics(&gold, &base_pred, &base_rf1),
    }
}

/// Published figures of the RoBERTa bi-encoder (Sharma et al., 2020), for reference.
fn published(mechanism: Mechanism) -> (f64, f64, f64) {
    // (macro-F1 TalkLife+Reddit, macro-F1 re-run on public Reddit, rationale token-F1)
    match mechanism {
        Mechanism::EmotionalReactions => (0.745, 0.684, 0.54),
        Mechanism::Interpretations => (0.626, 0.625, 0.57),
        Mechanism::Explorations => (0.726, 0.677, 0.72),
        // A mechanism the paper does not have: no published figure.
        _ => (f64::NAN, f64::NAN, f64::NAN),
    }
}

pub fn print(out: &mut dyn Write, results: &[FileResult]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<22} {:>5} | {:>6} {:>8} {:>8} {:>6} {:>6} {:>6} {:>6} | {:>8} {:>9} | {:>8}",
        "mechanism",
        "rows",
        "acc",
        "macro-F1",
        "CV mF1",
        "P≥1",
        "R≥1",
        "F1≥1",
        "ratF1",
        "base mF1",
        "base F1≥1",
        "RoBERTa*"
    )?;
    for r in results {
        let m = Mechanism::from_name(r.mechanism).unwrap_or(Mechanism::EmotionalReactions);
        let (_, reddit, _) = published(m);
        writeln!(
            out,
            "{:<22} {:>5} | {:>6.3} {:>8.3} {:>8} {:>6.3} {:>6.3} {:>6.3} {:>6} | {:>8.3} {:>9.3} | {:>8.3}",
            r.mechanism,
            r.ours.rows,
            r.ours.accuracy,
            r.ours.macro_f1,
            r.cross_validated.as_ref().map_or("–".into(), |m| format!("{:.3}", m.macro_f1)),
            r.ours.precision_any,
            r.ours.recall_any,
            r.ours.f1_any,
            r.ours.rationale_f1.map_or("–".into(), |x| format!("{x:.3}")),
            r.baseline.macro_f1,
            r.baseline.f1_any,
            reddit
        )?;
    }
    writeln!(out)?;
    for r in results {
        writeln!(
            out,
            "{} — confusion (rows: gold 0/1/2; columns: predicted 0/1/2):",
            r.mechanism
        )?;
        for (g, row) in r.ours.confusion.iter().enumerate() {
            writeln!(out, "  gold {g}: {:>6} {:>6} {:>6}", row[0], row[1], row[2])?;
        }
    }
    writeln!(
        out,
        "\nmacro-F1: in-sample with the pack as shipped. CV mF1: 5-fold cross-validation, the pack's\nEPITOME weights and thresholds re-fitted on 4/5 of the rows and scored on the other 1/5.\nratF1: token-F1 of evidence sentences against the annotators' rationales (rows with a rationale).\nbase: keyword baseline (a fixed list: i understand, i'm sorry, i apologize, let me help, …) → level 1."
    )?;
    writeln!(
        out,
        "* RoBERTa: published macro-F1 of the EPITOME bi-encoder re-run on the public Reddit data (Sharma et al., EMNLP 2020); not measured here."
    )
}
