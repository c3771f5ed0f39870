//! Rule packs: the TOML format, pattern syntax, and the compiled matcher.

pub(crate) mod compile;
pub(crate) mod pack;
pub(crate) mod pattern;
pub(crate) mod rule;
