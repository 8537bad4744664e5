//! `mirsad bench-stories`: cost of online story assignment as a collection grows. Articles come
//! through the analyze pipeline (not timed) and are clustered as `ingest` does: batches of
//! 1,000, each observed then assigned oldest first. Prints the time per article over each
//! stretch (up to 10k, 100k, 1M, … articles), the clusterer's size, and the process's peak
//! memory (the pipeline's buffers included; no article is kept after its batch).

use crate::analyze::{run_pipeline, InputArgs};
use mirsad_cluster::Clusterer;
use mirsad_model::Article;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct BenchStoriesArgs {
    /// Files or folders to read (JSONL corpora, pages…).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

const BATCH: usize = 1000;

/// Peak resident memory of this process in MiB (Linux `VmHWM`), when known.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

struct Run {
    clusterer: Clusterer,
    pending: Vec<Article>,
    done: usize,
    spent: Duration,
    mark: (usize, Duration),
    next_report: usize,
    copies: usize,
}

impl Run {
    fn flush(&mut self) {
        let started = Instant::now();
        self.clusterer.assign_batch(&mut self.pending);
        let ch = self.clusterer.take_changes();
        self.spent += started.elapsed();
        drop(ch);
        self.copies += self.pending.iter().filter(|a| a.duplicate_of.is_some()).count();
        self.done += self.pending.len();
        self.pending.clear();
        while self.done >= self.next_report {
            self.report();
            self.next_report *= 10;
        }
    }

    fn report(&mut self) {
        let (n0, t0) = self.mark;
        let n = self.done - n0;
        let per = (self.spent - t0).as_secs_f64() / n.max(1) as f64;
        println!(
            "bench-stories: {:>9} articles · {:>6.1} µs/article over the last {} · {:.1} s in all · {} stories · {} dedup groups · {} copies · peak RSS {:.0} MiB",
            self.done,
            per * 1e6,
            n,
            self.spent.as_secs_f64(),
            self.clusterer.story_count(),
            self.clusterer.groups(),
            self.copies,
            peak_rss_mib().unwrap_or(f64::NAN)
        );
        self.mark = (self.done, self.spent);
    }
}

pub fn run(args: BenchStoriesArgs) -> anyhow::Result<u8> {
    let mut run = Run {
        clusterer: Clusterer::new(),
        pending: Vec::with_capacity(BATCH),
        done: 0,
        spent: Duration::ZERO,
        mark: (0, Duration::ZERO),
        next_report: 10_000,
        copies: 0,
    };
    let wall = Instant::now();
    let totals = run_pipeline(&args.paths, &args.input, |arts| {
        run.pending.extend(arts);
        if run.pending.len() >= BATCH {
            run.flush();
        }
        Ok(())
    })?;
    if !run.pending.is_empty() {
        run.flush();
    }
    if run.mark.0 != run.done {
        run.report();
    }
    println!(
        "bench-stories: total {} articles ({} documents, {} errors) · clustering {:.1} s ({:.0} articles/s) · wall {:.1} s with extraction",
        run.done,
        totals.documents,
        totals.errors,
        run.spent.as_secs_f64(),
        run.done as f64 / run.spent.as_secs_f64().max(1e-9),
        wall.elapsed().as_secs_f64()
    );
    Ok(if totals.errors > 0 { 1 } else { 0 })
}
