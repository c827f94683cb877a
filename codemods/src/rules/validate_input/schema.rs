//! The zod model: a field's type from the evidence, the fields of one entry
//! point, and the schema's text in the file's style and the app's zod major.

use super::entries::Run;
use super::evidence::types::{declares_type, local_type};

/// A field's type, from the best evidence found.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ty {
    Str,
    Email,
    Number,
    Int,
    Bool,
    Date,
    Enum(Vec<String>),
    /// A query or route param the code turns into a number.
    CoercedNumber,
    /// A body field the code passes to `Number(…)`: a number or a numeric string.
    NumberLike,
    /// A query param: one value or a repeated one (`?tag=a&tag=b`).
    QueryValue,
    Array(Box<Ty>),
    Object(Vec<(String, Ty, bool)>),
    Any,
}

impl Ty {
    pub(crate) fn zod(&self, major: u64, q: &dyn Fn(&str) -> String) -> String {
        match self {
            Ty::Str => "z.string()".into(),
            Ty::Email if major >= 4 => "z.email().max(320)".into(),
            Ty::Email => "z.string().email().max(320)".into(),
            Ty::Number => "z.number()".into(),
            Ty::Int => "z.number().int()".into(),
            Ty::Bool => "z.boolean()".into(),
            // JSON has no dates: a string that parses as one (not `null`/`0`).
            Ty::Date => "z.string().pipe(z.coerce.date())".into(),
            Ty::NumberLike => "z.union([z.number(), z.string().max(100)])".into(),
            Ty::QueryValue => "z.union([z.string(), z.array(z.string())])".into(),
            Ty::CoercedNumber => "z.coerce.number()".into(),
            Ty::Enum(values) => {
                format!("z.enum([{}])", values.iter().map(|v| q(v)).collect::<Vec<_>>().join(", "))
            }
            Ty::Array(inner) => format!("z.array({})", inner.zod(major, q)),
            Ty::Object(fields) => format!(
                "z.object({{ {} }})",
                fields
                    .iter()
                    .map(|(n, t, optional)| format!(
                        "{n}: {}{}",
                        t.zod(major, q),
                        if *optional { ".optional()" } else { "" }
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ty::Any => "z.any()".into(),
        }
    }
}

/// Fields in source order (a schema reads like the code it guards).
#[derive(Clone, Debug, Default)]
pub(crate) struct Fields {
    pub(crate) list: Vec<(String, FieldSpec)>,
    /// Learnt from the reads the code makes: other keys pass through.
    pub(crate) loose: bool,
    /// The columns of a model written whole: an update may send any subset.
    pub(crate) whole_model: bool,
}

impl Fields {
    pub(crate) fn new() -> Fields {
        Fields::default()
    }

    pub(crate) fn insert(&mut self, name: String, spec: FieldSpec) {
        if !self.list.iter().any(|(n, _)| *n == name) {
            self.list.push((name, spec));
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[derive(Clone, Debug)]
pub(crate) struct FieldSpec {
    pub(crate) ty: Ty,
    pub(crate) optional: bool,
    pub(crate) nullable: bool,
    pub(crate) guessed: bool,
}

impl Run<'_> {
    pub(crate) fn issues(&self, parsed: &str) -> String {
        if self.major >= 4 {
            format!("z.flattenError({parsed}.error).fieldErrors")
        } else {
            format!("{parsed}.error.flatten().fieldErrors")
        }
    }

    /// An existing schema with exactly this text, or a fresh name.
    pub(crate) fn schema_for(&self, wanted: &str, fields: &Fields, label: &str) -> Option<String> {
        let text = self.schema_text(wanted, fields, label);
        let semi = self.file.style.semi();
        let same = self.schemas.iter().find(|(n, t)| *t == format!("const {n} = {text}{semi}"));
        match same {
            Some((n, _)) => Some(n.clone()),
            None => self.schema_name(wanted),
        }
    }

    pub(crate) fn schema_name(&self, wanted: &str) -> Option<String> {
        let taken = |n: &str| {
            self.file.bindings.declares(n)
                || local_type(self.file.program, n).is_some()
                || declares_type(self.file.program, n)
                || self.schemas.iter().any(|(s, _)| s == n)
        };
        (1..10).map(|i| if i == 1 { wanted.to_string() } else { format!("{wanted}{i}") }).find(|n| !taken(n))
    }

    /// The schema's `z.object({…})` text, after the adjustments that depend
    /// on the entry point.
    pub(crate) fn schema_text(&self, wanted: &str, fields: &Fields, label: &str) -> String {
        let mut fields = fields.clone();
        // Signing in must keep accepting every account that exists: no new
        // format rule on what identifies it.
        let lower = format!("{wanted} {label}").to_ascii_lowercase();
        if ["login", "signin", "sign-in", "session"].iter().any(|w| lower.contains(w)) {
            for (_, spec) in &mut fields.list {
                if spec.ty == Ty::Email {
                    spec.ty = Ty::Str;
                }
            }
        }
        // An update of a whole model sends what changes: every column may be
        // left out. (Fields the code reads keep what its usage says.)
        if wanted.starts_with("Update") && fields.whole_model {
            for (_, spec) in &mut fields.list {
                if !matches!(spec.ty, Ty::Enum(_)) || spec.nullable {
                    spec.optional = true;
                }
            }
        }
        let style = self.file.style;
        let q = |s: &str| style.quoted(s);
        let unit = &style.indent;
        let mut out = format!("z.object({{{}", style.eol);
        for (field, spec) in &fields.list {
            let mut ty = spec.ty.zod(self.major, &q);
            if spec.ty == Ty::Str {
                ty.push_str(string_cap(field));
            }
            // Unknown stays permissive: present or not (zod 4 requires a
            // `z.any()` key unless it is optional).
            if spec.nullable {
                ty.push_str(".nullish()");
            } else if spec.optional || spec.ty == Ty::Any {
                ty.push_str(".optional()");
            }
            let key = if is_identifier(field) { field.clone() } else { q(field) };
            out.push_str(&format!("{unit}{key}: {ty},{}", style.eol));
        }
        out.push('}');
        out.push(')');
        // Fields learnt from usage may not be all the code reads: keep the rest.
        if fields.loose {
            out.push_str(if self.major >= 4 { ".loose()" } else { ".passthrough()" });
        }
        out
    }

    pub(crate) fn add_schema(&mut self, name: String, fields: Fields, label: &str) {
        self.found.push(format!("`{label}`"));
        if self.schemas.iter().any(|(n, _)| *n == name) {
            return; // the same schema serves several entry points
        }
        for (field, spec) in &fields.list {
            if spec.guessed {
                self.guessed.push(format!("{name}.{field}"));
            }
        }
        let text =
            format!("const {name} = {}{}", self.schema_text(&name, &fields, label), self.file.style.semi());
        self.schemas.push((name, text));
    }
}

/// A generous length limit by what the field holds: short for identifiers
/// and names, none for free text and payloads (posts, prompts, base64 files),
/// a large one otherwise.
pub(crate) fn string_cap(field: &str) -> &'static str {
    let f = field.to_ascii_lowercase();
    let free = [
        "content",
        "body",
        "text",
        "description",
        "message",
        "prompt",
        "question",
        "context",
        "html",
        "markdown",
        "notes",
        "note",
        "comment",
        "bio",
        "summary",
        "audio",
        "image",
        "file",
        "data",
        "base64",
        "payload",
        "attachment",
        "selftext",
        "transcript",
        "code",
        "svg",
        "json",
    ];
    if free.iter().any(|w| f.ends_with(w)) {
        ""
    } else if f == "id"
        || f.ends_with("id")
        || f.ends_with("name")
        || f.ends_with("title")
        || f.ends_with("slug")
        || f.ends_with("status")
        || f.ends_with("type")
        || f.ends_with("role")
        || f.ends_with("phone")
        || f.ends_with("email")
        || f.ends_with("username")
    {
        ".max(1000)"
    } else {
        ".max(100000)"
    }
}

/// `email`, `customerEmail`, `user_email`.
pub(crate) fn is_email_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("email")
}

pub(crate) fn is_identifier(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}
