//! Every malformed meta table gets a message naming the file, the row and the problem.

use super::*;

const HEAD: &str = ",model_id,conv_depth,conv_depth_norm,layer_id,filter_ids,model,Name,Task,in_channels,out_channels,Note\n";

fn meta(rows: &str, n: u64) -> Result<Meta, PrepError> {
    parse_meta(Path::new("meta.csv"), format!("{HEAD}{rows}").as_bytes(), n)
}

#[test]
fn splits_model_and_layer_columns() {
    let m = meta(
        "0,0,0,0.0,10,0:5,a,A,Cls,2,3,x\n1,0,1,1.0,11,6:9,a,A,Cls,2,2,y\n2,1,0,0.0,12,10:10,b,B,Seg,1,1,z\n",
        11,
    )
    .unwrap();
    assert_eq!(m.model_columns, vec!["model_id", "Name", "Task"]);
    assert_eq!(m.layer_columns, vec!["Note"]);
    assert_eq!(m.models.len(), 2);
    assert_eq!(m.models[1].values, vec!["1", "B", "Seg"]);
    assert_eq!(m.layers[1].n_filters, 4);
    assert_eq!(m.layers[1].values, vec!["y"]);
    assert_eq!(m.first_filter, vec![0, 6, 10]);
}

fn err(rows: &str, n: u64) -> String {
    meta(rows, n).unwrap_err().to_string()
}

/// Asserts that `rows` over a DB of `n` filters fail with a message containing `want`.
fn fails_with(rows: &str, n: u64, want: &str) {
    let e = err(rows, n);
    assert!(e.contains(want), "{e}");
}

#[test]
fn bad_filter_ids_are_named() {
    fails_with(
        "0,0,0,0.0,10,0:5,a,A,Cls,2,3,x\n1,0,1,1.0,11,5:9,a,A,Cls,2,2,y\n",
        10,
        "meta.csv: line 3: filter_ids 5:9 overlap",
    );
    fails_with(
        "0,0,0,0.0,10,0:5,a,A,Cls,2,3,x\n1,0,1,1.0,11,7:9,a,A,Cls,2,2,y\n",
        10,
        "line 3: filter_ids 7:9 leave filters 6..6 in no layer",
    );
    fails_with(
        "0,0,0,0.0,10,0:5,a,A,Cls,2,3,x\n1,0,1,1.0,11,6:12,a,A,Cls,2,2,y\n",
        10,
        "line 3: filter_ids 6:12 run past the last filter, 9",
    );
    fails_with(
        "0,0,0,0.0,10,0-5,a,A,Cls,2,3,x\n",
        6,
        "line 2: filter_ids \"0-5\" is not",
    );
    fails_with(
        "0,0,0,0.0,10,0:5,a,A,Cls,2,3,x\n",
        8,
        "layers cover filters 0..5 but the HDF5 file holds 8",
    );
}

#[test]
fn bad_rows_are_named() {
    fails_with(
        "0,0,0,0.0,10,0:5,,A,Cls,2,3,x\n",
        6,
        "line 2: the row has no model",
    );
    fails_with(
        "0,0,0,0.0,10,0:5,a,A,Cls,2,3,x\n1,0,1,1.0,10,6:9,a,A,Cls,2,2,y\n",
        10,
        "line 3: duplicate layer_id 10 (first on line 2)",
    );
    fails_with("", 6, "the DB is empty");
    let e = parse_meta(Path::new("m.csv"), b"model,layer_id\n", 1)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("m.csv: line 1: missing column(s) filter_ids"),
        "{e}"
    );
}
