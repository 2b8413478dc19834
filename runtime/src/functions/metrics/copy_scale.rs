//! `copy_metric` and `scale_metric`.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::editor(
        "copy_metric",
        &[o("name", K::StringGetter), o("description", K::StringGetter), o("unit", K::StringGetter)],
        editor!(copy_metric(name, description, unit)),
        "Appends a copy of the metric, optionally renamed, redescribed or with another unit.",
        &[Example::new(
            r#"copy_metric(name="http.requests.copy") where metric.name == "http.requests""#,
            r#"metric.name == "http.requests.copy" and metric.type == METRIC_DATA_TYPE_SUM"#,
        )],
    )
    .only_in(METRIC)
    .origin(Origin::TransformProcessor),
    Function::editor(
        "scale_metric",
        &[r("multiplier", K::Float), o("unit", K::StringGetter)],
        editor!(scale_metric(multiplier, unit)),
        "Multiplies every data point value of the metric by `multiplier`, optionally setting a new unit.",
        &[Example::new(
            r#"scale_metric(1000.0, "us") where metric.name == "http.server.duration""#,
            r#"metric.name == "http.server.duration" and metric.unit == "us""#,
        )],
    )
    .only_in(METRIC)
    .origin(Origin::TransformProcessor),
];

/// `copy_metric(name?, description?, unit?)`: appends a copy of the metric. As in the
/// reference the copy is appended before the new fields are read, so a bad one leaves it.
fn copy_metric(host: &mut dyn EditorHost, name: Option<&Value>, description: Option<&Value>, unit: Option<&Value>) -> Result<()> {
    let (metrics, index) = metric_list(host, "copy_metric")?;
    let copy = metrics[index].clone();
    metrics.push(copy);
    let Some(copy) = metrics.last_mut() else { return Ok(()) };
    for (field, value) in [(&mut copy.name, name), (&mut copy.description, description), (&mut copy.unit, unit)] {
        if let Some(value) = optional_string(value)? {
            *field = value.to_string();
        }
    }
    Ok(())
}

/// `scale_metric(multiplier, unit?)`: multiplies the values of a gauge, sum, histogram (sum,
/// min, max, bounds, exemplars) or summary (sum, quantile values). A wrong unit is reported
/// with the reference's context.
fn scale_metric(host: &mut dyn EditorHost, multiplier: f64, unit: Option<&Value>) -> Result<()> {
    let unit = optional_string(unit).map_err(|e| e.context("could not get unit from ScaleArguments"))?;
    let metric = metric_mut(host, "scale_metric")?;
    match &mut metric.data {
        Some(Data::Gauge(g)) => scale_numbers(&mut g.data_points, multiplier),
        Some(Data::Sum(s)) => scale_numbers(&mut s.data_points, multiplier),
        Some(Data::Histogram(h)) => h.data_points.iter_mut().for_each(|p| scale_histogram_point(p, multiplier)),
        Some(Data::Summary(s)) => {
            for point in &mut s.data_points {
                point.sum *= multiplier;
                point.quantile_values.iter_mut().for_each(|q| q.value *= multiplier);
            }
        }
        Some(Data::ExponentialHistogram(_)) => bail!("exponential histograms are not supported by the 'scale_metric' function"),
        None => bail!("unsupported metric type: 'Empty'"),
    }
    if let Some(unit) = unit {
        metric.unit = unit.to_string();
    }
    Ok(())
}

/// An int scaled and truncated back to an int, as Go's `int64(float64(i) * factor)`.
fn scale_int(value: i64, factor: f64) -> i64 {
    coerce::float_to_int(value as f64 * factor)
}

fn scale_numbers(points: &mut [NumberDataPoint], factor: f64) {
    for point in points {
        point.value = match point.value {
            Some(number_data_point::Value::AsInt(i)) => Some(number_data_point::Value::AsInt(scale_int(i, factor))),
            Some(number_data_point::Value::AsDouble(d)) => Some(number_data_point::Value::AsDouble(d * factor)),
            None => None,
        };
    }
}

fn scale_histogram_point(point: &mut HistogramDataPoint, factor: f64) {
    for value in [&mut point.sum, &mut point.min, &mut point.max].into_iter().flatten() {
        *value *= factor;
    }
    point.explicit_bounds.iter_mut().for_each(|bound| *bound *= factor);
    for exemplar in &mut point.exemplars {
        exemplar.value = match exemplar.value {
            Some(exemplar::Value::AsInt(i)) => Some(exemplar::Value::AsInt(scale_int(i, factor))),
            Some(exemplar::Value::AsDouble(d)) => Some(exemplar::Value::AsDouble(d * factor)),
            None => None,
        };
    }
}
