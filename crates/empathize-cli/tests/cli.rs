//! The `empathize` command: each command, each format, the error paths.

use std::io::Write;
use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample() -> String {
    root()
        .join("examples/data/conversations.jsonl")
        .display()
        .to_string()
}

fn cmd() -> Command {
    let mut c = Command::cargo_bin("empathize").expect("binary");
    c.env("NO_COLOR", "1");
    c
}

fn temp_file(name: &str, content: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(content.as_bytes()))
        .expect("write");
    (dir, path.display().to_string())
}

fn sample_lines() -> usize {
    std::fs::read_to_string(sample())
        .expect("sample")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

#[test]
fn score_table_shows_rows_summary_and_agents() {
    cmd()
        .args(["score", &sample()])
        .assert()
        .success()
        .stdout(predicate::str::contains("Summary"))
        .stdout(predicate::str::contains("mean reply score"))
        .stdout(predicate::str::contains("late empathy"))
        .stdout(predicate::str::contains("agent"))
        .stdout(predicate::str::contains("ana"));
}

#[test]
fn score_json_is_one_document_in_input_order() {
    let out = cmd()
        .args(["score", "--format", "json", &sample()])
        .output()
        .expect("run");
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let results = doc["results"].as_array().expect("results");
    assert_eq!(results.len(), sample_lines());
    let ids: Vec<&str> = results.iter().filter_map(|r| r["id"].as_str()).collect();
    let expected: Vec<String> = std::fs::read_to_string(sample())
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(
        doc["summary"]["conversations"].as_u64(),
        Some(results.len() as u64)
    );
    assert!(doc["summary"]["agents"]
        .as_object()
        .is_some_and(|a| a.len() >= 5));
}

#[test]
fn score_jsonl_has_one_line_per_record_and_summary_on_stderr() {
    let out = cmd()
        .args(["score", "-f", "jsonl", &sample()])
        .output()
        .expect("run");
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), sample_lines());
    for l in lines {
        let v: Value = serde_json::from_str(l).expect("json line");
        assert_eq!(v["kind"], "conversation");
        assert!(v["report"]["score"].as_f64().is_some());
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("Summary"));
}

#[test]
fn score_csv_output_has_header_and_rows() {
    let out = cmd()
        .args(["score", "-f", "csv", "-q", &sample()])
        .output()
        .expect("run");
    assert!(out.status.success());
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert!(headers.iter().any(|h| h == "late_empathy"));
    assert!(headers.iter().any(|h| h == "acknowledgment"));
    assert_eq!(reader.records().count(), sample_lines());
    assert!(out.stderr.is_empty(), "--quiet prints nothing on stderr");
}

#[test]
fn messages_from_stdin() {
    let input = "{\"text\": \"Nope.\", \"customer\": \"I'm furious, my order is lost!\"}\n{\"text\": \"I'm so upset\", \"role\": \"customer\"}\n";
    let out = cmd()
        .args(["score", "-f", "jsonl", "-q", "-"])
        .write_stdin(input)
        .output()
        .expect("run");
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["kind"], "reply");
    assert!(lines[0]["report"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "curt"));
    assert_eq!(lines[1]["kind"], "customer");
    assert!(lines[1]["report"]["distress"].as_f64().unwrap() > 0.0);
}

