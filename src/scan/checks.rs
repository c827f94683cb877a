//! The scan's own checks: what no edit of harden's can fix, read from the
//! sources' text (cheap, and each a heuristic stated plainly in its
//! message, so a reader can judge it).

use rayon::prelude::*;

use super::Hit;
use crate::checklist::{by_id, Check};
use crate::plan::Plan;

/// Signs that a handler checks who is calling.
const AUTH_MARKERS: &[&str] = &[
    "auth.getUser",
    "getUser(",
    "getSession",
    "getServerSession",
    "auth()",
    "currentUser",
    "req.user",
    "req.auth",
    "verifyToken",
    "jwt.verify",
    "requireAuth",
    "isAuthenticated",
    "authenticate",
    "authorization",
    "Authorization",
    "withAuth",
    "clerk",
    "getToken(",
    "verifyIdToken",
];

/// Route words of login, signup, password reset and one-time codes.
const AUTH_ROUTES: &[&str] = &[
    "login",
    "signin",
    "sign-in",
    "signup",
    "sign-up",
    "register",
    "reset-password",
    "forgot",
    "otp",
    "magic-link",
    "verify-code",
];

const RATE_LIMITERS: &[&str] = &[
    "express-rate-limit",
    "rate-limiter-flexible",
    "@upstash/ratelimit",
    "rateLimit(",
    "RateLimit",
    "ratelimit",
];

const LOGGERS: &[&str] =
    &["\"pino\"", "\"winston\"", "\"bunyan\"", "\"consola\"", "\"log4js\"", "\"@sentry/node\""];

fn hit(check: &'static str, file: &str, line: Option<usize>, message: String) -> Option<Hit> {
    let severity = by_id(check)?.severity;
    Some(Hit { check, severity, file: file.to_string(), line, message })
}

