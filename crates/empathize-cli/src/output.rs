//! Output formats: a human table, JSON, JSON Lines and CSV.

use std::io::{self, Write};

use std::collections::HashMap;

use empathize::{row_columns, Cell, Dimension, Dimensions, Flag, Mechanism, Tip};

use crate::process::{ReplyReport, Scored, Summary};

/// The output format of `score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A readable table and summary (colored on a terminal).
    Table,
    /// One JSON document: `{"results": [...], "summary": {...}}`.
    Json,
    /// One JSON object per record; the summary goes to stderr.
    Jsonl,
    /// One CSV row per record; the summary goes to stderr.
    Csv,
}

/// ANSI styling, on only for terminals (and never with `NO_COLOR`).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Green for good scores, yellow for middling, red for poor.
    pub fn score(&self, score: f64) -> String {
        let text = format!("{score:5.1}");
        let code = if score >= 65.0 {
            "32"
        } else if score >= 40.0 {
            "33"
        } else {
            "31"
        };
        self.paint(code, &text)
    }
}

/// Writes records as they come, then the summary.
pub struct Writer<W: Write> {
    out: W,
    format: OutputFormat,
    style: Style,
    written: usize,
}

const CSV_HEADER: &[&str] = &[
    "id",
    "kind",
    "line",
    "agent_id",
    "score",
    "distress",
    "distress_level",
    "flags",
    "tips",
    "late_empathy",
    "missed_opportunities",
    "scripted_repetition",
    "question_streak",
    "resolution_confirmed",
    "emotional_reactions",
    "interpretations",
    "explorations",
];

impl<W: Write> Writer<W> {
    pub fn new(out: W, format: OutputFormat, style: Style) -> Self {
        Writer {
            out,
            format,
            style,
            written: 0,
        }
    }

