//! About (`?view=about`): what the data is and where it comes from (the manifest's provenance
//! block), how every statistic is computed, how to cite, and the licences. Every value from the
//! data is shown as text; only http(s) URLs become links ([`Provenance::link`]).

use filterscope_site::{Manifest, Provenance};
use filterscope_web::protocol::Catalog;
use leptos::prelude::*;

use crate::page::loader::Loader;
use crate::page::widgets::large::AskOverChoice;

/// Filterscope itself, for the citation list.
const SOFTWARE_CITE: &str = "@software{filterscope,
  title   = {Filterscope: the CNN Filter DB's statistics in the browser},
  license = {MIT OR Apache-2.0}
}";

/// `text` as a link when it is an http(s) URL, else as text (metadata is untrusted: it is never
/// markup, and a link never runs script nor tells its target where it came from).
pub fn link_or_text(text: String) -> AnyView {
    let text = crate::page::text::visible(&text);
    match Provenance::link(&text) {
        Some(href) => {
            let href = href.to_string();
            view! { <a href=href rel="noopener noreferrer nofollow">{text}</a> }.into_any()
        }
        None => view! { <span>{text}</span> }.into_any(),
    }
}

/// The data set's name and version, as the footer and the heading say it.
pub fn data_title(p: &Provenance) -> String {
    let title = match (p.name.is_empty(), p.version.is_empty()) {
        (true, _) => "unnamed data".into(),
        (false, true) => p.name.clone(),
        (false, false) => format!("{} {}", p.name, p.version),
    };
    crate::page::text::visible(&title)
}

