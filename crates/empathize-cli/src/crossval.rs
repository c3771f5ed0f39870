//! Cross-validating a learned table: for each of K folds, fit the table on
//! the other folds (the same fit as `empathize train`) and score the fold
//! with the rules plus that table. No row is ever scored by a table that
//! saw it.

use anyhow::{anyhow, Result};
use empathize::{Analyzer, Strategy};
use rayon::prelude::*;

use crate::eval_esconv::{self, Metrics, Row};
use crate::learn::{Features, Settings};
use crate::split::fold_of;
use crate::train::{self, Header, Labelled, Output};

/// The default settings of `empathize train`.
pub const SETTINGS: Settings = Settings {
    top_k: 300,
    min_df: 5,
    l2: 1e-4,
    steps: 300,
    softmax: false,
    threshold_folds: 0,
    all_ngrams: false,
    sqrt_length: false,
    skip_masked: false,
};

/// The `strategy_learned_margin` the shipped `esconv-strategies` pack sets
/// (chosen with this cross-validation: 0.5 → 0.564, 1.5 → 0.575,
/// 2.5 → 0.572, 4 → 0.567 utterance accuracy).
pub const STRATEGY_MARGIN: f64 = 1.5;

/// Fits a table of `output` on `items` and returns the analyzer with it.
pub fn with_table(
    rules_only: &Analyzer,
    base: impl FnOnce() -> empathize::AnalyzerBuilder,
    items: &[Labelled],
    output: Output,
    name: &str,
    settings: Settings,
) -> Result<Analyzer> {
    let toml = table_toml(rules_only, items, output, name, settings)?;
    base()
        .extra_pack(toml)
        .build()
        .map_err(|e| anyhow!("a fold's table does not compile: {e}"))
}

/// K-fold figures of the rules plus a strategies table fitted on the other
/// folds, over all rows.
pub fn esconv(
    rules_only: &Analyzer,
    base: impl Fn() -> empathize::AnalyzerBuilder,
    rows: &[Row],
    k: usize,
    settings: Settings,
    margin: f64,
) -> Result<Metrics> {
    let mut gold: Vec<Strategy> = Vec::with_capacity(rows.len());
    let mut tagged: Vec<Vec<Strategy>> = Vec::with_capacity(rows.len());
    for fold in 0..k {
        let (test, fit): (Vec<&Row>, Vec<&Row>) =
            rows.iter().partition(|r| fold_of(&r.seeker, k) == fold);
        let items: Vec<Labelled> = fit
            .iter()
            .map(|r| Labelled {
                text: r.text.clone(),
                context: Some(r.seeker.clone()),
                targets: [r.label.as_str().to_string()].into(),
                spans: Vec::new(),
                weight: 1.0,
                soft_copy: false,
            })
            .collect();
        let analyzer = with_table(
            rules_only,
            || base().extra_pack(format!("[scoring]\nstrategy_learned_margin = {margin}\n")),
            &items,
            Output::Strategies,
            "esconv-strategies",
            settings,
        )?;
        let tags: Vec<Vec<Strategy>> = test
            .par_iter()
            .map(|r| eval_esconv::tags(&analyzer, r))
            .collect();
        gold.extend(test.iter().map(|r| r.label));
        tagged.extend(tags);
    }
    Ok(eval_esconv::metrics(&gold, &tagged))
}

/// EPITOME rows of each mechanism file.
pub type MechanismRows = Vec<(empathize::Mechanism, Vec<crate::eval::Row>)>;

/// Reads the EPITOME files of `paths`, each with its mechanism.
pub fn epitome_rows(paths: &[String]) -> Result<MechanismRows> {
    let mut out = Vec::new();
    for file in crate::eval::expand_paths(paths)? {
        let m = crate::eval::mechanism_of(&file)
            .ok_or_else(|| anyhow!("{}: which mechanism? (name it after one)", file.display()))?;
        out.push((m, crate::eval::read_rows(&file)?));
    }
    Ok(out)
}

fn in_fold(seeker: &str, k: usize, fold: usize) -> bool {
    fold_of(seeker, k) == fold
}

/// The labelled replies whose seeker post is not in `fold`.
fn outside_fold(items: &[Labelled], k: usize, fold: usize) -> Vec<Labelled> {
    items
        .iter()
        .filter(|i| i.context.as_deref().is_some_and(|s| !in_fold(s, k, fold)))
        .cloned()
        .collect()
}

