//! stackaudit: audits a marketing-technology stack inventory.
//!
//! Data flows one way: [`inventory`] reads and validates files, keeping source
//! locations; [`checks`] evaluates the model into findings; [`audit`] gathers
//! them into one result; one module of [`report`] renders it.

pub mod audit;
pub mod checks;
pub mod cli;
pub mod diagnostic;
pub mod fuzzing;
pub mod inventory;
pub mod output;
pub mod probe;
pub mod report;
pub mod run;
