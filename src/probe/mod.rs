//! `stackaudit probe`: evidence from vendors' public endpoints, collected
//! safely (no internal addresses, bounded time, memory and concurrency).

pub mod evidence;
pub mod guard;
pub mod okta;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use reqwest::Url;
use tokio::sync::Semaphore;

use self::evidence::{
    Evidence, Fetch, SecurityTxt, ToolEvidence, hsts_max_age, parse_security_txt,
};
use crate::inventory::Inventory;

pub const SECURITY_TXT_LIMIT: usize = 32 * 1024;
pub const PAGE_LIMIT: usize = 1024 * 1024;
pub const MAX_REDIRECTS: usize = 5;
/// Longest `Location` followed; a longer one is a broken or hostile server.
pub const LOCATION_LIMIT: usize = 8 * 1024;

#[derive(Clone, Debug)]
pub struct ProbeOptions {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub retries: u32,
    /// Longest `Retry-After` honoured; longer waits count as failures.
    pub max_retry_after: Duration,
    pub concurrency: usize,
    pub per_host: usize,
    pub allow_private: bool,
    /// Host names (or IP literals) exempt from the address guard.
    pub allowed_hosts: Vec<String>,
    pub proxy: Option<String>,
    /// Extra trusted root certificates (PEM).
    pub ca_certs: Vec<Vec<u8>>,
    pub progress: bool,
    /// Wall time for the whole run; tools still probing then are cut off.
    pub max_time: Duration,
    /// Wall time for one tool's fetches, redirects, retries and waits,
    /// counted from its first request.
    pub tool_budget: Duration,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            retries: 2,
            max_retry_after: Duration::from_secs(10),
            concurrency: 16,
            per_host: 2,
            allow_private: false,
            allowed_hosts: Vec::new(),
            proxy: None,
            ca_certs: Vec::new(),
            progress: false,
            max_time: Duration::from_secs(300),
            tool_budget: Duration::from_secs(60),
        }
    }
}

fn user_agent() -> String {
    format!(
        "stackaudit/{} (vendor security evidence probe)",
        env!("CARGO_PKG_VERSION")
    )
}

fn tls_config(options: &ProbeOptions) -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for pem in &options.ca_certs {
        let mut found = 0;
        use rustls::pki_types::pem::PemObject;
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(pem) {
            roots
                .add(cert.context("the --ca-cert file holds an unreadable certificate")?)
                .context("the --ca-cert certificate was refused")?;
            found += 1;
        }
        anyhow::ensure!(found > 0, "the --ca-cert file holds no PEM certificate");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS setup")?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

pub fn client(options: &ProbeOptions) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .use_preconfigured_tls(tls_config(options)?)
        .tls_info(true)
        .https_only(true)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .user_agent(user_agent());
    // Only an explicit proxy: never one picked up silently from the environment.
    builder = match &options.proxy {
        Some(p) => {
            check_proxy(p, options)?;
            builder.proxy(
                reqwest::Proxy::all(p)
                    .with_context(|| format!("invalid --proxy {}", without_credentials_text(p)))?,
            )
        }
        None => builder.no_proxy(),
    };
    builder = builder.dns_resolver(Arc::new(guard::GuardedResolver {
        allowed_hosts: options.allowed_hosts.clone(),
        guard: !options.allow_private,
    }));
    Ok(builder.build()?)
}

/// The address guard applies to the proxy as to any host: a proxy given
/// as an IP literal is checked here (a name is checked when it resolves).
fn check_proxy(proxy: &str, options: &ProbeOptions) -> Result<()> {
    if options.allow_private {
        return Ok(());
    }
    let Ok(url) = Url::parse(proxy) else {
        return Ok(());
    };
    guard::check_url_host(&without_credentials(&url), &options.allowed_hosts)
        .map_err(|why| anyhow::anyhow!("--proxy {}: {why}", without_credentials(&url)))
}

/// Limits concurrency overall and per server. A request takes its
/// server's slot before a global one, so requests queued behind a slow
/// server never hold global slots that other servers' requests could use.
struct Limits {
    all: Semaphore,
    per_host: usize,
    hosts: std::sync::Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Host name and port → the server's address, so that `localhost` and
    /// `127.0.0.1` share one limit.
    resolved: std::sync::Mutex<HashMap<String, String>>,
}

