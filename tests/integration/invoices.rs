//! Invoices: listed for the verifiers and within a salesperson's scope, a page and a PDF whose
//! text says the figures (read back with pdftotext); on both databases.

use diesel::prelude::*;

use crate::common::client::strip_tags;
use crate::dual;
use crate::sales_payments::{new_deal, pay, record, today};
use dealdesk::db::PublicId;
use dealdesk::schema::{clients, deals, invoices, organizations, payments};

/// The PDF's text, by pdftotext; a failure under CI when it is missing.
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("invoice.pdf");
    std::fs::write(&path, bytes).expect("write");
    match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext failed");
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set and pdftotext cannot start: {e} (apt-get install poppler-utils)"
            );
            eprintln!("skipping the PDF text check: pdftotext cannot start ({e})");
            None
        }
    }
}

dual!(
    an_invoice_is_listed_shown_and_downloaded_within_scope,
    |app| {
        diesel::update(organizations::table.filter(organizations::name.eq("Demo Traders")))
            .set((
                organizations::tax_rate_bp.eq(725),
                organizations::prices_include_tax.eq(false),
            ))
            .execute(&mut app.conn())
            .expect("tax rate");
        let mut sam = app.signed_in("sales@demo.test");
        let deal = new_deal(&mut sam, app, "sales@demo.test", "1,000.00");
        let r = record(&mut sam, &deal, &pay("333.33", "advance", today()), None);
        assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        let (payment, number): (PublicId, String) = payments::table
            .order(payments::id.desc())
            .select((payments::public_id, payments::transaction_number))
            .first(&mut app.conn())
            .expect("payment");
        // Until the payment is verified its invoice is a draft without a number.
        let (invoice, draft): (PublicId, Option<String>) = invoices::table
            .inner_join(payments::table)
            .filter(payments::public_id.eq(payment))
            .select((invoices::public_id, invoices::invoice_number))
            .first(&mut app.conn())
            .expect("invoice");
        assert_eq!(draft, None);
        let text = strip_tags(&sam.get(&format!("/invoices/{invoice}")).body);
        assert!(text.contains("Draft invoice"), "{text}");
        let mut vera = app.signed_in("verifier@demo.test");
        let r = vera.submit(
            &format!("/verifier/payments/{payment}"),
            &format!("/verifier/payments/{payment}/decision"),
            &[
                ("decision", "approve"),
                ("received", ""),
                ("failure_reason", ""),
                ("comment", ""),
            ],
        );
        assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        let invoice_number: String = invoices::table
            .filter(invoices::public_id.eq(invoice))
            .select(invoices::invoice_number)
            .first::<Option<String>>(&mut app.conn())
            .expect("invoice")
            .expect("issued, so numbered");

        // The verifier finds it by number and status.
        let list = vera.get(&format!("/invoices?number={invoice_number}&status=issued"));
        assert_eq!(list.status, 200);
        let row = format!(">{invoice_number}</a>");
        assert_eq!(list.cell(&row, "Total"), "357.50 USD");
        assert_eq!(list.cell(&row, "Status"), "Issued");
        assert!(
            !vera
                .get(&format!("/invoices?number={invoice_number}&status=pending"))
                .body
                .contains(&row)
        );
        assert_eq!(vera.get("/invoices?from=2026-13-01").status, 422);

        // Its page: 333.33 + 7.25 % (24.1664 → 24.17) = 357.50.
        let page = vera.get(&format!("/invoices/{invoice}"));
        assert_eq!(page.status, 200);
        let text = strip_tags(&page.body);
        for part in [
            format!("Invoice {invoice_number}"),
            "Bill to".to_string(),
            format!("Payment {number} on deal"),
            "Tax added to the amount paid".to_string(),
            "Tax at 7.25 %".to_string(),
            "24.17 USD".to_string(),
            "357.50 USD".to_string(),
            "Issued".to_string(),
        ] {
            assert!(text.contains(&part), "{part}: {text}");
        }
        let pdf = vera.get(&format!("/invoices/{invoice}/pdf"));
        assert_eq!(pdf.status, 200);
        assert_eq!(pdf.header("content-type"), Some("application/pdf"));
        assert!(
            pdf.header("content-disposition")
                .is_some_and(|d| d.contains(&format!("{invoice_number}.pdf")))
        );
        if let Some(text) = pdf_text(&pdf.bytes) {
            for part in [
                format!("Invoice {invoice_number}"),
                "Demo Traders".to_string(),
                "Tax at 7.25 %".to_string(),
                "24.17 USD".to_string(),
                "357.50 USD".to_string(),
                // Statuses and methods print in words, not as stored codes.
                "Status: Issued".to_string(),
                "Bank transfer".to_string(),
            ] {
                assert!(text.contains(&part), "{part} in the PDF: {text}");
            }
            assert!(!text.contains("bank_transfer") && !text.contains("issued"));
        }
        // A client's name prints as it is written, in any of the scripts the font covers.
        let name = "Łódź Trading Αθήνα Москва";
        let client: i64 = payments::table
            .inner_join(deals::table)
            .filter(payments::public_id.eq(payment))
            .select(deals::client_id)
            .first(&mut app.conn())
            .expect("client");
        diesel::update(clients::table.find(client))
            .set(clients::name.eq(name))
            .execute(&mut app.conn())
            .expect("rename");
        let pdf = vera.get(&format!("/invoices/{invoice}/pdf"));
        assert_eq!(pdf.status, 200);
        assert!(pdf.bytes.len() < 200_000, "{} bytes", pdf.bytes.len());
        if let Some(text) = pdf_text(&pdf.bytes) {
            assert!(text.contains(name), "{name} in the PDF: {text}");
            assert!(!text.contains('?'), "nothing printed as ?: {text}");
        }

        // The salesperson sees their own; a colleague and another organization do not.
        assert!(sam.get("/invoices").body.contains(&invoice_number));
        assert_eq!(sam.get(&format!("/invoices/{invoice}")).status, 200);
        let mut lena = app.signed_in("lena.lopez@demo.test");
        assert_eq!(lena.get(&format!("/invoices/{invoice}")).status, 404);
        assert_eq!(lena.get(&format!("/invoices/{invoice}/pdf")).status, 404);
        assert!(!lena.get("/invoices").body.contains(&invoice_number));
        assert_eq!(
            app.signed_in("admin@acme.test")
                .get(&format!("/invoices/{invoice}"))
                .status,
            404
        );
        assert_eq!(
            app.signed_in("partner@demo.test").get("/invoices").status,
            403
        );
    }
);

