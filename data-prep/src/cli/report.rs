//! Readable tables of the query results (the `--json` forms are the serde serializations).

use filterscope_site::{Comparison, LayerReport, ModelLine, StatsReport, Weight, SMALL_GROUP};

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:>width$}", width = w[i]))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(header);
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

/// `stats` as text.
pub fn stats(s: &StatsReport) -> String {
    let mut out = format!(
        "filters {}  layers {}  models {}\ncoefficient range [{:.6}, {:.6}]\n\n",
        s.n_filters, s.n_layers, s.n_models, s.coef_range[0], s.coef_range[1]
    );
    let header: Vec<String> = ["component", "evr", "cumulative"]
        .iter()
        .map(|s| s.to_string())
        .chain((0..9).map(|i| format!("w{i}")))
        .collect();
    let mut cum = 0.0;
    let rows: Vec<Vec<String>> = (0..9)
        .map(|i| {
            cum += s.explained_variance_ratio[i];
            let mut r = vec![
                format!("c{i}"),
                format!("{:.6}", s.explained_variance_ratio[i]),
                format!("{cum:.6}"),
            ];
            r.extend(s.components[i].iter().map(|v| format!("{v:+.4}")));
            r
        })
        .collect();
    out.push_str(&table(&header, &rows));
    out.push_str(&format!(
        "\nmean {}\n",
        s.pca_mean
            .iter()
            .map(|v| format!("{v:+.6}"))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    out
}

/// `compare` as text: the D matrix with group sizes.
/// Rows and columns follow `order` (group indices, as [`Comparison::order`] gives them).
pub fn compare(c: &Comparison, order: &[usize]) -> String {
    let mut header = vec![format!("D by {}", c.by)];
    header.extend((0..order.len()).map(|k| format!("[{k}]")));
    let name = |i: usize| {
        let small = if c.by != "model" && c.n_models[i] < SMALL_GROUP {
            "*"
        } else {
            ""
        };
        let models = if c.n_models[i] == 1 {
            "model"
        } else {
            "models"
        };
        format!(
            "{} ({} {models}, {} filters){small}",
            c.groups[i], c.n_models[i], c.n_filters[i]
        )
    };
    let rows: Vec<Vec<String>> = order
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let mut r = vec![format!("[{k}] {}", name(i))];
            r.extend(order.iter().map(|&j| format!("{:.6}", c.d[i][j])));
            r
        })
        .collect();
    let mut out = format!("weight: {} (", c.weight);
    out.push_str(match c.weight {
        Weight::Filters => "every filter counts once)\n",
        Weight::Models => "every model counts the same in its group)\n",
    });
    out.push_str(&table(&header, &rows));
    if c.by != "model" && c.n_models.iter().any(|&n| n < SMALL_GROUP) {
        out.push_str(&format!("* fewer than {SMALL_GROUP} models\n"));
    }
    if let (Some(ci), Some(floor)) = (&c.ci, &c.floor) {
        out.push_str(&format!(
            "\n95% bootstrap intervals ({} replicates, seed {}) and noise floors:\n",
            ci.replicates, ci.seed
        ));
        let header: Vec<String> = [
            "A",
            "B",
            "D",
            "2.5%",
            "97.5%",
            "floor A",
            "floor B",
            "beyond floors",
        ]
        .map(String::from)
        .to_vec();
        let f = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.6}"));
        let mut rows = vec![];
        for (a, &i) in order.iter().enumerate() {
            for (b, &j) in order.iter().enumerate().skip(a + 1) {
                rows.push(vec![
                    format!("[{a}]"),
                    format!("[{b}]"),
                    format!("{:.6}", c.d[i][j]),
                    format!("{:.6}", ci.low[i][j]),
                    format!("{:.6}", ci.high[i][j]),
                    f(floor[i]),
                    f(floor[j]),
                    match c.within_noise(i, j) {
                        None => "-",
                        Some(true) => "no",
                        Some(false) => "yes",
                    }
                    .to_string(),
                ]);
            }
        }
        out.push_str(&table(&header, &rows));
    }
    out
}

