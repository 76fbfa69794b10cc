//! The select options of the sales area's forms and filters: each takes the record scope, so a
//! form never offers a client or a person the user may not see.

use diesel::prelude::*;

use crate::db::{AnyConnection, PublicId, contains, contains_pattern};
use crate::permissions::Permission;
use crate::schema::{clients, projects, role_permissions, users};
use crate::scope::RecordScope;

/// How many clients a form's picker lists at once: past this a list is not read but searched.
pub const PICKER_SIZE: usize = 100;

/// A form's client picker: the scope's active clients matching what was typed to find one
/// (every one when nothing was), by name, at most `PICKER_SIZE`, the chosen one always among
/// them so that a form sent back keeps it. Searching is the server's: no script is needed, and
/// an organization of 100,000 clients sends 100 options, not 100,000.
#[derive(Debug, Clone, Default)]
pub struct ClientPicker {
    pub clients: Vec<(i64, PublicId, String)>,
    /// What was typed to find a client.
    pub find: String,
    /// How many matched, up to `PICKER_SIZE` (the chosen client, listed anyway, not counted).
    pub matched: usize,
    /// Whether more match than are listed.
    pub more: bool,
    /// Whether the form was sent to find a client (focus then goes to the list).
    pub searched: bool,
}

impl ClientPicker {
    /// Chooses the one client a search found, when the form had none chosen.
    pub fn choose_only(&self, client: &mut String) {
        if client.is_empty() && self.searched && self.matched == 1 && !self.more {
            *client = self.clients[0].1.to_string();
        }
    }

    /// What the list holds, in a sentence, when it is not simply every client.
    pub fn summary(&self) -> String {
        let find = self.find.trim();
        match (find.is_empty(), self.matched, self.more) {
            (true, _, false) => String::new(),
            (true, _, true) => format!(
                "The first {PICKER_SIZE} clients by name. Find another by part of its name, \
                 e-mail or phone."
            ),
            (false, 0, _) => format!("No client matches “{find}”."),
            (false, _, true) => format!(
                "The first {PICKER_SIZE} clients matching “{find}”; type more of it to narrow them."
            ),
            (false, n, false) => format!(
                "{} “{find}”.",
                crate::web::count(n as i64, "client matches", "clients match")
            ),
        }
    }
}

/// The picker's options for a select, `none` first (the empty choice).
pub fn picker_options(none: &str, picker: &ClientPicker) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), none.to_string())];
    options.extend(
        picker
            .clients
            .iter()
            .map(|(_, p, n)| (p.to_string(), n.clone())),
    );
    options
}

/// The picker for `find` (what was typed), keeping `chosen` (a client's public id) listed;
/// `searched`: whether the form was sent to find a client.
pub fn client_choices(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    find: &str,
    chosen: &str,
    searched: bool,
) -> QueryResult<ClientPicker> {
    let find: String = find.trim().chars().take(100).collect();
    let mut q = crate::owned!(
        clients::table
            .filter(clients::is_active.eq(true))
            .select((clients::id, clients::public_id, clients::name))
            .order((clients::name, clients::id))
            .limit(PICKER_SIZE as i64 + 1)
            .into_boxed(),
        scope,
        clients::organization_id,
        clients::created_by_id
    );
    if !find.is_empty() {
        let p = contains_pattern(&find);
        q = q.filter(
            contains(clients::name, p.clone())
                .or(contains(clients::email.assume_not_null(), p.clone()))
                .or(contains(clients::phone.assume_not_null(), p)),
        );
    }
    let mut clients: Vec<(i64, PublicId, String)> = q.load(conn)?;
    let more = clients.len() > PICKER_SIZE;
    clients.truncate(PICKER_SIZE);
    let matched = clients.len();
    if let Ok(chosen) = chosen.parse::<PublicId>()
        && !clients.iter().any(|(_, p, _)| *p == chosen)
    {
        let kept = crate::owned!(
            clients::table
                .filter(clients::is_active.eq(true))
                .filter(clients::public_id.eq(chosen))
                .select((clients::id, clients::public_id, clients::name))
                .into_boxed(),
            scope,
            clients::organization_id,
            clients::created_by_id
        )
        .first(conn)
        .optional()?;
        clients.extend(kept);
    }
    Ok(ClientPicker {
        clients,
        find,
        matched,
        more,
        searched,
    })
}

/// The people whose deals the scope holds, for the owner filter (only oneself for most).
/// Someone who may own a record: (row id, public id, name).
pub type Owner = (i64, PublicId, String);

pub fn owner_choices(conn: &mut AnyConnection, scope: &RecordScope) -> QueryResult<Vec<Owner>> {
    people(conn, scope, None)
}

/// The people of the scope who may be given clients: its active users whose role lets them
/// manage clients (a partner or a verifier would not see a client given to them).
pub fn assignee_choices(conn: &mut AnyConnection, scope: &RecordScope) -> QueryResult<Vec<Owner>> {
    people(conn, scope, Some(Permission::ClientsManage))
}

fn people(
    conn: &mut AnyConnection,
    scope: &RecordScope,
    holding: Option<Permission>,
) -> QueryResult<Vec<Owner>> {
    let mut q = crate::owned!(
        users::table
            .select((
                users::id,
                users::public_id,
                users::first_name,
                users::last_name,
            ))
            .order((users::last_name, users::first_name, users::id))
            .limit(500)
            .into_boxed(),
        scope,
        users::organization_id,
        users::id
    );
    if let Some(p) = holding {
        let roles = role_permissions::table
            .filter(role_permissions::organization_id.eq(scope.org().id()))
            .filter(role_permissions::permission.eq(p.key()))
            .select(role_permissions::role_id);
        q = q
            .filter(users::is_active.eq(true))
            .filter(users::role_id.eq_any(roles.nullable()));
    }
    let found: Vec<(i64, PublicId, String, String)> = q.load(conn)?;
    Ok(found
        .into_iter()
        .map(|(id, p, first, last)| (id, p, format!("{first} {last}")))
        .collect())
}

/// The organization's projects still running, for the deal form.
pub fn project_choices(
    conn: &mut AnyConnection,
    scope: &RecordScope,
) -> QueryResult<Vec<(i64, PublicId, String)>> {
    projects::table
        .filter(projects::organization_id.eq(scope.org().id()))
        .filter(projects::status.eq_any(["active", "on_hold"]))
        .select((projects::id, projects::public_id, projects::name))
        .order(projects::name)
        .load(conn)
}