#[test]
fn csv_input_with_columns_and_conversations() {
    let csv = "conv,who,body,agent\n1,customer,My card was charged twice and I'm really upset,\n1,agent,\"I'm so sorry, I understand how stressful that is. I've refunded it.\",ana\n2,user,\"Where is my parcel?\",\n2,bot,It arrives Friday.,bot7\n";
    let (_dir, path) = temp_file("chats.csv", csv);
    let out = cmd()
        .args([
            "score",
            "-f",
            "jsonl",
            "-q",
            "--text-column",
            "body",
            "--role-column",
            "who",
            "--conversation-column",
            "conv",
            "--agent-column",
            "agent",
            &path,
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "1");
    assert_eq!(lines[0]["report"]["turns"].as_array().unwrap().len(), 2);
    assert_eq!(lines[0]["report"]["agents"][0]["agent_id"], "ana");
}

/// A CSV whose header has a column that looks like roles, read without
/// `--role-column`, scores every row as a reply: the run says so once (not
/// under `--quiet`, not when roles are read). Long ids keep their end, where
/// an id made from the file and the line differs.
#[test]
fn csv_with_a_role_like_column_but_no_role_option_gets_a_note() {
    let csv = "tweet_id,author_id,inbound,text\n1,115,True,My parcel is lost\n2,Acme,False,Sorry to hear that!\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a-rather-long-file-name-for-tweets.csv");
    std::fs::write(&path, csv).expect("write");
    let path = path.display().to_string();
    let note = "every row is scored as an agent reply; if column `inbound` says who wrote each row, pass --role-column inbound";
    let out = cmd().args(["score", &path]).output().expect("run");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches(note).count(), 1, "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in ["2", "3"] {
        let end = format!("-for-tweets.csv:{line} ");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with('…') && l.contains(&end)),
            "{stdout}"
        );
    }
    cmd()
        .args(["score", "-q", &path])
        .assert()
        .success()
        .stderr(predicate::str::contains("--role-column").not());
    cmd()
        .args([
            "score",
            "--role-column",
            "inbound",
            "--role-map",
            "True=customer,False=agent",
            &path,
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("every row is scored").not());
}

#[test]
fn csv_missing_column_is_an_error() {
    let (_dir, path) = temp_file("x.csv", "a,b\n1,2\n");
    cmd()
        .args(["score", &path])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no column `text`"));
}

#[test]
fn malformed_lines_are_reported_and_skipped_or_fatal_with_strict() {
    let input = "{\"text\": \"Happy to help!\"}\nthis is not json\n{\"turns\": [{\"role\": \"alien\", \"text\": \"x\"}]}\n{\"text\": \"Thanks for waiting.\"}\n";
    let (_dir, path) = temp_file("bad.jsonl", input);
    let out = cmd()
        .args(["score", "-f", "jsonl", &path])
        .output()
        .expect("run");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.jsonl:2"), "{stderr}");
    assert!(stderr.contains("bad.jsonl:3"), "{stderr}");
    assert!(stderr.contains("2 malformed records skipped"), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        2,
        "nothing else is lost"
    );

    cmd()
        .args(["score", "--strict", &path])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("bad.jsonl:2"));
}

#[test]
fn missing_file_is_an_error() {
    cmd()
        .args(["score", "/no/such/file.jsonl"])
        .assert()
        .code(1);
}

#[test]
fn explain_highlights_and_breaks_down() {
    cmd()
        .args([
            "explain",
            "Per our policy, refunds take 10 business days.",
            "--customer",
            "I need my money back, I'm panicking!",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("{policy_wall}"))
        .stdout(predicate::str::contains("Breakdown"))
        .stdout(predicate::str::contains("distress_ignored"))
        .stdout(predicate::str::contains("acknowledge_before_policy"));
    let out = cmd()
        .args(["explain", "--json", "I'm so sorry."])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["dimensions"]["apology"].as_f64().unwrap() > 0.0);
}

#[test]
fn rules_list_and_check() {
    cmd()
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("policy_wall"))
        .stdout(predicate::str::contains(" rules"));
    let good = "[[rules]]\nid = \"warmth.aloha\"\ncategory = \"warmth\"\nweight = 0.5\npatterns = [\"aloha\"]\n";
    let (_d1, good_path) = temp_file("good.toml", good);
    cmd()
        .args(["rules", "check", &good_path])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok"));
    let bad = "[[rules]]\nid = \"warmth.aloha\"\ncategory = \"warmth\"\nweight = 0.5\npatterns = [\"(aloha\"]\n";
    let (_d2, bad_path) = temp_file("bad.toml", bad);
    cmd()
        .args(["rules", "check", &bad_path])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("warmth.aloha"))
        .stderr(predicate::str::contains("line 5"));
}

