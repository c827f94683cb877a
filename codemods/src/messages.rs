//! What a new error branch tells the user, in the interface's own words: the
//! failure message the same function already shows (its toast in an error
//! branch or a catch), else a generic line in the interface's language, else
//! nothing (log only). Never English in a Spanish interface; never a literal
//! where the interface's text comes from an i18n catalogue.

use crate::model::language::{Channel, Language};
use crate::model::Model;

/// A message for a toast: a literal, or a key of the app's catalogue (`t("…")`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserMessage {
    Text(String),
    Key(String),
}

impl UserMessage {
    /// The expression that shows it (`"…"` or `t("…")`).
    pub fn expr(&self, style: &crate::style::Style) -> String {
        match self {
            UserMessage::Text(t) => style.quoted(t),
            UserMessage::Key(k) => format!("t({})", style.quoted(k)),
        }
    }
}

/// "Something went wrong, try again" in each language harden has a table for.
pub fn generic(language: Language) -> Option<&'static str> {
    Some(match language {
        Language::English => "Something went wrong. Please try again.",
        Language::Spanish => "Algo salió mal. Inténtalo de nuevo.",
        Language::Portuguese => "Algo deu errado. Tente novamente.",
        Language::French => "Une erreur est survenue. Veuillez réessayer.",
        Language::German => "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
        Language::Italian => "Qualcosa è andato storto. Riprova.",
        Language::Other => return None,
    })
}

/// "Request failed with status {status}" in the interface's language (English
/// where it has no table): a thrown error's message often reaches the screen
/// (`toast.error(err.message)`). `status` is the expression that gives the code.
pub fn request_failed(language: Option<Language>, status: &str) -> String {
    match language {
        Some(Language::Spanish) => format!("La solicitud falló con el estado ${{{status}}}"),
        Some(Language::Portuguese) => format!("A requisição falhou com o status ${{{status}}}"),
        Some(Language::French) => format!("La requête a échoué avec le statut ${{{status}}}"),
        Some(Language::German) => format!("Die Anfrage ist mit Status ${{{status}}} fehlgeschlagen"),
        Some(Language::Italian) => format!("La richiesta non è riuscita con lo stato ${{{status}}}"),
        _ => format!("Request failed with status ${{{status}}}"),
    }
}

/// "Internal server error" in the interface's language (English where it has
/// no table): the app's client often shows a server's `error` field.
pub fn server_error(language: Option<Language>) -> &'static str {
    match language {
        Some(Language::Spanish) => "Error interno del servidor",
        Some(Language::Portuguese) => "Erro interno do servidor",
        Some(Language::French) => "Erreur interne du serveur",
        Some(Language::German) => "Interner Serverfehler",
        Some(Language::Italian) => "Errore interno del server",
        _ => "Internal server error",
    }
}

/// "Bad request" in the interface's language (English where it has no table).
pub fn bad_request(language: Option<Language>) -> &'static str {
    match language {
        Some(Language::Spanish) => "Solicitud no válida",
        Some(Language::Portuguese) => "Requisição inválida",
        Some(Language::French) => "Requête invalide",
        Some(Language::German) => "Ungültige Anfrage",
        Some(Language::Italian) => "Richiesta non valida",
        _ => "Bad request",
    }
}

/// The message for a failure in `function` of `path`, or `None` (log only):
/// the toast the same function already shows when something fails (in a
/// catch or an `if (error)` branch; a validation message such as "your cart
/// is empty" would say the wrong thing); in a file whose text
/// comes from a catalogue, only such a toast's key (when `t` is in scope);
/// else the generic line in the file's (or the project's) language.
pub fn for_failure(model: &Model, path: &str, function: Option<&str>, has_t: bool) -> Option<UserMessage> {
    let facts = model.files.get(path);
    let own = facts.and_then(|f| {
        let function = function?;
        f.language.messages.iter().find(|m| {
            m.on_error && m.function == function && is_toast(&m.channel) && !m.text.trim().is_empty()
        })
    });
    let i18n = facts.is_some_and(|f| f.language.i18n);
    match own {
        Some(m) if m.key => (i18n && has_t).then(|| UserMessage::Key(m.text.clone())),
        Some(m) if !i18n => Some(UserMessage::Text(m.text.clone())),
        _ if i18n => None,
        _ => generic(model.language_of(path)?).map(|t| UserMessage::Text(t.to_string())),
    }
}

fn is_toast(c: &Channel) -> bool {
    matches!(c, Channel::ToastError(_) | Channel::ToastObject(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_of(files: &[(&str, &str)]) -> Model {
        crate::model::tests::project(files, crate::model::Inputs::default())
    }

    #[test]
    fn reuses_the_functions_own_failure_message() {
        let m = model_of(&[(
            "src/A.tsx",
            "import { toast } from 'sonner';\nexport function A() {\n  const save = async () => {\n    const { error } = await api();\n    if (error) { toast.error('Erro ao salvar o cliente'); return; }\n    toast.success('Cliente salvo com sucesso');\n  };\n  return <button onClick={save}>Salvar cliente</button>;\n}\n",
        )]);
        assert_eq!(
            for_failure(&m, "src/A.tsx", Some("save"), false),
            Some(UserMessage::Text("Erro ao salvar o cliente".into()))
        );
        // Another function of the file: the generic line, in Portuguese.
        assert_eq!(
            for_failure(&m, "src/A.tsx", Some("load"), false),
            Some(UserMessage::Text("Algo deu errado. Tente novamente.".into()))
        );
    }

    #[test]
    fn a_catalogue_gives_its_key_or_nothing() {
        let m = model_of(&[(
            "src/B.tsx",
            "import { useTranslation } from 'react-i18next';\nimport { toast } from 'sonner';\nexport function B() {\n  const { t } = useTranslation();\n  const save = async () => {\n    try { await api(); } catch { toast.error(t('errors.save')); }\n  };\n  return <p>{t('title')}</p>;\n}\n",
        )]);
        assert_eq!(
            for_failure(&m, "src/B.tsx", Some("save"), true),
            Some(UserMessage::Key("errors.save".into()))
        );
        assert_eq!(for_failure(&m, "src/B.tsx", Some("save"), false), None);
        assert_eq!(for_failure(&m, "src/B.tsx", Some("other"), true), None);
    }

    #[test]
    fn an_unknown_language_is_log_only() {
        let m = model_of(&[(
            "src/C.tsx",
            "export function C() {\n  return <p>Välj en tid och boka din plats för att fortsätta med bokningen</p>;\n}\n",
        )]);
        assert_eq!(for_failure(&m, "src/C.tsx", Some("save"), false), None);
    }
}
