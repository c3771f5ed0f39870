//! Fitting a learned weight table: one L2-regularized logistic regression
//! per target over binary n-gram features (each worth the example's
//! `scale`: 1, or `1/√n` for a length-scaled table) plus the rules' own
//! evidence, pruned to the strongest n-grams and refitted on them.
//!
//! Everything here is deterministic: full-batch optimization in a fixed
//! order, no randomness, so the same examples give the same table bit for
//! bit.

use std::collections::HashMap;

use rayon::prelude::*;

/// One training example: the n-grams it holds (feature ids, distinct), the
/// value of each (`scale`: 1, or `1/√n` with `n` its terms outside negation
/// scope for a `--scale sqrt-length` table), the rules' evidence for each
/// target, whether each target is present, how much the example counts in
/// the loss (1 unless down-weighted), and whether its n-grams count toward
/// `min_df` (not for the second example of a text split in two).
#[derive(Debug, Clone)]
pub struct Example {
    pub grams: Vec<u32>,
    pub scale: f64,
    pub rules: Vec<f64>,
    pub labels: Vec<bool>,
    pub weight: f64,
    pub counts_df: bool,
}

/// Function words: an n-gram made only of these (and punctuation) says
/// nothing a reader could check, so tables leave it out.
const STOP_WORDS: &[&str] = &[
    "a", "about", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "being", "but",
    "by", "can", "could", "did", "do", "does", "doing", "for", "from", "had", "has", "have",
    "having", "he", "her", "here", "hers", "him", "his", "i", "if", "in", "into", "is", "it",
    "its", "it's", "i'm", "just", "me", "my", "of", "on", "or", "our", "ours", "she", "so", "some",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "to", "too", "up", "us", "was", "we", "were", "will", "with", "would", "you", "your", "yours",
    "'s", "'m", "'re", "'ve", "'ll", "'d",
];

/// Whether a term is punctuation (or a placeholder such as `<#NUMBER>`):
/// no letter, digit or emoji, and not an emoticon such as `:(`.
fn is_punctuation(term: &str) -> bool {
    if term.starts_with("<#") && term.ends_with('>') {
        return true;
    }
    let emoticon = term.len() >= 2
        && term.starts_with([':', ';', '='])
        && term[1..]
            .trim_start_matches(['-', '\''])
            .chars()
            .next()
            .is_some_and(|c| "()[]/\\|DPpOo3*".contains(c));
    !emoticon
        && term
            .chars()
            .all(|c| !c.is_alphanumeric() && (c.is_ascii() || is_unicode_punct(c)))
}

fn is_unicode_punct(c: char) -> bool {
    matches!(
        c,
        '…' | '“' | '”' | '‘' | '’' | '—' | '–' | '«' | '»' | '¿' | '¡' | '•' | '·'
    )
}

/// Whether a learned table may hold the n-gram `gram` (terms joined by
/// spaces): none of its terms is punctuation, and not all are function
/// words. `awful .`, `" would` or `of the` read as noise in a report. A
/// question or exclamation mark on its own is kept: it is a cue a reader
/// can check (a question for confusion, emphasis for anger).
pub fn readable(gram: &str) -> bool {
    if !gram.is_empty() && gram.chars().all(|c| c == '?') || gram.chars().all(|c| c == '!') {
        return !gram.is_empty();
    }
    let mut content = false;
    for term in gram.split(' ') {
        if is_punctuation(term) {
            return false;
        }
        content |= !STOP_WORDS.contains(&term);
    }
    content
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
    /// One softmax over the targets (each example has one) instead of one
    /// logistic regression per target.
    pub softmax: bool,
    /// Where presence cuts (`z > 0`) are chosen: below 2 on the training
    /// examples' own logits, else on out-of-fold logits of this many fits.
    pub threshold_folds: usize,
    /// Keep every n-gram as a feature, not only [`readable`] ones.
    pub all_ngrams: bool,
    /// Scale each example's n-grams by `1/√n` (the table's
    /// `scale = "sqrt-length"`).
    pub sqrt_length: bool,
    /// Customer messages: leave out the n-grams that touch a hit of a
    /// `mask_learned` rule (the table's `skip_masked = true`).
    pub skip_masked: bool,
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
            + ex.scale * ex.grams.iter().filter_map(|g| lookup.get(g)).sum::<f64>()
    }

    pub fn lookup(&self) -> HashMap<u32, f64> {
        self.weights.iter().copied().collect()
    }
}

