//! One module per area; every page renders on the server only.

pub mod account;
pub mod admin;
pub mod caseload;
pub mod escalation;
pub mod guidance;
pub mod home;
pub mod intake;
pub mod measurement;
pub mod messages;
pub mod patients;
pub mod programmes;
pub mod records;
pub mod report;
pub mod sign_in;
pub mod worksheet;
