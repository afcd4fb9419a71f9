//! Probe scheduling and budgets against loopback HTTPS servers, with
//! concurrency 16 and at most 2 requests at a time to one server.
//!
//! 1. uniform: N tools, each on its own server answering after 200 ms;
//!    ideal ceil(N / 16) × 0.2 s.
//! 2. mixed: 180 tools on 3 slow servers (60 each, listed server by server,
//!    each answering after 200 ms) and then 40 tools on servers of their
//!    own. A slow server takes 2 requests at a time, so its 60 take
//!    30 × 0.2 s = 6 s: the ideal. The 40 others share the 16 global
//!    slots with the slow servers' 6: ideally done after 0.6 to 0.8 s.
//! 3. tarpit: one tool whose server answers `503 Retry-After: 2` twice
//!    on every path, then redirects to a new path, under the default
//!    budgets (so bounded by the 60 s --tool-budget).
//!
//! Peak memory is read from /proc/self/status.
//!
//!     cargo bench --bench probe                 # 200 uniform endpoints
//!     cargo bench --bench probe -- 400

use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/support/https_server.rs"]
mod https_server;

use https_server::{Ca, Log, Reply, Router, reply, serve, serve_logged};
use stackaudit::inventory::{load_str, source::Format};
use stackaudit::probe::evidence::Evidence;
use stackaudit::probe::{ProbeOptions, collect};

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
        })
        .unwrap_or(0.0)
        / 1024.0
}

fn delayed(delay: Duration) -> Router {
    Arc::new(move |_: &str, _| Reply {
        status: 200,
        headers: vec![],
        body: b"ok".to_vec(),
        delay,
    })
}

fn tool_entry(i: usize, port: u16) -> String {
    format!(
        "[[tool]]\nid = \"t{i}\"\nname = \"T{i}\"\ncategory = \"other\"\ntrust_url = \"https://localhost:{port}/trust\"\n"
    )
}

fn reachable(evidence: &Evidence) -> usize {
    evidence
        .tools
        .iter()
        .filter(|t| t.trust_page.as_ref().is_some_and(|p| p.ok()))
        .count()
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200);
    let ca = Ca::new();
    let cert = ca.leaf(400);
    let delay = Duration::from_millis(200);
    let options = ProbeOptions {
        allow_private: true,
        ca_certs: vec![ca.issuer.pem().into_bytes()],
        concurrency: 16,
        ..ProbeOptions::default()
    };

    // 1. uniform
    let mut text = String::from("schema = 1\n");
    for i in 0..n {
        text.push_str(&tool_entry(i, serve(cert.clone(), delayed(delay))));
    }
    let inv = load_str(&text, Format::Toml, "bench.toml").unwrap();
    let before = peak_rss_mib();
    let start = Instant::now();
    let evidence = collect(&inv, &options).unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    let ideal = (n as f64 / 16.0).ceil() * delay.as_secs_f64();
    println!(
        "uniform: {n} tools on {n} servers: {elapsed:.2} s (ideal {ideal:.1} s, ratio {:.2}); {}/{n} reachable",
        elapsed / ideal,
        reachable(&evidence)
    );
    println!(
        "peak RSS: {before:.1} MiB before probing, {:.1} MiB after",
        peak_rss_mib()
    );

    // 2. mixed: a few slow servers listed first, then many fast ones.
    let (slow_servers, per_slow, fast) = (3, 60, 40);
    let mut text = String::from("schema = 1\n");
    let mut i = 0;
    for _ in 0..slow_servers {
        let port = serve(cert.clone(), delayed(delay));
        for _ in 0..per_slow {
            text.push_str(&tool_entry(i, port));
            i += 1;
        }
    }
    let mut fast_logs: Vec<Log> = Vec::new();
    for _ in 0..fast {
        let (port, log) = serve_logged(cert.clone(), delayed(delay));
        text.push_str(&tool_entry(i, port));
        fast_logs.push(log);
        i += 1;
    }
    let inv = load_str(&text, Format::Toml, "bench.toml").unwrap();
    let start = Instant::now();
    let evidence = collect(&inv, &options).unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    let last_fast = fast_logs
        .iter()
        .flat_map(|l| l.lock().unwrap().iter().map(|r| r.at).collect::<Vec<_>>())
        .max()
        .map_or(f64::NAN, |at| {
            (at - start).as_secs_f64() + delay.as_secs_f64()
        });
    let ideal = (per_slow as f64 / 2.0).ceil() * delay.as_secs_f64();
    // Between all 16 slots and the 10 the slow servers leave free.
    let fast_best = (fast as f64 / 16.0).ceil() * delay.as_secs_f64();
    let fast_worst = (fast as f64 / (16 - 2 * slow_servers) as f64).ceil() * delay.as_secs_f64();
    println!(
        "mixed: {} tools on {slow_servers} slow servers, listed server by server, then {fast} on their own: {elapsed:.2} s (ideal {ideal:.1} s, ratio {:.2}); the {fast} others done after {last_fast:.2} s (ideal {fast_best:.1} to {fast_worst:.1} s); {}/{} reachable",
        slow_servers * per_slow,
        elapsed / ideal,
        reachable(&evidence),
        slow_servers * per_slow + fast
    );

    // 3. tarpit, under the default budgets.
    let tarpit: Router = Arc::new(|path: &str, n| {
        if n <= 2 {
            reply(503, &[("Retry-After", "2")], b"busy")
        } else {
            let next = format!("{path}x");
            reply(302, &[("Location", next.as_str())], b"")
        }
    });
    let (port, log) = serve_logged(cert.clone(), tarpit);
    let inv = load_str(
        &format!(
            "schema = 1\n[[tool]]\nid = \"tarpit\"\nname = \"Tarpit\"\ncategory = \"other\"\nurl = \"https://localhost:{port}/\"\ntrust_url = \"https://localhost:{port}/trust\"\n"
        ),
        Format::Toml,
        "bench.toml",
    )
    .unwrap();
    let start = Instant::now();
    let evidence = collect(&inv, &options).unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    let site = evidence.tools[0]
        .site
        .as_ref()
        .and_then(|s| s.error.clone());
    println!(
        "tarpit: 1 tool, default budgets (--tool-budget {} s): {elapsed:.1} s, {} requests; site: {}",
        options.tool_budget.as_secs(),
        log.lock().unwrap().len(),
        site.unwrap_or_default()
    );
}
