//! The deal form: what is typed, checked into a `NewDeal`, with a message per field.

use chrono::NaiveDate;
use serde::Deserialize;

use super::queries::NewDeal;
use crate::db::PublicId;
use crate::domain::money;
use crate::domain::{DealSource, PaymentMethod};
use crate::sales::choices::ClientPicker;
use crate::sales::clients::form::ClientForm;
use crate::sales::clients::queries::ClientValues;
use crate::sales::payments::form::{currency_and_rate, rate_to_input};
use crate::web::FieldErrors;
use crate::web::dates;
use crate::web::form;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DealForm {
    pub client: String,
    /// Typed to find a client, and `find` = "client" when the form was sent to find one.
    pub client_q: String,
    pub find: String,
    pub amount: String,
    pub deal_date: String,
    pub due_date: String,
    pub source: String,
    pub project: String,
    pub payment_method: String,
    pub description: String,
    /// The deal's currency (empty: the organization's) and, for another, its rate to it.
    pub currency: String,
    pub exchange_rate: String,
    /// A client typed in on a new deal, created with it, when no existing one is chosen.
    pub new_client_name: String,
    pub new_client_email: String,
    pub new_client_phone: String,
}

/// What the form may point at: the scope's clients and the organization's running projects.
pub struct Choices {
    pub picker: ClientPicker,
    /// Whether the user may add a client from the deal form (clients.manage, on a new deal).
    pub inline_client: bool,
    pub projects: Vec<(i64, PublicId, String)>,
    /// The organization's currency: a deal's default, and what another one is rated against.
    pub currency: String,
    pub exponent: u32,
}

fn pick(items: &[(i64, PublicId, String)], value: &str) -> Option<i64> {
    items
        .iter()
        .find(|(_, p, _)| p.to_string() == value)
        .map(|(id, _, _)| *id)
}

impl DealForm {
    /// Whether the form was sent to find a client, not to be saved.
    pub fn finding(&self) -> bool {
        self.find == "client"
    }

