//! The official CNN Filter DB file: an HDF5 dataset `filters` of shape (N, 3, 3), float64 or
//! float32, read in contiguous slabs so memory stays bounded whatever N is.
//!
//! A contiguous, unfiltered dataset (what h5py writes by default) is read straight from the file at
//! its offset with positioned reads into the caller's buffer: no HDF5 global lock, no ndarray and
//! no copy. Chunked or compressed datasets go through the HDF5 library in slabs.

use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use filterscope_stats::Filter;
use hdf5::types::{FloatSize, TypeDescriptor};

use crate::PrepError;

/// An open DB file.
pub struct H5Filters {
    path: PathBuf,
    file: hdf5::File,
    ds: hdf5::Dataset,
    n: u64,
    direct: Option<Direct>,
    /// The file's size and modification time when opened: a build over a file that another
    /// program is still writing or replacing would mix two states of it.
    stamp: (u64, Option<std::time::SystemTime>),
}

fn stamp(path: &Path) -> Result<(u64, Option<std::time::SystemTime>), PrepError> {
    let m = std::fs::metadata(path).map_err(|e| PrepError::io(path, e))?;
    Ok((m.len(), m.modified().ok()))
}

/// Where a contiguous dataset's raw values live in the file.
struct Direct {
    file: std::fs::File,
    offset: u64,
    /// Bytes per value: 8 (float64) or 4 (float32).
    width: u64,
    /// Values are big-endian.
    swap: bool,
}

/// Where a contiguous dataset of `n` filters of `width`-byte values stored at `offset` ends, if
/// a file of `have` bytes holds it. The header's numbers are the file's word, not a promise: a
/// forged one must not overflow the sum nor send reads past the end.
pub fn direct_extent(offset: u64, n: u64, width: u64, have: u64) -> Result<u64, String> {
    let end = n
        .checked_mul(9)
        .and_then(|v| v.checked_mul(width))
        .and_then(|v| v.checked_add(offset));
    match end {
        Some(end) if end <= have => Ok(end),
        Some(end) => Err(format!(
            "the file is truncated: the dataset ends at byte {end}, the file at {have}"
        )),
        None => Err(format!(
            "the header places {n} filters of {width}-byte values at byte {offset}: beyond any file"
        )),
    }
}

impl Direct {
    fn probe(
        path: &Path,
        ds: &hdf5::Dataset,
        n: u64,
        width: u64,
    ) -> Result<Option<Self>, PrepError> {
        if ds.is_chunked() || !ds.filters().is_empty() || n == 0 {
            return Ok(None);
        }
        let Some(offset) = ds.offset() else {
            return Ok(None);
        };
        let swap = match ds.dtype().map(|t| t.byte_order()) {
            Ok(hdf5::datatype::ByteOrder::LittleEndian) => cfg!(target_endian = "big"),
            Ok(hdf5::datatype::ByteOrder::BigEndian) => cfg!(target_endian = "little"),
            _ => return Ok(None),
        };
        let file = std::fs::File::open(path).map_err(|e| PrepError::io(path, e))?;
        let have = file.metadata().map_err(|e| PrepError::io(path, e))?.len();
        direct_extent(offset, n, width, have)
            .map_err(|e| PrepError::invalid(path, "/filters", e))?;
        Ok(Some(Self {
            file,
            offset,
            width,
            swap,
        }))
    }
}

impl H5Filters {
    /// Opens `path` and checks that `filters` is a float dataset of shape (N, 3, 3).
    pub fn open(path: &Path) -> Result<Self, PrepError> {
        if !path.is_file() {
            return Err(PrepError::io(path, "no such file"));
        }
        let file = hdf5::File::open(path)
            .map_err(|e| PrepError::io(path, format!("not a readable HDF5 file ({e})")))?;
        let ds = file
            .dataset("filters")
            .map_err(|_| PrepError::invalid(path, "/filters", "no dataset named \"filters\""))?;
        let shape = ds.shape();
        if shape.len() != 3 || shape[1] != 3 || shape[2] != 3 {
            return Err(PrepError::invalid(
                path,
                "/filters",
                format!("shape {shape:?} is not (N, 3, 3)"),
            ));
        }
        let dtype = ds.dtype().and_then(|t| t.to_descriptor()).map_err(|e| {
            PrepError::invalid(path, "/filters", format!("unreadable data type ({e})"))
        })?;
        let width = match dtype {
            TypeDescriptor::Float(FloatSize::U8) => 8,
            TypeDescriptor::Float(FloatSize::U4) => 4,
            other => {
                return Err(PrepError::invalid(
                    path,
                    "/filters",
                    format!("data type {other} is not float64 or float32"),
                ));
            }
        };
        let n = shape[0] as u64;
        Ok(Self {
            stamp: stamp(path)?,
            path: path.to_path_buf(),
            direct: Direct::probe(path, &ds, n, width)?,
            n,
            file,
            ds,
        })
    }

