//! Select lists: (value, words) pairs a template turns into `<option>`s. Every list is built here,
//! from a coded enum or from pairs, so a form and its filter offer the same words.

use super::codes::Coded;

/// The options of a select list from (value, words) pairs.
pub fn options(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

/// Every value of a coded enum, in its order.
pub fn coded<T: Coded>() -> Vec<(String, String)> {
    of(T::ALL)
}

/// Some values of a coded enum.
pub fn of<T: Coded>(values: &[T]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.code().to_string(), v.label().to_string()))
        .collect()
}

/// A filter's list: "any" first (the empty value), then every value of the enum.
pub fn any_of<T: Coded>(any: &str) -> Vec<(String, String)> {
    let mut list = vec![(String::new(), any.to_string())];
    list.extend(coded::<T>());
    list
}

/// A filter's choice of person: `any` first (the empty value), then each person by their public
/// id and name. Empty when there is no choice to make (the viewer sees one person's rows).
pub fn people<Id: std::fmt::Display>(
    any: &str,
    people: &[(i64, Id, String)],
) -> Vec<(String, String)> {
    if people.len() < 2 {
        return Vec::new();
    }
    let mut list = vec![(String::new(), any.to_string())];
    list.extend(
        people
            .iter()
            .map(|(_, id, name)| (id.to_string(), name.clone())),
    );
    list
}

/// A filter's choice of a coded value as the query string carries it: `None` for "any" (empty),
/// the value when the enum knows it, else what the user is told.
pub fn pick<T: Coded>(value: &str) -> Result<Option<T>, String> {
    match value {
        "" => Ok(None),
        v => T::parse(v)
            .map(Some)
            .ok_or_else(|| "Choose from the list.".to_string()),
    }
}