    /// The deal, and the client to create with it when one was typed in; the deal's
    /// `client_id` is then set once that client exists.
    pub fn validate(
        &self,
        c: &Choices,
        e: &mut FieldErrors,
    ) -> Option<(NewDeal, Option<ClientValues>)> {
        let typed = self.new_client_name.trim().len()
            + self.new_client_email.trim().len()
            + self.new_client_phone.trim().len()
            > 0;
        let (client, new_client) = match (self.client.trim(), typed && c.inline_client) {
            ("", true) => (Some(0), self.inline_client(e)),
            (_, true) => {
                e.add(
                    "new_client_name",
                    "Choose an existing client or type a new one, not both.",
                );
                (None, None)
            }
            (chosen, false) => {
                let found = pick(&c.picker.clients, chosen);
                if found.is_none() {
                    e.add(
                        "client",
                        if c.inline_client {
                            "Choose one of your clients, or add a new one below."
                        } else {
                            "Choose one of your clients."
                        },
                    );
                }
                (found, None)
            }
        };
        let (currency, exchange_rate_e4) =
            currency_and_rate(&self.currency, &self.exchange_rate, &c.currency, e);
        let exponent = currency
            .as_deref()
            .map_or(c.exponent, money::currency_exponent);
        let amount = match money::scaled_decimal(&self.amount, exponent, i64::MAX / 100) {
            Ok(Some(a)) if a > 0 => Some(a),
            Ok(_) => {
                e.add("amount", "Enter an amount greater than zero.");
                None
            }
            Err(msg) => {
                e.add("amount", msg);
                None
            }
        };
        // What the deal counts for in the organization's currency is summed into its client's,
        // its owner's and the organization's figures: it stays far below what a sum can hold.
        if let (Some(a), Some(cur), Some(rate)) = (amount, &currency, exchange_rate_e4)
            && crate::sales::balance::counted_minor(a, cur, rate, &c.currency) > money::MAX_BOOKED
        {
            e.add(
                "amount",
                format!(
                    "That is more than the books can hold: at most {} {} at this rate.",
                    money::minor_to_display(
                        money::MAX_BOOKED,
                        money::currency_exponent(&c.currency)
                    ),
                    c.currency
                ),
            );
        }
        let deal_date = match dates::date(&self.deal_date) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                e.add("deal_date", "Enter the deal's date.");
                None
            }
            Err(msg) => {
                e.add("deal_date", msg);
                None
            }
        };
        let due_date = e.check("due_date", dates::date(&self.due_date)).flatten();
        if let (Some(d), Some(due)) = (deal_date, due_date)
            && due < d
        {
            e.add("due_date", "The due date cannot be before the deal's date.");
        }
        let source = DealSource::parse(&self.source);
        if source.is_none() {
            e.add("source", "Choose where the deal came from.");
        }
        let payment_method = match (
            self.payment_method.as_str(),
            PaymentMethod::parse(&self.payment_method),
        ) {
            ("", _) => Some(None),
            (_, Some(m)) => Some(Some(m)),
            (_, None) => {
                e.add("payment_method", "Choose a payment method from the list.");
                None
            }
        };
        let project = match self.project.trim() {
            "" => Some(None),
            p => match pick(&c.projects, p) {
                Some(id) => Some(Some(id)),
                None => {
                    e.add("project", "Choose a running project, or none.");
                    None
                }
            },
        };
        let description = e.check("description", form::optional(&self.description, 2000));
        let deal = NewDeal {
            client_id: client?,
            project_id: project?,
            amount_minor: amount?,
            currency: currency?,
            exchange_rate_e4: exchange_rate_e4?,
            description: description?,
            payment_method: payment_method?,
            deal_date: deal_date?,
            due_date,
            source: source?,
        };
        e.is_empty().then_some((deal, new_client))
    }

    /// The typed-in client, checked by the client form's own rules.
    fn inline_client(&self, e: &mut FieldErrors) -> Option<ClientValues> {
        let form = ClientForm {
            name: self.new_client_name.clone(),
            email: self.new_client_email.clone(),
            phone: self.new_client_phone.clone(),
            ..ClientForm::default()
        };
        let mut client_errors = FieldErrors::default();
        let values = form.validate(&mut client_errors);
        e.merge_renamed(
            client_errors,
            &[("email", "new_client_email"), ("phone", "new_client_phone")],
            "new_client_name",
        );
        values
    }

    /// The form of an existing deal.
    pub fn of(
        d: &super::queries::DealRecord,
        client: PublicId,
        project: Option<PublicId>,
        exponent: u32,
    ) -> Self {
        Self {
            client: client.to_string(),
            amount: money::minor_to_input(d.amount_minor, exponent),
            currency: d.currency.clone(),
            exchange_rate: rate_to_input(d.exchange_rate_e4),
            deal_date: d.deal_date.to_string(),
            due_date: d.due_date.map(|d| d.to_string()).unwrap_or_default(),
            source: d.source.code().into(),
            project: project.map(|p| p.to_string()).unwrap_or_default(),
            payment_method: d
                .payment_method
                .map(|m| m.code().into())
                .unwrap_or_default(),
            description: d.description.clone().unwrap_or_default(),
            ..Self::default()
        }
    }

    /// A blank form: today's date, the client given in the address if any.
    pub fn blank(today: NaiveDate, client: Option<String>, currency: &str) -> Self {
        Self {
            client: client.unwrap_or_default(),
            currency: currency.to_string(),
            deal_date: today.to_string(),
            source: "other".into(),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Choices {
        Choices {
            picker: ClientPicker {
                clients: vec![(7, PublicId::new(), "Northwind".into())],
                ..ClientPicker::default()
            },
            inline_client: true,
            projects: Vec::new(),
            currency: "USD".into(),
            exponent: 2,
        }
    }

    #[test]
    fn a_deal_needs_a_client_of_the_scope_an_amount_and_sane_dates() {
        let c = choices();
        let mut e = FieldErrors::default();
        let f = DealForm {
            client: PublicId::new().to_string(),
            amount: "0".into(),
            deal_date: "2026-11-22".into(),
            due_date: "2026-11-01".into(),
            source: "tv".into(),
            payment_method: "barter".into(),
            ..Default::default()
        };
        assert!(f.validate(&c, &mut e).is_none());
        for field in ["client", "amount", "due_date", "source", "payment_method"] {
            assert!(e.has(field), "{field}");
        }
        let mut e = FieldErrors::default();
        let ok = DealForm {
            client: c.picker.clients[0].1.to_string(),
            amount: "1,250.50".into(),
            deal_date: "2026-11-22".into(),
            source: "referral".into(),
            ..Default::default()
        }
        .validate(&c, &mut e)
        .expect("valid");
        assert!(ok.1.is_none(), "no client typed in");
        let ok = ok.0;
        assert_eq!((ok.client_id, ok.amount_minor), (7, 125_050));
        assert_eq!(ok.payment_method, None);
    }
}