fn line_at(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

fn is_test(path: &str) -> bool {
    path.contains(".test.")
        || path.contains(".spec.")
        || path.split('/').any(|s| matches!(s, "test" | "tests" | "__tests__" | "e2e"))
}

/// Server code: route files, Express/Fastify apps, edge functions, actions.
fn server_file(path: &str, text: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.starts_with("supabase/functions/")
        || path.contains("pages/api/")
        || name.starts_with("route.")
        || text.contains("\"use server\"")
        || text.contains("'use server'")
        || text.contains("from \"express\"")
        || text.contains("from 'express'")
        || text.contains("require(\"express\")")
        || text.contains("require('express')")
        || text.contains("fastify")
}

/// Where the file changes data: an Express/Fastify write route, a Next
/// handler for POST/PUT/PATCH/DELETE, a database write in an edge function.
fn first_mutation(path: &str, text: &str) -> Option<usize> {
    let routes = [".post(", ".put(", ".patch(", ".delete("];
    let exports = [
        "function POST",
        "function PUT",
        "function PATCH",
        "function DELETE",
        "const POST",
        "const PUT",
        "const DELETE",
    ];
    let writes = [".insert(", ".update(", ".upsert(", ".delete("];
    let patterns: &[&str] = if path.starts_with("supabase/functions/") {
        &writes
    } else if path.contains("/api/") && path.rsplit('/').next().is_some_and(|n| n.starts_with("route.")) {
        &exports
    } else {
        &routes
    };
    // A route takes a path string first (`.delete(key)` on a Map is not one).
    let needs_path = std::ptr::eq(patterns, &routes[..]);
    patterns
        .iter()
        .flat_map(|p| text.match_indices(p).map(move |(at, _)| (at, at + p.len())))
        .filter(|(_, after)| !needs_path || text[*after..].starts_with(['"', '\'', '`']))
        .map(|(at, _)| at)
        .min()
}

pub fn run(plan: &Plan) -> Vec<Hit> {
    let mut hits = Vec::new();
    let texts: Vec<&(String, String)> = plan.texts.iter().filter(|(p, _)| !is_test(p)).collect();
    let all_text = |needle: &str| texts.iter().any(|(_, t)| t.contains(needle));
    let manifests: String = plan
        .project
        .apps
        .iter()
        .filter_map(|a| std::fs::read_to_string(plan.project.root.join(&a.dir).join("package.json")).ok())
        .collect();
    let rate_limited = RATE_LIMITERS.iter().any(|r| manifests.contains(r) || all_text(r));
    // An app-wide gate: Next middleware, or `app.use(…)`/`router.use(…)` of
    // something that authenticates, covers every route behind it.
    let gated_apps: std::collections::HashSet<&str> = texts
        .iter()
        .filter(|(p, t)| {
            let name = p.rsplit('/').next().unwrap_or(p);
            let middleware = name.starts_with("middleware.") && AUTH_MARKERS.iter().any(|m| t.contains(m));
            middleware
                || (t.contains(".use(")
                    && t.lines().any(|l| {
                        let l = l.to_ascii_lowercase();
                        l.contains(".use(")
                            && ["auth", "token", "session", "jwt", "passport", "clerk"]
                                .iter()
                                .any(|w| l.contains(w))
                    }))
        })
        .map(|(p, _)| plan.project.app_of(p).map_or("", |a| a.dir.as_str()))
        .collect();
    let gated = |path: &str| {
        let app = plan.project.app_of(path).map_or("", |a| a.dir.as_str());
        gated_apps.contains(app) || gated_apps.contains("")
    };
    // Each file on its own, in parallel.
    let per_file: Vec<Hit> = texts
        .par_iter()
        .flat_map_iter(|(path, text)| {
            let mut hits = Vec::new();
        let server = server_file(path, text);
        let lower = path.to_ascii_lowercase();
        let auth_route =
            AUTH_ROUTES.iter().chain(&["logout", "signout", "callback"]).any(|w| lower.contains(w));
        let script = lower.starts_with("scripts/") || lower.contains("/scripts/");
        if server && !auth_route && !script {
            if let Some(at) = first_mutation(path, text) {
                if !AUTH_MARKERS.iter().any(|m| text.contains(m)) && !gated(path) {
                    hits.extend(hit("mutation-without-auth", path, Some(line_at(text, at)), "this route changes data and nothing in the file checks who is calling (no session, token or auth middleware)".into()));
                }
            }
        }
        if server && !script {
            let auth_route = AUTH_ROUTES.iter().find(|w| {
                lower.contains(*w) || text.contains(&format!("/{w}\"")) || text.contains(&format!("/{w}'"))
            });
            if let (Some(word), false) = (auth_route, rate_limited) {
                hits.extend(hit(
                    "auth-no-rate-limit",
                    path,
                    None,
                    format!("an auth endpoint ({word}) and no rate limiter in the project"),
                ));
            }
        }
        for (at, _) in text.match_indices("jwt.sign(") {
            let call: String = text[at..].chars().take(400).collect();
            let call = call.split(";\n").next().unwrap_or(&call);
            let long =
                ["\"365d\"", "'365d'", "\"1y\"", "'1y'", "\"100y\"", "\"30d\"", "'30d'", "\"90d\"", "'90d'"]
                    .iter()
                    .any(|l| call.contains(l));
            if !call.contains("expiresIn") || long {
                let what = if long { "with a very long expiry" } else { "without expiresIn" };
                hits.extend(hit(
                    "jwt-no-expiry",
                    path,
                    Some(line_at(text, at)),
                    format!("a JWT signed {what}"),
                ));
            }
        }
        let star = text.contains("credentials") && [
            "origin: \"*\"",
            "origin: '*'",
            "origin: true",
            "Allow-Origin\", \"*\"",
            "Allow-Origin', '*'",
            "Allow-Origin\": \"*\"",
        ]
        .iter()
        .any(|s| text.contains(s));
        let credentials = text.contains("credentials: true")
            || text.contains("Allow-Credentials\", \"true\"")
            || text.contains("Allow-Credentials', 'true'")
            || text.contains("Allow-Credentials\": \"true\"");
        if star && credentials {
            hits.extend(hit(
                "cors-credentials",
                path,
                None,
                "CORS allows any origin together with credentials".into(),
            ));
        }
        let stripe_events = text.contains("stripe") && (text.contains("checkout.session.completed")
            || text.contains("invoice.paid")
            || text.contains("payment_intent.succeeded")
            || text.contains("customer.subscription"));
        let webhook = stripe_events
            && (path.contains("webhook") || text.contains("webhook") || text.contains("stripe-signature"));
        if webhook && server {
            if !text.contains("constructEvent") {
                hits.extend(hit(
                    "stripe-webhook-unverified",
                    path,
                    None,
                    "a Stripe webhook handler that never calls stripe.webhooks.constructEvent".into(),
                ));
            } else if !text.contains("event.id") {
                hits.extend(hit(
                    "stripe-webhook-not-idempotent",
                    path,
                    None,
                    "the handler never looks at event.id, so a retried delivery is processed twice".into(),
                ));
            }
        }
        if let Some(at) = text.find("multer(") {
            let call: String = text[at..].chars().take(300).collect();
            if !(call.contains("limits") && call.contains("fileFilter")) {
                hits.extend(hit(
                    "upload-unchecked",
                    path,
                    Some(line_at(text, at)),
                    "multer without both `limits` (size) and `fileFilter` (type)".into(),
                ));
            }
        }
        if text.contains("storage") {
            if let Some(at) = text.find(".upload(") {
                let checks_file =
                    text.contains(".size") && (text.contains(".type") || text.contains("accept="));
                if !checks_file {
                    hits.extend(hit(
                        "upload-unchecked",
                        path,
                        Some(line_at(text, at)),
                        "a file goes to storage with no check of its size and type".into(),
                    ));
                }
            }
        }
                hits
        })
        .collect();
    hits.extend(per_file);
    // Per app: operations.
    for app in &plan.project.apps {
        let has = |name: &str| app.frameworks.iter().any(|f| f.name == name);
        let manifest_path =
            if app.dir.is_empty() { "package.json".to_string() } else { format!("{}/package.json", app.dir) };
        let manifest = std::fs::read_to_string(plan.project.root.join(&manifest_path)).unwrap_or_default();
        let in_app = |p: &str| app.dir.is_empty() || p.starts_with(&format!("{}/", app.dir));
        let app_texts: Vec<&(String, String)> = texts.iter().copied().filter(|(p, _)| in_app(p)).collect();
        let node_server = has("Express") || has("Fastify");
        if node_server {
            if !LOGGERS.iter().any(|l| manifest.contains(l)) {
                if let Some((p, t)) =
                    app_texts.iter().find(|(p, t)| server_file(p, t) && t.contains("console."))
                {
                    let at = t.find("console.").unwrap_or(0);
                    hits.extend(hit(
                        "console-logging",
                        p,
                        Some(line_at(t, at)),
                        "server code logs with console.* and the app has no logger".into(),
                    ));
                }
            }
            let health = ["health", "healthz", "ready", "readiness", "livez", "/status", "/ping"];
            if !app_texts
                .iter()
                .any(|(_, t)| health.iter().any(|h| t.contains(&format!("/{}", h.trim_start_matches('/')))))
            {
                hits.extend(hit(
                    "no-health-route",
                    &manifest_path,
                    None,
                    "the server has no health-check route (`/health`)".into(),
                ));
            }
            if !manifest.contains("\"helmet\"") {
                hits.extend(hit(
                    "no-security-headers",
                    &manifest_path,
                    None,
                    "the Express/Fastify app sets no security headers (helmet)".into(),
                ));
            }
        }
        if has("Next.js") {
            let config = ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"]
                .iter()
                .find_map(|f| std::fs::read_to_string(plan.project.root.join(&app.dir).join(f)).ok())
                .unwrap_or_default();
            if !config.contains("headers")
                && !app_texts.iter().any(|(p, t)| p.contains("middleware.") && t.contains("headers"))
            {
                hits.extend(hit(
                    "no-security-headers",
                    &manifest_path,
                    None,
                    "next.config sets no security headers (async headers())".into(),
                ));
            }
        } else if has("Vite") {
            let root = plan.project.root.join(&app.dir);
            let deployed_headers = ["vercel.json", "netlify.toml", "public/_headers", "_headers"]
                .iter()
                .filter_map(|f| std::fs::read_to_string(root.join(f)).ok())
                .any(|t| t.contains("Content-Security-Policy") || t.contains("X-Frame-Options"));
            if !deployed_headers {
                hits.extend(hit(
                    "no-security-headers",
                    &manifest_path,
                    None,
                    "no security headers for the deployed app (vercel.json, netlify.toml or public/_headers)"
                        .into(),
                ));
            }
        }
        if app.package_manager.as_ref().is_none_or(|pm| pm.lockfile.is_none()) {
            let root_lock = plan.project.package_manager.as_ref().is_some_and(|pm| pm.lockfile.is_some());
            if !root_lock {
                hits.extend(hit(
                    "no-lockfile",
                    &manifest_path,
                    None,
                    "no lockfile: every install resolves versions anew".into(),
                ));
            }
        }
        let test_script =
            app.scripts.iter().any(|(k, v)| k.starts_with("test") && !v.contains("no test specified"));
        let test_files = plan.texts.iter().any(|(p, _)| in_app(p) && is_test(p));
        if !test_script && !test_files {
            hits.extend(hit("no-tests", &manifest_path, None, "no test script and no test files".into()));
        }
    }
    hits
}

/// Whether a check can apply to this project at all.
pub fn applicable(plan: &Plan) -> impl Fn(&Check) -> bool + '_ {
    let stacks = plan.project.stacks();
    let framework =
        |name: &str| plan.project.apps.iter().any(|a| a.frameworks.iter().any(|f| f.name == name));
    let supabase = framework("Supabase") || plan.project.root.join("supabase").is_dir();
    let database = supabase || framework("Prisma") || framework("Drizzle") || framework("Mongoose");
    let server = !stacks.is_empty()
        && (framework("Express")
            || framework("Fastify")
            || framework("Next.js")
            || plan.project.edge_functions > 0);
    let stripe = plan.texts.iter().any(|(_, t)| t.contains("stripe"));
    let uploads = plan.texts.iter().any(|(_, t)| t.contains("multer") || t.contains(".upload("));
    let node_server = framework("Express") || framework("Fastify");
    move |c: &Check| match c.area {
        "data" => database,
        "payments" => stripe,
        "uploads" => uploads,
        "auth" | "input" => server,
        _ => match c.id {
            "supabase-errors" => supabase,
            "server-errors" => server,
            "console-logging" | "no-health-route" => node_server,
            _ => !plan.project.apps.is_empty() || !plan.texts.is_empty(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_and_tests() {
        assert!(first_mutation("src/index.ts", "app.post('/todos', h)").is_some());
        assert!(first_mutation("src/index.ts", "cache.delete(key)").is_none());
        assert!(first_mutation("app/api/x/route.ts", "export async function POST() {}").is_some());
        assert!(
            first_mutation("supabase/functions/f/index.ts", "await supabase.from('a').insert(x)").is_some()
        );
        assert!(is_test("src/a.test.ts") && is_test("tests/x.ts") && !is_test("src/latest.ts"));
    }
}
