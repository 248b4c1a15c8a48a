//! A visitor's models against the site: read from any format they hold ([`file`]), measured in
//! the site's basis and bins and ranked ([`measure`]), held against each other ([`between`]),
//! and carried in a link that reopens them without the files ([`link`]).

pub(crate) mod between;
mod codec;
pub(crate) mod contents;
pub(crate) mod file;
pub(crate) mod link;
pub(crate) mod measure;
