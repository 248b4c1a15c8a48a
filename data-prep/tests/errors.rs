//! Bad input: each case exits with code 2, one message naming the file, the place and the problem,
//! and leaves nothing at --out.
//!
//! One file past 400 lines on purpose: it is the catalogue of every bad input data-prep refuses,
//! read as a list (a case per test, sharing the `Case` harness at the top).

use std::path::{Path, PathBuf};
use std::process::Command;

use data_prep::testing::fixture::{self, LayerSpec, ModelSpec};
use filterscope_onnx::proto::{GraphProto, ModelProto, NodeProto, ValueInfoProto};
use prost::Message;

/// HDF5 opens files without close-on-exec, so a child spawned by one test thread inherits (and
/// keeps locked) a file another thread has open. Locking guards against concurrent writers, which
/// these tests never have; turn it off before the library first initialises.
fn no_hdf5_locking() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::env::set_var("HDF5_USE_FILE_LOCKING", "FALSE"));
}

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Self {
        no_hdf5_locking();
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn out(&self) -> PathBuf {
        self.path("site")
    }

    /// Runs `data-prep build ARGS --out site`, expects failure, returns stderr; checks that
    /// nothing was left at --out nor beside it.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.out();
        let o = Command::new(env!("CARGO_BIN_EXE_data-prep"))
            .arg("build")
            .args(args)
            .args(["--out", out.to_str().unwrap(), "--quiet"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "exit code; stderr: {err}");
        assert!(!out.exists(), "{} was left behind", out.display());
        let leftovers: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("partial"))
            .collect();
        assert!(leftovers.is_empty(), "temporary folder left: {leftovers:?}");
        assert!(
            err.starts_with("error: ") && err.matches("error: ").count() == 1,
            "one message: {err}"
        );
        err
    }

    fn db(&self, models: &[ModelSpec]) -> (PathBuf, PathBuf) {
        fixture::write_h5_db(&self.path("db"), models, 1, false).unwrap()
    }
}

fn small() -> Vec<ModelSpec> {
    let l = |i, o| LayerSpec {
        in_channels: i,
        out_channels: o,
        sparse: 0.0,
    };
    vec![ModelSpec {
        name: "m".into(),
        meta: ["Classification".into(), "natural".into(), "X".into()],
        layers: vec![l(1, 4), l(4, 4)],
    }]
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn assert_has(err: &str, parts: &[&str]) {
    for p in parts {
        assert!(err.contains(p), "{p:?} not in: {err}");
    }
}

#[test]
fn missing_and_unreadable_files() {
    let c = Case::new();
    let e = c.fails(&["--h5", s(&c.path("nope.h5")), "--meta", "x.csv"]);
    assert_has(&e, &["nope.h5: no such file"]);
    std::fs::write(c.path("text.h5"), "not hdf5").unwrap();
    let e = c.fails(&["--h5", s(&c.path("text.h5")), "--meta", "x.csv"]);
    assert_has(&e, &["text.h5: not a readable HDF5 file"]);
    let (h5, _) = c.db(&small());
    let e = c.fails(&["--h5", s(&h5), "--meta", s(&c.path("missing.csv"))]);
    assert_has(&e, &["missing.csv: No such file"]);
}

#[test]
fn wrong_shape_and_dtype() {
    let c = Case::new();
    let p = c.path("shape.h5");
    let f = hdf5::File::create(&p).unwrap();
    f.new_dataset_builder()
        .with_data(&ndarray::Array2::<f64>::zeros((4, 9)))
        .create("filters")
        .unwrap();
    drop(f);
    let e = c.fails(&["--h5", s(&p), "--meta", "x.csv"]);
    assert_has(&e, &["shape.h5: /filters: shape [4, 9] is not (N, 3, 3)"]);
    let p = c.path("dtype.h5");
    let f = hdf5::File::create(&p).unwrap();
    f.new_dataset_builder()
        .with_data(&ndarray::Array3::<i32>::zeros((4, 3, 3)))
        .create("filters")
        .unwrap();
    drop(f);
    let e = c.fails(&["--h5", s(&p), "--meta", "x.csv"]);
    assert_has(
        &e,
        &["dtype.h5: /filters: data type", "is not float64 or float32"],
    );
    let p = c.path("nofilters.h5");
    hdf5::File::create(&p).unwrap();
    let e = c.fails(&["--h5", s(&p), "--meta", "x.csv"]);
    assert_has(
        &e,
        &["nofilters.h5: /filters: no dataset named \"filters\""],
    );
}

#[test]
fn truncated_db_file() {
    let c = Case::new();
    let (h5, meta) = c.db(&small());
    let len = std::fs::metadata(&h5).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&h5).unwrap();
    f.set_len(len - 100).unwrap();
    drop(f);
    let e = c.fails(&["--h5", s(&h5), "--meta", s(&meta)]);
    assert_has(&e, &["db.h5", "truncated"]);
}

