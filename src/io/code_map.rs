//! Country and sector codes to their indices, looked up once or more per
//! row of the large data files.
//!
//! ```text
//! key    a code of 1 to 15 bytes packed into a u128: its bytes, then its length
//!        in the top byte (so no two codes share a key, and no key is 0)
//! table  open addressing, linear probing, at most a quarter full;
//!        slot = Fibonacci hash of the key's two halves
//! longer codes: a plain hash map
//! ```
//!
//! Codes are short (`KAZ`, `C001`, `L00001`): a key compares in one
//! instruction where a string compares through `memcmp`, and hashing it costs
//! one multiplication.

use std::collections::HashMap;

/// Codes and their indices, built once when the codes are known.
#[derive(Debug, Clone)]
pub(crate) struct CodeMap {
    keys: Vec<u128>,
    values: Vec<usize>,
    /// The table has `1 << bits` slots.
    bits: u32,
    long: HashMap<String, usize>,
}

/// `code` packed as a key, when it has 1 to 15 bytes.
pub(crate) fn pack(code: &str) -> Option<u128> {
    let b = code.as_bytes();
    if b.is_empty() || b.len() > 15 {
        return None;
    }
    let (lo, hi) = b.split_at(b.len().min(8));
    let hi = word(hi) | (b.len() as u64) << 56;
    Some(u128::from(hi) << 64 | u128::from(word(lo)))
}

/// Up to 8 bytes as a little-endian word, read as two overlapping halves
/// (the bytes they share land on the same bits).
fn word(b: &[u8]) -> u64 {
    let n = b.len();
    let pair = |half: usize, read: fn(&[u8]) -> u64| {
        read(&b[..half]) | read(&b[n - half..]) << (8 * (n - half))
    };
    match n {
        4.. => pair(4, |h| {
            u64::from(u32::from_le_bytes([h[0], h[1], h[2], h[3]]))
        }),
        2.. => pair(2, |h| u64::from(u16::from_le_bytes([h[0], h[1]]))),
        1 => u64::from(b[0]),
        _ => 0,
    }
}

impl CodeMap {
    /// The map of `codes` (code, index); a repeated code keeps its last index.
    pub(crate) fn new<'a>(codes: impl ExactSizeIterator<Item = (&'a str, usize)>) -> Self {
        let bits = (codes.len().max(4) * 4)
            .next_power_of_two()
            .trailing_zeros();
        let mut map = CodeMap {
            keys: vec![0; 1 << bits],
            values: vec![0; 1 << bits],
            bits,
            long: HashMap::new(),
        };
        for (code, at) in codes {
            match pack(code) {
                Some(key) => {
                    let mut s = map.slot(key);
                    while map.keys[s] != 0 && map.keys[s] != key {
                        s = (s + 1) & map.mask();
                    }
                    map.keys[s] = key;
                    map.values[s] = at;
                }
                None => {
                    map.long.insert(code.to_string(), at);
                }
            }
        }
        map
    }

    fn mask(&self) -> usize {
        (1 << self.bits) - 1
    }

    fn slot(&self, key: u128) -> usize {
        let h = ((key as u64) ^ ((key >> 64) as u64)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> (64 - self.bits)) as usize
    }

    /// The index of `code`.
    pub(crate) fn get(&self, code: &str) -> Option<usize> {
        match pack(code) {
            Some(key) => self.get_packed(key),
            None => self.long.get(code).copied(),
        }
    }

    /// The index of the code packed as `key`.
    pub(crate) fn get_packed(&self, key: u128) -> Option<usize> {
        let mut s = self.slot(key);
        loop {
            match self.keys[s] {
                0 => return None,
                k if k == key => return Some(self.values[s]),
                _ => s = (s + 1) & self.mask(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_code_and_no_other() {
        let codes: Vec<String> = (0..5000)
            .map(|k| format!("L{k:05}"))
            .chain([
                "A".to_string(),
                "a-very-long-code-of-many-bytes".to_string(),
            ])
            .collect();
        let map = CodeMap::new(codes.iter().enumerate().map(|(k, c)| (c.as_str(), k)));
        for (k, c) in codes.iter().enumerate() {
            assert_eq!(map.get(c), Some(k), "{c}");
        }
        for absent in [
            "",
            "L5000",
            "L00001 ",
            "AA",
            "a-very-long-code-of-many-byte",
            "\0A",
        ] {
            assert_eq!(map.get(absent), None, "{absent:?}");
        }
        // every length packs its bytes in order, ends included
        for len in 1..=15 {
            let code: String = "abcdefghijklmnopq"[..len].to_string();
            let key = pack(&code).unwrap();
            for (k, b) in code.bytes().enumerate() {
                assert_eq!((key >> (8 * k)) as u8, b, "{code}");
            }
            assert_eq!((key >> 120) as usize, len);
        }
        // a code and the same bytes with a trailing NUL are different codes
        let nul = CodeMap::new([("A\0", 1)].into_iter());
        assert_eq!(nul.get("A"), None);
        assert_eq!(nul.get("A\0"), Some(1));
    }
}
