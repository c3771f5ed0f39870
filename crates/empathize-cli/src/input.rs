//! Reading conversations and messages from JSONL, CSV and stdin, one record
//! at a time, with the line each record came from.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use empathize::{Role, Turn};
use serde::Deserialize;
use serde_json::Value;

/// What a record holds.
#[derive(Debug, Clone)]
pub enum Item {
    /// A whole conversation.
    Conversation { turns: Vec<Turn> },
    /// One message: an agent reply (with the customer message it answers,
    /// if known) or a customer message.
    Message {
        role: Role,
        text: String,
        customer: Option<String>,
        agent_id: Option<String>,
    },
}

/// One record of an input, with where it came from.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub line: usize,
    pub item: Item,
}

/// A record that could not be read.
#[derive(Debug, Clone)]
pub struct BadRecord {
    pub source: Arc<str>,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for BadRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.message)
    }
}

/// How to read CSV input.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    pub text_column: String,
    pub role_column: Option<String>,
    pub conversation_column: Option<String>,
    pub customer_column: Option<String>,
    pub agent_column: Option<String>,
}

/// The input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Decide from the file extension (stdin: from the first character).
    Auto,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

/// Turn roles that carry no message (system events, agent actions): skipped.
const EVENT_ROLES: &[&str] = &["system", "action", "event", "note"];

#[derive(Deserialize)]
struct JsonTurn {
    role: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default, alias = "agentId")]
    agent_id: Option<Value>,
    #[serde(default)]
    timestamp: Option<Value>,
}

#[derive(Deserialize)]
struct JsonLine {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    turns: Option<Vec<Value>>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    customer: Option<String>,
    #[serde(default, alias = "agentId")]
    agent_id: Option<Value>,
}

fn value_to_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A turn given as an object `{role, text, agent_id?}` or a pair `[role, text]`.
fn parse_turn(v: Value) -> Result<Option<Turn>, String> {
    let turn: JsonTurn = match v {
        Value::Array(pair) if pair.len() == 2 => JsonTurn {
            role: pair[0].as_str().unwrap_or_default().to_string(),
            text: pair[1].as_str().map(str::to_string),
            agent_id: None,
            timestamp: None,
        },
        other => serde_json::from_value(other).map_err(|e| format!("bad turn: {e}"))?,
    };
    if EVENT_ROLES.contains(&turn.role.to_ascii_lowercase().as_str()) {
        return Ok(None);
    }
    let role: Role = turn
        .role
        .parse()
        .map_err(|e: empathize::UnknownRoleError| e.to_string())?;
    Ok(Some(Turn {
        role,
        text: turn.text.unwrap_or_default(),
        agent_id: turn.agent_id.as_ref().map(value_to_string),
        timestamp: turn.timestamp.as_ref().map(value_to_string),
    }))
}

fn parse_json_line(line: &str) -> Result<(Option<String>, Item), String> {
    let parsed: JsonLine = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let id = parsed.id.as_ref().map(value_to_string);
    if let Some(turns) = parsed.turns {
        let mut out = Vec::with_capacity(turns.len());
        for t in turns {
            if let Some(turn) = parse_turn(t)? {
                out.push(turn);
            }
        }
        return Ok((id, Item::Conversation { turns: out }));
    }
    let Some(text) = parsed.text else {
        return Err("expected `turns` (a conversation) or `text` (a message)".into());
    };
    let role = match parsed.role.as_deref() {
        None => Role::Agent,
        Some(r) => r
            .parse()
            .map_err(|e: empathize::UnknownRoleError| e.to_string())?,
    };
    Ok((
        id,
        Item::Message {
            role,
            text,
            customer: parsed.customer,
            agent_id: parsed.agent_id.as_ref().map(value_to_string),
        },
    ))
}

