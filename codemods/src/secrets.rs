//! What a string literal holds, if it is a credential: API keys by their
//! documented prefixes, Supabase keys (a JWT's `role` decides whether it is
//! public), connection strings with a password. Nothing here keeps or prints
//! a value: callers get the kind and the env name it belongs in.

use base64::Engine;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    /// What it is, for messages: "a Stripe secret key".
    pub what: &'static str,
    /// The env name it belongs in (before a `VITE_`/`NEXT_PUBLIC_` prefix).
    pub env: &'static str,
    /// Public by design (Supabase anon/publishable keys): safe in a browser.
    pub public: bool,
    /// Browser-restricted by the provider (Google API keys): public in a
    /// browser app, a secret on a server.
    pub restricted: bool,
}

const fn secret(what: &'static str, env: &'static str) -> Kind {
    Kind { what, env, public: false, restricted: false }
}

/// (prefix, minimum length, kind): longest prefixes first.
const PREFIXES: &[(&str, usize, Kind)] = &[
    ("sk_live_", 20, secret("a Stripe secret key", "STRIPE_SECRET_KEY")),
    ("sk_test_", 20, secret("a Stripe secret key", "STRIPE_SECRET_KEY")),
    ("rk_live_", 20, secret("a Stripe restricted key", "STRIPE_SECRET_KEY")),
    ("rk_test_", 20, secret("a Stripe restricted key", "STRIPE_SECRET_KEY")),
    ("whsec_", 20, secret("a Stripe webhook secret", "STRIPE_WEBHOOK_SECRET")),
    ("sk-ant-", 30, secret("an Anthropic API key", "ANTHROPIC_API_KEY")),
    ("sk-proj-", 30, secret("an OpenAI API key", "OPENAI_API_KEY")),
    ("sk-", 40, secret("an OpenAI API key", "OPENAI_API_KEY")),
    ("sb_secret_", 20, secret("a Supabase secret key", "SUPABASE_SECRET_KEY")),
    (
        "sb_publishable_",
        20,
        Kind {
            what: "a Supabase publishable key",
            env: "SUPABASE_ANON_KEY",
            public: true,
            restricted: false,
        },
    ),
    ("github_pat_", 30, secret("a GitHub token", "GITHUB_TOKEN")),
    ("ghp_", 30, secret("a GitHub token", "GITHUB_TOKEN")),
    ("gho_", 30, secret("a GitHub token", "GITHUB_TOKEN")),
    ("xoxb-", 20, secret("a Slack token", "SLACK_BOT_TOKEN")),
    ("xoxp-", 20, secret("a Slack token", "SLACK_TOKEN")),
    ("gsk_", 30, secret("a Groq API key", "GROQ_API_KEY")),
    ("r8_", 30, secret("a Replicate token", "REPLICATE_API_TOKEN")),
    ("hf_", 30, secret("a Hugging Face token", "HF_TOKEN")),
    ("re_", 30, secret("a Resend API key", "RESEND_API_KEY")),
    ("AKIA", 20, secret("an AWS access key id", "AWS_ACCESS_KEY_ID")),
    ("AIza", 39, Kind { what: "a Google API key", env: "GOOGLE_API_KEY", public: false, restricted: true }),
];

/// Text near a signing secret: `jwt.sign(…, "…")` or a variable named for one.
const SIGNING_NAMES: &[&str] = &[
    "jwt.sign",
    "jwt.verify",
    "JWT_SECRET",
    "jwtSecret",
    "JwtSecret",
    "JWT_KEY",
    "jwtKey",
    "sessionSecret",
    "SESSION_SECRET",
    "cookieSecret",
    "COOKIE_SECRET",
];

