//! The per-value files of layer-level and model-level columns: which groupings read them (and
//! only the chunks of the values filtered on), and that they give exactly what the per-layer
//! sketches give, D, counts, intervals and all.

mod common;

use common::content;
use filterscope_site::testing::streamed;
use filterscope_site::{encode_site, Method, Part, Resampling, SiteData, Weight, Where};

type Files = Vec<(String, Vec<u8>)>;

fn get<'a>(files: &'a Files, name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

fn load(files: &Files) -> SiteData {
    let json = std::str::from_utf8(get(files, "manifest.json")).unwrap();
    let mut s = SiteData::new(json, get(files, &SiteData::entry_of(json, Part::Models))).unwrap();
    for p in s.all_parts() {
        let f = s.entry(p).unwrap().file.clone();
        s.add_bytes(p, get(files, &f)).unwrap();
    }
    s
}

fn w(c: &str, v: &str) -> Where {
    Where {
        column: c.into(),
        value: v.into(),
    }
}

/// Where `column`'s values are in the manifest's `values`.
fn k(s: &SiteData, column: &str) -> usize {
    s.manifest()
        .values
        .iter()
        .position(|f| f.column == column)
        .unwrap()
}

/// The chunk of layer-level `column`'s per-(value, bucket) sums holding `value`, as a part.
fn depth_chunk(s: &SiteData, column: &str, value: &str) -> Part {
    let k = k(s, column);
    let chunks = &s.manifest().values[k].depth_chunks;
    let j = chunks
        .iter()
        .position(|c| c.values.iter().any(|v| v == value));
    Part::ValueDepthChunk(k, j.unwrap())
}

/// Where the sums of layer-level `column` among the models of `among`'s `value` are, as parts.
fn among(s: &SiteData, column: &str, among: &str, value: &str) -> (Part, Part) {
    let k = k(s, column);
    let e = s.manifest().values[k]
        .among
        .iter()
        .position(|a| a.column == among && a.value == value)
        .unwrap();
    (Part::AmongTotals(k, e), Part::AmongShares(k, e))
}

#[test]
fn every_column_but_layer_id_has_value_files() {
    let s = load(&encode_site(&content(), 7).unwrap());
    let columns: Vec<&str> = s
        .manifest()
        .values
        .iter()
        .map(|f| f.column.as_str())
        .collect();
    // The layer-level columns, then the model-level ones (totals only: a model holds one value).
    let mut want = vec!["conv_depth", "in_channels", "out_channels", "layer_name"];
    want.extend(s.manifest().model_columns.iter().map(String::as_str));
    assert_eq!(columns, want);
    for f in &s.manifest().values[4..] {
        assert!(f.cells.is_empty(), "{}", f.column);
    }
    // Each value is listed once, in one chunk.
    for f in &s.manifest().values {
        let listed: Vec<&String> = f.cells.iter().flat_map(|c| &c.values).collect();
        assert!(listed.windows(2).all(|p| p[0] < p[1]), "{}", f.column);
    }
}

