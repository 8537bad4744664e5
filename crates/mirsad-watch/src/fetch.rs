//! One HTTP GET, bounded: connect, header and total timeouts; a capped (decompressed) body;
//! only HTML, XML and feed content parsed; no redirect followed here (the crawler queues the
//! target as a request of its own, so robots.txt and the host's pace apply to every hop); and
//! no request from a public source to a loopback or private address.

use std::net::{IpAddr, ToSocketAddrs};
use std::time::Duration;
use url::Url;

/// Limits of one request.
#[derive(Debug, Clone)]
pub struct Limits {
    pub connect: Duration,
    /// Until the response headers have arrived.
    pub header: Duration,
    /// The whole request, body included.
    pub total: Duration,
    /// Body bytes after decompression.
    pub max_body: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect: Duration::from_secs(10),
            header: Duration::from_secs(20),
            total: Duration::from_secs(60),
            max_body: 10 << 20,
        }
    }
}

/// A response as the crawler needs it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub location: Option<Url>,
    pub content_type: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Seconds the response may be cached (`Cache-Control: max-age`, else `Expires`).
    pub max_age: Option<u64>,
    /// Seconds a 429/503 asks to wait (`Retry-After`, seconds or a date).
    pub retry_after: Option<u64>,
    pub body: Vec<u8>,
    /// The raw response head, for WARC records.
    pub head: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refused: {0}")]
    Refused(String),
    #[error("not a page or feed (Content-Type {0})")]
    ContentType(String),
    #[error("body larger than {0} bytes")]
    TooLarge(u64),
    #[error("{0}")]
    Network(String),
}

pub struct Fetcher {
    agent: ureq::Agent,
    limits: Limits,
}

/// Content types worth parsing: HTML, XML (sitemaps), feeds, and gzip (a `.xml.gz` sitemap).
fn parseable(ct: &str) -> bool {
    let ct = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    ct.is_empty()
        || ct.starts_with("text/")
        || ct.contains("html")
        || ct.contains("xml")
        || ct.contains("rss")
        || ct.contains("atom")
        || ct.contains("gzip")
        || ct == "application/octet-stream"
}

impl Fetcher {
    pub fn new(user_agent: &str, limits: Limits) -> Fetcher {
        let config = ureq::Agent::config_builder()
            .user_agent(user_agent)
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(limits.connect))
            .timeout_recv_response(Some(limits.header))
            .timeout_global(Some(limits.total))
            .accept("text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,application/atom+xml,*/*;q=0.5")
            .max_idle_connections_per_host(1)
            .build();
        Fetcher { agent: config.into(), limits }
    }

    /// GET `url`, with conditional headers when given. `guard`: refuse a loopback or private
    /// address (the URL came from a page of a public host, not from the operator).
    pub fn get(
        &self,
        url: &Url,
        etag: Option<&str>,
        last_modified: Option<&str>,
        guard: bool,
    ) -> Result<Reply, FetchError> {
        if guard {
            if let Some(ip) = private_address(url) {
                return Err(FetchError::Refused(format!(
                    "{} resolves to the private address {ip}",
                    url.host_str().unwrap_or("")
                )));
            }
        }
        let mut req = self.agent.get(url.as_str());
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        if let Some(m) = last_modified {
            req = req.header("If-Modified-Since", m);
        }
        let mut resp = req.call().map_err(|e| FetchError::Network(e.to_string()))?;
        let status = resp.status().as_u16();
        let h = resp.headers();
        let header = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_string());
        let content_type = header("content-type").unwrap_or_default();
        let location = header("location").and_then(|l| crate::urls::parse(&l, Some(url)));
        let mut head = format!("HTTP/1.1 {status} {}\r\n", resp.status().canonical_reason().unwrap_or(""));
        for (k, v) in h {
            // The body is stored decoded: its original encoding headers would lie about it.
            if matches!(k.as_str(), "content-encoding" | "transfer-encoding" | "content-length") {
                continue;
            }
            head.push_str(&format!("{k}: {}\r\n", String::from_utf8_lossy(v.as_bytes())));
        }
        let mut reply = Reply {
            status,
            location,
            etag: header("etag"),
            last_modified: header("last-modified"),
            max_age: header("cache-control").and_then(|c| max_age(&c)).or_else(|| {
                let exp = httpdate::parse_http_date(&header("expires")?).ok()?;
                exp.duration_since(std::time::SystemTime::now()).ok().map(|d| d.as_secs())
            }),
            retry_after: header("retry-after").and_then(|r| retry_after(&r)),
            content_type,
            body: Vec::new(),
            head,
        };
        if status == 200 {
            if !parseable(&reply.content_type) {
                return Err(FetchError::ContentType(reply.content_type));
            }
            reply.body =
                resp.body_mut().with_config().limit(self.limits.max_body).read_to_vec().map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(n) => FetchError::TooLarge(n),
                    e => FetchError::Network(e.to_string()),
                })?;
        }
        Ok(reply)
    }
}

fn max_age(cache_control: &str) -> Option<u64> {
    cache_control.split(',').find_map(|d| d.trim().strip_prefix("max-age=")?.trim_matches('"').parse().ok())
}

/// `Retry-After` in seconds: a number, or an HTTP date from now.
pub fn retry_after(v: &str) -> Option<u64> {
    v.trim().parse().ok().or_else(|| {
        let at = httpdate::parse_http_date(v.trim()).ok()?;
        Some(at.duration_since(std::time::SystemTime::now()).map(|d| d.as_secs()).unwrap_or(0))
    })
}

/// The first loopback, private, link-local or otherwise non-public address the URL's host
/// resolves to. Checked before the request; the request resolves again (a host that changes
/// its answer in between is not caught: the operator's network policy is the real fence).
pub fn private_address(url: &Url) -> Option<IpAddr> {
    let host = url.host_str()?.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => (host, port).to_socket_addrs().map(|a| a.map(|s| s.ip()).collect()).unwrap_or_default(),
    };
    addrs.into_iter().find(|ip| !is_public(ip))
}

pub fn is_public(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(&IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.5",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(&ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "2a00:1450::1"] {
            assert!(is_public(&ip.parse().unwrap()), "{ip}");
        }
        assert!(private_address(&Url::parse("http://127.0.0.1:8080/x").unwrap()).is_some());
        assert!(private_address(&Url::parse("http://[::1]/x").unwrap()).is_some());
    }

    #[test]
    fn header_values() {
        assert_eq!(max_age("public, max-age=600"), Some(600));
        assert_eq!(max_age("no-cache"), None);
        assert_eq!(retry_after("120"), Some(120));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0));
    }

    #[test]
    fn content_types() {
        assert!(parseable("text/html; charset=windows-1256"));
        assert!(parseable("application/rss+xml"));
        assert!(!parseable("application/pdf"));
        assert!(!parseable("image/jpeg"));
    }
}
