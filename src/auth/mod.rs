//! Who is signed in: users and their lock-out and throttling, password hashing, server-side
//! sessions. The /login page that uses them is in `src/login.rs`.

pub mod passwords;
pub mod sessions;
pub mod users;
