//! The pair view's figures, each a memo over the worker's answers: D per component, the
//! coefficient distributions, each group's eigen-filters, sampled filters, c0/c1 density and
//! layer scatter.

use filterscope_web::protocol::{Eigen, Failure, PairAnswer, PairSamplesAnswer};
use leptos::prelude::*;

use crate::page::plot::{FilterScale, Plot, Points};

/// The pair's answer (or why there is none).
pub type Data = Memo<Option<Result<PairAnswer, Failure>>>;
/// The groups' samples and layers, once they came.
pub type Extra = Memo<Option<PairSamplesAnswer>>;
/// Each group's own PCA (when its filters define it), once it came.
pub type OwnPca = Memo<Option<[Option<Eigen>; 2]>>;

/// D between the groups, component by component.
pub fn per_component(data: Data) -> Memo<Option<Plot>> {
    Memo::new(move |_| {
        data.with(|d| match d {
            Some(Ok(p)) => Some(Plot::Bars {
                title: format!(
                    "D per component (D = {:.4})",
                    p.d_per_component.iter().sum::<f64>()
                ),
                labels: (0..9).map(|i| format!("c{i}")).collect(),
                values: p.d_per_component.to_vec(),
                y_label: "evr-weighted symmetric KL".into(),
                extra: vec![],
            }),
            _ => None,
        })
    })
}

/// Component `i`'s distribution in each group.
pub fn distribution(data: Data, i: usize) -> Memo<Option<Plot>> {
    Memo::new(move |_| {
        data.with(|d| match d {
            Some(Ok(p)) => Some(Plot::Lines {
                title: format!("c{i} (evr {:.1}%)", 100.0 * p.evr[i]),
                x_label: "coefficient".into(),
                y_label: "share".into(),
                x: p.x.clone(),
                series: (0..2)
                    .map(|g| (p.labels[g].clone(), p.shares[g][i].clone()))
                    .collect(),
                marks: vec![],
            }),
            _ => None,
        })
    })
}

/// Group `g`'s own principal components (`own`: both groups', once they are in).
pub fn eigen(data: Data, own: OwnPca, g: usize) -> Memo<Option<Plot>> {
    Memo::new(move |_| {
        let e = own.with(|o| o.as_ref().and_then(|o| o[g].clone()));
        data.with(|d| match d {
            Some(Ok(p)) => e.as_ref().map(|e| Plot::Filters {
                title: format!("Eigen-filters of {} (its own PCA)", p.labels[g]),
                captions: e
                    .evr
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("c{i} {:.1}%", 100.0 * v))
                    .collect(),
                filters: e.components.clone(),
                cols: 9,
                scale: FilterScale::Unit,
            }),
            _ => None,
        })
    })
}

/// Sampled filters of group `g`.
pub fn samples(data: Data, extra: Extra, g: usize) -> Memo<Option<Plot>> {
    Memo::new(move |_| {
        extra.with(|x| {
            let x = x.as_ref()?;
            data.with(|d| match d {
                Some(Ok(p)) if !x.grid[g].is_empty() => Some(Plot::Filters {
                    title: format!("Sampled filters of {}", p.labels[g]),
                    captions: vec![String::new(); x.grid[g].len()],
                    filters: x.grid[g].clone(),
                    cols: 24,
                    scale: FilterScale::PerFilter,
                }),
                _ => None,
            })
        })
    })
}

/// The c0/c1 density of group `g`'s lite samples.
pub fn density(data: Data, extra: Extra, g: usize) -> Memo<Option<Plot>> {
    Memo::new(move |_| {
        extra.with(|x| {
            let x = x.as_ref()?;
            data.with(|d| match d {
                Some(Ok(p)) if x.density[g].0 > 0 => {
                    let (n, counts) = x.density[g].clone();
                    Some(Plot::Density {
                        title: format!("c0/c1 density of {} ({n} sampled filters)", p.labels[g]),
                        x_label: "c0".into(),
                        y_label: "c1".into(),
                        range: p.range,
                        counts,
                    })
                }
                _ => None,
            })
        })
    })
}

/// Both groups' layers: sparsity against variance entropy.
pub fn scatter(data: Data, extra: Extra) -> Memo<Option<Plot>> {
    Memo::new(move |_| {
        extra.with(|x| {
            let x = x.as_ref()?;
            data.with(|d| match d {
                Some(Ok(p)) if x.scatter.iter().any(|s| !s.is_empty()) => {
                    let series: Vec<(String, Points)> = (0..2)
                        .map(|g| (p.labels[g].clone(), x.scatter[g].clone()))
                        .collect();
                    Some(Plot::Scatter {
                        title: "Layers: sparsity vs variance entropy (x = degenerated)".into(),
                        x_label: "sparsity".into(),
                        y_label: "variance entropy".into(),
                        series,
                    })
                }
                _ => None,
            })
        })
    })
}
