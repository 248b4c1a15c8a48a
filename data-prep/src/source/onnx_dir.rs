//! A folder of ONNX models plus a models CSV (one row per model file with its meta), as a filter
//! source: each model's 3x3 conv layers, with depths as the reference extractor defines them.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use filterscope_onnx::{read_model_owned, ExternalData, ModelConvs};
use filterscope_site::{LayerRow, ModelRow};
use filterscope_stats::Filter;

use crate::pipeline::{FilterSource, Plan};
use crate::PrepError;

/// Reads external data files that lie beside the model (never outside its folder).
pub struct FolderData {
    dir: PathBuf,
}

impl ExternalData for FolderData {
    fn read(&self, location: &str, offset: u64, length: Option<u64>) -> Result<Vec<u8>, String> {
        use std::io::{Read, Seek, SeekFrom};
        let rel = Path::new(location);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err("the location must be a plain path inside the model's folder".into());
        }
        let path = self.dir.join(rel);
        let mut f = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let size = f.metadata().map_err(|e| e.to_string())?.len();
        let len = length.unwrap_or(size.saturating_sub(offset));
        if offset.checked_add(len).is_none_or(|end| end > size) {
            return Err(format!(
                "{}: bytes {offset}..{} lie past its end ({size} bytes)",
                path.display(),
                offset.saturating_add(len)
            ));
        }
        f.seek(SeekFrom::Start(offset)).map_err(|e| e.to_string())?;
        let mut buf = vec![0; len as usize];
        f.read_exact(&mut buf).map_err(|e| e.to_string())?;
        Ok(buf)
    }
}

/// Reads one model file's conv layers.
pub fn read_model_file(path: &Path) -> Result<ModelConvs, PrepError> {
    let bytes = std::fs::read(path).map_err(|e| PrepError::io(path, e))?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    read_model_owned(bytes, &FolderData { dir })
        .map_err(|e| PrepError::invalid(path, "model", e.to_string()))
}

/// Reads one model file a conv layer at a time ([`filterscope_onnx::read_model_each`]).
pub fn each_layer_of_file(
    path: &Path,
    each: &mut dyn FnMut(filterscope_onnx::ConvLayer),
) -> Result<(), PrepError> {
    let bytes = std::fs::read(path).map_err(|e| PrepError::io(path, e))?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    filterscope_onnx::read_model_each(bytes, &FolderData { dir }, each)
        .map_err(|e| PrepError::invalid(path, "model", e.to_string()))
}

/// The folder as a filter source. Keeps the last model read, since batches often continue in it.
pub struct OnnxSource {
    files: Vec<PathBuf>,
    /// For each layer: its model and its index among that model's 3x3 layers.
    place: Vec<(usize, usize)>,
    names: Vec<String>,
    cache: Mutex<Option<(usize, ModelConvs)>>,
}

/// Columns of models.csv that are not meta: the file itself.
const FILE_COLUMN: &str = "file";

