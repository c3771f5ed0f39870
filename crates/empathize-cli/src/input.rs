//! Reading conversations and messages from JSONL, CSV, plain text (one
//! message per line) and stdin, one record at a time, with the line each
//! record came from. CSV rows can form conversations by a conversation
//! column (contiguous rows) or by reply links (`--reply-to-column`).

use std::collections::{HashMap, VecDeque};
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
    pub id_column: Option<String>,
    pub role_column: Option<String>,
    pub role_map: RoleMap,
    pub conversation_column: Option<String>,
    pub reply_to_column: Option<String>,
    pub customer_column: Option<String>,
    pub agent_column: Option<String>,
}

/// What a raw role value stands for: a role, or an event row to skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleTarget {
    Role(Role),
    Skip,
}

/// Raw role values mapped to roles (`--role-map 'True=customer,False=agent'`).
#[derive(Debug, Clone, Default)]
pub struct RoleMap(Vec<(String, RoleTarget)>);

impl std::str::FromStr for RoleMap {
    type Err = String;

    /// Parses `RAW=ROLE[,RAW=ROLE…]`; a role is `customer`, `agent` (or an
    /// alias such as `user`, `bot`) or `skip` for rows that are no message.
    fn from_str(s: &str) -> Result<RoleMap, String> {
        let mut pairs = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((raw, role)) = part.split_once('=') else {
                return Err(format!(
                    "`{part}` is not RAW=ROLE (e.g. 'True=customer,False=agent')"
                ));
            };
            let role = role.trim();
            let target = if role.eq_ignore_ascii_case("skip")
                || EVENT_ROLES.contains(&role.to_ascii_lowercase().as_str())
            {
                RoleTarget::Skip
            } else {
                RoleTarget::Role(role.parse().map_err(|e: empathize::UnknownRoleError| {
                    format!("{e} for `{}` (use customer, agent or skip)", raw.trim())
                })?)
            };
            pairs.push((raw.trim().to_string(), target));
        }
        if pairs.is_empty() {
            return Err("empty role map (e.g. 'True=customer,False=agent')".into());
        }
        Ok(RoleMap(pairs))
    }
}

impl RoleMap {
    /// The role of a raw value: the map first (exact, then ignoring case),
    /// then the role names themselves.
    fn resolve(&self, raw: &str, column: &str) -> Result<RoleTarget, String> {
        let raw = raw.trim();
        let mapped = self
            .0
            .iter()
            .find(|(k, _)| k == raw)
            .or_else(|| self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(raw)));
        if let Some((_, target)) = mapped {
            return Ok(*target);
        }
        if EVENT_ROLES.contains(&raw.to_ascii_lowercase().as_str()) {
            return Ok(RoleTarget::Skip);
        }
        raw.parse::<Role>().map(RoleTarget::Role).map_err(|_| {
            if self.0.is_empty() {
                format!(
                    "unknown role `{raw}` in column `{column}` (map raw values with --role-map '{raw}=customer,…')"
                )
            } else {
                format!("unknown role `{raw}` in column `{column}` (not in --role-map)")
            }
        })
    }
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
    /// Plain text, one agent reply per line.
    Lines,
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
        Some("txt") | Some("text") => InputFormat::Lines,
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
    Lines {
        reader: Box<dyn BufRead + Send>,
        source: Arc<str>,
        line: usize,
        buf: String,
    },
    Csv(Box<CsvRecords>),
}

/// Column indices of a CSV input.
pub struct CsvColumns {
    text: usize,
    id: Option<usize>,
    role: Option<(usize, String)>,
    conversation: Option<usize>,
    reply_to: Option<usize>,
    customer: Option<usize>,
    agent: Option<usize>,
}

/// A CSV input: rows as messages, contiguous rows as conversations, or
/// threads rebuilt from reply links.
pub struct CsvRecords {
    reader: csv::Reader<Box<dyn Read + Send>>,
    source: Arc<str>,
    columns: CsvColumns,
    role_map: RoleMap,
    /// Added to the csv crate's line numbers: it counts a CRLF file's
    /// record starts one line short.
    line_fix: usize,
    pending: Option<(String, usize, Vec<Turn>)>,
    done: bool,
    /// With reply links: every record of the file, built on the first call.
    threads: Option<VecDeque<Result<Record, BadRecord>>>,
}

