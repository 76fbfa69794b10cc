//! What every list offers beside its own filters: one search box, columns that sort when their
//! heading is clicked (again: the other way), a page size and a count of what matches.
//!
//! Counting is capped: an exact `COUNT(*)` over an organization's 100,000 deals costs more than
//! the page it counts for (PERF-NOTES), so a list reads at most `COUNT_CAP + 1` matching rows'
//! amounts, says "1,000+" past that, and totals what it counted only when the count is exact.

use serde::Serialize;

use crate::web::url_encode;

/// The page sizes a person may choose; the first page of every list shows `DEFAULT_PAGE_SIZE`.
pub const PAGE_SIZES: [i64; 4] = [25, 50, 100, 200];
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// Orders a boxed query by `$col` then `$id` (a tie-break, so the order is total) in `$dir`,
/// continuing after `$cursor`, the last row's `(value, id)`: the keyset step every sortable list
/// takes, an index range walked either way from the cursor. Without `$col`, the order is `$id`.
macro_rules! keyset {
    ($q:expr, $dir:expr, $id:expr, $cursor:expr) => {{
        let mut q = $q;
        let cursor: Option<i64> = $cursor;
        match $dir {
            $crate::web::listing::Dir::Desc => {
                if let Some(id) = cursor {
                    q = q.filter($id.lt(id));
                }
                q.order($id.desc())
            }
            $crate::web::listing::Dir::Asc => {
                if let Some(id) = cursor {
                    q = q.filter($id.gt(id));
                }
                q.order($id.asc())
            }
        }
    }};
    ($q:expr, $dir:expr, $col:expr, $id:expr, $cursor:expr) => {{
        let mut q = $q;
        match $dir {
            $crate::web::listing::Dir::Desc => {
                if let Some((v, id)) = $cursor {
                    q = q.filter($col.lt(v.clone()).or($col.eq(v).and($id.lt(id))));
                }
                q.order(($col.desc(), $id.desc()))
            }
            $crate::web::listing::Dir::Asc => {
                if let Some((v, id)) = $cursor {
                    q = q.filter($col.gt(v.clone()).or($col.eq(v).and($id.gt(id))));
                }
                q.order(($col.asc(), $id.asc()))
            }
        }
    }};
}
pub(crate) use keyset;

/// Whether a list's first page holds every matching row: it was read with one row more than
/// it shows, and fewer came. Its rows are then the count (and the total): a selective search
/// needs no second pass over what it searched.
pub fn page_holds_all(after: &str, read: usize, size: i64) -> bool {
    after.is_empty() && i64::try_from(read).is_ok_and(|n| n <= size)
}

/// How many matching rows a list counts (and totals) before it says "more than".
pub const COUNT_CAP: i64 = 1_000;

/// A search term is cut to this many characters: nobody types more into a list's search box.
const TERM_MAX: usize = 100;

/// The page size asked for, if it is one of `PAGE_SIZES`; the default otherwise.
pub fn page_size(asked: &str) -> i64 {
    asked
        .parse()
        .ok()
        .filter(|n| PAGE_SIZES.contains(n))
        .unwrap_or(DEFAULT_PAGE_SIZE)
}

