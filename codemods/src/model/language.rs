//! The interface's language and its own messages: per file, the language its
//! user-facing strings are written in (JSX text, labels and placeholders,
//! toasts, alerts), whether its messages come from an i18n catalogue, and the
//! error messages it already shows in each function (the toast in a catch, in
//! an `if (error)` branch) — so that a message harden inserts can reuse one,
//! speak the same language, or be left out.

use swc_core::ecma::ast::{
    ArrowExpr, CallExpr, Callee, Expr, ImportSpecifier, JSXAttr, JSXAttrName, JSXAttrValue, JSXText, Lit,
    MemberProp, ModuleDecl, ModuleItem, Pat, Program, Prop, PropName, PropOrSpread, VarDeclarator,
};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::analysis::strip_ts;
use crate::parse::LineIndex;

/// The languages harden tells apart (others are [`Language::Other`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    English,
    Spanish,
    Portuguese,
    French,
    German,
    Italian,
    /// Written in a language harden has no table for (Swedish, Polish, Chinese…).
    Other,
}

pub const KNOWN: [Language; 6] = [
    Language::English,
    Language::Spanish,
    Language::Portuguese,
    Language::French,
    Language::German,
    Language::Italian,
];

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
            Language::Portuguese => "pt",
            Language::French => "fr",
            Language::German => "de",
            Language::Italian => "it",
            Language::Other => "other",
        }
    }

    fn words(self) -> &'static [&'static str] {
        match self {
            Language::English => &[
                "the",
                "and",
                "to",
                "of",
                "your",
                "you",
                "is",
                "are",
                "please",
                "failed",
                "could",
                "not",
                "error",
                "successfully",
                "loading",
                "save",
                "delete",
                "cancel",
                "create",
                "update",
                "search",
                "found",
                "sign",
                "account",
                "password",
                "email",
                "name",
                "add",
                "edit",
                "view",
                "all",
                "settings",
                "something",
                "went",
                "wrong",
                "try",
                "again",
                "welcome",
                "new",
                "with",
                "for",
                "this",
                "no",
                "yes",
                "submit",
                "back",
                "next",
                "success",
                "unable",
                "saved",
                "deleted",
                "created",
                "updated",
                "enter",
            ],
            Language::Spanish => &[
                "el",
                "los",
                "las",
                "del",
                "que",
                "y",
                "una",
                "para",
                "con",
                "al",
                "guardar",
                "eliminar",
                "cancelar",
                "crear",
                "editar",
                "buscar",
                "correo",
                "contraseña",
                "cargando",
                "iniciar",
                "sesión",
                "cerrar",
                "usuario",
                "nuevo",
                "nueva",
                "todos",
                "éxito",
                "intente",
                "nuevamente",
                "pudo",
                "algo",
                "salió",
                "mal",
                "agregar",
                "cliente",
                "fecha",
                "hora",
                "está",
                "ha",
                "sido",
                "error",
                "su",
                "por",
                "favor",
                "exitosamente",
                "correctamente",
                "datos",
                "ingrese",
                "seleccione",
                "citas",
                "cita",
            ],
            Language::Portuguese => &[
                "o",
                "os",
                "do",
                "da",
                "dos",
                "das",
                "que",
                "e",
                "em",
                "um",
                "uma",
                "para",
                "com",
                "não",
                "ao",
                "erro",
                "salvar",
                "excluir",
                "cancelar",
                "criar",
                "editar",
                "buscar",
                "senha",
                "carregando",
                "entrar",
                "sair",
                "usuário",
                "novo",
                "nova",
                "todos",
                "sucesso",
                "tente",
                "novamente",
                "foi",
                "possível",
                "deu",
                "errado",
                "adicionar",
                "cliente",
                "você",
                "está",
                "são",
                "já",
                "também",
                "seu",
                "sua",
                "dados",
                "selecione",
                "informe",
                "agendamento",
                "pedido",
                "pedidos",
            ],
            Language::French => &[
                "le",
                "les",
                "des",
                "du",
                "et",
                "une",
                "pour",
                "avec",
                "pas",
                "ne",
                "au",
                "aux",
                "erreur",
                "enregistrer",
                "supprimer",
                "annuler",
                "créer",
                "modifier",
                "rechercher",
                "mot",
                "passe",
                "chargement",
                "connexion",
                "déconnexion",
                "utilisateur",
                "nouveau",
                "nouvelle",
                "tous",
                "succès",
                "réessayer",
                "veuillez",
                "impossible",
                "êtes",
                "vous",
                "votre",
                "vos",
                "est",
                "été",
                "client",
                "devis",
                "facture",
                "ajouter",
            ],
            Language::German => &[
                "der",
                "die",
                "das",
                "und",
                "zu",
                "den",
                "dem",
                "ein",
                "eine",
                "für",
                "mit",
                "nicht",
                "ist",
                "sind",
                "fehler",
                "speichern",
                "löschen",
                "abbrechen",
                "erstellen",
                "bearbeiten",
                "suchen",
                "passwort",
                "laden",
                "anmelden",
                "abmelden",
                "benutzer",
                "neu",
                "neue",
                "alle",
                "erfolgreich",
                "bitte",
                "erneut",
                "versuchen",
                "konnte",
                "sie",
                "ihr",
                "ihre",
                "wurde",
                "werden",
                "auftrag",
                "kunde",
                "kunden",
                "hinzufügen",
            ],
            Language::Italian => &[
                "il",
                "lo",
                "gli",
                "di",
                "della",
                "delle",
                "che",
                "e",
                "un",
                "una",
                "per",
                "con",
                "non",
                "errore",
                "salvare",
                "salva",
                "eliminare",
                "elimina",
                "annulla",
                "creare",
                "crea",
                "modifica",
                "cerca",
                "caricamento",
                "accedi",
                "esci",
                "utente",
                "nuovo",
                "nuova",
                "tutti",
                "successo",
                "riprova",
                "impossibile",
                "è",
                "sono",
                "tuo",
                "tua",
                "stato",
                "stata",
                "cliente",
                "aggiungi",
                "prenotazione",
            ],
            Language::Other => &[],
        }
    }
}

