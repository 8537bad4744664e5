//! The PostgreSQL backend: a collection shared by many processes on many machines.
//!
//! PostgreSQL is the source of truth for what workers produce and the queue they take work
//! from; the embedded store (SQLite + tantivy) stays the default. This crate is the I/O edge
//! only: connecting ([`connect`], TLS when the URL asks for it, the password never shown),
//! versioned migrations ([`migrate`]), the job queue ([`queue`]) and idempotent article writes
//! ([`articles`]). The stages that fill it (extraction, analysis) are the embedded path's own
//! pure functions, called by the binary's `worker`.

pub mod articles;
pub mod crawl;
pub mod queue;

use std::fmt;

/// What can go wrong talking to PostgreSQL. Every message names the database by its
/// [`redacted`] URL, so a password never reaches a log, an error or a page.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("{url}: {reason}")]
    Url { url: String, reason: String },
    #[error("{url}: cannot connect: {source}")]
    Connect {
        url: String,
        #[source]
        source: postgres::Error,
    },
    #[error("{what}: {source}")]
    Query {
        what: String,
        #[source]
        source: postgres::Error,
    },
    #[error("migration {version} ({name}): {source}")]
    Migration {
        version: i32,
        name: &'static str,
        #[source]
        source: postgres::Error,
    },
    #[error("the database is at schema version {found}, newer than this mirsad ({known}): upgrade mirsad")]
    TooNew { found: i32, known: i32 },
    #[error("article {id}: a record this mirsad cannot read or write ({reason})")]
    Record { id: String, reason: String },
}

pub type Result<T> = std::result::Result<T, PgError>;

/// Wraps a query error with what was being done.
pub(crate) fn q(what: &str) -> impl FnOnce(postgres::Error) -> PgError + '_ {
    move |source| PgError::Query { what: what.to_string(), source }
}

/// Is this `--data` value a PostgreSQL URL rather than a directory?
pub fn is_url(data: &str) -> bool {
    data.starts_with("postgres://") || data.starts_with("postgresql://")
}

/// The URL with its password (and any `password=` parameter) replaced by `***`.
pub fn redacted(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..].find(['/', '?']).map_or(out.len(), |i| rest_start + i);
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(rest_start + colon + 1..rest_start + at, "***");
            }
        }
    }
    if let Some(qm) = out.find('?') {
        let (head, query) = out.split_at(qm + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|kv| {
                if kv.to_ascii_lowercase().starts_with("password=") {
                    "password=***".to_string()
                } else {
                    kv.to_string()
                }
            })
            .collect();
        out = format!("{head}{}", query.join("&"));
    }
    out
}

/// A URL shown only as [`redacted`].
#[derive(Clone)]
pub struct Url(String);

impl Url {
    pub fn new(url: impl Into<String>) -> Url {
        Url(url.into())
    }
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redacted(&self.0))
    }
}

impl fmt::Debug for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Url({})", redacted(&self.0))
    }
}

/// Seconds a connection attempt may take.
const CONNECT_TIMEOUT_SECS: u64 = 10;
/// Longest a single statement may run before the server cancels it.
const STATEMENT_TIMEOUT: &str = "5min";

/// Connects. TLS is used when the URL asks for it (`sslmode=require`), with the server's
/// certificate checked against the Web PKI roots, or against the certificates of a private CA
/// named by `sslrootcert=PATH` in the URL (or `PGSSLROOTCERT`), as libpq reads them; otherwise
/// the connection is plain (what libpq's `prefer` gives against a server without TLS).
/// Statements time out after [`STATEMENT_TIMEOUT`], so a stuck query cannot hold a worker or a
/// page forever.
pub fn connect(url: &Url) -> Result<postgres::Client> {
    let shown = url.to_string();
    let bad = |reason: String| PgError::Url { url: shown.clone(), reason };
    let (conninfo, root_file) = split_root_cert(url.secret());
    let root_file = root_file.or_else(|| std::env::var("PGSSLROOTCERT").ok().filter(|p| !p.is_empty()));
    let mut config: postgres::Config = conninfo.parse().map_err(|e: postgres::Error| bad(e.to_string()))?;
    config.connect_timeout(std::time::Duration::from_secs(CONNECT_TIMEOUT_SECS));
    config.application_name("mirsad");
    config.options(&format!("-c statement_timeout={STATEMENT_TIMEOUT}"));
    let client = match config.get_ssl_mode() {
        postgres::config::SslMode::Require => {
            let roots = match &root_file {
                Some(path) => private_roots(path).map_err(|e| bad(format!("sslrootcert {path}: {e}")))?,
                None => rustls::RootCertStore { roots: webpki_roots().to_vec() },
            };
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| bad(format!("TLS: {e}")))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        }
        _ => config.connect(postgres::NoTls),
    };
    client.map_err(|source| PgError::Connect { url: shown, source })
}

/// The URL without its `sslrootcert` parameter (the driver does not take it), and the file it
/// names, percent-decoded.
fn split_root_cert(url: &str) -> (String, Option<String>) {
    let Some((head, query)) = url.split_once('?') else { return (url.to_string(), None) };
    let mut file = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| match kv.strip_prefix("sslrootcert=") {
            Some(v) => {
                file = Some(percent_decode(v));
                false
            }
            None => true,
        })
        .collect();
    if kept.is_empty() {
        (head.to_string(), file)
    } else {
        (format!("{head}?{}", kept.join("&")), file)
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, ..) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The trust roots of a private CA: every certificate of a PEM file.
fn private_roots(path: &str) -> std::result::Result<rustls::RootCertStore, String> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| e.to_string())? {
        roots.add(cert.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    }
    if roots.is_empty() {
        return Err("no certificate in the file".into());
    }
    Ok(roots)
}