    /// Number of filters.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// Whether the file holds no filters.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The meta table stored inside the file as CSV bytes (the v0.1.0 layout), if there is one.
    /// `Ok(None)` when there is no `meta` dataset or it is not a byte array (v1.0.0 stores a pandas
    /// table that only pandas reads).
    pub fn meta_csv(&self) -> Result<Option<Vec<u8>>, PrepError> {
        let Ok(ds) = self.file.dataset("meta") else {
            return Ok(None);
        };
        match ds.dtype().and_then(|t| t.to_descriptor()) {
            Ok(TypeDescriptor::Unsigned(_)) | Ok(TypeDescriptor::Integer(_))
                if ds.ndim() == 1 && ds.dtype().map(|t| t.size()).unwrap_or(0) == 1 =>
            {
                let bytes: Vec<u8> = ds.read_raw::<u8>().map_err(|e| {
                    PrepError::invalid(&self.path, "/meta", format!("unreadable ({e})"))
                })?;
                Ok(Some(bytes))
            }
            _ => Ok(None),
        }
    }

    /// Reads filters `start..start + count`, as f64, into `buf`, resized to `count` (what it
    /// already holds is overwritten, not zero-filled first: the buffer is recycled per batch).
    pub fn read_into(
        &self,
        start: u64,
        count: u64,
        buf: &mut Vec<Filter>,
    ) -> Result<(), PrepError> {
        let (a, b) = (start, start + count);
        let failed = |e: &dyn std::fmt::Display| {
            PrepError::invalid(
                &self.path,
                format!("/filters[{a}..{b}]"),
                format!("read failed ({e})"),
            )
        };
        let now = stamp(&self.path)?;
        if now != self.stamp {
            let what = if now.0 != self.stamp.0 {
                format!("its size went from {} to {} bytes", self.stamp.0, now.0)
            } else {
                "it was modified".to_string()
            };
            return Err(PrepError::invalid(
                &self.path,
                format!("/filters[{a}..{b}]"),
                format!("the file changed during the build ({what}); nothing was written"),
            ));
        }
        let Some(d) = &self.direct else {
            buf.clear();
            let arr = self
                .ds
                .read_slice::<f64, _, ndarray::Ix3>(ndarray::s![a as usize..b as usize, .., ..])
                .map_err(|e| failed(&e))?;
            let (flat, _) = arr.into_raw_vec_and_offset();
            buf.extend(
                flat.chunks_exact(9)
                    .map(|c| -> Filter { c.try_into().expect("9 weights") }),
            );
            return Ok(());
        };
        buf.resize(count as usize, [0.0; 9]);
        let dst = buf.as_mut_slice();
        let at = d.offset + start * 9 * d.width;
        if d.width == 8 {
            d.file
                .read_exact_at(bytemuck::cast_slice_mut(dst), at)
                .map_err(|e| failed(&e))?;
            if d.swap {
                for v in dst.as_flattened_mut() {
                    *v = f64::from_bits(v.to_bits().swap_bytes());
                }
            }
        } else {
            let mut raw = vec![0f32; dst.len() * 9];
            d.file
                .read_exact_at(bytemuck::cast_slice_mut(&mut raw), at)
                .map_err(|e| failed(&e))?;
            for (v, r) in dst.as_flattened_mut().iter_mut().zip(raw) {
                let r = if d.swap {
                    f32::from_bits(r.to_bits().swap_bytes())
                } else {
                    r
                };
                *v = f64::from(r);
            }
        }
        Ok(())
    }

    /// Reads filters `start..start + count` (converted to f64 if stored as float32).
    pub fn read(&self, start: u64, count: u64) -> Result<Vec<Filter>, PrepError> {
        let mut buf = Vec::with_capacity(count as usize);
        self.read_into(start, count, &mut buf)?;
        Ok(buf)
    }
}

