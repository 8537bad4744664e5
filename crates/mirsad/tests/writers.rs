//! One writer per data directory, with real processes: two `mirsad ingest` runs at once both
//! end with every article stored and searchable; `--no-wait` fails cleanly while another
//! process writes, having written nothing; a waiting ingest says so and finishes once the
//! writer is done; readers never wait.

use mirsad_store::{SearchQuery, Store, Wait};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A JSONL corpus of `n` distinct articles, each with the word `marker` in its body.
fn corpus(path: &std::path::Path, n: usize, marker: &str) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let places = ["المكتبة", "الجسر", "القمح", "المستشفى", "المدرسة", "الميناء"];
    for i in 0..n {
        let p = places[i % places.len()];
        let body = format!(
            "خبر {marker} رقم {i} عن {p} في المدينة.\nوقال مسؤول إن العمل في {p} سيستمر بحسب الخطة {i} من {marker}.\nوأضاف أن السكان ينتظرون {p}."
        );
        let rec = serde_json::json!({"src": marker, "url": format!("https://{marker}.test/{i}"), "title": format!("{marker} {i} {p}"), "time_iso": "2024-03-01T10:00:00+03:00", "text": body});
        writeln!(f, "{rec}").unwrap();
    }
}

fn ingest(data: &std::path::Path, input: &std::path::Path, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_mirsad"))
        .args(["ingest", "--quiet", "--no-analysis", "--batch", "200", "--data"])
        .arg(data)
        .args(extra)
        .arg(input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn total(store: &Store, word: &str) -> usize {
    store.search(&SearchQuery { text: word.into(), limit: 1, ..Default::default() }).unwrap().total
}

#[test]
fn two_ingests_at_once_leave_every_article_searchable() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.jsonl"), tmp.path().join("b.jsonl"));
    corpus(&a, 1500, "alpha");
    corpus(&b, 1500, "beta");
    let data = tmp.path().join("data");
    let first = ingest(&data, &a, &[]);
    let second = ingest(&data, &b, &[]);
    let (first, second): (Output, Output) = (first.wait_with_output().unwrap(), second.wait_with_output().unwrap());
    for o in [&first, &second] {
        assert!(o.status.success(), "ingest failed: {}", String::from_utf8_lossy(&o.stderr));
    }
    let store = Store::open(&data).unwrap();
    assert_eq!(store.count().unwrap(), 3000);
    assert_eq!(store.indexed_count(), 3000, "index disagrees with the records");
    assert_eq!(total(&store, "alpha"), 1500);
    assert_eq!(total(&store, "beta"), 1500);
    // Re-ingest finds everything stored: nothing to add, nothing missing from search.
    let again = ingest(&data, &b, &[]).wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 new"), "{}", String::from_utf8_lossy(&again.stdout));
}

#[test]
fn no_wait_fails_cleanly_and_a_waiting_writer_finishes_after_the_lock_is_released() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("c.jsonl");
    corpus(&input, 300, "gamma");
    let data = tmp.path().join("data");
    let mut holder = Store::open(&data).unwrap();
    holder.lock_writer(Wait::No, || {}).unwrap();

    // --no-wait: exit 2, a message naming the directory, nothing written.
    let out = ingest(&data, &input, &["--no-wait"]).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another process is writing"), "{err}");
    assert_eq!(holder.count().unwrap(), 0);

    // A reader opens and searches while the lock is held.
    let reader = Store::open(&data).unwrap();
    assert_eq!(reader.count().unwrap(), 0);

    // Without --no-wait the ingest says it waits, then finishes once the lock is released.
    let mut child = ingest(&data, &input, &[]);
    let mut stderr = child.stderr.take().unwrap();
    let mut first_line = Vec::new();
    let mut byte = [0u8; 1];
    while std::io::Read::read(&mut stderr, &mut byte).unwrap() == 1 && byte[0] != b'\n' {
        first_line.push(byte[0]);
    }
    let line = String::from_utf8_lossy(&first_line);
    assert!(line.contains("waiting"), "{line}");
    assert_eq!(holder.count().unwrap(), 0, "nothing is written while it waits");
    holder.unlock_writer();
    let status = child.wait().unwrap();
    assert!(status.success());
    let store = Store::open(&data).unwrap();
    assert_eq!(store.count().unwrap(), 300);
    assert_eq!(total(&store, "gamma"), 300);
}

#[test]
fn an_api_style_writer_and_a_cli_ingest_interleave_without_holes() {
    // A long-lived handle (as `serve --token` keeps) writes one batch, releases the lock, a CLI
    // ingest writes, then the handle writes again: its story state and the index must take
    // the other process's work into account.
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.jsonl"), tmp.path().join("b.jsonl"));
    corpus(&a, 50, "delta");
    corpus(&b, 400, "epsilon");
    let data = tmp.path().join("data");
    let mut server = Store::open(&data).unwrap();
    let docs = |n: usize, word: &str| -> Vec<mirsad_model::Article> {
        (0..n)
            .map(|i| {
                let mut a = mirsad_model::Article::new(
                    format!("{word}-{i}"),
                    "api",
                    format!("نص {word} رقم {i} عن الميناء والسفن في المدينة الساحلية"),
                );
                a.title = Some(format!("{word} {i}"));
                a
            })
            .collect()
    };
    server.put_batch(&docs(20, "zeta")).unwrap();
    server.unlock_writer();
    let out = ingest(&data, &b, &["--no-wait"]).wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    server.put_batch(&docs(20, "eta")).unwrap();
    server.unlock_writer();
    let store = Store::open(&data).unwrap();
    assert_eq!(store.count().unwrap(), 440);
    assert_eq!(store.indexed_count(), 440);
    assert_eq!(total(&store, "epsilon"), 400);
    assert_eq!(total(&store, "eta"), 20);
    // The story stage counted every stored article once, whichever process stored it.
    let conn = rusqlite::Connection::open(data.join("mirsad.sqlite")).unwrap();
    let docs: String = conn.query_row("SELECT value FROM meta WHERE key = 'cluster_docs'", [], |r| r.get(0)).unwrap();
    assert_eq!(docs, "440");
}
