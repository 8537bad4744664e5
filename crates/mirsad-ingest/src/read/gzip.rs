//! gzip input with a bound on expansion.
//!
//! A single document is read only up to the size limit, which bounds it. A multi-record
//! stream (`.jsonl.gz`, `.warc.gz`) is legitimately far larger than one document, and skipping
//! an oversized record means decoding it, so there the bound is the expansion ratio: a
//! compression bomb (gigabytes of zeros in a few megabytes) expands about a thousand times,
//! text and HTML some three to ten times. As in Apache POI's `ZipSecureFile` (minimum inflate
//! ratio 0.01), output that grows more than [`MAX_RATIO`] times its input is refused, judged
//! per [`WINDOW`] of output so that a bomb after a long honest prefix is caught as early.

use std::io::{self, BufRead, Read};

/// Largest accepted ratio of decompressed to compressed bytes over one window.
pub const MAX_RATIO: u64 = 100;
/// Decompressed bytes per judgement: small files, however compressible, are never judged.
pub const WINDOW: u64 = 16 << 20;

/// The error a [`Guarded`] reader fails with; `read` maps it to `IngestError::Bomb`.
#[derive(Debug, thiserror::Error)]
#[error("gzip data expands more than {MAX_RATIO} times ({expanded} bytes from {compressed}): a compression bomb")]
pub struct Bomb {
    pub expanded: u64,
    pub compressed: u64,
}

impl Bomb {
    /// The bomb inside an I/O error, if that is what it holds.
    pub fn of(e: &io::Error) -> Option<&Bomb> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<Bomb>())
    }
}

/// Counts the bytes read through it.
pub struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R> Counted<R> {
    pub fn new(inner: R) -> Self {
        Counted { inner, count: 0 }
    }

    pub fn count(&self) -> u64 {
        self.count
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// A multi-member gzip decoder over a counted source that fails with [`Bomb`] when a window
/// of output came from less than `1 / MAX_RATIO` of its size in input.
pub struct Guarded<R: BufRead> {
    decoder: flate2::bufread::MultiGzDecoder<R>,
    /// How many bytes the decoder has taken from the source so far.
    consumed: fn(&R) -> u64,
    out: u64,
    window_out: u64,
    window_in: u64,
    failed: bool,
}

impl<R: BufRead> Guarded<R> {
    pub fn new(source: R, consumed: fn(&R) -> u64) -> Self {
        let window_in = consumed(&source);
        Guarded {
            decoder: flate2::bufread::MultiGzDecoder::new(source),
            consumed,
            out: 0,
            window_out: 0,
            window_in,
            failed: false,
        }
    }
}

impl<R: BufRead> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Err(io::Error::other("gzip stream already refused"));
        }
        // Never more than the rest of the window, so each window is judged exactly.
        let room = (WINDOW - (self.out - self.window_out)).min(buf.len() as u64) as usize;
        let n = self.decoder.read(&mut buf[..room])?;
        self.out += n as u64;
        if self.out - self.window_out >= WINDOW {
            let now = (self.consumed)(self.decoder.get_ref());
            let compressed = now - self.window_in;
            if compressed.saturating_mul(MAX_RATIO) < WINDOW {
                self.failed = true;
                return Err(io::Error::other(Bomb { expanded: WINDOW, compressed }));
            }
            self.window_out = self.out;
            self.window_in = now;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn guarded(bytes: Vec<u8>) -> Guarded<io::BufReader<Counted<io::Cursor<Vec<u8>>>>> {
        Guarded::new(io::BufReader::new(Counted::new(io::Cursor::new(bytes))), |r| {
            r.get_ref().count() - r.buffer().len() as u64
        })
    }

    #[test]
    fn honest_text_passes_whole() {
        // Pseudo-random letters compress about two to one: far below the ratio.
        let mut x = 1u32;
        let text: Vec<u8> = (0..(WINDOW as usize * 2 + 1000))
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                b'a' + (x >> 16) as u8 % 26
            })
            .collect();
        let mut out = Vec::new();
        guarded(gz(&text)).read_to_end(&mut out).unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn small_compressible_files_are_not_judged() {
        let zeros = vec![0u8; WINDOW as usize - 1];
        let mut out = Vec::new();
        guarded(gz(&zeros)).read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), zeros.len());
    }

    #[test]
    fn a_bomb_stops_after_one_window() {
        // One member of 16 MiB of zeros, repeated: 64 windows of output from a few kilobytes each.
        let member = gz(&vec![0u8; WINDOW as usize]);
        let bomb = member.repeat(64);
        let mut g = guarded(bomb.clone());
        let mut out = Vec::new();
        let e = g.read_to_end(&mut out).unwrap_err();
        let b = Bomb::of(&e).expect("a Bomb error");
        assert_eq!(b.expanded, WINDOW);
        assert!(out.len() as u64 <= WINDOW, "stopped within the first window: {}", out.len());
        // The decoder stopped early: most of the compressed input was never read.
        assert!(g.decoder.get_ref().get_ref().count() < bomb.len() as u64 / 8);
        assert!(g.read(&mut [0u8; 16]).is_err(), "stays refused");
    }
}
