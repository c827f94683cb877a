//! The checklist `harden scan` reports on, as plain data: each check's id,
//! area, severity, title, the codemod or scaffold that fixes it, and help.
//! Codemods and scaffolds name the check their changes fix; the scan report
//! reads the rest from here.

use harden_codemods::Severity;

/// One item of the checklist.
pub struct Check {
    pub id: &'static str,
    pub area: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// The codemod or scaffold that fixes it.
    pub fix: Option<&'static str>,
    /// Why it matters and what to do (SARIF help, the markdown report).
    pub help: &'static str,
}

const fn check(
    id: &'static str,
    area: &'static str,
    severity: Severity,
    title: &'static str,
    fix: Option<&'static str>,
    help: &'static str,
) -> Check {
    Check { id, area, severity, title, fix, help }
}

use Severity::{Critical, High, Low, Medium};

/// The checklist, by area.
pub const CHECKS: &[Check] = &[
    check("supabase-errors", "errors", Medium, "Supabase results whose error is never read", Some("supabase-errors"), "supabase-js returns { data, error } and never throws: an unread error makes a failed query look like an empty result."),
    check("fetch-ok", "errors", Medium, "fetch responses used without checking ok", Some("fetch-ok"), "fetch resolves on 404 and 500: check res.ok before reading the body."),
    check("async-handlers", "errors", Low, "async handlers and effects that can reject unhandled", Some("async-handlers"), "A rejected promise in an event handler is lost: nothing is logged and the user sees nothing happen."),
    check("server-errors", "errors", High, "server handlers without a catch, or an Express app without error middleware", Some("server-errors"), "An exception in a handler is never logged with its route, and the client gets no proper answer."),
    check("validate-input", "input", High, "server entry points reading unvalidated input", Some("validate-input"), "Any HTTP client can send anything: validate bodies, query and route params with a schema and answer 400."),
    check("paginate", "data", Medium, "list queries with no bound", Some("paginate"), "With ten thousand rows an unbounded list times out or ships megabytes to a phone."),
    check("rls-disabled", "data", Critical, "tables without row-level security", Some("migrations"), "With RLS off, anyone holding the public anon key reads and changes every row."),
    check("rls-no-policy", "data", Medium, "tables with row-level security but no policy", None, "RLS without a policy denies everything: the app cannot use the table."),
    check("policy-always-true", "data", High, "write policies that are always true", None, "A write policy of `true` lets any signed-in (or anonymous) user change any row."),
    check("tables-not-in-migrations", "data", Medium, "tables the code uses that no migration creates", None, "The database was built by hand: capture it with `supabase db pull` so it can be rebuilt and reviewed."),
    check("migration-names", "data", Low, "migrations the Supabase CLI skips because of their names", None, "`supabase db push` runs only `<timestamp>_<name>.sql`."),
    check("no-migrations", "data", Medium, "no migration history", Some("migrations"), "Without migrations the database is whatever was last pushed; nothing can be reviewed or rebuilt."),
    check("fk-no-index", "data", Low, "foreign keys and filtered columns without indexes", Some("migrations"), "Joins and lookups by an unindexed column read whole tables."),
    check("hardcoded-secret", "secrets", Critical, "credentials written in the code", Some("secrets-to-env"), "Everyone with the repository has them: move them to environment variables and rotate them."),
    check("browser-secret", "secrets", Critical, "service-role or secret keys in browser code", None, "Anyone who opens the app can read them: rotate them and move the calls to a server or an edge function."),
    check("env-tracked", "secrets", Critical, ".env tracked by git", None, "Every value in a committed .env is in the history: untrack it and rotate what it holds."),
    check("env-not-ignored", "secrets", High, ".env not ignored by git", Some("env-example"), "The next `git add .` commits the local secrets."),
    check("env-example-missing", "secrets", Low, "env names read but missing from .env.example", Some("env-example"), "A new machine or a deploy finds out by crashing."),
    check("mutation-without-auth", "auth", High, "server routes that change data without an authentication check", None, "Anyone can call them: check the session or token before writing."),
    check("auth-no-rate-limit", "auth", Medium, "auth endpoints without rate limiting", None, "Login, signup, password reset and OTP endpoints invite brute force: add a rate limiter (express-rate-limit, Upstash Ratelimit)."),
    check("jwt-no-expiry", "auth", Medium, "JWTs signed without an expiry, or with a very long one", None, "A leaked token works forever: sign with expiresIn (an hour, refresh tokens for longer sessions)."),
    check("cors-credentials", "auth", High, "CORS `*` together with credentials", None, "Browsers refuse it, and reflecting any origin with credentials lets any site act as the user: list the allowed origins."),
    check("stripe-webhook-unverified", "payments", Critical, "Stripe webhooks that don't verify the signature", None, "Anyone can post a fake `checkout.session.completed`: verify with stripe.webhooks.constructEvent and the raw body."),
    check("stripe-webhook-not-idempotent", "payments", Medium, "Stripe webhooks that don't guard against repeats", None, "Stripe retries deliveries: record event.id and skip events already handled."),
    check("upload-unchecked", "uploads", Medium, "uploads accepted without a type and size check", None, "Anything of any size can be stored and served: check the MIME type and limit the size."),
    check("no-ci", "operations", Medium, "no CI workflow", Some("ci"), "Nothing checks a change before it ships."),
    check("no-error-tracking", "operations", Medium, "no error tracking", Some("sentry"), "Nobody hears about errors in production until a user complains."),
    check("console-logging", "operations", Low, "console.* as the only logging in server code", None, "Unstructured logs are hard to search: use a logger (pino) with levels and request ids."),
    check("no-health-route", "operations", Low, "no health-check route for a server", None, "Load balancers and uptime checks need a cheap `/health` that says the app is up."),
    check("no-lockfile", "operations", Medium, "no lockfile", None, "Every install resolves versions anew: builds are not reproducible. Commit the lockfile."),
    check("no-tests", "operations", Low, "no tests", None, "Nothing catches a regression before users do."),
    check("no-security-headers", "operations", Low, "no security headers", None, "Set Content-Security-Policy, X-Frame-Options and friends (helmet, next.config headers, vercel.json/netlify.toml)."),
];

pub fn by_id(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}