impl Limits {
    fn new(options: &ProbeOptions) -> Limits {
        Limits {
            all: Semaphore::new(options.concurrency.max(1)),
            per_host: options.per_host.max(1),
            hosts: Default::default(),
            resolved: Default::default(),
        }
    }

    /// The slot pool of the server `url` points at.
    async fn host(&self, url: &Url, deadline: Instant) -> Arc<Semaphore> {
        let key = self.server_key(url, deadline).await;
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }

    /// The server's first IPv4 address (else its first address) and port;
    /// the name itself when it does not resolve in time.
    async fn server_key(&self, url: &Url, deadline: Instant) -> String {
        let port = url.port_or_known_default().unwrap_or(443);
        let name = match url.host() {
            Some(url::Host::Ipv4(ip)) => return format!("{ip}:{port}"),
            Some(url::Host::Ipv6(ip)) => return format!("[{ip}]:{port}"),
            Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
            None => return String::new(),
        };
        let by_name = format!("{name}:{port}");
        if guard::is_reserved_invalid(&name) {
            return by_name;
        }
        if let Some(key) = self
            .resolved
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&by_name)
        {
            return key.clone();
        }
        let lookup = tokio::net::lookup_host((name.as_str(), port));
        let key = match tokio::time::timeout_at(deadline.into(), lookup).await {
            Ok(Ok(addrs)) => {
                let addrs: Vec<std::net::SocketAddr> = addrs.collect();
                addrs
                    .iter()
                    .find(|a| a.is_ipv4())
                    .or(addrs.first())
                    .map_or(by_name.clone(), |a| a.to_string())
            }
            _ => by_name.clone(),
        };
        self.resolved
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(by_name, key.clone());
        key
    }
}

/// The time one tool may still take: its own budget, counted from its first
/// request, and what is left of the run's.
struct Budget {
    run_deadline: Instant,
    tool_budget: Duration,
    max_time: Duration,
    tool_deadline: std::sync::Mutex<Option<Instant>>,
}

impl Budget {
    fn new(options: &ProbeOptions, run_deadline: Instant) -> Budget {
        Budget {
            run_deadline,
            tool_budget: options.tool_budget,
            max_time: options.max_time,
            tool_deadline: std::sync::Mutex::new(None),
        }
    }