/// Opens a path (`-` is stdin) and reports its size when known.
pub fn open(path: &str) -> io::Result<(Box<dyn Read + Send>, Option<u64>)> {
    if path == "-" {
        return Ok((Box::new(io::stdin()), None));
    }
    let file = File::open(path)?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(file), size))
}

/// Picks the format of an input.
pub fn detect(path: &str, format: InputFormat, first_byte: Option<u8>) -> InputFormat {
    if format != InputFormat::Auto {
        return format;
    }
    let ext = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") | Some("tsv") => InputFormat::Csv,
        Some("jsonl") | Some("ndjson") | Some("json") => InputFormat::Jsonl,
        _ if first_byte == Some(b'{') || first_byte == Some(b'[') => InputFormat::Jsonl,
        _ => InputFormat::Csv,
    }
}

/// Counts bytes read, for the progress bar.
pub struct Counting<R> {
    inner: R,
    pub counter: Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Counting<R> {
    pub fn new(inner: R) -> Self {
        Counting {
            inner,
            counter: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Streams records of one input.
pub enum Records {
    Jsonl {
        reader: Box<dyn BufRead + Send>,
        source: Arc<str>,
        line: usize,
        buf: String,
    },
    Csv {
        reader: Box<csv::Reader<Box<dyn Read + Send>>>,
        source: Arc<str>,
        columns: CsvColumns,
        pending: Option<(String, usize, Vec<Turn>)>,
        done: bool,
    },
}

/// Column indices of a CSV input.
pub struct CsvColumns {
    text: usize,
    role: Option<usize>,
    conversation: Option<usize>,
    customer: Option<usize>,
    agent: Option<usize>,
}

impl Records {
    pub fn jsonl(reader: Box<dyn BufRead + Send>, source: &str) -> Records {
        Records::Jsonl {
            reader,
            source: Arc::from(source),
            line: 0,
            buf: String::new(),
        }
    }

    pub fn csv(
        reader: Box<dyn Read + Send>,
        source: &str,
        opts: &CsvOptions,
    ) -> Result<Records, String> {
        let delimiter = if source.to_ascii_lowercase().ends_with(".tsv") {
            b'\t'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(reader);
        let headers = reader
            .headers()
            .map_err(|e| format!("{source}: cannot read the CSV header: {e}"))?
            .clone();
        let find = |name: &str| headers.iter().position(|h| h.trim() == name);
        let need = |name: &Option<String>, flag: &str| -> Result<Option<usize>, String> {
            match name {
                None => Ok(None),
                Some(n) => find(n).map(Some).ok_or_else(|| {
                    format!(
                        "{source}: no column `{n}` for {flag} (columns: {})",
                        headers.iter().collect::<Vec<_>>().join(", ")
                    )
                }),
            }
        };
        let text = find(&opts.text_column).ok_or_else(|| {
            format!(
                "{source}: no column `{}` (use --text-column; columns: {})",
                opts.text_column,
                headers.iter().collect::<Vec<_>>().join(", ")
            )
        })?;
        let columns = CsvColumns {
            text,
            role: need(&opts.role_column, "--role-column")?,
            conversation: need(&opts.conversation_column, "--conversation-column")?,
            customer: need(&opts.customer_column, "--customer-column")?,
            agent: need(&opts.agent_column, "--agent-column")?,
        };
        Ok(Records::Csv {
            reader: Box::new(reader),
            source: Arc::from(source),
            columns,
            pending: None,
            done: false,
        })
    }
}

impl Iterator for Records {
    type Item = Result<Record, BadRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Records::Jsonl {
                reader,
                source,
                line,
                buf,
            } => loop {
                buf.clear();
                *line += 1;
                match reader.read_line(buf) {
                    Ok(0) => return None,
                    Ok(_) => {}
                    Err(e) => {
                        return Some(Err(BadRecord {
                            source: source.clone(),
                            line: *line,
                            message: format!("cannot read: {e}"),
                        }))
                    }
                }
                let trimmed = buf.trim();
                if trimmed.is_empty() {
                    continue;
                }
                return Some(match parse_json_line(trimmed) {
                    Ok((id, item)) => Ok(Record {
                        id: id.unwrap_or_else(|| format!("{source}:{line}")),
                        line: *line,
                        item,
                    }),
                    Err(message) => Err(BadRecord {
                        source: source.clone(),
                        line: *line,
                        message,
                    }),
                });
            },
            Records::Csv {
                reader,
                source,
                columns,
                pending,
                done,
            } => loop {
                if *done {
                    return pending.take().map(|(id, line, turns)| {
                        Ok(Record {
                            id,
                            line,
                            item: Item::Conversation { turns },
                        })
                    });
                }
                let mut row = csv::StringRecord::new();
                let line = reader.position().line() as usize;
                match reader.read_record(&mut row) {
                    Ok(false) => {
                        *done = true;
                        continue;
                    }
                    Ok(true) => {}
                    Err(e) => {
                        let line = e.position().map_or(line, |p| p.line() as usize);
                        return Some(Err(BadRecord {
                            source: source.clone(),
                            line,
                            message: format!("bad CSV row: {e}"),
                        }));
                    }
                }
                let line = row.position().map_or(line, |p| p.line() as usize);
                let bad = |message: String| BadRecord {
                    source: source.clone(),
                    line,
                    message,
                };
                let Some(text) = row.get(columns.text) else {
                    return Some(Err(bad(format!("row has no column {}", columns.text + 1))));
                };
                let role = match columns.role.map(|i| row.get(i).unwrap_or("")) {
                    None => Role::Agent,
                    Some(r) if EVENT_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()) => {
                        continue
                    }
                    Some(r) => match r.parse::<Role>() {
                        Ok(role) => role,
                        Err(e) => return Some(Err(bad(e.to_string()))),
                    },
                };
                let agent_id = columns
                    .agent
                    .and_then(|i| row.get(i))
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                if let Some(conv_col) = columns.conversation {
                    let conv = row.get(conv_col).unwrap_or("").to_string();
                    let turn = Turn {
                        role,
                        text: text.to_string(),
                        agent_id,
                        timestamp: None,
                    };
                    match pending {
                        Some((id, _, turns)) if *id == conv => turns.push(turn),
                        _ => {
                            let finished = pending.replace((conv, line, vec![turn]));
                            if let Some((id, first_line, turns)) = finished {
                                return Some(Ok(Record {
                                    id,
                                    line: first_line,
                                    item: Item::Conversation { turns },
                                }));
                            }
                        }
                    }
                    continue;
                }
                let customer = columns
                    .customer
                    .and_then(|i| row.get(i))
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                return Some(Ok(Record {
                    id: format!("{source}:{line}"),
                    line,
                    item: Item::Message {
                        role,
                        text: text.to_string(),
                        customer,
                        agent_id,
                    },
                }));
            },
        }
    }
}

/// Opens one input as a record stream, with a byte counter for progress.
pub fn records(
    path: &str,
    format: InputFormat,
    csv_opts: &CsvOptions,
) -> Result<(Records, Option<u64>, Arc<std::sync::atomic::AtomicU64>), String> {
    let (raw, size) = open(path).map_err(|e| format!("{path}: {e}"))?;
    let counting = Counting::new(raw);
    let counter = counting.counter.clone();
    let mut buffered: Box<dyn BufRead + Send> =
        Box::new(BufReader::with_capacity(1 << 16, counting));
    let first = buffered
        .fill_buf()
        .map_err(|e| format!("{path}: {e}"))?
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace());
    let source = if path == "-" { "stdin" } else { path };
    let records = match detect(path, format, first) {
        InputFormat::Csv => Records::csv(Box::new(buffered), source, csv_opts)?,
        _ => Records::jsonl(buffered, source),
    };
    Ok((records, size, counter))
}
