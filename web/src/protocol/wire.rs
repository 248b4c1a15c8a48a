//! Messages as they travel between the page and the worker: JSON, with a comparison's numbers
//! apart as one transferred `Float64Array`.

use filterscope_site::{Comparison, Interval};

use super::{Answer, Failure, FromWorker};

/// A message as sent: JSON, and the numbers of a comparison apart (a long parse as JSON, and
/// serde_json's default parser may round a digit string to a neighbouring f64; these must
/// arrive bit for bit): D row by row, then, with intervals, their low and high
/// bounds and the floors (NaN for none).
pub fn encode(msg: &FromWorker) -> (String, Option<Vec<f64>>) {
    if let FromWorker::Answer {
        id,
        answer: Ok(Answer::Compare(c)),
    } = msg
    {
        let mut flat: Vec<f64> = c.d.iter().flatten().copied().collect();
        if let (Some(ci), Some(floor)) = (&c.ci, &c.floor) {
            flat.extend(ci.low.iter().flatten());
            flat.extend(ci.high.iter().flatten());
            flat.extend(floor.iter().map(|f| f.unwrap_or(f64::NAN)));
        }
        let light = FromWorker::Answer {
            id: *id,
            answer: Ok(Answer::Compare(Box::new(Comparison {
                d: vec![],
                ci: c.ci.as_ref().map(|ci| Interval {
                    low: vec![],
                    high: vec![],
                    ..ci.clone()
                }),
                floor: c.floor.as_ref().map(|_| vec![]),
                ..(**c).clone()
            }))),
        };
        return (
            serde_json::to_string(&light).expect("serializes"),
            Some(flat),
        );
    }
    (serde_json::to_string(msg).expect("serializes"), None)
}

/// The message [`encode`] sent.
pub fn decode(json: &str, matrix: Option<Vec<f64>>) -> Result<FromWorker, Failure> {
    let mut msg: FromWorker =
        serde_json::from_str(json).map_err(|e| Failure::Message(e.to_string()))?;
    if let (
        FromWorker::Answer {
            answer: Ok(Answer::Compare(c)),
            ..
        },
        Some(flat),
    ) = (&mut msg, matrix)
    {
        let n = c.groups.len();
        let want = if c.ci.is_some() { 3 * n * n + n } else { n * n };
        if flat.len() != want {
            return Err(Failure::Message(format!(
                "a {n}-group comparison with {} values",
                flat.len()
            )));
        }
        let rows = |m: &[f64]| m.chunks(n.max(1)).map(|r| r.to_vec()).collect::<Vec<_>>();
        c.d = rows(&flat[..n * n]);
        if let Some(ci) = &mut c.ci {
            ci.low = rows(&flat[n * n..2 * n * n]);
            ci.high = rows(&flat[2 * n * n..3 * n * n]);
            let floors = flat[3 * n * n..].iter();
            c.floor = Some(floors.map(|&f| (!f.is_nan()).then_some(f)).collect());
        }
    }
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comparison_round_trips_with_its_matrix_apart() {
        let c = Comparison {
            by: "Task".into(),
            groups: vec!["a".into(), "b".into()],
            n_filters: vec![3, 4],
            n_models: vec![1, 2],
            n_layers: vec![5, 6],
            d: vec![vec![0.0, 0.1 + 0.2], vec![0.1 + 0.2, 0.0]],
            tree: vec![filterscope_stats::Merge {
                a: 0,
                b: 1,
                height: 0.5,
                size: 2,
            }],
            ..Default::default()
        };
        let with_ci = Comparison {
            ci: Some(Interval {
                low: vec![vec![0.0, 0.1 + 0.05], vec![0.1 + 0.05, 0.0]],
                high: vec![vec![0.0, 0.7 + 0.1], vec![0.7 + 0.1, 0.0]],
                replicates: 10,
                seed: 3,
            }),
            floor: Some(vec![None, Some(0.1 + 0.2)]),
            weight: filterscope_site::Weight::Models,
            ..c.clone()
        };
        for c in [c, with_ci] {
            round_trip(c);
        }
    }

    fn round_trip(c: Comparison) {
        let msg = FromWorker::Answer {
            id: 7,
            answer: Ok(Answer::Compare(Box::new(c.clone()))),
        };
        let (json, flat) = encode(&msg);
        assert!(!json.contains("0.30000000000000004"));
        match decode(&json, flat).unwrap() {
            FromWorker::Answer {
                id: 7,
                answer: Ok(Answer::Compare(back)),
            } => assert_eq!(*back, c),
            other => panic!("{other:?}"),
        }
        assert!(decode(&json, Some(vec![1.0])).is_err());
    }
}
