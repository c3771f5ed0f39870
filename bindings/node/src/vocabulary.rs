//! The string unions of `src/vocabulary.d.ts` (the header of `index.d.ts`)
//! checked against the core, so the TypeScript types cannot drift from the
//! values the reports carry.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use empathize::{self as core, Category, Cue, Dimension, Emotion, Flag, Mechanism, Strategy};

use crate::reports::{polarity_name, term_source_name, token_kind_name};

/// `export type Name = …` → the names it refers to and the literals it holds.
fn unions() -> BTreeMap<String, String> {
    let source = include_str!("vocabulary.d.ts");
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in source.lines() {
        if let Some(rest) = line.strip_prefix("export type ") {
            if let Some((name, def)) = current.take() {
                out.insert(name, def);
            }
            let (name, def) = rest.split_once('=').expect("`export type X = …`");
            current = Some((name.trim().to_string(), def.to_string()));
        } else if let Some((_, def)) = current.as_mut() {
            if line.trim_start().starts_with('|') {
                def.push_str(line);
            } else {
                let (name, def) = current.take().expect("current");
                out.insert(name, def);
            }
        }
    }
    if let Some((name, def)) = current {
        out.insert(name, def);
    }
    out
}

/// The literal values of a union, following references to other unions.
fn values(name: &str) -> BTreeSet<String> {
    let all = unions();
    let mut out = BTreeSet::new();
    let mut stack = vec![name.to_string()];
    while let Some(name) = stack.pop() {
        let def = all.get(&name).unwrap_or_else(|| panic!("no union {name}"));
        for part in def.split('|').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(literal) = part.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')) {
                out.insert(literal.to_string());
            } else if part != "(string & {})" {
                stack.push(part.to_string());
            }
        }
    }
    out
}

fn set<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    names.into_iter().map(str::to_string).collect()
}

#[test]
fn unions_match_the_core() {
    assert_eq!(
        values("Dimension"),
        set(Dimension::ALL.iter().map(|d| d.as_str()))
    );
    assert_eq!(values("Flag"), set(Flag::ALL.iter().map(|f| f.as_str())));
    assert_eq!(
        values("Emotion"),
        set(Emotion::ALL.iter().map(|e| e.as_str()))
    );
    assert_eq!(values("Cue"), set(Cue::ALL.iter().map(|c| c.as_str())));
    // Rules use the pack categories; learned tables add distress, strategies
    // and mechanisms.
    let learned = ["distress"]
        .into_iter()
        .chain(Strategy::ALL.iter().map(|s| s.as_str()))
        .chain(Mechanism::ALL.iter().map(|m| m.as_str()));
    assert_eq!(
        values("Category"),
        set(Category::all_names().chain(learned))
    );
    assert_eq!(
        values("Strategy"),
        set(Strategy::ALL.iter().map(|s| s.as_str()))
    );
    assert_eq!(
        values("Mechanism"),
        set(Mechanism::ALL.iter().map(|m| m.as_str()))
    );
    assert_eq!(
        values("TipCode"),
        set(core::ALL_TIPS.iter().map(|t| t.code))
    );
    assert_eq!(
        values("Role"),
        set([core::Role::Customer.as_str(), core::Role::Agent.as_str()])
    );
}

#[test]
fn unions_match_the_binding_names() {
    use core::{Polarity, TermSource, TokenKind};
    assert_eq!(
        values("Polarity"),
        set([Polarity::Positive, Polarity::Negative, Polarity::Neutral].map(polarity_name))
    );
    assert_eq!(
        values("TermSource"),
        set([
            TermSource::Bias,
            TermSource::Match,
            TermSource::Derived,
            TermSource::Context,
            TermSource::Rules,
            TermSource::Learned
        ]
        .map(term_source_name))
    );
    let kinds = [
        TokenKind::Word,
        TokenKind::Number,
        TokenKind::Punct,
        TokenKind::Emoji,
        TokenKind::Emoticon,
        TokenKind::Url,
        TokenKind::Email,
        TokenKind::Mention,
        TokenKind::Hashtag,
        TokenKind::Symbol,
    ];
    assert_eq!(values("TokenKind"), set(kinds.map(token_kind_name)));
}

#[test]
fn role_names_parse() {
    for name in values("RoleName") {
        assert!(core::Role::from_str(&name).is_ok(), "{name}");
        assert!(core::Role::from_str(&name.to_uppercase()).is_ok(), "{name}");
    }
}