/// Fits every target; `features` is the number of distinct feature ids.
pub fn fit(examples: &[Example], targets: usize, features: usize, s: Settings) -> Vec<TargetModel> {
    let mut df = vec![0usize; features];
    for ex in examples.iter().filter(|e| e.counts_df) {
        for &g in &ex.grams {
            df[g as usize] += 1;
        }
    }
    let allowed: Vec<bool> = df.iter().map(|&d| d >= s.min_df).collect();
    // Prune to the strongest n-grams of each target, then refit on those.
    let prune = |all: &TargetModel| {
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
        kept
    };
    let tidy = |mut model: TargetModel| {
        model.weights.retain(|(_, w)| w.abs() > 1e-4);
        model
            .weights
            .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        model
    };
    if s.softmax {
        let masks = vec![allowed; targets];
        let all = fit_softmax(examples, &masks, s);
        let kept: Vec<Vec<bool>> = all.iter().map(prune).collect();
        return fit_softmax(examples, &kept, s)
            .into_iter()
            .map(tidy)
            .collect();
    }
    (0..targets)
        .into_par_iter()
        .map(|t| {
            let all = fit_target(examples, t, &allowed, s);
            tidy(fit_target(examples, t, &prune(&all), s))
        })
        .collect()
}

/// Adam's constants: β1, β2, learning rate, ε.
const ADAM: (f64, f64, f64, f64) = (0.9, 0.999, 0.05, 1e-8);

/// One Adam step on `theta` (`skip(i)`: leave parameter `i` alone).
fn adam_step(
    theta: &mut [f64],
    grad: &[f64],
    (m, v): (&mut [f64], &mut [f64]),
    step: usize,
    skip: impl Fn(usize) -> bool,
) {
    let (b1, b2, lr, eps) = ADAM;
    let (c1, c2) = (1.0 - b1_pow(b1, step), 1.0 - b1_pow(b2, step));
    for i in 0..theta.len() {
        if skip(i) {
            continue;
        }
        m[i] = b1 * m[i] + (1.0 - b1) * grad[i];
        v[i] = b2 * v[i] + (1.0 - b2) * grad[i] * grad[i];
        theta[i] -= lr * (m[i] / c1) / ((v[i] / c2).sqrt() + eps);
    }
}

