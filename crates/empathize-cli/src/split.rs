//! Deterministic splits of labelled rows into folds, by a hash of the
//! seeker's text: every reply to one seeker message lands in the same fold,
//! and the split does not depend on row order, platform or run.

use anyhow::{anyhow, Result};

/// The fold (0..k) of a row, from a hash (FNV-1a, 64 bit) of its trimmed
/// seeker text.
pub fn fold_of(seeker: &str, k: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seeker.trim().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % k.max(1) as u64) as usize
}

/// Parses `I/K` (fold I of K folds, counted from 0), as in `--part 0/2`.
pub fn parse_part(s: &str) -> Result<(usize, usize)> {
    let bad = || anyhow!("--part expects I/K with 0 <= I < K, e.g. 0/2; got `{s}`");
    let (i, k) = s.split_once('/').ok_or_else(bad)?;
    let (i, k): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        k.trim().parse().map_err(|_| bad())?,
    );
    if k < 2 || i >= k {
        return Err(bad());
    }
    Ok((i, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stable_and_cover_every_fold() {
        assert_eq!(fold_of("  same text ", 5), fold_of("same text", 5));
        let mut seen = [false; 4];
        for i in 0..64 {
            seen[fold_of(&format!("seeker message {i}"), 4)] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn parts_parse() {
        assert_eq!(parse_part("1/2").unwrap(), (1, 2));
        for bad in ["2/2", "0/1", "x/2", "1"] {
            assert!(parse_part(bad).is_err(), "{bad}");
        }
    }
}
