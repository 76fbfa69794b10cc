//! Writes the route table that `dealdesk routes` prints, read from the source as a reader would:
//! every `.route(...)` of every `configure`, its handler resolved through the module tree and
//! the `use` lines to a file and line, the permissions the handler (or what it calls) requires,
//! and the templates it renders. Parsing Rust is syn's job; this file only walks the trees.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;
use syn::{Expr, ImplItem, Item, Lit, UseTree};

/// How deep a handler's calls are followed to find what it requires and renders.
const DEPTH: usize = 5;

type Key = Vec<String>;

struct Func {
    file: String,
    line: usize,
    module: Key,
    /// The type of the `impl` the function is in, for `Self::`.
    self_type: Option<String>,
    item_fn: syn::Block,
    params: Vec<String>,
    takes_ctx: bool,
}

#[derive(Default)]
struct Crate {
    modules: HashSet<Key>,
    uses: HashMap<Key, HashMap<String, Key>>,
    funcs: HashMap<Key, Func>,
    /// Template structs: key → template path.
    templates: HashMap<Key, String>,
    /// `const NAME: [Permission; n] = [...]`: key → the variants.
    permission_lists: HashMap<Key, Vec<String>>,
    permissions: HashSet<String>,
}

struct Route {
    method: String,
    path: String,
    module: Key,
    handler: syn::Path,
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=src");
    let mut files = Vec::new();
    walk(Path::new("src"), &mut files)?;
    files.sort();
    let mut krate = Crate::default();
    let mut parsed = Vec::new();
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        krate.modules.insert(module.clone());
        let text = fs::read_to_string(file)?;
        let tree = syn::parse_file(&text)?;
        parsed.push((file.clone(), module, text, tree));
    }
    let mut routes = Vec::new();
    for (file, module, text, tree) in &parsed {
        index(
            &mut krate,
            &file.to_string_lossy(),
            module,
            text,
            &tree.items,
        );
        let mut finder = Routes {
            module,
            found: &mut routes,
        };
        finder.visit_file(tree);
    }
    let mut out = String::from("&[\n");
    let mut rows: Vec<_> = routes
        .iter()
        .map(|r| describe(&krate, r))
        .collect::<Result<_, _>>()?;
    rows.sort();
    for row in rows {
        out.push_str(&row);
    }
    out.push_str("]\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR")?).join("routes.rs");
    fs::write(dest, out)?;
    Ok(())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// `src/a/b/mod.rs` and `src/a/b.rs` are `a::b`; `src/lib.rs` the root; the binary is not
/// part of the library's module tree.
fn module_of(file: &Path) -> Option<Key> {
    let rel = file.strip_prefix("src").ok()?;
    let mut parts: Key = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    match parts.last().map(String::as_str) {
        Some("main") if parts.len() == 1 => None,
        Some("lib") if parts.len() == 1 => Some(Vec::new()),
        Some("mod") => {
            parts.pop();
            Some(parts)
        }
        _ => Some(parts),
    }
}

fn index(krate: &mut Crate, file: &str, module: &Key, text: &str, items: &[Item]) {
    let mut uses = HashMap::new();
    for item in items {
        match item {
            Item::Use(u) => flatten_use(&u.tree, Vec::new(), &mut uses),
            Item::Fn(f) => {
                let name = f.sig.ident.to_string();
                krate.funcs.insert(
                    [module.clone(), vec![name.clone()]].concat(),
                    func(file, module, text, None, &f.sig, &f.block),
                );
            }
            Item::Impl(i) => {
                let syn::Type::Path(tp) = &*i.self_ty else {
                    continue;
                };
                let Some(ty) = tp.path.segments.last().map(|s| s.ident.to_string()) else {
                    continue;
                };
                for it in &i.items {
                    if let ImplItem::Fn(f) = it {
                        let key = [module.clone(), vec![ty.clone(), f.sig.ident.to_string()]];
                        krate.funcs.insert(
                            key.concat(),
                            func(file, module, text, Some(ty.clone()), &f.sig, &f.block),
                        );
                    }
                }
            }
            Item::Struct(s) => {
                if let Some(path) = template_path(&s.attrs) {
                    krate
                        .templates
                        .insert([module.clone(), vec![s.ident.to_string()]].concat(), path);
                }
            }
            Item::Enum(e) if e.ident == "Permission" && module == &["permissions"] => {
                krate.permissions = e.variants.iter().map(|v| v.ident.to_string()).collect();
            }
            Item::Const(c) => {
                if let Expr::Array(a) = &*c.expr {
                    let names: Vec<String> = a.elems.iter().filter_map(last_ident).collect();
                    krate
                        .permission_lists
                        .insert([module.clone(), vec![c.ident.to_string()]].concat(), names);
                }
            }
            _ => {}
        }
    }
    krate.uses.insert(module.clone(), uses);
}

