//! Every plot kind drawn (SVG) and tabled (CSV).

use super::*;

#[test]
fn the_hover_names_the_bar_under_the_mouse_in_full() {
    let p = Plot::Bars {
        title: "Models per Task".into(),
        labels: vec!["Classification".into(), "Object Detection".into()],
        values: vec![3.0, 1.0],
        y_label: "models".into(),
        extra: vec![],
    };
    let area = ((100, 300), (10, 200));
    assert_eq!(
        p.category_at(150.0, area).as_deref(),
        Some("Classification: models 3")
    );
    assert_eq!(
        p.category_at(299.0, area).as_deref(),
        Some("Object Detection: models 1")
    );
    assert_eq!(p.category_at(99.0, area), None);
}

#[test]
fn csv_quotes_fields() {
    let p = Plot::Bars {
        title: "t".into(),
        labels: vec!["a,b".into(), "c".into()],
        values: vec![1.5, 2.0],
        y_label: "n".into(),
        extra: vec![("m".into(), vec![3.0, 4.0])],
    };
    assert_eq!(p.csv(), ",n,m\n\"a,b\",1.5,3\nc,2,4\n");
}

#[test]
fn svg_draws_every_kind() {
    let t = Theme { dark: false };
    let plots = vec![
        Plot::Heatmap {
            title: "h".into(),
            labels: vec!["a".into(), "b".into()],
            values: Arc::new(vec![vec![0.0, 1.0], vec![1.0, 0.0]]),
            scale: Arc::new(ColourScale::new(
                ScaleKind::Log,
                &[vec![0.0, 1.0], vec![1.0, 0.0]],
            )),
            window: Window::full(2),
            tree: branches(
                &[filterscope_stats::Merge {
                    a: 0,
                    b: 1,
                    height: 1.0,
                    size: 2,
                }],
                &[0, 1],
            ),
            spread: Some(Arc::new(CellSpread {
                low: vec![vec![0.0, 0.5], vec![0.5, 0.0]],
                high: vec![vec![0.0, 1.5], vec![1.5, 0.0]],
                within: vec![vec![None, Some(true)], vec![Some(true), None]],
                floors: vec![Some(0.7), None],
                show_grey: true,
            })),
        },
        Plot::Bars {
            title: "b".into(),
            labels: vec!["x".into()],
            values: vec![3.0],
            y_label: "n".into(),
            extra: vec![],
        },
        Plot::Lines {
            title: "l".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x: vec![0.0, 1.0],
            series: vec![("s".into(), vec![0.0, 1.0])],
            marks: vec![false, true],
        },
        Plot::Filters {
            title: "f".into(),
            captions: vec!["c0".into()],
            filters: vec![[1.0, -1.0, 0.0, 0.5, 0.2, 0.1, 0.0, 0.0, 0.0]],
            cols: 4,
            scale: FilterScale::PerFilter,
        },
        Plot::Scatter {
            title: "s".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series: vec![("a".into(), vec![(0.1, 0.2, false), (0.3, 0.4, true)])],
        },
        Plot::Box {
            title: "b".into(),
            label: "D".into(),
            values: vec![0.1, 0.5, 0.2],
        },
        Plot::Density {
            title: "d".into(),
            x_label: "c0".into(),
            y_label: "c1".into(),
            range: (-1.0, 1.0),
            counts: vec![vec![0, 2], vec![5, 1]],
        },
    ];
    for p in plots {
        let s = p.svg((400, 300), t).unwrap();
        assert!(
            s.starts_with("<svg") && s.contains("</svg>"),
            "{}",
            p.title()
        );
        assert!(s.contains(p.title()), "title drawn: {}", p.title());
    }
}
