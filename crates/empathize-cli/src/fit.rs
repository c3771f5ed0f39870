//! Fitting the EPITOME parameters of the `[scoring]` table, with 5-fold
//! cross-validation.
//!
//! A reply's evidence for a mechanism is `E = strong + min(weak, cap)`:
//! `strong` is what level-2 rules contribute, `weak` is
//! `w_rules · level-1 rules + Σ w_k · count_k`, where `count_k` is how often
//! a sentence feature (a question to the person, the writer's own
//! experience, …) occurs. The cap keeps many weak signs from making a strong
//! one. Levels are thresholds on `E`. The fit scores every row once, reads
//! the components off the report's evidence, then searches the weights
//! (coordinate descent on a grid), the cap (a grid) and the thresholds
//! (exhaustive over cut points) for the best 3-class macro-F1. Nothing is
//! fitted per row or per phrase: a handful of numbers per mechanism, written
//! into the pack for anyone to read.

use std::collections::HashMap;
use std::fmt::Write as _;

use empathize::{Analyzer, Mechanism};
use rayon::prelude::*;

use crate::eval::{macro_f1, metrics, Metrics, Row};

/// The sentence features of each mechanism: (evidence source, parameter).
pub fn features(m: Mechanism) -> &'static [(&'static str, &'static str)] {
    match m {
        Mechanism::EmotionalReactions => &[("learned", "emotional_reactions_learned")],
        Mechanism::Interpretations => &[
            ("learned", "interpretations_learned"),
            ("own_experience", "ip_first_person"),
            ("first_person", "ip_first_person_other"),
            ("opinion", "ip_opinion"),
            ("first_person_to_you", "ip_first_person_you"),
            ("shared_experience", "ip_shared"),
            ("echoes_customer", "ip_echo"),
        ],
        Mechanism::Explorations => &[
            ("learned", "explorations_learned"),
            ("specific_question_to_person", "ex_question_specific"),
            ("question_to_person", "ex_question_you"),
            ("question", "ex_question_other"),
            ("suggestive_question", "ex_question_suggestive"),
            ("rhetorical_question", "ex_question_rhetorical"),
            ("own_question", "ex_question_own"),
        ],
        // A mechanism added to the core later has no fitted features yet.
        _ => &[],
    }
}

/// Sentence-shape evidence that counts as strong, like a level-2 rule (its
/// value is set by hand in the pack, not fitted).
const STRONG_SHAPES: &[&str] = &["question_main_act"];

/// Names of the mechanism's (level 1, level 2, weak-rule weight, weak cap).
fn mechanism_params(m: Mechanism) -> [String; 4] {
    ["level1", "level2", "weak_rules", "weak_cap"].map(|p| format!("{}_{p}", m.as_str()))
}

/// One row reduced to what the levels depend on.
#[derive(Debug, Clone)]
pub struct Sample {
    pub gold: u8,
    /// Evidence of level-2 rules.
    pub strong: f64,
    /// Level-1 rule matches (each up to 1, with diminishing returns).
    pub weak_rules: f64,
    pub counts: Vec<f64>,
}

/// Weights, cap and thresholds of one mechanism. `weights[0]` is the weight
/// of level-1 rules, then one per sentence feature.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub weights: Vec<f64>,
    pub cap: f64,
    pub level1: f64,
    pub level2: f64,
}

impl Model {
    fn evidence(&self, s: &Sample) -> f64 {
        let weak = self.weights[0] * s.weak_rules
            + self.weights[1..]
                .iter()
                .zip(&s.counts)
                .map(|(w, c)| w * c)
                .sum::<f64>();
        s.strong + weak.min(self.cap)
    }

    pub fn predict(&self, s: &Sample) -> u8 {
        let e = self.evidence(s);
        if e >= self.level2 {
            2
        } else if e >= self.level1 {
            1
        } else {
            0
        }
    }
}

/// Scores every row and reads off its evidence components.
pub fn samples(analyzer: &Analyzer, rows: &[Row], m: Mechanism) -> Vec<Sample> {
    let params: HashMap<&str, f64> = analyzer.scoring_parameters().into_iter().collect();
    let weak_rule_weight = params
        .get(mechanism_params(m)[2].as_str())
        .copied()
        .unwrap_or(1.0);
    let levels: HashMap<String, u8> = analyzer
        .rules()
        .into_iter()
        .filter_map(|r| r.epitome.map(|(_, level)| (r.id, level)))
        .collect();
    let feats = features(m);
    let unweight = |value: f64, w: f64| if w != 0.0 { value / w } else { 0.0 };
    rows.par_iter()
        .map(|row| {
            let report = analyzer.score_reply(&row.seeker, &row.response);
            let mut sample = Sample {
                gold: row.level,
                strong: 0.0,
                weak_rules: 0.0,
                counts: vec![0.0; feats.len()],
            };
            for e in report.evidence.iter().filter(|e| e.mechanism == m) {
                match feats.iter().position(|(source, _)| *source == &*e.source) {
                    Some(k) => {
                        let w = params.get(feats[k].1).copied().unwrap_or(1.0);
                        sample.counts[k] += unweight(e.value, w);
                    }
                    None if STRONG_SHAPES.contains(&&*e.source)
                        || levels.get(&*e.source).copied().unwrap_or(1) >= 2 =>
                    {
                        sample.strong += e.value;
                    }
                    None => sample.weak_rules += unweight(e.value, weak_rule_weight),
                }
            }
            sample
        })
        .collect()
}

