//! A lead's page and what is done on it: activities with due dates, notes (its moves through
//! the pipeline are `moves`).

use actix_web::{HttpResponse, web};
use askama::Template;

use super::activities::{self, ActivityRow};
use super::form::{ACTIVITY_TYPES, ActivityForm, MoveForm, NoteForm};
use super::queries::{self, LeadRecord};
use super::status::Status;
use super::{money, request};
use crate::AppState;
use crate::db::{self, PublicId, write_tx};
use crate::domain::choices::{self, options};
use crate::error::AppError;
use crate::web::time::When;
use crate::web::{Ctx, FieldErrors, Flash, render_status, see_other};

pub struct HistoryRow {
    pub at: When,
    pub from: &'static str,
    pub to: &'static str,
    pub by: String,
    pub reason: String,
}

pub struct ActivityLine {
    pub row: ActivityRow,
    pub kind: &'static str,
    pub due: When,
    pub overdue: bool,
}

pub fn activity_line(ctx: &Ctx, row: ActivityRow) -> ActivityLine {
    let now = crate::db::now();
    ActivityLine {
        kind: ACTIVITY_TYPES
            .iter()
            .find(|(c, _)| *c == row.activity_type)
            .map_or("Activity", |(_, l)| l),
        due: ctx.local_time(row.due_at),
        overdue: !row.done && row.due_at.is_some_and(|d| d < now),
        row,
    }
}

#[derive(Template)]
#[template(path = "partner/leads/show.html")]
struct ShowPage {
    ctx: Ctx,
    lead: LeadRecord,
    status: Status,
    value: String,
    partner: Option<String>,
    distributor: Option<String>,
    moves: Vec<(String, String)>,
    history: Vec<HistoryRow>,
    activities: Vec<ActivityLine>,
    notes: Vec<(When, String, String)>,
    move_form: MoveForm,
    activity_form: ActivityForm,
    note_form: NoteForm,
    activity_options: Vec<(String, String)>,
    errors: FieldErrors,
}

fn name(first: Option<String>, last: Option<String>) -> String {
    let n = format!("{} {}", first.unwrap_or_default(), last.unwrap_or_default());
    match n.trim() {
        "" => "—".to_string(),
        t => t.to_string(),
    }
}

/// The lead's page, with the forms as typed and their errors when one was refused (422).
pub(super) async fn page(
    ctx: Ctx,
    state: &AppState,
    id: PublicId,
    forms: (MoveForm, ActivityForm, NoteForm),
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let read = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let lead = queries::find(conn, &scope, id)?;
        Ok(Read {
            channel: queries::channel_names(conn, &lead)?,
            history: super::history::of(conn, &lead)?,
            activities: activities::activities(conn, &lead)?,
            notes: activities::notes(conn, &lead)?,
            lead,
        })
    })
    .await?;
    let page = ShowPage::build(ctx, read, forms, errors);
    render_status(page.errors.status(), &page)
}

/// What a lead's page reads: the lead, its partner's and distributor's names, its history,
/// activities and notes.
struct Read {
    lead: LeadRecord,
    channel: (Option<String>, Option<String>),
    history: Vec<super::history::HistoryLine>,
    activities: Vec<ActivityRow>,
    notes: Vec<activities::NoteLine>,
}