#[test]
fn layer_level_groupings_read_the_value_files_and_agree_with_every_layer() {
    let s = load(&encode_site(&content(), 7).unwrap());
    let models = Method {
        weight: Weight::Models,
        ..Default::default()
    };
    let ci = Method {
        resampling: Some(Resampling {
            replicates: 30,
            seed: 7,
        }),
        ..Default::default()
    };
    let plain = Method::default();
    let cd = k(&s, "conv_depth");
    // The chunk listing conv_depth 0.
    let zero = s.manifest().values[cd]
        .cells
        .iter()
        .position(|c| c.values.contains(&"0".to_string()))
        .unwrap();
    let task_depth = Part::ValueDepths(k(&s, "Task"));
    let (b0, b9) = (
        filterscope_stats::DEPTH_LABELS[0],
        filterscope_stats::DEPTH_LABELS[9],
    );
    let cases: Vec<(&str, Vec<Where>, &Method, Vec<Part>)> = vec![
        ("conv_depth", vec![], &plain, vec![Part::ValueTotals(cd)]),
        (
            "out_channels",
            vec![w("out_channels", "27"), w("out_channels", "48")],
            &plain,
            vec![Part::ValueTotals(k(&s, "out_channels"))],
        ),
        (
            "layer_name",
            vec![],
            &plain,
            vec![Part::ValueTotals(k(&s, "layer_name"))],
        ),
        // A model-level column alone, or filtered by its own values: its totals.
        (
            "Task",
            vec![],
            &plain,
            vec![Part::ValueTotals(k(&s, "Task"))],
        ),
        (
            "Visual Category",
            vec![
                w("Visual Category", "natural"),
                w("Visual Category", "faces"),
            ],
            &plain,
            vec![Part::ValueTotals(k(&s, "Visual Category"))],
        ),
        // Filtered by another model-level column, or weighed by model: each model's counts.
        (
            "Task",
            vec![w("Visual Category", "natural")],
            &plain,
            vec![Part::ModelCounts],
        ),
        ("Task", vec![], &models, vec![Part::ModelCounts]),
        ("Task", vec![], &ci, vec![Part::ModelCounts]),
        // Crossed with depth: its per-(value, bucket) sums; a group of two buckets' rows counts
        // its models from their buckets (a model in both is one). Resampled: the per-(model,
        // bucket) rows.
        ("Task", vec![w("depth", b0)], &plain, vec![task_depth]),
        (
            "depth",
            vec![w("Task", "Classification"), w("Task", "Segmentation")],
            &plain,
            vec![task_depth],
        ),
        (
            "Task",
            vec![w("depth", b0), w("depth", b9)],
            &plain,
            vec![task_depth, Part::ModelBuckets],
        ),
        (
            "Task",
            vec![w("depth", b0), w("depth", b9), w("Task", "Segmentation")],
            &plain,
            vec![task_depth, Part::ModelBuckets],
        ),
        (
            "depth",
            vec![w("Task", "Segmentation")],
            &ci,
            vec![Part::Rollups],
        ),
        // A model-level grouping filtered by one value: that value's chunk only.
        (
            "Task",
            vec![w("conv_depth", "0")],
            &plain,
            vec![Part::ValueCells(cd, zero)],
        ),
        (
            "model",
            vec![w("conv_depth", "0"), w("Visual Category", "natural")],
            &ci,
            vec![Part::ValueCells(cd, zero)],
        ),
        // Weighed by model: its values' sums of model shares; resampled, its cells.
        ("conv_depth", vec![], &models, vec![Part::ValueShares(cd)]),
        (
            "conv_depth",
            vec![w("conv_depth", "0")],
            &models,
            vec![Part::ValueShares(cd)],
        ),
        (
            "conv_depth",
            vec![w("conv_depth", "0")],
            &ci,
            vec![Part::ValueCells(cd, zero)],
        ),
        // Among one model-level value's models: the column's sums among them, filtered or
        // not by its own values, weighed by filters or by models; with two such values, or
        // resampled, its cells.
        (
            "conv_depth",
            vec![w("Task", "Segmentation")],
            &plain,
            vec![among(&s, "conv_depth", "Task", "Segmentation").0],
        ),
        (
            "conv_depth",
            vec![w("conv_depth", "1"), w("Task", "Segmentation")],
            &plain,
            vec![among(&s, "conv_depth", "Task", "Segmentation").0],
        ),
        (
            "layer_name",
            vec![w("Visual Category", "natural")],
            &models,
            vec![among(&s, "layer_name", "Visual Category", "natural").1],
        ),
        (
            "conv_depth",
            vec![w("Task", "Segmentation"), w("Task", "Classification")],
            &plain,
            vec![],
        ),
        ("conv_depth", vec![w("Task", "Segmentation")], &ci, vec![]),
        (
            "conv_depth",
            vec![w("Task", "Segmentation"), w("Visual Category", "natural")],
            &plain,
            vec![],
        ),
        ("in_channels", vec![], &ci, vec![]),
        // Two layer-level columns, or depth with one: the per-layer sketches.
        (
            "layer_name",
            vec![w("conv_depth", "1")],
            &plain,
            vec![Part::Layers],
        ),
        // Crossed with depth, each group one (value, bucket) row: the column's per-(value,
        // bucket) sums; a group of two such rows (a model may have layers in both), or resampled
        // by model: every layer.
        (
            "depth",
            vec![w("conv_depth", "1")],
            &plain,
            vec![depth_chunk(&s, "conv_depth", "1")],
        ),
        (
            "in_channels",
            vec![w("depth", b0)],
            &plain,
            vec![Part::BucketValues(k(&s, "in_channels"), 0)],
        ),
        (
            "conv_depth",
            vec![w("depth", b0), w("depth", b9), w("conv_depth", "0")],
            &plain,
            vec![Part::Layers],
        ),
        (
            "depth",
            vec![w("conv_depth", "1"), w("conv_depth", "2")],
            &plain,
            vec![Part::Layers],
        ),
        // Weighed by models: each row's sum of its models' shares, that bucket's file of them.
        (
            "in_channels",
            vec![w("depth", b0)],
            &models,
            vec![Part::BucketShares(k(&s, "in_channels"), 0)],
        ),
        ("in_channels", vec![w("depth", b0)], &ci, vec![Part::Layers]),
    ];
    for (by, filters, method, part) in cases {
        let needs = s.compare_needs_with(by, &filters, method).unwrap();
        if !part.is_empty() {
            assert_eq!(needs[..part.len()], part[..], "{by} {filters:?}");
        }
        let fast = s.compare_with(by, &filters, method).unwrap();
        // The per-layer path, as the worker streams it.
        let every_layer = streamed(&s, by, &filters, method);
        let slow = s
            .compare_groups(by, &every_layer, method, &mut |_, _| {})
            .unwrap();
        assert!(!slow.groups.is_empty(), "{by} {filters:?}");
        assert_eq!(fast, slow, "{by} {filters:?}: bit-identical");
    }
}

