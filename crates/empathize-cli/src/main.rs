//! `empathize` — score files of customer-service conversations, explain a
//! reply, build an HTML report, check rule packs.
//!
//! Exit codes: 0 success (malformed records are reported on stderr and
//! skipped); 1 an error (unreadable file, bad rule pack, failed check);
//! 2 bad usage; 3 a malformed record with `--strict`.

mod crossval;
mod eval;
mod eval_esconv;
mod explain;
mod fit;
mod goemotions;
mod html;
mod input;
mod learn;
mod output;
mod process;
mod split;
mod train;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use clap::{Args, Parser, Subcommand};
use empathize::Analyzer;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::input::{CsvOptions, InputFormat, Record, RoleMap};
use crate::output::{OutputFormat, Style, Writer};
use crate::process::{Scored, Summary, CHUNK};

/// Measure empathy in customer-service text.
#[derive(Parser, Debug)]
#[command(name = "empathize", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    packs: PackArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone, Default)]
struct PackArgs {
    /// Replace the default English pack with this TOML pack.
    #[arg(long, global = true, value_name = "PACK.toml")]
    rules: Option<String>,
    /// Add a pack on top of the base pack (repeatable).
    #[arg(long = "extra-rules", global = true, value_name = "PACK.toml")]
    extra_rules: Vec<String>,
    /// Disable a rule by id (repeatable).
    #[arg(long, global = true, value_name = "RULE_ID")]
    disable: Vec<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Score conversations or messages from JSONL, CSV or stdin (`-`).
    Score(ScoreArgs),
    /// Explain one reply: highlighted matches, score breakdown, tips.
    Explain(ExplainArgs),
    /// Write a self-contained HTML report of conversations.
    Report(ReportArgs),
    /// Check or list rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Measure agreement with human-labelled data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Fit a learned weight table from labelled text and write it as a pack.
    Train(TrainArgs),
}

#[derive(Args, Debug)]
struct TrainArgs {
    /// The corpus format: goemotions, esconv, epitome, or your own `labels`
    /// (JSONL/CSV with `text`, `label`, optional `customer`).
    #[arg(value_enum)]
    corpus: train::Corpus,
    /// The labelled files (a directory for epitome).
    #[arg(required = true)]
    paths: Vec<String>,
    /// What the table predicts.
    #[arg(long, value_enum)]
    output: train::Output,
    /// The table name (its matches are `name:target`).
    #[arg(long)]
    name: String,
    /// Where to write the pack holding the table (`-` for stdout).
    #[arg(long, short = 'o', default_value = "-")]
    write: String,
    /// Keep at most this many n-grams per target.
    #[arg(long, default_value_t = 300)]
    top_k: usize,
    /// Ignore n-grams seen in fewer training examples.
    #[arg(long, default_value_t = 5)]
    min_df: usize,
    /// L2 penalty on n-gram weights.
    #[arg(long, default_value_t = 1e-4)]
    l2: f64,
    /// Optimization steps.
    #[arg(long, default_value_t = 300)]
    steps: usize,
    /// Fit one softmax over the targets (each example has one label)
    /// instead of one logistic regression per target.
    #[arg(long)]
    softmax: bool,
    /// Emotions and epitome: choose each target's presence cut on
    /// out-of-fold logits of K fits (default: on the training logits).
    #[arg(long, value_name = "K", default_value_t = 0)]
    threshold_folds: usize,
    /// Keep every n-gram, punctuation and function words included (as
    /// tables were fitted before `learn::readable`).
    #[arg(long)]
    all_ngrams: bool,
    /// `sqrt-length`: each n-gram of a text counts `1/√n`, `n` its terms
    /// outside negation scope (the table's `scale`; default: 1).
    #[arg(long, value_enum)]
    scale: Option<train::Scale>,
    /// GoEmotions distress: the weight of comments that are neither
    /// distress, nor only neutral, nor remorse (joy, gratitude, curiosity…);
    /// 0 leaves them out.
    #[arg(long, default_value_t = 1.0)]
    other_weight: f64,
    /// GoEmotions distress: the weight of remorse comments (not otherwise
    /// distress) as examples of *not* distress; 0 leaves them out.
    #[arg(long, default_value_t = 1.0)]
    remorse_weight: f64,
    /// GoEmotions distress: remorse comments are distress, as the issue's
    /// AUC counts them (a customer's courtesy formulas are masked by the
    /// pack's `mask_learned` rules); `--remorse-weight` is then unused.
    #[arg(long)]
    remorse_distress: bool,
    /// Customer tables: leave out the n-grams that touch a hit of a
    /// `mask_learned` rule (courtesy formulas such as "sorry to bother
    /// you"), and write `skip_masked = true` so scoring does the same.
    #[arg(long)]
    skip_masked: bool,
    /// GoEmotions emotions: the soft label that a related GoEmotions label
    /// gives an emotion (anger, disgust, disapproval → frustration;
    /// sadness → disappointment); 0 leaves those comments negatives.
    #[arg(long, default_value_t = 0.0)]
    related_weight: f64,
    /// Header: what the data is (default: from the corpus).
    #[arg(long)]
    trained_on: Option<String>,
    /// Header: the data's licence (default: from the corpus).
    #[arg(long)]
    licence: Option<String>,
    /// Header: one line for people.
    #[arg(long, default_value = "")]
    description: String,
    /// Also write a `[scoring]` parameter into the pack (repeatable), e.g.
    /// `--set strategy_learned_margin=1.5`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    scoring: Vec<String>,
}

