//! What a query's words mean in the data: a column name ([`Key`]), a filter ([`Where`],
//! [`Conditions`]), a row's value of a column, and the smallest table that answers a grouping
//! ([`Source`]); and the values a column takes.

use std::collections::{BTreeMap, BTreeSet};

use filterscope_stats::DEPTH_LABELS;
use serde::{Deserialize, Serialize};

use crate::format::tables::LayerRow;
use crate::{Part, SiteData, SiteError};

/// A `COLUMN=VALUE` condition (`COLUMN:VALUE` is read the same way: the URL writes that form, the
/// command line the first; both are accepted everywhere). Conditions on the same column are
/// alternatives (OR); conditions on different columns must all hold (AND).
///
/// ```
/// use filterscope_site::Where;
/// let a: Where = "Visual Category=natural".parse().unwrap();
/// let b: Where = "Visual Category:natural".parse().unwrap();
/// assert_eq!(a, b);
/// // Only the first separator counts: values may hold either character.
/// let t: Where = "Name:resnet=50".parse().unwrap();
/// assert_eq!((t.column.as_str(), t.value.as_str()), ("Name", "resnet=50"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Where {
    /// Column name (a meta column, `model` or `depth`).
    pub column: String,
    /// The value, compared as text.
    pub value: String,
}

impl std::str::FromStr for Where {
    type Err = SiteError;
    fn from_str(s: &str) -> Result<Self, SiteError> {
        // Column names never hold '=' or ':', so the first of either ends the column.
        let (c, v) = s
            .find(['=', ':'])
            .map(|i| (&s[..i], &s[i + 1..]))
            .ok_or_else(|| SiteError::Query(format!("filter {s:?} is not COLUMN=VALUE")))?;
        if c.is_empty() {
            return Err(SiteError::Query(format!("filter {s:?} names no column")));
        }
        Ok(Where {
            column: c.to_string(),
            value: v.to_string(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    Model,
    Depth,
    ModelColumn(usize),
    LayerColumn(usize),
    ConvDepth,
    InChannels,
    OutChannels,
    LayerId,
}

impl Key {
    pub(crate) fn model_level(self) -> bool {
        matches!(self, Key::Model | Key::Depth | Key::ModelColumn(_))
    }

    /// A layer's value of a layer-level key, as text (None for a model-level key): the one
    /// place a layer's group label or filter value is written, for the per-layer path and the
    /// per-value files alike.
    pub(crate) fn of_layer(self, l: &LayerRow) -> Option<String> {
        Some(match self {
            Key::LayerColumn(i) => l.values[i].clone(),
            Key::ConvDepth => l.conv_depth.to_string(),
            Key::InChannels => l.in_channels.to_string(),
            Key::OutChannels => l.out_channels.to_string(),
            Key::LayerId => l.layer_id.to_string(),
            Key::Model | Key::Depth | Key::ModelColumn(_) => return None,
        })
    }
}

/// The layer-level columns a site writes per-value sketches for, with their keys, in the order
/// of the manifest's `values`: every one but `layer_id` (one value per layer: the per-layer
/// sketches are its per-value sketches).
pub(crate) fn valued_columns(layer_columns: &[String]) -> Vec<(String, Key)> {
    let mut v: Vec<(String, Key)> = [
        ("conv_depth", Key::ConvDepth),
        ("in_channels", Key::InChannels),
        ("out_channels", Key::OutChannels),
    ]
    .map(|(c, k)| (c.to_string(), k))
    .into();
    v.extend(
        layer_columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), Key::LayerColumn(i))),
    );
    v
}

/// Filter conditions: OR within a column, AND across columns.
pub(crate) struct Conditions(pub(crate) Vec<(Key, String)>);

impl Conditions {
    pub(crate) fn pass(&self, value: &dyn Fn(Key) -> String) -> bool {
        let mut by_col: BTreeMap<Key, bool> = BTreeMap::new();
        for (k, want) in &self.0 {
            *by_col.entry(*k).or_insert(false) |= value(*k) == *want;
        }
        by_col.values().all(|&ok| ok)
    }