/// What a file's user-facing strings say about its language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Votes {
    /// Hits per language, in [`KNOWN`] order.
    pub hits: [u32; 6],
    /// Words read in all.
    pub words: u32,
    /// Words in a script or with letters none of the known languages uses.
    pub foreign: u32,
}

impl Votes {
    pub fn add(&mut self, other: &Votes) {
        for (a, b) in self.hits.iter_mut().zip(other.hits) {
            *a += b;
        }
        self.words += other.words;
        self.foreign += other.foreign;
    }

    fn read(&mut self, text: &str) {
        let lower = text.to_lowercase();
        for word in lower.split(|c: char| !(c.is_alphabetic() || c == '\'')) {
            let word = word.trim_matches('\'');
            if word.is_empty() {
                continue;
            }
            self.words += 1;
            if word.chars().any(|c| c.is_alphabetic() && !is_latin(c)) || FOREIGN_WORDS.contains(&word) {
                self.foreign += 1;
                continue;
            }
            if let Some(bits) = word_table().get(word) {
                for (i, hit) in self.hits.iter_mut().enumerate() {
                    if bits & (1 << i) != 0 {
                        *hit += 2;
                    }
                }
            }
            // Spellings only one language has.
            let marks: &[(&str, usize)] = &[
                ("ção", 2),
                ("ções", 2),
                ("ã", 2),
                ("õ", 2),
                ("ñ", 1),
                ("ción", 1),
                ("ß", 4),
                ("ü", 4),
                ("è", 5),
                ("ò", 5),
                ("ê", 2),
                ("œ", 3),
                ("û", 3),
            ];
            for (mark, i) in marks {
                if word.contains(mark) {
                    self.hits[*i] += 1;
                }
            }
            if word.chars().any(|c| {
                matches!(
                    c,
                    'å' | 'ø'
                        | 'æ'
                        | 'ł'
                        | 'ś'
                        | 'ż'
                        | 'ź'
                        | 'ę'
                        | 'ą'
                        | 'ő'
                        | 'ű'
                        | 'ğ'
                        | 'ş'
                        | 'ı'
                        | 'ř'
                        | 'ě'
                        | 'ů'
                        | 'ơ'
                        | 'ư'
                        | 'đ'
                        | 'ạ'
                        | 'ả'
                        | 'ấ'
                        | 'ầ'
                        | 'ệ'
                        | 'ộ'
                )
            }) {
                self.foreign += 1;
            }
        }
        if text.contains('¿') || text.contains('¡') {
            self.hits[1] += 2;
        }
    }

