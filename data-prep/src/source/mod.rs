//! Where filters come from, each a [`FilterSource`](crate::build::FilterSource) with its
//! [`Plan`](crate::build::Plan): the official DB's HDF5 file and meta table, a folder of ONNX
//! models, or the synthetic generator; and the notebook's label cleaning of the official meta.

pub mod corrections;
pub mod filter_model;
pub mod h5;
pub mod labels;
pub mod meta;
pub mod official_meta;
pub mod onnx_dir;
pub mod synth;