/// The small DB with its 20 filters rewritten by `edit`.
fn db_with_weights(c: &Case, edit: impl Fn(&mut [[f64; 9]])) -> (PathBuf, PathBuf) {
    let (h5, meta) = c.db(&small());
    let mut filters = data_prep::source::h5::H5Filters::open(&h5)
        .unwrap()
        .read(0, 20)
        .unwrap();
    edit(&mut filters);
    data_prep::source::h5::write_db(&h5, &filters, false, None).unwrap();
    (h5, meta)
}

#[test]
fn non_finite_weights_are_located() {
    let c = Case::new();
    // Filter 7 (in the second layer, layer_id 1) gets a NaN.
    let (h5, meta) = db_with_weights(&c, |f| {
        f[7][3] = f64::NAN;
        f[9][0] = f64::INFINITY;
    });
    let e = c.fails(&["--h5", s(&h5), "--meta", s(&meta)]);
    assert_has(&e, &["db.h5: filter 7 (layer_id 1): weight 3 is NaN"]);
}

#[test]
fn weights_beyond_float16_are_refused_with_cast_f16() {
    let c = Case::new();
    // 65519 still rounds to 65504; 70000 would become infinite in float16.
    let (h5, meta) = db_with_weights(&c, |f| {
        f[2][1] = 65519.0;
        f[9][5] = -70000.0;
    });
    let e = c.fails(&["--h5", s(&h5), "--meta", s(&meta), "--cast", "f16"]);
    assert_has(
        &e,
        &["db.h5: filter 9 (layer_id 1): weight 5 is -70000, beyond what --cast f16 holds"],
    );
}

fn with_meta(c: &Case, edit: impl Fn(&str) -> String) -> (PathBuf, PathBuf) {
    let (h5, meta) = c.db(&small());
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, edit(&text)).unwrap();
    (h5, meta)
}

#[test]
fn bad_meta_rows_are_located() {
    // (text to replace in meta.csv, its replacement, the message expected)
    let cases = [
        (
            "4:19",
            "3:19",
            "meta.csv: line 3: filter_ids 3:19 overlap the previous layer, which ends at 3",
        ),
        (
            "4:19",
            "5:19",
            "meta.csv: line 3: filter_ids 5:19 leave filters 4..4 in no layer (a gap)",
        ),
        (
            "4:19",
            "4:25",
            "meta.csv: line 3: filter_ids 4:25 run past the last filter, 19",
        ),
        (
            "4:19",
            "4:18",
            "meta.csv: filter_ids: layers cover filters 0..18 but the HDF5 file holds 20",
        ),
        (
            "4:19",
            "4-19",
            "meta.csv: line 3: filter_ids \"4-19\" is not \"start:end\"",
        ),
        (
            ",m,m net",
            ",,m net",
            "meta.csv: line 2: the row has no model",
        ),
    ];
    for (from, to, want) in cases {
        let c = Case::new();
        let (h5, meta) = with_meta(&c, |t| t.replace(from, to));
        let e = c.fails(&["--h5", s(&h5), "--meta", s(&meta)]);
        assert!(e.contains(want), "{from} -> {to}: {want:?} not in {e}");
    }
}

#[test]
fn duplicate_layer_id() {
    let c = Case::new();
    let (h5, meta) = c.db(&small());
    let text = std::fs::read_to_string(&meta).unwrap();
    // Row 2 (layer_id 1) gets layer_id 0.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut cells: Vec<String> = lines[2].split(',').map(String::from).collect();
    cells[4] = "0".into();
    lines[2] = cells.join(",");
    std::fs::write(&meta, lines.join("\n") + "\n").unwrap();
    let e = c.fails(&["--h5", s(&h5), "--meta", s(&meta)]);
    assert_has(
        &e,
        &["meta.csv: line 3: duplicate layer_id 0 (first on line 2)"],
    );
}

#[test]
fn empty_db_file() {
    let c = Case::new();
    let p = c.path("empty.h5");
    data_prep::source::h5::write_db(&p, &[], false, None).unwrap();
    std::fs::write(
        c.path("meta.csv"),
        ",model_id,conv_depth,conv_depth_norm,layer_id,filter_ids,model,in_channels,out_channels\n",
    )
    .unwrap();
    let e = c.fails(&["--h5", s(&p), "--meta", s(&c.path("meta.csv"))]);
    assert_has(&e, &["meta.csv: line 2: no layers: the DB is empty"]);
}

#[test]
fn missing_meta_names_the_pandas_export() {
    let c = Case::new();
    let (h5, _) = c.db(&small());
    let e = c.fails(&["--h5", s(&h5)]);
    assert_has(
        &e,
        &[
            "db.h5: /meta: no --meta given",
            "pd.read_hdf('dataset.h5', 'meta').reset_index().to_csv('meta.csv', index=False)",
        ],
    );
}

