//! `stackaudit probe` against real HTTPS servers on loopback, with
//! certificates generated at test time. No test reaches beyond 127.0.0.1.

use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/https_server.rs"]
mod https_server;
use https_server::{Ca, Reply, Router, connect_proxy, reply, serve, serve_logged};

use stackaudit::inventory::{load_str, source::Format};
use stackaudit::probe::evidence::Evidence;
use stackaudit::probe::{ProbeOptions, collect};

const HSTS: (&str, &str) = (
    "Strict-Transport-Security",
    "max-age=31536000; includeSubDomains",
);

fn security_txt(expires: &str) -> Vec<u8> {
    format!("Contact: mailto:security@vendor.example\nExpires: {expires}\n").into_bytes()
}

/// The main test server's routes.
fn main_router() -> Router {
    Arc::new(|path: &str, n: usize| match path {
        "/hsts" => reply(200, &[HSTS], b"ok"),
        "/no-hsts" => reply(200, &[], b"ok"),
        "/short-hsts" => reply(200, &[("Strict-Transport-Security", "max-age=300")], b"ok"),
        "/to-http" => reply(301, &[("Location", "http://localhost/plain")], b""),
        "/to-loopback-ip" => reply(302, &[("Location", "https://127.0.0.1:1/hsts")], b""),
        "/slow" => Reply {
            delay: Duration::from_secs(4),
            ..reply(200, &[HSTS], b"late")
        },
        "/busy" if n == 1 => reply(429, &[("Retry-After", "1")], b"slow down"),
        "/busy" => reply(200, &[HSTS], b"ok"),
        "/huge" => reply(200, &[HSTS], &vec![b'x'; 5 * 1024 * 1024]),
        "/trust" => reply(200, &[], b"trust center"),
        "/.well-known/security.txt" => reply(200, &[], &security_txt("2099-01-01T00:00:00Z")),
        _ => reply(404, &[], b"not found"),
    })
}

fn txt_router(body: Vec<u8>, status: u16) -> Router {
    Arc::new(move |path: &str, _| match path {
        "/.well-known/security.txt" => reply(status, &[], &body),
        _ => reply(200, &[HSTS], b"ok"),
    })
}

fn inventory(tools: &[(&str, String, Option<String>)]) -> stackaudit::inventory::Inventory {
    let mut text = String::from("schema = 1\n");
    for (id, url, trust) in tools {
        text.push_str(&format!(
            "[[tool]]\nid = \"{id}\"\nname = \"{id}\"\ncategory = \"other\"\nurl = \"{url}\"\n"
        ));
        if let Some(t) = trust {
            text.push_str(&format!("trust_url = \"{t}\"\n"));
        }
    }
    load_str(&text, Format::Toml, "probe.toml").unwrap()
}

fn options(ca: &Ca) -> ProbeOptions {
    ProbeOptions {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        allow_private: true,
        ca_certs: vec![ca.issuer.pem().into_bytes()],
        ..ProbeOptions::default()
    }
}

/// Audits with the evidence, as of today; returns (check, tool) pairs.
fn audit_with(inv: &stackaudit::inventory::Inventory, evidence: Evidence) -> Vec<(String, String)> {
    let options = stackaudit::audit::AuditOptions {
        fail_on: None,
        evidence: Some(evidence),
        ..stackaudit::audit::AuditOptions::new(jiff::Zoned::now().date())
    };
    let result =
        stackaudit::audit::audit(inv, &stackaudit::checks::Catalogue::builtin(), &options).unwrap();
    result
        .findings
        .into_iter()
        .map(|f| (f.check.into(), f.tool.unwrap_or_default().into()))
        .collect()
}

fn tool<'a>(e: &'a Evidence, id: &str) -> &'a stackaudit::probe::evidence::ToolEvidence {
    e.for_tool(id).unwrap()
}

