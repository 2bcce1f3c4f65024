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

/// Checks an address a school registers. HTTPS only, except plain HTTP to this
/// very machine (a school's software running beside hocphi, and tests).
pub fn check_address(url: &str) -> Result<(), AddressProblem> {
    let url = url.trim();
    if url.len() > 500 {
        return Err(AddressProblem::TooLong);
    }
    let (secure, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(AddressProblem::NotHttps);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') || url.chars().any(char::is_whitespace) {
        return Err(AddressProblem::NotHttps);
    }
    let host = host_of(authority).ok_or(AddressProblem::NotHttps)?;
    let loopback = is_loopback(&host);
    if !secure {
        return if loopback {
            Ok(())
        } else {
            Err(AddressProblem::NotHttps)
        };
    }
    if loopback || is_internal(&host) {
        return Err(AddressProblem::Internal);
    }
    Ok(())
}

/// The host of `host[:port]` or `[v6]:port`, lower case.
fn host_of(authority: &str) -> Option<String> {
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split_once(']')?.0
    } else {
        let (host, port) = authority.rsplit_once(':').unwrap_or((authority, "1"));
        port.parse::<u16>().ok()?;
        host
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn is_internal(host: &str) -> bool {
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || ip.octets()[0] == 100 && (64..128).contains(&ip.octets()[1])
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            let first = ip.segments()[0];
            ip.is_unspecified() || first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80
        }
        // A name: internal ones by convention; public names are resolved by the sender.
        Err(_) => {
            !host.contains('.')
                || [".local", ".internal", ".lan", ".home.arpa"]
                    .iter()
                    .any(|s| host.ends_with(s))
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

    #[test]
    fn https_anywhere_public_http_only_to_this_machine() {
        assert_eq!(
            check_address("https://sms.truong.edu.vn/hooks/hocphi"),
            Ok(())
        );
        assert_eq!(check_address("https://sms.example.com:8443/h?x=1"), Ok(()));
        assert_eq!(check_address("http://127.0.0.1:9000/events"), Ok(()));
        assert_eq!(check_address("http://localhost:9000/events"), Ok(()));
        assert_eq!(check_address("http://[::1]:9000/"), Ok(()));
        assert_eq!(
            check_address("http://sms.example.com/h"),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("ftp://sms.example.com/h"),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("sms.example.com/h"),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("https://user@sms.example.com/"),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("https:///path"),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("https://a.example.com:99999/"),
            Err(AddressProblem::NotHttps)
        );
        assert_eq!(
            check_address("https://a b.example.com/"),
            Err(AddressProblem::NotHttps)
        );
    }

    #[test]
    fn internal_addresses_are_refused_even_over_https() {
        for url in [
            "https://10.0.0.5/h",
            "https://192.168.1.10/h",
            "https://172.16.3.4/h",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://127.0.0.1/",
            "https://localhost/",
            "https://intranet/",
            "https://db.internal/",
            "https://printer.local/",
        ] {
            assert_eq!(check_address(url), Err(AddressProblem::Internal), "{url}");
        }
        assert_eq!(
            check_address(&format!("https://a.example.com/{}", "x".repeat(500))),
            Err(AddressProblem::TooLong)
        );
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
