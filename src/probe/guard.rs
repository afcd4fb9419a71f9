//! Which addresses a probe may connect to.
//!
//! A CI job must not become a way to reach internal services from a URL that
//! someone put in a pull request. By default every connection to loopback,
//! private (RFC 1918), link-local (with cloud metadata at 169.254.169.254),
//! CGNAT, multicast, unspecified, reserved and IPv6 unique-local or
//! link-local addresses is refused. Names are checked at connection time,
//! on the addresses they actually resolve to (so DNS rebinding cannot slip
//! past), and URLs with IP hosts are checked before each request and each
//! redirect, IPv4-mapped IPv6 unwrapped.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Why an address is refused, or `None` when it is public.
pub fn blocked_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => blocked_v4(v4),
        IpAddr::V6(v6) => blocked_v6(v6),
    }
}

fn blocked_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    Some(match o {
        [0, ..] => "unspecified (0.0.0.0/8)",
        [127, ..] => "loopback",
        [10, ..] => "private (RFC 1918)",
        [172, b, ..] if (16..=31).contains(&b) => "private (RFC 1918)",
        [192, 168, ..] => "private (RFC 1918)",
        [169, 254, 169, 254] => "link-local (cloud metadata service)",
        [169, 254, ..] => "link-local",
        [100, b, ..] if (64..=127).contains(&b) => "shared address space (CGNAT, RFC 6598)",
        [192, 0, 0, _] => "IETF protocol assignments",
        [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => "documentation (RFC 5737)",
        [198, 18 | 19, ..] => "benchmarking (RFC 2544)",
        [a, ..] if (224..=239).contains(&a) => "multicast",
        [a, ..] if a >= 240 => "reserved",
        _ => return None,
    })
}

fn blocked_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return blocked_v4(v4).map(|_| "IPv4-mapped private or local address");
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) embeds an IPv4 address too.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return blocked_v4(v4).map(|_| "NAT64-embedded private or local address");
    }
    // 6to4 (2002::/16) carries an IPv4 address in its next 32 bits.
    if s[0] == 0x2002 {
        let v4 = Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8);
        return blocked_v4(v4).map(|_| "6to4-embedded private or local address");
    }
    Some(match s[0] {
        // Teredo tunnels (2001::/32) reach whatever address they wrap.
        0x2001 if s[1] == 0 => "Teredo tunnel (2001::/32)",
        // Local-use NAT64 (RFC 8215) translates to the site's own network.
        0x64 if s[1] == 0xff9b && s[2] == 1 => "local-use NAT64 (64:ff9b:1::/48)",
        0x2001 if s[1] == 0xdb8 => "documentation (2001:db8::/32)",
        _ if ip.is_unspecified() => "unspecified",
        _ if ip.is_loopback() => "loopback",
        x if x & 0xfe00 == 0xfc00 => "unique local (fc00::/7)",
        x if x & 0xffc0 == 0xfe80 => "link-local (fe80::/10)",
        x if x & 0xffc0 == 0xfec0 => "site-local (fec0::/10)",
        x if x & 0xff00 == 0xff00 => "multicast",
        // ::/96, the deprecated IPv4-compatible form, and other reserved space.
        0 => "reserved",
        _ => return None,
    })
}

/// True when `host` is named by `--allow-host`; IPv6 literals match with
/// or without their brackets (`::1` and `[::1]`).
pub fn is_allowed(host: &str, allowed_hosts: &[String]) -> bool {
    let bare = |h: &str| {
        h.trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase()
    };
    let host = bare(host);
    allowed_hosts.iter().any(|a| bare(a) == host)
}

/// Checks the host of a URL when it is an IP literal (these never reach the resolver).
pub fn check_url_host(url: &reqwest::Url, allowed_hosts: &[String]) -> Result<(), String> {
    if url.host_str().is_some_and(|h| is_allowed(h, allowed_hosts)) {
        return Ok(());
    }
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(url::Host::Domain(_)) => return Ok(()),
        None => return Err("the URL has no host".into()),
    };
    match blocked_reason(ip) {
        Some(why) => Err(format!(
            "refused to connect to {ip}: {why} address (pass --allow-private to allow)"
        )),
        None => Ok(()),
    }
}

/// True for names under the `.invalid` top-level domain, which RFC 6761
/// reserves so that they never resolve.
pub fn is_reserved_invalid(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "invalid" || host.ends_with(".invalid")
}

