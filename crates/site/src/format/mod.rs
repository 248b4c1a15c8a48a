//! The site's files: `manifest.json` ([`manifest`], with [`provenance`]), and LZ4-compressed
//! Arrow IPC streams ([`ipc`], read under the limits of [`ipc_guard`]) holding the tables of
//! [`tables`]; [`writer`] makes a whole site from its content. Nothing here computes a statistic:
//! the queries over decoded tables are in `query/`.

mod by_value;
pub(crate) mod hash;
pub(crate) mod ipc;
pub(crate) mod ipc_guard;
pub(crate) mod manifest;
mod named;
pub(crate) mod provenance;
pub(crate) mod tables;
pub(crate) mod version;
pub(crate) mod writer;