    /// The language these votes show, with enough evidence.
    pub fn language(&self) -> Option<Language> {
        if self.words < 3 {
            return None;
        }
        let (best, score) = KNOWN.iter().zip(self.hits).max_by_key(|(_, h)| *h)?;
        let second = self.hits.iter().filter(|h| **h != score).max().copied().unwrap_or(0);
        // Words in other scripts or alphabets outweigh what the tables saw.
        if self.foreign * 4 > self.words.max(1) && self.foreign * 2 >= score {
            return Some(Language::Other);
        }
        if score < 4 {
            return (self.words >= 30 && score * 20 < self.words).then_some(Language::Other);
        }
        (score * 2 >= second * 3 || score >= second + 10).then_some(*best)
    }
}

/// Common words of languages harden has no table for (Swedish, Danish,
/// Norwegian, Dutch, Polish, Turkish): they count against the known ones.
const FOREIGN_WORDS: &[&str] = &[
    "och", "att", "som", "för", "med", "är", "det", "på", "av", "vi", "du", "din", "dig", "till", "har",
    "inte", "kan", "ikke", "og", "jeg", "het", "een", "van", "niet", "uw", "wij", "zijn", "nie", "jest",
    "się", "dla", "czy", "lub", "oraz", "wybierz", "bir", "ve", "için", "ile", "değil", "lütfen",
];

/// Each known word, with a bit per language that uses it.
fn word_table() -> &'static std::collections::HashMap<&'static str, u8> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<&'static str, u8>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = std::collections::HashMap::default();
        for (i, language) in KNOWN.iter().enumerate() {
            for w in language.words() {
                *t.entry(*w).or_insert(0) |= 1 << i;
            }
        }
        t
    })
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{c0}'..='\u{24f}').contains(&c)
}

/// How a message reaches the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Channel {
    /// `toast.error("…")` (sonner, react-hot-toast): the name called.
    ToastError(String),
    /// shadcn's `toast({ title, description, variant: "destructive" })`.
    ToastObject(String),
    Alert,
    /// `setError("…")`: a state the component renders.
    Setter(String),
}

/// One error message the code already shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The innermost named function it is in (`""`: the top level).
    pub function: String,
    pub channel: Channel,
    /// The literal text, or the catalogue key for `t("…")`.
    pub text: String,
    /// A catalogue key rather than a text.
    pub key: bool,
    /// Shown on a failure path (in a catch, after an error test, a
    /// destructive toast), not a success.
    pub failure: bool,
    /// Shown in a catch or after an error test (`if (error)`): what the app
    /// says when an operation fails, not a validation message (`if (!order)`).
    pub on_error: bool,
    pub line: usize,
}

/// What one file says about its interface's language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileLanguage {
    pub votes: Votes,
    /// Its interface text comes from an i18n library (`useTranslation`, `t("…")`).
    pub i18n: bool,
    pub messages: Vec<Message>,
}

const I18N_HOOKS: &[&str] = &[
    "useTranslation",
    "useTranslations",
    "useI18n",
    "useIntl",
    "useLocale",
    "useLanguage",
    "useLingui",
    "useT",
];

