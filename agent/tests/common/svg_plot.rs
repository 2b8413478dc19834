//! A small line plot as SVG, written by hand (a plotting crate would be a heavy dependency
//! for one picture): the soak's resident memory over time for the README, with the moments
//! the sink went away marked.

use std::fmt::Write;

use super::vitals::Sample;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
/// Room for the axes' labels: left, right, top, bottom.
const MARGIN: (f64, f64, f64, f64) = (52.0, 12.0, 28.0, 34.0);

/// The RSS of `samples` in MiB against seconds, `title` on top, a dashed line at each of
/// `marks` (seconds, with a label).
pub fn rss(samples: &[Sample], marks: &[(f64, &str)], title: &str) -> String {
    let (left, right, top, bottom) = MARGIN;
    let (plot_w, plot_h) = (WIDTH - left - right, HEIGHT - top - bottom);
    let seconds = samples.last().map_or(1.0, |s| s.at).max(1.0);
    let mib = |s: &Sample| s.rss_kib as f64 / 1024.0;
    let ceiling = nice_ceiling(samples.iter().map(mib).fold(0.0, f64::max));
    let x = |t: f64| left + plot_w * t / seconds;
    let y = |v: f64| top + plot_h * (1.0 - v / ceiling);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"16\" font-size=\"13\">{title}</text>\n"
    );
    for tick in 0..=4 {
        let value = ceiling * f64::from(tick) / 4.0;
        let _ = writeln!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{value:.0}</text>",
            WIDTH - right,
            left - 4.0,
            y(value) + 4.0,
            y = y(value),
        );
    }
    let step = nice_ceiling(seconds / 5.0);
    for t in (0..).map(|tick| f64::from(tick) * step).take_while(|t| *t <= seconds) {
        let _ = writeln!(svg, "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{t:.0} s</text>", x(t), HEIGHT - bottom + 16.0);
    }
    let _ = writeln!(
        svg,
        "<text x=\"12\" y=\"{:.1}\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">RSS MiB</text>",
        top + plot_h / 2.0,
        top + plot_h / 2.0
    );
    for (t, label) in marks {
        let _ = writeln!(
            svg,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top}\" y2=\"{}\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/>\
             <text x=\"{:.1}\" y=\"{}\" fill=\"#c33\">{label}</text>",
            HEIGHT - bottom,
            x(*t) + 3.0,
            top + 11.0,
            x = x(*t),
        );
    }
    let points: Vec<String> = samples.iter().map(|s| format!("{:.1},{:.1}", x(s.at), y(mib(s)))).collect();
    let _ = writeln!(svg, "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"1.5\" points=\"{}\"/>", points.join(" "));
    svg.push_str("</svg>\n");
    svg
}

/// The smallest of 1, 2 or 5 times a power of ten at or above `value`: the y axis' top, the
/// x axis' step.
fn nice_ceiling(value: f64) -> f64 {
    let power = 10f64.powf(value.max(1.0).log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|c| *c >= value).unwrap_or(10.0 * power)
}
