//! The subcommands: each parses its own flags and runs over the library.

pub mod build;
mod provenance_args;
pub mod publish;
pub mod query;
mod report;
pub mod synth;
pub mod yours;
