//! A visitor's model against the site: measured in the site's basis and bins and ranked
//! ([`measure`]), and carried in a link that reopens it without the file ([`link`]).

mod codec;
pub(crate) mod link;
pub(crate) mod measure;
