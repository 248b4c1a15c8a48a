//! The shapes plots hand each other and the figure: a scatter's points, a drawn area.

/// Points of a scatter series: x, y, and whether the point is marked.
pub type Points = Vec<(f64, f64, bool)>;

/// The pixel extent of a plotting area: (x0, x1), (y0, y1).
pub type PixelArea = ((i32, i32), (i32, i32));