fn func(
    file: &str,
    module: &Key,
    text: &str,
    self_type: Option<String>,
    sig: &syn::Signature,
    block: &syn::Block,
) -> Func {
    let name = sig.ident.to_string();
    let params = sig
        .inputs
        .iter()
        .map(|a| match a {
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(i) => i.ident.to_string(),
                _ => String::new(),
            },
            syn::FnArg::Receiver(_) => "self".into(),
        })
        .collect();
    let takes_ctx = sig.inputs.iter().any(|a| match a {
        syn::FnArg::Typed(t) => matches!(&*t.ty, syn::Type::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "Ctx")),
        syn::FnArg::Receiver(_) => false,
    });
    Func {
        file: file.replace('\\', "/"),
        line: line_of(text, &name),
        module: module.clone(),
        self_type,
        item_fn: block.clone(),
        params,
        takes_ctx,
    }
}

/// The line where `fn name` is declared (1-based); spans carry no lines outside a macro.
fn line_of(text: &str, name: &str) -> usize {
    let needle = format!("fn {name}");
    text.lines()
        .position(|l| {
            l.find(&needle).is_some_and(|at| {
                let rest = &l[at + needle.len()..];
                rest.starts_with('(') || rest.starts_with('<')
            }) && !l.trim_start().starts_with("//")
        })
        .map_or(0, |i| i + 1)
}

fn template_path(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for a in attrs.iter().filter(|a| a.path().is_ident("template")) {
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("path") {
                if let Lit::Str(s) = m.value()?.parse::<Lit>()? {
                    found = Some(s.value());
                }
            } else if m.input.peek(syn::Token![=]) {
                let _: Expr = m.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

fn last_ident(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn flatten_use(tree: &UseTree, prefix: Key, out: &mut HashMap<String, Key>) {
    match tree {
        UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.to_string());
            flatten_use(&p.tree, next, out);
        }
        UseTree::Name(n) => {
            let name = n.ident.to_string();
            let mut full = prefix;
            if name == "self" {
                if let Some(last) = full.last().cloned() {
                    out.insert(last, full);
                }
            } else {
                full.push(name.clone());
                out.insert(name, full);
            }
        }
        UseTree::Rename(r) => {
            let mut full = prefix;
            full.push(r.ident.to_string());
            out.insert(r.rename.to_string(), full);
        }
        UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix.clone(), out);
            }
        }
        UseTree::Glob(_) => {}
    }
}

impl Crate {
    /// The crate-absolute key of a path written in `module`, or `None` outside the crate.
    fn resolve(&self, module: &Key, self_type: Option<&str>, path: &[String]) -> Option<Key> {
        let first = path.first()?;
        let rest = &path[1..];
        let base: Key = match first.as_str() {
            "crate" | "dealdesk" => Vec::new(),
            "self" => module.clone(),
            "super" => {
                let mut m = module.clone();
                let mut rest = rest;
                m.pop();
                while rest.first().is_some_and(|s| s == "super") {
                    m.pop();
                    rest = &rest[1..];
                }
                return Some([m, rest.to_vec()].concat());
            }
            "Self" => {
                let mut m = module.clone();
                m.push(self_type?.to_string());
                m
            }
            _ => {
                if let Some(full) = self.uses.get(module).and_then(|u| u.get(first)) {
                    let resolved = self.resolve(module, None, full)?;
                    return Some([resolved, rest.to_vec()].concat());
                }
                let mut child = module.clone();
                child.push(first.clone());
                if self.modules.contains(&child)
                    || self.funcs.contains_key(&child)
                    || self.templates.contains_key(&child)
                    || self.permission_lists.contains_key(&child)
                    || rest.len() == 1
                {
                    return Some([child, rest.to_vec()].concat());
                }
                if self.modules.contains(&vec![first.clone()]) {
                    return Some(path.to_vec());
                }
                return None;
            }
        };
        Some([base, rest.to_vec()].concat())
    }
}