/// A cheap text test: could `text` hold a credential in a string literal?
/// Each prefix must open a string (after a quote or `Bearer `) and run on
/// for its minimum length; a connection string needs a known scheme and a
/// password; a signing secret needs a JWT or session name nearby.
pub fn may_hold(text: &str) -> bool {
    // One pass over the string openings, dispatching on the first byte.
    let starts = |rest: &str| {
        let rest = rest.strip_prefix("Bearer ").unwrap_or(rest);
        match rest.as_bytes().first() {
            Some(b'e') => rest.starts_with("eyJ"),
            Some(b's' | b'r' | b'w' | b'g' | b'x' | b'h' | b'A') => {
                PREFIXES.iter().any(|(prefix, min, _)| {
                    rest.starts_with(prefix)
                        && rest
                            .bytes()
                            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                            .count()
                            >= *min
                })
            }
            _ => false,
        }
    };
    let opened = memchr::memchr3_iter(b'"', b'\'', b'`', text.as_bytes()).any(|i| starts(&text[i + 1..]));
    opened
        || memchr::memmem::find_iter(text.as_bytes(), b"://").any(|at| {
            let scheme =
                text[..at].rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '+')).next().unwrap_or("");
            let rest = text[at + 3..].split(['"', '\'', '`', '\n']).next().unwrap_or("");
            matches!(
                scheme,
                "postgres"
                    | "postgresql"
                    | "mysql"
                    | "mongodb"
                    | "mongodb+srv"
                    | "redis"
                    | "rediss"
                    | "amqp"
                    | "amqps"
            ) && rest.contains('@')
        })
        || crate::text::has_any(text, SIGNING_NAMES)
}

/// Words that mark a placeholder, not a real value.
const PLACEHOLDERS: &[&str] =
    &["your", "xxxx", "example", "placeholder", "changeme", "replace", "dummy", "<", "..."];

/// The kind of credential `value` is, if it is one.
pub fn classify(value: &str) -> Option<Kind> {
    if value.len() > 4096 || value.chars().any(char::is_whitespace) {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDERS.iter().any(|p| lower.contains(p)) {
        return None;
    }
    if value.starts_with("eyJ") {
        return supabase_jwt(value);
    }
    if let Some(kind) = connection_string(value) {
        return Some(kind);
    }
    let (_, _, kind) = PREFIXES.iter().find(|(prefix, min, _)| {
        value.starts_with(prefix)
            && value.len() >= *min
            && value[prefix.len()..].chars().all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
    })?;
    Some(*kind)
}

/// The role a Supabase key is for: `anon` or `service_role` for a JWT key,
/// `service_role` for `sb_secret_…`, `anon` for `sb_publishable_…`.
pub fn supabase_role(value: &str) -> Option<&'static str> {
    if value.starts_with("sb_secret_") {
        return Some("service_role");
    }
    if value.starts_with("sb_publishable_") {
        return Some("anon");
    }
    match supabase_jwt(value)? {
        k if k.public => Some("anon"),
        _ => Some("service_role"),
    }
}

