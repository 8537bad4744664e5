//! Times `Store::resolve_entities` on a stored collection (twice: the second finds nothing to
//! move). Usage: cargo run --release -p mirsad-store --example resolve_probe -- DATA_DIR [full]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: resolve_probe DATA_DIR [full]")?;
    let full = std::env::args().nth(2).is_some_and(|a| a == "full");
    let mut store = mirsad_store::Store::open(std::path::Path::new(&dir))?;
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(2);
    for _ in 0..runs {
        let t = std::time::Instant::now();
        let n = if full { store.resolve_entities_fully()? } else { store.resolve_entities()? };
        println!(
            "resolve_entities{}: {n} aliases, {:.0} ms",
            if full { "_fully" } else { "" },
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    Ok(())
}
