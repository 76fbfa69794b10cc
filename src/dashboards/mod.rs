//! The landing page of each area. Until an area's own issue fills it, it shows who is signed in,
//! their organization and role, and what that role allows — nothing pretends to be a feature.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::permissions::{Permission, Permission::*};
use crate::web::{Ctx, render};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(root))
        .route("/partner", web::get().to(partner))
        .route("/reports", web::get().to(reports));
}

pub struct PermissionLine {
    pub area: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

#[derive(Template)]
#[template(path = "dashboards/dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    title: &'static str,
    summary: &'static str,
    permissions: Vec<PermissionLine>,
}

fn page(ctx: Ctx, title: &'static str, summary: &'static str) -> Result<HttpResponse, AppError> {
    let permissions = ctx
        .perms
        .iter()
        .map(|p| PermissionLine {
            area: p.area(),
            label: p.label(),
            description: p.description(),
        })
        .collect();
    render(&DashboardPage {
        ctx,
        title,
        summary,
        permissions,
    })
}

async fn root(ctx: Ctx) -> HttpResponse {
    crate::web::see_other(ctx.home())
}

async fn area(
    ctx: Ctx,
    any_of: &[Permission],
    title: &'static str,
    summary: &'static str,
) -> Result<HttpResponse, AppError> {
    ctx.require_any(any_of)?;
    page(ctx, title, summary)
}

async fn partner(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let perms = [LeadsManage, OrdersCreate, OrdersFulfill, ContractsManage];
    area(
        ctx,
        &perms,
        "Partner channel",
        "Leads, quotes and orders, contracts and the fulfillment queue.",
    )
    .await
}

async fn reports(ctx: Ctx) -> Result<HttpResponse, AppError> {
    area(
        ctx,
        &[ReportsView],
        "Reports",
        "Organization-wide revenue, pipeline, call rates and rankings.",
    )
    .await
}
