//! Stegvis over real HTTP: every test runs against a started server, once on SQLite and once
//! on PostgreSQL (skipped loudly where no PostgreSQL is reachable; required in CI).

mod access;
mod accounts;
mod audit;
mod guidance;
mod hardening;
mod intake;
mod measurement;
mod programmes;
mod records;
mod sessions;
mod staff;