/// One CSV row, read.
struct Row {
    line: usize,
    id: Option<String>,
    reply_to: Option<String>,
    conversation: Option<String>,
    customer: Option<String>,
    /// `None` for an event row (skipped as a message, kept as a link).
    turn: Option<Turn>,
}

fn non_empty(row: &csv::StringRecord, col: Option<usize>) -> Option<String> {
    col.and_then(|i| row.get(i))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
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

    pub fn lines(reader: Box<dyn BufRead + Send>, source: &str) -> Records {
        Records::Lines {
            reader,
            source: Arc::from(source),
            line: 0,
            buf: String::new(),
        }
    }

    /// CSV records, and a note for the user when the header has a column
    /// that looks like it says who wrote each row but no option reads roles
    /// (see [`role_hint`]).
    pub fn csv(
        reader: Box<dyn Read + Send>,
        source: &str,
        opts: &CsvOptions,
        crlf: bool,
    ) -> Result<(Records, Option<String>), String> {
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
        let listed = || headers.iter().collect::<Vec<_>>().join(", ");
        let need = |name: &Option<String>, flag: &str| -> Result<Option<usize>, String> {
            match name {
                None => Ok(None),
                Some(n) => find(n).map(Some).ok_or_else(|| {
                    format!(
                        "{source}: no column `{n}` for {flag} (columns: {})",
                        listed()
                    )
                }),
            }
        };
        let text = find(&opts.text_column).ok_or_else(|| {
            format!(
                "{source}: no column `{}` (use --text-column; columns: {}); \
                 for plain text, one message per line, use --input-format lines",
                opts.text_column,
                listed()
            )
        })?;
        let role = need(&opts.role_column, "--role-column")?;
        let columns = CsvColumns {
            text,
            id: need(&opts.id_column, "--id-column")?,
            role: role.zip(opts.role_column.clone()),
            conversation: need(&opts.conversation_column, "--conversation-column")?,
            reply_to: need(&opts.reply_to_column, "--reply-to-column")?,
            customer: need(&opts.customer_column, "--customer-column")?,
            agent: need(&opts.agent_column, "--agent-column")?,
        };
        let hint = role_hint(&headers, opts, source);
        let records = Records::Csv(Box::new(CsvRecords {
            reader,
            source: Arc::from(source),
            columns,
            role_map: opts.role_map.clone(),
            line_fix: usize::from(crlf),
            pending: None,
            done: false,
            threads: None,
        }));
        Ok((records, hint))
    }
}

/// Header names that usually say who wrote a row (compared lower-cased),
/// the likeliest first: a flag such as `inbound` before an author id.
const ROLE_LIKE_COLUMNS: &[&str] = &[
    "role",
    "speaker",
    "sender",
    "inbound",
    "direction",
    "party",
    "participant",
    "user_type",
    "author",
    "from",
    "author_id",
];

/// Without `--role-column` (nor `--customer-column` or
/// `--conversation-column`) every row is an agent reply: said once when the
/// header has a column that looks like it holds roles, since customer rows
/// scored as replies make a misleading table.
fn role_hint(headers: &csv::StringRecord, opts: &CsvOptions, source: &str) -> Option<String> {
    if opts.role_column.is_some()
        || opts.customer_column.is_some()
        || opts.conversation_column.is_some()
    {
        return None;
    }
    let column = ROLE_LIKE_COLUMNS.iter().find_map(|&like| {
        headers
            .iter()
            .map(str::trim)
            .find(|h| h.eq_ignore_ascii_case(like))
    })?;
    Some(format!(
        "{source}: every row is scored as an agent reply; if column `{column}` says who \
         wrote each row, pass --role-column {column} (and --role-map, e.g. \
         'True=customer,False=agent')"
    ))
}

