//! `migrations`: a database that can be rebuilt and reviewed. Supabase
//! projects get a migration that turns row-level security on with policies
//! that keep the app working; Prisma projects without migrations get a
//! baseline; Drizzle projects without a migrations setup get one.

mod schema;
mod supabase;

use super::{Context, Output, Scaffold};

pub struct Migrations;

impl Scaffold for Migrations {
    fn id(&self) -> &'static str {
        "migrations"
    }

    fn title(&self) -> &'static str {
        "Versioned database migrations: row-level security for Supabase, a baseline for Prisma"
    }

    fn run(&self, ctx: &Context) -> Output {
        let mut out = Output::default();
        if ctx.root.join("supabase").is_dir() {
            supabase::run(ctx, &mut out);
        }
        out
    }
}
