//! Raw responses as WARC 1.0 `response` records (`--warc DIR`), one file per crawl process,
//! which `mirsad ingest` reads back to the same articles.

use crate::fetch::Reply;
use std::io::Write;
use std::path::Path;
use url::Url;

pub struct Writer {
    file: std::io::BufWriter<std::fs::File>,
    n: u64,
    seed: u64,
}

impl Writer {
    pub fn create(dir: &Path) -> std::io::Result<Writer> {
        std::fs::create_dir_all(dir)?;
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
        let path = dir.join(format!("mirsad-{stamp}-{}.warc", std::process::id()));
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        let seed = xxhash_rust::xxh3::xxh3_64(format!("{stamp}{}", std::process::id()).as_bytes());
        Ok(Writer { file: std::io::BufWriter::new(file), n: 0, seed })
    }

    /// Appends one response record and flushes it.
    pub fn write(&mut self, url: &Url, reply: &Reply) -> std::io::Result<()> {
        self.n += 1;
        let id = xxhash_rust::xxh3::xxh3_128(format!("{}:{}", self.seed, self.n).as_bytes());
        let h = format!("{id:032x}");
        let uuid = format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]);
        let mut block = reply.head.clone().into_bytes();
        block.extend_from_slice(b"\r\n");
        block.extend_from_slice(&reply.body);
        let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
        write!(
            self.file,
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid}>\r\nWARC-Date: {date}\r\nWARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )?;
        self.file.write_all(&block)?;
        self.file.write_all(b"\r\n\r\n")?;
        self.file.flush()
    }
}
