//! The stylesheet, the script (progressive enhancement only) and icons, compiled into the binary (one binary, nothing to deploy beside it).
//! Each is served from memory in one write, under a URL that carries a hash of its content
//! (`/static/app.1a2b3c4d5e6f.css`) with `Cache-Control: immutable`: a browser never asks for it
//! again until a new release changes the hash. Templates link through `url`.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::AppError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 4] = [
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/app.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/favicon.svg"),
    },
    Asset {
        name: "favicon.ico",
        content_type: "image/x-icon",
        bytes: include_bytes!("../../static/favicon.ico"),
    },
];

/// A year: the content behind a hashed URL never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed names (an old page, `/favicon.ico` asked by a browser on its own) may change with
/// a release, so they are kept a day.
const REVALIDATE: &str = "public, max-age=86400";

struct Served {
    url: String,
    etag: String,
    asset: &'static Asset,
}

fn served() -> &'static [Served] {
    static SERVED: OnceLock<Vec<Served>> = OnceLock::new();
    SERVED.get_or_init(|| {
        ASSETS
            .iter()
            .map(|asset| {
                let digest = hex::encode(Sha256::digest(asset.bytes));
                let hash = &digest[..12];
                let (stem, ext) = asset.name.rsplit_once('.').unwrap_or((asset.name, ""));
                Served {
                    url: format!("/static/{stem}.{hash}.{ext}"),
                    etag: format!("\"{hash}\""),
                    asset,
                }
            })
            .collect()
    })
}

/// The URL of a static file by its name ("app.css"). An unknown name is a bug in a template,
/// caught by the tests of every page; it falls back to the plain path.
pub fn url(name: &str) -> &'static str {
    served()
        .iter()
        .find(|s| s.asset.name == name)
        .map_or("/static/missing", |s| s.url.as_str())
}

fn respond(req: &HttpRequest, s: &Served, cache: &'static str) -> HttpResponse {
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == s.etag));
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, s.etag.clone()))
        .insert_header((header::CONTENT_TYPE, s.asset.content_type));
    if s.asset.content_type.starts_with("image/") {
        res.insert_header((header::CONTENT_SECURITY_POLICY, super::headers::FILE_POLICY));
    }
    if fresh {
        res.finish()
    } else {
        res.body(s.asset.bytes)
    }
}

async fn file(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let path = format!("/static/{name}");
    if let Some(s) = served().iter().find(|s| s.url == path) {
        return Ok(respond(&req, s, IMMUTABLE));
    }
    served()
        .iter()
        .find(|s| s.asset.name == name.as_str())
        .map(|s| respond(&req, s, REVALIDATE))
        .ok_or(AppError::NotFound)
}

async fn favicon(req: HttpRequest) -> Result<HttpResponse, AppError> {
    served()
        .iter()
        .find(|s| s.asset.name == "favicon.ico")
        .map(|s| respond(&req, s, REVALIDATE))
        .ok_or(AppError::NotFound)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{name}", web::get().to(file))
        .route("/favicon.ico", web::get().to(favicon));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_a_hash_of_the_content() {
        let css = url("app.css");
        assert!(
            css.starts_with("/static/app.") && css.ends_with(".css"),
            "{css}"
        );
        assert_eq!(css.len(), "/static/app..css".len() + 12);
        assert_ne!(url("favicon.svg"), url("favicon.ico"));
        assert_eq!(url("nope.css"), "/static/missing");
    }
}