impl CsvRecords {
    fn bad(&self, line: usize, message: String) -> BadRecord {
        BadRecord {
            source: self.source.clone(),
            line,
            message,
        }
    }

    /// Reads the next row: `None` at the end.
    fn next_row(&mut self) -> Option<Result<Row, BadRecord>> {
        let mut row = csv::StringRecord::new();
        let line = self.reader.position().line() as usize;
        match self.reader.read_record(&mut row) {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize);
                return Some(Err(
                    self.bad(line + self.line_fix, format!("bad CSV row: {e}"))
                ));
            }
        }
        let line = row.position().map_or(line, |p| p.line() as usize) + self.line_fix;
        let c = &self.columns;
        let Some(text) = row.get(c.text) else {
            return Some(Err(
                self.bad(line, format!("row has no column {}", c.text + 1))
            ));
        };
        let role = match &c.role {
            None => RoleTarget::Role(Role::Agent),
            Some((i, name)) => match self.role_map.resolve(row.get(*i).unwrap_or(""), name) {
                Ok(target) => target,
                Err(message) => return Some(Err(self.bad(line, message))),
            },
        };
        let turn = match role {
            RoleTarget::Skip => None,
            RoleTarget::Role(role) => Some(Turn {
                role,
                text: text.to_string(),
                agent_id: non_empty(&row, c.agent),
                timestamp: None,
            }),
        };
        Some(Ok(Row {
            line,
            id: non_empty(&row, c.id),
            reply_to: non_empty(&row, c.reply_to),
            conversation: c.conversation.map(|i| row.get(i).unwrap_or("").to_string()),
            customer: non_empty(&row, c.customer),
            turn,
        }))
    }

    /// Reads every row and joins rows into threads by their reply links.
    fn build_threads(&mut self) -> VecDeque<Result<Record, BadRecord>> {
        let mut out = VecDeque::new();
        let mut rows: Vec<Row> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        while let Some(row) = self.next_row() {
            match row {
                Err(bad) => out.push_back(Err(bad)),
                Ok(row) => {
                    let Some(id) = row.id.clone() else {
                        out.push_back(Err(self.bad(row.line, "empty id".into())));
                        continue;
                    };
                    if let Some(&first) = index.get(&id) {
                        let first_line = rows[first].line;
                        out.push_back(Err(self.bad(
                            row.line,
                            format!("duplicate id `{id}` (first on line {first_line})"),
                        )));
                        continue;
                    }
                    index.insert(id, rows.len());
                    rows.push(row);
                }
            }
        }
        for thread in threads(&rows, &index) {
            let root = &rows[thread[0]];
            let turns: Vec<Turn> = thread
                .iter()
                .filter_map(|&i| rows[i].turn.clone())
                .collect();
            if turns.is_empty() {
                continue;
            }
            out.push_back(Ok(Record {
                id: root.id.clone().unwrap_or_default(),
                line: root.line,
                item: Item::Conversation { turns },
            }));
        }
        out
    }

    fn next_record(&mut self) -> Option<Result<Record, BadRecord>> {
        if self.columns.reply_to.is_some() {
            if self.threads.is_none() {
                self.threads = Some(self.build_threads());
            }
            return self.threads.as_mut().and_then(VecDeque::pop_front);
        }
        loop {
            if self.done {
                return self.pending.take().map(|(id, line, turns)| {
                    Ok(Record {
                        id,
                        line,
                        item: Item::Conversation { turns },
                    })
                });
            }
            let row = match self.next_row() {
                None => {
                    self.done = true;
                    continue;
                }
                Some(Err(bad)) => return Some(Err(bad)),
                Some(Ok(row)) => row,
            };
            let Some(turn) = row.turn else { continue };
            if let Some(conv) = row.conversation {
                match &mut self.pending {
                    Some((id, _, turns)) if *id == conv => turns.push(turn),
                    _ => {
                        let finished = self.pending.replace((conv, row.line, vec![turn]));
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
            return Some(Ok(Record {
                id: row
                    .id
                    .unwrap_or_else(|| format!("{}:{}", self.source, row.line)),
                line: row.line,
                item: Item::Message {
                    role: turn.role,
                    text: turn.text,
                    customer: row.customer,
                    agent_id: turn.agent_id,
                },
            }));
        }
    }
}

/// Groups rows into threads: a row whose reply-to id is another row's id
/// joins that row's thread. Each thread lists its rows in reply order (a
/// depth-first walk from the first message, replies in file order);
/// threads come in the order of their earliest row in the file.
fn threads(rows: &[Row], index: &HashMap<String, usize>) -> Vec<Vec<usize>> {
    let parent: Vec<Option<usize>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.reply_to
                .as_ref()
                .and_then(|p| index.get(p).copied())
                .filter(|&p| p != i)
        })
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    for (i, p) in parent.iter().enumerate() {
        if let Some(p) = p {
            children[*p].push(i);
        }
    }
    let mut seen = vec![false; rows.len()];
    let walk = |root: usize, seen: &mut Vec<bool>| -> Vec<usize> {
        let mut order = Vec::new();
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            order.push(i);
            stack.extend(children[i].iter().rev().filter(|&&c| !seen[c]));
        }
        order
    };
    let mut out = Vec::new();
    // Roots first; whatever is left sits on a reply cycle and starts at
    // its first row in the file.
    for i in 0..rows.len() {
        if parent[i].is_none() && !seen[i] {
            out.push(walk(i, &mut seen));
        }
    }
    for i in 0..rows.len() {
        if !seen[i] {
            out.push(walk(i, &mut seen));
        }
    }
    out.sort_by_key(|t| t.iter().copied().min().unwrap_or(0));
    out
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
            Records::Lines {
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
                let text = buf.trim_end_matches(['\n', '\r']);
                if text.trim().is_empty() {
                    continue;
                }
                return Some(Ok(Record {
                    id: format!("{source}:{line}"),
                    line: *line,
                    item: Item::Message {
                        role: Role::Agent,
                        text: text.to_string(),
                        customer: None,
                        agent_id: None,
                    },
                }));
            },
            Records::Csv(csv) => csv.next_record(),
        }
    }
}

