//! The queries over a built site: `stats`, `compare` and `layers`, as readable tables or JSON.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use data_prep::output;
use filterscope_site::{Order, Where};

use super::report;

#[derive(Args)]
pub struct StatsArgs {
    /// The site folder.
    site: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl StatsArgs {
    pub fn run(self) -> Result<()> {
        let s = output::load_site(&self.site)?.stats();
        if self.json {
            println!("{}", serde_json::to_string(&s)?);
        } else {
            print!("{}", report::stats(&s));
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct CompareArgs {
    /// The site folder.
    site: PathBuf,
    /// Column to group by: a meta column, `model` or `depth`.
    #[arg(long)]
    by: String,
    /// Keep only layers with COLUMN=VALUE (or COLUMN:VALUE, as page links write it;
    /// repeatable: OR within a column, AND across).
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    filters: Vec<String>,
    /// Order of the groups: cluster (average-linkage dendrogram leaves), mean (mean drift,
    /// smallest first) or name; by default name for depth, cluster otherwise. The JSON keeps
    /// the groups as they come and lists this order in "order".
    #[arg(long)]
    order: Option<Order>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl CompareArgs {
    pub fn run(self) -> Result<()> {
        let filters: Vec<Where> = self
            .filters
            .iter()
            .map(|f| f.parse())
            .collect::<Result<_, _>>()?;
        let c = output::load_site(&self.site)?.compare(&self.by, &filters)?;
        let order = c.order(self.order.unwrap_or_else(|| Order::default_for(&self.by)));
        if self.json {
            let mut v = serde_json::to_value(&c)?;
            v["order"] = order.iter().map(|&i| c.groups[i].clone()).collect();
            println!("{}", serde_json::to_string(&v)?);
        } else {
            print!("{}", report::compare(&c, &order));
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct LayersArgs {
    /// The site folder.
    site: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl LayersArgs {
    pub fn run(self) -> Result<()> {
        let l = output::load_site(&self.site)?.layer_reports()?;
        if self.json {
            println!("{}", serde_json::to_string(&l)?);
        } else {
            print!("{}", report::layers(&l));
        }
        Ok(())
    }
}
