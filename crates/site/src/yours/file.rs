//! A visitor's model file, whatever its format, read a layer at a time into the site's terms:
//! ONNX graphs, safetensors and PyTorch checkpoints are told apart by their content, never by
//! their names. What was taken from the file and what was skipped (and why) goes into the report,
//! so a reader can check that the right tensors were compared.

use crate::{FileReport, ForeignLayer, SiteData, SiteError, Taken, YoursSketch};
use filterscope_checkpoint::{Checkpoint, Format, Tensor};
use filterscope_onnx::ExternalData;

/// The file `name`'s error: its name, then the problem.
fn failed(name: &str, e: impl std::fmt::Display) -> SiteError {
    SiteError::Yours(format!("{name}: {e}"))
}

fn onnx(
    name: &str,
    bytes: Vec<u8>,
    external: &dyn ExternalData,
    each: &mut dyn FnMut(ForeignLayer),
) -> Result<FileReport, SiteError> {
    let mut taken = vec![];
    let unreached = filterscope_onnx::read_model_each(bytes, external, &mut |conv| {
        taken.push(Taken {
            name: conv.weight.clone(),
            shape: vec![conv.out_channels, conv.in_channels, conv.kernel[0], conv.kernel[1]],
            layout: "out,in,kh,kw".into(),
            filters: conv.is_3x3(),
        });
        if conv.is_3x3() {
            each(ForeignLayer::from_conv(conv));
        }
    })
    .map_err(|e| match e {
        filterscope_onnx::OnnxError::NotOnnx(why) => failed(
            name,
            format!("not an ONNX model ({why}), nor safetensors or PyTorch (their first bytes would say so)"),
        ),
        e => failed(name, e),
    })?;
    Ok(FileReport {
        format: "ONNX".into(),
        key: None,
        order: "the graph's (longest path from the input)".into(),
        taken,
        skipped: unreached
            .into_iter()
            .map(|n| filterscope_checkpoint::Skipped {
                name: n,
                shape: vec![],
                why: "no graph input reaches it: it has no depth".into(),
            })
            .collect(),
    })
}

/// The kernels of `c` as layers; `bytes(k)` is the buffer tensor `k` lies in (the file, or the
/// tensor's own array).
fn kernels_of<'a>(
    name: &str,
    c: &Checkpoint,
    bytes: &dyn Fn(usize) -> &'a [u8],
    each: &mut dyn FnMut(ForeignLayer),
) -> Result<FileReport, SiteError> {
    let mut taken = vec![];
    for k in &c.kernels {
        let t = &c.tensors[k.tensor];
        let is_3x3 = k.kernel == [3, 3];
        taken.push(Taken {
            name: t.name.clone(),
            shape: t.shape.clone(),
            layout: match k.layout {
                filterscope_checkpoint::Layout::Oihw => "out,in,kh,kw",
                filterscope_checkpoint::Layout::Hwio => "kh,kw,in,out",
            }
            .into(),
            filters: is_3x3,
        });
        if is_3x3 {
            each(ForeignLayer {
                name: t.name.clone(),
                conv_depth_norm: k.depth,
                out_channels: k.out_channels,
                filters: c.filters(k, bytes(k.tensor)).map_err(|e| failed(name, e))?,
            });
        }
    }
    Ok(FileReport {
        format: c.format.name().into(),
        key: c.key.clone(),
        order: c.order().into(),
        taken,
        skipped: c.skipped.clone(),
    })
}

fn checkpoint(
    name: &str,
    bytes: &[u8],
    each: &mut dyn FnMut(ForeignLayer),
) -> Result<FileReport, SiteError> {
    let c = Checkpoint::read(bytes).map_err(|e| failed(name, e))?;
    kernels_of(name, &c, &|_| bytes, each)
}

/// Calls `each` with every 3x3 conv layer of the model file `name` (its bytes; `external` serves
/// an ONNX model's external data files), a layer at a time, and says what the file held.
pub fn each_layer(
    name: &str,
    bytes: Vec<u8>,
    external: &dyn ExternalData,
    each: &mut dyn FnMut(ForeignLayer),
) -> Result<FileReport, SiteError> {
    match Format::of(&bytes) {
        Some(_) => checkpoint(name, &bytes, each),
        None => onnx(name, bytes, external, each),
    }
}

impl SiteData {
    /// The model file `name` measured on this site's terms ([`SiteData::measuring`]), and what
    /// was taken from it: what `data-prep yours` and the page's worker both run.
    pub fn measure_file(
        &self,
        name: &str,
        bytes: Vec<u8>,
        external: &dyn ExternalData,
    ) -> Result<(YoursSketch, FileReport), SiteError> {
        let mut m = self.measuring(name);
        let file = each_layer(name, bytes, external, &mut |l| m.add(&l))?;
        Ok((m.finish()?, file))
    }

    /// A model given as named arrays in memory (`tensors` from [`Tensor::in_memory`], `data`
    /// their buffers, in the same order) measured as [`SiteData::measure_file`] measures a file:
    /// the same kernel rule, the mapping's order for depth. What the Python package runs on a
    /// dict of numpy arrays, without copying them.
    pub fn measure_arrays(
        &self,
        name: &str,
        tensors: Vec<Tensor>,
        data: &[&[u8]],
    ) -> Result<(YoursSketch, FileReport), SiteError> {
        if tensors.len() != data.len() {
            return Err(failed(
                name,
                format!("{} tensors but {} buffers", tensors.len(), data.len()),
            ));
        }
        let c = Checkpoint::of_arrays(tensors);
        let mut m = self.measuring(name);
        let file = kernels_of(name, &c, &|k| data[k], &mut |l| m.add(&l))?;
        Ok((m.finish()?, file))
    }
}
