//! End-to-end: `mirsad analyze sample/ --json` over the project's own sample corpus, which holds
//! every input shape (text scrapes, HTML in two encodings, RSS, JSONL, WARC).

use serde_json::Value;
use std::process::Command;

fn analyze(args: &[&str]) -> (i32, Value, String) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = Command::new(env!("CARGO_BIN_EXE_mirsad"))
        .current_dir(root)
        .args(["analyze", "--quiet"])
        .args(args)
        .output()
        .expect("run mirsad");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json = if args.contains(&"--json") {
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{stderr}"))
    } else {
        Value::String(String::from_utf8_lossy(&out.stdout).to_string())
    };
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn article<'a>(export: &'a Value, document_suffix: &str, segment: u64) -> &'a Value {
    export["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["document"].as_str().unwrap().ends_with(document_suffix) && a["segment"] == segment)
        .unwrap_or_else(|| panic!("no article {document_suffix} segment {segment}"))
}

#[test]
fn sample_corpus_end_to_end() {
    let (code, export, stderr) = analyze(&["sample", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    for section in ["articles", "stories", "entities", "quotes", "events"] {
        assert!(export[section].is_array(), "missing {section}");
    }
    let arts = export["articles"].as_array().unwrap();
    // 8 files: scrape with an appended article (2), two scrapes, HTML, feed (2), JSONL (3), WARC (1), HTML
    assert_eq!(arts.len(), 12, "{:#?}", arts.iter().map(|a| &a["title"]).collect::<Vec<_>>());
    let ids: std::collections::HashSet<_> = arts.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), arts.len(), "ids are unique");

    // Every article is in exactly one story; the bridge opening is one story across outlets.
    let stories = export["stories"].as_array().unwrap();
    let mut in_story = std::collections::HashMap::new();
    for s in stories {
        for a in s["articles"].as_array().unwrap() {
            assert!(in_story.insert(a.as_str().unwrap(), s["id"].as_str().unwrap()).is_none(), "{a} twice");
        }
    }
    assert_eq!(in_story.len(), arts.len());
    for a in arts {
        assert_eq!(Some(&a["story"].as_str().unwrap()), in_story.get(a["id"].as_str().unwrap()));
    }
    let bridge = stories.iter().find(|s| s["title"].as_str().unwrap().contains("جسر الواحة")).expect("bridge story");
    // Five articles of the opening: both scrapes (the second outlet's page has no date), the
    // HTML page, the feed item and the next day's crowds on the bridge.
    assert_eq!(bridge["articles"].as_array().unwrap().len(), 5, "{bridge:#}");
    assert!(bridge["outlets"].as_array().unwrap().len() >= 2, "{bridge:#}");
    assert_eq!(bridge["timeline"].as_array().unwrap().len(), 5);

    // Entities: every one is mentioned by articles of the input; stories and events point
    // only at known entities.
    let entities = export["entities"].as_array().unwrap();
    assert!(!entities.is_empty());
    let entity_ids: std::collections::HashSet<_> = entities.iter().map(|e| e["id"].as_str().unwrap()).collect();
    for e in entities {
        assert!(!e["variants"].as_array().unwrap().is_empty(), "{e}");
        for a in e["articles"].as_array().unwrap() {
            assert!(ids.contains(a.as_str().unwrap()), "{e}");
        }
    }
    for s in stories {
        for e in s["entities"].as_array().unwrap() {
            assert!(entity_ids.contains(e.as_str().unwrap()));
        }
    }

    // Quotes and dated events carry their article; relative dates resolve against its date.
    for q in export["quotes"].as_array().unwrap() {
        assert!(ids.contains(q["article"].as_str().unwrap()));
        assert!(!q["text"].as_str().unwrap().is_empty());
    }
    let events = export["events"].as_array().unwrap();
    assert!(!events.is_empty());
    for e in events {
        assert!(ids.contains(e["article"].as_str().unwrap()));
        let sentence = e["sentence"].as_str().unwrap();
        assert!(sentence.contains(e["expression"].as_str().unwrap()), "{e}");
        assert!(e["date"]["start"].as_str().unwrap().starts_with("20"), "{e}");
        for id in e["entities"].as_array().unwrap() {
            assert!(entity_ids.contains(id.as_str().unwrap()));
        }
    }

    // Text scrape: main article, date line, source, Persian-letter tag, appended article.
    let main = article(&export, "01_scrape_bridge.txt", 0);
    assert_eq!(main["title"], "لأول مرة.. افتتاح جسر الواحة الجديد بحضور وزير النقل");
    assert_eq!(main["published"]["value"], "2024-03-14");
    assert_eq!(main["published"]["basis"], "explicit");
    assert_eq!(main["attribution"], serde_json::json!(["وكالة الأنباء الوطنية"]));
    assert!(main["keywords"].as_array().unwrap().iter().any(|k| k == "كوبري"), "{}", main["keywords"]);
    let body = main["body"].as_str().unwrap();
    assert!(body.starts_with("أعلنت وزارة النقل"));
    assert!(body.ends_with("مطلع الشهر المقبل."));
    assert!(!body.contains("المصدر") && !body.contains("إقرأ"));
    let appended = article(&export, "01_scrape_bridge.txt", 1);
    assert_eq!(appended["title"], "ارتفاع أسعار القمح في الأسواق المحلية للأسبوع الثالث");
    assert!(appended["published"].is_null(), "appended article must not inherit the page date");
    assert!(!appended["body"].as_str().unwrap().contains("الأعلى"));

    // Theme junk, nav and comment form are gone; title suffix stripped.
    let other = article(&export, "02_scrape_bridge_other_outlet.txt", 0);
    assert_eq!(other["title"], "وزير النقل يفتتح جسر الواحة بعد ثلاث سنوات من العمل");
    let body = other["body"].as_str().unwrap();
    assert!(!body.contains("Jannah") && !body.contains("تعليق") && !body.contains("بريدك"));
    assert_eq!(body.split("\n\n").count(), 4);

    // Source chain glued with a tag label.
    let chain = article(&export, "03_scrape_chain.txt", 0);
    assert_eq!(chain["attribution"], serde_json::json!(["وكالة الأنباء الوطنية", "صحيفة الضفة"]));

    // HTML page: metadata from the head, main text without nav/related/footer.
    let page = article(&export, "04_page_bridge.html", 0);
    assert_eq!(page["outlet"], "صحيفة الضفة");
    assert_eq!(page["url"], "https://example.org/news/2024/03/14/oasis-bridge");
    assert!(page["published"]["value"].as_str().unwrap().starts_with("2024-03-14"));
    let body = page["body"].as_str().unwrap();
    assert!(body.contains("ويمتد الجسر على طول 800 متر"));
    assert!(body.contains("تبدأ حركة السيارات"));
    assert!(!body.contains("ارتفاع أسعار القمح"), "related list dropped: {body}");
    assert!(!body.contains("جميع الحقوق"));

    // Feed items: one article each, with link, date and feed title as outlet.
    let item = article(&export, "05_feed.rss#1", 0);
    assert_eq!(item["url"], "https://radio.example.net/news/1001");
    assert_eq!(item["outlet"], "إذاعة النهر");
    assert!(item["body"].as_str().unwrap().contains("سيفتح أمام السيارات"));

    // JSONL: detected shapes; crawl date is inferred.
    let rec = article(&export, "06_corpus.jsonl#1", 0);
    assert_eq!(rec["outlet"], "wahanews");
    assert_eq!(rec["published"]["basis"], "explicit");
    let crawl = article(&export, "06_corpus.jsonl#3", 0);
    assert_eq!(crawl["published"]["basis"], "inferred");
    assert_eq!(crawl["published"]["value"], "2024-03-17");

    // WARC: the HTML response, not the image.
    let warc = article(&export, "07_crawl.warc#2", 0);
    assert_eq!(warc["url"], "https://daffa.example.org/local/housing");
    assert!(warc["body"].as_str().unwrap().contains("ألف وحدة سكنية"));

    // windows-1256 page decoded.
    let old = article(&export, "08_page_windows1256.html", 0);
    assert!(old["body"].as_str().unwrap().contains("عشرين ألف كتاب"));
}

