//! The sample outputs of README.md and docs/rules.md are true: every ```text
//! block that starts with `$ empathize …` (or `$ cargo run … -p empathize-cli -- …`)
//! is run with the built `empathize` from the repository root, and its
//! stdout must match the lines shown below the command. docs/rules.md's quote
//! of the shipped distress table is checked against the table.
//!
//! Whitespace is normalized (runs of blanks are one space, lines trimmed,
//! blank lines ignored). A line holding only `…` stands for any number of
//! lines; a `…` inside a line stands for any text.
//!
//! When the output changes on purpose (new weights, a new rule), rewrite the
//! blocks with `EMPATHIZE_BLESS=1 cargo test -p empathize-cli --test readme`:
//! shown lines are replaced by the new output and elided parts stay elided.

use std::path::{Path, PathBuf};
use std::process::Command;

const ELLIPSIS: &str = "…";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A sample in a doc: the command line and the lines shown after it.
#[derive(Debug)]
struct Sample {
    /// Line index (0-based) of the `$ …` line in its file.
    command_line: usize,
    command: String,
    shown: Vec<String>,
}

fn samples(readme: &str) -> Vec<Sample> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() == "```text" {
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end].trim_end() != "```" {
                end += 1;
            }
            if let Some(command) = lines.get(start).and_then(|l| l.strip_prefix("$ ")) {
                out.push(Sample {
                    command_line: start,
                    command: command.to_string(),
                    shown: lines[start + 1..end]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                });
            }
            i = end;
        }
        i += 1;
    }
    out
}

/// Splits a command line like a POSIX shell does for quotes (no variables,
/// no globs).
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed ' in {line}")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(format!("unclosed \" in {line}")),
                        },
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed \" in {line}")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// The arguments of the `empathize` command a sample runs.
fn cli_args(command: &str) -> Result<Vec<String>, String> {
    let words = shell_words(command)?;
    match words.first().map(String::as_str) {
        Some("empathize") => Ok(words[1..].to_vec()),
        Some("cargo") => {
            let runs_cli = words
                .windows(2)
                .any(|w| w[0] == "-p" && w[1] == "empathize-cli");
            match words.iter().position(|w| w == "--") {
                Some(at) if runs_cli && words.get(1).is_some_and(|w| w == "run") => {
                    Ok(words[at + 1..].to_vec())
                }
                _ => Err(format!("not a run of the empathize CLI: {command}")),
            }
        }
        _ => Err(format!("not an empathize command: {command}")),
    }
}