#[test]
fn probes_headers_redirects_limits_and_retries() {
    let ca = Ca::new();
    let port = serve(ca.leaf(400), main_router());
    let u = |p: &str| format!("https://localhost:{port}{p}");
    let inv = inventory(&[
        ("hsts", u("/hsts"), Some(u("/trust"))),
        ("no-hsts", u("/no-hsts"), Some(u("/missing-trust"))),
        ("short-hsts", u("/short-hsts"), None),
        ("to-http", u("/to-http"), None),
        ("slow", u("/slow"), None),
        ("busy", u("/busy"), None),
        ("huge", u("/huge"), None),
    ]);
    let start = Instant::now();
    let e = collect(&inv, &options(&ca)).unwrap();
    let elapsed = start.elapsed();

    let hsts = tool(&e, "hsts").site.as_ref().unwrap();
    assert!(hsts.ok(), "{hsts:?}");
    assert_eq!(hsts.hsts_max_age, Some(31_536_000));
    assert!(hsts.certificate_expires.is_some());
    assert!(tool(&e, "hsts").trust_page.as_ref().unwrap().ok());
    let txt = tool(&e, "hsts").security_txt.as_ref().unwrap();
    assert!(txt.present && txt.error.is_none(), "{txt:?}");
    assert_eq!(txt.contact, ["mailto:security@vendor.example"]);

    assert_eq!(tool(&e, "no-hsts").site.as_ref().unwrap().hsts, None);
    assert_eq!(
        tool(&e, "no-hsts").trust_page.as_ref().unwrap().status,
        Some(404)
    );
    assert_eq!(
        tool(&e, "short-hsts").site.as_ref().unwrap().hsts_max_age,
        Some(300)
    );

    let to_http = tool(&e, "to-http").site.as_ref().unwrap();
    assert!(!to_http.https_only && !to_http.ok());
    assert!(to_http.error.as_deref().unwrap().contains("not HTTPS"));

    let slow = tool(&e, "slow").site.as_ref().unwrap();
    assert!(
        slow.error.as_deref().unwrap().contains("timed out"),
        "{slow:?}"
    );

    let busy = tool(&e, "busy").site.as_ref().unwrap();
    assert_eq!(busy.status, Some(200), "retried after 429 + Retry-After");

    let huge = tool(&e, "huge").site.as_ref().unwrap();
    assert!(huge.body_truncated && huge.ok());

    // The slow server timed out without holding up the others for long.
    assert!(elapsed < Duration::from_secs(12), "{elapsed:?}");

    // The evidence file round-trips and audits offline.
    let text = serde_json::to_string(&e).unwrap();
    let back = Evidence::parse(&text, "evidence.json").unwrap();
    assert_eq!(back, e);
}

#[test]
fn security_txt_variants() {
    let ca = Ca::new();
    let cases = [
        ("present", security_txt("2099-01-01T00:00:00Z"), 200),
        ("missing", b"nope".to_vec(), 404),
        ("expired", security_txt("2020-01-01T00:00:00Z"), 200),
        (
            "malformed",
            b"<html>not a security.txt</html>".to_vec(),
            200,
        ),
        (
            "oversized",
            [security_txt("2099-01-01T00:00:00Z"), vec![b'#'; 64 * 1024]].concat(),
            200,
        ),
    ];
    let tools: Vec<(&str, String, Option<String>)> = cases
        .iter()
        .map(|(id, body, status)| {
            (
                *id,
                format!(
                    "https://localhost:{}/",
                    serve(ca.leaf(400), txt_router(body.clone(), *status))
                ),
                None,
            )
        })
        .collect();
    let e = collect(&inventory(&tools), &options(&ca)).unwrap();
    let txt = |id| tool(&e, id).security_txt.clone().unwrap();
    assert!(txt("present").present && txt("present").error.is_none());
    assert!(!txt("missing").present);
    assert_eq!(txt("missing").status, Some(404));
    assert_eq!(
        txt("expired").expires.as_deref(),
        Some("2020-01-01T00:00:00Z")
    );
    assert!(txt("malformed").error.unwrap().contains("no Contact field"));
    assert!(txt("oversized").truncated);
    assert!(
        txt("oversized")
            .error
            .unwrap()
            .contains("larger than 32 KiB")
    );

    // Judged offline: the findings each case should give.
    let findings = audit_with(&inventory(&tools), e);
    let has = |check: &str, id: &str| findings.iter().any(|(c, t)| c == check && t == id);
    assert!(has("probe-security-txt-missing", "missing"));
    assert!(has("probe-security-txt-missing", "malformed"));
    assert!(has("probe-security-txt-missing", "oversized"));
    assert!(has("probe-security-txt-expired", "expired"));
    assert!(!has("probe-security-txt-missing", "present"));
    assert!(!has("probe-https-failed", "present"));
}