/// Rows of the data table: label and value (empty values left out).
fn data_rows(m: &Manifest) -> Vec<(&'static str, String)> {
    let p = &m.provenance;
    let doi = (!p.doi.is_empty()).then(|| format!("https://doi.org/{}", p.doi));
    [
        ("Data set", data_title(p)),
        ("Source", p.url.clone()),
        ("DOI", doi.unwrap_or_default()),
        ("Licence", p.licence.clone()),
        ("Built from", m.source.clone()),
        ("Built with", m.producer.clone()),
        (
            "Holds",
            format!(
                "{} filters in {} layers of {} models",
                m.n_filters, m.n_layers, m.n_models
            ),
        ),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect()
}

/// The label cleaning and the known label errors corrected before grouping, when there are any.
fn labels_changed(m: &Manifest) -> Option<impl IntoView> {
    if m.label_rules.is_empty() && m.corrections.is_empty() {
        return None;
    }
    let rules = m
        .label_rules
        .iter()
        .map(|r| view! { <li>{r.clone()}</li> })
        .collect_view();
    let rows = m
        .corrections
        .iter()
        .map(|c| {
            view! { <tr><th scope="row">{crate::page::text::visible(&c.model)}</th><td>{c.column.clone()}</td><td>{c.from.clone()}</td><td>{c.to.clone()}</td><td>{link_or_text(c.source.clone())}</td></tr> }
        })
        .collect_view();
    let table = (!m.corrections.is_empty()).then(|| {
        view! {
            <table class="meta" id="corrections">
                <caption>"Known label errors corrected before grouping"</caption>
                <thead><tr><th scope="col">"model"</th><th scope="col">"column"</th><th scope="col">"was"</th><th scope="col">"is"</th><th scope="col">"reported"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    Some(view! {
        <h3>"Labels changed before grouping"</h3>
        <ul id="label-rules">{rules}</ul>
        {table}
    })
}

/// Each model's licence and source, when the models table has those columns.
fn model_licences(c: &Catalog) -> Option<impl IntoView> {
    let cols = &c.manifest.model_columns;
    let lic = cols
        .iter()
        .position(|c| c.eq_ignore_ascii_case("licence") || c.eq_ignore_ascii_case("license"))?;
    let src = cols.iter().position(|c| c.eq_ignore_ascii_case("source"));
    let rows = c
        .models
        .iter()
        .map(|m| {
            let source = src.map(|k| m.values[k].clone()).unwrap_or_default();
            view! { <tr><th scope="row">{crate::page::text::visible(&m.name)}</th><td>{crate::page::text::visible(&m.values[lic])}</td><td>{link_or_text(source)}</td></tr> }
        })
        .collect_view();
    Some(view! {
        <table class="meta" id="model-licences">
            <caption>"Each model's licence and source"</caption>
            <thead><tr><th scope="col">"model"</th><th scope="col">"licence"</th><th scope="col">"source"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    })
}

/// The About view.
#[component]
pub fn About() -> impl IntoView {
    let loader = expect_context::<Loader>();
    let data = move || {
        loader.with_catalog(|c| {
            let rows = data_rows(&c.manifest)
                .into_iter()
                .map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{link_or_text(v)}</td></tr> })
                .collect_view();
            let cite = c.manifest.provenance.cite.clone();
            view! {
                <table class="meta" id="provenance"><tbody>{rows}</tbody></table>
                {labels_changed(&c.manifest)}
                {model_licences(c)}
                <h3>"How to cite"</h3>
                <p>"If you use these numbers, cite the data set and the method:"</p>
                <pre class="cite" id="cite">{if cite.is_empty() { "(the data names no paper)".to_string() } else { cite }}</pre>
                <p>"and, if you like, this tool:"</p>
                <pre class="cite">{SOFTWARE_CITE}</pre>
                <h3>"Licences"</h3>
                <p>
                    "The data: " {c.manifest.provenance.licence.clone()} ". "
                    "Filterscope's code: MIT or Apache-2.0, at your option. What the page computes from the data is derived from it and shares its licence."
                </p>
            }
        })
    };
    view! {
        <section aria-labelledby="about-h">
            <h2 id="about-h" tabindex="-1">"About this site"</h2>
            <p class="help">"Filterscope computes the CNN Filter DB study's statistics of trained 3x3 convolution filters in your browser, from compact per-layer summaries of the data below. Nothing you do here is sent anywhere."</p>
            <h3>"The data"</h3>
            {data}
            <h3 id="downloads">"Downloads"</h3>
            <p>"The page downloads only the parts of the data a view needs, and keeps them for later visits. A view that would download more at once asks first, and says how much; the limit is kept in this browser only."</p>
            <AskOverChoice/>
            <h3>"How the statistics are computed"</h3>
            <dl class="method">
                <dt>"Scaling"</dt>
                <dd>"Each 3x3 filter w (9 weights) is divided by its largest absolute weight: w / max|w|, so every filter lies in [-1, 1]; an all-zero filter stays zero."</dd>
                <dt>"Principal components"</dt>
                <dd>"A PCA of all scaled filters (9 components, the eigenvectors of their covariance, largest first) gives the basis; each component's explained variance ratio evr_i is its eigenvalue over their sum. The eigen-filters are the components drawn as 3x3 images."</dd>
                <dt>"Histograms"</dt>
                <dd>"Every scaled filter is projected on the basis, and each of the 9 coefficients is counted in 70 equal bins spanning the smallest to the largest coefficient over all filters and components."</dd>
                <dt>"A group's distribution"</dt>
                <dd>"For a group of layers (a Task, a model, a depth bucket...), each component's counts become densities (count / bin width / number of filters); empty bins get float32's epsilon (2^-23), and the bins are normalised to sum to 1: P_i for component i, as the study's notebook computes it."</dd>
                <dt>"Drift D"</dt>
                <dd>"Between groups P and Q: D = Σ_i evr_i · (KL(P_i‖Q_i) + KL(Q_i‖P_i)), with KL(P‖Q) = Σ_j p_j ln(p_j / q_j). D is 0 for identical groups and grows as their filters differ."</dd>
                <dt>"Sparsity"</dt>
                <dd>"A layer's share of filters whose every |weight| is below 1% of the layer's largest |weight| (raw weights)."</dd>
                <dt>"Variance entropy"</dt>
                <dd>"H: the eigenvalues of the covariance of a layer's n raw filters (centred, divided by n - 1), normalised to sum to 1, and their entropy in base 10 (at most log10 9 = 0.954): low when the filters vary along few directions, high when they vary in all 9 like noise. TH(n) = 1.2618047 / (1 + exp(-0.88767525 (log2 n - 2.30436435))) - 0.31050834 is the entropy random filters reach; the page shows H / TH."</dd>
                <dt>"Degeneration"</dt>
                <dd>"A layer is degenerated when H >= TH - 0.02 (as random as noise) or when H < 0.5 and its sparsity is at least 0.14 (mostly zeros), as torchconvquality decides."</dd>
                <dt>"Weighting"</dt>
                <dd>"By default every filter counts once, so a model with many filters weighs more in its group. With \"every model the same\", each model's histograms are divided by its number of filters in the group before the group's are summed; the densities, epsilon and normalisation are then as above."</dd>
                <dt>"Intervals"</dt>
                <dd>"A 95% bootstrap interval of D: B times, each group's models are drawn with replacement (as many as it has; a model brings all its filters in the group), the groups' histograms rebuilt and D recomputed; the interval is the 2.5th to 97.5th percentile of those D (numpy's linear percentile). The seed in the URL makes it reproducible to the bit. Grouping by model has no interval: each group is one model."</dd>
                <dt>"Noise floor"</dt>
                <dd>"For a group of at least 4 models: the median D between two random halves of its models (floor(n/2) and the rest) over B random splits, the D a group shows against itself with no real shift. A cell is within the noise when its interval's lower bound is not above the larger floor of its two groups."</dd>
                <dt>"Order and scale"</dt>
                <dd>"Heatmaps order groups by average-linkage clustering of D (as SciPy's linkage and leaves_list), by mean D, or by name, and colour them on a linear, log or rank scale."</dd>
            </dl>
        </section>
    }
}