/// Reads models.csv and every model's structure, and plans the build.
pub fn plan(dir: &Path, models_csv: &Path) -> Result<(Plan, OnnxSource), PrepError> {
    if !dir.is_dir() {
        return Err(PrepError::io(dir, "no such folder"));
    }
    let text = std::fs::read(models_csv).map_err(|e| PrepError::io(models_csv, e))?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_slice());
    let headers = rdr
        .headers()
        .map_err(|e| PrepError::invalid(models_csv, "line 1", e.to_string()))?
        .clone();
    let c_file = headers
        .iter()
        .position(|h| h == FILE_COLUMN)
        .ok_or_else(|| {
            PrepError::invalid(
                models_csv,
                "line 1",
                format!(
                    "no {FILE_COLUMN:?} column (the model file, relative to {})",
                    dir.display()
                ),
            )
        })?;
    let c_model = headers.iter().position(|h| h == "model");
    let model_columns: Vec<String> = headers
        .iter()
        .filter(|h| *h != FILE_COLUMN && *h != "model" && !h.is_empty())
        .map(String::from)
        .collect();
    let meta_idx: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| *h != FILE_COLUMN && *h != "model" && !h.is_empty())
        .map(|(i, _)| i)
        .collect();

    let mut models = Vec::new();
    let mut layers = Vec::new();
    let mut files = Vec::new();
    let mut place = Vec::new();
    let mut names = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = k as u64 + 2;
        let at = format!("line {line}");
        let rec = rec.map_err(|e| PrepError::invalid(models_csv, &at, e.to_string()))?;
        let file = rec.get(c_file).unwrap_or("").trim();
        if file.is_empty() {
            return Err(PrepError::invalid(
                models_csv,
                &at,
                "the row names no model file",
            ));
        }
        let path = dir.join(file);
        if !path.is_file() {
            return Err(PrepError::invalid(
                models_csv,
                &at,
                format!("model file {} does not exist", path.display()),
            ));
        }
        let stem = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = c_model
            .and_then(|c| rec.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .unwrap_or(stem);
        if let Some(first) = seen.insert(name.clone(), line) {
            return Err(PrepError::invalid(
                models_csv,
                &at,
                format!("model {name:?} is listed twice (first on line {first})"),
            ));
        }
        let convs = read_model_file(&path)?;
        let n3: Vec<_> = convs.layers.iter().filter(|l| l.is_3x3()).collect();
        if n3.is_empty() {
            return Err(PrepError::invalid(
                &path,
                "model",
                format!(
                    "has no 3x3 Conv layer ({} convs of other sizes)",
                    convs.layers.len()
                ),
            ));
        }
        if !convs.unreached.is_empty() {
            eprintln!("warning: {}: conv node(s) {:?} are fed only by constants and have no depth; left out", path.display(), convs.unreached);
        }
        let m = models.len() as u32;
        for (j, l) in n3.iter().enumerate() {
            layers.push(LayerRow {
                layer_id: layers.len() as i64,
                model: m,
                conv_depth: l.conv_depth as i64,
                conv_depth_norm: l.conv_depth_norm,
                in_channels: l.in_channels as i64,
                out_channels: l.out_channels as i64,
                n_filters: (l.in_channels * l.out_channels) as u64,
                values: vec![l.name.clone()],
            });
            place.push((files.len(), j));
            names.push(l.name.clone());
        }
        models.push(ModelRow {
            name,
            values: meta_idx
                .iter()
                .map(|&c| rec.get(c).unwrap_or("").trim().to_string())
                .collect(),
        });
        files.push(path);
    }
    if models.is_empty() {
        return Err(PrepError::invalid(
            models_csv,
            "line 2",
            "no models listed: the DB is empty",
        ));
    }
    let plan = Plan {
        source: format!(
            "{} ONNX models listed in {}",
            models.len(),
            models_csv
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
        models,
        model_columns,
        layers,
        layer_columns: vec!["layer_name".into()],
        label_rules: Vec::new(),
    };
    Ok((
        plan,
        OnnxSource {
            files,
            place,
            names,
            cache: Mutex::new(None),
        },
    ))
}

impl FilterSource for OnnxSource {
    fn read_layers(
        &self,
        range: std::ops::Range<usize>,
        buf: &mut Vec<Filter>,
    ) -> Result<(), PrepError> {
        let mut cache = self.cache.lock().expect("cache lock");
        buf.clear();
        for i in range {
            let (m, j) = self.place[i];
            if cache.as_ref().is_none_or(|(k, _)| *k != m) {
                *cache = Some((m, read_model_file(&self.files[m])?));
            }
            let convs = &cache.as_ref().expect("just filled").1;
            let layer = convs
                .layers
                .iter()
                .filter(|l| l.is_3x3())
                .nth(j)
                .expect("planned from the same file");
            buf.extend(layer.filters());
        }
        Ok(())
    }

    fn locate(&self, layer: usize, index: usize) -> (PathBuf, String) {
        let (m, _) = self.place[layer];
        (
            self.files[m].clone(),
            format!("Conv node {:?}, filter {index}", self.names[layer]),
        )
    }
}
