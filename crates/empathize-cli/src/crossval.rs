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
};

/// Fits a table of `output` on `items` and returns the analyzer with it.
pub fn with_table(
    rules_only: &Analyzer,
    base: impl FnOnce() -> empathize::AnalyzerBuilder,
    items: &[Labelled],
    output: Output,
    name: &str,
    settings: Settings,
) -> Result<Analyzer> {
    let mut features = Features::default();
    let examples = train::examples(rules_only, items, output, &mut features);
    let models = train::fit(&examples, output, &features, settings);
    let header = Header {
        name: name.to_string(),
        trained_on: "cross-validation fold".into(),
        licence: "as the data".into(),
        command: "cross-validation".into(),
        held_in: train::held_in(&examples, output, &models),
        description: String::new(),
    };
    let toml = train::to_toml(&header, output, &models, &features);
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
            })
            .collect();
        let analyzer = with_table(
            rules_only,
            &base,
            &items,
            Output::Strategies,
            "esconv-strategies",
            SETTINGS,
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