#[test]
fn certificates_expiring_and_expired() {
    let ca = Ca::new();
    let soon = serve(ca.leaf(10), main_router());
    let gone = serve(ca.leaf(-1), main_router());
    let inv = inventory(&[
        ("soon", format!("https://localhost:{soon}/hsts"), None),
        ("gone", format!("https://localhost:{gone}/hsts"), None),
    ]);
    let e = collect(&inv, &options(&ca)).unwrap();
    let soon_site = tool(&e, "soon").site.clone().unwrap();
    assert!(soon_site.ok());
    let expires = jiff::civil::Date::strptime(
        "%Y-%m-%d",
        soon_site.certificate_expires.as_deref().unwrap(),
    )
    .unwrap();
    let days = jiff::Zoned::now().date().until(expires).unwrap().get_days();
    assert!((9..=11).contains(&days), "{days}");
    let gone_site = tool(&e, "gone").site.clone().unwrap();
    assert!(!gone_site.ok());
    assert!(gone_site.error.unwrap().to_lowercase().contains("expired"));

    let findings = audit_with(&inv, e);
    let has = |check: &str, id: &str| findings.iter().any(|(c, t)| c == check && t == id);
    assert!(has("probe-certificate-expiring", "soon"));
    assert!(has("probe-https-failed", "gone"));
}

#[test]
fn loopback_is_refused_without_allow_private() {
    let ca = Ca::new();
    let port = serve(ca.leaf(400), main_router());
    let guarded = ProbeOptions {
        allow_private: false,
        ..options(&ca)
    };
    // A name that resolves to 127.0.0.1.
    let inv = inventory(&[
        ("by-name", format!("https://localhost:{port}/hsts"), None),
        (
            "by-ip",
            format!("https://[::ffff:127.0.0.1]:{port}/hsts"),
            None,
        ),
    ]);
    let e = collect(&inv, &guarded).unwrap();
    let by_name = tool(&e, "by-name").site.clone().unwrap();
    assert!(
        by_name
            .error
            .as_deref()
            .unwrap()
            .contains("refused to connect to localhost"),
        "{by_name:?}"
    );
    let by_ip = tool(&e, "by-ip").site.clone().unwrap();
    assert!(
        by_ip.error.as_deref().unwrap().contains("IPv4-mapped"),
        "{by_ip:?}"
    );

    // localhost is allowed by name, but its redirect to a loopback IP literal is refused.
    let allow_localhost = ProbeOptions {
        allowed_hosts: vec!["localhost".into()],
        ..guarded
    };
    let inv = inventory(&[
        (
            "redirect",
            format!("https://localhost:{port}/to-loopback-ip"),
            None,
        ),
        ("direct", format!("https://localhost:{port}/hsts"), None),
    ]);
    let e = collect(&inv, &allow_localhost).unwrap();
    assert!(tool(&e, "direct").site.as_ref().unwrap().ok());
    let redirect = tool(&e, "redirect").site.clone().unwrap();
    assert!(
        redirect
            .error
            .as_deref()
            .unwrap()
            .contains("refused to connect to 127.0.0.1: loopback"),
        "{redirect:?}"
    );
}

/// A port on 127.0.0.1 that refuses connections for as long as the value
/// lives: the socket is bound but never listens. Freeing the port instead
/// (binding a listener and dropping it) let a server of a test running
/// beside this one take the same port, which then answered.
struct ClosedPort(socket2::Socket);

impl ClosedPort {
    fn new() -> Self {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let any_port: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        socket.bind(&any_port.into()).unwrap();
        Self(socket)
    }

    fn port(&self) -> u16 {
        self.0.local_addr().unwrap().as_socket().unwrap().port()
    }
}

