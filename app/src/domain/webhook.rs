//! Outgoing events: which addresses a school may register, and when a failed
//! delivery is tried again.

/// Why an address cannot receive events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressProblem {
    /// Not an absolute `https://host/...` address.
    NotHttps,
    /// A private, link-local or otherwise internal address: the server must not
    /// be made to call into the network it runs in.
    Internal,
    /// Longer than a browser would send.
    TooLong,
}

/// Checks an address a school registers, and again before each send: HTTPS to
/// a public host. Plain HTTP and this machine's own addresses only when the
/// operator allows loopback (a school's software running beside hocphi; tests).
/// The URL is read by the same WHATWG parser the HTTP client uses, so `127.1`,
/// `0x7f.0.0.1`, `a\\b` tricks and IPv4-mapped IPv6 are seen as what they are.
#[cfg(feature = "ssr")]
pub fn check_address(address: &str, allow_loopback: bool) -> Result<(), AddressProblem> {
    let address = address.trim();
    if address.len() > 500 {
        return Err(AddressProblem::TooLong);
    }
    let parsed = url::Url::parse(address).map_err(|_| AddressProblem::NotHttps)?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(AddressProblem::NotHttps);
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            if d == "localhost" || d.ends_with(".localhost") {
                true
            } else if !d.contains('.')
                || [
                    ".local",
                    ".internal",
                    ".lan",
                    ".home.arpa",
                    ".intranet",
                    ".corp",
                ]
                .iter()
                .any(|s| d.ends_with(s))
            {
                return Err(AddressProblem::Internal);
            } else {
                false
            }
        }
        Some(url::Host::Ipv4(ip)) => {
            let ip = std::net::IpAddr::V4(ip);
            if !ip.is_loopback() && !is_public_ip(ip) {
                return Err(AddressProblem::Internal);
            }
            ip.is_loopback()
        }
        Some(url::Host::Ipv6(ip)) => {
            let ip = std::net::IpAddr::V6(ip);
            if !ip.is_loopback() && !is_public_ip(ip) {
                return Err(AddressProblem::Internal);
            }
            ip.is_loopback()
        }
        None => return Err(AddressProblem::NotHttps),
    };
    match (parsed.scheme(), loopback) {
        (_, true) if !allow_loopback => Err(AddressProblem::Internal),
        ("https", _) => Ok(()),
        ("http", true) => Ok(()),
        _ => Err(AddressProblem::NotHttps),
    }
}

/// An address on the public internet: not private, loopback, link-local,
/// shared (CGNAT), documentation, benchmarking, multicast or reserved.
pub fn is_public_ip(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || (a == 192 && b == 0 && c == 0))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_ip(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || first & 0xfe00 == 0xfc00
                || first & 0xffc0 == 0xfe80
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)
                || v6.segments()[..6].iter().all(|s| *s == 0))
        }
    }
}

/// Seconds to wait after the `attempts`-th failed attempt, or None to give up
/// (after the first try and ten retries):
/// about two days of tries, so a receiver down over a weekend still gets
/// everything.
pub fn retry_after(attempts: u32) -> Option<i64> {
    const SCHEDULE: [i64; 10] = [
        30,
        2 * 60,
        10 * 60,
        30 * 60,
        60 * 60,
        2 * 3600,
        4 * 3600,
        8 * 3600,
        12 * 3600,
        24 * 3600,
    ];
    SCHEDULE.get(attempts.checked_sub(1)? as usize).copied()
}

/// Why a delivery did not arrive, stored by code (`last_error`) and put into
/// words by the accountant's page in their language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryProblem {
    /// The receiver answered, but not with 2xx (its status is kept beside).
    Refused,
    /// The address is internal or not HTTPS (the rules tightened since).
    NotAllowed,
    /// The signing secret cannot be opened (the master key changed).
    Secret,
    /// No answer within the time allowed.
    Timeout,
    /// The name points only to internal addresses.
    InternalName,
    /// Nothing answered at that address.
    Connect,
    /// The request failed otherwise.
    Request,
}

