//! Struct field names as JS sees them: `follow_up` → `followUp`.
//!
//! Only struct fields are renamed; map keys and string values are data and
//! stay as they are (a flag name such as `policy_wall` keeps its snake_case
//! as a value and as a map key). Nothing here knows a report field.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// `follow_up` → `followUp`. Field names are `&'static str` in serde; the
/// renamed ones are made once per name and kept (a report has a few dozen).
pub(crate) fn camel(name: &'static str) -> &'static str {
    if !name.contains('_') {
        return name;
    }
    static NAMES: OnceLock<Mutex<HashMap<&'static str, &'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(Default::default);
    let mut names = names
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    names.entry(name).or_insert_with(|| {
        let mut out = String::with_capacity(name.len());
        let mut upper = false;
        for c in name.chars() {
            match c {
                '_' => upper = true,
                c if upper => {
                    out.extend(c.to_uppercase());
                    upper = false;
                }
                c => out.push(c),
            }
        }
        Box::leak(out.into_boxed_str())
    })
}

#[cfg(test)]
mod tests {
    use super::camel;

    #[test]
    fn snake_to_camel() {
        assert_eq!(camel("follow_up"), "followUp");
        assert_eq!(camel("match_index"), "matchIndex");
        assert_eq!(camel("score"), "score");
        assert_eq!(camel("emotional_reactions"), "emotionalReactions");
    }
}