#[derive(Subcommand, Debug)]
enum EvalCommand {
    /// Customer emotions and distress against GoEmotions labels: fits on
    /// nothing, scores the dev file (a directory holding `dev.jsonl`, or
    /// the file), rules alone beside rules + learned tables.
    Goemotions {
        /// A directory with `dev.jsonl`, or JSONL files `{text, labels}`.
        #[arg(required = true)]
        paths: Vec<String>,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// EPITOME levels against the corpus labels (a directory of the three
    /// `*.csv` files, or files with the same columns).
    Epitome {
        /// Directories or CSV files (seeker_post, response_post, level, rationales).
        #[arg(required = true)]
        paths: Vec<String>,
        /// The mechanism of every file (default: from each file name).
        #[arg(long)]
        mechanism: Option<String>,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
        /// Re-fit the EPITOME weights and thresholds on all rows and print them.
        #[arg(long)]
        fit: bool,
        /// With --fit: write the fitted values into this pack's `[scoring]` table.
        #[arg(long, value_name = "PACK.toml", requires = "fit")]
        write: Option<String>,
        /// Folds for cross-validation.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Print up to N misjudged rows per file (gold → predicted), for error analysis.
        #[arg(long, value_name = "N")]
        errors: Option<usize>,
        /// Use only fold I of K of the rows (by a hash of the seeker post), e.g. `0/2`
        /// for one half: read errors on one half, check gains on the other.
        #[arg(long, value_name = "I/K")]
        part: Option<String>,
        /// Nested K-fold check of a learned sentence table: per fold, fit
        /// the table and the `[scoring]` values on the other folds, score
        /// this one (the packs' own `epitome` tables are switched off).
        #[arg(long, value_name = "K")]
        learned_folds: Option<usize>,
    },
    /// Support strategies against ESConv labels (JSONL rows `{seeker, text, strategy}`).
    Esconv {
        /// The JSONL file.
        path: String,
        /// Print JSON instead of the tables.
        #[arg(long)]
        json: bool,
        /// Also report each of K folds (rows assigned by a hash of the seeker text).
        #[arg(long, value_name = "K")]
        folds: Option<usize>,
        /// Use only fold I of K of the rows (by a hash of the seeker text), e.g. `0/2`.
        #[arg(long, value_name = "I/K")]
        part: Option<String>,
        /// Print up to N utterances whose tags miss the label, for error analysis.
        #[arg(long, value_name = "N")]
        errors: Option<usize>,
        /// Also cross-validate a learned strategies table over K folds: fit
        /// on K−1 folds (as `empathize train esconv`), score the other.
        #[arg(long, value_name = "K")]
        learned_folds: Option<usize>,
        /// With --learned-folds: fit the fold tables as `train --softmax`.
        #[arg(long, requires = "learned_folds")]
        softmax: bool,
        /// With --learned-folds: fit the fold tables as `train --all-ngrams`.
        #[arg(long, requires = "learned_folds")]
        all_ngrams: bool,
        /// With --learned-folds: the `strategy_learned_margin` of the fold
        /// tables (default: the shipped pack's).
        #[arg(long, requires = "learned_folds")]
        margin: Option<f64>,
        /// With --learned-folds: the `strategy_learned_second` of the fold
        /// tables (default: the shipped pack's; negative: no second tag).
        #[arg(long, requires = "learned_folds", allow_hyphen_values = true)]
        second: Option<f64>,
        /// With --learned-folds: the `--l2` of the fold tables (default: the
        /// shipped pack's).
        #[arg(long, requires = "learned_folds")]
        l2: Option<f64>,
        /// With --learned-folds: choose `--l2`, margin and second inside the
        /// folds (for each fold, by a cross-validation on the other folds,
        /// the best accuracy with at most 1.6 distinct tags per utterance)
        /// and report the folds scored with their choices.
        #[arg(long, requires = "learned_folds")]
        nested: bool,
    },
}

#[derive(Args, Debug, Clone)]
struct InputArgs {
    /// Input files (`-` for stdin). JSONL lines hold a conversation
    /// `{id?, turns: [{role, text, agent_id?}]}` or a message `{text, role?, customer?}`;
    /// `.txt` files hold one agent reply per line.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Input format (default: from the extension: .jsonl/.json, .csv/.tsv,
    /// .txt = lines; stdin: JSONL if it starts with `{`, else CSV).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// CSV: the column holding the text.
    #[arg(long, default_value = "text")]
    text_column: String,
    /// CSV: the column holding the record (message) id.
    #[arg(long, value_name = "COLUMN")]
    id_column: Option<String>,
    /// CSV: the column holding the role (customer/agent; see --role-map).
    #[arg(long, value_name = "COLUMN")]
    role_column: Option<String>,
    /// CSV: map raw role values to roles, e.g. 'True=customer,False=agent'
    /// (a role is customer, agent or skip).
    #[arg(long, value_name = "RAW=ROLE,...", requires = "role_column")]
    role_map: Option<RoleMap>,
    /// CSV: the column holding a conversation id (rows of a conversation must be contiguous).
    #[arg(long, value_name = "COLUMN")]
    conversation_column: Option<String>,
    /// CSV: the column holding the id of the message a row replies to;
    /// rows linked by replies become one conversation (needs --id-column).
    #[arg(
        long,
        value_name = "COLUMN",
        requires = "id_column",
        conflicts_with = "conversation_column"
    )]
    reply_to_column: Option<String>,
    /// CSV: the column holding the customer message an agent reply answers.
    #[arg(long)]
    customer_column: Option<String>,
    /// CSV: the column holding the agent id.
    #[arg(long)]
    agent_column: Option<String>,
    /// Fail (exit 3) on the first malformed record, or on an input with no
    /// records, instead of warning.
    #[arg(long)]
    strict: bool,
    /// No progress bar and no warnings.
    #[arg(long, short)]
    quiet: bool,
    /// Worker threads, at least 1 (default: all cores).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    threads: Option<usize>,
}

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1 (leave --threads out to use all cores)".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{e}")),
    }
}

