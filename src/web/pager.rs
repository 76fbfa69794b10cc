//! The links of a keyset-paginated list ("First page", "Next page"), the same for every list:
//! a page is fetched with one row more than it shows, and that extra row says a next page exists.

use serde::Serialize;

use crate::web::url_encode;

pub struct Pages {
    pub first: Option<String>,
    pub next: Option<String>,
}

/// Drops the extra row of `rows` and builds the links. `query` is the page's filters without
/// its cursor; `current` the cursor it was opened with (`after=`), empty on the first page;
/// `cursor` gives the cursor a row continues from.
pub fn keyset<T>(
    path: &str,
    query: &impl Serialize,
    current: &str,
    rows: &mut Vec<T>,
    page_size: usize,
    cursor: impl Fn(&T) -> String,
) -> Pages {
    let has_next = rows.len() > page_size;
    rows.truncate(page_size);
    let base = serde_urlencoded::to_string(query).unwrap_or_default();
    let link = |after: Option<String>| {
        let mut url = format!("{path}?{base}");
        if let Some(a) = after {
            if !base.is_empty() {
                url.push('&');
            }
            url.push_str("after=");
            url.push_str(&url_encode(&a));
        }
        url
    };
    Pages {
        next: has_next
            .then(|| rows.last().map(|r| link(Some(cursor(r)))))
            .flatten(),
        first: (!current.is_empty()).then(|| link(None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extra_row_makes_a_next_link_and_is_dropped() {
        let mut rows = vec![1, 2, 3];
        let p = keyset("/x", &[("q", "a b")], "", &mut rows, 2, |r| r.to_string());
        assert_eq!(rows, [1, 2]);
        assert_eq!(p.next.as_deref(), Some("/x?q=a+b&after=2"));
        assert_eq!(p.first, None);
        let mut rows = vec![3];
        let p = keyset("/x", &[("q", "")], "2", &mut rows, 2, |r| r.to_string());
        assert_eq!((p.next, p.first.as_deref()), (None, Some("/x?q=")));
    }
}