#[test]
fn rules_check_reports_a_bad_language_lexicon() {
    let bad = "[lexicons]\nNEGATORS = [\"not\"]\nCONTRACTIONS = [\"im\"]\n";
    let (_d, path) = temp_file("bad-lexicon.toml", bad);
    cmd()
        .args(["rules", "check", &path])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad-lexicon.toml"))
        .stderr(predicate::str::contains("lexicons.CONTRACTIONS"))
        .stderr(predicate::str::contains("line 3"));
}

#[test]
fn pack_options_apply_to_every_command() {
    let extra = "[[rules]]\nid = \"warmth.aloha\"\ncategory = \"warmth\"\nweight = 0.5\npatterns = [\"aloha\"]\n";
    let (_d, path) = temp_file("extra.toml", extra);
    cmd()
        .args(["--extra-rules", &path, "explain", "Aloha!"])
        .assert()
        .success()
        .stdout(predicate::str::contains("{warmth}"));
    cmd()
        .args(["rules", "list", "--extra-rules", &path])
        .assert()
        .success()
        .stdout(predicate::str::contains("warmth.aloha"));
    cmd()
        .args(["rules", "list", "--disable", "no.such.rule"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no.such.rule"));
}

/// Checks that every non-void element we open is closed, in order.
fn check_balanced(html: &str) -> Result<(), String> {
    const VOID: &[&str] = &["meta", "br", "img", "rect", "input", "hr", "link"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').ok_or("unclosed tag")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let self_closing = tag.ends_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "style" && !tag.starts_with('/') {
            let close = rest.find("</style>").ok_or("unclosed style")?;
            rest = &rest[close + "</style>".len()..];
            continue;
        }
        if tag.starts_with('/') {
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else if !self_closing && !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed: {stack:?}"))
    }
}

#[test]
fn report_writes_self_contained_valid_html() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    cmd()
        .args(["report", &sample(), "-o", &out.display().to_string(), "-q"])
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    check_balanced(&html).unwrap();
    for needle in [
        "Mean reply score per agent",
        "Flags raised",
        "<svg",
        "<mark class=",
        "Transcripts",
        "💡",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    for external in ["src=\"http", "href=\"http", "<script", "@import", "url("] {
        assert!(
            !html.contains(external),
            "report must be self-contained: found {external}"
        );
    }
    // Rendered by a real browser when one is installed (Debian `chromium`).
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    match chromium {
        None => eprintln!("chromium not installed: HTML validated structurally only"),
        Some(bin) => {
            let shot = dir.path().join("shot.png");
            let profile = dir.path().join("profile");
            let status = std::process::Command::new(bin)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    &format!("--user-data-dir={}", profile.display()),
                    &format!("--screenshot={}", shot.display()),
                    "--window-size=1200,1600",
                    &format!("file://{}", out.display()),
                ])
                .output()
                .expect("chromium runs");
            assert!(
                status.status.success(),
                "{}",
                String::from_utf8_lossy(&status.stderr)
            );
            let png = std::fs::read(&shot).expect("screenshot written");
            assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
        }
    }
}