/// `layers` as text.
/// `data-prep models`: one row per model, its meta columns then its counts.
pub fn models(columns: &[String], ms: &[ModelLine]) -> String {
    let mut header = vec!["model".to_string()];
    header.extend(columns.iter().cloned());
    header.extend(["layers".to_string(), "filters".to_string()]);
    let rows: Vec<Vec<String>> = ms
        .iter()
        .map(|m| {
            let mut r = vec![m.name.clone()];
            r.extend(columns.iter().map(|c| m.columns[c].clone()));
            r.extend([m.n_layers.to_string(), m.n_filters.to_string()]);
            r
        })
        .collect();
    table(&header, &rows)
}

pub fn layers(ls: &[LayerReport]) -> String {
    let header: Vec<String> = [
        "layer_id",
        "model",
        "n",
        "sparsity",
        "H",
        "H/TH",
        "degenerated",
        "orthogonality",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows: Vec<Vec<String>> = ls
        .iter()
        .map(|l| {
            vec![
                l.layer_id.to_string(),
                l.model.clone(),
                l.n.to_string(),
                format!("{:.4}", l.sparsity),
                format!("{:.4}", l.variance_entropy),
                format!("{:.4}", l.variance_entropy_ratio),
                if l.degenerated { "yes" } else { "no" }.to_string(),
                l.orthogonality.map_or("-".into(), |o| format!("{o:.4}")),
            ]
        })
        .collect();
    table(&header, &rows)
}

/// `yours` as text: the summary, the ten nearest models, each column's groups and the depth
/// buckets.
pub fn yours(r: &filterscope_site::YoursReport) -> String {
    let d = |v: Option<f64>| v.map_or("-".to_string(), |d| format!("{d:.6}"));
    let mut out = format!(
        "{}: {} filters in {} 3x3 layers, {:.4}% of coefficients outside the site's range\n\nnearest models:\n",
        r.model,
        r.n_filters,
        r.n_layers,
        100.0 * r.outside_range
    );
    for n in r.nearest.iter().take(10) {
        out.push_str(&format!("  {:<40} {}\n", n.name, d(n.d)));
    }
    for (col, groups) in &r.by {
        out.push_str(&format!("\nby {col}:\n"));
        for g in groups {
            out.push_str(&format!("  {:<40} {}\n", g.name, d(g.d)));
        }
    }
    out.push_str("\nby depth bucket (its filters there against the site's there):\n");
    for b in &r.depth_buckets {
        out.push_str(&format!("  {:<40} {}\n", b.name, d(b.d)));
    }
    out.push('\n');
    out.push_str(&layers(&r.layers));
    if let Some(f) = &r.file {
        out.push_str(&file(f));
    }
    out
}

/// What a model file held: its format, the tensors taken (in depth order) and those skipped.
fn file(f: &filterscope_site::FileReport) -> String {
    let mut out = format!("\nread as {}", f.format);
    if let Some(k) = &f.key {
        out.push_str(&format!(", the state_dict under {k:?}"));
    }
    out.push_str(&format!("; depth order: {}\ntaken:\n", f.order));
    for t in &f.taken {
        let note = if t.filters {
            ""
        } else {
            "  (depth only: not 3x3)"
        };
        out.push_str(&format!(
            "  {:<40} {:?} {}{note}\n",
            t.name, t.shape, t.layout
        ));
    }
    if !f.skipped.is_empty() {
        out.push_str("skipped:\n");
        for s in &f.skipped {
            out.push_str(&format!("  {:<40} {:?} {}\n", s.name, s.shape, s.why));
        }
    }
    out
}

/// D between several models, and the series they make in the order given.
pub fn between(b: &filterscope_site::Between) -> String {
    let d = |v: Option<f64>| v.map_or("-".to_string(), |d| format!("{d:.6}"));
    let mut out = String::from("D between the models:\n");
    out.push_str(&format!("{:<24}", ""));
    for k in 0..b.models.len() {
        out.push_str(&format!(" {:>10}", k + 1));
    }
    out.push('\n');
    for (i, row) in b.d.iter().enumerate() {
        out.push_str(&format!("{:<24}", format!("{} {}", i + 1, b.models[i])));
        for x in row {
            out.push_str(&format!(" {x:>10.6}"));
        }
        out.push('\n');
    }
    out.push_str("\nas a series, in the order given:\n");
    out.push_str(&format!(
        "  {:<40} {:>12} {:>12}\n",
        "model", "to first", "to previous"
    ));
    for s in &b.series {
        out.push_str(&format!(
            "  {:<40} {:>12} {:>12}\n",
            s.model,
            d(Some(s.to_first)),
            d(s.to_previous)
        ));
    }
    out
}