/// A pair's own PCA reads its groups' moments from the per-value totals. Floating-point sums
/// depend on their order, so these are checked bit for bit against the paths they replace: a
/// layer-level column's groups streamed from every per-layer sketch, a model-level column's
/// merged from the per-model tables.
#[test]
fn a_pairs_moments_come_from_the_totals_bit_for_bit() {
    // in_channels alternating with depth: a value with several layers in each model, whose sums
    // (per model, then over models) would round differently from the per-layer path's.
    let mut c = content();
    for l in &mut c.layers {
        l.in_channels = 1 + l.conv_depth % 2;
    }
    // And three models a Task (two add up alike in either order).
    for (m, row) in c.models.iter_mut().enumerate() {
        row.values[0] = ["Classification", "Segmentation"][m % 2].into();
    }
    let s = load(&encode_site(&c, 7).unwrap());
    for (by, filters) in [
        ("in_channels", vec![]),
        ("in_channels", vec![w("in_channels", "1")]),
        ("in_channels", vec![w("Task", "Segmentation")]),
        (
            "in_channels",
            vec![w("depth", filterscope_stats::DEPTH_LABELS[0])],
        ),
        ("depth", vec![w("in_channels", "2")]),
        ("conv_depth", vec![]),
        (
            "out_channels",
            vec![w("out_channels", "27"), w("out_channels", "48")],
        ),
    ] {
        let needs = s.group_needs(by, &filters, true).unwrap();
        let crossed = |c: &str| filters.iter().any(|f| f.column == c);
        let want = match (crossed("Task"), crossed("depth"), by) {
            (true, _, _) => among(&s, by, "Task", "Segmentation").0,
            (_, true, _) => Part::BucketValues(k(&s, by), 0),
            (_, _, "depth") => depth_chunk(&s, "in_channels", "2"),
            _ => Part::ValueTotals(k(&s, by)),
        };
        assert_eq!(needs, [want], "{by}");
        assert!(!s.needs_layers(by, &filters, None).unwrap(), "{by}");
        let fast = s.group_sketches(by, &filters).unwrap();
        let slow = streamed(&s, by, &filters, &Method::default());
        assert!(!fast.is_empty(), "{by}");
        assert!(
            fast.iter().all(|g| g.sketch.scaled.sum != [0.0; 9]),
            "{by}: moments read"
        );
        assert_eq!(fast, slow, "{by} {filters:?}: bit for bit");
    }
    // Task from its totals, and from the per-model tables (a filter on another column that
    // every model passes sends it there).
    let every = vec![
        w("Visual Category", "faces"),
        w("Visual Category", "natural"),
    ];
    assert_eq!(
        s.group_needs("Task", &[], true).unwrap(),
        [Part::ValueTotals(k(&s, "Task"))]
    );
    assert_eq!(
        s.group_needs("Task", &every, true).unwrap(),
        [Part::ModelCounts, Part::ModelMoments]
    );
    let fast = s.group_sketches("Task", &[]).unwrap();
    assert!(fast.iter().all(|g| g.sketch.scaled.sum != [0.0; 9]));
    assert_eq!(fast, s.group_sketches("Task", &every).unwrap());
    // Among one conv_depth value's layers: one row of conv_depth's sums among each Task's
    // models (tests/among_rows.rs), moments to the bit; two values need every layer's.
    let one = [w("conv_depth", "1")];
    let needs = s.group_needs("Task", &one, true).unwrap();
    assert!(
        needs.iter().all(|p| matches!(p, Part::AmongTotals(0, _))),
        "{needs:?}"
    );
    assert!(!s.needs_layers("Task", &one, None).unwrap());
    let fast = s.group_sketches("Task", &one).unwrap();
    assert_eq!(fast, streamed(&s, "Task", &one, &Method::default()));
    let two = [w("conv_depth", "1"), w("conv_depth", "2")];
    let needs = s.group_needs("Task", &two, true).unwrap();
    assert_eq!(needs[0], Part::Layers);
    assert!(s.needs_layers("Task", &two, None).unwrap());
}

