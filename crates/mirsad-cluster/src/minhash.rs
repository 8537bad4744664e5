//! MinHash signatures over word shingles and an LSH banding index.
//!
//! Parameters (see docs/QUALITY.md for the measured effect):
//! - shingles: 3 consecutive word keys (`mirsad_text::key`, stopwords kept: copies share
//!   function words too); each key hashed once with xxh3, a shingle is the xxh3 of its three
//!   word hashes; texts under 3 words use their words;
//! - 100 one-permutation-hashing bins with rotation densification (see [`signature`]): a
//!   signature costs one step per shingle;
//! - each minimum is kept as its low 16 bits (b-bit MinHash): 200 bytes a signature, and the
//!   chance that two different minima agree (1/65,536) barely moves the estimate;
//! - 33 bands of 3 rows (99 of the 100 minima): tuned to retrieve *partial* copies too. A
//!   copy that keeps 60 % of an original (a truncated repost) has Jaccard ≈ 0.6 with it, one
//!   that also adds a byline and a closing line ≈ 0.55; such a pair shares a band with
//!   probability 1 − (1 − 0.55³)³³ ≈ 0.997 (0.5: 0.988; 0.8: 1 − 10⁻¹³), a pair at 0.2 (same
//!   story, other words, common phrases) with ≈ 0.23 and one at 0.1 with ≈ 0.03, so candidates
//!   stay few; each is confirmed on the whole signature (Jaccard, or containment from the
//!   estimate and the two shingle counts, see [`overlap`]). The 20 × 5 banding used before found
//!   a pair at 0.55 with probability 0.65 only. A bucket is walked newest first and at most
//!   [`BUCKET_WALK`] entries deep, so a band value shared by thousands of texts (a daily
//!   template) costs the same at 10k or 1M texts.

use foldhash::{HashMap, HashMapExt};
use xxhash_rust::xxh3::xxh3_64;

/// Hash functions per signature.
pub const HASHES: usize = 100;
/// LSH bands and rows per band (`BANDS * ROWS == HASHES`).
pub const BANDS: usize = 33;
pub const ROWS: usize = 3;
/// Entries of one bucket looked at per query (newest first).
pub const BUCKET_WALK: usize = 64;
/// Words per shingle.
pub const SHINGLE: usize = 3;

/// A MinHash signature (b-bit: the low 16 bits of each minimum).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u16; HASHES]);

/// The shingle hashes of a text, sorted and distinct.
pub fn shingles(text: &str) -> Vec<u64> {
    let mut words = Vec::new();
    mirsad_text::for_each_key(text, |k, _| words.push(word_hash(k)));
    shingles_of_words(&words)
}

/// Hash of one word key; shingles combine these, so each word is hashed once.
pub fn word_hash(key: &str) -> u64 {
    xxh3_64(key.as_bytes())
}

/// The shingles of a text given as its words' [`word_hash`]es, sorted and distinct.
pub fn shingles_of_words(words: &[u64]) -> Vec<u64> {
    let mut out: Vec<u64> = if words.len() < SHINGLE {
        words.to_vec()
    } else {
        words
            .windows(SHINGLE)
            .map(|w| {
                let mut b = [0u8; SHINGLE * 8];
                for (i, h) in w.iter().enumerate() {
                    b[i * 8..i * 8 + 8].copy_from_slice(&h.to_le_bytes());
                }
                xxh3_64(&b)
            })
            .collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// The signature of a shingle set, by one-permutation hashing (Li, Owen & Zhang 2012): each
/// shingle hash goes to one of `HASHES` bins by its high bits and competes there on its low
/// bits, so a signature costs one step per shingle instead of one per shingle and function.
/// Empty bins borrow from the next non-empty bin to the right, shifted by the distance
/// (rotation densification, Shrivastava & Li 2014), which keeps `P(bin equal) ≈ Jaccard`.
/// Shingle hashes are xxh3 outputs, already uniform, so no further mixing is needed. An empty
/// set gets the all-ones signature; callers skip empty texts anyway.
pub fn signature(shingles: &[u64]) -> Signature {
    let mut mins = [u32::MAX; HASHES];
    let mut filled = [false; HASHES];
    for &h in shingles {
        let bin = ((h as u128 * HASHES as u128) >> 64) as usize;
        mins[bin] = mins[bin].min(h as u32);
        filled[bin] = true;
    }
    let mut sig = [u16::MAX; HASHES];
    if shingles.is_empty() {
        return Signature(sig);
    }
    for i in 0..HASHES {
        let mut t = 0;
        while !filled[(i + t) % HASHES] {
            t += 1;
        }
        let v = mins[(i + t) % HASHES].wrapping_add((t as u32).wrapping_mul(0x9E37_79B9));
        sig[i] = v as u16;
    }
    Signature(sig)
}

impl Signature {
    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let same = self.0.iter().zip(other.0.iter()).filter(|(x, y)| x == y).count();
        same as f64 / HASHES as f64
    }

    /// Little-endian bytes, for storage.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    pub fn from_bytes(b: &[u8]) -> Option<Signature> {
        if b.len() != HASHES * 2 {
            return None;
        }
        let mut sig = [0u16; HASHES];
        for (i, c) in b.chunks_exact(2).enumerate() {
            sig[i] = u16::from_le_bytes([c[0], c[1]]);
        }
        Some(Signature(sig))
    }

    fn band_key(&self, band: usize) -> u32 {
        let mut bytes = [0u8; ROWS * 2 + 1];
        bytes[0] = band as u8;
        for r in 0..ROWS {
            bytes[1 + r * 2..3 + r * 2].copy_from_slice(&self.0[band * ROWS + r].to_le_bytes());
        }
        xxh3_64(&bytes) as u32
    }
}