/// Best thresholds for fixed evidence values: every pair of cut points.
fn best_thresholds(evidence: &[(f64, u8)]) -> (f64, f64, f64) {
    let mut sorted: Vec<(f64, u8)> = evidence.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Cut candidates: between distinct values (at most ~60, by quantile).
    let mut cuts: Vec<(usize, f64)> = Vec::new();
    for i in 1..sorted.len() {
        if sorted[i].0 > sorted[i - 1].0 {
            cuts.push((i, (sorted[i].0 + sorted[i - 1].0) / 2.0));
        }
    }
    if cuts.len() > 60 {
        let step = cuts.len() as f64 / 60.0;
        cuts = (0..60).map(|k| cuts[(k as f64 * step) as usize]).collect();
    }
    cuts.insert(0, (0, f64::NEG_INFINITY));
    cuts.push((sorted.len(), f64::INFINITY));
    // prefix[i][g]: rows before i with gold g.
    let mut prefix = vec![[0usize; 3]; sorted.len() + 1];
    for (i, (_, g)) in sorted.iter().enumerate() {
        prefix[i + 1] = prefix[i];
        prefix[i + 1][(*g).min(2) as usize] += 1;
    }
    let n = sorted.len();
    let mut best = (f64::NEG_INFINITY, f64::INFINITY, f64::INFINITY);
    for (a, &(i, t1)) in cuts.iter().enumerate() {
        for &(j, t2) in &cuts[a..] {
            let mut confusion = [[0usize; 3]; 3];
            for g in 0..3 {
                confusion[g][0] = prefix[i][g];
                confusion[g][1] = prefix[j][g] - prefix[i][g];
                confusion[g][2] = prefix[n][g] - prefix[j][g];
            }
            let f = macro_f1(&confusion);
            if f > best.0 + 1e-12 {
                best = (f, t1, t2);
            }
        }
    }
    best
}

const GRID: &[f64] = &[0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0];
const CAPS: &[f64] = &[0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 99.0];