/// A host name that fails to resolve without a query leaving the machine:
/// `.invalid` names never resolve (RFC 6761), and the probe's resolver
/// answers so at once.
fn unresolvable() -> String {
    "vendor.invalid".to_string()
}

#[test]
fn hosts_that_cannot_be_reached_are_not_judged_against_the_vendor() {
    let ca = Ca::new();
    let port = serve(ca.leaf(400), txt_router(b"gone".to_vec(), 404));
    let untrusted = serve(Ca::new().leaf(400), main_router());
    let closed = ClosedPort::new();
    let refused = closed.port();
    let inv = inventory(&[
        ("no-dns", format!("https://{}/", unresolvable()), None),
        (
            "refused",
            format!("https://localhost:{refused}/"),
            Some(format!("https://localhost:{refused}/trust")),
        ),
        (
            "no-security-txt",
            format!("https://localhost:{port}/"),
            None,
        ),
        (
            "bad-cert",
            format!("https://localhost:{untrusted}/hsts"),
            None,
        ),
    ]);
    let e = collect(&inv, &options(&ca)).unwrap();
    for id in ["no-dns", "refused"] {
        let t = tool(&e, id);
        assert!(t.site.as_ref().unwrap().unreachable, "{id}: {t:?}");
        assert!(t.security_txt.as_ref().unwrap().unreachable, "{id}: {t:?}");
        assert!(t.could_not_be_judged(), "{id}");
    }
    assert!(tool(&e, "refused").trust_page.as_ref().unwrap().unreachable);
    // A server answered: its failures are the vendor's.
    let bad_cert = tool(&e, "bad-cert").site.clone().unwrap();
    assert!(
        !bad_cert.unreachable && bad_cert.error.is_some(),
        "{bad_cert:?}"
    );
    assert!(
        !tool(&e, "no-security-txt")
            .security_txt
            .as_ref()
            .unwrap()
            .unreachable
    );

    let findings = audit_with(&inv, e);
    let has = |check: &str, id: &str| findings.iter().any(|(c, t)| c == check && t == id);
    for id in ["no-dns", "refused"] {
        assert!(
            !findings
                .iter()
                .any(|(c, t)| t == id && c.starts_with("probe-")),
            "{id}: {findings:?}"
        );
    }
    assert!(has("probe-evidence-not-collected", ""), "{findings:?}");
    assert!(has("probe-https-failed", "bad-cert"));
    assert!(has("probe-security-txt-missing", "no-security-txt"));
}

#[test]
fn a_proxy_that_does_not_answer_is_our_network_not_the_vendors() {
    let ca = Ca::new();
    let port = serve(ca.leaf(400), main_router());
    let inv = inventory(&[("via-proxy", format!("https://localhost:{port}/hsts"), None)]);
    let dead_proxy = ClosedPort::new();
    let through_dead_proxy = ProbeOptions {
        proxy: Some(format!("http://127.0.0.1:{}", dead_proxy.port())),
        retries: 0,
        ..options(&ca)
    };
    let e = collect(&inv, &through_dead_proxy).unwrap();
    assert!(tool(&e, "via-proxy").could_not_be_judged(), "{e:?}");
}

#[test]
fn probe_exits_2_when_no_host_could_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("stack.toml");
    let write = |urls: &[String]| {
        let mut text = String::from("schema = 1\n");
        for (i, url) in urls.iter().enumerate() {
            text.push_str(&format!(
                "[[tool]]\nid = \"t{i}\"\nname = \"T{i}\"\ncategory = \"other\"\nurl = \"{url}\"\n"
            ));
        }
        std::fs::write(&stack, text).unwrap();
    };
    let probe = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
            .arg("probe")
            .arg(&stack)
            .args(["--allow-private", "--retries", "0", "--timeout", "3"])
            .args(["-o", "evidence.json"])
            .current_dir(dir.path())
            .env("CI", "true")
            .output()
            .unwrap()
    };
    let closed = ClosedPort::new();
    write(&[
        format!("https://{}/", unresolvable()),
        format!("https://localhost:{}/", closed.port()),
    ]);
    let out = probe();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no vendor host could be reached (2 tools probed)"),
        "{err}"
    );
    // The evidence is still written, for the record.
    let evidence = std::fs::read_to_string(dir.path().join("evidence.json")).unwrap();
    assert!(evidence.contains("\"unreachable\": true"));

    // One reachable host (even one that fails its checks) is a normal run.
    let ca = Ca::new();
    let port = serve(ca.leaf(400), main_router());
    write(&[
        format!("https://{}/", unresolvable()),
        format!("https://localhost:{port}/"),
    ]);
    let out = probe();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A server that answers every request after `delay`.