#[test]
fn eval_epitome_prints_metrics_cv_and_baseline_and_fit_writes_the_pack() {
    let mut csv = String::from("sp_id,rp_id,seeker_post,response_post,level,rationales\n");
    let rows = [
        (
            "I failed my exam",
            "I'm so sorry, that sounds really hard.",
            2,
            "I'm so sorry, that sounds really hard.|",
        ),
        ("I feel alone", "That sucks.", 1, "That sucks.|"),
        ("my dog died", "Go outside more.", 0, ""),
        ("can't sleep", "Try melatonin.", 0, ""),
        (
            "lost my job",
            "I'm sorry to hear that, hugs.",
            2,
            "I'm sorry to hear that|",
        ),
        ("sad today", "ok", 0, ""),
    ];
    for (i, (seeker, response, level, rationale)) in rows.iter().cycle().take(30).enumerate() {
        csv.push_str(&format!(
            "s{i},r{i},\"{seeker}\",\"{response}\",{level},\"{rationale}\"\n"
        ));
    }
    let (dir, path) = temp_file("emotional-reactions.sample.csv", &csv);
    let out = cmd()
        .args(["eval", "epitome", &path])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "emotional_reactions",
        "macro-F1",
        "CV mF1",
        "base mF1",
        "confusion",
        "RoBERTa",
    ] {
        assert!(stdout.contains(needle), "missing {needle}:\n{stdout}");
    }
    let pack = dir.path().join("pack.toml");
    std::fs::write(&pack, "[pack]\nname = \"p\"\n[[rules]]\nid = \"apology.sorry\"\ncategory = \"apology\"\nweight = 1.0\npatterns = [\"sorry\"]\nepitome = \"emotional_reactions:2\"\n").unwrap();
    let pack_s = pack.display().to_string();
    cmd()
        .args([
            "--rules", &pack_s, "eval", "epitome", &path, "--fit", "--write", &pack_s,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote"));
    let written = std::fs::read_to_string(&pack).unwrap();
    assert!(written.contains("[scoring]") && written.contains("emotional_reactions_level1 ="));
    cmd()
        .args(["rules", "check", "--standalone", &pack_s])
        .assert()
        .success();
}

fn jsonl_of(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn shared(rel: &str) -> Option<String> {
    let p = root().join("..").join("shared").join(rel);
    p.is_file().then(|| p.display().to_string())
}

#[test]
fn plain_text_is_one_reply_per_line_from_txt_or_stdin() {
    let text = "I'm so sorry about the wait, I'll fix it today.\n\n  \nNope.\r\n";
    let (_dir, path) = temp_file("replies.txt", text);
    let out = cmd()
        .args(["score", "-f", "jsonl", "-q", &path])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = jsonl_of(&out.stdout);
    assert_eq!(lines.len(), 2, "blank lines are no messages");
    assert!(lines.iter().all(|l| l["kind"] == "reply"));
    assert_eq!(lines[0]["id"], format!("{path}:1"));
    assert_eq!(lines[1]["id"], format!("{path}:4"));
    assert!(lines[1]["report"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "curt"));

    let out = cmd()
        .args(["score", "--input-format", "lines", "-f", "jsonl", "-q", "-"])
        .write_stdin(text)
        .output()
        .expect("run");
    assert!(out.status.success());
    let lines = jsonl_of(&out.stdout);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "stdin:1");

    // Without the format, plain text on stdin is taken for CSV: the error
    // says what to do instead.
    cmd()
        .args(["score", "-"])
        .write_stdin("Happy to help!\nNope.\n")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("--input-format lines"));
}

const INBOUND_CSV: &str = "tweet_id,inbound,text,in_response_to_tweet_id\n\
    11,True,My card was charged twice and I'm really upset!!,\n\
    12,False,\"I'm so sorry, that sounds stressful. I've refunded it.\",11\n\
    13,True,Where is my parcel?,\n";

