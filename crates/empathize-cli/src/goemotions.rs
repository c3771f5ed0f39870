//! `empathize eval goemotions`: customer emotions and distress against the
//! GoEmotions labels, for the rules alone and for rules + learned tables.
//!
//! An emotion counts as found when its value is above 0. Distress is
//! judged by ranking: the AUC of comments labelled with a negative emotion
//! (anger, annoyance, sadness, grief, fear, nervousness, disappointment,
//! remorse, disgust) against comments labelled only `neutral`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use empathize::{Analyzer, Emotion};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::train::{GOEMOTIONS_DISTRESS, GOEMOTIONS_EMOTIONS};

#[derive(Deserialize)]
struct Row {
    text: String,
    labels: Vec<String>,
}

/// Precision, recall and F1 of one emotion, with its 2×2 confusion.
#[derive(Debug, Clone, Serialize)]
pub struct ClassResult {
    pub emotion: &'static str,
    pub support: usize,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// The figures of one analyzer.
#[derive(Debug, Clone, Serialize)]
pub struct Result_ {
    pub name: &'static str,
    pub classes: Vec<ClassResult>,
    pub macro_f1: f64,
    pub distress_auc: f64,
    pub negative: usize,
    pub neutral: usize,
}

/// Area under the ROC curve of `(score, positive)` pairs; ties count half.
pub fn auc(scored: &[(f64, bool)]) -> f64 {
    let mut sorted: Vec<(f64, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = sorted.iter().filter(|s| s.1).count() as f64;
    let negatives = sorted.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return 0.5;
    }
    // Sum of the ranks of positives, ties given their mean rank.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let mean_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += sorted[i..j].iter().filter(|s| s.1).count() as f64 * mean_rank;
        i = j;
    }
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

fn read(paths: &[String]) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for p in paths {
        let mut path = PathBuf::from(p);
        if path.is_dir() {
            path = path.join("dev.jsonl");
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            rows.push(
                serde_json::from_str(line)
                    .with_context(|| format!("{}:{}", path.display(), i + 1))?,
            );
        }
    }
    Ok(rows)
}

fn evaluate(name: &'static str, analyzer: &Analyzer, rows: &[Row]) -> Result_ {
    let reports: Vec<_> = rows
        .par_iter()
        .map(|r| analyzer.analyze_customer(&r.text))
        .collect();
    let emotions: Vec<Emotion> = Emotion::ALL
        .iter()
        .copied()
        .filter(|e| GOEMOTIONS_EMOTIONS.iter().any(|(_, m)| *m == e.as_str()))
        .collect();
    let classes: Vec<ClassResult> = emotions
        .iter()
        .map(|&e| {
            let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
            for (row, report) in rows.iter().zip(&reports) {
                let gold = row.labels.iter().any(|l| {
                    GOEMOTIONS_EMOTIONS
                        .iter()
                        .any(|(g, m)| g == l && *m == e.as_str())
                });
                match (report.emotions.get(e) > 0.0, gold) {
                    (true, true) => tp += 1,
                    (true, false) => fp += 1,
                    (false, true) => fn_ += 1,
                    (false, false) => tn += 1,
                }
            }
            let precision = tp as f64 / (tp + fp).max(1) as f64;
            let recall = tp as f64 / (tp + fn_).max(1) as f64;
            let f1 = if tp > 0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            ClassResult {
                emotion: e.as_str(),
                support: tp + fn_,
                tp,
                fp,
                fn_,
                tn,
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let macro_f1 = classes.iter().map(|c| c.f1).sum::<f64>() / classes.len().max(1) as f64;
    let scored: Vec<(f64, bool)> = rows
        .iter()
        .zip(&reports)
        .filter_map(|(row, report)| {
            let negative = row
                .labels
                .iter()
                .any(|l| GOEMOTIONS_DISTRESS.contains(&l.as_str()));
            let neutral = row.labels.iter().all(|l| l == "neutral");
            (negative || neutral).then_some((report.distress, negative))
        })
        .collect();
    let negative = scored.iter().filter(|s| s.1).count();
    Result_ {
        name,
        macro_f1,
        distress_auc: auc(&scored),
        negative,
        neutral: scored.len() - negative,
        classes,
    }
}

/// Prints the figures of rules alone and of the full analyzer side by side.
pub fn eval(
    analyzer: &Analyzer,
    rules_only: &Analyzer,
    paths: &[String],
    json: bool,
) -> Result<ExitCode> {
    let rows = read(paths)?;
    let results = [
        evaluate("rules alone", rules_only, &rows),
        evaluate("rules + learned", analyzer, &rows),
    ];
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "GoEmotions: {} comments", rows.len())?;
    writeln!(
        out,
        "{:<16} {:>7} | {:>30} | {:>30}",
        "emotion", "support", "rules alone  P / R / F1", "rules + learned  P / R / F1"
    )?;
    for (a, b) in results[0].classes.iter().zip(&results[1].classes) {
        writeln!(
            out,
            "{:<16} {:>7} | {:>8.3} {:>6.3} {:>6.3}       | {:>8.3} {:>6.3} {:>6.3}",
            a.emotion, a.support, a.precision, a.recall, a.f1, b.precision, b.recall, b.f1
        )?;
    }
    writeln!(
        out,
        "{:<16} {:>7} | {:>22.3}       | {:>22.3}",
        "macro-F1", "", results[0].macro_f1, results[1].macro_f1
    )?;
    writeln!(
        out,
        "{:<16} {:>7} | {:>22.3}       | {:>22.3}",
        "distress AUC",
        format!("{}/{}", results[1].negative, results[1].neutral),
        results[0].distress_auc,
        results[1].distress_auc
    )?;
    writeln!(
        out,
        "\nConfusion per emotion (rules + learned): tp fp fn tn"
    )?;
    for c in &results[1].classes {
        writeln!(
            out,
            "  {:<16} {:>6} {:>6} {:>6} {:>6}",
            c.emotion, c.tp, c.fp, c.fn_, c.tn
        )?;
    }
    writeln!(
        out,
        "\nAn emotion is found when its value is above 0. Distress AUC: comments labelled with a\nnegative emotion against comments labelled only neutral (counts: negative/neutral)."
    )?;
    Ok(ExitCode::SUCCESS)
}