/// Writes a DB file in the official layout: `filters` (N, 3, 3) as float64, contiguous (h5py's
/// default), or as float32 in chunks of 65,536 filters, so tests cover both the direct and the
/// library read path; optionally the meta CSV as a uint8 `meta` dataset (the v0.1.0 layout).
#[cfg(any(test, feature = "test-util"))]
pub fn write_db(
    path: &Path,
    filters: &[Filter],
    float32: bool,
    meta_csv: Option<&str>,
) -> Result<(), PrepError> {
    let io = |e: hdf5::Error| PrepError::io(path, e);
    let file = hdf5::File::create(path).map_err(io)?;
    let n = filters.len();
    let flat: Vec<f64> = filters.iter().flatten().copied().collect();
    let chunk = n.clamp(1, 65_536);
    if float32 {
        let arr =
            ndarray::Array3::from_shape_vec((n, 3, 3), flat.iter().map(|&v| v as f32).collect())
                .expect("shape");
        let b = file.new_dataset_builder();
        let b = if n > 0 { b.chunk((chunk, 3, 3)) } else { b };
        b.with_data(&arr).create("filters").map_err(io)?;
    } else {
        let arr = ndarray::Array3::from_shape_vec((n, 3, 3), flat).expect("shape");
        file.new_dataset_builder()
            .with_data(&arr)
            .create("filters")
            .map_err(io)?;
    }
    if let Some(m) = meta_csv {
        let bytes = ndarray::Array1::from_vec(m.as_bytes().to_vec());
        file.new_dataset_builder()
            .with_data(&bytes)
            .create("meta")
            .map_err(io)?;
    }
    file.close().map_err(io)
}

/// The DB file with its meta, as a [`FilterSource`](crate::build::FilterSource).
pub struct H5Source {
    filters: H5Filters,
    first_filter: Vec<u64>,
    sizes: Vec<u64>,
    layer_ids: Vec<i64>,
}

/// Opens the DB and its meta (from `meta`, or from the file's own CSV `meta` dataset) and plans
/// the build.
pub fn plan(h5: &Path, meta: Option<&Path>) -> Result<(crate::build::Plan, H5Source), PrepError> {
    let filters = H5Filters::open(h5)?;
    let (meta_path, text) = match meta {
        Some(m) => (m.to_path_buf(), std::fs::read(m).map_err(|e| PrepError::io(m, e))?),
        None => match filters.meta_csv()? {
            Some(t) => (PathBuf::from(format!("{}:/meta", h5.display())), t),
            None => {
                return Err(PrepError::invalid(
                    h5,
                    "/meta",
                    format!(
                        "no --meta given and the file holds no CSV meta dataset (v1.0.0 stores a pandas table). Export it with\n  {}\nand pass --meta meta.csv",
                        crate::source::meta::PANDAS_EXPORT
                    ),
                ))
            }
        },
    };
    let m = crate::source::meta::parse_meta(&meta_path, &text, filters.len())?;
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let source = match meta {
        Some(mp) => format!("{} + {}", name(h5), name(mp)),
        None => name(h5),
    };
    let plan = crate::build::Plan {
        source,
        models: m.models,
        model_columns: m.model_columns,
        layer_columns: m.layer_columns,
        layers: m.layers,
        label_rules: Vec::new(),
        corrections: Vec::new(),
    };
    let src = H5Source {
        sizes: plan.layers.iter().map(|l| l.n_filters).collect(),
        layer_ids: plan.layers.iter().map(|l| l.layer_id).collect(),
        first_filter: m.first_filter,
        filters,
    };
    Ok((plan, src))
}

impl crate::build::FilterSource for H5Source {
    fn read_layers(
        &self,
        range: std::ops::Range<usize>,
        buf: &mut Vec<Filter>,
    ) -> Result<(), PrepError> {
        if range.is_empty() {
            buf.clear();
            return Ok(());
        }
        // Layers tile the file in order, so a batch is one contiguous slab.
        let start = self.first_filter[range.start];
        let count: u64 = self.sizes[range].iter().sum();
        self.filters.read_into(start, count, buf)
    }

    fn locate(&self, layer: usize, index: usize) -> (PathBuf, String) {
        (
            self.filters.path().to_path_buf(),
            format!(
                "filter {} (layer_id {})",
                self.first_filter[layer] + index as u64,
                self.layer_ids[layer]
            ),
        )
    }
}