/// Weighed by models, a grouping by a layer-level column alone reads each value's sum of its
/// models' shares, by depth each bucket's. Those sums depend on the order the models are added
/// in, so D is checked bit for bit against the per-layer path, on groups of six models and two
/// or three layers each.
#[test]
fn weighed_by_models_a_layer_level_column_reads_its_shares_bit_for_bit() {
    let mut c = content();
    for l in &mut c.layers {
        l.in_channels = 1 + l.conv_depth % 2;
    }
    // Five models of one Task: sums of few, small shares come out the same in any order.
    for (m, row) in c.models.iter_mut().enumerate() {
        row.values[0] = if m == 0 {
            "Classification"
        } else {
            "Segmentation"
        }
        .into();
    }
    let s = load(&encode_site(&c, 7).unwrap());
    let models = Method {
        weight: Weight::Models,
        ..Default::default()
    };
    // Layers at depths 0, 0.25, 0.5, 0.75 and 1: buckets 0, 2, 4, 7 and 9.
    let (b2, b7) = (
        filterscope_stats::DEPTH_LABELS[2],
        filterscope_stats::DEPTH_LABELS[7],
    );
    let seg = w("Task", "Segmentation");
    let task_depth = Part::ValueDepthShares(k(&s, "Task"));
    for (by, filters, part) in [
        (
            "in_channels",
            vec![],
            Part::ValueShares(k(&s, "in_channels")),
        ),
        ("conv_depth", vec![], Part::ValueShares(k(&s, "conv_depth"))),
        (
            "conv_depth",
            vec![w("conv_depth", "1"), w("conv_depth", "3")],
            Part::ValueShares(k(&s, "conv_depth")),
        ),
        ("depth", vec![], Part::DepthShares),
        (
            "depth",
            vec![w("depth", b2), w("depth", b7)],
            Part::DepthShares,
        ),
        // Crossed with a model-level column, a group one (value, bucket): its sum of shares.
        ("depth", vec![seg.clone()], task_depth),
        (
            "depth",
            vec![seg.clone(), w("depth", b2), w("depth", b7)],
            task_depth,
        ),
        ("Task", vec![w("depth", b7)], task_depth),
        // Among one Task's models (five: their shares' sums depend on the order).
        (
            "conv_depth",
            vec![seg.clone()],
            among(&s, "conv_depth", "Task", "Segmentation").1,
        ),
        (
            "in_channels",
            vec![seg.clone()],
            among(&s, "in_channels", "Task", "Segmentation").1,
        ),
    ] {
        let needs = s.compare_needs_with(by, &filters, &models).unwrap();
        assert_eq!(needs, [part], "{by} {filters:?}");
        assert!(!s.needs_layers(by, &filters, Some(&models)).unwrap());
        let groups = s.group_sketches_for(by, &filters, &models).unwrap();
        assert!(
            groups
                .iter()
                .all(|g| g.members.is_empty() && g.model_shares.is_some()),
            "{by}: read from the shares"
        );
        let fast = s
            .compare_groups(by, &groups, &models, &mut |_, _| {})
            .unwrap();
        let every_layer = streamed(&s, by, &filters, &models);
        let slow = s
            .compare_groups(by, &every_layer, &models, &mut |_, _| {})
            .unwrap();
        assert!(slow.groups.len() >= 2, "{by}");
        assert_eq!(fast, slow, "{by} {filters:?}: bit for bit");
    }
    // Resampled, or filtered by another column: each model's part, not the sums.
    let ci = Method {
        resampling: Some(Resampling {
            replicates: 20,
            seed: 1,
        }),
        ..models
    };
    let cd = Part::ValueShares(k(&s, "conv_depth"));
    assert!(!s
        .compare_needs_with("conv_depth", &[], &ci)
        .unwrap()
        .contains(&cd));
    let task = [w("Task", "Segmentation")];
    let seg_shares = among(&s, "conv_depth", "Task", "Segmentation").1;
    for (filters, method) in [
        (&task[..], &ci),
        (&[seg.clone(), w("Task", "Classification")][..], &models),
    ] {
        let needs = s.compare_needs_with("conv_depth", filters, method).unwrap();
        assert!(
            !needs.contains(&cd) && !needs.contains(&seg_shares),
            "{filters:?}"
        );
    }
    // A group of two (value, bucket) rows: their sums added in another order than its members.
    let two = [seg.clone(), w("Task", "Classification")];
    let depth = s.compare_needs_with("depth", &two, &models).unwrap();
    assert_eq!(depth, [Part::Rollups]);
    let among_two = [w("depth", b2), w("depth", b7)];
    let depth = s.compare_needs_with("Task", &among_two, &models).unwrap();
    assert_eq!(depth, [Part::Rollups]);
    let depth = s.compare_needs_with("depth", &task, &ci).unwrap();
    assert_eq!(depth, [Part::Rollups]);
    let depth = s.compare_needs_with("depth", &[], &ci).unwrap();
    assert_eq!(depth, [Part::Rollups]);
}

