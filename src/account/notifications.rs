//! `/account/notifications`: which kinds of notification a user gets in the app and which by
//! e-mail.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::AppState;
use crate::audit::{self, Event, actions};
use crate::db::{self, write_tx};
use crate::error::AppError;
use crate::notifications::preferences::{self, Channels, KINDS};
use crate::web::{Ctx, Flash, render, see_other};

pub struct KindRow {
    pub kind: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub channels: Channels,
}

#[derive(Template)]
#[template(path = "account/notifications.html")]
struct PreferencesPage {
    ctx: Ctx,
    kinds: Vec<KindRow>,
}

pub async fn show(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.user.id;
    let choices = db::run(&state.pool, move |conn| {
        Ok(preferences::all(conn, user_id)?)
    })
    .await?;
    let kinds = KINDS
        .iter()
        .zip(choices)
        .map(|((kind, label, hint), channels)| KindRow {
            kind,
            label,
            hint,
            channels,
        })
        .collect();
    render(&PreferencesPage { ctx, kinds })
}

/// The form's checkboxes (`in_app.KIND`, `email.KIND`, sent only when ticked) as a choice per
/// kind; anything else in the form is ignored.
fn choices(form: &[(String, String)]) -> Vec<Channels> {
    let ticked = |channel: &str, kind: &str| {
        form.iter()
            .any(|(name, value)| name == &format!("{channel}.{kind}") && value == "on")
    };
    KINDS
        .iter()
        .map(|(kind, _, _)| Channels {
            in_app: ticked("in_app", kind),
            email: ticked("email", kind),
        })
        .collect()
}

pub async fn save(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let org = ctx.scope()?;
    let user_id = ctx.user.id;
    let actor = ctx.actor();
    let chosen = choices(&form);
    db::run(&state.pool, move |conn| {
        write_tx(conn, |conn| {
            preferences::save(conn, org, user_id, &chosen)?;
            let summary: serde_json::Map<String, serde_json::Value> = KINDS
                .iter()
                .zip(&chosen)
                .map(|((kind, _, _), c)| {
                    (
                        kind.to_string(),
                        serde_json::json!({ "in_app": c.in_app, "email": c.email }),
                    )
                })
                .collect();
            audit::record(
                conn,
                &actor,
                Event::new(Some(org.id()), actions::UPDATE, "notification_preferences")
                    .entity(user_id)
                    .new_values(serde_json::Value::Object(summary)),
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Flash::success(&ctx.session, "Your notification choices are saved.");
    Ok(see_other("/account/notifications"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unticked_boxes_are_off_and_unknown_fields_ignored() {
        let form: Vec<(String, String)> = [
            ("csrf_token", "x"),
            ("in_app.payment_verified", "on"),
            ("email.payment_verified", "on"),
            ("email.payment_rejected", "on"),
            ("email.nonsense", "on"),
            ("in_app.payment_refunded", "yes"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let c = choices(&form);
        assert_eq!(c.len(), KINDS.len());
        assert_eq!(
            c[0],
            Channels {
                in_app: true,
                email: true
            }
        );
        assert_eq!(
            c[1],
            Channels {
                in_app: false,
                email: true
            }
        );
        assert_eq!(
            c[3],
            Channels {
                in_app: false,
                email: false
            }
        );
    }
}
