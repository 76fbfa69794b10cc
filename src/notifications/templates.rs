//! The words of each notification an event sends, as templates with `{{variables}}`: the
//! defaults below, or the organization's own (`notification_templates`, edited on
//! `/admin/notification-templates`). An event gives its values; `notify` renders the
//! organization's active template of the kind, else the default. A template may use only the
//! variables its kind offers, checked when it is saved.

use std::collections::BTreeSet;

/// The variables every kind offers.
pub const COMMON: [(&str, &str); 2] = [
    ("recipient", "The first name of the person notified"),
    ("organization", "The organization's name"),
];

/// A kind of notification an event sends, with its own variables and default words.
pub struct Kind {
    pub code: &'static str,
    pub label: &'static str,
    /// When it is sent, as a user choosing their notifications reads it.
    pub description: &'static str,
    pub variables: &'static [(&'static str, &'static str)],
    pub title: &'static str,
    pub message: &'static str,
}

const PAYMENT: [(&str, &str); 3] = [
    ("number", "The payment's number (TXN000123)"),
    ("amount", "The amount, with its currency"),
    ("deal", "The deal's number (DLID0042)"),
];

/// The kinds whose words an organization may change (a broadcast is written by its sender).
pub const KINDS: [Kind; 7] = [
    Kind {
        code: "payment_verified",
        label: "Payment verified",
        description: "A payment you recorded is verified and its invoice issued.",
        variables: &PAYMENT,
        title: "Payment {{number}} verified",
        message: "{{amount}} on deal {{deal}} is verified and its invoice issued.",
    },
    Kind {
        code: "payment_rejected",
        label: "Payment rejected",
        description: "A payment you recorded is rejected, with the reason.",
        variables: &[
            ("number", "The payment's number (TXN000123)"),
            ("amount", "The amount, with its currency"),
            ("deal", "The deal's number (DLID0042)"),
            ("reason", "The failure reason (Bank decline…)"),
            ("comment", "The verifier's comment"),
        ],
        title: "Payment {{number}} rejected",
        message: "{{amount}} on deal {{deal}} was rejected: {{reason}}. {{comment}}",
    },
    Kind {
        code: "payment_needs_second_approval",
        label: "Payment needs a second approval",
        description: "A payment above the threshold was approved once and waits for a second verifier.",
        variables: &PAYMENT,
        title: "Payment {{number}} needs a second approval",
        message: "One verifier approved {{amount}} on deal {{deal}}; above the organization's \
                  threshold a second verifier must approve it too.",
    },
    Kind {
        code: "payment_refunded",
        label: "Payment refunded or bad debt",
        description: "A verified payment of yours is refunded or marked bad debt.",
        variables: &[
            ("number", "The payment's number (TXN000123)"),
            ("amount", "The amount, with its currency"),
            ("deal", "The deal's number (DLID0042)"),
            ("outcome", "\"refunded\" or \"written off as bad debt\""),
            ("reason", "The reason given"),
        ],
        title: "Payment {{number}} {{outcome}}",
        message: "{{amount}} on deal {{deal}} no longer counts as paid: {{reason}}",
    },
    Kind {
        code: "commission_approved",
        label: "Commission approved",
        description: "A commission of yours is approved.",
        variables: &[
            ("amount", "The commission, with its currency"),
            ("deal", "The deal's number (DLID0042)"),
        ],
        title: "Commission on deal {{deal}} approved",
        message: "Your commission of {{amount}} on deal {{deal}} is approved.",
    },
    Kind {
        code: "commission_paid",
        label: "Commission paid",
        description: "A commission of yours is paid.",
        variables: &[
            ("amount", "The commission, with its currency"),
            ("deal", "The deal's number (DLID0042)"),
        ],
        title: "Commission on deal {{deal}} paid",
        message: "Your commission of {{amount}} on deal {{deal}} is paid.",
    },
    Kind {
        code: "contract_expiring",
        label: "Contract expiring",
        description: "A contract you or your partner hold expires within 30 days.",
        variables: &[
            ("contract", "The contract's number (CTR-000042)"),
            ("date", "The day it expires"),
        ],
        title: "Contract {{contract}} expires on {{date}}",
        message: "Contract {{contract}} expires on {{date}}. Renew it from its page to keep the service running.",
    },
];

