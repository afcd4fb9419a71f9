//! `stackaudit discover`: Okta's app list, read live from its API with the
//! probe's client (same timeouts, TLS roots, address guard, no proxy from
//! the environment, no redirects followed).
//!
//! The token goes to the configured domain only: redirects are never
//! followed, and a `Link: rel="next"` that points to another host is an
//! error, not a request. Pages are bounded in size and number; `429` and an
//! exhausted `X-Rate-Limit-Remaining` wait for `X-Rate-Limit-Reset`, up to
//! `--max-retry-after`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result, bail};
use reqwest::Url;

use super::ProbeOptions;

/// Largest page body read (Okta pages of 200 apps are well under this).
pub const OKTA_PAGE_LIMIT: usize = 16 * 1024 * 1024;
/// At most this many pages are read.
pub const MAX_PAGES: usize = 500;
/// At most this many apps are kept.
pub const MAX_APPS: usize = 50_000;

#[derive(Clone, Debug)]
pub struct OktaOptions {
    /// `example.okta.com` (a port is allowed, for tests and proxies).
    pub domain: String,
    pub token: String,
    pub probe: ProbeOptions,
}

/// The first page's URL for a domain given as `example.okta.com` or
/// `https://example.okta.com/`.
pub fn apps_url(domain: &str) -> Result<Url> {
    let d = domain.trim().trim_end_matches('/');
    let d = d.strip_prefix("https://").unwrap_or(d);
    if d.is_empty() || d.contains(['/', '?', '#', '@']) || d.starts_with("http:") {
        bail!("--okta-domain takes a host name such as example.okta.com, not `{domain}`");
    }
    Url::parse(&format!("https://{d}/api/v1/apps?limit=200"))
        .with_context(|| format!("--okta-domain `{domain}` is not a host name"))
}

/// The `rel="next"` target of a `Link` header.
pub fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        for part in text.split(',') {
            let mut pieces = part.split(';');
            let target = pieces.next()?.trim();
            let is_next = pieces.any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            });
            if is_next {
                return Some(
                    target
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string(),
                );
            }
        }
    }
    None
}

fn header_u64(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// How long until `X-Rate-Limit-Reset` (epoch seconds), at least a moment.
fn until_reset(headers: &reqwest::header::HeaderMap) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    match header_u64(headers, "x-rate-limit-reset") {
        Some(reset) if reset > now => Duration::from_secs(reset - now),
        _ => Duration::from_millis(500),
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.context("reading the answer")? {
        if body.len() + chunk.len() > limit {
            bail!("the answer is over {} bytes", limit);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Every app of the organisation, as `GET /api/v1/apps` lists them.
pub fn okta_apps(options: &OktaOptions) -> Result<Vec<serde_json::Value>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the HTTP runtime")?;
    runtime.block_on(fetch_all(options))
}

async fn fetch_all(options: &OktaOptions) -> Result<Vec<serde_json::Value>> {
    let client = super::client(&options.probe)?;
    let first = apps_url(&options.domain)?;
    let mut url = first.clone();
    let mut apps = Vec::new();
    let started = std::time::Instant::now();
    for page in 1..=MAX_PAGES {
        let mut attempt = 0;
        let response = loop {
            if started.elapsed() > options.probe.max_time {
                bail!("Okta did not list every app within --max-time");
            }
            let sent = client
                .get(url.clone())
                .header(
                    reqwest::header::AUTHORIZATION,
                    format!("SSWS {}", options.token),
                )
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) if attempt < options.probe.retries && (e.is_connect() || e.is_timeout()) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
                Err(e) => {
                    return Err(anyhow::anyhow!(
                        "{}: {}",
                        url.host_str().unwrap_or(""),
                        super::describe_error(&e)
                    ));
                }
            };
            let status = response.status().as_u16();
            if (status == 429 || status >= 500) && attempt < options.probe.retries {
                let wait = if status == 429 {
                    until_reset(response.headers())
                } else {
                    Duration::from_secs(1)
                };
                if wait > options.probe.max_retry_after {
                    bail!(
                        "Okta's rate limit resets in {} s, longer than --max-retry-after; run again later",
                        wait.as_secs()
                    );
                }
                attempt += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            break response;
        };
        let status = response.status();
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .unwrap_or("?");
            bail!(
                "Okta answered page {page} with a redirect to {}; redirects are not followed, so the token is only ever sent to {}",
                crate::diagnostic::truncate_chars(to, 200),
                first.host_str().unwrap_or("")
            );
        }
        match status.as_u16() {
            200 => {}
            401 => bail!("Okta refused the token (401): check OKTA_API_TOKEN"),
            403 => bail!("Okta refused the request (403): the token needs permission to read apps"),
            429 => bail!("Okta kept answering 429 (rate limited); run again later"),
            s => bail!("Okta answered page {page} with HTTP {s}"),
        }
        let headers = response.headers().clone();
        let body = read_limited(response, OKTA_PAGE_LIMIT).await?;
        let page_apps: Vec<serde_json::Value> = serde_json::from_slice(&body)
            .with_context(|| format!("page {page} is not a JSON list of apps"))?;
        apps.extend(page_apps);
        if apps.len() > MAX_APPS {
            bail!("Okta lists more than {MAX_APPS} apps; stopping");
        }
        let Some(next) = next_link(&headers) else {
            return Ok(apps);
        };
        let next = first
            .join(&next)
            .with_context(|| format!("page {page}: the next link is not a URL"))?;
        if !same_origin(&next, &first) {
            bail!(
                "page {page}: the next link points to {}, not {}; the token is not sent there",
                next.host_str().unwrap_or("?"),
                first.host_str().unwrap_or("")
            );
        }
        // An exhausted rate limit: wait for the window to reset first.
        if header_u64(&headers, "x-rate-limit-remaining") == Some(0) {
            let wait = until_reset(&headers);
            if wait > options.probe.max_retry_after {
                bail!(
                    "Okta's rate limit resets in {} s, longer than --max-retry-after; run again later",
                    wait.as_secs()
                );
            }
            tokio::time::sleep(wait).await;
        }
        url = next;
    }
    bail!("Okta returned more than {MAX_PAGES} pages; stopping")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_become_the_apps_url() {
        assert_eq!(
            apps_url("example.okta.com").unwrap().as_str(),
            "https://example.okta.com/api/v1/apps?limit=200"
        );
        assert_eq!(
            apps_url("https://example.okta.com/").unwrap().as_str(),
            "https://example.okta.com/api/v1/apps?limit=200"
        );
        assert!(apps_url("http://example.okta.com").is_err());
        assert!(apps_url("example.okta.com/evil").is_err());
        assert!(apps_url("user@example.okta.com").is_err());
    }

    #[test]
    fn the_next_link_is_found_among_others() {
        let mut h = reqwest::header::HeaderMap::new();
        h.append(
            reqwest::header::LINK,
            "<https://x.okta.com/api/v1/apps?limit=2>; rel=\"self\""
                .parse()
                .unwrap(),
        );
        h.append(
            reqwest::header::LINK,
            "<https://x.okta.com/api/v1/apps?after=abc&limit=2>; rel=\"next\""
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://x.okta.com/api/v1/apps?after=abc&limit=2")
        );
        let mut one = reqwest::header::HeaderMap::new();
        one.insert(
            reqwest::header::LINK,
            "<https://a/1>; rel=\"self\", <https://a/2>; rel=\"next\""
                .parse()
                .unwrap(),
        );
        assert_eq!(next_link(&one).as_deref(), Some("https://a/2"));
        assert_eq!(next_link(&reqwest::header::HeaderMap::new()), None);
    }
}
