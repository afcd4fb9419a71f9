//! stackaudit: audits a marketing-technology stack inventory.
//!
//! Data flows one way: [`inventory`] reads and validates files, keeping source
//! locations; [`checks`] evaluates the model into findings (with [`probe`]
//! beside it gathering evidence); [`audit`] gathers them into one result; one
//! module of [`report`] renders it.
//!
//! The command line sits on top, unknown to the engine: [`run`] parses [`cli`]
//! and hands each subcommand to its file in [`commands`], which converts the
//! arguments into engine options, calls the engine and writes via [`output`].

pub mod audit;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod diagnostic;
pub mod fuzzing;
pub mod import;
pub mod inventory;
pub mod output;
pub mod probe;
pub mod questionnaire;
pub mod report;
pub mod run;
pub mod shared_str;