#[test]
fn csv_id_column_and_role_map() {
    let (_dir, path) = temp_file("tweets.csv", INBOUND_CSV);
    let out = cmd()
        .args([
            "score",
            "-f",
            "jsonl",
            "--id-column",
            "tweet_id",
            "--role-column",
            "inbound",
            "--role-map",
            "True=customer,False=agent",
            &path,
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .matches("warning")
            .count(),
        0
    );
    let lines = jsonl_of(&out.stdout);
    let kinds: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l["id"].as_str().unwrap(), l["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("11", "customer"), ("12", "reply"), ("13", "customer")]
    );

    // A value missing from the map is a malformed record that says so.
    let out = cmd()
        .args([
            "score",
            "-f",
            "jsonl",
            "--role-column",
            "inbound",
            "--role-map",
            "True=customer",
            &path,
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("tweets.csv:3: unknown role `False`"),
        "{stderr}"
    );
    assert_eq!(jsonl_of(&out.stdout).len(), 2);

    // A map that names no role is bad usage.
    cmd()
        .args([
            "score",
            "--role-column",
            "inbound",
            "--role-map",
            "True=boss",
            &path,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("boss"));
    cmd()
        .args(["score", "--role-map", "True=customer", &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--role-column"));
}

#[test]
fn unmapped_role_column_fails_instead_of_scoring_nothing() {
    let mut csv = String::from("id,inbound,text\n");
    for i in 0..30 {
        csv.push_str(&format!(
            "{i},{},hello\n",
            if i % 2 == 0 { "True" } else { "False" }
        ));
    }
    let (_dir, path) = temp_file("inbound.csv", &csv);
    let out = cmd()
        .args(["score", "--role-column", "inbound", &path])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--role-map 'True=customer"), "{stderr}");
    assert!(stderr.contains("all 30 were malformed"), "{stderr}");
    let warnings = stderr
        .lines()
        .filter(|l| l.starts_with("warning: skipped"))
        .count();
    assert_eq!(warnings, 20, "warnings are capped: {stderr}");
    assert!(
        stderr.contains("10 more malformed records skipped"),
        "{stderr}"
    );
}

/// Three threads given out of order, one with a branch; ids and reply links
/// as TWCS has them.
const THREADS_CSV: &str = "tweet_id,inbound,text,in_response_to_tweet_id\n\
    2,False,Sorry to hear that. What's your order number?,1\n\
    1,True,My order is late and I'm really upset.,\n\
    9,True,Is the shop open on Sunday?,\n\
    3,True,It's 5521. This was a birthday gift!,2\n\
    4,False,\"I'm so sorry, I understand how upsetting that is. It ships today.\",3\n\
    10,False,\"Yes, 10 to 4.\",9\n\
    5,True,Also the box was damaged.,2\n\
    20,True,Nobody answers me.,77\n";

#[test]
fn reply_links_rebuild_threads_as_conversations() {
    let (_dir, path) = temp_file("threads.csv", THREADS_CSV);
    let out = cmd()
        .args([
            "score",
            "-f",
            "jsonl",
            "--id-column",
            "tweet_id",
            "--role-column",
            "inbound",
            "--role-map",
            "True=customer,False=agent",
            "--reply-to-column",
            "in_response_to_tweet_id",
            &path,
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = jsonl_of(&out.stdout);
    let shape: Vec<(String, Vec<String>)> = lines
        .iter()
        .map(|l| {
            assert_eq!(l["kind"], "conversation");
            let roles = l["report"]["turns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["role"].as_str().unwrap().to_string())
                .collect();
            (l["id"].as_str().unwrap().to_string(), roles)
        })
        .collect();
    let roles = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        shape,
        vec![
            // 1 ← 2 ← {3 ← 4, 5}: depth first, replies in file order.
            (
                "1".to_string(),
                roles(&["customer", "agent", "customer", "agent", "customer"])
            ),
            ("9".to_string(), roles(&["customer", "agent"])),
            // Replies to a tweet outside the file start their own thread.
            ("20".to_string(), roles(&["customer"])),
        ]
    );
    // A thread's line is its first message's.
    assert_eq!(lines[0]["line"], 3);
    assert_eq!(lines[1]["line"], 4);

    cmd()
        .args([
            "score",
            "--reply-to-column",
            "in_response_to_tweet_id",
            &path,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--id-column"));
}

#[test]
fn twcs_sample_becomes_threads_with_both_roles() {
    let Some(path) = shared("data/twcs/sample.csv") else {
        eprintln!("skipped: ../shared/data/twcs/sample.csv is absent");
        return;
    };
    let rows = csv::Reader::from_path(&path)
        .expect("csv")
        .records()
        .count();
    let out = cmd()
        .args([
            "score",
            "-f",
            "jsonl",
            "--id-column",
            "tweet_id",
            "--role-column",
            "inbound",
            "--role-map",
            "True=customer,False=agent",
            "--reply-to-column",
            "in_response_to_tweet_id",
            &path,
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
    let lines = jsonl_of(&out.stdout);
    let turns: Vec<Vec<&str>> = lines
        .iter()
        .map(|l| {
            l["report"]["turns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["role"].as_str().unwrap())
                .collect()
        })
        .collect();
    assert!(lines.iter().all(|l| l["kind"] == "conversation"));
    assert_eq!(
        turns.iter().map(Vec::len).sum::<usize>(),
        rows,
        "every tweet is a turn"
    );
    assert!(
        lines.len() < rows / 2,
        "{} threads of {rows} tweets",
        lines.len()
    );
    let mixed = turns
        .iter()
        .filter(|t| t.contains(&"customer") && t.contains(&"agent"))
        .count();
    assert!(
        mixed * 4 >= lines.len() * 3,
        "{mixed} of {} threads mix roles",
        lines.len()
    );
}

#[test]
fn abcd_dialogues_convert_and_score() {
    let Some(path) = shared("data/abcd/abcd_sample.json") else {
        eprintln!("skipped: ../shared/data/abcd/abcd_sample.json is absent");
        return;
    };
    let converter = root().join("examples/python/abcd_to_jsonl.py");
    let converted = match std::process::Command::new("python3")
        .arg(&converter)
        .arg(&path)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: no python3 ({e})");
            return;
        }
    };
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );
    let dialogues: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let out = cmd()
        .args(["score", "-f", "jsonl", "-"])
        .write_stdin(converted.stdout)
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
    let lines = jsonl_of(&out.stdout);
    assert_eq!(lines.len(), dialogues.len());
    for (line, dialogue) in lines.iter().zip(&dialogues) {
        assert_eq!(line["id"], dialogue["convo_id"].to_string());
        let messages = dialogue["original"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t[0] != "action")
            .count();
        assert_eq!(line["report"]["turns"].as_array().unwrap().len(), messages);
    }
}

#[test]
fn a_missing_input_fails_before_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.csv");
    for format in ["table", "json", "csv"] {
        cmd()
            .args(["score", "-f", format, &sample(), "/no/such/file.jsonl"])
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains("/no/such/file.jsonl"));
    }
    cmd()
        .args(["score", "-o"])
        .arg(&out_path)
        .args([&sample(), "/no/such/file.jsonl"])
        .assert()
        .code(1);
    assert!(!out_path.exists(), "no output file for a failed run");
}

#[test]
fn empty_input_warns_and_fails_under_strict() {
    for (name, content) in [
        ("empty.jsonl", ""),
        ("blank.txt", "\n  \n"),
        ("header.csv", "text\n"),
    ] {
        let (_dir, path) = temp_file(name, content);
        cmd()
            .args(["score", "-f", "jsonl", &path])
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "warning: {path}: no records"
            )));
        cmd()
            .args(["score", "--strict", &path])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("no records"));
    }
}

#[test]
fn zero_threads_is_bad_usage() {
    cmd()
        .args(["score", "--threads", "0", &sample()])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--threads"))
        .stderr(predicate::str::contains("at least 1"));
    cmd()
        .args(["score", "--threads", "1", "-f", "jsonl", "-q", &sample()])
        .assert()
        .success();
}

#[test]
fn explain_format_json_or_text() {
    let json = cmd()
        .args(["explain", "--format", "json", "I'm so sorry."])
        .output()
        .expect("run");
    assert!(json.status.success());
    let v: Value = serde_json::from_slice(&json.stdout).expect("json");
    assert!(v["score"].as_f64().is_some());
    let alias = cmd()
        .args(["explain", "--json", "I'm so sorry."])
        .output()
        .expect("run");
    assert_eq!(alias.stdout, json.stdout, "--json is --format json");
    cmd()
        .args(["explain", "--format", "text", "I'm so sorry."])
        .assert()
        .success()
        .stdout(predicate::str::contains("Breakdown"));
    cmd()
        .args(["explain", "--format", "yaml", "x"])
        .assert()
        .code(2);
}

#[test]
fn report_says_where_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["report", &sample()])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "wrote report.html (42 conversations",
        ));
    assert!(dir.path().join("report.html").is_file());
}