fn slow_router(delay: Duration) -> Router {
    Arc::new(move |_: &str, _| Reply {
        delay,
        ..reply(200, &[HSTS], b"late")
    })
}

#[test]
fn a_slow_host_does_not_delay_the_others_and_the_run_stops_at_max_time() {
    let ca = Ca::new();
    let slow = serve(ca.leaf(400), slow_router(Duration::from_secs(2)));
    let (fast, fast_log) = serve_logged(ca.leaf(400), main_router());
    // Twenty tools on the slow server, listed first, then one on a fast one.
    let mut tools: Vec<(String, String)> = (0..20)
        .map(|i| (format!("slow{i}"), format!("https://localhost:{slow}/")))
        .collect();
    tools.push(("fast".into(), format!("https://localhost:{fast}/hsts")));
    let tools: Vec<(&str, String, Option<String>)> = tools
        .iter()
        .map(|(id, url)| (id.as_str(), url.clone(), None))
        .collect();
    let limited = ProbeOptions {
        timeout: Duration::from_secs(5),
        max_time: Duration::from_secs(3),
        ..options(&ca)
    };
    let start = Instant::now();
    let e = collect(&inventory(&tools), &limited).unwrap();
    let elapsed = start.elapsed();

    let first = fast_log.lock().unwrap().first().map(|r| r.at - start);
    assert!(
        first.is_some_and(|t| t < Duration::from_secs(1)),
        "first request to the fast server after {first:?}"
    );
    assert!(tool(&e, "fast").site.as_ref().unwrap().ok());
    // The run stopped at --max-time; tools still waiting say why. Which
    // slow tools get the server's two places first is up to the scheduler,
    // not the list: two at a time, two seconds each, at most two finish
    // within the three seconds.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    let slow_sites: Vec<_> = (0..20)
        .map(|i| tool(&e, &format!("slow{i}")).site.clone().unwrap())
        .collect();
    let cut_off = slow_sites
        .iter()
        .filter(|s| {
            s.error.as_deref().is_some_and(|m| {
                m.starts_with("budget exceeded: the run's time limit of 3 s (--max-time) ran out")
            })
        })
        .count();
    assert!(cut_off >= 18, "{cut_off} cut off: {slow_sites:?}");
}

#[test]
fn a_tarpit_is_bounded_by_the_tool_budget() {
    let ca = Ca::new();
    // Always busy, always asking to come back in a second.
    let tarpit: Router = Arc::new(|_: &str, _| reply(503, &[("Retry-After", "1")], b"busy"));
    let port = serve(ca.leaf(400), tarpit);
    let inv = inventory(&[("tarpit", format!("https://localhost:{port}/"), None)]);
    let patient = ProbeOptions {
        retries: 10,
        tool_budget: Duration::from_millis(1500),
        ..options(&ca)
    };
    let start = Instant::now();
    let e = collect(&inv, &patient).unwrap();
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    let site = tool(&e, "tarpit").site.clone().unwrap();
    assert_eq!(
        site.error.as_deref(),
        Some("budget exceeded: the tool's budget of 1.5 s (--tool-budget) ran out")
    );
    // The security.txt fetch came after the budget ran out: not attempted.
    let txt = tool(&e, "tarpit").security_txt.clone().unwrap();
    assert!(txt.error.unwrap().starts_with("budget exceeded"));
}

