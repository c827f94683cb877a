//! The zod model: a field's type from the evidence, the fields of one entry
//! point, and how each type is written in the app's zod major.

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
