//! The permission catalog (fixed, in code) and the default roles every organization starts with.
//! Roles in the database hold permission keys; a key no longer in the catalog is ignored.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    OrgManage,
    UsersManage,
    RolesManage,
    TeamsManage,
    CatalogManage,
    IntegrationsManage,
    AuditView,
    ClientsManage,
    DealsCreate,
    DealsViewAll,
    PaymentsRecord,
    PaymentsVerify,
    InvoicesManage,
    CommissionsViewAll,
    CommissionsManage,
    CallsLog,
    CallsViewAll,
    ReportsView,
    LeadsManage,
    OrdersCreate,
    OrdersFulfill,
    ContractsManage,
}

use Permission::*;

pub const ALL: [Permission; 22] = [
    OrgManage,
    UsersManage,
    RolesManage,
    TeamsManage,
    CatalogManage,
    IntegrationsManage,
    AuditView,
    ClientsManage,
    DealsCreate,
    DealsViewAll,
    PaymentsRecord,
    PaymentsVerify,
    InvoicesManage,
    CommissionsViewAll,
    CommissionsManage,
    CallsLog,
    CallsViewAll,
    ReportsView,
    LeadsManage,
    OrdersCreate,
    OrdersFulfill,
    ContractsManage,
];

impl Permission {
    pub fn key(self) -> &'static str {
        match self {
            OrgManage => "org.manage",
            UsersManage => "users.manage",
            RolesManage => "roles.manage",
            TeamsManage => "teams.manage",
            CatalogManage => "catalog.manage",
            IntegrationsManage => "integrations.manage",
            AuditView => "audit.view",
            ClientsManage => "clients.manage",
            DealsCreate => "deals.create",
            DealsViewAll => "deals.view_all",
            PaymentsRecord => "payments.record",
            PaymentsVerify => "payments.verify",
            InvoicesManage => "invoices.manage",
            CommissionsViewAll => "commissions.view_all",
            CommissionsManage => "commissions.manage",
            CallsLog => "calls.log",
            CallsViewAll => "calls.view_all",
            ReportsView => "reports.view",
            LeadsManage => "leads.manage",
            OrdersCreate => "orders.create",
            OrdersFulfill => "orders.fulfill",
            ContractsManage => "contracts.manage",
        }
    }

    /// The area of the product a permission belongs to, for grouping on role forms.
    pub fn area(self) -> &'static str {
        match self {
            OrgManage | UsersManage | RolesManage | TeamsManage | IntegrationsManage
            | AuditView => "Administration",
            CatalogManage => "Catalog",
            ClientsManage | DealsCreate | DealsViewAll | PaymentsRecord | CallsLog
            | CallsViewAll => "Sales",
            PaymentsVerify | InvoicesManage => "Verification",
            CommissionsViewAll | CommissionsManage => "Commissions",
            ReportsView => "Reports",
            LeadsManage | OrdersCreate | OrdersFulfill | ContractsManage => "Partner channel",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            OrgManage => "Change organization settings, loss reasons and notification templates",
            UsersManage => "Create, edit and deactivate users; reset passwords; revoke sessions",
            RolesManage => "Create and edit roles and the permissions they hold",
            TeamsManage => "Create teams and projects and assign members",
            CatalogManage => "Manage products, price tiers and durations",
            IntegrationsManage => "Configure providers, credentials and webhooks",
            AuditView => "Read and export the audit log",
            ClientsManage => "Create and edit clients",
            DealsCreate => "Create deals and edit one's own",
            DealsViewAll => "See every deal of the organization, not only one's own or team's",
            PaymentsRecord => "Record payments with receipts on deals",
            PaymentsVerify => "Approve or reject pending payments",
            InvoicesManage => "Manage invoices and their status",
            CommissionsViewAll => "See every user's commissions",
            CommissionsManage => "Approve, pay and penalise commissions",
            CallsLog => "Log calls and their outcomes",
            CallsViewAll => "See every call of the organization",
            ReportsView => "See organization-wide metrics and rankings",
            LeadsManage => "Work leads: activities, notes and status",
            OrdersCreate => "Create quotes and orders",
            OrdersFulfill => "Work the fulfillment queue and fulfil orders",
            ContractsManage => "Renew, upgrade, downgrade and cancel contracts",
        }
    }

    /// A few plain words for lists (the audit log, dashboards): never the key.
    pub fn label(self) -> &'static str {
        match self {
            OrgManage => "Organization settings",
            UsersManage => "Users",
            RolesManage => "Roles",
            TeamsManage => "Teams and projects",
            CatalogManage => "Catalog",
            IntegrationsManage => "Integrations",
            AuditView => "Audit log",
            ClientsManage => "Clients",
            DealsCreate => "Create deals",
            DealsViewAll => "All deals",
            PaymentsRecord => "Record payments",
            PaymentsVerify => "Verify payments",
            InvoicesManage => "Invoices",
            CommissionsViewAll => "All commissions",
            CommissionsManage => "Manage commissions",
            CallsLog => "Log calls",
            CallsViewAll => "All calls",
            ReportsView => "Reports",
            LeadsManage => "Leads",
            OrdersCreate => "Create orders",
            OrdersFulfill => "Fulfil orders",
            ContractsManage => "Contracts",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        ALL.into_iter().find(|p| p.key() == key)
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A set of permissions, as held by one role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PermissionSet(u32);

impl PermissionSet {
    pub fn from_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        Self(
            keys.into_iter()
                .filter_map(Permission::from_key)
                .fold(0, |acc, p| acc | p.bit()),
        )
    }

    pub fn of(perms: &[Permission]) -> Self {
        Self(perms.iter().fold(0, |acc, p| acc | p.bit()))
    }

    pub fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn any(self, perms: &[Permission]) -> bool {
        perms.iter().any(|p| self.contains(*p))
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        ALL.into_iter().filter(move |p| self.contains(*p))
    }
}

