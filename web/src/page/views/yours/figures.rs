//! The Your model view's figures, from the report of a visitor's model and the site's layer
//! quality by depth bucket.

use filterscope_site::{QualityBy, QualityGroup, Ranked, YoursReport};
use filterscope_stats::{depth_bucket, DEPTH_LABELS};
use filterscope_web::protocol::YoursAnswer;

use crate::page::plot::{BoxPoint, Plot};

/// Models in the nearest-models figure (its table and CSV hold the same; the CLI lists all).
const NEAREST_SHOWN: usize = 20;

/// Bars of ranked names (those with a D).
pub fn bars(title: String, ranked: &[Ranked]) -> Plot {
    let shown: Vec<&Ranked> = ranked.iter().filter(|r| r.d.is_some()).collect();
    Plot::Bars {
        title,
        labels: shown.iter().map(|r| r.name.clone()).collect(),
        values: shown.iter().map(|r| r.d.unwrap_or(f64::NAN)).collect(),
        y_label: "D".into(),
        extra: vec![],
    }
}

/// The model's layers in graph order.
pub fn layers(r: &YoursReport) -> Plot {
    Plot::Lines {
        title: format!("Layers of {}: quality in graph order", r.model),
        x_label: "3x3 layer".into(),
        y_label: "value".into(),
        x: (0..r.layers.len()).map(|k| k as f64).collect(),
        series: vec![
            (
                "sparsity".into(),
                r.layers.iter().map(|l| l.sparsity).collect(),
            ),
            (
                "H / TH".into(),
                r.layers.iter().map(|l| l.variance_entropy_ratio).collect(),
            ),
            (
                "orthogonality".into(),
                r.layers
                    .iter()
                    .map(|l| l.orthogonality.unwrap_or(f64::NAN))
                    .collect(),
            ),
        ],
        marks: r.layers.iter().map(|l| l.degenerated).collect(),
    }
}

/// The model in one sentence: its size, degenerated layers, coefficients outside the site's
/// range and nearest model.
pub fn summary(r: &YoursReport) -> String {
    format!(
        "{}: {} filters in {} 3x3 layers, {} degenerated; {:.4}% of its coefficients outside the site's range (counted in the end bins). Nearest model: {} (D = {:.4}).",
        r.model,
        r.n_filters,
        r.n_layers,
        r.layers.iter().filter(|l| l.degenerated).count(),
        100.0 * r.outside_range,
        r.nearest.first().map(|n| n.name.as_str()).unwrap_or("-"),
        r.nearest.first().and_then(|n| n.d).unwrap_or(f64::NAN),
    )
}

/// What a link that opened the view left out, when it left something out.
pub fn opened_without(r: &YoursReport) -> Option<String> {
    (!r.left_out.is_empty()).then(|| {
        format!(
            "Opened from a link that leaves out the model's {}: what needs them is not shown.",
            r.left_out.join(" and ")
        )
    })
}

/// D to the nearest site models.
pub fn nearest(r: &YoursReport) -> Plot {
    let n = NEAREST_SHOWN.min(r.nearest.len());
    bars(
        format!("D to the site's models: the nearest {n}"),
        &r.nearest[..n],
    )
}

/// D per depth bucket.
pub fn depth(r: &YoursReport) -> Plot {
    bars(
        "D per depth bucket: its filters there against the site's there".into(),
        &r.depth_buckets,
    )
}

/// One of the quality measures, as the page names it and where a layer report and a site's
/// group keep it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Sparsity,
    EntropyRatio,
    Orthogonality,
}

impl Measure {
    pub const ALL: [Measure; 3] = [
        Measure::Sparsity,
        Measure::EntropyRatio,
        Measure::Orthogonality,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Measure::Sparsity => "sparsity",
            Measure::EntropyRatio => "H / TH",
            Measure::Orthogonality => "orthogonality",
        }
    }

    /// The site's values of a group.
    pub fn of_group(self, g: &QualityGroup) -> &[f64] {
        match self {
            Measure::Sparsity => &g.sparsity,
            Measure::EntropyRatio => &g.entropy_ratio,
            Measure::Orthogonality => &g.orthogonality,
        }
    }

    /// The model's value of its layer `k` (NaN where undefined).
    pub fn of_layer(self, r: &YoursReport, k: usize) -> f64 {
        let l = &r.layers[k];
        match self {
            Measure::Sparsity => l.sparsity,
            Measure::EntropyRatio => l.variance_entropy_ratio,
            Measure::Orthogonality => l.orthogonality.unwrap_or(f64::NAN),
        }
    }
}

/// The model's layers as points: in `group(k)`'s column, labelled by the model and layer.
pub fn layer_points(r: &YoursReport, m: Measure, group: impl Fn(usize) -> usize) -> Vec<BoxPoint> {
    (0..r.layers.len())
        .map(|k| BoxPoint {
            group: group(k),
            value: m.of_layer(r, k),
            label: format!("{} layer {k}", r.model),
            flagged: r.layers[k].degenerated,
        })
        .collect()
}

/// A quality measure of the model's layers (points) over the site's layers (boxes): those of
/// the same depth bucket (`by_depth`), or all of them.
pub fn behind(r: &YoursReport, site: &QualityBy, m: Measure, by_depth: bool) -> Plot {
    let name = m.name();
    if by_depth {
        // Every bucket, in order, empty where the site has no layers there.
        let groups = DEPTH_LABELS
            .iter()
            .map(|l| {
                let g = site.groups.iter().find(|g| g.label == *l);
                (
                    l.to_string(),
                    g.map(|g| m.of_group(g).to_vec()).unwrap_or_default(),
                )
            })
            .collect();
        Plot::Boxes {
            title: format!("Layer {name}: yours (dots) and the site's (boxes)"),
            label: format!("{name}, by depth bucket"),
            groups,
            points: layer_points(r, m, |k| depth_bucket(r.depth[k]).unwrap_or(0)),
        }
    } else {
        let all: Vec<f64> = site
            .groups
            .iter()
            .flat_map(|g| m.of_group(g).iter().copied())
            .collect();
        Plot::Boxes {
            title: format!("Layer {name}: yours (dots) and the site's (box)"),
            label: format!("{name}, all depths"),
            groups: vec![("the site's layers".into(), all)],
            points: layer_points(r, m, |_| 0),
        }
    }
}

/// The model's distribution of component `c` against the site's (or a group's: its name and
/// shares), over the site's bins, as the worker computed them.
pub fn distributions(a: &YoursAnswer, c: usize, group: Option<(&str, Vec<f64>)>) -> Plot {
    let of = |k: usize| a.shares[k].get(c).cloned().unwrap_or_default();
    let (name, against) = match group {
        Some((name, shares)) => (name.to_string(), shares),
        None => ("the site".to_string(), of(1)),
    };
    Plot::Lines {
        title: format!("Distribution of coefficient c{c}"),
        x_label: format!("c{c}"),
        y_label: "share of filters".into(),
        x: a.x.clone(),
        series: vec![(a.report.model.clone(), of(0)), (name, against)],
        marks: vec![],
    }
}