/// A resolver that drops refused addresses, and fails when none is left
/// (with `guard` off, as under `--allow-private`, it keeps every address).
/// Names in `allowed_hosts` (`--allow-host`) resolve unfiltered. `.invalid`
/// names fail at once, without a query, as RFC 6761 asks of resolvers.
pub struct GuardedResolver {
    pub allowed_hosts: Vec<String>,
    pub guard: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let trusted = !self.guard || is_allowed(&host, &self.allowed_hosts);
        Box::pin(async move {
            if is_reserved_invalid(&host) {
                let msg = format!(
                    "failed to look up {host}: names under .invalid never resolve (RFC 6761)"
                );
                return Err(msg.into());
            }
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if trusted {
                let iter: reqwest::dns::Addrs = Box::new(addrs.into_iter());
                return Ok(iter);
            }
            let mut refused = Vec::new();
            let allowed: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|a| match blocked_reason(a.ip()) {
                    Some(why) => {
                        refused.push(format!("{} ({why})", a.ip()));
                        false
                    }
                    None => true,
                })
                .collect();
            if allowed.is_empty() {
                let msg = format!(
                    "refused to connect to {host}: it resolves only to blocked addresses: {} (pass --allow-private to allow)",
                    refused.join(", ")
                );
                return Err(msg.into());
            }
            let iter: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(iter)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(s: &str) -> bool {
        blocked_reason(s.parse().unwrap()).is_some()
    }

    #[test]
    fn invalid_names_are_reserved() {
        assert!(is_reserved_invalid("vendor.invalid"));
        assert!(is_reserved_invalid("A.INVALID."));
        assert!(!is_reserved_invalid("invalid.example.com"));
        assert!(!is_reserved_invalid("notinvalid"));
    }

    #[test]
    fn loopback() {
        assert!(blocked("127.0.0.1"));
        assert!(blocked("127.255.0.9"));
        assert!(blocked("::1"));
    }

    #[test]
    fn rfc1918() {
        for a in [
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
        ] {
            assert!(blocked(a), "{a}");
        }
        assert!(!blocked("172.15.0.1"));
        assert!(!blocked("172.32.0.1"));
        assert!(!blocked("192.169.0.1"));
    }

    #[test]
    fn link_local_and_cloud_metadata() {
        assert_eq!(
            blocked_reason("169.254.169.254".parse().unwrap()),
            Some("link-local (cloud metadata service)")
        );
        assert!(blocked("169.254.0.1"));
        assert!(blocked("fe80::1"));
        assert!(
            blocked("fd00:ec2::254"),
            "AWS metadata over IPv6 is unique-local"
        );
    }

    #[test]
    fn cgnat_multicast_unspecified_reserved() {
        assert!(blocked("100.64.0.1"));
        assert!(blocked("100.127.255.255"));
        assert!(!blocked("100.128.0.1"));
        assert!(blocked("224.0.0.1"));
        assert!(blocked("ff02::1"));
        assert!(blocked("0.0.0.0"));
        assert!(blocked("::"));
        assert!(blocked("255.255.255.255"));
    }

    #[test]
    fn ipv6_unique_local() {
        assert!(blocked("fc00::1"));
        assert!(blocked("fdff:ffff::1"));
    }

    #[test]
    fn ipv4_mapped_and_nat64_are_unwrapped() {
        assert!(blocked("::ffff:127.0.0.1"));
        assert!(blocked("::ffff:10.1.2.3"));
        assert!(blocked("::ffff:169.254.169.254"));
        assert!(!blocked("::ffff:8.8.8.8"));
        assert!(blocked("64:ff9b::7f00:1"));
        assert!(!blocked("64:ff9b::808:808"));
    }

    #[test]
    fn tunnels_and_documentation_ranges() {
        // 6to4 wrapping 127.0.0.1 and 10.0.0.1; a public one passes.
        assert!(blocked("2002:7f00:1::"));
        assert!(blocked("2002:a00:1::1"));
        assert!(!blocked("2002:808:808::1"));
        assert_eq!(
            blocked_reason("2001:0:4136:e378::1".parse().unwrap()),
            Some("Teredo tunnel (2001::/32)")
        );
        assert_eq!(
            blocked_reason("64:ff9b:1::a00:1".parse().unwrap()),
            Some("local-use NAT64 (64:ff9b:1::/48)")
        );
        for a in ["192.0.2.1", "198.51.100.7", "203.0.113.255", "2001:db8::1"] {
            assert!(blocked(a), "{a}");
        }
        assert!(!blocked("203.0.114.1"));
    }

    #[test]
    fn allow_host_matches_ipv6_with_or_without_brackets() {
        let url = reqwest::Url::parse("https://[::1]:8443/").unwrap();
        assert!(check_url_host(&url, &["::1".into()]).is_ok());
        assert!(check_url_host(&url, &["[::1]".into()]).is_ok());
        assert!(check_url_host(&url, &["::2".into()]).is_err());
    }

    #[test]
    fn public_addresses_pass() {
        for a in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "2606:4700::1111",
            "2001:4860:4860::8888",
        ] {
            assert!(!blocked(a), "{a}");
        }
    }

    #[test]
    fn ip_literal_urls_are_checked_however_written() {
        for u in [
            "https://127.0.0.1/",
            "https://[::ffff:127.0.0.1]/",
            "https://2130706433/",
            "https://0x7f.1/",
            "https://[::1]:8443/x",
            "https://169.254.169.254/latest/meta-data/",
        ] {
            let url = reqwest::Url::parse(u).unwrap();
            assert!(check_url_host(&url, &[]).is_err(), "{u}");
        }
        assert!(check_url_host(&reqwest::Url::parse("https://8.8.8.8/").unwrap(), &[]).is_ok());
        assert!(check_url_host(&reqwest::Url::parse("https://example.com/").unwrap(), &[]).is_ok());
        assert!(
            check_url_host(
                &reqwest::Url::parse("https://127.0.0.1/").unwrap(),
                &["127.0.0.1".into()]
            )
            .is_ok()
        );
    }
}