#[test]
fn pack_errors_name_the_pack_file() {
    let bad = "[[rules]]\nid = \"warmth.aloha\"\ncategory = \"warmth\"\nweight = 0.5\npatterns = [\"(aloha\"]\n";
    let (_dir, path) = temp_file("team-pack.toml", bad);
    for args in [
        vec!["--extra-rules", path.as_str(), "explain", "hi"],
        vec!["--extra-rules", path.as_str(), "score", "-"],
    ] {
        cmd()
            .args(&args)
            .write_stdin("{\"text\": \"hi\"}\n")
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains("team-pack.toml"))
            .stderr(predicate::str::contains("extra pack #").not());
    }
    cmd()
        .args(["rules", "check", &path])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("team-pack.toml"))
        .stderr(predicate::str::contains("extra pack #").not());
}

/// A tiny ESConv-format file written for the test (not dataset rows).
fn esconv_sample() -> String {
    [
        (
            "My order never arrived.",
            "When did you place the order?",
            "Questions",
        ),
        ("My order never arrived.", "Hello there.", "Others"),
        (
            "The printer jams every day.",
            "Have you tried a different paper tray?",
            "Providing Suggestions",
        ),
        (
            "The printer jams every day.",
            "Printers of that model are known to jam with thin paper.",
            "Information",
        ),
        (
            "I feel stupid for asking.",
            "I went through the same thing last year when I started.",
            "Self-disclosure",
        ),
    ]
    .iter()
    .map(|(seeker, text, label)| {
        serde_json::json!({"seeker": seeker, "text": text, "strategy": label}).to_string() + "\n"
    })
    .collect()
}

