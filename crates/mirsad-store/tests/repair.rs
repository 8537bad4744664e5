//! A damaged search index is found when the store opens (or by `check`) and rebuilt from the
//! records; searching damaged data is an error, never a panic; a change of the search
//! analyzer's version rebuilds the index.

use mirsad_model::Article;
use mirsad_store::{SearchQuery, Store, Wait};
use std::path::Path;

fn articles(n: usize) -> Vec<Article> {
    let places = ["المكتبة", "الجسر", "الميناء", "المستشفى"];
    (0..n)
        .map(|i| {
            let p = places[i % places.len()];
            let mut a = Article::new(
                format!("a{i}"),
                format!("doc{i}.txt"),
                format!("خبر رقم {i} عن {p} في المدينة، وقال مسؤول إن العمل في {p} مستمر."),
            );
            a.title = Some(format!("عنوان {i} عن {p}"));
            a
        })
        .collect()
}

fn collection(dir: &Path) {
    let mut s = Store::open(dir).unwrap();
    s.put_batch(&articles(200)).unwrap();
}

fn hits(s: &Store, q: &str) -> usize {
    s.search(&SearchQuery { text: q.into(), limit: 5, ..Default::default() }).unwrap().total
}

/// Index files of one kind (extension).
fn files(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir.join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

/// Flips the bits of the first half of a file (its footer stays readable).
fn scramble(path: &Path) {
    let mut b = std::fs::read(path).unwrap();
    let half = b.len() / 2;
    for x in &mut b[..half] {
        *x ^= 0x5a;
    }
    std::fs::write(path, b).unwrap();
}

#[test]
fn damaged_files_are_rebuilt_on_open() {
    // Truncated terms, scrambled postings/terms/store/fast fields (tantivy panics on the last).
    for (ext, truncate) in [("term", true), ("idx", false), ("term", false), ("store", false), ("fast", false)] {
        let tmp = tempfile::tempdir().unwrap();
        collection(tmp.path());
        for f in files(tmp.path(), ext) {
            if truncate {
                let len = std::fs::metadata(&f).unwrap().len();
                std::fs::OpenOptions::new().write(true).open(&f).unwrap().set_len(len / 3).unwrap();
            } else {
                scramble(&f);
            }
        }
        let s = Store::open(tmp.path()).unwrap_or_else(|e| panic!("{ext}: {e}"));
        assert!(
            s.repairs().iter().any(|r| r.contains("rebuilt")),
            "{ext} (truncated {truncate}): no repair said: {:?}",
            s.repairs()
        );
        assert_eq!(s.indexed_count(), 200);
        assert_eq!(hits(&s, "الجسر"), 50, "{ext}");
    }
}

#[test]
fn check_verifies_every_checksum_and_rebuilds() {
    let tmp = tempfile::tempdir().unwrap();
    collection(tmp.path());
    let mut s = Store::open(tmp.path()).unwrap();
    let h = s.check(Wait::No, || {}).unwrap();
    assert!(h.ok() && h.repaired.is_empty(), "{h:?}");
    assert_eq!((h.articles, h.indexed, h.max_seq, h.indexed_seq), (200, 200, 200, 200));
    assert!(h.index_files >= 3);
    // Damage under an open handle (its open already verified the files): check still finds it.
    for f in files(tmp.path(), "store") {
        scramble(&f);
    }
    let h = s.check(Wait::No, || {}).unwrap();
    assert!(h.repaired.iter().any(|r| r.contains("rebuilt")), "{h:?}");
    assert!(h.ok());
    assert_eq!(hits(&s, "الميناء"), 50);
}

#[test]
fn searching_damaged_data_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    collection(tmp.path());
    // A reader opened before the damage keeps its segments mapped; a writer holds the lock,
    // so a reader opened after it cannot repair and must say why.
    let mut writer = Store::open(tmp.path()).unwrap();
    writer.lock_writer(Wait::No, || {}).unwrap();
    for f in files(tmp.path(), "term") {
        scramble(&f);
    }
    match Store::open(tmp.path()) {
        Err(mirsad_store::StoreError::Damaged { reason, .. }) => assert!(reason.contains("writer"), "{reason}"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a damaged index opened without repair while a writer holds the lock"),
    }
    drop(writer);
    let s = Store::open(tmp.path()).unwrap();
    assert_eq!(hits(&s, "المكتبة"), 50);
}

#[test]
fn another_analyzer_version_rebuilds_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    collection(tmp.path());
    // Write an index commit as an older version did: the bare sequence number as payload.
    {
        let index = tantivy::Index::open_in_dir(tmp.path().join("index")).unwrap();
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        w.delete_all_documents().unwrap();
        let mut p = w.prepare_commit().unwrap();
        p.set_payload("200");
        p.commit().unwrap();
    }
    let s = Store::open(tmp.path()).unwrap();
    assert!(s.repairs().iter().any(|r| r.contains("analyzer changed")), "{:?}", s.repairs());
    assert_eq!(s.indexed_count(), 200);
    assert_eq!(hits(&s, "المستشفى"), 50);
}
