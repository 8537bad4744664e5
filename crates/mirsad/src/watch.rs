//! `mirsad sources …` and `mirsad watch`: the collection's live intake.

use crate::collection::{lock_writer, open_store};
use anyhow::Context;
use mirsad_watch::{crawl, fetch, sources, urls, Crawler, Settings};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How the crawler behaves on the network (shared by `sources add` and `watch`).
#[derive(clap::Args, Clone)]
pub struct NetArgs {
    /// How a site operator reaches whoever runs this crawler (an email or URL), sent in the
    /// User-Agent.
    #[arg(long, env = "MIRSAD_CONTACT")]
    pub contact: Option<String>,
    /// Least milliseconds between two requests to one host (robots.txt's Crawl-delay, up to
    /// 30 s, may ask for more).
    #[arg(long, default_value_t = 1000)]
    pub delay_ms: u64,
    /// Seconds to connect, to receive the response headers, and for the whole request.
    #[arg(long, default_value = "10,20,60", value_parser = parse_timeouts)]
    pub timeouts: (u64, u64, u64),
    /// Largest response body read (after decompression), in bytes.
    #[arg(long, default_value_t = 10 << 20)]
    pub max_body: u64,
}

fn parse_timeouts(s: &str) -> Result<(u64, u64, u64), String> {
    let v: Vec<u64> =
        s.split(',').map(|x| x.trim().parse().map_err(|_| format!("not a number: {x}"))).collect::<Result<_, _>>()?;
    match v[..] {
        [a, b, c] if a > 0 && b > 0 && c > 0 => Ok((a, b, c)),
        _ => Err("three positive numbers of seconds: connect,headers,total".into()),
    }
}

impl NetArgs {
    pub(crate) fn settings(&self) -> Settings {
        let (c, h, t) = self.timeouts;
        Settings {
            user_agent: crawl::user_agent(self.contact.as_deref()),
            min_delay: Duration::from_millis(self.delay_ms),
            limits: fetch::Limits {
                connect: Duration::from_secs(c),
                header: Duration::from_secs(h),
                total: Duration::from_secs(t),
                max_body: self.max_body,
            },
            ..Settings::default()
        }
    }
}