pub struct DefaultRole {
    /// Stable key kept in `roles.system_key`; also the local part of the demo accounts.
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub permissions: &'static [Permission],
}

pub const DEFAULT_ROLES: [DefaultRole; 9] = [
    DefaultRole {
        key: "admin",
        name: "Admin",
        description: "Full control of the organization",
        permissions: &ALL,
    },
    DefaultRole {
        key: "restricted_admin",
        name: "Restricted Admin",
        description: "Administration without users, roles or integrations",
        permissions: &[
            OrgManage,
            TeamsManage,
            CatalogManage,
            AuditView,
            ClientsManage,
            DealsCreate,
            DealsViewAll,
            PaymentsRecord,
            InvoicesManage,
            CommissionsViewAll,
            CommissionsManage,
            CallsLog,
            CallsViewAll,
            ReportsView,
            LeadsManage,
            OrdersCreate,
            OrdersFulfill,
            ContractsManage,
        ],
    },
    DefaultRole {
        key: "manager",
        name: "Sales Manager",
        description: "Leads a sales team and sees the whole organization's sales",
        permissions: &[
            ClientsManage,
            DealsCreate,
            DealsViewAll,
            PaymentsRecord,
            CommissionsViewAll,
            CommissionsManage,
            CallsLog,
            CallsViewAll,
            ReportsView,
        ],
    },
    DefaultRole {
        key: "sales",
        name: "Salesperson",
        description: "Logs clients, deals, payments and calls",
        permissions: &[ClientsManage, DealsCreate, PaymentsRecord, CallsLog],
    },
    DefaultRole {
        key: "verifier",
        name: "Verifier",
        description: "Verifies payments and manages invoices",
        permissions: &[PaymentsVerify, InvoicesManage, DealsViewAll, AuditView],
    },
    DefaultRole {
        key: "ceo",
        name: "CEO",
        description: "Read-only view of organization-wide reports",
        permissions: &[ReportsView],
    },
    DefaultRole {
        key: "partner",
        name: "Partner",
        description: "Works its own leads, quotes, orders and contracts",
        permissions: &[LeadsManage, OrdersCreate, ContractsManage],
    },
    DefaultRole {
        key: "distributor",
        name: "Distributor",
        description: "Works its own and its partners' leads, orders and contracts",
        permissions: &[LeadsManage, OrdersCreate, ContractsManage],
    },
    DefaultRole {
        key: "fulfiller",
        name: "Fulfiller",
        description: "Fulfils orders of every partner",
        permissions: &[OrdersFulfill],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_unique() {
        for p in ALL {
            assert_eq!(Permission::from_key(p.key()), Some(p));
        }
        let mut keys: Vec<_> = ALL.iter().map(|p| p.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ALL.len());
    }

    #[test]
    fn sets_ignore_unknown_keys() {
        let set = PermissionSet::from_keys(["users.manage", "no.such", "calls.log"]);
        assert!(set.contains(UsersManage) && set.contains(CallsLog));
        assert!(!set.contains(OrgManage));
        assert_eq!(set.iter().count(), 2);
    }

    #[test]
    fn restricted_admin_lacks_user_role_and_integration_management() {
        let role = DEFAULT_ROLES.iter().find(|r| r.key == "restricted_admin");
        let set = PermissionSet::of(role.map(|r| r.permissions).unwrap_or(&[]));
        assert!(set.contains(OrgManage));
        assert!(!set.any(&[UsersManage, RolesManage, IntegrationsManage]));
    }
}
