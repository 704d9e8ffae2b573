use serde::{Deserialize, Serialize};

/// One invalid form field: the field's name and a stable code the interface translates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str) -> Self {
        Self { field: field.into(), code: code.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Does not exist, or belongs to another organisation: both answer 404.
    #[error("not found")]
    NotFound,
    /// Logged in, in this organisation, but without the role or assignment.
    #[error("forbidden")]
    Forbidden,
    #[error("not logged in")]
    Unauthenticated,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("too many attempts")]
    RateLimited,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("session error: {0}")]
    Session(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &str, code: &str) -> Self {
        Error::Invalid(vec![FieldError::new(field, code)])
    }

    /// The field errors of a form checked field by field, as one error.
    pub fn merge(problems: Vec<Error>) -> Self {
        Error::Invalid(problems.into_iter().flat_map(|e| if let Error::Invalid(fields) = e { fields } else { Vec::new() }).collect())
    }
}

impl From<tower_sessions::session::Error> for Error {
    fn from(e: tower_sessions::session::Error) -> Self {
        Error::Session(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