#[test]
fn server_text_is_capped_before_it_is_stored() {
    let ca = Ca::new();
    let huge = format!("/{}", "a".repeat(400 * 1024));
    let long_header = "x".repeat(4000);
    let router: Router = Arc::new(move |path: &str, _| match path {
        "/huge-location" => reply(302, &[("Location", huge.as_str())], b""),
        "/long-hsts" => reply(
            200,
            &[("Strict-Transport-Security", long_header.as_str())],
            b"ok",
        ),
        "/.well-known/security.txt" => reply(
            200,
            &[],
            format!(
                "Contact: mailto:{}@x.example\nExpires: 2099-01-01T00:00:00Z\n",
                "c".repeat(3000)
            )
            .as_bytes(),
        ),
        _ => reply(404, &[], b""),
    });
    let port = serve(ca.leaf(400), router);
    let inv = inventory(&[
        (
            "location",
            format!("https://localhost:{port}/huge-location"),
            None,
        ),
        ("hsts", format!("https://localhost:{port}/long-hsts"), None),
    ]);
    let e = collect(&inv, &options(&ca)).unwrap();
    let location = tool(&e, "location").site.clone().unwrap();
    assert!(
        location.error.is_some() && location.redirects.is_empty(),
        "{location:?}"
    );
    let hsts = tool(&e, "hsts").site.clone().unwrap();
    assert!(
        hsts.hsts
            .as_deref()
            .unwrap()
            .ends_with("… [cut: 4000 bytes in all]")
    );
    let contact = &tool(&e, "hsts").security_txt.as_ref().unwrap().contact[0];
    assert!(contact.len() <= 1024, "{}", contact.len());
    // No string anywhere in the evidence is over 1 KiB.
    let json = serde_json::to_value(&e).unwrap();
    fn longest(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::String(s) => s.len(),
            serde_json::Value::Array(a) => a.iter().map(longest).max().unwrap_or(0),
            serde_json::Value::Object(o) => o.values().map(longest).max().unwrap_or(0),
            _ => 0,
        }
    }
    assert!(longest(&json) <= 1024, "{}", longest(&json));
    assert!(serde_json::to_string(&e).unwrap().len() < 16 * 1024);
}

#[test]
fn credentials_are_never_sent_nor_recorded() {
    let ca = Ca::new();
    let (port, log) = serve_logged(ca.leaf(400), main_router());
    let redirecting: Router = Arc::new(move |path: &str, _| match path {
        "/to-creds" => reply(
            302,
            &[(
                "Location",
                &format!("https://bob:hunter2@localhost:{port}/hsts"),
            )],
            b"",
        ),
        _ => reply(404, &[], b""),
    });
    let other = serve(ca.leaf(400), redirecting);
    let with_credentials = format!("https://alice:s3cret@localhost:{port}/hsts");
    // An inventory that says so is refused before anything is fetched...
    let refused = load_str(
        &format!("schema = 1\n[[tool]]\nid = \"a\"\nname = \"a\"\ncategory = \"other\"\nurl = \"{with_credentials}\"\n"),
        Format::Toml,
        "probe.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains("remove the user name and password"),
        "{refused}"
    );
    assert!(!refused.contains("s3cret"), "{refused}");
    // ...and the probe itself never uses one (a model built another way).
    let mut inv = inventory(&[
        ("in-url", format!("https://localhost:{port}/hsts"), None),
        (
            "in-redirect",
            format!("https://localhost:{other}/to-creds"),
            None,
        ),
    ]);
    inv.tools[0].url = Some(with_credentials.into());
    let e = collect(&inv, &options(&ca)).unwrap();
    let in_url = tool(&e, "in-url").site.clone().unwrap();
    assert!(
        in_url
            .error
            .as_deref()
            .unwrap()
            .contains("remove the user name and password"),
        "{in_url:?}"
    );
    let in_redirect = tool(&e, "in-redirect").site.clone().unwrap();
    assert!(
        in_redirect
            .error
            .as_deref()
            .unwrap()
            .contains("which is not followed"),
        "{in_redirect:?}"
    );
    let text = serde_json::to_string(&e).unwrap();
    assert!(
        !text.contains("s3cret") && !text.contains("hunter2"),
        "{text}"
    );
    // Neither the page nor security.txt was requested with credentials.
    let heads = log.lock().unwrap();
    assert!(
        heads
            .iter()
            .all(|r| !r.head.to_ascii_lowercase().contains("authorization")),
        "{heads:?}"
    );
    assert!(
        heads.is_empty(),
        "the credential-bearing URLs were not fetched: {heads:?}"
    );
}

