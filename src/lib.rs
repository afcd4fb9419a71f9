//! stackaudit: audits a marketing-technology stack inventory.
//!
//! Data flows one way: [`inventory`] reads and validates files, keeping source
//! locations; [`checks`] evaluates the model into findings (with [`probe`]
//! beside it gathering evidence); [`audit`] gathers them into one result; one
//! module of [`report`] renders it.
//!
//! The command line sits on top and nothing below it knows of it: `main`
//! calls [`run`], which parses [`cli`] and dispatches to one file of
//! [`commands`] per subcommand; each converts its arguments into the engine's
//! own options, calls the engine, and writes through [`output`].

pub mod audit;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod diagnostic;
pub mod fuzzing;
pub mod inventory;
pub mod output;
pub mod probe;
pub mod report;
pub mod run;