/// The `[scoring]` values of every mechanism fitted with a learned sentence
/// table, cross-fitted: each row's evidence comes from a table fitted on
/// the other `k − 1` folds, so the weights and thresholds learn how much
/// to trust the table on text it has not seen.
pub fn cross_fitted_scoring(
    rules_only: &Analyzer,
    base: &dyn Fn() -> empathize::AnalyzerBuilder,
    items: &[Labelled],
    rows: &MechanismRows,
    k: usize,
) -> Result<String> {
    let mut samples: Vec<Vec<crate::fit::Sample>> = vec![Vec::new(); rows.len()];
    let mut start: Vec<Vec<f64>> = vec![Vec::new(); rows.len()];
    for fold in 0..k {
        let fit_items = outside_fold(items, k, fold);
        let toml = table_toml(
            rules_only,
            &fit_items,
            Output::Epitome,
            FOLD_TABLE,
            SETTINGS,
        )?;
        let analyzer = base()
            .extra_pack(toml)
            .build()
            .map_err(|e| anyhow!("{e}"))?;
        for (i, (m, mech_rows)) in rows.iter().enumerate() {
            let held: Vec<crate::eval::Row> = mech_rows
                .iter()
                .filter(|r| in_fold(&r.seeker, k, fold))
                .cloned()
                .collect();
            samples[i].extend(crate::fit::samples(&analyzer, &held, *m));
            start[i] = crate::fit::start(&analyzer, *m);
        }
    }
    let mut scoring = String::from("[scoring]\n");
    for (i, (m, _)) in rows.iter().enumerate() {
        let all: Vec<&crate::fit::Sample> = samples[i].iter().collect();
        let (model, _) = crate::fit::fit(&all, &start[i]);
        for (name, value) in crate::fit::model_lines(*m, &model) {
            scoring.push_str(&format!("{name} = {value}\n"));
        }
    }
    Ok(scoring)
}

/// The name of the tables fitted inside cross-validation (not the shipped
/// table's name, which the base may switch off).
const FOLD_TABLE: &str = "epitome-fold";

/// Nested k-fold figures of EPITOME levels with a learned sentence table:
/// for each fold, the table and the cross-fitted `[scoring]` values come
/// from the other folds only, and the fold is scored with both. Rows are
/// assigned to folds by a hash of the seeker post, so one post's replies
/// stay together across the three files.
pub fn epitome(
    rules_only: &Analyzer,
    base: impl Fn() -> empathize::AnalyzerBuilder,
    paths: &[String],
    k: usize,
) -> Result<Vec<(empathize::Mechanism, crate::eval::Metrics)>> {
    use crate::eval::{self, Row};
    let rows = epitome_rows(paths)?;
    let items = train::read_epitome(paths)?;
    let mut gold: Vec<Vec<u8>> = vec![Vec::new(); rows.len()];
    let mut predicted: Vec<Vec<u8>> = vec![Vec::new(); rows.len()];
    let mut rationale: Vec<Vec<f64>> = vec![Vec::new(); rows.len()];
    for fold in 0..k {
        let fit_items = outside_fold(&items, k, fold);
        let fit_rows: MechanismRows = rows
            .iter()
            .map(|(m, r)| {
                (
                    *m,
                    r.iter()
                        .filter(|r| !in_fold(&r.seeker, k, fold))
                        .cloned()
                        .collect(),
                )
            })
            .collect();
        let scoring = cross_fitted_scoring(rules_only, &base, &fit_items, &fit_rows, k - 1)?;
        let table = table_toml(
            rules_only,
            &fit_items,
            Output::Epitome,
            FOLD_TABLE,
            SETTINGS,
        )?;
        let fitted = base()
            .extra_pack(table)
            .extra_pack(scoring)
            .build()
            .map_err(|e| anyhow!("{e}"))?;
        for (i, (m, mech_rows)) in rows.iter().enumerate() {
            let test: Vec<Row> = mech_rows
                .iter()
                .filter(|r| in_fold(&r.seeker, k, fold))
                .cloned()
                .collect();
            let r = eval::evaluate(&fitted, &test, *m, "");
            gold[i].extend(test.iter().map(|r| r.level));
            predicted[i].extend(eval::levels(&fitted, &test, *m));
            if let Some(f1) = r.ours.rationale_f1 {
                // Weighted by the rows with a rationale, to pool the folds.
                let n = test.iter().filter(|r| r.level > 0).count();
                rationale[i].extend(std::iter::repeat_n(f1, n));
            }
        }
    }
    Ok(rows
        .iter()
        .enumerate()
        .map(|(i, (m, _))| (*m, eval::metrics(&gold[i], &predicted[i], &rationale[i])))
        .collect())
}

/// The TOML of a table of `output` fitted on `items`.
fn table_toml(
    rules_only: &Analyzer,
    items: &[Labelled],
    output: Output,
    name: &str,
    settings: Settings,
) -> Result<String> {
    let mut features = Features::default();
    let examples = train::examples(rules_only, items, output, &mut features, settings);
    let models = train::fit(&examples, output, &features, settings);
    let header = Header {
        name: name.to_string(),
        trained_on: "cross-validation fold".into(),
        licence: "as the data".into(),
        command: "cross-validation".into(),
        sqrt_length: settings.sqrt_length,
        skip_masked: settings.skip_masked,
        held_in: train::held_in(&examples, output, &models),
        description: String::new(),
    };
    Ok(train::to_toml(&header, output, &models, &features))
}
