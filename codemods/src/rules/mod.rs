//! The codemods, one module (or folder) each. A codemod reads the file it is
//! given, the shared knowledge below it ([`crate::framework`], [`crate::wrap`],
//! [`crate::analysis`]) and the project model ([`crate::model`]); it never
//! imports another codemod.

pub mod async_handlers;
pub mod fetch_ok;
pub mod paginate;
pub mod secrets_to_env;
pub mod server_errors;
pub mod supabase_errors;
pub mod validate_input;
