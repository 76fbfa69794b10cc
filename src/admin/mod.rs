//! `/admin`: an organization's administration. Each section needs its own permission (see
//! `Ctx::admin_nav`); the overview shows the sections the signed-in user may open.

pub mod audit;
pub mod broadcasts;
pub mod channel;
pub mod integrations;
pub mod notification_templates;
pub mod outbox;
pub mod policy;
pub mod roles;
pub mod settings;
pub mod teams;
pub mod users;

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;

use crate::AppState;
use crate::db;
use crate::error::AppError;
use crate::permissions::Permission::*;
use crate::schema::{audit_chain_heads, organization_stats, roles as roles_t, teams as teams_t};
use crate::web::{Ctx, render};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(overview));
    users::configure(cfg);
    roles::configure(cfg);
    teams::configure(cfg);
    settings::configure(cfg);
    settings::loss_reasons::configure(cfg);
    audit::configure(cfg);
    broadcasts::configure(cfg);
    channel::configure(cfg);
    notification_templates::configure(cfg);
    outbox::configure(cfg);
    integrations::configure(cfg);
}

#[derive(Default)]
struct Figures {
    users_total: i64,
    users_active: i64,
    roles: i64,
    teams: i64,
    audit_entries: i64,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage {
    ctx: Ctx,
    figures: Figures,
}

async fn overview(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_any(&[OrgManage, UsersManage, RolesManage, TeamsManage, AuditView])?;
    let org = ctx.scope()?.id();
    let figures = db::run(&state.pool, move |conn| {
        let (users_total, users_active) = organization_stats::table
            .find(org)
            .select((
                organization_stats::users_total,
                organization_stats::users_active,
            ))
            .first(conn)
            .optional()?
            .unwrap_or((0, 0));
        let roles = roles_t::table
            .filter(roles_t::organization_id.eq(org))
            .count()
            .get_result(conn)?;
        let teams = teams_t::table
            .filter(teams_t::organization_id.eq(org))
            .count()
            .get_result(conn)?;
        let audit_entries = audit_chain_heads::table
            .find(org)
            .select(audit_chain_heads::entries)
            .first(conn)
            .optional()?
            .unwrap_or(0);
        Ok(Figures {
            users_total,
            users_active,
            roles,
            teams,
            audit_entries,
        })
    })
    .await?;
    render(&OverviewPage { ctx, figures })
}
