//! Fitting a learned weight table: one L2-regularized logistic regression
//! per target over binary n-gram features plus the rules' own evidence,
//! pruned to the strongest n-grams and refitted on them.
//!
//! Everything here is deterministic: full-batch optimization in a fixed
//! order, no randomness, so the same examples give the same table bit for
//! bit.

use std::collections::HashMap;

use rayon::prelude::*;

/// One training example: the n-grams it holds (feature ids, distinct), the
/// rules' evidence for each target, and whether each target is present.
#[derive(Debug, Clone)]
pub struct Example {
    pub grams: Vec<u32>,
    pub rules: Vec<f64>,
    pub labels: Vec<bool>,
}

/// Interns n-gram strings as feature ids.
#[derive(Debug, Default)]
pub struct Features {
    ids: HashMap<String, u32>,
    pub names: Vec<String>,
}

impl Features {
    pub fn id(&mut self, gram: &str) -> u32 {
        if let Some(&id) = self.ids.get(gram) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(gram.to_string(), id);
        self.names.push(gram.to_string());
        id
    }
}

/// Settings of a fit.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Keep at most this many n-grams per target.
    pub top_k: usize,
    /// Ignore n-grams seen in fewer examples.
    pub min_df: usize,
    /// L2 penalty on n-gram weights (per example).
    pub l2: f64,
    /// Optimization steps.
    pub steps: usize,
}

/// The fitted model of one target.
#[derive(Debug, Clone)]
pub struct TargetModel {
    pub bias: f64,
    pub rules: f64,
    /// `(feature id, weight)`, strongest first.
    pub weights: Vec<(u32, f64)>,
}

impl TargetModel {
    pub fn logit(&self, ex: &Example, target: usize, lookup: &HashMap<u32, f64>) -> f64 {
        self.bias
            + self.rules * ex.rules[target]
            + ex.grams.iter().filter_map(|g| lookup.get(g)).sum::<f64>()
    }

    pub fn lookup(&self) -> HashMap<u32, f64> {
        self.weights.iter().copied().collect()
    }
}

/// Fits every target; `features` is the number of distinct feature ids.
pub fn fit(examples: &[Example], targets: usize, features: usize, s: Settings) -> Vec<TargetModel> {
    let mut df = vec![0usize; features];
    for ex in examples {
        for &g in &ex.grams {
            df[g as usize] += 1;
        }
    }
    let allowed: Vec<bool> = df.iter().map(|&d| d >= s.min_df).collect();
    (0..targets)
        .into_par_iter()
        .map(|t| {
            let all = fit_target(examples, t, &allowed, s);
            // Prune to the strongest n-grams, then refit on those alone.
            let mut ranked: Vec<(u32, f64)> = all
                .weights
                .iter()
                .copied()
                .filter(|(_, w)| w.abs() > 1e-3)
                .collect();
            ranked.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
            ranked.truncate(s.top_k);
            let mut kept = vec![false; features];
            for (g, _) in &ranked {
                kept[*g as usize] = true;
            }
            let mut model = fit_target(examples, t, &kept, s);
            model.weights.retain(|(_, w)| w.abs() > 1e-4);
            model
                .weights
                .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            model
        })
        .collect()
}

/// Full-batch Adam on the mean log loss plus `l2/2 · |w|²` (n-grams only).
fn fit_target(examples: &[Example], t: usize, allowed: &[bool], s: Settings) -> TargetModel {
    let n = examples.len().max(1) as f64;
    let dims = allowed.len();
    let positives = examples.iter().filter(|e| e.labels[t]).count() as f64;
    let prior = ((positives + 0.5) / (n - positives + 0.5)).ln();
    // Parameters: [bias, rules, w_0 .. w_dims).
    let mut theta = vec![0.0f64; dims + 2];
    theta[0] = prior;
    let (mut m, mut v) = (vec![0.0f64; dims + 2], vec![0.0f64; dims + 2]);
    let (b1, b2, lr, eps) = (0.9, 0.999, 0.05, 1e-8);
    let mut grad = vec![0.0f64; dims + 2];
    for step in 1..=s.steps {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for ex in examples {
            let mut z = theta[0] + theta[1] * ex.rules[t];
            for &g in &ex.grams {
                if allowed[g as usize] {
                    z += theta[g as usize + 2];
                }
            }
            let p = 1.0 / (1.0 + (-z).exp());
            let err = p - if ex.labels[t] { 1.0 } else { 0.0 };
            grad[0] += err;
            grad[1] += err * ex.rules[t];
            for &g in &ex.grams {
                if allowed[g as usize] {
                    grad[g as usize + 2] += err;
                }
            }
        }
        for (i, g) in grad.iter_mut().enumerate() {
            *g /= n;
            if i >= 2 {
                *g += s.l2 * theta[i];
            }
        }
        let (c1, c2) = (1.0 - b1_pow(b1, step), 1.0 - b1_pow(b2, step));
        for i in 0..theta.len() {
            if i >= 2 && !allowed[i - 2] {
                continue;
            }
            m[i] = b1 * m[i] + (1.0 - b1) * grad[i];
            v[i] = b2 * v[i] + (1.0 - b2) * grad[i] * grad[i];
            theta[i] -= lr * (m[i] / c1) / ((v[i] / c2).sqrt() + eps);
        }
    }
    TargetModel {
        bias: theta[0],
        rules: theta[1],
        weights: (0..dims)
            .filter(|&g| allowed[g] && theta[g + 2] != 0.0)
            .map(|g| (g as u32, theta[g + 2]))
            .collect(),
    }
}

fn b1_pow(b: f64, step: usize) -> f64 {
    b.powi(step.min(i32::MAX as usize) as i32)
}

/// Shifts the bias so that `z > 0` best separates the target (F1 on the
/// training examples): used where a value is reported only when positive.
pub fn calibrate_presence(model: &mut TargetModel, examples: &[Example], t: usize) {
    let lookup = model.lookup();
    let mut scored: Vec<(f64, bool)> = examples
        .iter()
        .map(|e| (model.logit(e, t, &lookup), e.labels[t]))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|s| s.1).count() as f64;
    let (mut tp, mut best, mut cut) = (0.0, -1.0, 0.0);
    for (i, (z, label)) in scored.iter().enumerate() {
        if *label {
            tp += 1.0;
        }
        let predicted = (i + 1) as f64;
        let f1 = 2.0 * tp / (predicted + positives);
        let next = scored.get(i + 1).map_or(z - 1.0, |s| s.0);
        if f1 > best && next < *z {
            best = f1;
            cut = (z + next) / 2.0;
        }
    }
    model.bias -= cut;
}