fn normalize(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn normalized_lines<S: AsRef<str>>(lines: &[S]) -> Vec<String> {
    lines
        .iter()
        .map(|l| normalize(l.as_ref()))
        .filter(|l| !l.is_empty())
        .collect()
}

/// Whether `line` matches `pattern`, where each `…` stands for any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let pieces: Vec<&str> = pattern.split(ELLIPSIS).collect();
    if pieces.len() == 1 {
        return pattern == line;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !line.starts_with(first) || line.len() < first.len() + last.len() || !line.ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// Whether the output lines match the shown lines, a `…` line standing for
/// any number of lines. Both normalized. On a mismatch, says where.
fn block_matches(shown: &[String], output: &[String]) -> Result<(), String> {
    // Segments of consecutive shown lines between `…` lines.
    let mut segments: Vec<&[String]> = Vec::new();
    let mut start = 0;
    for (i, l) in shown.iter().enumerate() {
        if l == ELLIPSIS {
            segments.push(&shown[start..i]);
            start = i + 1;
        }
    }
    segments.push(&shown[start..]);
    let anchored_end = segments.len() == 1 || !segments.last().is_some_and(|s| s.is_empty());
    let fits = |seg: &[String], at: usize| {
        at + seg.len() <= output.len()
            && seg
                .iter()
                .zip(&output[at..])
                .all(|(p, l)| line_matches(p, l))
    };
    let mut at = 0;
    let n = segments.len();
    for (k, seg) in segments.iter().enumerate() {
        if seg.is_empty() {
            continue;
        }
        let found = if k == 0 {
            fits(seg, 0).then_some(0)
        } else if k == n - 1 && anchored_end {
            let from = output.len().checked_sub(seg.len()).filter(|&f| f >= at);
            from.filter(|&f| fits(seg, f))
        } else {
            (at..=output.len().saturating_sub(seg.len())).find(|&f| fits(seg, f))
        };
        match found {
            Some(f) => at = f + seg.len(),
            None => {
                return Err(format!(
                    "the shown lines\n    {}\nare not in the output{}",
                    seg.join("\n    "),
                    if k == 0 {
                        " at its start"
                    } else {
                        " in this order"
                    }
                ))
            }
        }
    }
    if n == 1 && at != output.len() {
        return Err(format!(
            "the output has more lines than shown (add a `{ELLIPSIS}` line to elide them):\n    {}",
            output[at..].join("\n    ")
        ));
    }
    Ok(())
}

/// The words that identify a line across score changes: the first two
/// words that are not numbers.
fn key(line: &str) -> String {
    line.split_whitespace()
        .filter(|w| {
            w.trim_matches(|c: char| "+-().%".contains(c))
                .parse::<f64>()
                .is_err()
        })
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The shown block rewritten from a new output: lines aligned with shown
/// lines (by `key`) are taken from the output, what lies between them is
/// shown if it was shown before and elided (`…`) if it was elided.
fn bless(shown: &[String], output: &[String]) -> Vec<String> {
    let old: Vec<&String> = shown.iter().filter(|l| !l.trim().is_empty()).collect();
    let old_keys: Vec<Option<String>> = old
        .iter()
        .map(|l| (l.trim() != ELLIPSIS).then(|| key(l)))
        .collect();
    let new_keys: Vec<String> = output.iter().map(|l| key(l)).collect();
    // Longest common subsequence of keys.
    let (n, m) = (old.len(), output.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old_keys[i].as_deref() == Some(new_keys[j].as_str()) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if old_keys[i].as_deref() == Some(new_keys[j].as_str()) {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs.push((n, m));
    let mut out = Vec::new();
    let (mut oi, mut nj) = (0, 0);
    for (pi, pj) in pairs {
        let elided = old[oi..pi].iter().any(|l| l.trim() == ELLIPSIS);
        if elided {
            out.push(ELLIPSIS.to_string());
        } else {
            out.extend(output[nj..pj].iter().cloned());
        }
        if pi < n {
            let kept = old[pi].contains(ELLIPSIS)
                && line_matches(&normalize(old[pi]), &normalize(&output[pj]));
            out.push(if kept {
                old[pi].clone()
            } else {
                output[pj].clone()
            });
        }
        (oi, nj) = (pi + 1, pj + 1);
    }
    out
}

fn run(binary: &Path, args: &[String]) -> Result<Vec<String>, String> {
    let out = Command::new(binary)
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .output()
        .map_err(|e| format!("cannot run empathize: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect())
}

#[test]
fn readme_samples_show_the_true_output() {
    let found = check_samples("README.md");
    assert!(
        found.len() >= 2,
        "expected the explain sample and the main job's output in README.md, found {found:?}"
    );
    assert!(
        found.iter().any(|s| s
            .command
            .contains("score examples/data/conversations.jsonl")),
        "the main job's sample output is missing from README.md"
    );
}

#[test]
fn rules_doc_samples_show_the_true_output() {
    let found = check_samples("docs/rules.md");
    assert!(
        found
            .iter()
            .any(|s| s.command.starts_with("empathize explain")),
        "expected the worked example of a learned table in docs/rules.md, found {found:?}"
    );
}

/// docs/rules.md quotes the shipped distress table: every quoted line but
/// the notes is a line of the table (`…` standing for any text), so a
/// retrained table cannot leave the quote behind.
#[test]
fn rules_doc_quotes_the_shipped_distress_table() {
    let doc = std::fs::read_to_string(root().join("docs/rules.md")).expect("docs/rules.md");
    let table_path = "crates/empathize/packs/learned/goemotions-distress.toml";
    let table = std::fs::read_to_string(root().join(table_path)).expect("the distress table");
    let table_lines = normalized_lines(&table.lines().collect::<Vec<_>>());
    let lines: Vec<&str> = doc.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with("# Learned weight table `goemotions-distress`"))
        .expect("docs/rules.md quotes the distress table");
    let quote = lines[first..].iter().take_while(|l| l.trim_end() != "```");
    let mut wrong = Vec::new();
    for line in quote {
        // A note is set off by two spaces and `#`; a commented-out key is an
        // option the table does not use.
        let quoted = normalize(line.split("  #").next().unwrap_or_default());
        let commented_key = quoted
            .strip_prefix("# ")
            .is_some_and(|rest| rest.contains(" = "));
        if quoted.is_empty() || quoted == ELLIPSIS || commented_key {
            continue;
        }
        if !table_lines.iter().any(|t| line_matches(&quoted, t)) {
            wrong.push(quoted);
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/rules.md quotes lines that {table_path} does not hold (copy them from it):\n{}",
        wrong.join("\n")
    );
}

/// Runs every sample of `file` (a path from the repository root) and checks
/// its output, or rewrites the shown lines under `EMPATHIZE_BLESS`. Returns
/// the samples found.
fn check_samples(file: &str) -> Vec<Sample> {
    let path = root().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let found = samples(&text);
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_empathize"));
    let bless_mode = std::env::var_os("EMPATHIZE_BLESS").is_some_and(|v| v != "0" && !v.is_empty());
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut failures = Vec::new();
    // From the last sample up, so that rewriting keeps earlier indices.
    for sample in found.iter().rev() {
        let args = cli_args(&sample.command).unwrap_or_else(|e| panic!("{file}: {e}"));
        let output = match run(&binary, &args) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("`{}`: {e}", sample.command));
                continue;
            }
        };
        let result = block_matches(&normalized_lines(&sample.shown), &normalized_lines(&output));
        match (result, bless_mode) {
            (Ok(()), _) => {}
            (Err(_), true) => {
                let rewritten = bless(&sample.shown, &output);
                let at = sample.command_line + 1;
                lines.splice(at..at + sample.shown.len(), rewritten);
            }
            (Err(e), false) => failures.push(format!(
                "{file} line {}: `{}`: {e}",
                sample.command_line + 1,
                sample.command
            )),
        }
    }
    if bless_mode {
        let mut rewritten = lines.join("\n");
        rewritten.push('\n');
        if rewritten != text {
            std::fs::write(&path, rewritten).unwrap_or_else(|e| panic!("write {file}: {e}"));
            eprintln!("{file}: sample outputs rewritten (EMPATHIZE_BLESS)");
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the new output is right, run EMPATHIZE_BLESS=1 cargo test -p empathize-cli --test readme",
        failures.join("\n\n")
    );
    found
}

#[test]
fn the_matcher_reads_ellipses_as_elisions() {
    let lines = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
    let out = lines("a 1\nb 2\nc 3\nd 4");
    assert!(block_matches(&lines("a 1\n…\nd 4"), &out).is_ok());
    assert!(block_matches(&lines("a 1\nb …\n…"), &out).is_ok());
    assert!(block_matches(&lines("…\nc 3\n…"), &out).is_ok());
    assert!(block_matches(&lines("a 1\nb 2\nc 3\nd 4"), &out).is_ok());
    assert!(
        block_matches(&lines("a 1\nb 2"), &out).is_err(),
        "unshown lines"
    );
    assert!(
        block_matches(&lines("a 1\n…\nb 9\n…"), &out).is_err(),
        "a wrong line"
    );
    assert!(
        block_matches(&lines("b 2\n…"), &out).is_err(),
        "anchored at the start"
    );
    assert!(
        block_matches(&lines("…\nc 3"), &out).is_err(),
        "anchored at the end"
    );
    assert!(
        block_matches(&lines("a 1\n…\nc 3\nb 2\n…"), &out).is_err(),
        "order"
    );
    assert!(line_matches("x … z", "x y y z") && !line_matches("x … z", "x y"));
}

#[test]
fn bless_refreshes_shown_lines_and_keeps_elisions() {
    let lines = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
    let shown = lines("c001 conv 22.0 late\n…\nSummary\n  mean reply score 52.8\nflags curt 13, …");
    let output = lines("c001 conv 25.0 late\nc002 conv 70.0\nSummary\n  mean reply score 55.1\n  new line 3\nflags curt 14, hollow 2");
    let blessed = bless(&shown, &output);
    assert_eq!(
        blessed,
        lines("c001 conv 25.0 late\n…\nSummary\n  mean reply score 55.1\n  new line 3\nflags curt 14, hollow 2")
    );
    assert!(block_matches(&normalized_lines(&blessed), &normalized_lines(&output)).is_ok());
}

#[test]
fn commands_are_split_like_a_shell_does() {
    assert_eq!(
        cli_args(r#"empathize explain "I'm here" --customer 'a "b"' x\ y"#).unwrap(),
        ["explain", "I'm here", "--customer", "a \"b\"", "x y"]
    );
    assert_eq!(
        cli_args("cargo run --release -p empathize-cli -- score f.jsonl").unwrap(),
        ["score", "f.jsonl"]
    );
    assert!(cli_args("ls -l").is_err());
}
