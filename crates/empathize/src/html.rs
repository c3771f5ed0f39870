//! HTML views of reports: the text with its matches highlighted, the score,
//! flags, EPITOME levels and tips. One rendering for every front end: the
//! CLI's `report` page and the Python reports' `_repr_html_` (notebooks)
//! both call these functions.
//!
//! The markup uses classes styled by [`CSS`] under a `.empathize` element;
//! [`fragment`] wraps any of it with that style, ready to show on its own.
//! No scripts, no external resources. Reports whose offsets were converted
//! for a binding are rendered by passing their [`OffsetUnit`].
//!
//! ```
//! use empathize::{html, Analyzer, OffsetUnit};
//! let text = "I'm so sorry about the double charge.";
//! let report = Analyzer::new().score(text);
//! let page = html::fragment(&html::reply(text, &report, OffsetUnit::Byte));
//! assert!(page.contains("<mark class=\"pos\""));
//! assert!(page.contains(&format!("{:.0}", report.score)));
//! ```

use std::fmt::Write as _;

use crate::{
    ConversationReport, CustomerReport, Match, MessageReport, OffsetMap, OffsetUnit, Polarity, Role,
};

/// The stylesheet of the markup, scoped to `.empathize` (so it can sit in a
/// notebook without restyling it). Highlights: green helps, red hurts, blue
/// a customer's emotion or cue.
pub const CSS: &str = r#"
.empathize { --good:#1a7f37; --mid:#9a6700; --bad:#cf222e; --ink:#1f2328; --muted:#656d76; --line:#d0d7de; color: var(--ink); }
.empathize .report { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 4px 0; }
.empathize details.conv { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 10px 0; }
.empathize details.conv > summary { cursor: pointer; padding: 10px 14px; list-style: none; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.empathize details.conv > summary::-webkit-details-marker { display: none; }
.empathize .score { font-weight: 700; border-radius: 12px; padding: 1px 9px; color: #fff; font-size: 13px; }
.empathize .s-good { background: var(--good); } .empathize .s-mid { background: var(--mid); } .empathize .s-bad { background: var(--bad); }
.empathize .badge { font-size: 12px; border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; color: var(--muted); }
.empathize .badge.warn { border-color: var(--bad); color: var(--bad); }
.empathize .badge.ok { border-color: var(--good); color: var(--good); }
.empathize .turns { padding: 4px 14px 14px; }
.empathize .turn { display: grid; grid-template-columns: 90px 1fr; gap: 10px; padding: 8px 0; border-top: 1px dashed var(--line); }
.empathize .who { font-size: 12px; color: var(--muted); }
.empathize .who b { display: block; color: var(--ink); }
.empathize .turn.customer .text, .empathize .report.customer .text { background: #f6f8fa; }
.empathize .text { padding: 6px 10px; border-radius: 6px; white-space: pre-wrap; }
.empathize .meta { font-size: 12px; color: var(--muted); margin-top: 4px; }
.empathize .meta .flag { color: var(--bad); font-weight: 600; }
.empathize .tip { font-size: 12px; color: #0550ae; }
.empathize mark { border-radius: 3px; padding: 0 2px; color: inherit; }
.empathize mark.pos { background: #dafbe1; border-bottom: 2px solid var(--good); }
.empathize mark.neg { background: #ffebe9; border-bottom: 2px solid var(--bad); }
.empathize mark.neu { background: #ddf4ff; border-bottom: 2px solid #0969da; }
"#;

/// Escapes text for HTML element content and attribute values; control
/// characters (other than newline and tab) become U+FFFD.
///
/// ```
/// use empathize::html::escape;
/// assert_eq!(escape("<b>\"Tom\" & 'Jerry'</b>"), "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
/// assert_eq!(escape("a\u{7}b\n"), "a\u{FFFD}b\n");
/// ```
pub fn escape(s: &str) -> String {
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

/// Wraps markup from this module with its stylesheet, for showing alone
/// (a notebook cell, an e-mail).
///
/// ```
/// use empathize::html;
/// let page = html::fragment(&html::score_badge(72.0));
/// assert!(page.starts_with("<div class=\"empathize\"><style>"));
/// assert!(page.contains(html::CSS) && page.ends_with("</span></div>"));
/// ```
pub fn fragment(inner: &str) -> String {
    format!("<div class=\"empathize\"><style>{CSS}</style>{inner}</div>")
}

/// The class of a score: `s-good` (≥ 65), `s-mid` (≥ 40) or `s-bad`.
///
/// ```
/// use empathize::html::score_class;
/// assert_eq!([score_class(65.0), score_class(64.9), score_class(39.9)], ["s-good", "s-mid", "s-bad"]);
/// ```
pub fn score_class(score: f64) -> &'static str {
    if score >= 65.0 {
        "s-good"
    } else if score >= 40.0 {
        "s-mid"
    } else {
        "s-bad"
    }
}

/// Inline CSS colouring a score like its badge, for markup that cannot
/// carry [`CSS`] (a styled table cell).
///
/// ```
/// assert!(empathize::html::score_style(80.0).contains("#1a7f37"));
/// ```
pub fn score_style(score: f64) -> &'static str {
    match score_class(score) {
        "s-good" => "background-color: #1a7f37; color: #fff; font-weight: 700",
        "s-mid" => "background-color: #9a6700; color: #fff; font-weight: 700",
        _ => "background-color: #cf222e; color: #fff; font-weight: 700",
    }
}

/// A score as a coloured badge, rounded to a whole number.
///
/// ```
/// assert_eq!(
///     empathize::html::score_badge(71.64),
///     "<span class=\"score s-good\" title=\"score 71.6\">72</span>"
/// );
/// ```
pub fn score_badge(score: f64) -> String {
    format!(
        "<span class=\"score {}\" title=\"score {score:.1}\">{score:.0}</span>",
        score_class(score)
    )
}

/// The matches that count (not negated, not overridden), without overlaps:
/// at each position the longest match wins. In text order.
///
/// ```
/// use empathize::{html, Analyzer};
/// let report = Analyzer::new().score("I'm not sorry. I'm so sorry.");
/// let spans = html::highlight_spans(&report.matches);
/// assert!(!spans.is_empty());
/// assert!(spans.iter().all(|m| !m.negated && !m.suppressed));
/// assert!(spans.windows(2).all(|w| w[0].end <= w[1].start));
/// ```
pub fn highlight_spans(matches: &[Match]) -> Vec<&Match> {
    let mut spans: Vec<&Match> = matches
        .iter()
        .filter(|m| !m.negated && !m.suppressed)
        .collect();
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<&Match> = Vec::new();
    for m in spans {
        if out.last().is_none_or(|last| m.start >= last.end) {
            out.push(m);
        }
    }
    out
}

/// The text, escaped, with every counted match in a `<mark>` whose class is
/// its polarity (`pos`, `neg`, `neu`) and whose title names the category,
/// the rule and the contribution. `unit` is the unit of the matches'
/// offsets; a span that does not fit the text is left unmarked.
///
/// ```
/// use empathize::{html, Analyzer, OffsetUnit};
/// let text = "Per our policy, no <refunds>.";
/// let report = Analyzer::new().score(text);
/// let marked = html::highlight(text, &report.matches, OffsetUnit::Byte);
/// assert!(marked.starts_with("<mark class=\"neg\" title=\"policy_wall · "));
/// assert!(marked.ends_with("&lt;refunds&gt;."));
/// ```
pub fn highlight(text: &str, matches: &[Match], unit: OffsetUnit) -> String {
    let spans = highlight_spans(matches);
    let bytes = OffsetMap::from_unit(text, unit, spans.iter().flat_map(|m| [m.start, m.end]));
    let mut out = String::with_capacity(text.len() + spans.len() * 80);
    let mut at = 0;
    for m in spans {
        let (start, end) = (bytes.get(m.start), bytes.get(m.end));
        let fits = at <= start
            && start < end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end);
        if !fits {
            continue;
        }
        out.push_str(&escape(&text[at..start]));
        let class = match m.polarity {
            Polarity::Positive => "pos",
            Polarity::Negative => "neg",
            Polarity::Neutral => "neu",
        };
        let _ = write!(
            out,
            "<mark class=\"{class}\" title=\"{} · {} · {:+.2}\">{}</mark>",
            escape(m.category.as_str()),
            escape(&m.rule),
            m.contribution,
            escape(&text[start..end])
        );
        at = end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// The score, flags, EPITOME levels and tips of a reply.
fn reply_meta(report: &MessageReport) -> String {
    let mut meta = format!("{} ", score_badge(report.score));
    for f in &report.flags {
        let _ = write!(meta, "<span class=\"flag\">{}</span> ", escape(f.as_str()));
    }
    let _ = write!(
        meta,
        "· EPITOME {}/{}/{}",
        report.epitome.emotional_reactions,
        report.epitome.interpretations,
        report.epitome.explorations
    );
    for t in &report.tips {
        let _ = write!(
            meta,
            "<div class=\"tip\" title=\"{}\">💡 {}</div>",
            escape(t.code),
            escape(t.message)
        );
    }
    meta
}

/// An agent reply: the highlighted text, then its score, flags, EPITOME
/// levels (emotional reactions / interpretations / explorations) and tips.
///
/// ```
/// use empathize::{html, Analyzer, OffsetUnit};
/// let text = "Calm down.";
/// let report = Analyzer::new().score(text);
/// let markup = html::reply(text, &report, OffsetUnit::Byte);
/// assert!(markup.contains("<span class=\"flag\">dismissive</span>"));
/// assert!(markup.contains(&html::score_badge(report.score)));
/// ```
pub fn reply(text: &str, report: &MessageReport, unit: OffsetUnit) -> String {
    format!(
        "<div class=\"text\">{}</div><div class=\"meta\">{}</div>",
        highlight(text, &report.matches, unit),
        reply_meta(report)
    )
}

fn customer_body(text: &str, report: &CustomerReport, unit: OffsetUnit, missed: bool) -> String {
    let mut out = format!(
        "<div class=\"text\">{}</div><div class=\"meta\">distress {:.2} (level {})",
        highlight(text, &report.matches, unit),
        report.distress,
        report.distress_level
    );
    let mut emotions: Vec<_> = report.emotions.iter().filter(|(_, v)| *v > 0.0).collect();
    emotions.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (e, v) in emotions.iter().take(3) {
        let _ = write!(out, " · {} {v:.2}", escape(e.as_str()));
    }
    if report.escalation {
        out.push_str(" · <span class=\"flag\">escalation</span>");
    }
    if report.repetition {
        out.push_str(" · <span class=\"flag\">repetition</span>");
    }
    if missed {
        out.push_str(" · <span class=\"flag\">not acknowledged</span>");
    }
    out.push_str("</div>");
    out
}

/// A customer message: the highlighted text, then distress, the strongest
/// emotions, escalation and repetition.
///
/// ```
/// use empathize::{html, Analyzer, OffsetUnit};
/// let text = "I'm furious. Get me a manager!";
/// let report = Analyzer::new().analyze_customer(text);
/// let markup = html::customer(text, &report, OffsetUnit::Byte);
/// assert!(markup.contains(&format!("distress {:.2}", report.distress)));
/// assert!(markup.contains("<span class=\"flag\">escalation</span>"));
/// ```
pub fn customer(text: &str, report: &CustomerReport, unit: OffsetUnit) -> String {
    customer_body(text, report, unit, false)
}

/// A conversation as a `<details class="conv">` block: a summary line (score,
/// `title` if any, turn count, late empathy, missed opportunities, scripted
/// phrases, question streaks, resolution) and every turn with its report,
/// then the conversation's tips. `texts` are the turns' texts, in order;
/// `open` shows the turns without a click.
///
/// ```
/// use empathize::{html, Analyzer, OffsetUnit, Turn};
/// let turns = [Turn::customer("My order never came."), Turn::agent("I'm so sorry, I'll resend it today.")];
/// let report = Analyzer::new().analyze_conversation(&turns);
/// let texts: Vec<&str> = turns.iter().map(|t| t.text.as_str()).collect();
/// let markup = html::conversation(&texts, &report, OffsetUnit::Byte, Some("order #1"), true);
/// assert!(markup.starts_with("<details class=\"conv\" open><summary>"));
/// assert!(markup.contains("<b>order #1</b>") && markup.contains("2 turns"));
/// ```
pub fn conversation<S: AsRef<str>>(
    texts: &[S],
    report: &ConversationReport,
    unit: OffsetUnit,
    title: Option<&str>,
    open: bool,
) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<details class=\"conv\"{}><summary>{}",
        if open { " open" } else { "" },
        score_badge(report.score)
    );
    if let Some(title) = title {
        let _ = write!(out, " <b>{}</b>", escape(title));
    }
    let _ = write!(
        out,
        "<span class=\"badge\">{} turns</span>",
        report.turns.len()
    );
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
            escape(&r.phrase),
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
    for (tr, text) in report.turns.iter().zip(texts) {
        let text = text.as_ref();
        let missed = report
            .missed_opportunities
            .iter()
            .any(|m| m.customer_turn == tr.index);
        let (class, who) = match tr.role {
            Role::Customer => ("customer", "customer"),
            Role::Agent => ("agent", tr.agent_id.as_deref().unwrap_or("agent")),
        };
        let _ = write!(
            out,
            "<div class=\"turn {class}\"><div class=\"who\"><b>{}</b>#{}</div><div>",
            escape(who),
            tr.index
        );
        match (&tr.customer, &tr.reply) {
            (Some(c), _) => out.push_str(&customer_body(text, c, unit, missed)),
            (_, Some(r)) => out.push_str(&reply(text, r, unit)),
            _ => {
                let _ = write!(out, "<div class=\"text\">{}</div>", escape(text));
            }
        }
        out.push_str("</div></div>");
    }
    if !report.tips.is_empty() {
        out.push_str("<div class=\"meta\"><b>What to do better</b>");
        for t in &report.tips {
            let _ = write!(
                out,
                "<div class=\"tip\" title=\"{}\">💡 {}</div>",
                escape(t.code),
                escape(t.message)
            );
        }
        out.push_str("</div>");
    }
    out.push_str("</div></details>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Analyzer, ToUnit, Turn};

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<b>\"x\" & 'y'\u{7}</b>\n"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;\u{FFFD}&lt;/b&gt;\n"
        );
    }

    #[test]
    fn highlights_the_same_spans_in_every_unit() {
        let a = Analyzer::new();
        let text = "😭 Ça va? I'm so sorry about the <double> charge 🙏, that sounds stressful.";
        let report = a.score(text);
        let bytes = highlight(text, &report.matches, OffsetUnit::Byte);
        assert!(bytes.contains("<mark class=\"pos\""), "{bytes}");
        assert!(bytes.contains("&lt;double&gt;"));
        for unit in [OffsetUnit::Char, OffsetUnit::Utf16] {
            let mut converted = report.clone();
            converted.to_unit(text, unit);
            assert_eq!(highlight(text, &converted.matches, unit), bytes, "{unit:?}");
        }
    }

    #[test]
    fn spans_that_do_not_fit_are_left_unmarked() {
        let a = Analyzer::new();
        let report = a.score("I'm so sorry about that.");
        let html = highlight("short", &report.matches, OffsetUnit::Byte);
        assert_eq!(html, "short");
    }

    #[test]
    fn reply_shows_score_flags_and_tips() {
        let a = Analyzer::new();
        let text = "Per our policy, refunds take 10 business days.";
        let report = a.score_reply("I need my money back, I'm panicking!", text);
        let html = fragment(&reply(text, &report, OffsetUnit::Byte));
        assert!(html.starts_with("<div class=\"empathize\"><style>"));
        assert!(html.contains("<mark class=\"neg\""));
        assert!(html.contains(&format!(">{:.0}</span>", report.score)));
        assert!(html.contains("policy_wall"));
        assert!(html.contains("💡"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn conversation_lists_every_turn() {
        let a = Analyzer::new();
        let turns = [
            Turn::customer("My order is late again and I'm really upset."),
            Turn::agent("Please send your order number.").with_agent("devon"),
        ];
        let report = a.analyze_conversation(&turns);
        let texts: Vec<&str> = turns.iter().map(|t| t.text.as_str()).collect();
        let html = conversation(&texts, &report, OffsetUnit::Byte, Some("c1"), true);
        assert!(html.starts_with("<details class=\"conv\" open>"));
        assert!(html.contains("<b>c1</b>"));
        assert!(html.contains("<b>devon</b>#1"));
        assert!(html.contains("1 missed"));
        assert!(html.contains("not acknowledged"));
    }
}
