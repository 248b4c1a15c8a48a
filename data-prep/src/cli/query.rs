//! The queries over a built site: `stats`, `compare` and `layers`, as readable tables or JSON.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use data_prep::output;
use filterscope_site::{Method, Order, Resampling, Weight, Where};

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
    /// What each filter weighs in its group: filters (every filter once, the paper's method) or
    /// models (every model of a group the same).
    #[arg(long, default_value = "filters")]
    weight: Weight,
    /// Leave out groups of fewer than N models.
    #[arg(long, value_name = "N", default_value_t = 0)]
    min_models: u64,
    /// Bootstrap intervals over B replicates (each group's models drawn with replacement), and
    /// each group's noise floor over B random splits into halves.
    #[arg(long, value_name = "B")]
    ci: Option<u32>,
    /// The resampling's seed: the same seed gives the same intervals to the bit.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Write what the resampling drew to FILE (for tests/reference to replay).
    #[arg(long, value_name = "FILE", hide = true)]
    trace: Option<PathBuf>,
}

impl CompareArgs {
    pub fn run(self) -> Result<()> {
        let filters: Vec<Where> = self
            .filters
            .iter()
            .map(|f| f.parse())
            .collect::<Result<_, _>>()?;
        let method = Method {
            weight: self.weight,
            min_models: self.min_models,
            resampling: self.ci.map(|replicates| Resampling {
                replicates,
                seed: self.seed,
            }),
        };
        let site = output::load_site(&self.site)?;
        let c = match &self.trace {
            Some(path) => {
                let (c, t) = site.compare_traced(&self.by, &filters, &method)?;
                std::fs::write(path, serde_json::to_string(&t)?)
                    .with_context(|| format!("writing {}", path.display()))?;
                c
            }
            None => {
                // Resampling the full DB by depth takes seconds: a bar on a terminal.
                let pb = indicatif::ProgressBar::new(0);
                pb.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{prefix:>18} [{bar:30}] {pos}/{len} resamples and splits, eta {eta}",
                    )?
                    .progress_chars("=> "),
                );
                pb.set_prefix("intervals");
                let groups = site.group_sketches_for(&self.by, &filters, &method)?;
                let c = site.compare_groups(&self.by, &groups, &method, &mut |done, total| {
                    pb.set_length(total);
                    pb.set_position(done);
                })?;
                pb.finish_and_clear();
                c
            }
        };
        if self.ci.is_some() && c.ci.is_none() {
            eprintln!("no interval when grouping by model: each group is one model, so there is nothing to resample");
        }
        let order = c.order(self.order.unwrap_or_else(|| Order::default_for(&self.by)));
        if self.json {
            let o = self.order.unwrap_or_else(|| Order::default_for(&self.by));
            println!("{}", serde_json::to_string(&c.json(o))?);
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
    /// Keep only layers with COLUMN=VALUE (as `compare --where`; repeatable: OR within a
    /// column, AND across).
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    filters: Vec<String>,
    /// Print JSON: every layer with its depth, channels, layer-level columns and quality.
    #[arg(long)]
    json: bool,
}

impl LayersArgs {
    pub fn run(self) -> Result<()> {
        let filters: Vec<Where> = self
            .filters
            .iter()
            .map(|f| f.parse())
            .collect::<Result<_, _>>()?;
        let l = output::load_site(&self.site)?.layer_lines(&filters)?;
        if self.json {
            println!("{}", serde_json::to_string(&l)?);
        } else {
            let q: Vec<_> = l.into_iter().map(|l| l.quality).collect();
            print!("{}", report::layers(&q));
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct ModelsArgs {
    /// The site folder.
    site: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl ModelsArgs {
    pub fn run(self) -> Result<()> {
        let site = output::load_site(&self.site)?;
        let m = site.model_lines();
        if self.json {
            println!("{}", serde_json::to_string(&m)?);
        } else {
            print!("{}", report::models(&site.manifest().model_columns, &m));
        }
        Ok(())
    }
}