impl DeliveryProblem {
    const ALL: [DeliveryProblem; 7] = [
        DeliveryProblem::Refused,
        DeliveryProblem::NotAllowed,
        DeliveryProblem::Secret,
        DeliveryProblem::Timeout,
        DeliveryProblem::InternalName,
        DeliveryProblem::Connect,
        DeliveryProblem::Request,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeliveryProblem::Refused => "refused",
            DeliveryProblem::NotAllowed => "not-allowed",
            DeliveryProblem::Secret => "secret",
            DeliveryProblem::Timeout => "timeout",
            DeliveryProblem::InternalName => "internal-name",
            DeliveryProblem::Connect => "connect",
            DeliveryProblem::Request => "request",
        }
    }

    pub fn parse(code: &str) -> Option<DeliveryProblem> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// The event kinds a receiver may see.
pub const KINDS: [&str; 6] = [
    "invoice.issued",
    "invoice.voided",
    "payment.settled",
    "payment.reversed",
    "receipt.issued",
    "receipt.cancelled",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn https_to_public_hosts_and_loopback_only_when_the_operator_allows() {
        assert_eq!(
            check_address("https://sms.truong.edu.vn/hooks/hocphi", false),
            Ok(())
        );
        assert_eq!(
            check_address("https://sms.example.com:8443/h?x=1", false),
            Ok(())
        );
        assert_eq!(check_address("https://203.113.131.5/h", false), Ok(()));
        for local in [
            "http://127.0.0.1:9000/events",
            "http://localhost:9000/events",
            "http://[::1]:9000/",
            "https://127.0.0.1/",
        ] {
            assert_eq!(check_address(local, true), Ok(()), "{local}");
            assert_eq!(
                check_address(local, false),
                Err(AddressProblem::Internal),
                "{local}"
            );
        }
        assert_eq!(
            check_address("http://sms.example.com/h", true),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("ftp://sms.example.com/h", false),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("sms.example.com/h", false),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("https://user@sms.example.com/", false),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("https://a.example.com:99999/", false),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("https://a b.example.com/", false),
            Err(AddressProblem::NotHttps)
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn internal_addresses_are_refused_however_they_are_written() {
        for url in [
            "https://10.0.0.5/h",
            "https://192.168.1.10/h",
            "https://172.16.3.4/h",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.5]/",
            "https://[::ffff:127.0.0.1]/",
            "https://127.1/",
            "https://0x7f.0.0.1/",
            "https://2130706433/",
            "https://10.0.0.5\\.x.example.com/",
            "https://localhost/",
            "https://intranet/",
            "https://db.internal/",
            "https://printer.local/",
        ] {
            assert_eq!(
                check_address(url, false),
                Err(AddressProblem::Internal),
                "{url}"
            );
        }
        assert_eq!(
            check_address(&format!("https://a.example.com/{}", "x".repeat(500)), false),
            Err(AddressProblem::TooLong)
        );
    }

    #[test]
    fn delivery_problems_are_stored_by_code_and_read_back() {
        for p in DeliveryProblem::ALL {
            assert_eq!(DeliveryProblem::parse(p.code()), Some(p));
        }
        assert_eq!(DeliveryProblem::parse("could not connect"), None);
    }

    #[test]
    fn retries_back_off_then_stop_after_about_two_days() {
        assert_eq!(retry_after(0), None);
        assert_eq!(retry_after(1), Some(30));
        let waits: Vec<i64> = (1..).map_while(retry_after).collect();
        assert_eq!(waits.len(), 10);
        assert!(waits.windows(2).all(|w| w[0] < w[1]));
        let total: i64 = waits.iter().sum();
        assert!((36 * 3600..72 * 3600).contains(&total), "{total}");
        assert_eq!(retry_after(11), None);
    }
}