#[derive(clap::Subcommand)]
pub enum SourcesCommand {
    /// Add sources (a site or section page, an RSS/Atom feed, a sitemap or sitemap index),
    /// each resolved now to the feeds and sitemaps it offers.
    Add {
        urls: Vec<String>,
        /// Also read URLs from this file, one a line (`#` starts a comment).
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
        data: PathBuf,
        #[command(flatten)]
        net: NetArgs,
    },
    /// List the sources, what each resolved to, and each endpoint's polling state.
    List {
        #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
        data: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Remove a source (the articles it brought stay).
    Remove {
        url: String,
        #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
        data: PathBuf,
    },
}

#[derive(clap::Args)]
pub struct WatchArgs {
    #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
    pub data: PathBuf,
    /// One round (every source due now, every new article fetched or failed), then exit.
    #[arg(long)]
    pub once: bool,
    /// Poll every source now, due or not.
    #[arg(long)]
    pub force: bool,
    /// Print the summary (of `--once`) as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write the raw responses as WARC files in this folder.
    #[arg(long)]
    pub warc: Option<PathBuf>,
    /// Requests in flight at once (never two to one host).
    #[arg(long, default_value_t = 8)]
    pub workers: usize,
    /// Article pages fetched per host in one round; the rest wait for the next.
    #[arg(long, default_value_t = 200)]
    pub per_host: usize,
    /// Articles stored per transaction (each batch is acknowledged as a whole).
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Store analysis (entities, quotes, dated events) off, as `ingest --no-analysis`.
    #[arg(long)]
    pub no_analysis: bool,
    /// Print nothing but errors and the summary.
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub net: NetArgs,
}

pub fn sources(cmd: SourcesCommand) -> anyhow::Result<u8> {
    match cmd {
        SourcesCommand::Add { urls: given, file, data, net } => {
            let mut list = given;
            if let Some(f) = &file {
                let text = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
                list.extend(
                    text.lines()
                        .map(|l| l.split('#').next().unwrap_or("").trim())
                        .filter(|l| !l.is_empty())
                        .map(String::from),
                );
            }
            if list.is_empty() {
                anyhow::bail!("no URL given (mirsad sources add URL... or --file FILE)");
            }
            let mut intake = Intake::open(&data)?;
            let mut client = sources::Polite::new(&net.settings());
            let mut failed = 0;
            for raw in list {
                let Some(u) = urls::parse(&raw, None) else {
                    eprintln!("mirsad: {raw}: not an http(s) URL");
                    failed += 1;
                    continue;
                };
                match sources::resolve(&mut client, &u) {
                    Ok(eps) => {
                        intake.add(u.as_str(), chrono::Utc::now().timestamp(), &eps)?;
                        let kinds: Vec<String> = eps.iter().map(|e| format!("{} {}", e.kind, e.url)).collect();
                        println!("{u}: {}", kinds.join(", "));
                    }
                    Err(e) => {
                        eprintln!("mirsad: {u}: {e} (not added)");
                        failed += 1;
                    }
                }
            }
            Ok(if failed > 0 { 1 } else { 0 })
        }
        SourcesCommand::List { data, json } => {
            let list = Intake::open(&data)?.list()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(0);
            }
            if list.is_empty() {
                println!("no sources (mirsad sources add URL)");
            }
            let when = |t: Option<i64>| {
                t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                    .map_or("-".to_string(), |d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            };
            for s in list {
                println!("{}", s.url);
                for e in s.endpoints {
                    println!(
                        "  {:<7} {}\n          items {} · last poll {} · last success {} · next poll {} · status {} · failures {}{}",
                        e.kind,
                        e.url,
                        e.items,
                        when(e.last_poll),
                        when(e.last_success),
                        when(Some(e.next_poll).filter(|&t| t > 0)),
                        e.last_status.map_or("-".into(), |s| s.to_string()),
                        e.failures,
                        e.last_error.map(|x| format!(" · error: {x}")).unwrap_or_default()
                    );
                }
            }
            Ok(0)
        }
        SourcesCommand::Remove { url, data } => {
            let mut intake = Intake::open(&data)?;
            let key = urls::parse(&url, None).map(|u| u.to_string()).unwrap_or(url.clone());
            if intake.remove(&key)? {
                println!("removed {key}");
                Ok(0)
            } else {
                eprintln!("mirsad: {url}: not a source (mirsad sources list)");
                Ok(1)
            }
        }
    }
}

/// Where the sources live: the embedded store, or a PostgreSQL collection's crawl tables.
enum Intake {
    Embedded(mirsad_store::Store),
    Postgres(postgres::Client),
}

impl Intake {
    fn open(data: &std::path::Path) -> anyhow::Result<Intake> {
        Ok(match crate::pg::url_of(data) {
            Some(url) => Intake::Postgres(mirsad_pg::open(&url)?),
            None => Intake::Embedded(open_store(data)?),
        })
    }

    fn add(&mut self, url: &str, added: i64, endpoints: &[mirsad_store::Endpoint]) -> anyhow::Result<()> {
        match self {
            Intake::Embedded(s) => s.crawl_add_source(url, added, endpoints)?,
            Intake::Postgres(c) => {
                mirsad_pg::crawl::add_source(c, url, added, &crate::pg_watch::with_hosts(endpoints))?
            }
        }
        Ok(())
    }

    fn list(&mut self) -> anyhow::Result<Vec<mirsad_store::Source>> {
        Ok(match self {
            Intake::Embedded(s) => s.crawl_sources()?,
            Intake::Postgres(c) => mirsad_pg::crawl::sources(c, None)?,
        })
    }

