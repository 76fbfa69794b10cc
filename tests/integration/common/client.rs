//! A small HTTP client for tests: no redirects followed (tests assert them), the session cookie
//! kept by hand so that a test can copy or replay it.

pub struct Resp {
    pub status: u16,
    /// The body as text (invalid UTF-8 replaced); `bytes` holds it as sent.
    pub body: String,
    pub bytes: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or_default()
    }

    /// The target of the page's `rel="next"` link, with HTML entities decoded.
    pub fn next_link(&self) -> Option<String> {
        let before = self.body.split("\" rel=\"next\"").next()?;
        if before.len() == self.body.len() {
            return None;
        }
        let href = before.rsplit("href=\"").next()?;
        Some(href.replace("&#38;", "&").replace("&amp;", "&"))
    }

    /// The CSRF token of the first form on the page.
    /// The cells of the table row holding `marker`, as (column label, text without tags), read
    /// from the `data-label` every list cell carries (templates/ui.html).
    pub fn row(&self, marker: &str) -> Vec<(String, String)> {
        let Some(at) = self.body.find(marker) else {
            return Vec::new();
        };
        let start = self.body[..at].rfind("<tr").unwrap_or(0);
        let end = self.body[at..]
            .find("</tr>")
            .map_or(self.body.len(), |e| at + e);
        self.body[start..end]
            .split("data-label=\"")
            .skip(1)
            .filter_map(|cell| {
                let (label, rest) = cell.split_once('"')?;
                let content = rest.split_once('>')?.1;
                let content = content.split_once("</td>").map_or(content, |c| c.0);
                Some((label.to_string(), strip_tags(content)))
            })
            .collect()
    }

    /// One cell of the row holding `marker`; "" when there is none.
    pub fn cell(&self, marker: &str, label: &str) -> String {
        self.row(marker)
            .into_iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v)
            .unwrap_or_default()
    }

    /// Every value of one column, top to bottom.
    pub fn column(&self, label: &str) -> Vec<String> {
        let needle = format!("data-label=\"{label}\">");
        self.body
            .split(&needle)
            .skip(1)
            .map(|c| strip_tags(c.split("</td>").next().unwrap_or_default()))
            .collect()
    }

    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self
            .body
            .find(marker)
            .map(|i| i + marker.len())
            .expect("page has a CSRF field");
        let end = self.body[start..].find('"').expect("end of token");
        self.body[start..start + end].to_string()
    }
}

pub struct Client {
    base: String,
    agent: ureq::Agent,
    pub cookie: Option<String>,
    pub user_agent: String,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .build()
            .into();
        Self {
            base: base.to_string(),
            agent,
            cookie: None,
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 dealdesk-tests".into(),
        }
    }

    fn finish(&mut self, resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
        let mut resp = resp.expect("HTTP request");
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("set-cookie") && v.starts_with("dealdesk_session=") {
                let pair = v.split(';').next().unwrap_or_default();
                let removed = pair == "dealdesk_session=" || v.contains("Max-Age=0");
                self.cookie = if removed {
                    None
                } else {
                    Some(pair.to_string())
                };
            }
        }
        let status = resp.status().as_u16();
        let bytes = resp.body_mut().read_to_vec().unwrap_or_default();
        Resp {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
            headers,
        }
    }

    pub fn get(&mut self, path: &str) -> Resp {
        self.send("GET", path, "", b"")
    }

    pub fn head(&mut self, path: &str) -> Resp {
        self.send("HEAD", path, "", b"")
    }

    /// Any method, with an optional body and content type.
    pub fn send(&mut self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Resp {
        self.send_with_headers(method, path, content_type, body, &[])
    }

    /// As `send`, with more headers (a webhook's signature).
    pub fn send_with_headers(
        &mut self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("User-Agent", &self.user_agent);
        if !content_type.is_empty() {
            req = req.header("Content-Type", content_type);
        }
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = self.agent.run(req.body(body.to_vec()).expect("request"));
        self.finish(r)
    }

    /// POSTs raw bytes with a content type.
    pub fn post_raw(&mut self, path: &str, content_type: &str, body: &[u8]) -> Resp {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("User-Agent", &self.user_agent)
            .header("Content-Type", content_type);
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        let r = req.send(body);
        self.finish(r)
    }

    /// POSTs a form exactly as given (no CSRF token added).
    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).expect("form encoding");
        self.post_raw(path, "application/x-www-form-urlencoded", body.as_bytes())
    }

    /// Opens `page`, then POSTs the form to `action` with the page's CSRF token.
    pub fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.get(page).csrf();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all)
    }

    /// Opens `page`, then POSTs `fields` and an optional file (field name, file name, bytes) as
    /// `multipart/form-data`, the CSRF token first as the browser sends it.
    pub fn submit_multipart(
        &mut self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Resp {
        let token = self.get(page).csrf();
        let boundary = "dealdesk-test-boundary-7MA4YWxk";
        let mut body = Vec::new();
        for (name, value) in std::iter::once(&("csrf_token", token.as_str())).chain(fields) {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((name, filename, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.post_raw(
            action,
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
        )
    }

    pub fn login(&mut self, email: &str, password: &str) -> Resp {
        self.submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
    }
}

/// Text without tags (each read as a space) and with runs of white space folded.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
