//! Who is asking: the address per-client limits count against.
//!
//! Behind a reverse proxy every request comes from the proxy, and the client's
//! address is in `X-Forwarded-For`, which each proxy extends on the right with
//! the address it received the request from. Everything left of the nearest
//! proxy's entry was written by whoever sent the request, so the first entry is
//! whatever a client wants it to be. The client is therefore read from the
//! right: skip the entries of proxies named as trusted, and take the first
//! address that is not one of them. A request that does not come from a trusted
//! proxy is the client itself, whatever headers it carries.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The proxies whose `X-Forwarded-For` entries are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "HOCPHI_TRUST_PROXY: {0:?} is not an address or a network; name your proxies, \
     e.g. 127.0.0.1 or 10.0.0.0/24,10.0.1.5"
)]
pub struct NotAProxy(pub String);

impl std::str::FromStr for TrustedProxies {
    type Err = NotAProxy;

    /// A comma-separated list of addresses and networks. `true` (what earlier
    /// versions took) means a proxy on this machine: loopback only.
    fn from_str(text: &str) -> Result<Self, NotAProxy> {
        let text = text.trim();
        match text {
            "" | "false" | "off" => return Ok(TrustedProxies::default()),
            "true" | "on" | "loopback" => return "127.0.0.0/8,::1".parse(),
            _ => {}
        }
        text.split(',')
            .map(str::trim)
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| NotAProxy(item.to_string()))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    pub fn none() -> Self {
        TrustedProxies::default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.0.iter().any(|net| net.contains(&addr))
    }

    /// The client's address, given the peer that connected and the headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return canonical(peer);
        }
        // Several headers are one list, in order.
        let entries: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut nearest = canonical(peer);
        for entry in entries.iter().rev() {
            match parse_entry(entry) {
                Some(addr) if self.trusts(addr) => nearest = addr,
                Some(addr) => return addr,
                // A trusted proxy writes addresses: anything else came from the
                // client, so the client is the hop that passed it on.
                None => return nearest,
            }
        }
        nearest
    }
}

/// An `X-Forwarded-For` entry: an address, maybe with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:80`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(addr) = entry.parse::<IpAddr>() {
        return Some(canonical(addr));
    }
    entry
        .parse::<std::net::SocketAddr>()
        .ok()
        .map(|s| canonical(s.ip()))
}

/// IPv4 written as IPv6 (`::ffff:1.2.3.4`) is the IPv4 address: one client, one key.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append("x-forwarded-for", v.parse().unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_client_is_the_nearest_untrusted_hop_read_from_the_right() {
        let proxies: TrustedProxies = "127.0.0.1, 10.0.0.0/24".parse().unwrap();
        // nginx on this machine appends the address it saw.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &headers(&["203.0.113.7"])),
            ip("203.0.113.7")
        );
        // A client that writes its own header cannot choose its address.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &headers(&["1.1.1.1, 203.0.113.7"])),
            ip("203.0.113.7")
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &headers(&["1.1.1.1", "203.0.113.7"])),
            ip("203.0.113.7")
        );
        // Two proxies: the load balancer (10.0.0.5) and nginx.
        assert_eq!(
            proxies.client(
                ip("127.0.0.1"),
                &headers(&["9.9.9.9, 203.0.113.7, 10.0.0.5"])
            ),
            ip("203.0.113.7")
        );
        // Garbage left of the proxies is the client's own writing.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &headers(&["not-an-ip, 10.0.0.5"])),
            ip("10.0.0.5")
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &headers(&["[2001:db8::1]:4711"])),
            ip("2001:db8::1")
        );
        // No header from a trusted proxy: the proxy is all we know.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &headers(&[])),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let proxies: TrustedProxies = "10.0.0.0/24".parse().unwrap();
        assert_eq!(
            proxies.client(ip("198.51.100.9"), &headers(&["10.0.0.5", "1.2.3.4"])),
            ip("198.51.100.9")
        );
        assert_eq!(
            TrustedProxies::none().client(ip("127.0.0.1"), &headers(&["1.2.3.4"])),
            ip("127.0.0.1")
        );
        assert_eq!(
            proxies.client(ip("::ffff:198.51.100.9"), &headers(&[])),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn settings_name_addresses_and_networks() {
        assert!("".parse::<TrustedProxies>().unwrap().is_empty());
        assert!("false".parse::<TrustedProxies>().unwrap().is_empty());
        let loopback: TrustedProxies = "true".parse().unwrap();
        assert!(loopback.trusts(ip("127.0.0.1")) && loopback.trusts(ip("::1")));
        assert!(!loopback.trusts(ip("10.0.0.1")));
        assert_eq!(
            "10.0.0.0/33".parse::<TrustedProxies>(),
            Err(NotAProxy("10.0.0.0/33".into()))
        );
        assert_eq!(
            "nginx".parse::<TrustedProxies>(),
            Err(NotAProxy("nginx".into()))
        );
    }
}
