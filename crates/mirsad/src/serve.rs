//! `mirsad serve`: the JSON API, web UI and feeds over a data directory (see `mirsad-web`).

use anyhow::Context;
use mirsad_store::Store;
use mirsad_web::server::{self, Limits};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Data directory.
    #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
    pub data: PathBuf,
    /// PostgreSQL only: seconds between two updates of the local replica from the database.
    #[arg(long, default_value_t = 5.0, value_parser = positive_secs)]
    pub sync_every: f64,
    /// Address to listen on; port 0 picks a free port. Binds loopback only unless told otherwise.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Enable `POST /api/ingest` for requests with `Authorization: Bearer TOKEN`. Without it the
    /// server has no write endpoint. Also read from MIRSAD_TOKEN.
    #[arg(long, env = "MIRSAD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Seconds for a whole request head, from accept or the previous response (also closes idle
    /// keep-alive connections).
    #[arg(long, value_name = "SECS", default_value_t = secs(server::HEADER_READ_TIMEOUT), value_parser = positive_secs)]
    pub header_timeout: f64,
    /// Longest pause, in seconds, between two chunks of a request body.
    #[arg(long, value_name = "SECS", default_value_t = secs(server::BODY_READ_TIMEOUT), value_parser = positive_secs)]
    pub body_timeout: f64,
    /// Seconds to read a whole request body, and to answer a read request (then 503).
    #[arg(long, value_name = "SECS", default_value_t = secs(server::REQUEST_TIMEOUT), value_parser = positive_secs)]
    pub request_timeout: f64,
    /// Most connections open at once (lowered to fit the open-file limit). Beyond it the
    /// connection waiting longest for a request head is closed, or the new one refused.
    #[arg(long, value_name = "N", default_value_t = server::MAX_CONNECTIONS, value_parser = connection_count)]
    pub max_connections: usize,
    /// Also keep the collection current from its sources (`mirsad sources`), as `mirsad watch`
    /// does, in the server process.
    #[arg(long)]
    pub watch: bool,
    /// Compute every answer anew instead of reusing answered pages while the collection is
    /// unchanged (for measuring; the cache never serves a page older than the collection).
    #[arg(long)]
    pub no_page_cache: bool,
    #[command(flatten)]
    pub net: crate::watch::NetArgs,
    /// Seconds given to requests in flight after SIGINT/SIGTERM before the server exits anyway.
    #[arg(long, value_name = "SECS", default_value_t = secs(server::SHUTDOWN_DEADLINE), value_parser = non_negative_secs)]
    pub shutdown_deadline: f64,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn non_negative_secs(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if v.is_finite() && (0.0..=86_400.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s:?}: give seconds from 0 to 86400"))
    }
}

fn connection_count(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{s:?}: give a whole number of connections, at least 1")),
    }
}

fn positive_secs(s: &str) -> Result<f64, String> {
    match non_negative_secs(s)? {
        v if v > 0.0 => Ok(v),
        _ => Err(format!("{s:?}: give more than 0 seconds")),
    }
}

pub fn run(mut args: ServeArgs) -> anyhow::Result<u8> {
    // A PostgreSQL collection is served from its local replica, kept current by a thread.
    let pg = crate::pg::url_of(&args.data);
    if let Some(url) = &pg {
        let replica = crate::pg::replica_dir(url);
        crate::pg::sync(url, &replica, false)?;
        eprintln!("mirsad: {url}: serving its replica {}, synced every {} s", crate::shown(&replica), args.sync_every);
        args.data = replica;
    }
    if pg.is_none() && args.token.is_none() && !args.data.join("mirsad.sqlite").exists() {
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
    let mut state = mirsad_web::AppState::with_readers(store, readers, args.token.clone());
    if let Some(url) = &pg {
        // Posted articles go to the database (the replica shows them after its next sync);
        // the sources are the database's.
        state = state.with_primary(std::sync::Arc::new(crate::pg::PgPrimary::new(url, args.token.is_some())?));
    }
    if args.no_page_cache {
        state = state.without_page_cache();
    }
    let mut limits = Limits {
        header_read_timeout: Duration::from_secs_f64(args.header_timeout),
        body_read_timeout: Duration::from_secs_f64(args.body_timeout),
        request_timeout: Duration::from_secs_f64(args.request_timeout),
        write_timeout: server::WRITE_TIMEOUT,
        max_connections: args.max_connections,
        shutdown_deadline: Duration::from_secs_f64(args.shutdown_deadline),
    };
    if let Some(note) = limits.fit_open_file_limit() {
        eprintln!("mirsad: warning: {note}");
    }
    // The watcher has a store of its own and takes the writer lock only during its rounds.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let watcher = if args.watch && pg.is_none() {
        let mut ws = Store::open(&args.data).with_context(|| format!("opening {}", args.data.display()))?;
        ws.set_analyzer(crate::analyze::store_analyzer()?);
        Some((ws, mirsad_watch::Settings { ..args.net.settings() }))
    } else {
        None
    };
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let syncer = pg.as_ref().map(|url| {
            let (stop, dir, every) = (&stop, &args.data, Duration::from_secs_f64(args.sync_every));
            scope.spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let started = std::time::Instant::now();
                    while started.elapsed() < every && !stop.load(std::sync::atomic::Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    if let Err(e) = crate::pg::sync(url, dir, true) {
                        eprintln!("mirsad: sync: {e:#}");
                    }
                }
            })
        });
        // On PostgreSQL the server queues its sources' hosts and crawls them as a worker does.
        let pg_watcher = pg.as_ref().filter(|_| args.watch).map(|url| {
            let (stop, net) = (&stop, args.net.clone());
            scope.spawn(move || {
                let r = pg_watch_args(net).and_then(|wa| {
                    crate::pg_watch::watch_until(url, &wa, stop, &mut |done| {
                        eprintln!("mirsad: watch round: {}", crate::watch::describe(&done.crawl));
                    })
                });
                if let Err(e) = r {
                    eprintln!("mirsad: watch stopped: {e:#}");
                }
            })
        });
        let handle = watcher.map(|(mut ws, settings)| {
            let stop = &stop;
            scope.spawn(move || {
                let r = crate::watch::run_loop(&mut ws, &settings, stop, false, false, &mut |s| {
                    eprintln!("mirsad: watch round: {}", crate::watch::describe(s));
                });
                if let Err(e) = r {
                    eprintln!("mirsad: watch stopped: {e:#}");
                }
            })
        });
        let served = serve_until_stopped(state, &args, limits, articles);
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        for h in handle.into_iter().chain(syncer).chain(pg_watcher) {
            let _ = h.join();
        }
        served
    })?;
    Ok(0)
}

/// `watch`'s settings with their defaults and the server's network flags.
fn pg_watch_args(net: crate::watch::NetArgs) -> anyhow::Result<crate::watch::WatchArgs> {
    use clap::{Args, FromArgMatches};
    let m = crate::watch::WatchArgs::augment_args(clap::Command::new("watch"))
        .try_get_matches_from(["watch", "--quiet"])?;
    Ok(crate::watch::WatchArgs { net, ..crate::watch::WatchArgs::from_arg_matches(&m)? })
}

fn serve_until_stopped(
    state: mirsad_web::AppState,
    args: &ServeArgs,
    limits: Limits,
    articles: u64,
) -> anyhow::Result<()> {
    mirsad_web::serve(state, args.addr, limits, |bound| {
        eprintln!("mirsad: serving {articles} articles from {}", args.data.display());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "http://{bound}/");
        let _ = out.flush();
    })
    .with_context(|| format!("serving on {}", args.addr))
}