pub const PAYMENT_VERIFIED: &Kind = &KINDS[0];
pub const PAYMENT_REJECTED: &Kind = &KINDS[1];
pub const PAYMENT_NEEDS_SECOND_APPROVAL: &Kind = &KINDS[2];
pub const PAYMENT_REFUNDED: &Kind = &KINDS[3];
pub const COMMISSION_APPROVED: &Kind = &KINDS[4];
pub const COMMISSION_PAID: &Kind = &KINDS[5];
pub const CONTRACT_EXPIRING: &Kind = &KINDS[6];

pub fn kind(code: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.code == code)
}

impl Kind {
    /// Every variable this kind's templates may use: its own and the common ones.
    pub fn allowed(&self) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
        self.variables.iter().chain(COMMON.iter())
    }

    /// Example values, for the preview.
    pub fn sample(&self) -> Vec<(&'static str, String)> {
        self.allowed()
            .map(|(name, _)| {
                let value = match *name {
                    "recipient" => "Sam",
                    "organization" => "Demo Traders",
                    "number" => "TXN000123",
                    "amount" => "1,250.00 USD",
                    "deal" => "DLID0042",
                    "reason" => "Bank decline",
                    "comment" => "The bank returned the transfer.",
                    "outcome" => "refunded",
                    "contract" => "CTR-000042",
                    "date" => "31 Dec 2026",
                    _ => "…",
                };
                (*name, value.to_string())
            })
            .collect()
    }
}

/// The `{{name}}` placeholders of a text, in order (spaces inside the braces allowed), or what is
/// wrong with the text: a `{{` never closed.
pub fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err("A {{ is never closed with }}.".into());
        };
        out.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    Ok(out)
}

/// Checks that a template uses only the kind's variables; the error names the unknown ones and
/// lists the known.
pub fn check(kind: &Kind, text: &str) -> Result<(), String> {
    let used = placeholders(text)?;
    let allowed: BTreeSet<&str> = kind.allowed().map(|(n, _)| *n).collect();
    let unknown: BTreeSet<&str> = used.into_iter().filter(|u| !allowed.contains(u)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let list = |s: Vec<String>| s.join(", ");
    Err(format!(
        "Unknown variable{}: {}. This kind offers {}.",
        if unknown.len() == 1 { "" } else { "s" },
        list(unknown.iter().map(|u| format!("{{{{{u}}}}}")).collect()),
        list(
            kind.allowed()
                .map(|(n, _)| format!("{{{{{n}}}}}"))
                .collect()
        )
    ))
}

/// The text with each known placeholder replaced by its value; one without a value is left as
/// written (a template checked on saving has none).
pub fn render(text: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let name = after[..end].trim();
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_their_values_and_keep_the_rest() {
        let v = [("number", "TXN1".to_string()), ("amount", "5 USD".into())];
        assert_eq!(
            render("Paid {{ number }}: {{amount}}{{amount}}!", &v),
            "Paid TXN1: 5 USD5 USD!"
        );
        assert_eq!(render("{{nope}} and {{", &v), "{{nope}} and {{");
        assert_eq!(render("no braces", &v), "no braces");
    }

    #[test]
    fn every_default_uses_only_its_kinds_variables() {
        for k in &KINDS {
            assert_eq!(check(k, k.title), Ok(()), "{}", k.code);
            assert_eq!(check(k, k.message), Ok(()), "{}", k.code);
            let sample = k.sample();
            assert!(!render(k.message, &sample).contains("{{"), "{}", k.code);
        }
    }

    #[test]
    fn unknown_variables_and_open_braces_are_named() {
        let k = kind("commission_paid").expect("kind");
        assert_eq!(check(k, "Hi {{recipient}}, {{ deal }}"), Ok(()));
        let e = check(k, "{{reason}} and {{number}}").expect_err("unknown");
        assert!(
            e.starts_with("Unknown variables: {{number}}, {{reason}}."),
            "{e}"
        );
        assert!(e.contains("{{amount}}, {{deal}}, {{recipient}}, {{organization}}"));
        assert_eq!(
            check(k, "Paid {{amount"),
            Err("A {{ is never closed with }}.".into())
        );
    }
}
