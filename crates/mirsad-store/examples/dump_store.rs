//! Prints everything a stored collection answers, as JSON lines: each article with its stored
//! analysis, the entity list, every entity record, the stories and the spellings a name search
//! adds. Two stores holding the same collection print the same bytes whatever their storage
//! layout, so `md5sum` of this output checks a schema change against the contract.
//! Usage: cargo run --release -p mirsad-store --example dump_store -- DATA_DIR

use mirsad_store::Store;
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: dump_store DATA_DIR")?;
    let store = Store::open(std::path::Path::new(&dir))?;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let mut ids = Vec::new();
    store.scan(|a| ids.push(a.id.clone()))?;
    for id in &ids {
        let a = store.get(id)?;
        let an = store.analysis(id)?;
        serde_json::to_writer(&mut out, &(a, an))?;
        writeln!(out)?;
    }
    let entities = store.entities(None, 0, usize::MAX >> 1)?;
    serde_json::to_writer(&mut out, &entities)?;
    writeln!(out)?;
    for e in &entities {
        serde_json::to_writer(&mut out, &store.entity(&e.id)?)?;
        writeln!(out)?;
    }
    for e in entities.iter().take(500) {
        serde_json::to_writer(&mut out, &(&e.name, store.name_spellings(&e.name)?))?;
        writeln!(out)?;
    }
    serde_json::to_writer(&mut out, &store.stories(0, usize::MAX >> 1)?)?;
    writeln!(out)?;
    Ok(())
}
