//! `empathize report`: one self-contained HTML file (inline CSS and SVG, no
//! scripts, no network) with the summary, charts and transcripts.

use std::fmt::Write as _;

use empathize::{Match, MessageReport, Polarity, Role};

use crate::explain::highlight_spans;
use crate::process::{Scored, Summary};

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --good:#1a7f37; --mid:#9a6700; --bad:#cf222e; --ink:#1f2328; --muted:#656d76; --line:#d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); margin: 0; background: #f6f8fa; }
header { background: #24292f; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #d0d7de; font-size: 13px; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h2 { font-size: 18px; margin: 32px 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .v { font-size: 24px; font-weight: 600; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-top: 16px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.panel h3 { margin: 0 0 8px; font-size: 14px; }
svg text { font: 12px sans-serif; fill: var(--ink); }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); font-size: 13px; }
th { background: #f6f8fa; }
details.conv { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 10px 0; }
details.conv > summary { cursor: pointer; padding: 10px 14px; list-style: none; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
details.conv > summary::-webkit-details-marker { display: none; }
.score { font-weight: 700; border-radius: 12px; padding: 1px 9px; color: #fff; font-size: 13px; }
.s-good { background: var(--good); } .s-mid { background: var(--mid); } .s-bad { background: var(--bad); }
.badge { font-size: 12px; border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; color: var(--muted); }
.badge.warn { border-color: var(--bad); color: var(--bad); }
.badge.ok { border-color: var(--good); color: var(--good); }
.turns { padding: 4px 14px 14px; }
.turn { display: grid; grid-template-columns: 90px 1fr; gap: 10px; padding: 8px 0; border-top: 1px dashed var(--line); }
.who { font-size: 12px; color: var(--muted); }
.who b { display: block; color: var(--ink); }
.turn.customer .text { background: #f6f8fa; }
.text { padding: 6px 10px; border-radius: 6px; white-space: pre-wrap; }
.meta { font-size: 12px; color: var(--muted); margin-top: 4px; }
.meta .flag { color: var(--bad); font-weight: 600; }
.tip { font-size: 12px; color: #0550ae; }
mark { border-radius: 3px; padding: 0 2px; }
mark.pos { background: #dafbe1; border-bottom: 2px solid var(--good); }
mark.neg { background: #ffebe9; border-bottom: 2px solid var(--bad); }
mark.neu { background: #ddf4ff; border-bottom: 2px solid #0969da; }
.legend mark { margin-right: 8px; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; }
"#;

fn score_class(score: f64) -> &'static str {
    if score >= 65.0 {
        "s-good"
    } else if score >= 40.0 {
        "s-mid"
    } else {
        "s-bad"
    }
}

fn score_badge(score: f64) -> String {
    format!(
        "<span class=\"score {}\">{score:.0}</span>",
        score_class(score)
    )
}

fn highlighted(text: &str, matches: &[Match]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for m in highlight_spans(matches) {
        if m.start < at || m.end > text.len() {
            continue;
        }
        out.push_str(&esc(&text[at..m.start]));
        let class = match m.polarity {
            Polarity::Positive => "pos",
            Polarity::Negative => "neg",
            Polarity::Neutral => "neu",
        };
        let _ = write!(
            out,
            "<mark class=\"{class}\" title=\"{} · {} · {:+.2}\">{}</mark>",
            esc(m.category.as_str()),
            esc(&m.rule),
            m.contribution,
            esc(&text[m.start..m.end])
        );
        at = m.end;
    }
    out.push_str(&esc(&text[at..]));
    out
}

/// Horizontal bar chart as inline SVG.
fn bar_chart(rows: &[(String, f64, String)], max: f64, color: &str) -> String {
    if rows.is_empty() {
        return "<p class=\"meta\">nothing to show</p>".into();
    }
    let row_h = 24.0;
    let label_w = 170.0;
    let bar_w = 300.0;
    let height = rows.len() as f64 * row_h + 8.0;
    let mut svg = format!(
        "<svg role=\"img\" width=\"100%\" viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        label_w + bar_w + 70.0
    );
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let w = if max > 0.0 {
            (value / max).clamp(0.0, 1.0) * bar_w
        } else {
            0.0
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" rx=\"3\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            label_w - 8.0,
            y + 15.0,
            esc(label),
            y + 3.0,
            row_h - 8.0,
            label_w + w + 6.0,
            y + 15.0,
            esc(shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn reply_meta(report: &MessageReport) -> String {
    let mut meta = format!("{} ", score_badge(report.score));
    for f in &report.flags {
        let _ = write!(meta, "<span class=\"flag\">{}</span> ", esc(f.as_str()));
    }
    let _ = write!(
        meta,
        "· EPITOME {}/{}/{}",
        report.epitome.emotional_reactions,
        report.epitome.interpretations,
        report.epitome.explorations
    );
    for t in &report.tips {
        let _ = write!(meta, "<div class=\"tip\">💡 {}</div>", esc(t.message));
    }
    meta
}

fn conversation_html(out: &mut String, scored: &Scored) {
    match scored {
        Scored::Conversation {
            id, turns, report, ..
        } => {
            let _ = write!(
                out,
                "<details class=\"conv\"><summary>{} <b>{}</b>",
                score_badge(report.score),
                esc(id)
            );
            let _ = write!(out, "<span class=\"badge\">{} turns</span>", turns.len());
            if report.late_empathy {
                out.push_str("<span class=\"badge warn\">late empathy</span>");
            }
            if !report.missed_opportunities.is_empty() {
                let _ = write!(
                    out,
                    "<span class=\"badge warn\">{} missed</span>",
                    report.missed_opportunities.len()
                );
            }
            for r in report.scripted_repetition.iter().take(2) {
                let _ = write!(
                    out,
                    "<span class=\"badge warn\">scripted “{}” ×{}</span>",
                    esc(&r.phrase),
                    r.count
                );
            }
            if report.question_streak >= 4 {
                let _ = write!(
                    out,
                    "<span class=\"badge warn\">{} questions in a row</span>",
                    report.question_streak
                );
            }
            out.push_str(if report.resolution_confirmed {
                "<span class=\"badge ok\">resolution confirmed</span>"
            } else {
                "<span class=\"badge\">resolution unconfirmed</span>"
            });
            out.push_str("</summary><div class=\"turns\">");
            for (turn, tr) in turns.iter().zip(&report.turns) {
                let missed = report
                    .missed_opportunities
                    .iter()
                    .any(|m| m.customer_turn == tr.index);
                let (class, who) = match turn.role {
                    Role::Customer => ("customer", "customer".to_string()),
                    Role::Agent => (
                        "agent",
                        turn.agent_id.clone().unwrap_or_else(|| "agent".into()),
                    ),
                };
                let _ = write!(
                    out,
                    "<div class=\"turn {class}\"><div class=\"who\"><b>{}</b>#{}</div><div>",
                    esc(&who),
                    tr.index
                );
                match (&tr.customer, &tr.reply) {
                    (Some(c), _) => {
                        let _ = write!(
                            out,
                            "<div class=\"text\">{}</div>",
                            highlighted(&turn.text, &c.matches)
                        );
                        let _ = write!(
                            out,
                            "<div class=\"meta\">distress {:.2} (level {})",
                            c.distress, c.distress_level
                        );
                        if c.escalation {
                            out.push_str(" · <span class=\"flag\">escalation</span>");
                        }
                        if c.repetition {
                            out.push_str(" · <span class=\"flag\">repetition</span>");
                        }
                        if missed {
                            out.push_str(" · <span class=\"flag\">not acknowledged</span>");
                        }
                        out.push_str("</div>");
                    }
                    (_, Some(r)) => {
                        let _ = write!(
                            out,
                            "<div class=\"text\">{}</div><div class=\"meta\">{}</div>",
                            highlighted(&turn.text, &r.matches),
                            reply_meta(r)
                        );
                    }
                    _ => {}
                }
                out.push_str("</div></div>");
            }
            if !report.tips.is_empty() {
                out.push_str("<div class=\"meta\"><b>What to do better</b>");
                for t in &report.tips {
                    let _ = write!(out, "<div class=\"tip\">💡 {}</div>", esc(t.message));
                }
                out.push_str("</div>");
            }
            out.push_str("</div></details>");
        }
        Scored::Reply {
            id, text, report, ..
        } => {
            let _ = write!(
                out,
                "<details class=\"conv\"><summary>{} <b>{}</b><span class=\"badge\">reply</span></summary><div class=\"turns\"><div class=\"turn agent\"><div class=\"who\"><b>agent</b></div><div><div class=\"text\">{}</div><div class=\"meta\">{}</div></div></div></div></details>",
                score_badge(report.score),
                esc(id),
                highlighted(text, &report.matches),
                reply_meta(report)
            );
        }
        Scored::Customer {
            id, text, report, ..
        } => {
            let _ = write!(
                out,
                "<details class=\"conv\"><summary><b>{}</b><span class=\"badge\">customer · distress {:.2}</span></summary><div class=\"turns\"><div class=\"turn customer\"><div class=\"who\"><b>customer</b></div><div><div class=\"text\">{}</div></div></div></div></details>",
                esc(id),
                report.distress,
                highlighted(text, &report.matches)
            );
        }
    }
}

/// Renders the whole report.
pub fn render(summary: &Summary, scored: &[Scored], inputs: &[String]) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    out.push_str("<title>empathize report</title><style>");
    out.push_str(CSS);
    out.push_str("</style></head><body>");
    let _ = write!(
        out,
        "<header><h1>Empathy report</h1><p>{} · empathize {}</p></header><main>",
        esc(&inputs.join(", ")),
        env!("CARGO_PKG_VERSION")
    );

    out.push_str("<h2>Summary</h2><div class=\"cards\">");
    let card = |out: &mut String, k: &str, v: String| {
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"v\">{v}</div><div class=\"k\">{}</div></div>",
            esc(k)
        );
    };
    card(&mut out, "conversations", summary.conversations.to_string());
    card(&mut out, "messages", summary.messages.to_string());
    card(
        &mut out,
        "mean reply score",
        summary
            .mean_reply_score
            .map_or("–".into(), |m| format!("{m:.1}")),
    );
    card(
        &mut out,
        "mean conversation score",
        summary
            .mean_conversation_score
            .map_or("–".into(), |m| format!("{m:.1}")),
    );
    card(
        &mut out,
        "late empathy",
        summary
            .late_empathy_rate
            .map_or("–".into(), |r| format!("{:.0}%", r * 100.0)),
    );
    card(
        &mut out,
        "missed opportunities",
        summary.missed_opportunities.to_string(),
    );
    out.push_str("</div>");

    out.push_str("<div class=\"charts\"><div class=\"panel\"><h3>Mean reply score per agent</h3>");
    let mut agents: Vec<(String, f64, String)> = summary
        .agents
        .iter()
        .map(|(name, a)| {
            (
                name.clone(),
                a.mean_score,
                format!("{:.1} ({} turns)", a.mean_score, a.turns),
            )
        })
        .collect();
    agents.sort_by(|a, b| b.1.total_cmp(&a.1));
    out.push_str(&bar_chart(&agents, 100.0, "#0969da"));
    out.push_str("</div><div class=\"panel\"><h3>Flags raised</h3>");
    let flags: Vec<(String, f64, String)> = summary
        .top_flags()
        .iter()
        .map(|(f, n)| (f.to_string(), *n as f64, n.to_string()))
        .collect();
    let max_flag = flags.first().map_or(1.0, |f| f.1);
    out.push_str(&bar_chart(&flags, max_flag, "#cf222e"));
    out.push_str("</div></div>");

    if !summary.agents.is_empty() {
        out.push_str("<h2>Agents</h2><table><tr><th>agent</th><th>turns</th><th>mean score</th><th>missed opportunities</th><th>late empathy</th><th>top flags</th></tr>");
        let mut rows: Vec<_> = summary.agents.iter().collect();
        rows.sort_by(|a, b| b.1.mean_score.total_cmp(&a.1.mean_score));
        for (name, a) in rows {
            let mut flags: Vec<(&String, &usize)> = a.flags.iter().collect();
            flags.sort_by(|x, y| y.1.cmp(x.1));
            let flags: Vec<String> = flags
                .iter()
                .take(3)
                .map(|(f, n)| format!("{} {n}", esc(f)))
                .collect();
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(name),
                a.turns,
                score_badge(a.mean_score),
                a.missed_opportunities,
                a.late_empathy_conversations,
                flags.join(", ")
            );
        }
        out.push_str("</table>");
    }

    let _ = write!(out, "<h2>Transcripts ({} shown)</h2>", scored.len());
    out.push_str("<p class=\"legend meta\"><mark class=\"pos\">helps</mark><mark class=\"neg\">hurts</mark><mark class=\"neu\">customer emotion / cue</mark> Hover a highlight for its rule and contribution.</p>");
    for s in scored {
        conversation_html(&mut out, s);
    }
    out.push_str("<footer>Generated by empathize. Scores are 100·σ(Σ rule contributions); see the README for the formula.</footer>");
    out.push_str("</main></body></html>\n");
    out
}
