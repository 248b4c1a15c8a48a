//! A comparison's uncertainty on the heatmap: bootstrap intervals and noise floors in display
//! order, the grey of cells within the noise, and the table of every pair with its interval.

/// A comparison's bootstrap intervals and noise floors in display order: printed in the cells
/// (when they are wide enough) and the table, and the cells within the noise greyed.
#[derive(Debug, Clone, PartialEq)]
pub struct CellSpread {
    pub low: Vec<Vec<f64>>,
    pub high: Vec<Vec<f64>>,
    /// Each cell's [`Comparison::within_noise`](filterscope_site::Comparison::within_noise):
    /// its interval's lower bound not above the larger of the two groups' floors (none when
    /// neither group has a floor).
    pub within: Vec<Vec<Option<bool>>>,
    pub floors: Vec<Option<f64>>,
    /// Whether those cells are drawn grey.
    pub show_grey: bool,
}

impl CellSpread {
    /// Whether the cell is within the groups' noise.
    pub fn is_within(&self, i: usize, j: usize) -> Option<bool> {
        self.within.get(i).and_then(|r| r.get(j)).copied().flatten()
    }

    /// Whether the cell is drawn grey.
    pub fn greyed(&self, i: usize, j: usize) -> bool {
        self.show_grey && self.is_within(i, j) == Some(true)
    }

    /// One row per pair (a matrix cell cannot hold three numbers a spreadsheet can read): both
    /// groups, D, its interval, both floors and whether the interval clears them.
    pub fn table(&self, labels: &[String], values: &[Vec<f64>]) -> (Vec<String>, Vec<Vec<String>>) {
        let h = [
            "group A",
            "group B",
            "D",
            "2.5%",
            "97.5%",
            "floor A",
            "floor B",
            "beyond floors",
        ];
        let floor = |f: Option<f64>| f.map_or(String::new(), |f| format!("{f}"));
        let n = labels.len();
        let rows = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .map(|(i, j)| {
                let beyond = match self.is_within(i, j) {
                    None => "",
                    Some(true) => "no",
                    Some(false) => "yes",
                };
                vec![
                    labels[i].clone(),
                    labels[j].clone(),
                    format!("{}", values[i][j]),
                    format!("{}", self.low[i][j]),
                    format!("{}", self.high[i][j]),
                    floor(self.floors[i]),
                    floor(self.floors[j]),
                    beyond.to_string(),
                ]
            })
            .collect();
        (h.map(String::from).to_vec(), rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_intervals_the_table_has_a_row_per_pair() {
        let labels = ["a (4)".to_string(), "b (1)*".into(), "c (5)".into()];
        let d = vec![
            vec![0.0, 0.25, 0.5],
            vec![0.25, 0.0, 0.75],
            vec![0.5, 0.75, 0.0],
        ];
        let spread = CellSpread {
            low: vec![vec![0.0, 0.125, 0.375]; 3],
            high: vec![vec![0.0, 1.0, 2.0]; 3],
            within: vec![
                vec![None, Some(true), Some(false)],
                vec![Some(true), None, Some(false)],
                vec![Some(false), Some(false), None],
            ],
            floors: vec![Some(0.2), None, Some(0.3)],
            show_grey: false,
        };
        let (h, rows) = spread.table(&labels, &d);
        assert_eq!(h[2], "D");
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            ["a (4)", "b (1)*", "0.25", "0.125", "1", "0.2", "", "no"]
        );
        assert_eq!(rows[1][7], "yes");
        assert_eq!(rows[2][5..], ["", "0.3", "yes"]);
    }
}
