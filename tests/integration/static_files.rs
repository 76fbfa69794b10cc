//! The stylesheet and icons: embedded, served under content-hashed URLs that never need to be
//! asked for again, and at the speed of a page on a kept-alive connection.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::dual;

fn linked(body: &str, prefix: &str) -> String {
    let at = body.find(prefix).expect("linked asset");
    body[at..].split('"').next().unwrap_or_default().to_string()
}

dual!(assets_have_hashed_immutable_urls_and_a_favicon, |app| {
    let mut c = app.client();
    let login = c.get("/login");
    let css = linked(&login.body, "/static/app.");
    assert!(
        css.ends_with(".css") && css.len() > "/static/app..css".len() + 8,
        "{css}"
    );
    let icon = linked(&login.body, "/static/favicon.");
    let r = c.get(&css);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(r.body.contains(".rtable"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(c.get(&icon).status, 200);
    // Browsers ask for /favicon.ico on their own: it is there, so the console stays clean.
    let ico = c.get("/favicon.ico");
    assert_eq!(
        (ico.status, ico.header("content-type")),
        (200, Some("image/x-icon"))
    );
    // Opened alone, the icon is shown in the browser's own viewer, which styles it inline.
    assert_eq!(
        ico.header("content-security-policy"),
        Some(dealdesk::web::headers::FILE_POLICY)
    );
    // The plain name still answers (an old page in a cache), but is not kept for a year.
    let plain = c.get("/static/app.css");
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("cache-control"), Some("public, max-age=86400"));
    assert_eq!(c.get("/static/app.0000.css").status, 404);
    assert_eq!(c.get("/static/../Cargo.toml").status, 404);
});

/// One response of a kept-alive connection, read to the end of its body.
fn read_response(reader: &mut BufReader<TcpStream>) -> (u16, usize) {
    let mut status = String::new();
    reader.read_line(&mut status).expect("status line");
    let code = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        if line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    (code, length)
}

dual!(static_files_do_not_stall_a_kept_alive_connection, |app| {
    let css = linked(&app.client().get("/login").body, "/static/app.");
    let addr = app.base.trim_start_matches("http://").to_string();
    let stream = TcpStream::connect(&addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    // A stall of the kind browsers met (the second response of a connection held back ~40 ms
    // by delayed acknowledgements) would make these 20 take 800 ms or more.
    let started = Instant::now();
    for _ in 0..20 {
        // One write per request, as browsers and curl send it.
        let request = format!("GET {css} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        writer.write_all(request.as_bytes()).expect("send");
        let (status, length) = read_response(&mut reader);
        assert_eq!(status, 200);
        assert!(length > 1000);
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(500),
        "20 requests on one connection took {took:?}"
    );
});