pub fn extract(program: &Program, lines: &LineIndex) -> FileLanguage {
    let mut out = FileLanguage::default();
    if let Program::Module(m) = program {
        for item in &m.body {
            let ModuleItem::ModuleDecl(ModuleDecl::Import(d)) = item else { continue };
            let src = d.src.value.to_string_lossy().to_ascii_lowercase();
            let library = ["i18n", "intl", "lingui", "translation", "locale"].iter().any(|w| src.contains(w));
            let hook = d
                .specifiers
                .iter()
                .any(|s| matches!(s, ImportSpecifier::Named(n) if I18N_HOOKS.contains(&&*n.local.sym)));
            out.i18n |= library || hook;
        }
    }
    let mut v = Scan { lines, out: &mut out, functions: Vec::new(), failure: 0, on_error: 0 };
    program.visit_with(&mut v);
    out
}

struct Scan<'a> {
    lines: &'a LineIndex,
    out: &'a mut FileLanguage,
    functions: Vec<String>,
    /// Inside a catch block or an `if (error)` branch.
    failure: usize,
    /// Inside a catch or a branch that tests nothing but an error.
    on_error: usize,
}

const TEXT_ATTRS: &[&str] = &["placeholder", "title", "label", "alt", "aria-label", "description", "tooltip"];

fn literal(e: &Expr) -> Option<String> {
    match strip_ts(e) {
        Expr::Lit(Lit::Str(s)) => Some(s.value.to_string_lossy().into_owned()),
        Expr::Tpl(t) if t.exprs.is_empty() => t.quasis.first().map(|q| q.raw.to_string()),
        _ => None,
    }
}

/// `t("errors.save")`, `i18n.t("…")`: the key.
fn catalogue_key(e: &Expr) -> Option<String> {
    let Expr::Call(c) = strip_ts(e) else { return None };
    let Callee::Expr(callee) = &c.callee else { return None };
    let is_t = match strip_ts(callee) {
        Expr::Ident(i) => &*i.sym == "t",
        Expr::Member(m) => matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "t"),
        _ => false,
    };
    if !is_t {
        return None;
    }
    c.args.first().and_then(|a| literal(&a.expr))
}

fn prop_of<'e>(o: &'e swc_core::ecma::ast::ObjectLit, key: &str) -> Option<&'e Expr> {
    o.props.iter().find_map(|p| match p {
        PropOrSpread::Prop(p) => match &**p {
            Prop::KeyValue(kv) if matches!(&kv.key, PropName::Ident(k) if &*k.sym == key) => Some(&*kv.value),
            _ => None,
        },
        _ => None,
    })
}

impl Scan<'_> {
    fn message(&mut self, channel: Channel, e: &Expr, failure: bool, line: usize) {
        let (text, key) = match (literal(e), catalogue_key(e)) {
            (Some(t), _) => (t, false),
            (None, Some(k)) => (k, true),
            _ => return,
        };
        if !key {
            self.out.votes.read(&text);
        }
        let function = self.functions.iter().rev().find(|f| !f.is_empty()).cloned().unwrap_or_default();
        let on_error = self.on_error > 0;
        self.out.messages.push(Message { function, channel, text, key, failure, on_error, line });
    }
}

/// `error`, `fetchError`, `err`, `res.error`, `!res.ok`: a test of an error
/// and nothing else (`error || credits < 1` may be a validation message).
fn is_pure_error_test(e: &Expr) -> bool {
    match strip_ts(e) {
        Expr::Ident(i) => matches!(&*i.sym, "error" | "err" | "e") || i.sym.ends_with("Error"),
        Expr::Member(m) => matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "error"),
        Expr::Unary(u) if u.op == swc_core::ecma::ast::UnaryOp::Bang => {
            matches!(strip_ts(&u.arg), Expr::Member(m) if matches!(&m.prop, MemberProp::Ident(p) if matches!(&*p.sym, "ok" | "success")))
        }
        _ => false,
    }
}

