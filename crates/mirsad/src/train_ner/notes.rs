//! The word notes of `train-ner --hunspell` and `--wordfreq` (see
//! `mirsad_analyze::ner::notes`): hunspell's verdict on every Arabic word form of the
//! unlabelled corpus (and of the frequency list), and wordfreq's frequency of the most frequent
//! words of its Arabic list. Hunspell is run once, in batch, when training; the model keeps
//! hashes and one byte per word, so tagging needs neither hunspell nor the list.
//!
//! The labelled corpora's own words are not checked: a word of the training text then has a
//! verdict exactly when a word of new text would (when the unlabelled corpus or the list has
//! it), so the model learns what a missing verdict means. Checking them too (verdicts on every
//! training word, none on a rare word of the held-out fold) scored no better in
//! cross-validation (0.743 against 0.744).

use anyhow::{bail, Context};
use mirsad_analyze::ner::notes::{frequency_bucket, Notes};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// What the notes are made of; [`Sources::notes`] makes the table for one training part.
#[derive(Default)]
pub struct Sources {
    /// With `--hunspell`: the checked forms hunspell rejected (every other checked form it
    /// accepted).
    rejected: Option<HashSet<String>>,
    /// Distinct forms of the unlabelled corpus (with `--hunspell`).
    unlabelled_forms: Vec<String>,
    /// With `--wordfreq`: word forms of the list and their frequencies.
    wordfreq: Vec<(String, f64)>,
}

impl Sources {
    /// Reads the list (`wordfreq`: path and the number of words kept) and runs hunspell
    /// (`hunspell`: dictionary name) over every form of the unlabelled corpus and the list.
    pub fn new(
        hunspell: Option<&str>,
        wordfreq: Option<(&Path, usize)>,
        unlabelled: &[Vec<String>],
    ) -> anyhow::Result<Sources> {
        let mut s = Sources::default();
        if let Some((path, max)) = wordfreq {
            s.wordfreq = read_wordfreq(path, max)?;
            eprintln!("train-ner: {} words of {}", s.wordfreq.len(), crate::shown(path));
        }
        if let Some(dict) = hunspell {
            let mut seen: HashSet<&str> = HashSet::new();
            for t in unlabelled.iter().flatten() {
                if checkable(t) && seen.insert(t) {
                    s.unlabelled_forms.push(t.clone());
                }
            }
            let mut forms: Vec<&str> = s.unlabelled_forms.iter().map(String::as_str).collect();
            forms.extend(s.wordfreq.iter().map(|(w, _)| w.as_str()));
            forms.retain(|t| checkable(t));
            forms.sort_unstable();
            forms.dedup();
            let rejected = run_hunspell(dict, &forms)?;
            eprintln!("train-ner: hunspell ({dict}) rejected {} of {} word forms", rejected.len(), forms.len());
            s.rejected = Some(rejected);
        }
        Ok(s)
    }

    /// The notes: verdicts on the forms of the unlabelled corpus and of the list, frequencies
    /// of the list's words. Empty when neither source was asked for.
    pub fn notes(&self) -> Notes {
        let mut notes = Notes::default();
        if let Some(rejected) = &self.rejected {
            let list_forms = self.wordfreq.iter().map(|(w, _)| w);
            for t in self.unlabelled_forms.iter().chain(list_forms).filter(|t| checkable(t)) {
                notes.add_verdict(&mirsad_text::key(t), !rejected.contains(t.as_str()));
            }
        }
        let mut freq: HashMap<String, f64> = HashMap::new();
        for (w, f) in &self.wordfreq {
            *freq.entry(mirsad_text::key(w)).or_default() += f;
        }
        for (k, f) in freq {
            notes.add_frequency(&k, frequency_bucket(f));
        }
        notes
    }
}

/// A form hunspell's Arabic dictionary can judge: Arabic script only (letters, diacritics,
/// tatweel), at least one letter.
fn checkable(t: &str) -> bool {
    t.chars().all(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) && t.chars().any(mirsad_text::is_arabic_letter)
}

/// The forms `hunspell -l -d <dict>` rejects, run once over all of them (one per line).
fn run_hunspell(dict: &str, forms: &[&str]) -> anyhow::Result<HashSet<String>> {
    // The words go in through a file, not a pipe: hunspell exits at once when the dictionary
    // is missing, and writing to its closed pipe would end this process with SIGPIPE instead
    // of the error below.
    let input = std::env::temp_dir().join(format!("mirsad-hunspell-{}.txt", std::process::id()));
    let text: String = forms.iter().flat_map(|f| [*f, "\n"]).collect();
    std::fs::write(&input, text).with_context(|| format!("writing {}", input.display()))?;
    let output = std::fs::File::open(&input).and_then(|file| {
        Command::new("hunspell")
            .args(["-l", "-i", "UTF-8", "-d", dict])
            .stdin(Stdio::from(file))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
    });
    let _ = std::fs::remove_file(&input);
    let output = output.map_err(|e| {
        anyhow::anyhow!(
            "--hunspell: cannot run `hunspell` ({e}); it is needed only for training \
             (Debian: apt-get install hunspell hunspell-ar)"
        )
    })?;
    if !output.status.success() {
        bail!(
            "--hunspell: hunspell -d {dict} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let out = String::from_utf8(output.stdout).context("hunspell's output is not UTF-8")?;
    let rejected: HashSet<String> = out.lines().map(str::to_string).collect();
    if !forms.is_empty() && rejected.len() == forms.len() {
        bail!("--hunspell: hunspell -d {dict} rejected every word; is it an Arabic dictionary?");
    }
    Ok(rejected)
}

/// The most frequent `max` words of wordfreq's list (`*.msgpack.gz`: a header, then buckets;
/// bucket `i` holds the words of frequency about 10^(-i/100)) with their frequencies.
pub(crate) fn read_wordfreq(path: &Path, max: usize) -> anyhow::Result<Vec<(String, f64)>> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut raw).with_context(|| format!("reading {}", path.display()))?;
    let value = rmpv::decode::read_value(&mut raw.as_slice()).with_context(|| format!("parsing {}", path.display()))?;
    let bad = || anyhow::anyhow!("{}: not a wordfreq list (a header, then lists of words)", path.display());
    let parts = value.as_array().ok_or_else(bad)?;
    let mut out = Vec::new();
    for (i, bucket) in parts.iter().skip(1).enumerate() {
        let freq = 10f64.powf(-(i as f64) / 100.0);
        for w in bucket.as_array().ok_or_else(bad)? {
            if out.len() == max {
                return Ok(out);
            }
            out.push((w.as_str().ok_or_else(bad)?.to_string(), freq));
        }
    }
    Ok(out)
}
