//! The URL is the state: which view, grouping, filters, pair and model. Parsed from and written to
//! the query string with history.pushState, so a link reopens the same view and back/forward work
//! under any base path.

use filterscope_site::{Method, Order, Resampling, Weight, Where, MAX_REPLICATES};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::page::matrix::nav::Window;
use crate::page::plot::ScaleKind;

/// The explorer's views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Overview,
    Compare,
    Pair,
    Model,
    Quality,
    Yours,
    About,
}

impl View {
    pub const ALL: [View; 7] = [
        View::Overview,
        View::Compare,
        View::Pair,
        View::Model,
        View::Quality,
        View::Yours,
        View::About,
    ];

    pub fn key(self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::Compare => "compare",
            View::Pair => "pair",
            View::Model => "model",
            View::Quality => "quality",
            View::Yours => "yours",
            View::About => "about",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Compare => "Compare",
            View::Pair => "Pair",
            View::Model => "Model",
            View::Quality => "Quality",
            View::Yours => "Your model",
            View::About => "About",
        }
    }

    /// The id of the view's heading (focus moves there after a change of view).
    pub fn heading_id(self) -> &'static str {
        match self {
            View::Overview => "overview-h",
            View::Compare => "compare-h",
            View::Pair => "pair-h",
            View::Model => "model-h",
            View::Quality => "quality-h",
            View::Yours => "yours-h",
            View::About => "about-h",
        }
    }
}

/// Everything a permalink holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Route {
    pub view: Option<View>,
    pub by: Option<String>,
    /// `where=COLUMN:VALUE` (or `COLUMN=VALUE`, as the command line writes it), repeatable.
    pub wheres: Vec<Where>,
    pub a: Option<String>,
    pub b: Option<String>,
    pub model: Option<String>,
    /// The compare view's group order, colour scale, visible window and search.
    pub order: Option<Order>,
    pub scale: Option<ScaleKind>,
    pub zoom: Option<Window>,
    pub find: Option<String>,
    /// How a comparison weighs filters, which small groups it leaves out, its bootstrap
    /// replicates (none: no intervals) and seed, and whether floors are drawn on the diagonal and
    /// cells within the noise greyed.
    pub weight: Option<Weight>,
    pub min_models: Option<u64>,
    pub ci: Option<u32>,
    pub seed: Option<u64>,
    pub floor: bool,
    pub grey: bool,
    /// Parameters that were not understood, for a notice.
    pub unknown: Vec<String>,
}

impl Route {
    pub fn view(&self) -> View {
        self.view.unwrap_or(View::Overview)
    }

    /// How the comparison of this route is computed.
    pub fn method(&self) -> Method {
        Method {
            weight: self.weight.unwrap_or_default(),
            min_models: self.min_models.unwrap_or(0),
            resampling: self.ci.map(|replicates| Resampling {
                replicates,
                seed: self.seed.unwrap_or(0),
            }),
        }
    }