/// A Supabase key: a JWT whose payload says `"iss": "supabase"` and a role.
fn supabase_jwt(value: &str) -> Option<Kind> {
    let mut parts = value.split('.');
    let (_, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || signature.is_empty() {
        return None;
    }
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    if claims.get("iss").and_then(|i| i.as_str()) != Some("supabase") {
        return None;
    }
    match claims.get("role").and_then(|r| r.as_str())? {
        "anon" => Some(Kind {
            what: "the Supabase anon key",
            env: "SUPABASE_ANON_KEY",
            public: true,
            restricted: false,
        }),
        "service_role" => Some(secret("the Supabase service_role key", "SUPABASE_SERVICE_ROLE_KEY")),
        _ => None,
    }
}

/// `postgres://user:password@host/db` and friends, with a real password on
/// a host other than this machine.
fn connection_string(value: &str) -> Option<Kind> {
    let (scheme, rest) = value.split_once("://")?;
    let env = match scheme {
        "postgres" | "postgresql" | "mysql" => "DATABASE_URL",
        "mongodb" | "mongodb+srv" => "MONGODB_URI",
        "redis" | "rediss" => "REDIS_URL",
        "amqp" | "amqps" => "AMQP_URL",
        _ => return None,
    };
    let (credentials, host) = rest.split_once('@')?;
    let (_, password) = credentials.split_once(':')?;
    let host = host.split(['/', ':', '?']).next().unwrap_or("");
    if password.is_empty()
        || ["localhost", "127.0.0.1", "0.0.0.0", "db", "postgres", "mongo", "redis"].contains(&host)
    {
        return None;
    }
    Some(secret("a connection string with a password", env))
}

/// A secret known by where it is used: the key `jwt.sign`/`jwt.verify` sign
/// with, or a variable named for one (`JWT_SECRET`, `sessionSecret`).
pub fn signing_secret(value: &str, name: &str) -> Option<Kind> {
    let lower = value.to_ascii_lowercase();
    if value.len() < 8 || PLACEHOLDERS.iter().any(|p| lower.contains(p)) || lower.contains("secret_here") {
        return None;
    }
    let name = name.to_ascii_lowercase().replace('_', "");
    if name.contains("jwtsecret") || name.contains("jwtkey") || name == "sign" || name == "verify" {
        Some(secret("a JWT signing secret", "JWT_SECRET"))
    } else if name.contains("sessionsecret") || name.contains("cookiesecret") {
        Some(secret("a session secret", "SESSION_SECRET"))
    } else {
        None
    }
}

/// The Supabase project URL a public key goes with (`https://<ref>.supabase.co`).
pub fn is_supabase_url(value: &str) -> bool {
    value
        .strip_prefix("https://")
        .and_then(|r| r.trim_end_matches('/').strip_suffix(".supabase.co"))
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let b = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!("{}.{}.c2lnbmF0dXJl", b.encode(r#"{"alg":"HS256","typ":"JWT"}"#), b.encode(payload))
    }

    #[test]
    fn cheap_test() {
        assert!(may_hold("const k = \"sk_live_51HxYzAbCdEfGhIjKlMnOp\";"));
        assert!(may_hold(
            "headers: { Authorization: 'Bearer sk-proj-abcdefghijklmnopqrstuvwxyz0123456789' }"
        ));
        assert!(may_hold("const url = `postgres://app:pw@db.example.com/app`;"));
        assert!(!may_hold("const store_name = 'prepare_x'; // https://example.com"));
        assert!(!may_hold("const u = 'https://user@example.com';"));
    }

    #[test]
    fn kinds() {
        let anon = jwt(r#"{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"anon","iat":1}"#);
        let service = jwt(r#"{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"service_role","iat":1}"#);
        let other = jwt(r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#);
        assert!(classify(&anon).is_some_and(|k| k.public && k.env == "SUPABASE_ANON_KEY"));
        assert!(classify(&service).is_some_and(|k| !k.public && k.env == "SUPABASE_SERVICE_ROLE_KEY"));
        assert_eq!(classify(&other), None, "a JWT that is not a Supabase key");
        assert_eq!(classify("sk_live_51HxYzAbCdEfGhIjKlMnOp").map(|k| k.env), Some("STRIPE_SECRET_KEY"));
        assert_eq!(classify("sk_test_your_key_here_1234567890"), None, "a placeholder");
        assert_eq!(
            classify("sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345").map(|k| k.env),
            Some("ANTHROPIC_API_KEY")
        );
        assert_eq!(
            classify("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789").map(|k| k.env),
            Some("OPENAI_API_KEY")
        );
        assert_eq!(classify("sk-short"), None);
        assert!(classify("AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW").is_some_and(|k| k.restricted));
        assert_eq!(
            classify("postgresql://app:s3cr3t-pw@db.abcdefghijklmnopqrst.supabase.co:5432/postgres")
                .map(|k| k.env),
            Some("DATABASE_URL")
        );
        assert_eq!(classify("postgres://postgres:postgres@localhost:5432/app"), None, "a local dev database");
        assert_eq!(classify("https://api.stripe.com/v1"), None);
        assert_eq!(classify("hello world"), None);
        assert!(signing_secret("k3y-for-signing-tokens", "JWT_SECRET").is_some());
        assert!(signing_secret("k3y-for-signing-tokens", "sign").is_some());
        assert_eq!(signing_secret("your-secret-key", "JWT_SECRET"), None);
        assert_eq!(signing_secret("short", "JWT_SECRET"), None);
        assert_eq!(signing_secret("k3y-for-signing-tokens", "apiBase"), None);
        assert!(is_supabase_url("https://abcdefghijklmnopqrst.supabase.co"));
        assert!(!is_supabase_url("https://example.com"));
    }
}
