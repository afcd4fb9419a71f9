//! `stackaudit discover` against a loopback HTTPS server that answers as
//! Okta's apps API does: pages linked by `Link: rel="next"`, a 429 with
//! `X-Rate-Limit-Reset`, and a redirect to another host that must never
//! receive the token.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[path = "support/https_server.rs"]
mod https_server;
use https_server::{Ca, Router, reply, serve_logged};

const TOKEN: &str = "00aTestTokenForLoopbackOnly";

fn app(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("0oa{i:03}"),
        "name": format!("app{i}"),
        "label": format!("App {i}"),
        "status": "ACTIVE",
        "signOnMode": "SAML_2_0",
        "settings": {"app": {"loginUrl": format!("https://app{i}.example.com")}}
    })
}

fn page(range: std::ops::Range<usize>) -> Vec<u8> {
    serde_json::to_vec(&range.map(app).collect::<Vec<_>>()).unwrap()
}

fn epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn discover(port: u16, ca: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(["discover", "--okta-domain", &format!("localhost:{port}")])
        .arg("--ca-cert")
        .arg(ca)
        .args([
            "--allow-private",
            "--timeout",
            "5",
            "--max-retry-after",
            "5",
        ])
        .arg("-o")
        .arg(out)
        .env("OKTA_API_TOKEN", TOKEN)
        .output()
        .unwrap()
}

#[test]
fn pages_through_the_apps_and_waits_out_a_429() {
    let ca = Ca::new();
    let port_cell = Arc::new(std::sync::OnceLock::<u16>::new());
    let p = port_cell.clone();
    let router: Router = Arc::new(move |path: &str, n: usize| {
        let port = *p.get().unwrap();
        let next = |after: &str| {
            format!("<https://localhost:{port}/api/v1/apps?after={after}&limit=200>; rel=\"next\"")
        };
        match path {
            "/api/v1/apps?limit=200" => reply(
                200,
                &[("Link", &next("p2")), ("X-Rate-Limit-Remaining", "99")],
                &page(0..20),
            ),
            // The second page is rate limited once.
            "/api/v1/apps?after=p2&limit=200" if n == 1 => {
                let reset = (epoch() + 1).to_string();
                reply(
                    429,
                    &[
                        ("X-Rate-Limit-Remaining", "0"),
                        ("X-Rate-Limit-Reset", &reset),
                    ],
                    b"{\"errorCode\":\"E0000047\"}",
                )
            }
            "/api/v1/apps?after=p2&limit=200" => {
                reply(200, &[("Link", &next("p3"))], &page(20..40))
            }
            "/api/v1/apps?after=p3&limit=200" => reply(200, &[], &page(40..55)),
            _ => reply(404, &[], b"[]"),
        }
    });
    let (port, log) = serve_logged(ca.leaf(30), router);
    port_cell.set(port).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, ca.issuer.pem()).unwrap();
    let out = dir.path().join("apps.json");
    let started = std::time::Instant::now();
    let o = discover(port, &ca_path, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let apps: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(apps.len(), 55);
    assert_eq!(apps[54]["label"], "App 54");
    let log = log.lock().unwrap();
    let paths: Vec<&str> = log
        .iter()
        .map(|r| r.head.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v1/apps?limit=200",
            "/api/v1/apps?after=p2&limit=200",
            "/api/v1/apps?after=p2&limit=200",
            "/api/v1/apps?after=p3&limit=200"
        ]
    );
    // The retry came after the reset, not at once.
    let gap = log[2].at.duration_since(log[1].at);
    assert!(gap >= Duration::from_millis(400), "retried after {gap:?}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        log.iter()
            .all(|r| r.head.contains(&format!("authorization: SSWS {TOKEN}"))
                || r.head.contains(&format!("Authorization: SSWS {TOKEN}")))
    );
    // The file is what `audit --idp` and `import` read.
    let stack = dir.path().join("stack.toml");
    std::fs::write(
        &stack,
        "schema = 1\n[[tool]]\nid = \"a1\"\nname = \"App 1\"\ncategory = \"other\"\n",
    )
    .unwrap();
    let audit = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(["audit", "-f", "json", "--fail-on", "never", "--idp"])
        .arg(&out)
        .arg(&stack)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    let unlisted = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "inventory-unlisted-app")
        .count();
    assert_eq!(unlisted, 54);
}

#[test]
fn the_token_never_leaves_the_configured_domain() {
    // Another host (127.0.0.1 is a different host name from localhost)
    // that records whatever reaches it.
    let ca = Ca::new();
    let (other_port, other_log) =
        serve_logged(ca.leaf(30), Arc::new(|_: &str, _| reply(200, &[], b"[]")));
    let redirect_to = format!("https://127.0.0.1:{other_port}/steal");
    let next_elsewhere =
        format!("<https://127.0.0.1:{other_port}/api/v1/apps?after=x>; rel=\"next\"");
    let (r1, n1) = (redirect_to.clone(), next_elsewhere.clone());
    let router: Router = Arc::new(move |path: &str, _| match path {
        "/api/v1/apps?limit=200" => reply(302, &[("Location", &r1)], b""),
        _ => reply(404, &[], b""),
    });
    let (port, _) = serve_logged(ca.leaf(30), router);
    let dir = tempfile::tempdir().unwrap();
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, ca.issuer.pem()).unwrap();
    let out = dir.path().join("apps.json");
    let o = discover(port, &ca_path, &out);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("redirect to https://127.0.0.1:"), "{err}");
    assert!(
        err.contains("the token is only ever sent to localhost"),
        "{err}"
    );
    assert!(!err.contains(TOKEN));
    assert!(!out.exists(), "nothing is written");

    // A next link to another host is refused too.
    let router: Router = Arc::new(move |path: &str, _| match path {
        "/api/v1/apps?limit=200" => reply(200, &[("Link", &n1)], &page(0..3)),
        _ => reply(404, &[], b""),
    });
    let (port, _) = serve_logged(ca.leaf(30), router);
    let o = discover(port, &ca_path, &out);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "the next link points to 127.0.0.1, not localhost; the token is not sent there"
        ),
        "{err}"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        other_log.lock().unwrap().is_empty(),
        "the other host received a request"
    );
}

#[test]
fn without_a_token_discover_says_where_to_get_one() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(["discover", "--okta-domain", "example.okta.com"])
        .env_remove("OKTA_API_TOKEN")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("set OKTA_API_TOKEN"));
}
