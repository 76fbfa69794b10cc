//! Shares as people read them.

/// "62.5 %": `part` of `whole` to one decimal, rounded half up; 0 when there is nothing to divide
/// by.
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0 %".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    match tenths % 10 {
        0 => format!("{} %", tenths / 10),
        d => format!("{}.{d} %", tenths / 10),
    }
}
