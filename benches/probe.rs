//! Probes N loopback HTTPS endpoints that each answer after 200 ms, with
//! concurrency 16, and compares the wall time to the ideal
//! ceil(N / 16) × 0.2 s. Peak memory is read from /proc/self/status.
//!
//!     cargo bench --bench probe                 # 200 endpoints
//!     cargo bench --bench probe -- 400

use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/support/https_server.rs"]
mod https_server;

use https_server::{Ca, Reply, serve};
use stackaudit::inventory::{load_str, source::Format};
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

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200);
    let ca = Ca::new();
    let cert = ca.leaf(400);
    let delay = Duration::from_millis(200);
    let mut text = String::from("schema = 1\n");
    for i in 0..n {
        let router: https_server::Router = Arc::new(move |_: &str, _| Reply {
            status: 200,
            headers: vec![],
            body: b"ok".to_vec(),
            delay,
        });
        let port = serve(cert.clone(), router);
        text.push_str(&format!("[[tool]]\nid = \"t{i}\"\nname = \"T{i}\"\ncategory = \"other\"\ntrust_url = \"https://localhost:{port}/trust\"\n"));
    }
    let inv = load_str(&text, Format::Toml, "bench.toml").unwrap();
    let options = ProbeOptions {
        allow_private: true,
        ca_certs: vec![ca.issuer.pem().into_bytes()],
        concurrency: 16,
        ..ProbeOptions::default()
    };
    let before = peak_rss_mib();
    let start = Instant::now();
    let evidence = collect(&inv, &options).unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    let ok = evidence
        .tools
        .iter()
        .filter(|t| t.trust_page.as_ref().is_some_and(|p| p.ok()))
        .count();
    let ideal = (n as f64 / 16.0).ceil() * delay.as_secs_f64();
    println!(
        "{n} endpoints, concurrency 16: {elapsed:.2} s (ideal {ideal:.1} s, ratio {:.2}); {ok}/{n} reachable",
        elapsed / ideal
    );
    println!(
        "peak RSS: {before:.1} MiB before probing, {:.1} MiB after",
        peak_rss_mib()
    );
}