fn webpki_roots() -> &'static [rustls::pki_types::TrustAnchor<'static>] {
    webpki_roots::TLS_SERVER_ROOTS
}

/// The versioned migrations, in order: (version, name, SQL). Each runs once, in its own
/// transaction, recorded in `mirsad_migrations`.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "crawl", include_str!("../migrations/0002_crawl.sql")),
    (3, "claim index", include_str!("../migrations/0003_claim_index.sql")),
];

/// Advisory lock key that serializes `migrate` across processes ("mirsad-m").
const MIGRATE_LOCK: i64 = 0x6d69_7273_6164_2d6d;

/// Brings the schema to the newest version; returns the versions applied now (none when it was
/// current). Safe to run from several processes at once: they take turns on an advisory lock.
pub fn migrate(client: &mut postgres::Client) -> Result<Vec<i32>> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS mirsad_migrations (
                version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .map_err(q("creating mirsad_migrations"))?;
    let mut tx = client.transaction().map_err(q("starting the migration"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK]).map_err(q("locking the migration"))?;
    let current: i32 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM mirsad_migrations", &[])
        .map_err(q("reading the schema version"))?
        .get(0);
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if current > known {
        return Err(PgError::TooNew { found: current, known });
    }
    let mut applied = Vec::new();
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        tx.batch_execute(sql).map_err(|source| PgError::Migration { version, name, source })?;
        tx.execute("INSERT INTO mirsad_migrations (version, name) VALUES ($1, $2)", &[&version, &name])
            .map_err(|source| PgError::Migration { version, name, source })?;
        applied.push(version);
    }
    tx.commit().map_err(q("committing the migration"))?;
    Ok(applied)
}

/// The schema version of the database (0: never migrated).
pub fn schema_version(client: &mut postgres::Client) -> Result<i32> {
    let exists: bool = client
        .query_one("SELECT to_regclass('mirsad_migrations') IS NOT NULL", &[])
        .map_err(q("reading the schema version"))?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let row = client
        .query_one("SELECT COALESCE(MAX(version), 0) FROM mirsad_migrations", &[])
        .map_err(q("reading the schema version"))?;
    Ok(row.get(0))
}

/// Connects and checks that the schema is the one this mirsad writes.
pub fn open(url: &Url) -> Result<postgres::Client> {
    let mut client = connect(url)?;
    let found = schema_version(&mut client)?;
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if found != known {
        return Err(PgError::Url {
            url: url.to_string(),
            reason: if found < known {
                format!("schema version {found}, this mirsad needs {known}: run `mirsad migrate --data URL`")
            } else {
                format!("schema version {found} is newer than this mirsad ({known}): upgrade mirsad")
            },
        });
    }
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(redacted("postgres://u:s3cret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redacted("postgresql://u:p%40ss@h/db?sslmode=require"), "postgresql://u:***@h/db?sslmode=require");
        assert_eq!(
            redacted("postgres://u@h/db?password=x&sslmode=require"),
            "postgres://u@h/db?password=***&sslmode=require"
        );
        assert_eq!(redacted("postgres://h/db"), "postgres://h/db");
        // An @ in the path is not a user's.
        assert_eq!(redacted("postgres://h/db@x"), "postgres://h/db@x");
        let u = Url::new("postgres://u:topsecret@h/db");
        assert!(!format!("{u} {u:?}").contains("topsecret"));
    }

    #[test]
    fn sslrootcert_is_taken_out_of_the_url() {
        let (rest, file) = split_root_cert("postgres://u@h/db?sslmode=require&sslrootcert=%2Fetc%2Fca%20x.pem");
        assert_eq!(rest, "postgres://u@h/db?sslmode=require");
        assert_eq!(file.as_deref(), Some("/etc/ca x.pem"));
        assert_eq!(
            split_root_cert("postgres://u@h/db?sslrootcert=ca.pem"),
            ("postgres://u@h/db".into(), Some("ca.pem".into()))
        );
        assert_eq!(split_root_cert("postgres://u@h/db"), ("postgres://u@h/db".into(), None));
        let Err(e) = connect(&Url::new("postgres://u:hidden@h/db?sslmode=require&sslrootcert=/nonexistent/ca.pem"))
        else {
            panic!("connected with a missing root file")
        };
        let e = e.to_string();
        assert!(e.contains("/nonexistent/ca.pem") && !e.contains("hidden"), "{e}");
    }

    #[test]
    fn urls_are_told_from_directories() {
        assert!(is_url("postgres://u@h/db"));
        assert!(is_url("postgresql://h/db"));
        assert!(!is_url("./mirsad-data"));
        assert!(!is_url("postgres"));
    }

    #[test]
    fn a_bad_url_is_an_error_without_its_password() {
        let Err(e) = connect(&Url::new("postgres://u:hidden@h:notaport/db")) else { panic!("a bad port connected") };
        let e = e.to_string();
        assert!(!e.contains("hidden"), "{e}");
    }
}
