//! Converting byte offsets to the offsets each language slices with.
//!
//! Rust slices strings by byte, Python by code point, JavaScript by UTF-16
//! code unit. Reports are computed with byte offsets; bindings call
//! `to_unit` once on a report to rewrite every span in place.

/// The unit offsets are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum OffsetUnit {
    /// UTF-8 bytes (Rust `&text[a..b]`).
    #[default]
    Byte,
    /// Unicode code points (Python `text[a:b]`).
    Char,
    /// UTF-16 code units (JavaScript `text.slice(a, b)`).
    Utf16,
}

/// Maps a set of byte offsets of one text to another unit in a single pass.
///
/// ```
/// use empathize::{OffsetMap, OffsetUnit};
/// let text = "😭 sorry";
/// let map = OffsetMap::new(text, OffsetUnit::Utf16, [5, 10]);
/// assert_eq!((map.get(5), map.get(10)), (3, 8));
/// let map = OffsetMap::new(text, OffsetUnit::Char, [5, 10]);
/// assert_eq!((map.get(5), map.get(10)), (2, 7));
/// ```
#[derive(Debug, Clone)]
pub struct OffsetMap {
    /// `(byte, unit)` pairs sorted by byte; empty when the mapping is identity.
    pairs: Vec<(usize, usize)>,
    identity: bool,
}

impl OffsetMap {
    /// Prepares the mapping for `offsets` (byte offsets into `text`; offsets
    /// inside a character map to that character's start).
    ///
    /// ```
    /// use empathize::{OffsetMap, OffsetUnit};
    /// let text = "café au lait"; // `é` is 2 bytes, 1 code point
    /// let map = OffsetMap::new(text, OffsetUnit::Char, [6, 4]);
    /// assert_eq!((map.get(4), map.get(6)), (3, 5));
    /// let inside = OffsetMap::new(text, OffsetUnit::Char, [4]); // inside `é`
    /// assert_eq!(inside.get(4), 3);
    /// ```
    pub fn new(text: &str, unit: OffsetUnit, offsets: impl IntoIterator<Item = usize>) -> Self {
        OffsetMap::walk(text, unit, offsets, true)
    }

    /// The reverse mapping: prepares byte offsets for `offsets` counted in
    /// `unit` (as a binding's report holds them); [`get`](Self::get) then
    /// takes a `unit` offset and returns its byte offset. An offset inside a
    /// character (half a surrogate pair) maps to that character's start.
    ///
    /// ```
    /// use empathize::{OffsetMap, OffsetUnit};
    /// let text = "😭 sorry";
    /// let back = OffsetMap::from_unit(text, OffsetUnit::Char, [2, 7]);
    /// assert_eq!((back.get(2), back.get(7)), (5, 10));
    /// let back = OffsetMap::from_unit(text, OffsetUnit::Utf16, [3, 8]);
    /// assert_eq!((back.get(3), back.get(8)), (5, 10));
    /// ```
    pub fn from_unit(
        text: &str,
        unit: OffsetUnit,
        offsets: impl IntoIterator<Item = usize>,
    ) -> Self {
        OffsetMap::walk(text, unit, offsets, false)
    }

    /// One pass over `text` for the sorted `offsets`, counted in bytes
    /// (`from_bytes`) or in `unit`, pairing each with the other count.
    fn walk(
        text: &str,
        unit: OffsetUnit,
        offsets: impl IntoIterator<Item = usize>,
        from_bytes: bool,
    ) -> Self {
        if unit == OffsetUnit::Byte || text.is_ascii() {
            return OffsetMap {
                pairs: Vec::new(),
                identity: true,
            };
        }
        let width = |c: char| match unit {
            OffsetUnit::Utf16 => c.len_utf16(),
            _ => 1,
        };
        let mut wanted: Vec<usize> = offsets.into_iter().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut pairs = Vec::with_capacity(wanted.len());
        let mut units = 0usize;
        let mut chars = text.char_indices().peekable();
        for offset in wanted {
            // Step over every character that ends at or before `offset`:
            // an offset inside a character maps to its start.
            while let Some(&(at, c)) = chars.peek() {
                let past = if from_bytes {
                    at + c.len_utf8() > offset
                } else {
                    units + width(c) > offset
                };
                if past {
                    break;
                }
                units += width(c);
                chars.next();
            }
            let byte = chars.peek().map_or(text.len(), |&(at, _)| at);
            pairs.push((offset, if from_bytes { units } else { byte }));
        }
        OffsetMap {
            pairs,
            identity: false,
        }
    }

    /// The converted offset of `byte` (which must have been passed to `new`;
    /// an unknown offset maps to the nearest known one below it).
    ///
    /// ```
    /// use empathize::{OffsetMap, OffsetUnit};
    /// let map = OffsetMap::new("ab😭cd", OffsetUnit::Utf16, [2, 6, 8]);
    /// assert_eq!([map.get(2), map.get(6), map.get(8)], [2, 4, 6]);
    /// // ASCII text and byte units need no mapping: every offset is itself.
    /// assert_eq!(OffsetMap::new("plain", OffsetUnit::Char, []).get(3), 3);
    /// ```
    pub fn get(&self, byte: usize) -> usize {
        if self.identity {
            return byte;
        }
        match self.pairs.binary_search_by_key(&byte, |&(b, _)| b) {
            Ok(i) => self.pairs[i].1,
            Err(0) => 0,
            Err(i) => self.pairs[i - 1].1,
        }
    }
}