#[derive(Args, Debug)]
struct ScoreArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Write the output to a file instead of stdout.
    #[arg(long, short)]
    output: Option<String>,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// The agent reply to explain.
    text: String,
    /// The customer message the reply answers.
    #[arg(long)]
    customer: Option<String>,
    /// Output format: the readable explanation or the JSON report.
    #[arg(long, short, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    json: bool,
}

/// The output format of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExplainFormat {
    /// Highlighted reply, score breakdown and tips.
    Text,
    /// The full report as JSON.
    Json,
}

#[derive(Args, Debug)]
struct ReportArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Where to write the HTML file (its path and size are printed on stderr).
    #[arg(long, short, default_value = "report.html")]
    output: String,
    /// Include at most this many conversations' transcripts (the summary covers all).
    #[arg(long, default_value_t = 500)]
    max_transcripts: usize,
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Validate a pack (on top of the default pack unless --standalone).
    Check {
        /// The pack to check.
        pack: String,
        /// Check the pack alone, as a replacement of the default pack.
        #[arg(long)]
        standalone: bool,
    },
    /// List the rules of the active packs.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// A malformed record under `--strict`.
#[derive(Debug)]
struct StrictFailure(String);

impl std::fmt::Display for StrictFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StrictFailure {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`empathize score … | head`) is not an error.
            let broken_pipe = e
                .chain()
                .filter_map(|c| c.downcast_ref::<io::Error>())
                .any(|io| io.kind() == io::ErrorKind::BrokenPipe);
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            let strict = e.downcast_ref::<StrictFailure>().is_some();
            eprintln!("error: {e:#}");
            ExitCode::from(if strict { 3 } else { 1 })
        }
    }
}

fn read_pack(path: &str) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read rule pack {path}"))
}

/// The name a pack's errors are reported under: its file name.
fn pack_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn build_analyzer(packs: &PackArgs) -> Result<Analyzer> {
    analyzer_builder(packs)?.build().map_err(|e| anyhow!("{e}"))
}

/// A builder holding the packs of the command line.
fn analyzer_builder(packs: &PackArgs) -> Result<empathize::AnalyzerBuilder> {
    let mut builder = Analyzer::builder();
    if let Some(path) = &packs.rules {
        builder = builder.pack_named(pack_name(path), read_pack(path)?);
    }
    for path in &packs.extra_rules {
        builder = builder.extra_pack_named(pack_name(path), read_pack(path)?);
    }
    for id in &packs.disable {
        builder = builder.disable(id.clone());
    }
    Ok(builder)
}

/// The same packs with every learned table switched off: the rules alone.
fn without_tables(packs: &PackArgs, analyzer: &Analyzer) -> Result<Analyzer> {
    let mut packs = packs.clone();
    packs
        .disable
        .extend(analyzer.tables().into_iter().map(|t| t.name));
    build_analyzer(&packs)
}