    /// Whether every condition is on a model-level column (so rollups can answer).
    pub(crate) fn model_level(&self) -> bool {
        self.0.iter().all(|(k, _)| k.model_level())
    }

    /// The values the conditions on `key` ask for (empty: none is on it).
    pub(crate) fn values_of(&self, key: Key) -> std::collections::BTreeSet<&str> {
        self.0
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// `by` and every key a condition is on.
    pub(crate) fn keys_with(&self, by: Key) -> std::collections::BTreeSet<Key> {
        std::iter::once(by)
            .chain(self.0.iter().map(|(k, _)| *k))
            .collect()
    }
}

impl SiteData {
    /// Columns a comparison can group or filter by.
    pub fn columns(&self) -> Vec<String> {
        let mut c = vec!["model".to_string(), "depth".to_string()];
        c.extend(self.manifest.model_columns.iter().cloned());
        c.extend(self.manifest.layer_columns.iter().cloned());
        c.extend(["conv_depth", "in_channels", "out_channels", "layer_id"].map(String::from));
        c
    }

    pub(crate) fn key(&self, column: &str) -> Result<Key, SiteError> {
        if let Some(i) = self.manifest.model_columns.iter().position(|c| c == column) {
            return Ok(Key::ModelColumn(i));
        }
        if let Some(i) = self.manifest.layer_columns.iter().position(|c| c == column) {
            return Ok(Key::LayerColumn(i));
        }
        Ok(match column {
            "model" => Key::Model,
            "depth" => Key::Depth,
            "conv_depth" => Key::ConvDepth,
            "in_channels" => Key::InChannels,
            "out_channels" => Key::OutChannels,
            "layer_id" => Key::LayerId,
            _ => {
                return Err(SiteError::Query(format!(
                    "no column {column:?}; columns: {}",
                    self.columns().join(", ")
                )))
            }
        })
    }

    pub(crate) fn conditions(&self, filters: &[Where]) -> Result<Conditions, SiteError> {
        Ok(Conditions(
            filters
                .iter()
                .map(|w| Ok((self.key(&w.column)?, w.value.clone())))
                .collect::<Result<_, SiteError>>()?,
        ))
    }

    pub(crate) fn value(
        &self,
        key: Key,
        model: u32,
        bucket: usize,
        layer: Option<&LayerRow>,
    ) -> String {
        let m = &self.models[model as usize];
        match key {
            Key::Model => m.name.clone(),
            Key::Depth => DEPTH_LABELS[bucket].to_string(),
            Key::ModelColumn(i) => m.values[i].clone(),
            _ => key
                .of_layer(layer.expect("layer-level keys are only read with a layer"))
                .expect("a layer-level key"),
        }
    }

    /// The parts [`SiteData::column_values`] reads for `column`.
    pub fn values_needs(&self, column: &str) -> Result<Vec<Part>, SiteError> {
        Ok(match self.key(column)? {
            Key::Model | Key::ModelColumn(_) => vec![],
            Key::Depth => vec![Part::Depths],
            _ => vec![Part::Layers],
        })
    }

    /// The distinct values of a column among the layers, sorted as `compare` sorts groups (from
    /// the tables: [`SiteData::values_needs`] says which).
    pub fn column_values(&self, column: &str) -> Result<Vec<String>, SiteError> {
        self.require(&self.values_needs(column)?)?;
        let key = self.key(column)?;
        let set: BTreeSet<String> = match key {
            Key::Depth => {
                return Ok(self
                    .depths
                    .iter()
                    .filter(|r| r.sketch.n() > 0)
                    .map(|r| DEPTH_LABELS[r.bucket as usize].to_string())
                    .collect())
            }
            Key::Model | Key::ModelColumn(_) => (0..self.models.len() as u32)
                .filter(|&m| self.totals[m as usize].n_filters > 0)
                .map(|m| self.value(key, m, 0, None))
                .collect(),
            _ => self
                .layers
                .iter()
                .filter(|l| l.n_filters > 0)
                .map(|l| self.value(key, l.model, 0, Some(l)))
                .collect(),
        };
        Ok(set.into_iter().filter(|v| !v.is_empty()).collect())
    }
}
