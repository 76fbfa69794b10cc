//! `Ctx`: who is asking, what they may do, and what every page's layout needs. Extracting it is
//! what makes a handler require sign-in; its `scope()` is the only way to obtain an `OrgScope`,
//! which every query over business rows takes, so that tenancy cannot be forgotten.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono_tz::Tz;

use crate::AppState;
use crate::audit::Actor;
use crate::auth::sessions::{self, SessionUser};
use crate::error::AppError;
use crate::permissions::{Permission, PermissionSet};
use crate::web::time::When;
use crate::web::{Flash, client_ip, csrf, user_agent};

/// The organization whose rows a query may touch. Only `Ctx::scope` (from the signed-in user)
/// and the command line's own setup code create one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgScope {
    id: i64,
}

impl OrgScope {
    pub fn id(self) -> i64 {
        self.id
    }

    /// For trusted code that acts for an organization without a request: demo data, commands.
    pub(crate) fn trusted(id: i64) -> Self {
        Self { id }
    }
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

pub struct Ctx {
    pub user: SessionUser,
    pub perms: PermissionSet,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub unread: i64,
    pub path: String,
    pub session: Session,
    pub ip: String,
    pub user_agent: Option<String>,
}

/// Pages a user with a temporary password may still open.
const ALLOWED_BEFORE_PASSWORD_CHANGE: [&str; 2] = ["/account/password", "/logout"];

impl Ctx {
    pub fn scope(&self) -> Result<OrgScope, AppError> {
        self.user
            .organization_id
            .map(|id| OrgScope { id })
            .ok_or(AppError::Forbidden)
    }