    /// Parses a query string (with or without the leading `?`).
    pub fn parse(search: &str) -> Route {
        let mut r = Route::default();
        let params = web_sys::UrlSearchParams::new_with_str(search).ok();
        let Some(params) = params else { return r };
        let entries = js_sys::try_iter(&params.entries()).ok().flatten();
        for entry in entries.into_iter().flatten().flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            let k = pair.get(0).as_string().unwrap_or_default();
            let v = pair.get(1).as_string().unwrap_or_default();
            match k.as_str() {
                "view" => match View::ALL.iter().find(|x| x.key() == v) {
                    Some(x) => r.view = Some(*x),
                    None => r.unknown.push(format!("view={v}")),
                },
                "by" => r.by = Some(v),
                "where" => match v.parse::<Where>() {
                    Ok(w) => r.wheres.push(w),
                    Err(_) => r.unknown.push(format!("where={v}")),
                },
                "a" => r.a = Some(v),
                "b" => r.b = Some(v),
                "model" => r.model = Some(v),
                "order" => match v.parse() {
                    Ok(o) => r.order = Some(o),
                    Err(_) => r.unknown.push(format!("order={v}")),
                },
                "scale" => match v.parse() {
                    Ok(k) => r.scale = Some(k),
                    Err(_) => r.unknown.push(format!("scale={v}")),
                },
                "zoom" => match v.parse() {
                    Ok(w) => r.zoom = Some(w),
                    Err(_) => r.unknown.push(format!("zoom={v}")),
                },
                "find" => r.find = Some(v).filter(|v| !v.is_empty()),
                "weight" => match v.parse() {
                    Ok(w) => r.weight = Some(w),
                    Err(_) => r.unknown.push(format!("weight={v}")),
                },
                "min_models" => match v.parse() {
                    Ok(n) => r.min_models = Some(n),
                    Err(_) => r.unknown.push(format!("min_models={v}")),
                },
                "ci" => match v.parse() {
                    Ok(b) if (1..=MAX_REPLICATES).contains(&b) => r.ci = Some(b),
                    _ => r.unknown.push(format!("ci={v}")),
                },
                "seed" => match v.parse() {
                    Ok(n) => r.seed = Some(n),
                    Err(_) => r.unknown.push(format!("seed={v}")),
                },
                "floor" => r.floor = v == "1",
                "grey" => r.grey = v == "1",
                // The data base URL belongs to the page, not the view; keep it.
                "data" => {}
                _ => r.unknown.push(format!("{k}={v}")),
            }
        }
        r
    }

    /// The query string of this route, keeping `data=` from the current URL.
    pub fn to_query(&self) -> String {
        let p = web_sys::UrlSearchParams::new().expect("URLSearchParams");
        if let Some(d) = current_params().and_then(|c| c.get("data")) {
            p.append("data", &d);
        }
        p.append("view", self.view().key());
        if let Some(by) = &self.by {
            p.append("by", by);
        }
        // The ':' form: URLSearchParams would escape '=' inside a value.
        for w in &self.wheres {
            p.append("where", &format!("{}:{}", w.column, w.value));
        }
        for (k, v) in [("a", &self.a), ("b", &self.b), ("model", &self.model)] {
            if let Some(v) = v {
                p.append(k, v);
            }
        }
        if let Some(o) = self.order {
            p.append("order", o.key());
        }
        if let Some(k) = self.scale {
            p.append("scale", k.key());
        }
        if let Some(w) = self.zoom {
            p.append("zoom", &w.to_string());
        }
        if let Some(f) = &self.find {
            p.append("find", f);
        }
        if let Some(w) = self.weight {
            p.append("weight", w.key());
        }
        for (k, v) in [
            ("min_models", self.min_models),
            ("ci", self.ci.map(u64::from)),
            ("seed", self.seed),
        ] {
            if let Some(v) = v {
                p.append(k, &v.to_string());
            }
        }
        for (k, on) in [("floor", self.floor), ("grey", self.grey)] {
            if on {
                p.append(k, "1");
            }
        }
        format!("?{}", String::from(p.to_string()))
    }
}

fn current_params() -> Option<web_sys::UrlSearchParams> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()
}

/// The route signal, kept in step with the address bar.
#[derive(Clone, Copy)]
pub struct Router {
    pub route: RwSignal<Route>,
}

impl Router {
    /// Reads the current URL and follows back/forward.
    pub fn install() -> Router {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let route = RwSignal::new(Route::parse(&search));
        let on_pop = Closure::<dyn Fn(web_sys::PopStateEvent)>::new(move |_| {
            let search = web_sys::window()
                .and_then(|w| w.location().search().ok())
                .unwrap_or_default();
            route.set(Route::parse(&search));
        });
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
        }
        // The listener lives as long as the page.
        on_pop.forget();
        Router { route }
    }

    /// Goes to a route: a new history entry, and the views follow.
    pub fn go(&self, r: Route) {
        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&r.to_query()));
        }
        self.route.set(r);
    }

    /// Changes the route in place: no new history entry (zooming, panning and typing a search
    /// would otherwise fill the back button with every step).
    pub fn replace(&self, r: Route) {
        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&r.to_query()));
        }
        self.route.set(r);
    }
}
