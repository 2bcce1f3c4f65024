//! The master key that seals secrets stored in the database (schools' receipt
//! signing keys): kept outside the database, so a copied database file or
//! backup alone cannot sign receipts.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

pub struct Vault {
    cipher: XChaCha20Poly1305,
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the master key must be 32 bytes, base64url")]
    BadKey,
    #[error("a sealed value is damaged, or sealed with another master key")]
    Unsealable,
}

impl Vault {
    pub fn new(key: &[u8; 32]) -> Vault {
        Vault {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// A fresh random master key, base64url (for a key file).
    pub fn generate() -> String {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the operating system's random source");
        B64.encode(key)
    }

    pub fn from_text(text: &str) -> Result<Vault, VaultError> {
        let bytes: [u8; 32] = B64
            .decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(VaultError::BadKey)?;
        Ok(Vault::new(&bytes))
    }

    /// `v1.<nonce>.<ciphertext>`; `context` binds the value to its place (e.g. the key id).
    pub fn seal(&self, plaintext: &[u8], context: &str) -> String {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).expect("the operating system's random source");
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .expect("encryption of a small value");
        format!("v1.{}.{}", B64.encode(nonce), B64.encode(sealed))
    }

    pub fn open(&self, sealed: &str, context: &str) -> Result<Vec<u8>, VaultError> {
        let mut parts = sealed.split('.');
        let (Some("v1"), Some(nonce), Some(body), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VaultError::Unsealable);
        };
        let nonce = B64.decode(nonce).map_err(|_| VaultError::Unsealable)?;
        let body = B64.decode(body).map_err(|_| VaultError::Unsealable)?;
        if nonce.len() != 24 {
            return Err(VaultError::Unsealable);
        }
        self.cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Unsealable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let vault = Vault::from_text(&Vault::generate()).unwrap();
        let sealed = vault.seal(b"secret", "k1");
        assert_eq!(vault.open(&sealed, "k1").unwrap(), b"secret");
        assert!(vault.open(&sealed, "k2").is_err());
        let other = Vault::from_text(&Vault::generate()).unwrap();
        assert!(other.open(&sealed, "k1").is_err());
        assert!(Vault::from_text("short").is_err());
    }
}