    fn tool_deadline(&self) -> Option<Instant> {
        *self.tool_deadline.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts the tool's clock at its first request.
    fn start(&self) {
        let mut deadline = self.tool_deadline.lock().unwrap_or_else(|e| e.into_inner());
        deadline.get_or_insert_with(|| Instant::now() + self.tool_budget);
    }

    fn deadline(&self) -> Instant {
        self.tool_deadline()
            .map_or(self.run_deadline, |d| d.min(self.run_deadline))
    }

    /// The error recorded once the budget has run out.
    fn exceeded(&self) -> FetchError {
        let which = match self.tool_deadline() {
            Some(d) if d <= self.run_deadline => format!(
                "the tool's budget of {} s (--tool-budget) ran out",
                self.tool_budget.as_secs_f64()
            ),
            _ => format!(
                "the run's time limit of {} s (--max-time) ran out",
                self.max_time.as_secs_f64()
            ),
        };
        FetchError {
            message: format!("budget exceeded: {which}"),
            unreachable: true,
        }
    }
}

struct Response {
    status: u16,
    headers: reqwest::header::HeaderMap,
    certificate_expires: Option<String>,
    body: Vec<u8>,
    truncated: bool,
}

pub(crate) fn describe_error(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_timeout() {
        format!("timed out ({text})")
    } else {
        text
    }
}

/// True when the request never reached a server that could answer for the
/// vendor: the name did not resolve, the connection was refused or timed
/// out, or the proxy failed. TLS and certificate errors come from a server
/// that answered; a host that is not a valid DNS name and refusals by the
/// address guard are the inventory's doing: none of these counts.
fn network_failure(e: &reqwest::Error) -> bool {
    if e.is_timeout() {
        return true;
    }
    if !e.is_connect() {
        return false;
    }
    let mut pending: Vec<&(dyn std::error::Error + 'static)> =
        std::error::Error::source(e).into_iter().collect();
    while let Some(cause) = pending.pop() {
        if cause.downcast_ref::<rustls::Error>().is_some()
            || cause
                .downcast_ref::<rustls::pki_types::InvalidDnsNameError>()
                .is_some()
            || cause.to_string().contains("--allow-private")
        {
            return false;
        }
        // `io::Error::source` skips the error it wraps: look inside too.
        if let Some(inner) = cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            pending.push(inner);
        }
        pending.extend(cause.source());
    }
    true
}

/// Why a request failed, and whether a server was reached at all.
#[derive(Debug)]
struct FetchError {
    message: String,
    unreachable: bool,
}

impl FetchError {
    fn refused(message: String) -> FetchError {
        FetchError {
            message,
            unreachable: false,
        }
    }
}

fn certificate_expiry(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let ts = cert.validity().not_after.timestamp();
    let t = jiff::Timestamp::from_second(ts).ok()?;
    Some(t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
}

/// One GET with retries, reading at most `limit` bytes of the body, within
/// the tool's budget.
async fn get(
    client: &reqwest::Client,
    limits: &Limits,
    budget: &Budget,
    options: &ProbeOptions,
    url: &Url,
    limit: usize,
) -> Result<Response, FetchError> {
    if !options.allow_private {
        guard::check_url_host(url, &options.allowed_hosts).map_err(FetchError::refused)?;
    }
    if Instant::now() >= budget.deadline() {
        return Err(budget.exceeded());
    }
    // One server is one address and port: at most `per_host` requests to it at a time.
    let host_slot = limits.host(url, budget.deadline()).await;
    let mut attempt = 0;
    loop {
        let request = async {
            let _host = host_slot
                .acquire()
                .await
                .map_err(|e| (FetchError::refused(e.to_string()), false))?;
            let _all = limits
                .all
                .acquire()
                .await
                .map_err(|e| (FetchError::refused(e.to_string()), false))?;
            budget.start();
            match tokio::time::timeout_at(budget.deadline().into(), fetch_once(client, url, limit))
                .await
            {
                Ok(outcome) => outcome,
                Err(_) => Err((budget.exceeded(), false)),
            }
        };
        // Waiting for slots counts against the run's time, not the tool's.
        let outcome = match tokio::time::timeout_at(budget.deadline().into(), request).await {
            Ok(outcome) => outcome,
            Err(_) => Err((budget.exceeded(), false)),
        };
        let retry_after = match &outcome {
            Ok(r) if r.status == 429 || r.status >= 500 => {
                let wait = r
                    .headers
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                Some(wait)
            }
            Err((_, retryable)) if *retryable => Some(None),
            _ => None,
        };
        match retry_after {
            Some(wait) if attempt < options.retries => {
                let backoff = Duration::from_millis(250 << attempt);
                let wait = wait.unwrap_or(backoff);
                if wait > options.max_retry_after {
                    return outcome.map_err(|(e, _)| e);
                }
                if Instant::now() + wait >= budget.deadline() {
                    return Err(budget.exceeded());
                }
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            _ => return outcome.map_err(|(e, _)| e),
        }
    }
}

/// One request: the response, or the error and whether to retry it.
async fn fetch_once(
    client: &reqwest::Client,
    url: &Url,
    limit: usize,
) -> Result<Response, (FetchError, bool)> {
    let mut response = client.get(url.clone()).send().await.map_err(|e| {
        // Only the network's failures may pass with another try: a TLS or
        // certificate error, or a refusal by the address guard, would
        // fail the same way again.
        let unreachable = network_failure(&e);
        let retryable = unreachable && (e.is_connect() || !e.is_timeout());
        (
            FetchError {
                message: describe_error(&e),
                unreachable,
            },
            retryable,
        )
    })?;
    let certificate_expires = response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|i| i.peer_certificate())
        .and_then(certificate_expiry);
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    let mut truncated = false;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return Err((
                    FetchError {
                        message: describe_error(&e),
                        unreachable: e.is_timeout(),
                    },
                    false,
                ));
            }
        }
    }
    Ok(Response {
        status,
        headers,
        certificate_expires,
        body,
        truncated,
    })
}

