//! Access tokens for parents' devices. A lookup with the right student code and
//! date of birth earns the device a signed, expiring token for that one child; the
//! device keeps the token instead of the date of birth, and no link ever carries it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;
const TAG_LEN: usize = 20;

pub struct TokenKey([u8; 32]);

impl TokenKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        TokenKey(bytes)
    }

    fn mac(&self, payload: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("any key length");
        mac.update(b"hocphi child access v1\0");
        mac.update(payload);
        mac
    }

    /// A token for one device. Eight random bytes make each issue unique, so a
    /// parent who forgets one phone (which ends that token) does not end the
    /// token another phone got for the same child in the same second.
    pub fn issue(&self, student_id: i64, expires_at: i64) -> String {
        let mut payload = [0u8; 24];
        payload[..8].copy_from_slice(&student_id.to_be_bytes());
        payload[8..16].copy_from_slice(&expires_at.to_be_bytes());
        getrandom::fill(&mut payload[16..]).expect("the operating system's random source");
        let tag = self.mac(&payload).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(&tag[..TAG_LEN])
        )
    }

    /// The student id, if the token is ours, untampered and not expired.
    pub fn verify(&self, token: &str, now: i64) -> Option<i64> {
        self.verify_with_expiry(token, now)
            .map(|(student_id, _)| student_id)
    }

    /// The student id and the token's expiry (which dates its issue: a token
    /// lives a fixed time), if the token is ours, untampered and not expired.
    pub fn verify_with_expiry(&self, token: &str, now: i64) -> Option<(i64, i64)> {
        let (payload, tag) = token.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        // 16 bytes: tokens issued before the random part (still valid until they expire).
        if !matches!(payload.len(), 16 | 24) || tag.len() != TAG_LEN {
            return None;
        }
        self.mac(&payload).verify_truncated_left(&tag).ok()?;
        let student_id = i64::from_be_bytes(payload[..8].try_into().ok()?);
        let expires_at = i64::from_be_bytes(payload[8..16].try_into().ok()?);
        (now < expires_at).then_some((student_id, expires_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_its_own_tokens_until_they_expire() {
        let key = TokenKey::new([7; 32]);
        let token = key.issue(42, 1_000);
        assert_eq!(key.verify(&token, 999), Some(42));
        assert_eq!(key.verify(&token, 1_000), None);
        assert_eq!(
            TokenKey::new([8; 32]).verify(&token, 0),
            None,
            "another server's key"
        );
    }

    #[test]
    fn each_issue_is_unique_and_earlier_tokens_still_verify() {
        let key = TokenKey::new([7; 32]);
        assert_ne!(key.issue(42, 1_000), key.issue(42, 1_000));
        // A token as issued before the random part: 16 bytes of payload.
        let mut payload = [0u8; 16];
        payload[..8].copy_from_slice(&42i64.to_be_bytes());
        payload[8..].copy_from_slice(&1_000i64.to_be_bytes());
        let tag = key.mac(&payload).finalize().into_bytes();
        let old = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(&tag[..TAG_LEN])
        );
        assert_eq!(key.verify(&old, 999), Some(42));
    }

    #[test]
    fn rejects_tampering() {
        let key = TokenKey::new([7; 32]);
        let token = key.issue(42, 1_000);
        let other = key.issue(43, 1_000);
        let (p1, _) = token.split_once('.').unwrap();
        let (_, t2) = other.split_once('.').unwrap();
        assert_eq!(key.verify(&format!("{p1}.{t2}"), 0), None);
        for bad in ["", ".", "abc", "abc.def", &token[..token.len() - 1]] {
            assert_eq!(key.verify(bad, 0), None, "{bad}");
        }
    }
}
