//! A model-level grouping among one value of a layer-level column, with moments (a pair of two
//! Tasks where conv_depth is 0 draws its own PCA): one row of the column's sums among each
//! Task's models, moments to the bit the per-layer sketches give, instead of every per-layer
//! sketch.

mod common;

use common::content;
use filterscope_site::testing::{add, opened, streamed};
use filterscope_site::{Method, Part, Where};

fn w(c: &str, v: &str) -> Where {
    Where {
        column: c.into(),
        value: v.into(),
    }
}

#[test]
fn a_task_grouping_among_one_conv_depth_reads_the_sums_among_each_task() {
    // Layers of several sizes in each (Task, conv_depth): the moments' sums depend on order.
    let mut c = content();
    for l in &mut c.layers {
        if l.conv_depth == 4 {
            l.conv_depth = 0;
        }
    }
    let (base, files) = opened(&c);
    let mut all = base.clone();
    let parts = all.all_parts();
    add(&mut all, &files, &parts);
    let among_task = |tasks: &[&str]| -> Vec<Part> {
        let f = &base.manifest().values[0];
        (0..f.among.len())
            .filter(|&e| f.among[e].column == "Task")
            .filter(|&e| tasks.is_empty() || tasks.contains(&f.among[e].value.as_str()))
            .map(|e| Part::AmongTotals(0, e))
            .collect()
    };
    let cases = [
        (vec![w("conv_depth", "0")], among_task(&[])),
        (vec![w("conv_depth", "3")], among_task(&[])),
        (
            vec![
                w("conv_depth", "0"),
                w("Task", "Classification"),
                w("Task", "Segmentation"),
            ],
            among_task(&["Classification", "Segmentation"]),
        ),
    ];
    for (filters, want) in cases {
        let mut s = base.clone();
        let needs = s.group_needs("Task", &filters, true).unwrap();
        assert_eq!(needs, want, "{filters:?}");
        add(&mut s, &files, &needs);
        let groups = s.group_sketches("Task", &filters).unwrap();
        let every_layer = streamed(&all, "Task", &filters, &Method::default());
        assert!(groups.len() >= 2, "{filters:?}");
        assert_eq!(groups, every_layer, "{filters:?}: moments bit for bit");
    }
    // Two conv_depth values would add two rows a group: the per-layer sketches.
    let two = [w("conv_depth", "0"), w("conv_depth", "1")];
    let needs = base.group_needs("Task", &two, true).unwrap();
    assert!(needs.contains(&Part::Layers), "{needs:?}");
}