/// Follows redirects by hand (at most five), checking each hop.
async fn fetch_page(
    client: &reqwest::Client,
    limits: &Limits,
    budget: &Budget,
    options: &ProbeOptions,
    url: &Url,
    limit: usize,
) -> (Fetch, Option<Response>) {
    let mut fetch = Fetch {
        url: url.to_string(),
        https_only: true,
        ..Default::default()
    };
    let mut current = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        if current.scheme() != "https" {
            fetch.https_only = false;
            fetch.error = Some(format!("redirected to {current}, which is not HTTPS"));
            return (fetch, None);
        }
        match get(client, limits, budget, options, &current, limit).await {
            Err(e) => {
                fetch.error = Some(e.message);
                fetch.unreachable = e.unreachable;
                return (fetch, None);
            }
            Ok(r) if (300..400).contains(&r.status) => {
                let location = r.headers.get(reqwest::header::LOCATION);
                if let Some(l) = location.filter(|l| l.len() > LOCATION_LIMIT) {
                    fetch.status = Some(r.status);
                    fetch.error = Some(format!(
                        "a redirect with a Location of {} bytes, over the limit of {} KiB; not followed",
                        l.len(),
                        LOCATION_LIMIT / 1024
                    ));
                    return (fetch, None);
                }
                let next = location
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| current.join(l).ok());
                let Some(next) = next else {
                    fetch.status = Some(r.status);
                    fetch.error = Some("a redirect without a usable Location".into());
                    return (fetch, None);
                };
                if has_credentials(&next) {
                    let shown = without_credentials(&next);
                    fetch.status = Some(r.status);
                    fetch.redirects.push(shown.to_string());
                    fetch.error = Some(format!(
                        "redirected to {shown} with a user name or password (removed here), which is not followed: probing never sends credentials"
                    ));
                    return (fetch, None);
                }
                fetch.redirects.push(next.to_string());
                current = next;
            }
            Ok(r) => {
                fetch.final_url = Some(current.to_string());
                fetch.status = Some(r.status);
                fetch.hsts = r
                    .headers
                    .get("strict-transport-security")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                fetch.hsts_max_age = fetch.hsts.as_deref().and_then(hsts_max_age);
                fetch.certificate_expires = r.certificate_expires.clone();
                if fetch.certificate_expires.is_none() && options.proxy.is_some() {
                    fetch.certificate_unavailable = Some(
                        "the certificate is not visible through --proxy; probe without a proxy to judge it"
                            .into(),
                    );
                }
                fetch.body_truncated = r.truncated;
                return (fetch, Some(r));
            }
        }
    }
    fetch.error = Some(format!("more than {MAX_REDIRECTS} redirects"));
    (fetch, None)
}

fn has_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// `url` without its user name and password.
fn without_credentials(url: &Url) -> Url {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url
}

/// `raw` with any user name and password removed, for messages; text that
/// is not a URL is not shown at all.
fn without_credentials_text(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(url) if url.host().is_some() || !raw.contains('@') => {
            without_credentials(&url).to_string()
        }
        _ if raw.contains('@') => "(not a URL; not shown, as it may hold a password)".into(),
        _ => raw.to_string(),
    }
}

/// The URL as recorded in the evidence: without credentials.
fn recorded_url(raw: &str) -> String {
    without_credentials_text(raw)
}

/// The `url` the evidence records for an inventory URL, so that evidence
/// can be matched with the inventory it was collected for.
pub fn evidence_url(raw: &str) -> String {
    let mut url = https_url(raw).map_or_else(|_| recorded_url(raw), |u| u.to_string());
    evidence::cap_text(&mut url);
    url
}

/// `http://` URLs are probed over HTTPS; anything else cannot be. URLs
/// with a user name or password are refused: probing never sends credentials.
fn https_url(raw: &str) -> Result<Url, String> {
    let mut url = Url::parse(raw).map_err(|e| format!("invalid URL: {e}"))?;
    if has_credentials(&url) {
        return Err(
            "the URL holds a user name or password (removed here): remove the user name and password; probing never sends credentials"
                .into(),
        );
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" => {
            url.set_scheme("https")
                .map_err(|_| "cannot switch to https".to_string())?;
            Ok(url)
        }
        other => Err(format!("only https URLs are fetched, not {other}:")),
    }
}