#[test]
fn eval_esconv_prints_accuracy_tags_classes_confusion_and_baseline() {
    let (_dir, path) = temp_file("esconv.jsonl", &esconv_sample());
    let out = cmd()
        .args(["eval", "esconv", &path, "--folds", "2"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "5 utterances",
        "utterance accuracy",
        "distinct tags per utterance",
        "self_disclosure",
        "confusion",
        "baseline",
        "per fold",
    ] {
        assert!(stdout.contains(needle), "missing {needle}:\n{stdout}");
    }

    let out = cmd()
        .args(["eval", "esconv", &path, "--json"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["ours"]["rows"], 5);
    // The baseline tags "?" as question and everything else as information:
    // 1 of the 2 questions is a question, the information row is right.
    assert_eq!(doc["baseline"]["utterance_accuracy"], 0.4);
    assert_eq!(doc["baseline"]["tags_per_utterance"], 1.0);
    let confusion = doc["ours"]["confusion"].as_array().expect("confusion");
    let total: u64 = confusion
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(total, 5);
    // Plain cases the engine must get: a question, a greeting, a story.
    assert!(doc["ours"]["utterance_accuracy"].as_f64().unwrap() >= 0.6);

    // The two parts of a 2-fold split partition the rows.
    let rows_of = |part: &str| -> u64 {
        let out = cmd()
            .args(["eval", "esconv", &path, "--json", "--part", part])
            .output()
            .expect("run");
        if !out.status.success() {
            return 0; // an empty part is an error: no rows
        }
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["ours"]["rows"].as_u64().unwrap()
    };
    assert_eq!(rows_of("0/2") + rows_of("1/2"), 5);
}

#[test]
fn eval_esconv_rejects_unknown_labels_and_bad_parts() {
    let (_dir, path) = temp_file(
        "bad.jsonl",
        "{\"seeker\": \"hi\", \"text\": \"hello\", \"strategy\": \"Sarcasm\"}\n",
    );
    cmd()
        .args(["eval", "esconv", &path])
        .assert()
        .failure()
        .stderr(predicate::str::contains("line 1").and(predicate::str::contains("Sarcasm")));
    let (_dir2, good) = temp_file("good.jsonl", &esconv_sample());
    cmd()
        .args(["eval", "esconv", &good, "--part", "2/2"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--part"));
}
