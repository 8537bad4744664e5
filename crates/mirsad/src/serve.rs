//! `mirsad serve`: the JSON API, web UI and feeds over a data directory (see `mirsad-web`).

use anyhow::Context;
use mirsad_store::Store;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Data directory.
    #[arg(long, default_value = "./mirsad-data")]
    pub data: PathBuf,
    /// Address to listen on; port 0 picks a free port. Binds loopback only unless told otherwise.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Enable `POST /api/ingest` for requests with `Authorization: Bearer TOKEN`. Without it the
    /// server has no write endpoint. Also read from MIRSAD_TOKEN.
    #[arg(long, env = "MIRSAD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<u8> {
    if args.token.is_none() && !args.data.join("mirsad.sqlite").exists() {
        anyhow::bail!(
            "{}: no collection here (run `mirsad ingest PATH --data {}` first, or pass --token to accept ingest)",
            args.data.display(),
            args.data.display()
        );
    }
    if !args.addr.ip().is_loopback() {
        eprintln!("mirsad: warning: listening on {} — reachable from other machines, without TLS", args.addr);
    }
    // Articles posted to /api/ingest are analyzed like those of `mirsad ingest`.
    let analyzer = crate::analyze::store_analyzer()?;
    let mut store = Store::open(&args.data).with_context(|| format!("opening {}", args.data.display()))?;
    store.set_analyzer(analyzer);
    let articles = store.count()?;
    // One read handle per core beside the writing one, so requests do not queue on one lock.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let readers = (1..cores.max(2))
        .map(|_| Store::open(&args.data))
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("opening {}", args.data.display()))?;
    let state = mirsad_web::AppState::with_readers(store, readers, args.token);
    mirsad_web::serve(state, args.addr, |bound| {
        eprintln!("mirsad: serving {articles} articles from {}", args.data.display());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "http://{bound}/");
        let _ = out.flush();
    })
    .with_context(|| format!("serving on {}", args.addr))?;
    Ok(0)
}
