//! What every list's bulk form shares: the rows selected, what to do with them, and how a change
//! that cannot apply to every row is refused whole (all or none), its rows named with why.

/// A list's bulk form as sent: the selected rows' ids, what to do with them, and its errors or
/// the rows it could not change (named, with why), for the list to show again.
#[derive(Debug, Clone, Default)]
pub struct Bulk {
    pub selected: Vec<String>,
    pub action: String,
    /// Where the rows go when the action moves them somewhere (an owner's id); else empty.
    pub to: String,
    pub errors: crate::web::FieldErrors,
    pub refused: Vec<(String, String)>,
}

impl Bulk {
    pub fn is_selected(&self, id: &impl std::fmt::Display) -> bool {
        let id = id.to_string();
        self.selected.contains(&id)
    }

    /// The list's status: 409 when rows could not change, 422 when the form is wrong.
    pub fn status(&self) -> actix_web::http::StatusCode {
        use actix_web::http::StatusCode;
        if !self.refused.is_empty() {
            StatusCode::CONFLICT
        } else if !self.errors.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    }
}

/// Why a bulk change did not happen: rows it cannot apply to (named, with why), or an error.
/// Either way the transaction is undone, so nothing of it is written.
pub enum Refused {
    Rows(Vec<(String, String)>),
    App(crate::error::AppError),
}

impl From<crate::error::AppError> for Refused {
    fn from(e: crate::error::AppError) -> Self {
        Self::App(e)
    }
}

impl From<diesel::result::Error> for Refused {
    fn from(e: diesel::result::Error) -> Self {
        Self::App(e.into())
    }
}

impl crate::error::Contention for Refused {
    fn is_contention(&self) -> bool {
        matches!(self, Self::App(e) if e.is_contention())
    }
}