dual!(
    stored_codes_read_as_their_enum_and_an_unknown_one_is_an_error,
    |app| {
        use dealdesk::domain::{InvoiceStatus, PaymentMethod};
        let mut conn = app.conn();
        // The enum filters and reads back what the database holds as text.
        let raw: i64 = invoices::table
            .filter(invoices::status.eq("issued"))
            .count()
            .get_result(&mut conn)
            .expect("raw count");
        let typed: i64 = invoices::table
            .filter(invoices::status.eq(InvoiceStatus::Issued))
            .count()
            .get_result(&mut conn)
            .expect("typed count");
        assert!(raw > 0);
        assert_eq!(typed, raw);
        let methods: Vec<PaymentMethod> = payments::table
            .select(payments::method)
            .distinct()
            .load(&mut conn)
            .expect("methods");
        assert!(
            methods.contains(&PaymentMethod::BankTransfer),
            "{methods:?}"
        );
        // Every value the enum writes is one the database's CHECK accepts, and reads back as itself.
        let id: i64 = invoices::table
            .select(invoices::id)
            .order(invoices::id)
            .first(&mut conn)
            .expect("an invoice");
        for status in InvoiceStatus::ALL {
            diesel::update(invoices::table.find(id))
                .set(invoices::status.eq(*status))
                .execute(&mut conn)
                .expect("a known status is stored");
            let back: InvoiceStatus = invoices::table
                .find(id)
                .select(invoices::status)
                .first(&mut conn)
                .expect("read back");
            assert_eq!(back, *status);
        }
        // A code nobody knows: the database refuses to store it, and reading one is an error, never
        // another status.
        assert!(
            diesel::update(invoices::table.find(id))
                .set(invoices::status.eq("lost_in_the_post"))
                .execute(&mut conn)
                .is_err()
        );
        let read = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
            "'lost_in_the_post'",
        ))
        .get_result::<InvoiceStatus>(&mut conn);
        let err = format!("{:?}", read.expect_err("an unknown code is an error"));
        assert!(err.contains("lost_in_the_post"), "{err}");
    }
);

