//! The named-entity model end to end: a damaged model (given by `MIRSAD_NER_MODEL`, the same
//! path the built-in model takes through `Tagger::from_bytes`) stops `analyze`, `ingest` and
//! `reanalyze` with a message naming the model and the damage, before anything is written;
//! an intact model file is used as the built-in one would be.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../mirsad-analyze/model/ner.bin.gz");

fn mirsad(model: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mirsad")).env("MIRSAD_NER_MODEL", model).args(args).output().expect("run mirsad")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A folder with one short article, and model files: the shipped one, its gzip cut short, and
/// a whole gzip stream of the model without its last byte.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("in")).expect("input folder");
        std::fs::write(
            dir.path().join("in/a.txt"),
            "لقاء في موسكو\n\nقال الرئيس الروسي فلاديمير بوتين في موسكو أمس إن المحادثات ستستمر.\n",
        )
        .expect("article");
        let gz = std::fs::read(SHIPPED).expect("the shipped model");
        std::fs::write(dir.path().join("intact.gz"), &gz).expect("model copy");
        std::fs::write(dir.path().join("cut.gz"), &gz[..gz.len() / 2]).expect("cut model");
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut raw).expect("the shipped model is gzip");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&raw[..raw.len() - 1]).expect("in memory");
        std::fs::write(dir.path().join("short.gz"), enc.finish().expect("in memory")).expect("short model");
        Fixture { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).to_str().expect("utf-8 temp path").to_string()
    }
}

#[test]
fn a_damaged_model_stops_analyze_with_a_message() {
    let f = Fixture::new();
    for (model, reason) in
        [("cut.gz", "not a gzip stream, or a damaged one"), ("short.gz", "mined table: cut short at byte")]
    {
        let out = mirsad(&f.path(model), &["analyze", "--json", "--quiet", &f.arg("in")]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{model}: {err}");
        assert!(out.stdout.is_empty(), "{model}: no export from a damaged model");
        assert!(err.contains(&format!("the NER model {} (MIRSAD_NER_MODEL) is unreadable", f.arg(model))), "{err}");
        assert!(err.contains(reason), "{model}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // Extraction alone does not need the model.
    let out = mirsad(&f.path("short.gz"), &["analyze", "--extract-only", "--quiet", &f.arg("in")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_damaged_model_stops_ingest_before_the_data_directory_is_made() {
    let f = Fixture::new();
    let data = f.arg("data");
    let out = mirsad(&f.path("short.gz"), &["ingest", "--quiet", "--data", &data, &f.arg("in")]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cut short"), "{}", text(&out.stderr));
    assert!(!f.path("data").exists(), "nothing written");
    // Without analysis the model is not needed; reanalyze then needs it and refuses.
    let out = mirsad(&f.path("short.gz"), &["ingest", "--quiet", "--no-analysis", "--data", &data, &f.arg("in")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = mirsad(&f.path("short.gz"), &["reanalyze", "--quiet", "--data", &data]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cut short"), "{}", text(&out.stderr));
    let out = mirsad(&f.path("intact.gz"), &["reanalyze", "--quiet", "--data", &data]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("1 articles analyzed"), "{}", text(&out.stdout));
}

#[test]
fn an_intact_model_file_tags_as_the_built_in_one() {
    let f = Fixture::new();
    let out = mirsad(&f.path("intact.gz"), &["analyze", "--json", "--quiet", &f.arg("in")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let export: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let names: Vec<&str> =
        export["entities"].as_array().expect("entities").iter().filter_map(|e| e["name"].as_str()).collect();
    assert!(names.iter().any(|n| n.contains("بوتين")), "{names:?}");
    let built_in = Command::new(env!("CARGO_BIN_EXE_mirsad"))
        .env_remove("MIRSAD_NER_MODEL")
        .args(["analyze", "--json", "--quiet", &f.arg("in")])
        .output()
        .expect("run mirsad");
    assert_eq!(text(&built_in.stdout), text(&out.stdout));
}