    pub fn can(&self, p: Permission) -> bool {
        self.perms.contains(p)
    }

    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.can(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_any(&self, perms: &[Permission]) -> Result<(), AppError> {
        if self.perms.any(perms) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_platform_admin(&self) -> Result<(), AppError> {
        if self.user.is_platform_admin {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            email: Some(self.user.email.clone()),
            ip: Some(self.ip.clone()),
            user_agent: self.user_agent.clone(),
        }
    }

    pub fn timezone(&self) -> Tz {
        self.user.timezone
    }

    /// Today's date where this viewer is: the bound of payment dates, the default of new records.
    pub fn today(&self) -> chrono::NaiveDate {
        crate::db::now()
            .and_utc()
            .with_timezone(&self.timezone())
            .date_naive()
    }

    /// A stored UTC time as this viewer reads it (their zone, named; relative when recent).
    pub fn local_time(&self, t: Option<chrono::NaiveDateTime>) -> When {
        When::of(t, self.timezone(), crate::db::now())
    }

    /// "Europe/Berlin (CET)": said above lists of times.
    pub fn timezone_label(&self) -> String {
        let tz = self.timezone();
        let abbr = crate::db::now().and_utc().with_timezone(&tz).format("%Z");
        format!("{} ({abbr})", tz.name())
    }

    /// The dashboard this user lands on after sign-in.
    pub fn home(&self) -> &'static str {
        home_for(&self.user, self.perms)
    }

    /// The navigation this user's permissions open, in a fixed order.
    pub fn nav(&self) -> Vec<NavItem> {
        let mut items = Vec::new();
        let mut add = |href: &'static str, label: &'static str| {
            let active = self.path == href || self.path.starts_with(&format!("{href}/"));
            items.push(NavItem {
                href,
                label,
                active,
            });
        };
        use Permission::*;
        if self.user.is_platform_admin {
            add("/platform", "Platform");
        }
        if self
            .perms
            .any(&[OrgManage, UsersManage, RolesManage, TeamsManage, AuditView])
        {
            add("/admin", "Admin");
        }
        if self
            .perms
            .any(&[DealsCreate, PaymentsRecord, CallsLog, ClientsManage])
        {
            add("/sales", "Sales");
        }
        if self.can(PaymentsVerify) {
            add("/verifier", "Verification");
        } else if self.can(InvoicesManage) {
            add("/invoices", "Invoices");
        }
        if self
            .perms
            .any(&[LeadsManage, OrdersCreate, OrdersFulfill, ContractsManage])
        {
            add("/partner", "Partner");
        }
        if self.can(ReportsView) {
            add("/reports", "Reports");
        }
        items
    }

    /// The admin sections this user's permissions open.
    pub fn admin_nav(&self) -> Vec<NavItem> {
        use Permission::*;
        let sections: [(&'static str, &'static str, Permission); 10] = [
            ("/admin/users", "Users", UsersManage),
            ("/admin/roles", "Roles", RolesManage),
            ("/admin/teams", "Teams and projects", TeamsManage),
            ("/admin/settings", "Settings", OrgManage),
            ("/admin/partners", "Partners", OrgManage),
            ("/admin/integrations", "Integrations", IntegrationsManage),
            ("/admin/audit", "Audit log", AuditView),
            ("/admin/broadcasts", "Broadcasts", UsersManage),
            (
                "/admin/notification-templates",
                "Notification templates",
                OrgManage,
            ),
            ("/admin/outbox", "E-mail outbox", OrgManage),
        ];
        let mut items = vec![NavItem {
            href: "/admin",
            label: "Overview",
            active: self.path == "/admin",
        }];
        items.extend(sections.into_iter().filter(|(_, _, p)| self.can(*p)).map(
            |(href, label, _)| NavItem {
                href,
                label,
                active: self.path == href || self.path.starts_with(&format!("{href}/")),
            },
        ));
        items
    }

    /// The sales area's sections this user's permissions open.
    pub fn sales_nav(&self) -> Vec<NavItem> {
        let mut items = vec![NavItem {
            href: "/sales",
            label: "Dashboard",
            active: self.path == "/sales",
        }];
        if self
            .perms
            .any(&[Permission::DealsCreate, Permission::DealsViewAll])
        {
            items.push(NavItem {
                href: "/sales/deals",
                label: "Deals",
                active: self.path.starts_with("/sales/deals"),
            });
        }
        if self.can(Permission::ClientsManage) {
            items.push(NavItem {
                href: "/sales/clients",
                label: "Clients",
                active: self.path.starts_with("/sales/clients"),
            });
        }
        if self
            .perms
            .any(&[Permission::CallsLog, Permission::CallsViewAll])
        {
            items.push(NavItem {
                href: "/sales/calls",
                label: "Calls",
                active: self.path.starts_with("/sales/calls"),
            });
        }
        if self.can(Permission::PaymentsRecord) {
            items.push(NavItem {
                href: "/sales/payments",
                label: "My payments",
                active: self.path.starts_with("/sales/payments"),
            });
        }
        // Whoever records payments or sees every deal reads the invoices of what they see.
        if self
            .perms
            .any(&[Permission::PaymentsRecord, Permission::DealsViewAll])
        {
            items.push(NavItem {
                href: "/invoices",
                label: "Invoices",
                active: self.path.starts_with("/invoices"),
            });
        }
        if self.perms.any(&[
            Permission::DealsCreate,
            Permission::CommissionsViewAll,
            Permission::CommissionsManage,
        ]) {
            items.push(NavItem {
                href: "/commissions",
                label: "Commissions",
                active: self.path.starts_with("/commissions"),
            });
        }
        items
    }

    /// The verification area's sections this user's permissions open (none for others).
    pub fn verification_nav(&self) -> Vec<NavItem> {
        let mut items = Vec::new();
        if self.can(Permission::PaymentsVerify) {
            let dashboard = self.path.starts_with("/verifier/dashboard");
            items.push(NavItem {
                href: "/verifier",
                label: "Queue",
                active: self.path.starts_with("/verifier") && !dashboard,
            });
            items.push(NavItem {
                href: "/verifier/dashboard",
                label: "Dashboard",
                active: dashboard,
            });
        }
        if self
            .perms
            .any(&[Permission::PaymentsVerify, Permission::InvoicesManage])
        {
            items.push(NavItem {
                href: "/invoices",
                label: "Invoices",
                active: self.path.starts_with("/invoices"),
            });
        }
        items
    }

    pub fn display_name(&self) -> String {
        self.user.display_name()
    }

    /// Up to two initials for the avatar of the user menu ("AA" for Ada Admin).
    pub fn initials(&self) -> String {
        let name = self.display_name();
        let mut initials: String = name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .take(2)
            .collect();
        if initials.is_empty() {
            initials = self
                .user
                .email
                .chars()
                .take(1)
                .flat_map(char::to_uppercase)
                .collect();
        }
        initials
    }
}

pub fn home_for(user: &SessionUser, perms: PermissionSet) -> &'static str {
    use Permission::*;
    if user.is_platform_admin {
        "/platform"
    } else if perms.any(&[OrgManage, UsersManage, RolesManage]) {
        "/admin"
    } else if perms.contains(PaymentsVerify) {
        "/verifier"
    } else if perms.contains(InvoicesManage) {
        "/invoices"
    } else if perms.any(&[DealsCreate, PaymentsRecord, CallsLog]) {
        "/sales"
    } else if perms.any(&[LeadsManage, OrdersCreate, OrdersFulfill, ContractsManage]) {
        "/partner"
    } else if perms.contains(ReportsView) {
        "/reports"
    } else {
        "/account"
    }
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let session = req.get_session();
            let path = req.path().to_string();
            let next = if req.method() == actix_web::http::Method::GET {
                req.uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default()
            } else {
                "/".to_string()
            };
            let login = || AppError::LoginRequired { next: next.clone() };
            let token = session
                .get::<String>(sessions::COOKIE_KEY)
                .ok()
                .flatten()
                .ok_or_else(login)?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::internal("application state missing"))?
                .clone();
            let loaded = crate::db::run(&state.pool, move |conn| {
                sessions::load(conn, &token).map_err(AppError::from)
            })
            .await?;
            let Some(loaded) = loaded else {
                session.purge();
                return Err(login());
            };
            if loaded.user.must_change_password
                && !ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&path.as_str())
            {
                return Err(AppError::PasswordChangeRequired);
            }
            Ok(Ctx {
                csrf: csrf::token(&session),
                flash: Flash::take(&session),
                user: loaded.user,
                perms: loaded.perms,
                unread: loaded.unread,
                path,
                ip: client_ip(&req),
                user_agent: user_agent(&req),
                session,
            })
        })
    }
}
