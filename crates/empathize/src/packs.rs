//! Bundled opt-in packs, by name: not part of the default pack, added on
//! top of it when you ask for them.
//!
//! | name | what | licence |
//! | --- | --- | --- |
//! | `esconv-strategies` | a learned table of support strategies per reply sentence | CC BY-NC 4.0: **non-commercial use only** (learned from ESConv) |
//!
//! ```
//! let toml = empathize::packs::get("esconv-strategies").expect("bundled");
//! let analyzer = empathize::Analyzer::builder().extra_pack(toml).build()?;
//! let report = analyzer.score("Have you tried talking to your manager about it?");
//! assert_eq!(report.strategies.len(), 1);
//! # Ok::<(), empathize::RulePackError>(())
//! ```

/// `(name, TOML)` of every bundled opt-in pack.
const PACKS: &[(&str, &str)] = &[(
    "esconv-strategies",
    include_str!("../packs/esconv-strategies.toml"),
)];

/// The TOML text of a bundled opt-in pack, for
/// [`AnalyzerBuilder::extra_pack`](crate::AnalyzerBuilder::extra_pack).
///
/// ```
/// assert!(empathize::packs::get("esconv-strategies").is_some_and(|toml| toml.contains("[[tables]]")));
/// assert_eq!(empathize::packs::get("no-such-pack"), None);
/// ```
pub fn get(name: &str) -> Option<&'static str> {
    PACKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, toml)| *toml)
}

/// The names of the bundled opt-in packs.
///
/// ```
/// assert!(empathize::packs::names().contains(&"esconv-strategies"));
/// ```
pub fn names() -> Vec<&'static str> {
    PACKS.iter().map(|(n, _)| *n).collect()
}
