//! A small HTTPS server on 127.0.0.1 for probe tests and the probe
//! benchmark: a test CA from rcgen, rustls, and a router closure.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

pub struct Ca {
    pub issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    pub fn new() -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "stackaudit test CA");
        Ca {
            issuer: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap(),
        }
    }

    /// A certificate for localhost and 127.0.0.1, valid until `days` from today.
    pub fn leaf(&self, days: i64) -> (Vec<u8>, Vec<u8>) {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        let date = |offset: i64| {
            let d = jiff::Zoned::now()
                .date()
                .checked_add(jiff::Span::new().days(offset))
                .unwrap();
            rcgen::date_time_ymd(i32::from(d.year()), d.month() as u8, d.day() as u8)
        };
        params.not_before = date(-30);
        params.not_after = date(days);
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.der().to_vec(), key.serialize_der())
    }
}

/// What a route answers.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

pub fn reply(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    Reply {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
        delay: Duration::ZERO,
    }
}

pub type Router = Arc<dyn Fn(&str, usize) -> Reply + Send + Sync>;

/// One request as the server received it: when, and its head (request
/// line and headers).
#[derive(Clone, Debug)]
pub struct Received {
    pub at: std::time::Instant,
    pub head: String,
}

pub type Log = Arc<std::sync::Mutex<Vec<Received>>>;

/// An HTTPS server on 127.0.0.1 that answers each request through `router`
/// (path, and how many requests this path has had). Runs until the test ends.
pub fn serve(cert: (Vec<u8>, Vec<u8>), router: Router) -> u16 {
    serve_logged(cert, router).0
}

/// [`serve`], also returning the log of every request received.
pub fn serve_logged(cert: (Vec<u8>, Vec<u8>), router: Router) -> (u16, Log) {
    let log: Log = Default::default();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(cert.0)],
            rustls::pki_types::PrivateKeyDer::Pkcs8(cert.1.into()),
        )
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let counts: Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>> =
        Default::default();
    let server_log = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            let router = router.clone();
            let counts = counts.clone();
            let log = server_log.clone();
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut reader = BufReader::new(&mut tls);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    return;
                }
                let at = std::time::Instant::now();
                let mut head = request_line.clone();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                log.lock().unwrap().push(Received { at, head });
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_string();
                let n = {
                    let mut c = counts.lock().unwrap();
                    let e = c.entry(path.clone()).or_insert(0);
                    *e += 1;
                    *e
                };
                let r = router(&path, n);
                std::thread::sleep(r.delay);
                let mut head = format!(
                    "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    r.status,
                    r.body.len()
                );
                for (k, v) in &r.headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = tls.write_all(head.as_bytes());
                let _ = tls.write_all(&r.body);
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    (port, log)
}

/// An HTTP CONNECT proxy on 127.0.0.1 that tunnels to 127.0.0.1 only.
/// Runs until the test ends.
pub fn connect_proxy() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    return;
                }
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                let target_port = request_line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|t| t.rsplit(':').next())
                    .and_then(|p| p.parse::<u16>().ok());
                let mut client = client;
                let Some(upstream) =
                    target_port.and_then(|p| std::net::TcpStream::connect(("127.0.0.1", p)).ok())
                else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
                    return;
                };
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
                let mut down_write = client.try_clone().unwrap();
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut up_read, &mut down_write);
                });
                let _ = std::io::copy(&mut reader, &mut up_write);
            });
        }
    });
    port
}