dual!(
    amounts_include_tax_unless_the_organization_says_otherwise_and_each_invoice_says_which,
    |app| {
        use crate::verification::{approve, decide, pending_payment};
        let invoice_of = |id: PublicId| -> (PublicId, i64, i64, bool) {
            invoices::table
                .inner_join(payments::table)
                .filter(payments::public_id.eq(id))
                .select((
                    invoices::public_id,
                    invoices::tax_minor,
                    invoices::total_minor,
                    invoices::tax_included,
                ))
                .first(&mut app.conn())
                .expect("invoice")
        };
        let mut vera = app.signed_in("verifier@demo.test");
        // Demo Traders bills at 20 %, amounts including tax (the default): 436.10 received is
        // billed 436.10, of which 436.10 × 20 / 120 = 72.6833 → 72.68 is tax.
        let (paid, _, _) = pending_payment(app, "436.10");
        assert_eq!(decide(&mut vera, paid, &approve("436.10")).status, 303);
        let (invoice, tax, total, included) = invoice_of(paid);
        assert_eq!((tax, total, included), (7_268, 43_610, true));
        let text = strip_tags(&vera.get(&format!("/invoices/{invoice}")).body);
        for part in [
            "Tax included in the amount paid",
            "before tax 363.42 USD",
            "Tax at 20 % 72.68 USD",
            "Total 436.10 USD",
        ] {
            assert!(text.contains(part), "{part}: {text}");
        }

        // The administrator turns it off: tax goes on top of what is paid from now on, and the
        // invoice already issued keeps the rule it was made under.
        let mut ada = app.signed_in("admin@demo.test");
        let settings = ada.get("/admin/settings");
        assert!(
            settings
                .body
                .contains("name=\"prices_include_tax\" value=\"on\" checked")
        );
        // The form as the administrator sends it with the box unticked.
        let r = ada.submit(
            "/admin/settings",
            "/admin/settings",
            &crate::admin_org::settings_form(&[]),
        );
        assert_eq!(r.status, 303, "{}", strip_tags(&r.body));
        let (later, _, _) = pending_payment(app, "100");
        assert_eq!(decide(&mut vera, later, &approve("100")).status, 303);
        let (_, tax, total, included) = invoice_of(later);
        assert_eq!((tax, total, included), (2_000, 12_000, false));
        assert_eq!(invoice_of(paid), (invoice, 7_268, 43_610, true));
        let entries = crate::common::lookup::audit(app, "settings");
        let (_, _, old, new) = entries.last().expect("the change is audited");
        let (old, new) = (
            crate::common::lookup::json(old),
            crate::common::lookup::json(new),
        );
        assert_eq!(
            (&old["prices_include_tax"], &new["prices_include_tax"]),
            (&serde_json::json!(true), &serde_json::json!(false))
        );
        let text = strip_tags(&vera.get(&format!("/invoices/{invoice}")).body);
        assert!(text.contains("Tax included in the amount paid"), "{text}");
    }
);