impl ShowPage {
    fn build(
        ctx: Ctx,
        read: Read,
        (mut move_form, activity_form, note_form): (MoveForm, ActivityForm, NoteForm),
        errors: FieldErrors,
    ) -> Self {
        // The move proposed is the pipeline's next step, never a step back.
        if move_form.to.is_empty() {
            move_form.to = read
                .lead
                .status
                .next()
                .map(|s| s.code().to_string())
                .unwrap_or_default();
        }
        let Read {
            lead,
            channel: (partner, distributor),
            history,
            activities,
            notes,
        } = read;
        let history = history
            .into_iter()
            .map(|(at, from, to, first, last, reason)| HistoryRow {
                at: ctx.local_time(Some(at)),
                from: from.map_or("—", Status::label),
                to: to.label(),
                by: name(first, last),
                reason: reason.unwrap_or_default(),
            })
            .collect();
        let activities = activities
            .into_iter()
            .map(|a| activity_line(&ctx, a))
            .collect();
        let notes = notes
            .into_iter()
            .map(|(at, content, first, last)| {
                (ctx.local_time(Some(at)), content, name(first, last))
            })
            .collect();
        ShowPage {
            value: money(lead.value_minor, &lead.currency),
            moves: choices::of(&lead.status.moves()),
            status: lead.status,
            ctx,
            lead,
            partner,
            distributor,
            history,
            activities,
            notes,
            move_form,
            activity_form,
            note_form,
            activity_options: options(&ACTIVITY_TYPES),
            errors,
        }
    }
}

pub(super) fn blank_forms() -> (MoveForm, ActivityForm, NoteForm) {
    (
        MoveForm::default(),
        ActivityForm {
            activity_type: "call".into(),
            ..ActivityForm::default()
        },
        NoteForm::default(),
    )
}

pub(super) async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
) -> Result<HttpResponse, AppError> {
    page(ctx, &state, *path, blank_forms(), FieldErrors::default()).await
}

pub(super) async fn add_activity(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<ActivityForm>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let id = *path;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let values = form.validate(ctx.timezone(), &mut errors);
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let lead = queries::find(conn, &scope, id)?;
        let Some(v) = values else {
            return Ok(None);
        };
        write_tx(conn, |conn| {
            activities::insert_activity(conn, &lead, scope.user_id(), &v)
        })?;
        Ok(Some(lead.public_id))
    })
    .await?;
    match outcome {
        Some(public_id) => {
            Flash::success(&ctx.session, "The activity is planned.");
            Ok(see_other(&format!("/partner/leads/{public_id}#activities")))
        }
        None => {
            let (m, _, n) = blank_forms();
            page(ctx, &state, *path, (m, form, n), errors).await
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    done: String,
}

pub(super) async fn activity_done(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(PublicId, PublicId)>,
    form: web::Form<DoneForm>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let (id, activity) = path.into_inner();
    let done = form.done != "no";
    let public_id = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let lead = queries::find(conn, &scope, id)?;
        let found = write_tx(conn, |conn| {
            activities::set_done(conn, &lead, activity, done)
        })?;
        if !found {
            return Err(AppError::NotFound);
        }
        Ok(lead.public_id)
    })
    .await?;
    Flash::success(
        &ctx.session,
        if done {
            "The activity is done."
        } else {
            "The activity is open again."
        },
    );
    Ok(see_other(&format!("/partner/leads/{public_id}#activities")))
}

pub(super) async fn add_note(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<PublicId>,
    form: web::Form<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let request = request(&ctx)?;
    let id = *path;
    let form = form.into_inner();
    let content = match form.content.trim() {
        "" => Err("Write the note before adding it.".to_string()),
        c if c.chars().count() > 4000 => Err("Keep a note under 4,000 characters.".to_string()),
        c => Ok(c.to_string()),
    };
    let mut errors = FieldErrors::default();
    let content = errors.check("content", content);
    let outcome = db::run(&state.pool, move |conn| {
        let scope = request.resolve(conn)?;
        let lead = queries::find(conn, &scope, id)?;
        let Some(content) = content else {
            return Ok(None);
        };
        write_tx(conn, |conn| {
            activities::insert_note(conn, &lead, scope.user_id(), &content)
        })?;
        Ok(Some(lead.public_id))
    })
    .await?;
    match outcome {
        Some(public_id) => {
            Flash::success(&ctx.session, "The note is added.");
            Ok(see_other(&format!("/partner/leads/{public_id}#notes")))
        }
        None => {
            let (m, a, _) = blank_forms();
            page(ctx, &state, *path, (m, a, form), errors).await
        }
    }
}
