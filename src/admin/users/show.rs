//! A user's page: status, permissions, sessions and recent activity.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::queries::UserRecord;
use super::{TEMPORARY_PASSWORD, status_of};
use super::{form, queries};
use crate::AppState;
use crate::admin::policy;
use crate::auth::sessions;
use crate::db::{self, PublicId};
use crate::domain::Money;
use crate::domain::money::bp_to_percent;
use crate::error::AppError;
use crate::permissions::{Permission, PermissionSet};
use crate::web::time::When;
use crate::web::{Ctx, render};

pub struct SessionLine {
    pub public_id: PublicId,
    pub device: String,
    pub ip: String,
    pub created: When,
    pub last_seen: When,
}

pub struct ActivityLine {
    pub when: When,
    pub action: &'static str,
    pub by: String,
}

#[derive(Template)]
#[template(path = "admin/users/show.html")]
pub(super) struct ShowPage {
    pub(super) ctx: Ctx,
    pub(super) user: UserRecord,
    pub(super) role: String,
    pub(super) team: Option<String>,
    pub(super) partner: Option<String>,
    pub(super) distributor: Option<String>,
    pub(super) status: &'static str,
    pub(super) status_class: &'static str,
    pub(super) sales_target: String,
    pub(super) commission_rate: String,
    pub(super) last_login: When,
    pub(super) created: When,
    pub(super) sessions: Vec<SessionLine>,
    pub(super) activity: Vec<ActivityLine>,
    pub(super) temporary_password: Option<String>,
    pub(super) can_manage: bool,
}

pub(super) async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Permission::UsersManage)?;
    let scope = ctx.scope()?;
    let id = path.into_inner();
    let read = db::run(&state.pool, move |conn| {
        let user = queries::find(conn, scope, id)?;
        Ok(Read {
            user_perms: policy::role_permissions(conn, scope, user.role_id)?,
            choices: form::load_choices(conn, scope)?,
            active: sessions::list_active(conn, user.id)?,
            activity: queries::recent_activity(conn, scope, id, 10)?,
            user,
        })
    })
    .await?;
    let temporary_password = ctx
        .session
        .remove_as::<(String, String)>(TEMPORARY_PASSWORD)
        .and_then(Result::ok)
        .filter(|(pid, _)| *pid == id.to_string())
        .map(|(_, pw)| pw);
    render(&ShowPage::build(ctx, read, temporary_password))
}

/// What a user's page reads.
struct Read {
    user: UserRecord,
    user_perms: PermissionSet,
    choices: form::Choices,
    active: Vec<sessions::ActiveSession>,
    activity: Vec<queries::Activity>,
}

impl ShowPage {
    fn build(ctx: Ctx, read: Read, temporary_password: Option<String>) -> Self {
        let Read {
            user,
            user_perms,
            choices,
            active,
            activity,
        } = read;
        let (status, status_class) = status_of(user.is_active, user.locked_until);
        let sessions = active
            .into_iter()
            .map(|s| SessionLine {
                public_id: s.public_id,
                device: crate::account::sessions::device(s.user_agent.as_deref()),
                ip: s.ip_address.unwrap_or_else(|| "unknown".into()),
                created: ctx.local_time(Some(s.created_at)),
                last_seen: ctx.local_time(Some(s.last_seen_at)),
            })
            .collect();
        let activity = activity
            .into_iter()
            .map(|(t, action, by)| ActivityLine {
                when: ctx.local_time(Some(t)),
                action: crate::admin::audit::present::action_label(&action),
                by: by.unwrap_or_else(|| "Dealdesk".into()),
            })
            .collect();
        let name = |items: &[queries::Choice], id: Option<i64>| {
            id.and_then(|id| items.iter().find(|c| c.0 == id).map(|c| c.2.clone()))
        };
        ShowPage {
            role: choices.role_name(user.role_id),
            team: name(&choices.teams, user.team_id),
            partner: name(&choices.partners, user.partner_id),
            distributor: name(&choices.distributors, user.distributor_id),
            status,
            status_class,
            sales_target: user
                .sales_target_minor
                .map(|m| Money::new(m, &choices.currency).to_string())
                .unwrap_or_else(|| "—".into()),
            commission_rate: user
                .commission_rate_bp
                .map(|bp| format!("{} %", bp_to_percent(bp.into())))
                .unwrap_or_else(|| "Role or organization default".into()),
            last_login: ctx.local_time(user.last_login_at),
            created: ctx.local_time(Some(user.created_at)),
            can_manage: policy::covers(ctx.perms, user_perms),
            sessions,
            activity,
            temporary_password,
            user,
            ctx,
        }
    }
}
