//! Kills a real `mirsad ingest` process at varying points and checks that the data directory
//! reopens with every acknowledged article whole, no half-written record, and a search index
//! that agrees with the records.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

const ARTICLES: usize = 4000;

fn corpus(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("corpus.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let topics = ["المكتبة", "الجسر", "القمح", "المستشفى", "المدرسة", "الميناء", "الملعب", "السوق"];
    for i in 0..ARTICLES {
        let t = topics[i % topics.len()];
        let body = format!(
            "خبر رقم {i} عن {t} في المدينة.\nوقال مسؤول إن العمل في {t} سيستمر حتى نهاية الشهر بحسب الخطة رقم {i}.\nوأضاف أن السكان ينتظرون افتتاح {t} منذ سنوات."
        );
        let rec = serde_json::json!({"src": "test", "url": format!("https://example.test/{i}"), "title": format!("عنوان الخبر {i} عن {t}"), "time_iso": "2024-03-01T10:00:00+03:00", "text": body});
        writeln!(f, "{rec}").unwrap();
    }
    path
}

/// Pseudo-random delays without a dependency: a small LCG seeded from the process id.
fn delays(n: usize) -> Vec<u64> {
    let mut x = std::process::id() as u64 | 1;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            50 + (x >> 33) % 700
        })
        .collect()
}

#[test]
fn kill_during_ingest_loses_nothing_acknowledged() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let data = tmp.path().join("data");
    let bin = env!("CARGO_BIN_EXE_mirsad");
    let mut max_acked = 0usize;
    for delay in delays(5) {
        let mut child = Command::new(bin)
            .args(["ingest", "--quiet", "--ack", "--batch", "100", "--data"])
            .arg(&data)
            .arg(&input)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut last = 0usize;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("ack ").and_then(|n| n.parse().ok()) {
                    last = n;
                }
            }
            last
        });
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let acked = reader.join().unwrap();
        max_acked = max_acked.max(acked);

        // Reopen: records parse, the index agrees, and what was acknowledged is there.
        let store = mirsad_store::Store::open(&data).expect("reopen after kill");
        let count = store.count().unwrap() as usize;
        assert!(count >= max_acked, "acknowledged {max_acked} but only {count} stored");
        assert_eq!(store.indexed_count() as usize, count, "index disagrees with records");
        for a in store.latest(0, count.max(1)).unwrap() {
            assert!(a.body.contains("وأضاف أن السكان"), "half-written article {}", a.id);
        }
        if count > 0 {
            let r = store
                .search(&mirsad_store::SearchQuery { text: "السكان".into(), limit: 1, ..Default::default() })
                .unwrap();
            assert_eq!(r.total, count);
        }
    }
    // Finishing the job afterwards gives the whole corpus exactly once.
    let out = Command::new(bin).args(["ingest", "--quiet", "--data"]).arg(&data).arg(&input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = mirsad_store::Store::open(&data).unwrap();
    assert_eq!(store.count().unwrap() as usize, ARTICLES);
    assert_eq!(store.indexed_count() as usize, ARTICLES);
}