#[test]
fn summary_mode_is_readable_and_deterministic() {
    let (code, a, _) = analyze(&["sample"]);
    let (_, b, _) = analyze(&["sample"]);
    assert_eq!(code, 0);
    let text = a.as_str().unwrap();
    assert!(text.contains("[1] "));
    assert!(text.contains("source: وكالة الأنباء الوطنية → صحيفة الضفة"));
    // The bridge opening is reported by several outlets (five articles), the league title by two.
    assert!(text.contains("· 5 articles · "), "{text}");
    assert!(text.contains("فريق الواحة يفوز بكأس الدوري المحلي"));
    let last = text.trim_end().lines().last().unwrap();
    assert!(last.starts_with("11 documents, 12 articles, 7 stories (2 with several articles), 0 copies, "), "{last}");
    assert!(last.contains(" quotes, ") && last.contains(" dated events, ") && last.ends_with(" 0 errors"), "{last}");
    assert_eq!(a, b);
}

#[test]
fn stdin_is_read() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mirsad"))
        .args(["analyze", "-", "--json", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("عنوان تجريبي لخبر عن المدينة\nنص الخبر الأول عن المدينة الجديدة وسكانها.\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["articles"][0]["document"], "-");
    assert_eq!(v["articles"][0]["title"], "عنوان تجريبي لخبر عن المدينة");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = analyze(&["/nonexistent/path/for/mirsad"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/path/for/mirsad"));
    let (code, _, _) = analyze(&["sample", "--field", "nonsense"]);
    assert_eq!(code, 2);
}
