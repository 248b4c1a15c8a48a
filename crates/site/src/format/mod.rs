//! The site's files: `manifest.json` ([`manifest`], with [`provenance`], its file [`entries`]),
//! and Arrow IPC streams, LZ4-compressed or deflated whole ([`ipc`], read under the limits of
//! [`ipc_guard`], inflated by [`inflate`]) holding the tables of [`tables`]; [`writer`] makes a
//! whole site from its content. Nothing here computes a statistic: the queries over decoded
//! tables are in `query/`, and [`spread_files`] stores the intervals one of them computes on the
//! site's own files.

mod among;
mod by_bucket;
mod by_value;
mod cut;
pub(crate) mod entries;
pub(crate) mod hash;
mod inflate;
pub(crate) mod ipc;
pub(crate) mod ipc_guard;
mod kept;
mod layer_depths;
pub(crate) mod manifest;
mod named;
pub(crate) mod provenance;
pub(crate) mod spread_files;
pub(crate) mod tables;
pub(crate) mod version;
pub(crate) mod writer;
