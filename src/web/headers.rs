//! Security headers on every response. The CSP allows no inline script or style: templates link
//! `/static` files only.

use actix_web::middleware::DefaultHeaders;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// A file opened on its own (an uploaded receipt or product picture, the site's icon):
/// sandboxed, no script, nothing loaded but itself. The browser shows an image alone in a viewer it styles
/// inline, so inline style is allowed (without it every opened receipt logs a refusal); in a
/// sandbox without script, style cannot run anything.
pub const FILE_POLICY: &str =
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";

pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        // Pages carry personal and business data: keep them out of shared caches. Static files
        // set their own Cache-Control, which this does not override.
        .add(("Cache-Control", "no-store"))
}