async fn probe_tool(
    client: &reqwest::Client,
    limits: &Limits,
    budget: &Budget,
    options: &ProbeOptions,
    id: String,
    url: Option<String>,
    trust: Option<String>,
) -> ToolEvidence {
    let mut out = ToolEvidence {
        tool: id,
        ..Default::default()
    };
    if let Some(raw) = url {
        match https_url(&raw) {
            Err(e) => {
                out.site = Some(Fetch {
                    url: recorded_url(&raw),
                    error: Some(e),
                    https_only: false,
                    ..Default::default()
                })
            }
            Ok(u) => {
                let (site, _) = fetch_page(client, limits, budget, options, &u, PAGE_LIMIT).await;
                out.site = Some(site);
                let mut sec = u.clone();
                sec.set_path("/.well-known/security.txt");
                sec.set_query(None);
                sec.set_fragment(None);
                let (fetch, response) =
                    fetch_page(client, limits, budget, options, &sec, SECURITY_TXT_LIMIT).await;
                let mut txt = SecurityTxt {
                    url: sec.to_string(),
                    status: fetch.status,
                    ..Default::default()
                };
                match response {
                    Some(r) if r.status == 200 => {
                        txt.present = true;
                        txt.truncated = r.truncated;
                        let text = String::from_utf8_lossy(&r.body);
                        let (contact, expires, error) = parse_security_txt(&text);
                        txt.contact = contact;
                        txt.expires = expires;
                        txt.error = if r.truncated {
                            Some(format!(
                                "larger than {} KiB; cut off",
                                SECURITY_TXT_LIMIT / 1024
                            ))
                        } else {
                            error
                        };
                    }
                    Some(r) => txt.error = Some(format!("HTTP status {}", r.status)),
                    None => {
                        txt.error = fetch.error;
                        txt.unreachable = fetch.unreachable;
                    }
                }
                out.security_txt = Some(txt);
            }
        }
    }
    if let Some(raw) = trust {
        out.trust_page = Some(match https_url(&raw) {
            Err(e) => Fetch {
                url: recorded_url(&raw),
                error: Some(e),
                https_only: false,
                ..Default::default()
            },
            Ok(u) => {
                fetch_page(client, limits, budget, options, &u, PAGE_LIMIT)
                    .await
                    .0
            }
        });
    }
    out.cap_text();
    out
}