/// Rewrites every span of a report from bytes to another unit.
pub trait ToUnit {
    /// Converts all offsets (computed on `text`, in bytes) to `unit`.
    ///
    /// ```
    /// use empathize::{Analyzer, OffsetUnit, ToUnit};
    /// let text = "😭😭 I'm so sorry";
    /// let mut report = Analyzer::new().score(text);
    /// let bytes = report.matches[0].start;
    /// report.to_unit(text, OffsetUnit::Utf16);
    /// let m = &report.matches[0];
    /// assert_eq!(m.start, bytes - 4); // each emoji: 4 bytes, 2 UTF-16 units
    /// let utf16: Vec<u16> = text.encode_utf16().collect();
    /// assert_eq!(String::from_utf16(&utf16[m.start..m.end]).unwrap(), m.text);
    /// ```
    fn to_unit(&mut self, text: &str, unit: OffsetUnit);
}

impl ToUnit for crate::MessageReport {
    fn to_unit(&mut self, text: &str, unit: OffsetUnit) {
        let offsets = self
            .matches
            .iter()
            .flat_map(|m| [m.start, m.end])
            .chain(self.strategies.iter().flat_map(|s| [s.start, s.end]))
            .chain(self.evidence.iter().flat_map(|e| [e.start, e.end]));
        let map = OffsetMap::new(text, unit, offsets);
        for m in &mut self.matches {
            m.start = map.get(m.start);
            m.end = map.get(m.end);
        }
        for s in &mut self.strategies {
            s.start = map.get(s.start);
            s.end = map.get(s.end);
        }
        for e in &mut self.evidence {
            e.start = map.get(e.start);
            e.end = map.get(e.end);
        }
    }
}

impl ToUnit for crate::ReplySummary {
    fn to_unit(&mut self, text: &str, unit: OffsetUnit) {
        let offsets = self.strategies.iter().flat_map(|s| [s.start, s.end]);
        let map = OffsetMap::new(text, unit, offsets);
        for s in &mut self.strategies {
            s.start = map.get(s.start);
            s.end = map.get(s.end);
        }
    }
}

impl ToUnit for crate::CustomerReport {
    fn to_unit(&mut self, text: &str, unit: OffsetUnit) {
        let map = OffsetMap::new(
            text,
            unit,
            self.matches.iter().flat_map(|m| [m.start, m.end]),
        );
        for m in &mut self.matches {
            m.start = map.get(m.start);
            m.end = map.get(m.end);
        }
    }
}

impl crate::ConversationReport {
    /// Converts every turn's spans (computed on that turn's text, in bytes)
    /// to `unit`. `turns` are the turns the report was computed from.
    ///
    /// ```
    /// use empathize::{Analyzer, OffsetUnit, Turn};
    /// let turns = [Turn::customer("Ugh 😡 late again"), Turn::agent("😔 I'm so sorry.")];
    /// let mut report = Analyzer::new().analyze_conversation(&turns);
    /// report.turns_to_unit(&turns, OffsetUnit::Char);
    /// let reply = report.turns[1].reply.as_ref().unwrap();
    /// let chars: Vec<char> = turns[1].text.chars().collect();
    /// for m in &reply.matches {
    ///     assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text);
    /// }
    /// assert!(!reply.matches.is_empty());
    /// ```
    pub fn turns_to_unit(&mut self, turns: &[crate::Turn], unit: OffsetUnit) {
        for r in &mut self.turns {
            let Some(turn) = turns.get(r.index) else {
                continue;
            };
            if let Some(c) = r.customer.as_mut() {
                c.to_unit(&turn.text, unit);
            }
            if let Some(m) = r.reply.as_mut() {
                m.to_unit(&turn.text, unit);
            }
        }
    }
}

impl ToUnit for Vec<crate::Token<'_>> {
    fn to_unit(&mut self, text: &str, unit: OffsetUnit) {
        let map = OffsetMap::new(text, unit, self.iter().flat_map(|t| [t.start, t.end]));
        for t in self.iter_mut() {
            t.start = map.get(t.start);
            t.end = map.get(t.end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_mixed_scripts() {
        let text = "é 中文 😭 ok";
        let offsets: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let chars = OffsetMap::new(text, OffsetUnit::Char, offsets.iter().copied());
        let utf16 = OffsetMap::new(text, OffsetUnit::Utf16, offsets.iter().copied());
        let mut u = 0;
        for (n, &b) in offsets.iter().enumerate() {
            assert_eq!(chars.get(b), n);
            assert_eq!(utf16.get(b), u);
            if let Some(c) = text[b..].chars().next() {
                u += c.len_utf16();
            }
        }
    }
}
