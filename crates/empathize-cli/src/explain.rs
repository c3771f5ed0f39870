//! `empathize explain`: one reply, its highlighted matches, the score
//! breakdown and the tips.

use std::io::{self, Write};

use empathize::html::highlight_spans;
use empathize::{Analyzer, Match, MatchSource, Polarity, ScoreTerm, TermSource};

use crate::output::Style;

fn paint_span(style: Style, m: &Match, text: &str) -> String {
    if style.color {
        let code = match m.polarity {
            Polarity::Positive => "30;42",
            Polarity::Negative => "97;41",
            Polarity::Neutral => "30;46",
            // A polarity added to the core later reads as neutral evidence.
            _ => "30;46",
        };
        format!(
            "{}{}",
            style.paint(code, text),
            style.dim(&format!("₍{}₎", m.category))
        )
    } else {
        format!("[{text}]{{{}}}", m.category)
    }
}

pub fn explain(
    analyzer: &Analyzer,
    text: &str,
    customer: Option<&str>,
    json: bool,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let customer_report = customer.map(|c| analyzer.analyze_customer(c));
    let report = match &customer_report {
        Some(c) => analyzer.score_reply_to(c, text),
        None => analyzer.score(text),
    };
    if json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        return writeln!(out);
    }
    if let (Some(c), Some(ctext)) = (&customer_report, customer) {
        writeln!(out, "{}", style.bold("Customer"))?;
        writeln!(out, "  {ctext}")?;
        let mut emotions: Vec<String> = c
            .emotions
            .iter()
            .filter(|(_, v)| *v > 0.0)
            .map(|(e, v)| format!("{e} {v:.2}"))
            .collect();
        if c.escalation {
            emotions.push("escalation".into());
        }
        if c.repetition {
            emotions.push("repetition".into());
        }
        writeln!(
            out,
            "  distress {:.2} (level {}/3){}{}",
            c.distress,
            c.distress_level,
            if emotions.is_empty() { "" } else { " — " },
            emotions.join(", ")
        )?;
        if !c.breakdown.is_empty() {
            writeln!(out, "  {}", style.dim("distress = σ(sum):"))?;
            print_terms(out, style, &c.breakdown, &c.matches)?;
            let sum: f64 = c.breakdown.iter().map(|t| t.value).sum();
            let learned = 1.0 / (1.0 + (-sum).exp());
            writeln!(out, "  {:+6.2}  = logit → σ {learned:.2}", sum)?;
            if (learned - c.distress).abs() > 5e-4 {
                writeln!(
                    out,
                    "  {}",
                    style.dim(&format!(
                        "the rules alone say {:.2}, a strong sign that stands: distress = max",
                        c.distress
                    ))
                )?;
            }
        }
        let learned: Vec<String> = c
            .matches
            .iter()
            .filter(|m| m.source == MatchSource::Learned && m.category.as_str() != "distress")
            .map(|m| format!("{} {:?} {:+.2}", m.category, m.text, m.contribution))
            .collect();
        if !learned.is_empty() {
            writeln!(out, "  {} {}", style.dim("learned:"), learned.join(", "))?;
        }
        writeln!(out)?;
    }

    writeln!(out, "{}", style.bold("Reply"))?;
    let mut line = String::new();
    let mut at = 0;
    for m in highlight_spans(&report.matches) {
        line.push_str(&text[at..m.start]);
        line.push_str(&paint_span(style, m, &text[m.start..m.end]));
        at = m.end;
    }
    line.push_str(&text[at..]);
    writeln!(out, "  {line}")?;
    writeln!(out)?;

    writeln!(out, "{} {}", style.bold("Score"), style.score(report.score))?;
    if !report.flags.is_empty() {
        let flags: Vec<String> = report
            .flags
            .iter()
            .map(|f| style.paint("31", f.as_str()))
            .collect();
        writeln!(out, "  flags: {}", flags.join(", "))?;
    }
    let dims: Vec<String> = report
        .dimensions
        .iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|(d, v)| format!("{d} {v:.2}"))
        .collect();
    if !dims.is_empty() {
        writeln!(out, "  dimensions: {}", dims.join(", "))?;
    }
    writeln!(
        out,
        "  EPITOME: emotional reactions {}, interpretations {}, explorations {}",
        report.epitome.emotional_reactions,
        report.epitome.interpretations,
        report.epitome.explorations
    )?;
    writeln!(out)?;

    writeln!(out, "{}", style.bold("Breakdown (score = 100·σ(sum))"))?;
    print_terms(out, style, &report.breakdown, &report.matches)?;
    let logit: f64 = report.breakdown.iter().map(|t| t.value).sum();
    writeln!(out, "  {:+6.2}  = logit → score {:.1}", logit, report.score)?;
    let cancelled: Vec<&Match> = report
        .matches
        .iter()
        .filter(|m| m.negated || m.suppressed)
        .collect();
    if !cancelled.is_empty() {
        writeln!(out, "  cancelled:")?;
        for m in cancelled {
            let why = if m.negated {
                "negated"
            } else {
                "overridden by an anti-pattern"
            };
            writeln!(out, "    {} {:?} ({why})", m.rule, m.text)?;
        }
    }
    writeln!(out)?;

    if !report.strategies.is_empty() {
        writeln!(out, "{}", style.bold("Sentences"))?;
        // A sentence with a second tag (a learned table's runner-up) is one
        // line: `affirmation_reassurance + other`.
        let mut i = 0;
        while let Some(s) = report.strategies.get(i) {
            let mut tags = s.strategy.as_str().to_string();
            i += 1;
            while let Some(next) = report.strategies.get(i).filter(|n| n.start == s.start) {
                tags.push_str(" + ");
                tags.push_str(next.strategy.as_str());
                i += 1;
            }
            writeln!(out, "  {tags:<24} {}", text[s.start..s.end].trim())?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", style.bold("Tips"))?;
    if report.tips.is_empty() {
        writeln!(out, "  none — nothing obvious is missing")?;
    }
    for t in &report.tips {
        writeln!(
            out,
            "  • {} {}",
            t.message,
            style.dim(&format!("[{}]", t.code))
        )?;
    }
    Ok(())
}

/// One line per additive term of a logit, naming the match behind it.
fn print_terms(
    out: &mut dyn Write,
    style: Style,
    terms: &[ScoreTerm],
    matches: &[Match],
) -> std::io::Result<()> {
    for term in terms {
        let what = match (term.source, term.match_index) {
            (TermSource::Match | TermSource::Learned, Some(i)) => {
                let m = &matches[i];
                format!("{} {:?}", m.rule, m.text)
            }
            _ => term.label.to_string(),
        };
        let source = match term.source {
            TermSource::Bias => "bias",
            TermSource::Match => "match",
            TermSource::Derived => "derived",
            TermSource::Context => "context",
            TermSource::Rules => "rules",
            TermSource::Learned => "learned",
            // A source added to the core later: shown without a name.
            _ => "other",
        };
        let value = format!("{:+6.2}", term.value);
        let value = if term.value < 0.0 {
            style.paint("31", &value)
        } else {
            style.paint("32", &value)
        };
        writeln!(out, "  {value}  {:<8} {what}", source)?;
    }
    Ok(())
}