/// The choices of the "Per page" select (the default as the empty value, so links stay short).
pub fn page_size_options() -> Vec<(String, String)> {
    PAGE_SIZES
        .iter()
        .map(|n| {
            let value = if *n == DEFAULT_PAGE_SIZE {
                String::new()
            } else {
                n.to_string()
            };
            (value, format!("{n} per page"))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Asc,
    Desc,
}

impl Dir {
    /// `asc` or `desc` as a link carries it; anything else is the column's own default.
    pub fn parse(s: &str, default: Dir) -> Dir {
        match s {
            "asc" => Dir::Asc,
            "desc" => Dir::Desc,
            _ => default,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Dir::Asc => "asc",
            Dir::Desc => "desc",
        }
    }

    fn flipped(self) -> Dir {
        match self {
            Dir::Asc => Dir::Desc,
            Dir::Desc => Dir::Asc,
        }
    }
}

/// A search as typed into a list's box: matched as a case-insensitive part of names, and as a
/// whole record number ("DLID0042", or just "42").
#[derive(Debug, Clone)]
pub struct Search {
    /// A `LIKE` pattern (lowercase, wildcards escaped) for `.escape('\\')`.
    pub contains: String,
    /// The term as typed, trimmed.
    pub exact: String,
    upper: String,
    digits: Option<i64>,
}

impl Search {
    /// None for an empty box.
    pub fn parse(q: &str) -> Option<Search> {
        let term: String = q.trim().chars().take(TERM_MAX).collect();
        if term.is_empty() {
            return None;
        }
        let digits: String = term.chars().filter(char::is_ascii_digit).collect();
        Some(Search {
            contains: crate::db::contains_pattern(&term.to_lowercase()),
            upper: term.to_uppercase(),
            digits: digits.parse().ok(),
            exact: term,
        })
    }

    /// The references (a bank reference, a cheque number) the term can mean: as typed, in
    /// capitals, in small letters; each an index lookup, unlike a comparison ignoring case.
    pub fn references(&self) -> Vec<String> {
        let mut found = vec![self.exact.clone()];
        for other in [self.upper.clone(), self.exact.to_lowercase()] {
            if !found.contains(&other) {
                found.push(other);
            }
        }
        found
    }

    /// The number the term's digits make when it is digits alone, or `prefix` and digits
    /// ("txn42" for "TXN"); None for anything else ("DLID0042" is no payment's number).
    pub fn number_after(&self, prefix: &str) -> Option<i64> {
        let rest = self.upper.strip_prefix(prefix).unwrap_or(&self.upper);
        let digits = !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit());
        self.digits.filter(|_| digits)
    }

    /// The term in capitals, as record numbers are written.
    pub fn upper(&self) -> &str {
        &self.upper
    }
}

/// The heading of a sortable column: a link ordering the list by it, the current one marked
/// for screen readers (`aria-sort`) and by an arrow.
#[derive(Debug, Clone)]
pub struct SortHeader {
    pub label: &'static str,
    pub href: String,
    /// `ascending`, `descending` or `none`.
    pub aria: &'static str,
    pub arrow: &'static str,
}

/// A list's sortable columns: its key, its label, and which way it sorts first.
pub type Column = (&'static str, &'static str, Dir);

/// The headings of a list's sortable columns. `filters` is the page's query without its cursor,
/// order and direction; `sort` and `dir` the order it shows.
pub struct Sorts {
    headers: Vec<(&'static str, SortHeader)>,
}

impl Sorts {
    pub fn new(
        path: &str,
        filters: &impl Serialize,
        columns: &[Column],
        sort: &str,
        dir: Dir,
    ) -> Sorts {
        let base = serde_urlencoded::to_string(filters).unwrap_or_default();
        let sep = if base.is_empty() { "" } else { "&" };
        let headers = columns
            .iter()
            .map(|&(key, label, first)| {
                let current = key == sort;
                let next = if current { dir.flipped() } else { first };
                let header = SortHeader {
                    label,
                    href: format!(
                        "{path}?{base}{sep}sort={}&dir={}",
                        url_encode(key),
                        next.code()
                    ),
                    aria: match (current, dir) {
                        (false, _) => "none",
                        (true, Dir::Asc) => "ascending",
                        (true, Dir::Desc) => "descending",
                    },
                    arrow: match (current, dir) {
                        (false, _) => "",
                        (true, Dir::Asc) => " ↑",
                        (true, Dir::Desc) => " ↓",
                    },
                };
                (key, header)
            })
            .collect();
        Sorts { headers }
    }

    /// The heading of the column `key` (a template names only keys it passed to `new`).
    pub fn th(&self, key: &str) -> Option<&SortHeader> {
        self.headers.iter().find(|(k, _)| *k == key).map(|(_, h)| h)
    }
}

/// How many rows match a list's filters: exact up to `COUNT_CAP`, "more than" past it, with the
/// total of their amounts when the count is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub count: i64,
    pub capped: bool,
    /// The matching rows' amounts summed (minor units of the organization's currency); None
    /// when capped.
    pub total_minor: Option<i64>,
}

impl Found {
    /// From up to `COUNT_CAP + 1` matching rows' amounts (the query's `LIMIT`).
    pub fn of(amounts: &[i64]) -> Found {
        let rows = Found::rows(amounts.len());
        Found {
            total_minor: (!rows.capped).then(|| amounts.iter().sum()),
            ..rows
        }
    }

    /// From the number of matching rows read, up to `COUNT_CAP + 1`, for a list without amounts.
    pub fn rows(read: usize) -> Found {
        let read = i64::try_from(read).unwrap_or(i64::MAX);
        Found {
            count: read.min(COUNT_CAP),
            capped: read > COUNT_CAP,
            total_minor: None,
        }
    }

    /// "1 deal", "37 deals", "1,000+ deals".
    pub fn describe(&self, one: &str, many: &str) -> String {
        let n = grouped(self.count);
        match (self.capped, self.count) {
            (true, _) => format!("{n}+ {many}"),
            (false, 1) => format!("1 {one}"),
            (false, _) => format!("{n} {many}"),
        }
    }
}

/// A count with thousands separators, as pages write counts.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_are_the_offered_ones() {
        assert_eq!(page_size("100"), 100);
        assert_eq!(page_size("7"), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size("lots"), DEFAULT_PAGE_SIZE);
    }

    #[test]
    fn a_term_means_its_text_and_the_numbers_its_digits_make() {
        let s = Search::parse("  42 ").unwrap_or_else(|| unreachable!());
        assert_eq!((s.upper(), s.number_after("DLID")), ("42", Some(42)));
        assert_eq!(s.contains, "%42%");
        let s = Search::parse("dlid42").unwrap_or_else(|| unreachable!());
        assert_eq!(s.number_after("DLID"), Some(42));
        assert_eq!(s.number_after("TXN"), None);
        let s = Search::parse("50%_off").unwrap_or_else(|| unreachable!());
        assert_eq!(s.contains, "%50\\%\\_off%");
        assert!(Search::parse("   ").is_none());
    }

    #[test]
    fn a_heading_sorts_by_its_column_then_the_other_way() {
        let cols = [("amount", "Amount", Dir::Desc), ("date", "Date", Dir::Desc)];
        let s = Sorts::new("/x", &[("q", "a b")], &cols, "amount", Dir::Desc);
        let amount = s.th("amount").unwrap_or_else(|| unreachable!());
        assert_eq!(amount.href, "/x?q=a+b&sort=amount&dir=asc");
        assert_eq!(amount.aria, "descending");
        let date = s.th("date").unwrap_or_else(|| unreachable!());
        assert_eq!(date.href, "/x?q=a+b&sort=date&dir=desc");
        assert_eq!(date.aria, "none");
    }

    #[test]
    fn counts_stop_at_the_cap_and_total_only_when_exact() {
        let f = Found::of(&[100, 250]);
        assert_eq!((f.count, f.capped, f.total_minor), (2, false, Some(350)));
        assert_eq!(f.describe("deal", "deals"), "2 deals");
        let many = vec![1; COUNT_CAP as usize + 1];
        let f = Found::of(&many);
        assert_eq!((f.count, f.capped, f.total_minor), (1000, true, None));
        assert_eq!(f.describe("deal", "deals"), "1,000+ deals");
        assert_eq!(Found::of(&[5]).describe("deal", "deals"), "1 deal");
    }
}