    fn remove(&mut self, url: &str) -> anyhow::Result<bool> {
        Ok(match self {
            Intake::Embedded(s) => s.crawl_remove_source(url)?,
            Intake::Postgres(c) => mirsad_pg::crawl::remove_source(c, url)?,
        })
    }
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// SIGINT and SIGTERM end the watch between requests (and a `worker` between batches).
pub(crate) fn stop_on_signals() -> &'static AtomicBool {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    &STOP
}

pub fn watch(args: WatchArgs) -> anyhow::Result<u8> {
    if let Some(url) = crate::pg::url_of(&args.data) {
        return crate::pg_watch::watch(url, &args);
    }
    let analyzer = if args.no_analysis { None } else { Some(crate::analyze::store_analyzer()?) };
    let mut store = open_store(&args.data)?;
    lock_writer(&mut store, false)?;
    if let Some(a) = analyzer {
        store.set_analyzer(a);
    }
    let settings = args.settings();
    let stop = stop_on_signals();
    let tty = !args.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    run_loop(&mut store, &settings, stop, args.once, tty, &mut |summary| {
        if args.json {
            println!("{}", serde_json::to_string(summary).unwrap_or_default());
        } else if args.once || !args.quiet {
            println!("round: {}", describe(summary));
        }
    })?;
    Ok(0)
}

impl WatchArgs {
    pub(crate) fn settings(&self) -> Settings {
        Settings {
            workers: self.workers.max(1),
            per_host: self.per_host,
            batch: self.batch.max(1),
            force: self.force,
            warc: self.warc.clone(),
            ..self.net.settings()
        }
    }
}

/// A round's summary in one line.
pub(crate) fn describe(s: &mirsad_watch::Summary) -> String {
    format!(
        "{} polled ({} not modified, {} errors), {} new items, {} pages fetched, {} new articles, {} duplicates, {} skipped, {} disallowed, {} fetch errors, {} deferred, {} requests",
        s.polled,
        s.not_modified,
        s.poll_errors,
        s.new_items,
        s.pages_fetched,
        s.articles_new,
        s.duplicates,
        s.skipped,
        s.disallowed,
        s.fetch_errors,
        s.deferred,
        s.requests
    )
}

/// Rounds until `stop` (or one with `once`), sleeping until the next endpoint is due; the
/// writer lock is released while sleeping so that other writers (an ingest, the API) get in.
pub(crate) fn run_loop(
    store: &mut mirsad_store::Store,
    settings: &Settings,
    stop: &AtomicBool,
    once: bool,
    progress_bar: bool,
    report: &mut dyn FnMut(&mirsad_watch::Summary),
) -> anyhow::Result<()> {
    let mut crawler = Crawler::default();
    loop {
        lock_writer(store, false)?;
        let bar = progress_bar.then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.enable_steady_tick(Duration::from_millis(200));
            b
        });
        let (mut requests, mut stored) = (0usize, 0usize);
        let summary = crawler.round(store, &mirsad_watch::NoGate, settings, stop, &mut |ev| match ev {
            mirsad_watch::Event::Request(u) => {
                requests += 1;
                if let Some(b) = &bar {
                    b.set_message(format!("{requests} requests · {stored} new articles · {u}"));
                }
            }
            mirsad_watch::Event::Stored { new } => stored = new,
        })?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        report(&summary);
        if once || stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        // Until the next endpoint is due: at least a few seconds, at most a minute, so that
        // sources added meanwhile are picked up; a stop signal ends the wait.
        let next = store.crawl_sources()?.iter().flat_map(|s| s.endpoints.iter().map(|e| e.next_poll)).min();
        let wait = next.map_or(60, |t| (t - chrono::Utc::now().timestamp()).clamp(5, 60));
        store.unlock_writer();
        for _ in 0..wait * 10 {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