#[test]
fn value_files_that_do_not_fit_the_manifest_are_refused() {
    let files = encode_site(&content(), 7).unwrap();
    let json = std::str::from_utf8(get(&files, "manifest.json")).unwrap();
    // Values listed out of order (so a filter could miss a chunk).
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    let cells = v["values"][0]["cells"].as_array_mut().unwrap();
    let last = cells.len() - 1;
    cells[last]["values"] = serde_json::json!(["0"]);
    let e = filterscope_site::Manifest::parse(&v.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("listed after") && e.contains("conv_depth"),
        "{e}"
    );
    // A chunk holding rows of a value the manifest lists elsewhere.
    let s = load(&files);
    let chunks = &s.manifest().values[0].cells;
    assert!(chunks.len() > 1, "the test site has several chunks");
    let other = get(&files, &chunks[1].entry.file);
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    // The whole entry (a deflated file's inflated size too), keeping the values listed.
    let listed = &mut v["values"][0]["cells"][0];
    listed.as_object_mut().unwrap().remove("inflated");
    for (key, x) in serde_json::to_value(&chunks[1].entry)
        .unwrap()
        .as_object()
        .unwrap()
    {
        listed[key] = x.clone();
    }
    let swapped = v.to_string();
    let models = get(&files, &SiteData::entry_of(json, Part::Models));
    let mut wrong = SiteData::new(&swapped, models).unwrap();
    let e = wrong
        .add_bytes(Part::ValueCells(0, 0), other)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&chunks[1].entry.file) && e.contains("does not list here"),
        "{e}"
    );
}

/// Ranking a visitor's model reads the per-model counts it needs anyway, not a column's
/// per-value sums (which would be a fetch after the visitor chose a file), with the same D.
#[test]
fn a_visitors_model_is_ranked_from_what_it_says_it_needs() {
    use filterscope_site::testing::{add, opened};
    use filterscope_site::ForeignLayer;
    let (mut s, files) = opened(&content());
    let needs = s.yours_needs();
    add(&mut s, &files, &needs);
    let layer = ForeignLayer {
        name: "conv".into(),
        conv_depth_norm: 0.5,
        out_channels: 4,
        filters: (0..40)
            .map(|i| std::array::from_fn(|k| ((i * 9 + k) as f64 * 0.37).sin()))
            .collect(),
    };
    let mut m = s.measuring("mine.onnx");
    m.add(&layer);
    let sketch = m.finish().unwrap();
    let report = s.rank(&sketch).unwrap();
    assert!(s.missing(&[Part::ValueTotals(k(&s, "Task"))]).len() == 1);
    // Against every part loaded, where a grouping by Task reads its totals.
    let all = load(&encode_site(&content(), 7).unwrap());
    assert_eq!(all.rank(&sketch).unwrap(), report);
    assert_eq!(report.by["Task"].len(), 3);
}

