//! A folder of ONNX models plus a models CSV (one row per model file with its meta), as a filter
//! source: each model's 3x3 conv layers, with depths as the reference extractor defines them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use filterscope_onnx::{read_model_owned, ModelConvs};
use filterscope_open::FolderData;
use filterscope_site::{LayerRow, ModelRow};
use filterscope_stats::Filter;

use crate::build::{FilterSource, Plan};
use crate::PrepError;

/// Reads one model file's conv layers.
pub fn read_model_file(path: &Path) -> Result<ModelConvs, PrepError> {
    let bytes = std::fs::read(path).map_err(|e| PrepError::io(path, e))?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    read_model_owned(bytes, &FolderData::in_folder(&dir))
        .map_err(|e| PrepError::invalid(path, "model", e.to_string()))
}

/// Reads one model file a conv layer at a time ([`filterscope_onnx::read_model_each`]).
pub fn each_layer_of_file(
    path: &Path,
    each: &mut dyn FnMut(filterscope_onnx::ConvLayer),
) -> Result<(), PrepError> {
    let bytes = std::fs::read(path).map_err(|e| PrepError::io(path, e))?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    filterscope_onnx::read_model_each(bytes, &FolderData::in_folder(&dir), each)
        .map(|_| ())
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

/// Where models.csv keeps what: the file column, the optional model-name column, and the meta
/// columns (every other named one).
struct Columns {
    file: usize,
    model: Option<usize>,
    meta: Vec<usize>,
    meta_names: Vec<String>,
}

fn columns(
    headers: &csv::StringRecord,
    dir: &Path,
    models_csv: &Path,
) -> Result<Columns, PrepError> {
    let file = headers
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
    let is_meta = |h: &str| h != FILE_COLUMN && h != "model" && !h.is_empty();
    Ok(Columns {
        file,
        model: headers.iter().position(|h| h == "model"),
        meta: (0..headers.len())
            .filter(|&i| is_meta(&headers[i]))
            .collect(),
        meta_names: headers
            .iter()
            .filter(|h| is_meta(h))
            .map(String::from)
            .collect(),
    })
}

/// The model a row of models.csv lists: its name (the `model` column, else the file's stem) and
/// file, which must exist; a name listed twice is refused.
fn listed(
    (dir, models_csv): (&Path, &Path),
    c: &Columns,
    (rec, line): (&csv::StringRecord, u64),
    seen: &mut HashMap<String, u64>,
) -> Result<(String, PathBuf), PrepError> {
    let at = format!("line {line}");
    let file = rec.get(c.file).unwrap_or("").trim();
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
    let name = c
        .model
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
    Ok((name, path))
}

/// The 3x3 conv layers of the model at `path` (at least one, or an error).
fn layers_3x3(path: &Path) -> Result<Vec<filterscope_onnx::ConvLayer>, PrepError> {
    let convs = read_model_file(path)?;
    let n_convs = convs.layers.len();
    let n3: Vec<_> = convs.layers.into_iter().filter(|l| l.is_3x3()).collect();
    if n3.is_empty() {
        return Err(PrepError::invalid(
            path,
            "model",
            format!("has no 3x3 Conv layer ({n_convs} convs of other sizes)"),
        ));
    }
    if !convs.unreached.is_empty() {
        eprintln!(
            "warning: {}: conv node(s) {:?} are fed only by constants and have no depth; left out",
            path.display(),
            convs.unreached
        );
    }
    Ok(n3)
}

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
    let c = columns(&headers, dir, models_csv)?;
    let (mut models, mut layers, mut files, mut place, mut names) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = k as u64 + 2;
        let rec =
            rec.map_err(|e| PrepError::invalid(models_csv, format!("line {line}"), e.to_string()))?;
        let (name, path) = listed((dir, models_csv), &c, (&rec, line), &mut seen)?;
        let m = models.len() as u32;
        for (j, l) in layers_3x3(&path)?.iter().enumerate() {
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
        let values = c
            .meta
            .iter()
            .map(|&i| rec.get(i).unwrap_or("").trim().to_string());
        models.push(ModelRow {
            name,
            values: values.collect(),
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
    let listing = models_csv
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let plan = Plan {
        source: format!("{} ONNX models listed in {listing}", models.len()),
        models,
        model_columns: c.meta_names,
        layers,
        layer_columns: vec!["layer_name".into()],
        label_rules: Vec::new(),
        corrections: Vec::new(),
    };
    let source = OnnxSource {
        files,
        place,
        names,
        cache: Mutex::new(None),
    };
    Ok((plan, source))
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