fn is_error_test(e: &Expr) -> bool {
    struct Find(bool);
    impl Visit for Find {
        fn visit_ident(&mut self, i: &swc_core::ecma::ast::Ident) {
            self.0 |= matches!(&*i.sym, "error" | "err" | "e") || i.sym.ends_with("Error");
        }
        fn visit_member_prop(&mut self, p: &MemberProp) {
            if let MemberProp::Ident(i) = p {
                self.0 |= matches!(&*i.sym, "error" | "ok");
            }
        }
    }
    let mut f = Find(false);
    e.visit_with(&mut f);
    f.0
}

impl Visit for Scan<'_> {
    crate::model::skip_types!();

    fn visit_jsx_text(&mut self, t: &JSXText) {
        self.out.votes.read(&t.value.to_string_lossy());
    }

    fn visit_jsx_attr(&mut self, a: &JSXAttr) {
        let name = match &a.name {
            JSXAttrName::Ident(i) => i.sym.to_string(),
            JSXAttrName::JSXNamespacedName(n) => n.name.sym.to_string(),
        };
        if TEXT_ATTRS.contains(&name.as_str()) {
            if let Some(JSXAttrValue::Str(s)) = &a.value {
                self.out.votes.read(&s.value.to_string_lossy());
            }
        }
        a.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, c: &CallExpr) {
        let line = self.lines.line_of(c);
        // `res.status(400).json({ error: "Erro na requisição!" })`: an API's
        // messages are its interface, which the app's client shows.
        if let Callee::Expr(callee) = &c.callee {
            if let (Expr::Member(m), Some(Expr::Object(o))) =
                (strip_ts(callee), c.args.first().map(|a| strip_ts(&a.expr)))
            {
                if matches!(&m.prop, MemberProp::Ident(p) if matches!(&*p.sym, "json" | "send")) {
                    for key in ["error", "message", "erro", "mensagem", "mensaje"] {
                        if let Some(text) = prop_of(o, key).and_then(literal) {
                            self.out.votes.read(&text);
                        }
                    }
                }
            }
        }
        if let Callee::Expr(callee) = &c.callee {
            match strip_ts(callee) {
                // `toast.error("…")`, `toast.success("…")`
                Expr::Member(m) => {
                    if let (Expr::Ident(o), MemberProp::Ident(p)) = (strip_ts(&m.obj), &m.prop) {
                        let object = o.sym.to_string();
                        let method = p.sym.to_string();
                        if matches!(object.as_str(), "toast" | "message" | "notification" | "notify") {
                            if let Some(first) = c.args.first() {
                                let failure = method == "error" || self.failure > 0;
                                self.message(Channel::ToastError(object.clone()), &first.expr, failure, line);
                                if let Some(Expr::Object(o)) = c.args.get(1).map(|a| strip_ts(&a.expr)) {
                                    if let Some(d) = prop_of(o, "description") {
                                        self.message(Channel::ToastError(object), d, failure, line);
                                    }
                                }
                            }
                        }
                    }
                }
                Expr::Ident(i) => {
                    let name = i.sym.to_string();
                    let first = c.args.first().map(|a| &*a.expr);
                    match (name.as_str(), first.map(strip_ts)) {
                        ("toast", Some(Expr::Object(o))) => {
                            let destructive =
                                prop_of(o, "variant").and_then(literal).is_some_and(|v| v == "destructive");
                            let failure = destructive || self.failure > 0;
                            for key in ["title", "description"] {
                                if let Some(e) = prop_of(o, key) {
                                    self.message(Channel::ToastObject(name.clone()), e, failure, line);
                                }
                            }
                        }
                        ("toast", Some(e)) => {
                            let failure = self.failure > 0;
                            self.message(Channel::ToastError(name.clone()), e, failure, line)
                        }
                        ("alert" | "confirm", Some(e)) => {
                            let failure = self.failure > 0;
                            self.message(Channel::Alert, e, failure, line)
                        }
                        (setter, Some(e)) if setter.starts_with("set") && setter.ends_with("Error") => {
                            self.message(Channel::Setter(setter.to_string()), e, true, line)
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        c.visit_children_with(self);
    }

    fn visit_catch_clause(&mut self, c: &swc_core::ecma::ast::CatchClause) {
        self.failure += 1;
        self.on_error += 1;
        c.visit_children_with(self);
        self.failure -= 1;
        self.on_error -= 1;
    }

    fn visit_if_stmt(&mut self, i: &swc_core::ecma::ast::IfStmt) {
        i.test.visit_with(self);
        let failure = is_error_test(&i.test);
        let pure = failure && is_pure_error_test(&i.test);
        self.failure += usize::from(failure);
        self.on_error += usize::from(pure);
        i.cons.visit_with(self);
        self.failure -= usize::from(failure);
        self.on_error -= usize::from(pure);
        i.alt.visit_with(self);
    }

    fn visit_fn_decl(&mut self, f: &swc_core::ecma::ast::FnDecl) {
        self.functions.push(f.ident.sym.to_string());
        f.visit_children_with(self);
        self.functions.pop();
    }

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        let named = matches!(
            (&d.name, d.init.as_deref().map(strip_ts)),
            (Pat::Ident(_), Some(Expr::Arrow(_) | Expr::Fn(_)))
        );
        if let (true, Pat::Ident(b)) = (named, &d.name) {
            self.functions.push(b.id.sym.to_string());
            d.visit_children_with(self);
            self.functions.pop();
            return;
        }
        d.visit_children_with(self);
    }

    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        // An inline callback belongs to the function around it.
        a.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn file(text: &str) -> FileLanguage {
        let parsed = parse(text, Lang::Tsx).expect("parses");
        extract(&parsed.program, &crate::parse::LineIndex::new(text))
    }

    #[test]
    fn tells_the_languages_apart() {
        let pt = file("export function A() { return <div><h1>Novo pedido</h1><p>Não foi possível salvar o pedido. Tente novamente.</p><input placeholder=\"Informe o e-mail do cliente\" /></div>; }\n");
        assert_eq!(pt.votes.language(), Some(Language::Portuguese));
        let es = file("export function A() { return <div><h1>Nueva cita</h1><p>No se pudo guardar la cita. Intente nuevamente.</p><label>Correo del cliente</label></div>; }\n");
        assert_eq!(es.votes.language(), Some(Language::Spanish));
        let en = file("export function A() { return <div><h1>New booking</h1><p>Could not save your booking. Please try again.</p></div>; }\n");
        assert_eq!(en.votes.language(), Some(Language::English));
        let de = file("export function A() { return <p>Der Auftrag konnte nicht gespeichert werden. Bitte erneut versuchen.</p>; }\n");
        assert_eq!(de.votes.language(), Some(Language::German));
        let sv = file("export function A() { return <p>Välj en tid som passar dig och boka din session. Vi återkommer med en bekräftelse så snart som möjligt, tack för att du väljer oss för din fotografering.</p>; }\n");
        assert_eq!(sv.votes.language(), Some(Language::Other));
        assert_eq!(file("export const a = 1;\n").votes.language(), None);
    }

    #[test]
    fn error_messages_by_function_and_i18n() {
        let f = file(
            "import { useTranslation } from 'react-i18next';\nexport function Form() {\n  const { toast } = useToast();\n  const save = async () => {\n    const { error } = await supabase.from('t').insert(x);\n    if (error) {\n      toast({ title: 'Erro', description: 'Não foi possível salvar.', variant: 'destructive' });\n      return;\n    }\n    toast({ title: 'Salvo com sucesso' });\n  };\n  const remove = async () => { try { await del(); } catch (e) { toast.error(t('errors.delete')); } };\n}\n",
        );
        assert!(f.i18n);
        let failures: Vec<(&str, &str, bool)> = f
            .messages
            .iter()
            .filter(|m| m.failure)
            .map(|m| (m.function.as_str(), m.text.as_str(), m.key))
            .collect();
        assert_eq!(
            failures,
            [
                ("save", "Erro", false),
                ("save", "Não foi possível salvar.", false),
                ("remove", "errors.delete", true)
            ]
        );
        assert!(f.messages.iter().any(|m| !m.failure && m.text == "Salvo com sucesso"));
    }
}
