//! What a site shows and whom to credit: the data set's name, version, source, licence and the
//! papers to cite, carried in the manifest and shown in the page's footer and About view.

use serde::{Deserialize, Serialize};

/// Where a site's data comes from. Every field is plain text, shown as text; only
/// [`Provenance::link`] turns one into a link.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Provenance {
    /// The data set's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Where it can be downloaded (a URL).
    pub url: String,
    /// Its DOI, without the `https://doi.org/` prefix.
    pub doi: String,
    /// The data's licence.
    pub licence: String,
    /// BibTeX of the papers to cite.
    pub cite: String,
    /// A notice the page shows on every view when not empty (for example: sample data).
    pub banner: String,
}

/// The CNN Filter DB paper (Gavrikov and Keuper, CVPR 2022).
pub const CNN_FILTER_DB_BIBTEX: &str = "@InProceedings{Gavrikov_2022_CVPR,
  author    = {Gavrikov, Paul and Keuper, Janis},
  title     = {CNN Filter DB: An Empirical Investigation of Trained Convolutional Filters},
  booktitle = {Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)},
  month     = {June},
  year      = {2022},
  pages     = {19066-19076}
}";

impl Provenance {
    /// The defaults for a build from the official DB's HDF5 file: the CNN Filter DB v1.0.0 on
    /// Zenodo, CC BY-SA 4.0, with its paper.
    pub fn cnn_filter_db() -> Provenance {
        Provenance {
            name: "CNN Filter DB".into(),
            version: "1.0.0".into(),
            url: "https://doi.org/10.5281/zenodo.6371680".into(),
            doi: "10.5281/zenodo.6371680".into(),
            licence: "CC BY-SA 4.0".into(),
            cite: CNN_FILTER_DB_BIBTEX.into(),
            banner: String::new(),
        }
    }

    /// The defaults for a build from a folder of ONNX models: each model's licence is its own
    /// (the models table's `licence` column, when there is one).
    pub fn onnx_models(folder: &str) -> Provenance {
        Provenance {
            name: format!("ONNX models ({folder})"),
            licence: "each model's own (see the models table)".into(),
            cite: CNN_FILTER_DB_BIBTEX.into(),
            ..Provenance::default()
        }
    }

    /// The defaults for `data-prep synth`: generated filters, shaped like the CNN Filter DB.
    pub fn synthetic(seed: u64) -> Provenance {
        Provenance {
            name: "Synthetic filters (data-prep synth)".into(),
            version: format!("seed {seed}"),
            licence: "none (generated)".into(),
            banner:
                "Synthetic data: these filters were generated to test Filterscope, not trained."
                    .into(),
            ..Provenance::default()
        }
    }

    /// `s` as a link target if it is an `https://` or `http://` URL (no other scheme, such as
    /// `javascript:`, ever becomes a link).
    ///
    /// ```
    /// use filterscope_site::Provenance;
    /// assert_eq!(Provenance::link("https://doi.org/10.1"), Some("https://doi.org/10.1"));
    /// assert_eq!(Provenance::link("javascript:alert(1)"), None);
    /// assert_eq!(Provenance::link(" HTTPS://x"), None);
    /// ```
    pub fn link(s: &str) -> Option<&str> {
        (s.starts_with("https://") || s.starts_with("http://"))
            .then_some(s)
            .filter(|s| !s.contains(char::is_whitespace))
    }
}