/// LSH index over signatures: per band, the entries whose rows agree. Entries are numbered
/// by the caller (`u32`); a bucket collision on the 32-bit band key only adds a candidate,
/// which the full signature then rejects.
#[derive(Default)]
pub struct Lsh {
    /// band key → first entry; `chain[entry * BANDS + band]` → next entry in that bucket.
    heads: Vec<HashMap<u32, u32>>,
    chain: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Lsh {
    pub fn new() -> Lsh {
        Lsh { heads: (0..BANDS).map(|_| HashMap::new()).collect(), chain: Vec::new() }
    }

    /// Adds entry `id` (ids must be added as 0, 1, 2, …).
    pub fn insert(&mut self, id: u32, sig: &Signature) {
        debug_assert_eq!(id as usize * BANDS, self.chain.len());
        for band in 0..BANDS {
            let head = self.heads[band].entry(sig.band_key(band)).or_insert(NONE);
            self.chain.push(*head);
            *head = id;
        }
    }

    /// Entries sharing at least one band with `sig`, each once.
    pub fn candidates(&self, sig: &Signature) -> Vec<u32> {
        let mut out = Vec::new();
        for band in 0..BANDS {
            let mut at = self.heads[band].get(&sig.band_key(band)).copied().unwrap_or(NONE);
            let mut walked = 0;
            while at != NONE && walked < BUCKET_WALK {
                walked += 1;
                out.push(at);
                at = self.chain[at as usize * BANDS + band];
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn len(&self) -> usize {
        self.chain.len() / BANDS
    }

    pub fn is_empty(&self) -> bool {
        self.chain.is_empty()
    }
}

/// Estimated number of shingles two sets share, from their Jaccard similarity `j` and their
/// sizes: |A ∩ B| = J · |A ∪ B| and |A ∪ B| = |A| + |B| − |A ∩ B| give
/// |A ∩ B| = J / (1 + J) · (|A| + |B|). Divided by |A| it is the containment of A in B.
pub fn overlap(j: f64, a: u32, b: u32) -> f64 {
    j / (1.0 + j) * (f64::from(a) + f64::from(b))
}

/// Exact Jaccard similarity of two sorted, distinct shingle lists.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` words drawn from a 5,000-word vocabulary by a generator seeded with `seed`.
    fn text(n: usize, seed: u64) -> String {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("كلمة{}", x % 5000)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn spelling_variants_give_the_same_shingles() {
        assert_eq!(shingles("قال أحمد إن المدرسة الجديدة"), shingles("قال احمد ان المدرسه الجديده"));
    }

    #[test]
    fn estimate_tracks_exact_jaccard() {
        let a = text(400, 1);
        // Replace a tenth of the words: Jaccard of 3-shingles drops to about 0.7.
        let b: String = a
            .split(' ')
            .enumerate()
            .map(|(i, w)| if i % 10 == 0 { format!("بديل{i}") } else { w.to_string() })
            .collect::<Vec<_>>()
            .join(" ");
        let (sa, sb) = (shingles(&a), shingles(&b));
        let exact = jaccard(&sa, &sb);
        let est = signature(&sa).similarity(&signature(&sb));
        assert!((exact - est).abs() < 0.15, "exact {exact} est {est}");
        assert!(exact > 0.5 && exact < 0.9, "{exact}");
        let c = text(400, 2);
        assert!(signature(&sa).similarity(&signature(&shingles(&c))) < 0.2);
    }

    #[test]
    fn lsh_finds_near_copies_not_strangers() {
        let mut lsh = Lsh::new();
        let docs: Vec<String> = (0..50).map(|s| text(300, s)).collect();
        for (i, d) in docs.iter().enumerate() {
            lsh.insert(i as u32, &signature(&shingles(d)));
        }
        let copy = format!("{} خاتمة", docs[17]);
        let c = lsh.candidates(&signature(&shingles(&copy)));
        assert!(c.contains(&17), "{c:?}");
        assert!(c.len() < 5, "{c:?}");
    }

    #[test]
    fn signature_bytes_round_trip() {
        let s = signature(&shingles("نص قصير للتجربة فقط"));
        assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s));
        assert_eq!(Signature::from_bytes(&[1, 2, 3]), None);
    }
}
