//! `empathize report`: one self-contained HTML file (inline CSS and SVG, no
//! scripts, no network) with the summary, charts and transcripts.

use std::fmt::Write as _;

use empathize::html::{self, escape as esc, score_badge};
use empathize::OffsetUnit;

use crate::process::{Scored, Summary};

/// The page's own layout; the transcripts' styles come from the core
/// (`empathize::html::CSS`), shared with the notebook views.
const PAGE_CSS: &str = r#"
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; background: #f6f8fa; }
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
.legend mark { margin-right: 8px; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; }
"#;

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

fn conversation_html(out: &mut String, scored: &Scored) {
    let bytes = OffsetUnit::Byte;
    match scored {
        Scored::Conversation {
            id, turns, report, ..
        } => {
            let texts: Vec<&str> = turns.iter().map(|t| t.text.as_str()).collect();
            out.push_str(&html::conversation(&texts, report, bytes, Some(id), false));
        }
        Scored::Reply {
            id, text, report, ..
        } => {
            // `report` scores with full reports: a summary has nothing to show.
            let Some(report) = report.full() else {
                return;
            };
            let _ = write!(
                out,
                "<details class=\"conv\"><summary>{} <b>{}</b><span class=\"badge\">reply</span></summary><div class=\"turns\"><div class=\"turn agent\"><div class=\"who\"><b>agent</b></div><div>{}</div></div></div></details>",
                score_badge(report.score),
                esc(id),
                html::reply(text, report, bytes)
            );
        }
        Scored::Customer {
            id, text, report, ..
        } => {
            let _ = write!(
                out,
                "<details class=\"conv\"><summary><b>{}</b><span class=\"badge\">customer · distress {:.2}</span></summary><div class=\"turns\"><div class=\"turn customer\"><div class=\"who\"><b>customer</b></div><div>{}</div></div></div></details>",
                esc(id),
                report.distress,
                html::customer(text, report, bytes)
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
    out.push_str(html::CSS);
    out.push_str(PAGE_CSS);
    out.push_str("</style></head><body class=\"empathize\">");
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
