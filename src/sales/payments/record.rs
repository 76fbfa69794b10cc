//! Recording a new payment on a deal: under the books lock, the deal read again, the rules
//! checked against it as it now stands, the number taken, the payment, the deal's balance, its
//! invoice and the deal's activity line written together.

use chrono::NaiveDate;

use super::queries::PaymentRecord;
use super::receipt::Held;
use super::store::{self, PaymentValues};
use super::{audit_json, rules};
use crate::audit::{Actor, actions};
use crate::db::{AnyConnection, money_tx};
use crate::domain::Money;
use crate::numbers;
use crate::sales::balance;
use crate::sales::deals::activity::{self, Change};
use crate::sales::deals::queries as deal_queries;
use crate::scope::RecordScope;
use crate::web::form::{FormError, is_unique_violation};

/// A checked payment for a deal, with its receipt if one was sent.
pub(super) struct NewPayment<'a> {
    pub(super) deal_id: i64,
    pub(super) values: &'a PaymentValues,
    pub(super) receipt: Option<&'a Held>,
    pub(super) today: NaiveDate,
}

impl NewPayment<'_> {
    pub(super) fn record(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        scope: &RecordScope,
    ) -> Result<PaymentRecord, FormError> {
        let v = self.values;
        money_tx(conn, scope.org().id(), |conn, books| {
            // The deal as it stands once the books are ours: another payment, a decision or a
            // cancel may have landed since the form was read.
            let deal = deal_queries::find_id(conn, scope, self.deal_id)?;
            let rule_errors = rules::check(conn, &deal, v, None)?;
            if !rule_errors.is_empty() {
                return Err(FormError::Invalid(rule_errors));
            }
            let file = self.receipt.map(Held::receipt);
            let number = numbers::next(conn, scope.org(), numbers::PAYMENT)?;
            let payment = store::insert(conn, scope, &deal, &number, v, file.as_ref())
                .map_err(cheque_conflict)?;
            balance::recompute(conn, books, deal.id, self.today, &[])?;
            crate::invoices::sync(conn, books.org(), payment.id)?;
            let change = Change {
                audit: actions::CREATE,
                action: "payment_recorded",
                description: Some(format!(
                    "Recorded payment {number} of {} ({})",
                    Money::new(v.amount_minor, &v.currency),
                    v.category.label().to_lowercase()
                )),
                old: None,
                new: audit_json(v, &number, file.as_ref().map(|r| r.path.as_str())),
                entity: Some(("payment", payment.public_id)),
            };
            activity::log(conn, actor, &deal, change)?;
            Ok(payment)
        })
    }
}

/// Maps a duplicate cheque number that slipped past the check (two saved at once) to its
/// field error.
pub(super) fn cheque_conflict(e: diesel::result::Error) -> FormError {
    if is_unique_violation(&e) {
        FormError::field(
            "cheque_number",
            "A payment with this cheque number is already recorded; check the number.",
        )
    } else {
        e.into()
    }
}
