//! Password hashing (argon2id with the crate's recommended parameters) and the password policy.
//! Hashing is slow on purpose: callers run it on the blocking pool, never on an async worker.

use std::sync::OnceLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

pub const MIN_LENGTH: usize = 8;
const MAX_LENGTH: usize = 256;

/// A small list of the passwords attackers try first; a longer list buys little once the
/// lock-out and throttling stop online guessing.
const COMMON: &str = include_str!("common_passwords.txt");

pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("password hashing failed: {e}"))
}

pub fn verify(password: &str, stored_hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored_hash)
        .is_ok()
}

/// Spends the same time as a real verification, so that an unknown e-mail cannot be told from
/// a wrong password by the response time.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("dummy password for timing").unwrap_or_default());
    let _ = verify(password, stored);
}

/// Why a new password is refused, worded for the form.
pub fn check_policy(password: &str, email: &str) -> Result<(), &'static str> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err("Use at least 8 characters.");
    }
    if len > MAX_LENGTH {
        return Err("Use at most 256 characters.");
    }
    let lower = password.to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if lower == email || (!local.is_empty() && lower == local) {
        return Err("Do not use your e-mail address as your password.");
    }
    if COMMON.lines().any(|c| c == lower) {
        return Err("This password is too common; choose one that is harder to guess.");
    }
    Ok(())
}

/// A temporary password for accounts created by an administrator: 16 characters from an
/// alphabet without look-alikes, about 90 bits.
pub fn temporary() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    rand::random::<[u8; 16]>()
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash("correct horse battery").unwrap_or_default();
        let b = hash("correct horse battery").unwrap_or_default();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong", &a));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn policy_refuses_short_email_and_common_passwords() {
        assert!(check_policy("short", "a@b.test").is_err());
        assert!(check_policy("jane.doe@acme.test", "Jane.Doe@acme.test").is_err());
        assert!(check_policy("jane.doe", "jane.doe@acme.test").is_err());
        assert!(check_policy("password123", "a@b.test").is_err());
        assert!(check_policy("Qwerty123", "a@b.test").is_err());
        assert!(check_policy("plum-orbit-42-lantern", "a@b.test").is_ok());
    }

    #[test]
    fn temporary_passwords_pass_the_policy() {
        let p = temporary();
        assert_eq!(p.len(), 16);
        assert!(check_policy(&p, "someone@example.test").is_ok());
    }
}