/// Fits weights, cap and thresholds on some samples.
pub fn fit(samples: &[&Sample], start: &[f64]) -> (Model, f64) {
    let evaluate = |weights: &[f64], cap: f64| {
        let model = Model {
            weights: weights.to_vec(),
            cap,
            level1: 0.0,
            level2: 0.0,
        };
        let evidence: Vec<(f64, u8)> = samples
            .iter()
            .map(|s| (model.evidence(s), s.gold))
            .collect();
        let (f, level1, level2) = best_thresholds(&evidence);
        (
            Model {
                level1,
                level2,
                ..model
            },
            f,
        )
    };
    let mut overall: Option<(Model, f64)> = None;
    for &cap in CAPS {
        let mut weights = start.to_vec();
        let mut best = evaluate(&weights, cap);
        for _round in 0..3 {
            let mut improved = false;
            for k in 0..weights.len() {
                for &w in GRID {
                    let mut trial = weights.clone();
                    trial[k] = w;
                    let candidate = evaluate(&trial, cap);
                    if candidate.1 > best.1 + 1e-9 {
                        best = candidate;
                        weights = trial;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        if overall.as_ref().is_none_or(|o| best.1 > o.1 + 1e-9) {
            overall = Some(best);
        }
    }
    overall.unwrap_or_else(|| evaluate(start, CAPS[CAPS.len() - 1]))
}

/// A fixed, seedless shuffle so folds are the same on every run.
fn fold_of(i: usize, folds: usize) -> usize {
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 31;
    (x % folds as u64) as usize
}

/// Where the search starts for a mechanism: the analyzer's current values.
pub fn start(analyzer: &Analyzer, m: Mechanism) -> Vec<f64> {
    let params: HashMap<&str, f64> = analyzer.scoring_parameters().into_iter().collect();
    std::iter::once(mechanism_params(m)[2].as_str())
        .chain(features(m).iter().map(|(_, p)| *p))
        .map(|p| params.get(p).copied().unwrap_or(1.0))
        .collect()
}

/// Result of fitting one mechanism.
pub struct FitResult {
    pub mechanism: Mechanism,
    pub model: Model,
    pub in_sample: Metrics,
    pub cross_validated: Metrics,
}

/// Fits on all rows (what gets written) and cross-validates (what to believe).
pub fn fit_mechanism(analyzer: &Analyzer, rows: &[Row], m: Mechanism, folds: usize) -> FitResult {
    let samples = samples(analyzer, rows, m);
    let start = start(analyzer, m);
    let gold: Vec<u8> = samples.iter().map(|s| s.gold).collect();

    let all: Vec<&Sample> = samples.iter().collect();
    let (model, _) = fit(&all, &start);
    let in_sample: Vec<u8> = samples.iter().map(|s| model.predict(s)).collect();

    let mut cv = vec![0u8; samples.len()];
    for f in 0..folds {
        let train: Vec<&Sample> = samples
            .iter()
            .enumerate()
            .filter(|(i, _)| fold_of(*i, folds) != f)
            .map(|(_, s)| s)
            .collect();
        let (fold_model, _) = fit(&train, &start);
        for (i, s) in samples.iter().enumerate() {
            if fold_of(i, folds) == f {
                cv[i] = fold_model.predict(s);
            }
        }
    }
    FitResult {
        mechanism: m,
        in_sample: metrics(&gold, &in_sample, &[]),
        cross_validated: metrics(&gold, &cv, &[]),
        model,
    }
}

/// The `[scoring]` lines for a fitted model.
pub fn scoring_lines(r: &FitResult) -> Vec<(String, f64)> {
    model_lines(r.mechanism, &r.model)
}

/// The `[scoring]` lines of a mechanism's model.
pub fn model_lines(m: Mechanism, model: &Model) -> Vec<(String, f64)> {
    let [l1, l2, weak_rules, weak_cap] = mechanism_params(m);
    let mut out: Vec<(String, f64)> = features(m)
        .iter()
        .zip(&model.weights[1..])
        .map(|((_, p), w)| (p.to_string(), *w))
        .collect();
    let finite = |x: f64| {
        if x.is_finite() {
            x
        } else if x > 0.0 {
            99.0
        } else {
            -99.0
        }
    };
    out.push((weak_rules, model.weights[0]));
    out.push((weak_cap, model.cap));
    out.push((l1, round3(finite(model.level1))));
    out.push((l2, round3(finite(model.level2))));
    out
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Rewrites (or adds) keys of the `[scoring]` table of a TOML pack source,
/// leaving everything else as it is.
pub fn write_scoring(src: &str, values: &[(String, f64)]) -> String {
    let lines: Vec<&str> = src.lines().collect();
    let start = lines.iter().position(|l| l.trim() == "[scoring]");
    let mut out = String::with_capacity(src.len() + 512);
    let render = |k: &str, v: f64| format!("{k} = {v}");
    match start {
        None => {
            out.push_str(src.trim_end());
            out.push_str("\n\n# Written by `empathize eval epitome --fit --write`.\n[scoring]\n");
            for (k, v) in values {
                let _ = writeln!(out, "{}", render(k, *v));
            }
        }
        Some(s) => {
            let end = lines[s + 1..]
                .iter()
                .position(|l| l.trim_start().starts_with('['))
                .map_or(lines.len(), |p| s + 1 + p);
            let mut written = vec![false; values.len()];
            for (i, line) in lines.iter().enumerate() {
                if i > s && i < end {
                    let key = line.split('=').next().unwrap_or("").trim();
                    if let Some(k) = values.iter().position(|(name, _)| name == key) {
                        let _ = writeln!(out, "{}", render(&values[k].0, values[k].1));
                        written[k] = true;
                        continue;
                    }
                }
                if i == end {
                    for (k, (name, v)) in values.iter().enumerate() {
                        if !written[k] {
                            let _ = writeln!(out, "{}", render(name, *v));
                            written[k] = true;
                        }
                    }
                }
                let _ = writeln!(out, "{line}");
            }
            for (k, (name, v)) in values.iter().enumerate() {
                if !written[k] {
                    let _ = writeln!(out, "{}", render(name, *v));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_separate_clean_data() {
        let data: Vec<(f64, u8)> = (0..30).map(|i| (i as f64, (i / 10) as u8)).collect();
        let (f, l1, l2) = best_thresholds(&data);
        assert!((f - 1.0).abs() < 1e-9);
        assert!(l1 > 9.0 && l1 < 10.0 && l2 > 19.0 && l2 < 20.0);
    }

    #[test]
    fn scoring_table_is_rewritten_in_place() {
        let src = "[pack]\nname = \"x\"\n\n[scoring]\nbias = -0.4\nex_question_you = 2\n\n[[rules]]\nid = \"a\"\n";
        let out = write_scoring(
            src,
            &[
                ("ex_question_you".into(), 1.5),
                ("explorations_level1".into(), 0.5),
            ],
        );
        assert!(out.contains("ex_question_you = 1.5"));
        assert!(out.contains("explorations_level1 = 0.5\n"));
        assert!(out.contains("bias = -0.4"));
        assert!(out.find("explorations_level1").unwrap() < out.find("[[rules]]").unwrap());
        let fresh = write_scoring("[pack]\n", &[("bias".into(), 1.0)]);
        assert!(fresh.contains("[scoring]\nbias = 1"));
    }
}
