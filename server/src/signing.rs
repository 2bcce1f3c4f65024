//! The one signature scheme hocphi speaks with other servers, both ways: a
//! bank signing its notifications to us, and us signing events to a school's
//! software. HMAC-SHA256 over `"<timestamp>.<body>"`, so a captured request
//! cannot be replayed with another time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The MAC of `"<timestamp>.<body>"` under `secret`, ready to finalise or verify.
pub fn timestamped_mac(secret: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}
