//! Label cleaning the reference notebook applies to the CNN Filter DB v1.0.0 before grouping.

use crate::build::Plan;

/// The notebook's words for its one cleaning: v1.0.0 labels segmentation models inconsistently
/// ("Semantic Segmentation", "Instance Segmentation", ...), so every Task containing
/// "Segmentation" becomes "Segmentation".
pub const TASK_SEGMENTATION: &str =
    "Task: every label containing \"Segmentation\" is replaced by \"Segmentation\"";

/// Applies the notebook's cleaning of the official DB's meta to a plan and records it in
/// `plan.label_rules`. Returns how many models changed label. A plan without a model-level `Task`
/// column is left as it is (and records nothing).
pub fn clean_notebook_labels(plan: &mut Plan) -> usize {
    let Some(task) = plan.model_columns.iter().position(|c| c == "Task") else {
        return 0;
    };
    let mut changed = 0;
    for m in &mut plan.models {
        let v = &mut m.values[task];
        if v.contains("Segmentation") && v != "Segmentation" {
            *v = "Segmentation".to_string();
            changed += 1;
        }
    }
    plan.label_rules.push(TASK_SEGMENTATION.to_string());
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use filterscope_site::ModelRow;

    fn plan(columns: &[&str], tasks: &[&str]) -> Plan {
        Plan {
            source: "test".into(),
            models: tasks
                .iter()
                .enumerate()
                .map(|(i, t)| ModelRow {
                    name: format!("m{i}"),
                    values: vec!["natural".into(), t.to_string()],
                })
                .collect(),
            model_columns: columns.iter().map(|c| c.to_string()).collect(),
            layers: Vec::new(),
            layer_columns: Vec::new(),
            label_rules: Vec::new(),
            corrections: Vec::new(),
        }
    }

    #[test]
    fn segmentation_labels_merge_as_the_notebook_merges_them() {
        let mut p = plan(
            &["Visual Category", "Task"],
            &[
                "Semantic Segmentation",
                "Classification",
                "Segmentation",
                "Instance Segmentation ",
            ],
        );
        assert_eq!(clean_notebook_labels(&mut p), 2);
        let tasks: Vec<&str> = p.models.iter().map(|m| m.values[1].as_str()).collect();
        assert_eq!(
            tasks,
            [
                "Segmentation",
                "Classification",
                "Segmentation",
                "Segmentation"
            ]
        );
        assert_eq!(p.label_rules, [TASK_SEGMENTATION]);
        // Other columns are untouched.
        assert!(p.models.iter().all(|m| m.values[0] == "natural"));
    }

    #[test]
    fn no_task_column_no_rule() {
        let mut p = plan(&["Visual Category", "Name"], &["Semantic Segmentation"]);
        assert_eq!(clean_notebook_labels(&mut p), 0);
        assert!(p.label_rules.is_empty());
        assert_eq!(p.models[0].values[1], "Semantic Segmentation");
    }
}