fn train_table(rules_only: &Analyzer, args: TrainArgs) -> Result<ExitCode> {
    use train::Corpus;
    let paths: Vec<std::path::PathBuf> = args.paths.iter().map(Into::into).collect();
    let first = paths.first().ok_or_else(|| anyhow!("no input"))?;
    let items = match args.corpus {
        Corpus::Goemotions => {
            let mut items = Vec::new();
            for p in &paths {
                items.extend(train::read_goemotions(
                    p,
                    args.output,
                    train::GoEmotionsWeights {
                        other: args.other_weight,
                        remorse: args.remorse_weight,
                        remorse_distress: args.remorse_distress,
                        related: args.related_weight,
                    },
                )?);
            }
            items
        }
        Corpus::Esconv => {
            let mut items = Vec::new();
            for p in &paths {
                items.extend(train::read_esconv(p)?);
            }
            items
        }
        Corpus::Epitome => train::read_epitome(&args.paths)?,
        Corpus::Labels => {
            let mut items = Vec::new();
            for p in &paths {
                items.extend(train::read_labels(p, args.output)?);
            }
            items
        }
    };
    if items.is_empty() {
        anyhow::bail!("{}: no labelled rows", first.display());
    }
    let (trained_on, licence) = match args.corpus {
        Corpus::Goemotions => (
            "GoEmotions (Demszky et al., ACL 2020), Reddit comments",
            "CC BY 4.0",
        ),
        Corpus::Esconv => (
            "ESConv (Liu et al., ACL 2021), supporter utterances",
            "CC BY-NC 4.0 (non-commercial use only)",
        ),
        Corpus::Epitome => (
            "EPITOME Reddit (Sharma et al., EMNLP 2020), rationale sentences",
            "University of Washington EPITOME data licence (attribution: keep the copyright notice and cite the paper)",
        ),
        Corpus::Labels => ("your own labels", "yours"),
    };
    let settings = learn::Settings {
        top_k: args.top_k,
        min_df: args.min_df,
        l2: args.l2,
        steps: args.steps,
        softmax: args.softmax,
        threshold_folds: args.threshold_folds,
        all_ngrams: args.all_ngrams,
        sqrt_length: args.scale == Some(train::Scale::SqrtLength),
        skip_masked: args.skip_masked,
    };
    let mut extra = String::new();
    if args.softmax {
        extra.push_str(" --softmax");
    }
    if args.threshold_folds > 0 {
        extra.push_str(&format!(" --threshold-folds {}", args.threshold_folds));
    }
    if args.all_ngrams {
        extra.push_str(" --all-ngrams");
    }
    if settings.sqrt_length {
        extra.push_str(" --scale sqrt-length");
    }
    if settings.skip_masked {
        if !args.output.per_message() {
            anyhow::bail!(
                "--skip-masked is for tables that read customer messages (emotions, distress)"
            );
        }
        extra.push_str(" --skip-masked");
    }
    if args.other_weight != 1.0 {
        extra.push_str(&format!(" --other-weight {}", args.other_weight));
    }
    if args.related_weight != 0.0 {
        extra.push_str(&format!(" --related-weight {}", args.related_weight));
    }
    if args.remorse_distress {
        extra.push_str(" --remorse-distress");
    } else if args.remorse_weight != 1.0 {
        extra.push_str(&format!(" --remorse-weight {}", args.remorse_weight));
    }
    let mut features = learn::Features::default();
    let examples = train::examples(rules_only, &items, args.output, &mut features, settings);
    let models = train::fit(&examples, args.output, &features, settings);
    let held_in = train::held_in(&examples, args.output, &models);
    let names: Vec<String> = args
        .paths
        .iter()
        .map(|p| {
            std::path::Path::new(p)
                .file_name()
                .map_or(p.clone(), |f| f.to_string_lossy().into_owned())
        })
        .collect();
    let header = train::Header {
        name: args.name.clone(),
        trained_on: format!(
            "{} — {} ({} examples)",
            args.trained_on.as_deref().unwrap_or(trained_on),
            names.join(", "),
            examples.len()
        ),
        licence: args.licence.unwrap_or_else(|| licence.to_string()),
        command: format!(
            "empathize train {} {} --output {} --name {} --top-k {} --min-df {} --l2 {} --steps {}{}{}",
            format!("{:?}", args.corpus).to_lowercase(),
            names.join(" "),
            args.output.as_str(),
            args.name,
            args.top_k,
            args.min_df,
            args.l2,
            args.steps,
            extra,
            args.scoring
                .iter()
                .map(|kv| format!(" --set {kv}"))
                .collect::<String>()
        ),
        held_in,
        description: args.description,
        sqrt_length: settings.sqrt_length,
        skip_masked: settings.skip_masked,
    };
    let mut toml = train::to_toml(&header, args.output, &models, &features);
    if !args.scoring.is_empty() {
        toml.push_str("\n[scoring]\n");
        for kv in &args.scoring {
            let (key, value) = kv
                .split_once('=')
                .ok_or_else(|| anyhow!("--set takes KEY=VALUE, not `{kv}`"))?;
            let value: f64 = value
                .trim()
                .parse()
                .with_context(|| format!("--set {kv}: not a number"))?;
            toml.push_str(&format!("{} = {value}\n", key.trim()));
        }
    }
    // Check that what we wrote compiles before anyone relies on it.
    Analyzer::builder()
        .extra_pack(toml.clone())
        .build()
        .map_err(|e| anyhow!("the fitted table does not compile: {e}"))?;
    if args.write == "-" {
        io::stdout().lock().write_all(toml.as_bytes())?;
    } else {
        std::fs::write(&args.write, &toml)
            .with_context(|| format!("cannot write {}", args.write))?;
        eprintln!("wrote {} ({})", args.write, header.held_in);
    }
    Ok(ExitCode::SUCCESS)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Score(args) => {
            let analyzer = build_analyzer(&cli.packs)?;
            score(&analyzer, args)
        }
        Command::Explain(args) => {
            let analyzer = build_analyzer(&cli.packs)?;
            let style = Style {
                color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            let mut out = io::stdout().lock();
            explain::explain(
                &analyzer,
                &args.text,
                args.customer.as_deref(),
                args.json || args.format == ExplainFormat::Json,
                style,
                &mut out,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(args) => {
            let analyzer = build_analyzer(&cli.packs)?;
            report(&analyzer, args)
        }
        Command::Rules(RulesCommand::Check { pack, standalone }) => {
            let src = read_pack(&pack)?;
            let mut builder = Analyzer::builder();
            builder = if standalone {
                builder.pack_named(pack_name(&pack), src)
            } else {
                builder.extra_pack_named(pack_name(&pack), src)
            };
            match builder.build() {
                Ok(a) => {
                    let tables = a.tables();
                    println!(
                        "{pack}: ok — {} rules active, {} learned tables ({} n-grams), {} compiled sequences",
                        a.rules().len(),
                        tables.len(),
                        tables.iter().map(|t| t.entries).sum::<usize>(),
                        a.compiled_sequences()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("{pack}: {e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Eval(EvalCommand::Epitome {
            paths,
            mechanism,
            json,
            fit,
            write,
            folds,
            errors,
            part,
            learned_folds,
        }) => {
            let analyzer = build_analyzer(&cli.packs)?;
            if let Some(k) = learned_folds {
                let rules_only = without_tables(&cli.packs, &analyzer)?;
                // The fold tables replace any epitome table of the packs.
                let mut packs = cli.packs.clone();
                packs.disable.extend(
                    analyzer
                        .tables()
                        .into_iter()
                        .filter(|t| t.output == "epitome")
                        .map(|t| t.name),
                );
                let base = analyzer_builder(&packs)?;
                let results = crossval::epitome(&rules_only, || base.clone(), &paths, k.max(2))?;
                println!("Nested {k}-fold CV with a learned sentence table (table and [scoring] fitted on the other folds):");
                for (m, r) in results {
                    println!(
                        "  {:<20} macro-F1 {:.3}  accuracy {:.3}  F1≥1 {:.3}  rationale token-F1 {}",
                        m.as_str(),
                        r.macro_f1,
                        r.accuracy,
                        r.f1_any,
                        r.rationale_f1.map_or("–".into(), |f| format!("{f:.3}"))
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            let options = EvalOptions {
                mechanism,
                json,
                fit,
                write,
                folds: folds.max(2),
                errors,
                part: part.as_deref().map(split::parse_part).transpose()?,
            };
            eval_epitome(&analyzer, &paths, &options)
        }
        Command::Eval(EvalCommand::Goemotions { paths, json }) => {
            let analyzer = build_analyzer(&cli.packs)?;
            let rules_only = without_tables(&cli.packs, &analyzer)?;
            goemotions::eval(&analyzer, &rules_only, &paths, json)
        }
        Command::Train(args) => {
            let analyzer = build_analyzer(&cli.packs)?;
            let rules_only = without_tables(&cli.packs, &analyzer)?;
            train_table(&rules_only, args)
        }
        Command::Eval(EvalCommand::Esconv {
            path,
            json,
            folds,
            part,
            errors,
            learned_folds,
            softmax,
            all_ngrams,
            margin,
            second,
            l2,
            nested,
        }) => {
            let analyzer = build_analyzer(&cli.packs)?;
            let part = part.as_deref().map(split::parse_part).transpose()?;
            eval_esconv(&analyzer, &path, json, folds, part, errors)?;
            if let Some(k) = learned_folds {
                let rules_only = without_tables(&cli.packs, &analyzer)?;
                let base = analyzer_builder(&cli.packs)?;
                let mut rows = eval_esconv::read_rows(std::path::Path::new(&path))?;
                if let Some((i, n)) = part {
                    rows = eval_esconv::fold_rows(&rows, i, n);
                }
                let settings = learn::Settings {
                    softmax,
                    all_ngrams,
                    l2: l2.unwrap_or(crossval::STRATEGY_L2),
                    ..crossval::SETTINGS
                };
                let combine = crossval::Combine {
                    margin: margin.unwrap_or(crossval::STRATEGY_MARGIN),
                    second: second.unwrap_or(crossval::STRATEGY_SECOND),
                };
                if nested {
                    let grid = crossval::Grid {
                        l2: vec![0.002, 0.003, 0.005],
                        margin: vec![0.0, 0.25, 0.5, 1.0],
                        second: vec![-1.0, 0.0, 0.1, 0.2, 0.3],
                        max_tags: 1.6,
                    };
                    let k = k.max(2);
                    let (m, chosen) = crossval::esconv_nested(
                        &rules_only,
                        || base.clone(),
                        &rows,
                        k,
                        settings,
                        &grid,
                    )?;
                    println!("\nNested {k}-fold CV: per fold, l2 / margin / second chosen by a {}-fold CV on the other folds (best accuracy with at most {} tags per utterance):", k - 1, grid.max_tags);
                    for (i, c) in chosen.iter().enumerate() {
                        println!(
                            "  fold {i}: l2 {} margin {} second {} (inner {:.3}, {:.3} tags) -> {:.3}, {:.3} tags",
                            c.l2, c.combine.margin, c.combine.second, c.inner.utterance_accuracy,
                            c.inner.tags_per_utterance, c.outer.utterance_accuracy, c.outer.tags_per_utterance
                        );
                    }
                    println!(
                        "  all folds: utterance accuracy {:.3}, distinct tags per utterance {:.3}, single-label accuracy {:.3}, macro-F1 {:.3}",
                        m.utterance_accuracy, m.tags_per_utterance, m.single_accuracy, m.macro_f1
                    );
                    return Ok(ExitCode::SUCCESS);
                }
                let m = crossval::esconv(
                    &rules_only,
                    || base.clone(),
                    &rows,
                    k.max(2),
                    settings,
                    combine,
                )?;
                println!(
                    "\nRules + a strategies table fitted on the other folds ({k}-fold CV, {} rows):\n  utterance accuracy {:.3}, distinct tags per utterance {:.3}, single-label accuracy {:.3}, macro-F1 {:.3}",
                    m.rows, m.utterance_accuracy, m.tags_per_utterance, m.single_accuracy, m.macro_f1
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules(RulesCommand::List { json }) => {
            let analyzer = build_analyzer(&cli.packs)?;
            let rules = analyzer.rules();
            let mut out = io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &rules)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{:<48} {:<28} {:>6}  patterns",
                    "id", "category", "weight"
                )?;
                for r in &rules {
                    writeln!(
                        out,
                        "{:<48} {:<28} {:>6.2}  {}",
                        r.id,
                        r.category.as_str(),
                        r.weight,
                        r.patterns.len()
                    )?;
                }
                writeln!(out, "{} rules", rules.len())?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Warnings about malformed records printed before the rest are only counted.
const MAX_WARNINGS: usize = 20;

/// The inputs of a run, opened (and their headers read) before any output.
struct Inputs {
    opened: Vec<(String, input::Records, Arc<AtomicU64>)>,
    total_bytes: u64,
}

fn display_name(path: &str) -> &str {
    if path == "-" {
        "stdin"
    } else {
        path
    }
}

/// An input without records: a warning, or a failure under `--strict`.
fn no_records(input: &InputArgs, path: &str) -> Result<()> {
    let message = format!("{}: no records", display_name(path));
    if input.strict {
        return Err(StrictFailure(message).into());
    }
    if !input.quiet {
        eprintln!("warning: {message}");
    }
    Ok(())
}

/// Opens every input, so that a missing file or a bad CSV header fails the
/// run before anything is written.
fn open_inputs(input: &InputArgs) -> Result<Inputs> {
    let csv_opts = CsvOptions {
        text_column: input.text_column.clone(),
        id_column: input.id_column.clone(),
        role_column: input.role_column.clone(),
        role_map: input.role_map.clone().unwrap_or_default(),
        conversation_column: input.conversation_column.clone(),
        reply_to_column: input.reply_to_column.clone(),
        customer_column: input.customer_column.clone(),
        agent_column: input.agent_column.clone(),
    };
    let mut opened = Vec::new();
    let mut total_bytes = 0u64;
    for path in &input.files {
        let opened_input =
            input::records(path, input.input_format, &csv_opts).map_err(|e| anyhow!(e))?;
        total_bytes += opened_input.size.unwrap_or(0);
        if let Some(note) = opened_input.note.as_deref().filter(|_| !input.quiet) {
            eprintln!("note: {note}");
        }
        if opened_input.blank {
            no_records(input, path)?;
            continue;
        }
        opened.push((path.clone(), opened_input.records, opened_input.counter));
    }
    Ok(Inputs {
        opened,
        total_bytes,
    })
}

/// Streams every input through the analyzer in parallel chunks, calling
/// `sink` on each scored record in input order. Returns how many malformed
/// records were skipped.
fn for_each_scored(
    analyzer: &Analyzer,
    input: &InputArgs,
    inputs: Inputs,
    summaries: bool,
    mut sink: impl FnMut(Scored) -> Result<()>,
) -> Result<usize> {
    let mut threads = rayon::ThreadPoolBuilder::new();
    if let Some(n) = input.threads {
        threads = threads.num_threads(n);
    }
    let pool = threads.build().context("cannot start worker threads")?;
    let progress_visible = !input.quiet && io::stderr().is_terminal();
    let mut skipped = 0usize;
    // The bar stays hidden until the run has taken more than a moment.
    let bar = ProgressBar::with_draw_target(Some(inputs.total_bytes), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let mut shown = false;
    let mut show_if_slow = |bar: &ProgressBar| {
        if progress_visible && !shown && started.elapsed() > Duration::from_millis(800) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
            shown = true;
        }
    };
    let mut done_bytes = 0u64;
    for (path, records, counter) in inputs.opened {
        let mut read = 0usize;
        let skipped_before = skipped;
        let mut chunk: Vec<Record> = Vec::with_capacity(CHUNK);
        let mut flush = |chunk: &mut Vec<Record>, bar: &ProgressBar| -> Result<()> {
            let batch = std::mem::take(chunk);
            let scored = pool.install(|| process::score_chunk(analyzer, batch, summaries));
            for s in scored {
                sink(s)?;
            }
            bar.set_position(done_bytes + counter.load(Ordering::Relaxed));
            show_if_slow(bar);
            Ok(())
        };
        for record in records {
            match record {
                Ok(r) => {
                    read += 1;
                    chunk.push(r);
                    if chunk.len() >= CHUNK {
                        flush(&mut chunk, &bar)?;
                    }
                }
                Err(bad) => {
                    if input.strict {
                        return Err(StrictFailure(bad.to_string()).into());
                    }
                    skipped += 1;
                    if !input.quiet && skipped <= MAX_WARNINGS {
                        bar.suspend(|| eprintln!("warning: skipped {bad}"));
                    }
                }
            }
        }
        flush(&mut chunk, &bar)?;
        done_bytes += counter.load(Ordering::Relaxed);
        if read == 0 && skipped == skipped_before {
            bar.suspend(|| no_records(input, &path))?;
        }
    }
    bar.finish_and_clear();
    if skipped > MAX_WARNINGS && !input.quiet {
        eprintln!(
            "warning: {} more malformed records skipped ({skipped} in all)",
            skipped - MAX_WARNINGS
        );
    }
    Ok(skipped)
}

/// A run that read nothing but malformed records has failed (a wrong column
/// or role mapping, not a few bad rows).
fn check_anything_read(summary: &Summary, skipped: usize) -> Result<()> {
    let scored = summary.conversations + summary.messages;
    if scored == 0 && skipped > 0 {
        return Err(anyhow!(
            "no record could be read: all {skipped} were malformed (see the warnings above)"
        ));
    }
    Ok(())
}

fn score(analyzer: &Analyzer, args: ScoreArgs) -> Result<ExitCode> {
    let inputs = open_inputs(&args.input)?;
    let to_file = args.output.is_some();
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot create {path}"))?,
        )),
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    };
    let color = !to_file && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut writer = Writer::new(out, args.format, Style { color });
    writer.begin()?;
    let mut summary = Summary::default();
    // A CSV row reads only a reply's summary: the core builds no more.
    let summaries = matches!(args.format, OutputFormat::Csv);
    let skipped = for_each_scored(analyzer, &args.input, inputs, summaries, |scored| {
        summary.add(&scored);
        writer.record(&scored).context("cannot write output")
    })?;
    summary.skipped_records = skipped;
    summary.finish();
    writer.finish(&summary)?;
    check_anything_read(&summary, skipped)?;
    if matches!(args.format, OutputFormat::Jsonl | OutputFormat::Csv) && !args.input.quiet {
        let style = Style {
            color: io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        output::write_summary(&mut io::stderr().lock(), &summary, style)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn report(analyzer: &Analyzer, args: ReportArgs) -> Result<ExitCode> {
    let inputs = open_inputs(&args.input)?;
    let mut summary = Summary::default();
    let mut kept = Vec::new();
    let max = args.max_transcripts;
    let skipped = for_each_scored(analyzer, &args.input, inputs, false, |scored| {
        summary.add(&scored);
        if kept.len() < max {
            kept.push(scored);
        }
        Ok(())
    })?;
    summary.skipped_records = skipped;
    summary.finish();
    check_anything_read(&summary, skipped)?;
    let page = html::render(&summary, &kept, &args.input.files);
    std::fs::write(&args.output, page).with_context(|| format!("cannot write {}", args.output))?;
    if !args.input.quiet {
        eprintln!(
            "wrote {} ({} conversations, {} messages)",
            args.output, summary.conversations, summary.messages
        );
    }
    Ok(ExitCode::SUCCESS)
}

struct EvalOptions {
    mechanism: Option<String>,
    json: bool,
    fit: bool,
    write: Option<String>,
    folds: usize,
    errors: Option<usize>,
    part: Option<(usize, usize)>,
}

fn eval_esconv(
    analyzer: &Analyzer,
    path: &str,
    json: bool,
    folds: Option<usize>,
    part: Option<(usize, usize)>,
    errors: Option<usize>,
) -> Result<ExitCode> {
    let mut rows = eval_esconv::read_rows(std::path::Path::new(path))?;
    if let Some((i, k)) = part {
        rows = eval_esconv::fold_rows(&rows, i, k);
    }
    if rows.is_empty() {
        return Err(anyhow!("{path}: no rows to evaluate"));
    }
    let mut out = io::stdout().lock();
    if let Some(n) = errors {
        for (gold, tags, text) in eval_esconv::errors(analyzer, &rows, n) {
            let tags: Vec<&str> = tags.iter().map(|t| t.as_str()).collect();
            writeln!(
                out,
                "gold {gold} → [{}]: {}",
                tags.join(", "),
                text.replace('\n', " ")
            )?;
        }
    }
    let folds = match folds {
        Some(k) if k >= 2 => (0..k)
            .map(|i| eval_esconv::evaluate(analyzer, &eval_esconv::fold_rows(&rows, i, k)))
            .collect(),
        Some(_) => return Err(anyhow!("--folds needs at least 2 folds")),
        None => Vec::new(),
    };
    let report = eval_esconv::Report {
        file: path.to_string(),
        part,
        ours: eval_esconv::evaluate(analyzer, &rows),
        baseline: eval_esconv::baseline(&rows),
        folds,
    };
    if json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        eval_esconv::print(&mut out, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn eval_epitome(analyzer: &Analyzer, paths: &[String], options: &EvalOptions) -> Result<ExitCode> {
    let forced = match options.mechanism.as_deref() {
        None => None,
        Some(m) => Some(empathize::Mechanism::from_name(m).ok_or_else(|| {
            anyhow!("unknown mechanism `{m}` (emotional_reactions, interpretations, explorations)")
        })?),
    };
    let files = eval::expand_paths(paths)?;
    let mut results = Vec::new();
    let mut fitted = Vec::new();
    for file in files {
        let Some(m) = forced.or_else(|| eval::mechanism_of(&file)) else {
            eprintln!(
                "skipping {}: cannot tell the mechanism from its name (use --mechanism)",
                file.display()
            );
            continue;
        };
        let mut rows = eval::read_rows(&file)?;
        if let Some((i, k)) = options.part {
            rows.retain(|r| split::fold_of(&r.seeker, k) == i);
        }
        if let Some(n) = options.errors {
            let mut out = io::stdout().lock();
            for (gold, predicted, text) in eval::errors(analyzer, &rows, m, n) {
                writeln!(
                    out,
                    "{} gold {gold} → {predicted}: {}",
                    m.as_str(),
                    text.replace('\n', " ")
                )?;
            }
        }
        let mut result = eval::evaluate(analyzer, &rows, m, &file.display().to_string());
        let fit = fit::fit_mechanism(analyzer, &rows, m, options.folds);
        result.cross_validated = Some(fit.cross_validated.clone());
        results.push(result);
        fitted.push(fit);
    }
    if results.is_empty() {
        return Err(anyhow!("no EPITOME files found"));
    }
    let mut out = io::stdout().lock();
    if options.fit {
        writeln!(
            out,
            "Fitted on all rows (in-sample macro-F1 / {}-fold CV macro-F1):",
            options.folds
        )?;
        let mut values = Vec::new();
        for f in &fitted {
            let lines = fit::scoring_lines(f);
            let shown: Vec<String> = lines.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            writeln!(
                out,
                "  {:<20} {:.3} / {:.3}   {}",
                f.mechanism.as_str(),
                f.in_sample.macro_f1,
                f.cross_validated.macro_f1,
                shown.join(", ")
            )?;
            values.extend(lines);
        }
        if let Some(pack) = &options.write {
            let src =
                std::fs::read_to_string(pack).with_context(|| format!("cannot read {pack}"))?;
            std::fs::write(pack, fit::write_scoring(&src, &values))
                .with_context(|| format!("cannot write {pack}"))?;
            writeln!(
                out,
                "wrote {} values into [scoring] of {pack}",
                values.len()
            )?;
        }
        writeln!(out)?;
    }
    if options.json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
    } else {
        eval::print(&mut out, &results)?;
    }
    Ok(ExitCode::SUCCESS)
}
