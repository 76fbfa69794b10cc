//! Every route of the site as the source declares it, for `dealdesk routes` (the way `rails
//! routes` works): method, path, what the handler requires, the handler's file and line, and
//! the templates it renders. build.rs reads it from `src/`, so the table cannot drift from
//! the code.

/// One route: `permission` is what the handler (or what it calls) requires: permissions
/// joined by `|` (any of) and `&` (each of), "platform admin", "signed in" or "public".
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub path: &'static str,
    pub method: &'static str,
    pub permission: &'static str,
    pub handler: &'static str,
    pub file: &'static str,
    pub line: usize,
    pub templates: &'static [&'static str],
}

pub static ROUTES: &[Route] = include!(concat!(env!("OUT_DIR"), "/routes.rs"));

/// The table as text, one route per line, columns aligned.
pub fn table() -> String {
    let rows: Vec<[String; 5]> = ROUTES
        .iter()
        .map(|r| {
            let name = r.handler.rsplit("::").next().unwrap_or(r.handler);
            let templates = match r.templates {
                [] => "-".to_string(),
                t => t.join(", "),
            };
            [
                r.method.to_string(),
                r.path.to_string(),
                r.permission.to_string(),
                format!("{}:{} {name}", r.file, r.line),
                templates,
            ]
        })
        .collect();
    let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
    let (m, p, n, h) = (width(0), width(1), width(2), width(3));
    rows.iter()
        .map(|[method, path, need, handler, templates]| {
            format!("{method:m$}  {path:p$}  {need:n$}  {handler:h$}  {templates}\n")
        })
        .collect()
}