/// A grouping that would stream every per-layer sketch (resampled by models, or weighed by
/// models among a model-level column's models) streams its column's cells instead where they
/// are fewer bytes, each chunk merged and dropped: the same groups but their moments (which a
/// comparison does not read), each model's part included, and so the same D and intervals to the
/// bit; chunks a view keeps decoded give the same.
#[test]
fn streamed_cells_give_the_per_layer_groups_bit_for_bit() {
    let mut c = content();
    // Values with two or three layers in each model.
    for l in &mut c.layers {
        l.in_channels = 1 + l.conv_depth % 2;
    }
    for (m, row) in c.models.iter_mut().enumerate() {
        row.values[0] = ["Classification", "Segmentation"][m % 2].into();
    }
    let files = encode_site(&c, 7).unwrap();
    let s = load(&files);
    let ci = Method {
        resampling: Some(Resampling {
            replicates: 40,
            seed: 11,
        }),
        ..Default::default()
    };
    let models = Method {
        weight: Weight::Models,
        ..Default::default()
    };
    let task = vec![w("Task", "Segmentation")];
    let two_tasks = vec![w("Task", "Segmentation"), w("Task", "Classification")];
    // Whether each would stream every per-layer sketch: where its cells, kept decoded, would be
    // more than a quarter of those. Where it would not, the chunks still merge alike.
    for (by, filters, method, streams) in [
        ("conv_depth", vec![], &ci, true),
        // Among two Tasks' models (one Task's have their sums).
        ("conv_depth", two_tasks, &models, true),
        ("in_channels", vec![], &ci, false),
        ("in_channels", task.clone(), &ci, false),
        (
            "Task",
            vec![w("conv_depth", "0"), w("conv_depth", "2")],
            &ci,
            false,
        ),
    ] {
        let what = format!("{by} {filters:?}");
        assert_eq!(
            s.needs_layers(by, &filters, Some(method)).unwrap(),
            streams,
            "{what}"
        );
        let parts = s
            .streamed_cells(by, &filters, Some(method))
            .unwrap()
            .unwrap_or_else(|| panic!("{what}: cells to stream"));
        assert!(!parts.is_empty(), "{what}");
        let mut fetched = s.layer_grouping(by, &filters, method).unwrap();
        let mut kept = s.layer_grouping(by, &filters, method).unwrap();
        for &p in &parts {
            let file = s.entry(p).unwrap().file.clone();
            let mut f = s.incoming(p).unwrap();
            f.push(get(&files, &file)).unwrap();
            s.add_cells(&mut fetched, p, Some(f.finish().unwrap()))
                .unwrap();
            s.add_cells(&mut kept, p, None).unwrap();
        }
        let (fetched, kept) = (fetched.finish(), kept.finish());
        // Cells hold counts only (a comparison reads nothing else): the moments aside.
        let mut layers = streamed(&s, by, &filters, method);
        for g in &mut layers {
            g.sketch.scaled.sum = [0.0; 9];
            g.sketch.scaled.sxx = [0.0; 45];
        }
        assert!(layers.iter().all(|g| !g.members.is_empty()), "{what}");
        assert_eq!(fetched, layers, "{what}: groups bit for bit");
        assert_eq!(kept, layers, "{what}: kept chunks");
        let d = |g: &[filterscope_site::Group]| {
            s.compare_groups(by, g, method, &mut |_, _| {}).unwrap()
        };
        assert_eq!(d(&fetched), d(&layers), "{what}: D and intervals");
    }
    // Moments (a pair's own PCA), or a second layer-level column: the cells cannot answer.
    assert_eq!(s.streamed_cells("conv_depth", &task, None).unwrap(), None);
    let two = [w("conv_depth", "1")];
    assert_eq!(
        s.streamed_cells("in_channels", &two, Some(&ci)).unwrap(),
        None
    );
    // A chunk of another column's cells, or not a cells chunk, is refused.
    let mut g = s.layer_grouping("conv_depth", &[], &ci).unwrap();
    assert!(s.add_cells(&mut g, Part::Layers, None).is_err());
}

/// A manifest listing sums among a column that is not model-level, or one value twice, is
/// refused before anything is fetched: a reader looks the entries up by (column, value).
#[test]
fn among_entries_that_cannot_be_looked_up_are_refused() {
    let files = encode_site(&content(), 7).unwrap();
    let json = std::str::from_utf8(get(&files, "manifest.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(v["values"][0]["among"].as_array().unwrap().len() > 1);
    let refused = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut v = v.clone();
        change(&mut v["values"][0]["among"]);
        filterscope_site::Manifest::parse(&v.to_string())
            .unwrap_err()
            .to_string()
    };
    let e = refused(&|a| a[0]["column"] = "conv_depth".into());
    assert!(e.contains("not a model-level column"), "{e}");
    let e = refused(&|a| a[1] = a[0].clone());
    assert!(e.contains("listed twice or out of order"), "{e}");
    let e = refused(&|a| a.as_array_mut().unwrap().reverse());
    assert!(e.contains("out of order"), "{e}");
}
