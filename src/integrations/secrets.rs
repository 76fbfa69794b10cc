//! Credentials at rest: sealed with AES-256-GCM (the `aes-gcm` crate) under the key of
//! `INTEGRATIONS_KEY`, a fresh random nonce each time, stored as `v1:` and the hex of nonce and
//! ciphertext. A value sealed under another key (or altered) does not open: the tag check fails.
//! Webhook signatures are HMAC-SHA256 (the `hmac` crate), checked in constant time.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use hmac::{Hmac, KeyInit as _, Mac};
use sha2::Sha256;

const PREFIX: &str = "v1:";

#[derive(Clone)]
pub struct Vault {
    cipher: Aes256Gcm,
}

impl Vault {
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
        }
    }

    pub fn seal(&self, plain: &str) -> String {
        let nonce: [u8; 12] = rand::random();
        // Encrypting in memory with a valid key and nonce cannot fail.
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{PREFIX}{}", hex::encode(out))
    }

    /// The plain text, or why it cannot be had (the message an admin reads).
    pub fn open(&self, sealed: &str) -> Result<String, String> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|h| hex::decode(h).ok())
            .filter(|b| b.len() > 12)
            .ok_or("The stored credential is damaged; enter it again.")?;
        let (nonce, body) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| {
                "The stored credential was sealed with another INTEGRATIONS_KEY; enter it again."
            })?;
        String::from_utf8(plain)
            .map_err(|_| "The stored credential is damaged; enter it again.".into())
    }
}

/// HMAC-SHA256 over "{timestamp}.{body}"; HMAC takes a key of any length, so this is always
/// `Some`.
fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// The signature a provider sends for `body` at `timestamp`: hex of HMAC-SHA256 over
/// "{timestamp}.{body}".
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    mac(secret, timestamp, body)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default()
}

/// Whether `signature` (hex) is the HMAC of the body at that timestamp; compared in constant time.
pub fn verify(secret: &str, timestamp: i64, body: &[u8], signature: &str) -> bool {
    let Ok(given) = hex::decode(signature.trim()) else {
        return false;
    };
    mac(secret, timestamp, body).is_some_and(|m| m.verify_slice(&given).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_with_their_key_only() {
        let vault = Vault::new(&[1; 32]);
        let sealed = vault.seal("api-key-123");
        assert!(sealed.starts_with("v1:") && !sealed.contains("api-key"));
        assert_ne!(sealed, vault.seal("api-key-123"), "a fresh nonce each time");
        assert_eq!(vault.open(&sealed).as_deref(), Ok("api-key-123"));
        assert!(Vault::new(&[2; 32]).open(&sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('0');
        assert!(vault.open(&tampered).is_err() || tampered == sealed);
        assert!(vault.open("plain").is_err());
    }

    #[test]
    fn signatures_cover_the_timestamp_and_every_byte() {
        let s = sign("whsec", 1_700_000_000, b"{\"id\":\"e1\"}");
        assert!(verify("whsec", 1_700_000_000, b"{\"id\":\"e1\"}", &s));
        assert!(!verify("whsec", 1_700_000_001, b"{\"id\":\"e1\"}", &s));
        assert!(!verify("whsec", 1_700_000_000, b"{\"id\":\"e2\"}", &s));
        assert!(!verify("other", 1_700_000_000, b"{\"id\":\"e1\"}", &s));
        assert!(!verify("whsec", 1_700_000_000, b"{\"id\":\"e1\"}", "zz"));
    }
}
