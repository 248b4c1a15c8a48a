//! `filterscope._native.Site`: an opened site and the queries over it, each answering with the
//! JSON `data-prep` prints for the same query.

use filterscope_open::OpenError;
use filterscope_site::{
    Method, Order, Resampling, SiteData, Weight, Where, YoursReport, YoursSketch, MAX_MODELS,
};
use pyo3::prelude::*;

use crate::arrays::Model;
use crate::errors;

/// Site data, opened and checked against its manifest.
#[pyclass(frozen, module = "filterscope._native")]
pub struct Site {
    data: SiteData,
}

/// Opens site data: a folder, a `data-prep pack` archive (path or URL) or a deployed site's URL.
#[pyfunction]
#[pyo3(signature = (src, sha256=None))]
pub fn open(py: Python<'_>, src: String, sha256: Option<String>) -> PyResult<Site> {
    let data = py
        .allow_threads(|| filterscope_open::open(&src, sha256.as_deref()))
        .map_err(errors::site_data)?;
    Ok(Site { data })
}

fn json(v: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| errors::Error::new_err(e.to_string()))
}

fn filters(items: &[String]) -> PyResult<Vec<Where>> {
    items
        .iter()
        .map(|f| f.parse::<Where>().map_err(errors::query))
        .collect()
}

/// One model measured: its report and sketch.
type Measured = (YoursReport, YoursSketch);

impl Site {
    fn measure(&self, m: &Model) -> Result<Measured, OpenError> {
        match m {
            Model::File(path) => filterscope_open::measure(&self.data, path),
            Model::Arrays(name, tensors) => {
                let (tensors, data) = crate::arrays::tensors(tensors);
                filterscope_open::measure_arrays(&self.data, name, tensors, &data)
            }
        }
    }
}

#[pymethods]
impl Site {
    /// The manifest's model-level and layer-level column names, in order.
    fn columns(&self) -> (Vec<String>, Vec<String>) {
        let m = self.data.manifest();
        (m.model_columns.clone(), m.layer_columns.clone())
    }

    /// The manifest, as JSON.
    fn manifest_json(&self) -> PyResult<String> {
        json(self.data.manifest())
    }

    /// `data-prep stats --json`.
    fn stats_json(&self) -> PyResult<String> {
        json(&self.data.stats())
    }

    /// `data-prep models --json`.
    fn models_json(&self) -> PyResult<String> {
        json(&self.data.model_lines())
    }

    /// `data-prep layers --json [--where ...]`.
    fn layers_json(&self, py: Python<'_>, r#where: Vec<String>) -> PyResult<String> {
        let w = filters(&r#where)?;
        let lines = py
            .allow_threads(|| self.data.layer_lines(&w))
            .map_err(errors::query)?;
        json(&lines)
    }

    /// `data-prep compare --json` with the same options.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (by, r#where, weight, order, min_models, ci, seed))]
    fn compare_json(
        &self,
        py: Python<'_>,
        by: String,
        r#where: Vec<String>,
        weight: &str,
        order: Option<&str>,
        min_models: u64,
        ci: Option<u32>,
        seed: u64,
    ) -> PyResult<String> {
        let w = filters(&r#where)?;
        let weight: Weight = weight.parse().map_err(errors::argument)?;
        let order = match order {
            Some(o) => o.parse::<Order>().map_err(errors::argument)?,
            None => Order::default_for(&by),
        };
        let method = Method {
            weight,
            min_models,
            resampling: ci.map(|replicates| Resampling { replicates, seed }),
        };
        let c = py
            .allow_threads(|| self.data.compare_with(&by, &w, &method))
            .map_err(errors::query)?;
        json(&c.json(order))
    }

    /// `data-prep yours MODEL... --json`: one model's report, or for several the batch (with
    /// the refused ones under "errors"); and, given `page`, the link that opens the same view
    /// there and what it leaves out.
    #[pyo3(signature = (models, page=None))]
    fn yours_json(
        &self,
        py: Python<'_>,
        models: Vec<Model>,
        page: Option<String>,
    ) -> PyResult<(String, Option<String>, Vec<String>)> {
        if models.is_empty() || models.len() > MAX_MODELS {
            return Err(errors::argument(format!(
                "{} models; from 1 to {MAX_MODELS} at once",
                models.len()
            )));
        }
        let (text, sketches) = if let [one] = &models[..] {
            let (r, s) = py
                .allow_threads(|| self.measure(one))
                .map_err(errors::model)?;
            (json(&r)?, vec![s])
        } else {
            let b = py
                .allow_threads(|| {
                    filterscope_open::batch(
                        &self.data,
                        models.len(),
                        &|k| models[k].label(),
                        &mut |k| self.measure(&models[k]),
                    )
                })
                .map_err(errors::model)?;
            (json(&b)?, b.sketches)
        };
        let (link, left_out) = match page {
            None => (None, vec![]),
            Some(page) => {
                let page = page.split('#').next().unwrap_or_default().to_string();
                let (url, left) =
                    YoursSketch::link_to_sketches(&page, &sketches).ok_or_else(|| {
                        errors::argument(format!("{page}: too long for a link of 8 KB"))
                    })?;
                (Some(url), left)
            }
        };
        Ok((text, link, left_out))
    }
}