/// Probes every tool with a `url` or `trust_url`.
pub fn collect(inventory: &Inventory, options: &ProbeOptions) -> Result<Evidence> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let client = client(options)?;
    let limits = Arc::new(Limits::new(options));
    let run_deadline = Instant::now() + options.max_time;
    let jobs: Vec<_> = inventory
        .tools
        .iter()
        .filter(|t| t.url.is_some() || t.trust_url.is_some())
        .map(|t| {
            let text = |s: &Option<crate::shared_str::SharedStr>| s.as_deref().map(str::to_string);
            (t.id.clone(), text(&t.url), text(&t.trust_url))
        })
        .collect();
    let bar = options.progress.then(|| {
        let bar = indicatif::ProgressBar::new(jobs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} probing {pos}/{len} tools {wide_bar} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let collected_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string();
    let tools = runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (i, (id, url, trust)) in jobs.into_iter().enumerate() {
            let client = client.clone();
            let limits = limits.clone();
            let options = options.clone();
            set.spawn(async move {
                let budget = Budget::new(&options, run_deadline);
                (
                    i,
                    probe_tool(
                        &client,
                        &limits,
                        &budget,
                        &options,
                        id.to_string(),
                        url,
                        trust,
                    )
                    .await,
                )
            });
        }
        let mut results = Vec::new();
        while let Some(done) = set.join_next().await {
            if let Ok(r) = done {
                results.push(r);
            }
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        }
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().map(|(_, t)| t).collect()
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(Evidence {
        schema_version: 1,
        collected_at,
        tools,
    })
}

/// The longest `--ca-cert` file read: a PEM bundle of every public root is
/// about 300 KiB.
const CA_CERT_LIMIT: u64 = 4 * 1024 * 1024;

/// Reads a `--ca-cert` file, refusing devices and FIFOs (which report no
/// size and could be read forever) and counting bytes as it reads.
pub fn read_ca_cert(path: &std::path::Path) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let shown = path.display();
    let kind = std::fs::metadata(path)
        .with_context(|| format!("cannot read --ca-cert {shown}"))?
        .file_type();
    anyhow::ensure!(
        kind.is_file(),
        "--ca-cert {shown} is not a regular file (a device, FIFO or folder); give a PEM file"
    );
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(CA_CERT_LIMIT + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read --ca-cert {shown}"))?;
    anyhow::ensure!(
        bytes.len() as u64 <= CA_CERT_LIMIT,
        "--ca-cert {shown} is over {} MiB; give a PEM file of root certificates",
        CA_CERT_LIMIT / 1024 / 1024
    );
    Ok(bytes)
}

/// A plain-text table of what was collected.
pub fn summary_table(evidence: &Evidence) -> String {
    use comfy_table::presets::UTF8_FULL_CONDENSED;
    let mut t = comfy_table::Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(110)
        .force_no_tty()
        .set_header([
            "Tool",
            "HTTPS",
            "Certificate expires",
            "HSTS max-age",
            "security.txt",
            "Trust page",
        ]);
    let clean = |s: String| crate::report::sanitize::owned(&s);
    for e in &evidence.tools {
        let site = e.site.as_ref();
        let https = match site {
            Some(s) if s.ok() => format!("ok ({})", s.status.unwrap_or(0)),
            Some(s) if s.unreachable => {
                format!("not reached: {}", s.error.clone().unwrap_or_default())
            }
            Some(s) => format!(
                "failed: {}",
                s.error
                    .clone()
                    .unwrap_or_else(|| format!("status {}", s.status.unwrap_or(0)))
            ),
            None => "—".into(),
        };
        let txt = match &e.security_txt {
            Some(t) if t.unreachable => {
                format!("not reached: {}", t.error.clone().unwrap_or_default())
            }
            Some(t) if t.present && t.error.is_none() => {
                format!("ok, expires {}", t.expires.clone().unwrap_or_default())
            }
            Some(t) => t.error.clone().unwrap_or_else(|| "missing".into()),
            None => "—".into(),
        };
        let trust = match &e.trust_page {
            Some(p) if p.ok() => "reachable".to_string(),
            Some(p) if p.unreachable => {
                format!("not reached: {}", p.error.clone().unwrap_or_default())
            }
            Some(p) => format!(
                "unreachable: {}",
                p.error
                    .clone()
                    .unwrap_or_else(|| format!("status {}", p.status.unwrap_or(0)))
            ),
            None => "—".into(),
        };
        t.add_row([
            clean(e.tool.clone()),
            clean(https),
            clean(
                site.and_then(|s| s.certificate_expires.clone())
                    .unwrap_or_else(|| "—".into()),
            ),
            site.and_then(|s| s.hsts_max_age)
                .map_or("—".into(), |a| a.to_string()),
            clean(txt),
            clean(trust),
        ]);
    }
    format!("Evidence collected at {}\n{t}\n", evidence.collected_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_name_and_its_address_share_one_server_limit() {
        let limits = Limits::new(&ProbeOptions::default());
        let deadline = Instant::now() + Duration::from_secs(5);
        let key = |u: &str| {
            let url = Url::parse(u).unwrap();
            let limits = &limits;
            async move { limits.server_key(&url, deadline).await }
        };
        assert_eq!(key("https://localhost:8443/a").await, "127.0.0.1:8443");
        assert_eq!(key("https://127.0.0.1:8443/b").await, "127.0.0.1:8443");
        assert_eq!(key("https://[::1]:8443/").await, "[::1]:8443");
        assert_eq!(key("https://x.invalid/").await, "x.invalid:443");
    }

    #[test]
    fn credentials_are_refused_and_never_shown() {
        let err = https_url("https://alice:s3cret@vendor.example/").unwrap_err();
        assert!(err.contains("remove the user name and password"), "{err}");
        assert_eq!(
            recorded_url("https://alice:s3cret@vendor.example/"),
            "https://vendor.example/"
        );
        assert!(!without_credentials_text("alice:s3cret@not a url").contains("s3cret"));
    }
}