#[test]
fn embedded_csv_meta_is_read() {
    // The v0.1.0 layout: the meta CSV as a uint8 dataset inside the HDF5 file.
    let c = Case::new();
    let (h5, meta) = c.db(&small());
    let filters = data_prep::source::h5::H5Filters::open(&h5)
        .unwrap()
        .read(0, 20)
        .unwrap();
    let text = std::fs::read_to_string(&meta).unwrap();
    data_prep::source::h5::write_db(&h5, &filters, false, Some(&text)).unwrap();
    let out = c.out();
    let o = Command::new(env!("CARGO_BIN_EXE_data-prep"))
        .args(["build", "--h5", s(&h5), "--out", s(&out), "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let site = data_prep::output::load_site(&out).unwrap();
    assert_eq!(site.stats().n_filters, 20);
    assert_eq!(site.manifest().source, "db.h5");
}

fn onnx_case(c: &Case, bytes: &[u8]) -> (PathBuf, PathBuf) {
    let dir = c.path("models");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.onnx"), bytes).unwrap();
    let csv = dir.join("models.csv");
    std::fs::write(&csv, "file,model,Task\na.onnx,a,Classification\n").unwrap();
    (dir, csv)
}

#[test]
fn onnx_that_is_not_onnx() {
    let c = Case::new();
    let (dir, csv) = onnx_case(&c, b"\x0a\xff\xff\xff\xff\xff garbage");
    let e = c.fails(&["--onnx", s(&dir), "--models", s(&csv)]);
    assert_has(&e, &["a.onnx: model: not an ONNX model"]);
}

#[test]
fn onnx_without_3x3_conv() {
    use filterscope_onnx::builder::{conv_chain, ConvSpec, Storage};
    let c = Case::new();
    let bytes = conv_chain(&[ConvSpec {
        out_channels: 2,
        in_channels: 1,
        k: 1,
        weights: vec![1.0, 2.0],
        storage: Storage::Float32,
        skip_from_input: false,
    }]);
    let (dir, csv) = onnx_case(&c, &bytes);
    let e = c.fails(&["--onnx", s(&dir), "--models", s(&csv)]);
    assert_has(
        &e,
        &["a.onnx: model: has no 3x3 Conv layer (1 convs of other sizes)"],
    );
}

#[test]
fn quantized_onnx_is_reported() {
    let c = Case::new();
    let model = ModelProto {
        ir_version: 8,
        graph: Some(GraphProto {
            input: vec![ValueInfoProto { name: "x".into() }],
            node: vec![NodeProto {
                op_type: "ConvInteger".into(),
                name: "qconv".into(),
                input: vec!["x".into(), "w".into()],
                output: vec!["y".into()],
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    let (dir, csv) = onnx_case(&c, &model.encode_to_vec());
    let e = c.fails(&["--onnx", s(&dir), "--models", s(&csv)]);
    assert_has(
        &e,
        &["a.onnx: model: node \"qconv\" is a quantized convolution (ConvInteger)"],
    );
}

#[test]
fn models_csv_row_whose_file_is_missing() {
    let c = Case::new();
    let dir = c.path("models");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("models.csv");
    std::fs::write(&csv, "file,Task\ngone.onnx,Classification\n").unwrap();
    let e = c.fails(&["--onnx", s(&dir), "--models", s(&csv)]);
    assert_has(
        &e,
        &["models.csv: line 2: model file", "gone.onnx does not exist"],
    );
}

#[test]
fn existing_output_needs_force() {
    let c = Case::new();
    let (h5, meta) = c.db(&small());
    let out = c.out();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep"), "x").unwrap();
    let run = |force: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_data-prep"));
        cmd.args([
            "build",
            "--h5",
            s(&h5),
            "--meta",
            s(&meta),
            "--out",
            s(&out),
            "--quiet",
        ]);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let o = run(false);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("site: already exists; pass --force to replace it"));
    assert!(out.join("keep").exists(), "refused output is untouched");
    let o = run(true);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !out.join("keep").exists() && out.join("manifest.json").exists(),
        "--force replaced it"
    );
}

#[test]
fn same_input_gives_identical_output() {
    let c = Case::new();
    let (h5, meta) = c.db(&fixture::reference_models());
    let build = |name: &str| {
        let out = c.path(name);
        let o = Command::new(env!("CARGO_BIN_EXE_data-prep"))
            .args([
                "build",
                "--h5",
                s(&h5),
                "--meta",
                s(&meta),
                "--out",
                s(&out),
                "--quiet",
                "--batch-filters",
                if name == "a" { "1000000" } else { "5000" },
            ])
            .output()
            .unwrap();
        assert!(o.status.success());
        out
    };
    let (a, b) = (build("a"), build("b"));
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 6);
    for n in names {
        assert_eq!(
            std::fs::read(a.join(&n)).unwrap(),
            std::fs::read(b.join(&n)).unwrap(),
            "{n:?} differs"
        );
    }
}