fn segments(p: &syn::Path) -> Key {
    p.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// Finds the `.route(...)` calls of a file.
struct Routes<'a> {
    module: &'a Key,
    found: &'a mut Vec<Route>,
}

impl<'ast> Visit<'ast> for Routes<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "route" {
            let (path, to) = match call.args.len() {
                2 => (string_lit(&call.args[0]), &call.args[1]),
                _ => (resource_of(&call.receiver), &call.args[0]),
            };
            if let (Some(path), Some((method, handler))) = (path, method_and_handler(to)) {
                self.found.push(Route {
                    method,
                    path,
                    module: self.module.clone(),
                    handler,
                });
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

fn string_lit(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

/// The path of `web::resource("...")` at the start of a chain of `.route(...)` calls.
fn resource_of(e: &Expr) -> Option<String> {
    match e {
        Expr::MethodCall(m) => resource_of(&m.receiver),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) if p.path.segments.last()?.ident == "resource" => {
                string_lit(c.args.first()?)
            }
            _ => None,
        },
        _ => None,
    }
}

/// `web::get().to(handler)`: ("GET", handler).
fn method_and_handler(e: &Expr) -> Option<(String, syn::Path)> {
    let Expr::MethodCall(to) = e else {
        return None;
    };
    if to.method != "to" {
        return None;
    }
    let Expr::Path(handler) = to.args.first()? else {
        return None;
    };
    let Expr::Call(method) = &*to.receiver else {
        return None;
    };
    let Expr::Path(m) = &*method.func else {
        return None;
    };
    let method = m.path.segments.last()?.ident.to_string().to_uppercase();
    Some((method, handler.path.clone()))
}

/// What a function's body shows: the permissions it requires (each a set of alternatives, or
/// the index of the parameter that names one), the calls it makes, the structs it builds.
#[derive(Default)]
struct Body {
    requires: Vec<Need>,
    platform_admin: bool,
    required_params: Vec<usize>,
    calls: Vec<(Key, Vec<Expr>)>,
    paths: Vec<Key>,
}

struct BodyVisitor<'a> {
    krate: &'a Crate,
    func: &'a Func,
    body: Body,
}

impl BodyVisitor<'_> {
    /// The permissions an argument names: a variant, an array of them, or a named list
    /// (shown by its name, as the code says it).
    fn need(&self, e: &Expr) -> Option<Need> {
        match e {
            Expr::Reference(r) => self.need(&r.expr),
            Expr::Array(a) => {
                let any: BTreeSet<String> = a
                    .elems
                    .iter()
                    .filter_map(|x| self.need(x))
                    .flat_map(|n| n.any)
                    .collect();
                (!any.is_empty()).then(|| Need {
                    shown: any.iter().cloned().collect::<Vec<_>>().join(" | "),
                    any,
                })
            }
            Expr::Path(p) => {
                let segs = segments(&p.path);
                let last = segs.last().cloned().unwrap_or_default();
                if self.krate.permissions.contains(&last) {
                    return Some(Need {
                        shown: last.clone(),
                        any: BTreeSet::from([last]),
                    });
                }
                let key =
                    self.krate
                        .resolve(&self.func.module, self.func.self_type.as_deref(), &segs)?;
                let list = self.krate.permission_lists.get(&key)?;
                Some(Need {
                    shown: format!("any of {last}"),
                    any: list.iter().cloned().collect(),
                })
            }
            _ => None,
        }
    }

    fn param_index(&self, e: &Expr) -> Option<usize> {
        let Expr::Path(p) = e else { return None };
        let name = p.path.get_ident()?.to_string();
        self.func.params.iter().position(|x| *x == name)
    }
}