    pub fn begin(&mut self) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => write!(self.out, "{{\"results\": ["),
            OutputFormat::Csv => {
                let mut header: Vec<String> = CSV_HEADER.iter().map(|s| s.to_string()).collect();
                header.extend(Dimension::ALL.iter().map(|d| d.as_str().to_string()));
                writeln!(self.out, "{}", header.join(","))
            }
            OutputFormat::Table => writeln!(
                self.out,
                "{}",
                self.style.bold(&format!(
                    "{:<24} {:<12} {:>5}  {}",
                    "id", "kind", "score", "findings"
                ))
            ),
            OutputFormat::Jsonl => Ok(()),
        }
    }

    pub fn record(&mut self, scored: &Scored) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                if self.written > 0 {
                    write!(self.out, ",")?;
                }
                writeln!(self.out)?;
                serde_json::to_writer(&mut self.out, scored)?;
            }
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, scored)?;
                writeln!(self.out)?;
            }
            OutputFormat::Csv => self.csv_row(scored)?,
            OutputFormat::Table => self.table_row(scored)?,
        }
        self.written += 1;
        Ok(())
    }

    pub fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                write!(self.out, "\n], \"summary\": ")?;
                serde_json::to_writer_pretty(&mut self.out, summary)?;
                writeln!(self.out, "}}")?;
            }
            OutputFormat::Table => {
                writeln!(self.out)?;
                write_summary(&mut self.out, summary, self.style)?;
            }
            OutputFormat::Jsonl | OutputFormat::Csv => {}
        }
        self.out.flush()
    }

    fn csv_row(&mut self, scored: &Scored) -> io::Result<()> {
        let join = |v: Vec<&str>| v.join(";");
        let mut row: Vec<String> = Vec::with_capacity(CSV_HEADER.len() + 13);
        let empty_dims = || {
            Dimension::ALL
                .iter()
                .map(|_| String::new())
                .collect::<Vec<_>>()
        };
        match scored {
            Scored::Reply {
                id,
                line,
                agent_id,
                report,
                ..
            } => {
                // The report's cells come from the core's one flattening
                // (`MessageReport::row`, equal to `ReplySummary::row`),
                // placed by column name.
                let (cells, context) = match report {
                    ReplyReport::Full(r) => (reply_cells(r.row()), r.context),
                    ReplyReport::Summary(r) => (reply_cells(r.row()), r.context),
                };
                let cell = |name: &str| cells.get(name).cloned().unwrap_or_default();
                row.extend([
                    id.clone(),
                    "reply".into(),
                    line.to_string(),
                    agent_id.clone().unwrap_or_default(),
                    cell("score"),
                    context
                        .map(|c| format!("{:.3}", c.distress))
                        .unwrap_or_default(),
                    context
                        .map(|c| c.distress_level.to_string())
                        .unwrap_or_default(),
                    cell("flags"),
                    cell("tips"),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                row.extend(Mechanism::ALL.iter().map(|m| cell(m.as_str())));
                row.extend(Dimension::ALL.iter().map(|d| cell(d.as_str())));
            }
            Scored::Customer {
                id, line, report, ..
            } => {
                row.extend([
                    id.clone(),
                    "customer".into(),
                    line.to_string(),
                    String::new(),
                    String::new(),
                    format!("{:.3}", report.distress),
                    report.distress_level.to_string(),
                ]);
                row.extend((0..10).map(|_| String::new()));
                row.extend(empty_dims());
            }
            Scored::Conversation {
                id, line, report, ..
            } => {
                let mut flags: Vec<&str> = report
                    .turns
                    .iter()
                    .filter_map(|t| t.reply.as_ref())
                    .flat_map(|r| r.flags.iter().map(|f| f.as_str()))
                    .collect();
                flags.sort_unstable();
                flags.dedup();
                row.extend([
                    id.clone(),
                    "conversation".into(),
                    line.to_string(),
                    String::new(),
                    format!("{:.2}", report.score),
                    String::new(),
                    String::new(),
                    join(flags),
                    join(report.tips.iter().map(|t| t.code).collect()),
                    report.late_empathy.to_string(),
                    report.missed_opportunities.len().to_string(),
                    report
                        .scripted_repetition
                        .iter()
                        .map(|r| r.phrase.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                    report.question_streak.to_string(),
                    report.resolution_confirmed.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                row.extend(empty_dims());
            }
        }
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.write_record(&row).map_err(io::Error::other)?;
        let bytes = w
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        self.out.write_all(&bytes)
    }

    fn table_row(&mut self, scored: &Scored) -> io::Result<()> {
        let s = self.style;
        let id = truncate(scored.id(), 24);
        match scored {
            Scored::Reply { report, .. } => {
                let findings = match report {
                    ReplyReport::Full(r) => reply_findings(&r.flags, &r.dimensions, &r.tips, s),
                    ReplyReport::Summary(r) => reply_findings(&r.flags, &r.dimensions, &r.tips, s),
                };
                writeln!(
                    self.out,
                    "{id:<24} {:<12} {}  {}",
                    "reply",
                    s.score(report.score()),
                    findings
                )
            }
            Scored::Customer { report, .. } => {
                let mut emotions: Vec<(empathize::Emotion, f64)> =
                    report.emotions.iter().filter(|(_, v)| *v > 0.0).collect();
                emotions.sort_by(|a, b| b.1.total_cmp(&a.1));
                let emotions: Vec<String> = emotions
                    .iter()
                    .take(3)
                    .map(|(e, v)| format!("{e} {v:.2}"))
                    .collect();
                let mut extra = Vec::new();
                if report.escalation {
                    extra.push("escalation");
                }
                if report.repetition {
                    extra.push("repetition");
                }
                writeln!(
                    self.out,
                    "{id:<24} {:<12} {:>5}  distress {:.2} (level {}) {} {}",
                    "customer",
                    "",
                    report.distress,
                    report.distress_level,
                    emotions.join(", "),
                    s.paint("33", &extra.join(" "))
                )
            }
            Scored::Conversation { report, .. } => {
                let mut findings = Vec::new();
                if report.late_empathy {
                    findings.push(s.paint("31", "late empathy"));
                }
                if !report.missed_opportunities.is_empty() {
                    findings.push(s.paint(
                        "31",
                        &format!("{} missed", report.missed_opportunities.len()),
                    ));
                }
                if let Some(r) = report.scripted_repetition.first() {
                    findings
                        .push(s.paint("33", &format!("scripted \"{}\" ×{}", r.phrase, r.count)));
                }
                if report.question_streak >= 4 {
                    findings.push(s.paint(
                        "33",
                        &format!("{} questions in a row", report.question_streak),
                    ));
                }
                findings.push(if report.resolution_confirmed {
                    s.paint("32", "resolution confirmed")
                } else {
                    s.dim("resolution unconfirmed")
                });
                let agents: Vec<&str> = report.agents.iter().map(|a| a.agent_id.as_str()).collect();
                if !agents.is_empty() {
                    findings.push(s.dim(&format!("[{}]", agents.join(", "))));
                }
                writeln!(
                    self.out,
                    "{id:<24} {:<12} {}  {}",
                    format!("conv {}t", report.turns.len()),
                    s.score(report.score),
                    findings.join(" · ")
                )
            }
        }
    }
}

fn reply_findings(flags: &[Flag], dimensions: &Dimensions, tips: &[Tip], s: Style) -> String {
    let mut parts: Vec<String> = flags.iter().map(|f| s.paint("31", f.as_str())).collect();
    let mut dims: Vec<(Dimension, f64)> = dimensions.iter().filter(|(_, v)| *v > 0.0).collect();
    dims.sort_by(|a, b| b.1.total_cmp(&a.1));
    parts.extend(dims.iter().take(4).map(|(d, _)| s.paint("32", d.as_str())));
    if let Some(t) = tips.first() {
        parts.push(s.dim(&format!("tip: {}", t.code)));
    }
    parts.join(" ")
}

/// `s` in at most `n` characters: its end is kept, since ids made from a
/// file and a line (`data/replies.csv:12`) differ only there.
fn truncate(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        s.to_string()
    } else {
        let mut t = String::from('…');
        t.extend(s.chars().skip(count + 1 - n));
        t
    }
}

/// The human summary printed after the table (and on stderr for other formats).
pub fn write_summary(out: &mut dyn Write, summary: &Summary, s: Style) -> io::Result<()> {
    writeln!(out, "{}", s.bold("Summary"))?;
    writeln!(
        out,
        "  conversations {:>7}    messages {:>7} ({} agent replies, {} customer messages)",
        summary.conversations, summary.messages, summary.replies, summary.customer_messages
    )?;
    if let Some(m) = summary.mean_reply_score {
        writeln!(out, "  mean reply score        {}", s.score(m))?;
    }
    if let Some(m) = summary.mean_conversation_score {
        writeln!(out, "  mean conversation score {}", s.score(m))?;
    }
    if let Some(rate) = summary.late_empathy_rate {
        writeln!(
            out,
            "  late empathy            {} of {} conversations ({:.0}%)",
            summary.late_empathy,
            summary.conversations,
            rate * 100.0
        )?;
        writeln!(
            out,
            "  missed opportunities    {}",
            summary.missed_opportunities
        )?;
        writeln!(
            out,
            "  scripted phrases        {}",
            summary.scripted_repetition
        )?;
    }
    let flags = summary.top_flags();
    if !flags.is_empty() {
        let shown: Vec<String> = flags
            .iter()
            .take(6)
            .map(|(f, n)| format!("{f} {n}"))
            .collect();
        writeln!(out, "  most frequent flags     {}", shown.join(", "))?;
    }
    if summary.skipped_records > 0 {
        writeln!(
            out,
            "  {}",
            s.paint(
                "33",
                &format!("{} malformed records skipped", summary.skipped_records)
            )
        )?;
    }
    if !summary.agents.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            s.bold(&format!(
                "  {:<14} {:>6} {:>7} {:>7} {:>5}  {}",
                "agent", "turns", "mean", "missed", "late", "top flags"
            ))
        )?;
        let mut agents: Vec<_> = summary.agents.iter().collect();
        agents.sort_by(|a, b| b.1.mean_score.total_cmp(&a.1.mean_score));
        for (name, a) in agents {
            let mut flags: Vec<(&String, &usize)> = a.flags.iter().collect();
            flags.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
            let flags: Vec<String> = flags
                .iter()
                .take(3)
                .map(|(f, n)| format!("{f} {n}"))
                .collect();
            writeln!(
                out,
                "  {:<14} {:>6} {}   {:>5} {:>5}  {}",
                truncate(name, 14),
                a.turns,
                s.score(a.mean_score),
                a.missed_opportunities,
                a.late_empathy_conversations,
                flags.join(", ")
            )?;
        }
    }
    Ok(())
}

/// A reply's CSV cells (its row) by column name: the score with 2
/// decimals, the dimensions with 3, names joined with `;`.
fn reply_cells(row: Vec<Cell>) -> HashMap<&'static str, String> {
    row_columns()
        .iter()
        .zip(row)
        .map(|(column, cell)| {
            let text = match cell {
                Cell::Float(x) if column.name == "score" => format!("{x:.2}"),
                Cell::Float(x) => format!("{x:.3}"),
                Cell::Level(level) => level.to_string(),
                Cell::Names(names) => names.join(";"),
                _ => String::new(),
            };
            (column.name, text)
        })
        .collect()
}