/// An input, opened.
pub struct Opened {
    pub records: Records,
    /// The size in bytes, when known (not for stdin).
    pub size: Option<u64>,
    /// Bytes read so far, for the progress bar.
    pub counter: Arc<std::sync::atomic::AtomicU64>,
    /// The input holds nothing but whitespace.
    pub blank: bool,
    /// Something the user should know about how the input is read.
    pub note: Option<String>,
}

/// Opens one input as a record stream, with a byte counter for progress.
pub fn records(path: &str, format: InputFormat, csv_opts: &CsvOptions) -> Result<Opened, String> {
    let (raw, size) = open(path).map_err(|e| format!("{path}: {e}"))?;
    let counting = Counting::new(raw);
    let counter = counting.counter.clone();
    let mut buffered: Box<dyn BufRead + Send> =
        Box::new(BufReader::with_capacity(1 << 16, counting));
    let head = buffered.fill_buf().map_err(|e| format!("{path}: {e}"))?;
    let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
    let crlf = head
        .iter()
        .position(|&b| b == b'\n')
        .is_some_and(|i| i > 0 && head[i - 1] == b'\r');
    let source = if path == "-" { "stdin" } else { path };
    if first.is_none() {
        // Nothing but whitespace: no records, whatever the format (a CSV
        // without even a header is empty, not malformed).
        return Ok(Opened {
            records: Records::lines(buffered, source),
            size,
            counter,
            blank: true,
            note: None,
        });
    }
    let (records, note) = match detect(path, format, first) {
        InputFormat::Csv => Records::csv(Box::new(buffered), source, csv_opts, crlf)?,
        InputFormat::Lines => (Records::lines(buffered, source), None),
        _ => (Records::jsonl(buffered, source), None),
    };
    Ok(Opened {
        records,
        size,
        counter,
        blank: false,
        note,
    })
}