impl<'ast> Visit<'ast> for BodyVisitor<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        if name == "require_platform_admin" {
            self.body.platform_admin = true;
        } else if (name == "require" || name == "require_any")
            && let Some(arg) = call.args.first()
        {
            if let Some(need) = self.need(arg) {
                self.body.requires.push(need);
            } else if let Some(i) = self.param_index(arg) {
                self.body.required_params.push(i);
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*call.func
            && let Some(key) = self.krate.resolve(
                &self.func.module,
                self.func.self_type.as_deref(),
                &segments(&p.path),
            )
        {
            self.body
                .calls
                .push((key, call.args.iter().cloned().collect()));
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        if let Some(key) = self.krate.resolve(
            &self.func.module,
            self.func.self_type.as_deref(),
            &segments(&s.path),
        ) {
            self.body.paths.push(key);
        }
        syn::visit::visit_expr_struct(self, s);
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        let segs = segments(&p.path);
        if segs.len() > 1
            && let Some(key) = self.krate.resolve(
                &self.func.module,
                self.func.self_type.as_deref(),
                &segs[..segs.len() - 1],
            )
        {
            self.body.paths.push(key);
        }
        syn::visit::visit_expr_path(self, p);
    }
}

/// A permission check: any of these permissions will do.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Need {
    shown: String,
    any: BTreeSet<String>,
}

/// What a handler needs and renders, gathered over its calls.
#[derive(Default)]
struct Found {
    requires: BTreeSet<Need>,
    platform_admin: bool,
    templates: BTreeSet<String>,
}

fn gather(
    krate: &Crate,
    key: &Key,
    args: &[Option<Need>],
    depth: usize,
    seen: &mut HashSet<Key>,
    found: &mut Found,
) {
    if depth == 0 || !seen.insert(key.clone()) {
        return;
    }
    let Some(func) = krate.funcs.get(key) else {
        return;
    };
    let mut v = BodyVisitor {
        krate,
        func,
        body: Body::default(),
    };
    v.visit_block(&func.item_fn);
    let body = v.body;
    found.requires.extend(body.requires);
    for i in body.required_params {
        if let Some(Some(need)) = args.get(i) {
            found.requires.insert(need.clone());
        }
    }
    found.platform_admin |= body.platform_admin;
    for p in &body.paths {
        if let Some(t) = krate.templates.get(p) {
            found.templates.insert(t.clone());
        }
    }
    for (callee, call_args) in &body.calls {
        if let Some(t) = krate
            .templates
            .get(&callee[..callee.len().saturating_sub(1)])
        {
            found.templates.insert(t.clone());
        }
        let names: Vec<Option<Need>> = {
            let v = BodyVisitor {
                krate,
                func,
                body: Body::default(),
            };
            call_args.iter().map(|a| v.need(a)).collect()
        };
        gather(krate, callee, &names, depth - 1, seen, found);
    }
}

fn describe(krate: &Crate, r: &Route) -> Result<String, Box<dyn Error>> {
    let key = krate
        .resolve(&r.module, None, &segments(&r.handler))
        .ok_or_else(|| format!("the handler of {} {} is not in the crate", r.method, r.path))?;
    let func = krate.funcs.get(&key).ok_or_else(|| {
        format!(
            "the handler of {} {} ({}) was not found",
            r.method,
            r.path,
            key.join("::")
        )
    })?;
    let mut found = Found::default();
    gather(krate, &key, &[], DEPTH, &mut HashSet::new(), &mut found);
    // A check implied by a stricter one (any of PORTAL, once LeadsManage is required) says
    // nothing more.
    let all: Vec<&Need> = found.requires.iter().collect();
    let mut needs: Vec<String> = Vec::new();
    for (i, n) in all.iter().enumerate() {
        let implied = all
            .iter()
            .enumerate()
            .any(|(j, m)| j != i && m.any.is_subset(&n.any) && (m.any != n.any || j < i));
        if !implied {
            needs.push(n.shown.clone());
        }
    }
    if found.platform_admin {
        needs.insert(0, "platform admin".into());
    }
    let permission = match (needs.is_empty(), func.takes_ctx) {
        (false, _) => needs.join(" & "),
        (true, true) => "signed in".into(),
        (true, false) => "public".into(),
    };
    let templates: Vec<String> = found.templates.iter().map(|t| format!("{t:?}")).collect();
    let mut row = String::new();
    writeln!(
        row,
        "    Route {{ path: {:?}, method: {:?}, permission: {:?}, handler: {:?}, file: {:?}, line: {}, templates: &[{}] }},",
        r.path,
        r.method,
        permission,
        key.join("::"),
        func.file,
        func.line,
        templates.join(", ")
    )?;
    Ok(row)
}
