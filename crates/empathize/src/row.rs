//! A reply report flattened into one row of named columns: what a CSV file,
//! an Arrow table or a DataFrame holds for each reply. The bindings' columnar
//! paths and the CLI's CSV all flatten reports here, so a column is named
//! and ordered in one place.

use std::sync::OnceLock;

use crate::report::{
    Dimension, Dimensions, Epitome, Flag, Mechanism, MessageReport, ReplySummary, Tip,
};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnKind {
    /// A number (`score` 0–100, a dimension 0–1).
    Float,
    /// A list of names (flags, tip codes).
    Names,
    /// An EPITOME level 0–2.
    Level,
}

/// A column of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Column {
    /// Its name: `score`, a dimension, `flags`, `tips` or a mechanism.
    pub name: &'static str,
    /// What it holds.
    pub kind: ColumnKind,
}

/// A value of a row.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Cell {
    /// For [`ColumnKind::Float`].
    Float(f64),
    /// For [`ColumnKind::Names`].
    Names(Vec<&'static str>),
    /// For [`ColumnKind::Level`].
    Level(u8),
}

/// The columns of [`MessageReport::row`], in order: `score`, one per
/// dimension, `flags`, `tips`, one EPITOME level per mechanism.
///
/// ```
/// let names: Vec<&str> = empathize::row_columns().iter().map(|c| c.name).collect();
/// assert_eq!(names[0], "score");
/// assert!(names.contains(&"flags") && names.contains(&"follow_up"));
/// ```
pub fn row_columns() -> &'static [Column] {
    static COLUMNS: OnceLock<Vec<Column>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let column = |name, kind| Column { name, kind };
        let mut columns = vec![column("score", ColumnKind::Float)];
        columns.extend(
            Dimension::ALL
                .iter()
                .map(|d| column(d.as_str(), ColumnKind::Float)),
        );
        columns.push(column("flags", ColumnKind::Names));
        columns.push(column("tips", ColumnKind::Names));
        columns.extend(
            Mechanism::ALL
                .iter()
                .map(|m| column(m.as_str(), ColumnKind::Level)),
        );
        columns
    })
}

impl MessageReport {
    /// The report as one row, one cell per column of [`row_columns`].
    ///
    /// ```
    /// let report = empathize::Analyzer::new().score("Per our policy, no.");
    /// let row = report.row();
    /// assert_eq!(row.len(), empathize::row_columns().len());
    /// assert_eq!(row[0], empathize::Cell::Float(report.score));
    /// ```
    pub fn row(&self) -> Vec<Cell> {
        row(
            self.score,
            &self.dimensions,
            &self.flags,
            &self.tips,
            &self.epitome,
        )
    }
}

impl ReplySummary {
    /// The summary as one row, the same as its report's
    /// [`MessageReport::row`].
    ///
    /// ```
    /// let analyzer = empathize::Analyzer::new();
    /// let reply = "Per our policy, no.";
    /// assert_eq!(analyzer.score_summary(reply).row(), analyzer.score(reply).row());
    /// ```
    pub fn row(&self) -> Vec<Cell> {
        row(
            self.score,
            &self.dimensions,
            &self.flags,
            &self.tips,
            &self.epitome,
        )
    }
}

fn row(
    score: f64,
    dimensions: &Dimensions,
    flags: &[Flag],
    tips: &[Tip],
    epitome: &Epitome,
) -> Vec<Cell> {
    let mut row = Vec::with_capacity(row_columns().len());
    row.push(Cell::Float(score));
    row.extend(dimensions.iter().map(|(_, v)| Cell::Float(v)));
    row.push(Cell::Names(flags.iter().map(|f| f.as_str()).collect()));
    row.push(Cell::Names(tips.iter().map(|t| t.code).collect()));
    row.extend(Mechanism::ALL.iter().map(|&m| Cell::Level(epitome.get(m))));
    row
}