/// Full-batch Adam on the weighted mean log loss plus `l2/2 · |w|²`
/// (n-grams only).
fn fit_target(examples: &[Example], t: usize, allowed: &[bool], s: Settings) -> TargetModel {
    let n = examples.iter().map(|e| e.weight).sum::<f64>().max(1e-9);
    let dims = allowed.len();
    let positives: f64 = examples
        .iter()
        .filter(|e| e.labels[t])
        .map(|e| e.weight)
        .sum();
    let prior = ((positives + 0.5) / (n - positives + 0.5)).ln();
    // Parameters: [bias, rules, w_0 .. w_dims).
    let mut theta = vec![0.0f64; dims + 2];
    theta[0] = prior;
    let (mut m, mut v) = (vec![0.0f64; dims + 2], vec![0.0f64; dims + 2]);
    let mut grad = vec![0.0f64; dims + 2];
    for step in 1..=s.steps {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for ex in examples {
            let mut grams = 0.0;
            for &g in &ex.grams {
                if allowed[g as usize] {
                    grams += theta[g as usize + 2];
                }
            }
            let z = theta[0] + theta[1] * ex.rules[t] + ex.scale * grams;
            let p = 1.0 / (1.0 + (-z).exp());
            let err = ex.weight * (p - if ex.labels[t] { 1.0 } else { 0.0 });
            grad[0] += err;
            grad[1] += err * ex.rules[t];
            for &g in &ex.grams {
                if allowed[g as usize] {
                    grad[g as usize + 2] += err * ex.scale;
                }
            }
        }
        for (i, g) in grad.iter_mut().enumerate() {
            *g /= n;
            if i >= 2 {
                *g += s.l2 * theta[i];
            }
        }
        adam_step(&mut theta, &grad, (&mut m, &mut v), step, |i| {
            i >= 2 && !allowed[i - 2]
        });
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

/// Full-batch Adam on the weighted mean cross-entropy of one softmax over
/// the targets (an example's labels share its mass) plus `l2/2 · |w|²`;
/// `allowed[t]` are target `t`'s n-grams. If some examples have no label,
/// "none" is one more class with logit 0, so `z_t = ln(p_t / p_none)`.
fn fit_softmax(examples: &[Example], allowed: &[Vec<bool>], s: Settings) -> Vec<TargetModel> {
    let targets = allowed.len();
    let dims = allowed.first().map_or(0, Vec::len);
    let labelled: Vec<&Example> = examples.iter().collect();
    let none = examples.iter().any(|e| !e.labels.iter().any(|&l| l));
    let n = labelled.iter().map(|e| e.weight).sum::<f64>().max(1e-9);
    let unlabelled: f64 = labelled
        .iter()
        .filter(|e| !e.labels.iter().any(|&l| l))
        .map(|e| e.weight)
        .sum();
    let width = dims + 2;
    let mut theta = vec![0.0f64; targets * width];
    for t in 0..targets {
        let share: f64 = labelled
            .iter()
            .filter(|e| e.labels[t])
            .map(|e| e.weight / e.labels.iter().filter(|&&l| l).count() as f64)
            .sum();
        theta[t * width] = if none {
            ((share + 0.5) / (unlabelled + 0.5)).ln()
        } else {
            ((share + 0.5) / n).ln()
        };
    }
    let (mut m, mut v) = (vec![0.0f64; theta.len()], vec![0.0f64; theta.len()]);
    let mut grad = vec![0.0f64; theta.len()];
    let mut z = vec![0.0f64; targets];
    for step in 1..=s.steps {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for ex in &labelled {
            for (t, zt) in z.iter_mut().enumerate() {
                let row = &theta[t * width..(t + 1) * width];
                let mut grams = 0.0;
                for &g in &ex.grams {
                    if allowed[t][g as usize] {
                        grams += row[g as usize + 2];
                    }
                }
                *zt = row[0] + row[1] * ex.rules[t] + ex.scale * grams;
            }
            let floor = if none { 0.0 } else { f64::NEG_INFINITY };
            let top = z.iter().copied().fold(floor, f64::max);
            let mut total: f64 = z.iter().map(|zt| (zt - top).exp()).sum();
            if none {
                total += (-top).exp();
            }
            let count = ex.labels.iter().filter(|&&l| l).count().max(1) as f64;
            for t in 0..targets {
                let p = (z[t] - top).exp() / total;
                let y = if ex.labels[t] { 1.0 / count } else { 0.0 };
                let err = ex.weight * (p - y);
                let row = &mut grad[t * width..(t + 1) * width];
                row[0] += err;
                row[1] += err * ex.rules[t];
                for &g in &ex.grams {
                    if allowed[t][g as usize] {
                        row[g as usize + 2] += err * ex.scale;
                    }
                }
            }
        }
        for (i, g) in grad.iter_mut().enumerate() {
            *g /= n;
            if i % width >= 2 {
                *g += s.l2 * theta[i];
            }
        }
        adam_step(&mut theta, &grad, (&mut m, &mut v), step, |i| {
            i % width >= 2 && !allowed[i / width][i % width - 2]
        });
    }
    (0..targets)
        .map(|t| {
            let row = &theta[t * width..(t + 1) * width];
            TargetModel {
                bias: row[0],
                rules: row[1],
                weights: (0..dims)
                    .filter(|&g| allowed[t][g] && row[g + 2] != 0.0)
                    .map(|g| (g as u32, row[g + 2]))
                    .collect(),
            }
        })
        .collect()
}

fn b1_pow(b: f64, step: usize) -> f64 {
    b.powi(step.min(i32::MAX as usize) as i32)
}

/// Refits the bias alone with every example at weight 1: after a fit with
/// down-weighted examples, the logit is a ranking with the wrong base
/// rate, and the bias puts the rate back (a bland text stays low).
pub fn recalibrate_bias(model: &mut TargetModel, examples: &[Example], t: usize) {
    let lookup = model.lookup();
    let z: Vec<(f64, bool)> = examples
        .iter()
        .map(|e| (model.logit(e, t, &lookup) - model.bias, e.labels[t]))
        .collect();
    let mut bias = model.bias;
    // Newton steps on the mean log loss in the bias.
    for _ in 0..50 {
        let (mut grad, mut hess) = (0.0, 0.0);
        for (z, label) in &z {
            let p = 1.0 / (1.0 + (-(z + bias)).exp());
            grad += p - f64::from(u8::from(*label));
            hess += p * (1.0 - p);
        }
        if hess <= 0.0 {
            break;
        }
        // Damped: far from the optimum a full Newton step overshoots.
        let step = (grad / hess).clamp(-1.0, 1.0);
        bias -= step;
        if step.abs() < 1e-9 {
            break;
        }
    }
    model.bias = bias;
}

/// Shifts the bias so that `z > 0` best separates the target (F1 on the
/// training examples, each counted at its weight): used where a value is
/// reported only when positive.
pub fn calibrate_presence(model: &mut TargetModel, examples: &[Example], t: usize) {
    let lookup = model.lookup();
    let scored: Vec<(f64, bool, f64)> = examples
        .iter()
        .map(|e| (model.logit(e, t, &lookup), e.labels[t], e.weight))
        .collect();
    model.bias -= best_cut(scored);
}

/// The logit cut that gives the best F1 on `(logit, label, weight)`
/// triples, each counted at its weight (midway between two logits).
pub fn best_cut(mut scored: Vec<(f64, bool, f64)>) -> f64 {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives: f64 = scored.iter().filter(|s| s.1).map(|s| s.2).sum();
    let (mut tp, mut predicted, mut best, mut cut) = (0.0, 0.0, -1.0, 0.0);
    for (i, (z, label, weight)) in scored.iter().enumerate() {
        if *label {
            tp += weight;
        }
        predicted += weight;
        let f1 = 2.0 * tp / (predicted + positives);
        let next = scored.get(i + 1).map_or(z - 1.0, |s| s.0);
        if f1 > best && next < *z {
            best = f1;
            cut = (z + next) / 2.0;
        }
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_ngrams_drop_punctuation_and_function_words() {
        for kept in ["awful", "horrible person", "?", "!!", ":(", "😡", "why ?"] {
            assert_eq!(readable(kept), kept != "why ?", "{kept}");
        }
        for dropped in [
            "awful .",
            ".",
            "' .",
            "of the",
            "<#NUMBER>",
            "<#NUMBER> weeks",
            "\" would",
        ] {
            assert!(!readable(dropped), "{dropped}");
        }
    }

    fn example(grams: &[u32], label: bool, weight: f64) -> Example {
        Example {
            grams: grams.to_vec(),
            scale: 1.0,
            rules: vec![0.0],
            labels: vec![label],
            weight,
            counts_df: true,
        }
    }

    #[test]
    fn best_cut_counts_each_example_at_its_weight() {
        // Logits 3, 2, 1: positive, negative, positive. Unweighted, the best
        // F1 takes all three (0.8 against 0.667 for the first alone); with
        // the negative at weight 4 and the last positive at 0.5 the cut
        // falls between 3 and 2 (F1 0.8 against 0.43 for all three).
        let cut = |w: [f64; 3]| {
            best_cut(vec![
                (3.0, true, w[0]),
                (2.0, false, w[1]),
                (1.0, true, w[2]),
            ])
        };
        assert_eq!(cut([1.0, 1.0, 1.0]), 0.5);
        assert_eq!(cut([1.0, 4.0, 0.5]), 2.5);
    }

    #[test]
    fn recalibrated_bias_matches_the_unweighted_base_rate() {
        // 10 positives, 90 negatives, no n-gram: the bias is ln(10/90).
        let examples: Vec<Example> = (0..100).map(|i| example(&[], i < 10, 1.0)).collect();
        let mut model = TargetModel {
            bias: 3.0,
            rules: 0.0,
            weights: Vec::new(),
        };
        recalibrate_bias(&mut model, &examples, 0);
        assert!(
            (model.bias - (10.0f64 / 90.0).ln()).abs() < 1e-6,
            "{}",
            model.bias
        );
    }

    #[test]
    fn softmax_learns_which_ngram_means_which_target() {
        let s = Settings {
            top_k: 10,
            min_df: 1,
            l2: 1e-4,
            steps: 200,
            softmax: true,
            threshold_folds: 0,
            all_ngrams: false,
            sqrt_length: false,
            skip_masked: false,
        };
        let ex = |g: u32, t: usize| Example {
            grams: vec![g],
            scale: 1.0,
            rules: vec![0.0, 0.0],
            labels: vec![t == 0, t == 1],
            weight: 1.0,
            counts_df: true,
        };
        let examples: Vec<Example> = (0..40).map(|i| ex(i % 2, (i % 2) as usize)).collect();
        let models = fit(&examples, 2, 2, s);
        let w = |t: usize, g: u32| models[t].lookup().get(&g).copied().unwrap_or(0.0);
        assert!(w(0, 0) > w(1, 0) && w(1, 1) > w(0, 1));
    }
}