/// Runs the binary in `dir` with `args`, returning (exit code, stderr, elapsed).
fn run_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, Duration) {
    let start = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(args)
        .current_dir(dir)
        .env("CI", "true")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        start.elapsed(),
    )
}

#[test]
fn numeric_options_out_of_range_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stack.toml"),
        "schema = 1\n[[tool]]\nid = \"t\"\nname = \"T\"\ncategory = \"other\"\nurl = \"https://vendor.invalid/\"\n",
    )
    .unwrap();
    for (flag, value) in [
        ("--max-retry-after", "NaN"),
        ("--max-retry-after", "-1"),
        ("--timeout", "1e-300"),
        ("--timeout", "inf"),
        ("--max-time", "NaN"),
        ("--tool-budget", "0"),
    ] {
        let arg = format!("{flag}={value}");
        let (code, err, _) = run_in(dir.path(), &["probe", "stack.toml", &arg]);
        assert_eq!(code, Some(2), "{flag} {value}: {err}");
        assert!(err.contains(&flag[2..]), "{flag} {value}: {err}");
    }
    // A device as --ca-cert is refused at once, not read until memory runs out.
    let (code, err, elapsed) = run_in(
        dir.path(),
        &["probe", "stack.toml", "--ca-cert", "/dev/zero"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn untrusted_evidence_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stack.toml"),
        "schema = 1\n[[tool]]\nid = \"t\"\nname = \"T\"\ncategory = \"other\"\nurl = \"https://t.example/\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("future.json"),
        r#"{"schema_version": 1, "collected_at": "2099-01-01T00:00:00Z", "tools": []}"#,
    )
    .unwrap();
    let (code, err, _) = run_in(
        dir.path(),
        &["audit", "stack.toml", "--evidence", "future.json"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("future.json:1:") && err.contains("is in the future"),
        "{err}"
    );

    let (code, err, elapsed) = run_in(
        dir.path(),
        &["audit", "stack.toml", "--evidence", "/dev/zero"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn through_a_proxy_the_certificate_is_not_judged_and_a_private_proxy_needs_allow_private() {
    let ca = Ca::new();
    let port = serve(ca.leaf(10), main_router());
    let inv = inventory(&[("via-proxy", format!("https://localhost:{port}/hsts"), None)]);
    let proxy = format!("http://127.0.0.1:{}", connect_proxy());
    let through_proxy = ProbeOptions {
        proxy: Some(proxy.clone()),
        ..options(&ca)
    };
    let e = collect(&inv, &through_proxy).unwrap();
    let site = tool(&e, "via-proxy").site.clone().unwrap();
    assert!(site.ok(), "{site:?}");
    assert!(site.certificate_unavailable.is_some(), "{site:?}");
    // The certificate expires in 10 days, but was not seen: the finding says so.
    let findings = stackaudit::audit::audit(
        &inv,
        &stackaudit::checks::Catalogue::builtin(),
        &stackaudit::audit::AuditOptions {
            fail_on: None,
            evidence: Some(e),
            ..stackaudit::audit::AuditOptions::new(jiff::Zoned::now().date())
        },
    )
    .unwrap()
    .findings;
    let cert = findings
        .iter()
        .find(|f| f.check == "probe-certificate-expiring")
        .unwrap();
    assert!(
        cert.message.text().contains("could not be judged"),
        "{}",
        cert.message
    );

    // A proxy at a loopback IP literal is refused like a loopback host,
    // and its password is not echoed.
    let guarded = ProbeOptions {
        allow_private: false,
        proxy: Some(proxy.replace("http://", "http://user:pa55word@")),
        ..options(&ca)
    };
    let err = collect(&inv, &guarded).unwrap_err().to_string();
    assert!(
        err.contains("--allow-private") && !err.contains("pa55word"),
        "{err}"
    );
}
