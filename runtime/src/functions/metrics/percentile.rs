//! `extract_percentile_metric`: a gauge of a percentile estimated from each histogram or
//! exponential histogram point.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[Function::editor(
    "extract_percentile_metric",
    &[r("percentile", K::Float), o("suffix", K::String)],
    editor!(extract_percentile_metric(percentile, suffix)),
    "Adds a gauge metric holding a percentile estimated from each histogram data point.",
    &[Example::new(
        r#"extract_percentile_metric(95.0) where metric.name == "http.server.duration""#,
        r#"metric.name == "http.server.duration_p95" and metric.type == METRIC_DATA_TYPE_GAUGE"#,
    )],
)
.only_in(METRIC)
.origin(Origin::TransformProcessor)
.literals(percentile_literal)];

/// `extract_percentile_metric(percentile, suffix = "_p{percentile}")`: appends a gauge with
/// the percentile estimated from each histogram or exponential histogram point. The
/// percentile is checked before the suffix is read.
fn extract_percentile_metric(host: &mut dyn EditorHost, percentile: f64, suffix: Option<&Value>) -> Result<()> {
    percentile_in_range(percentile)?;
    let default_suffix = format!("_p{}", go::fmt::float_v(percentile));
    let suffix = optional_string(suffix)?.unwrap_or(default_suffix.as_str());
    let (metrics, index) = metric_list(host, "extract_percentile_metric")?;
    let metric = &metrics[index];
    let estimates = match &metric.data {
        Some(Data::Histogram(h)) => {
            h.data_points.iter().map(|p| histogram_percentile(p, percentile)).collect::<Result<Vec<f64>>>()?
        }
        Some(Data::ExponentialHistogram(h)) => {
            h.data_points.iter().map(|p| exponential_percentile(p, percentile)).collect::<Result<Vec<f64>>>()?
        }
        _ => return Ok(()),
    };
    let stats = point_stats(&metric.data).unwrap_or_default();
    let data_points: Vec<NumberDataPoint> = stats
        .iter()
        .zip(estimates)
        .map(|(s, estimate)| number_point(s.attributes, s.start, s.time, number_data_point::Value::AsDouble(estimate)))
        .collect();
    if data_points.is_empty() {
        return Ok(());
    }
    let mut new = derived_metric(metric, suffix, &metric.unit, Data::Gauge(Gauge { data_points }));
    new.description = if metric.description.is_empty() {
        format!("p{}", go::fmt::float_v(percentile))
    } else {
        format!("{} (p{})", metric.description, go::fmt::float_v(percentile))
    };
    metrics.push(new);
    Ok(())
}

/// A percentile from 0 to 100 (the factory's check).
fn percentile_in_range(percentile: f64) -> Result<()> {
    if !(0.0..=100.0).contains(&percentile) {
        bail!("percentile must be between 0 and 100, got {percentile:.6}");
    }
    Ok(())
}

/// A literal percentile, checked when the statement loads.
fn percentile_literal(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let problem = args.float("percentile").and_then(|percentile| percentile_in_range(percentile).err());
    problem.map(|error| LiteralError::new("percentile", error.to_string())).into_iter().collect()
}

/// The number of observations at or below the percentile (`ceil(count · p / 100)`).
fn target_count(count: u64, percentile: f64) -> u64 {
    (count as f64 * (percentile / 100.0)).ceil() as u64
}

fn linear_interpolation(lower: f64, upper: f64, ratio: f64) -> f64 {
    lower + ratio * (upper - lower)
}

fn logarithmic_interpolation(lower: f64, upper: f64, ratio: f64) -> f64 {
    let (log_lower, log_upper) = (lower.log2(), upper.log2());
    (log_lower + (log_upper - log_lower) * ratio).exp2()
}

/// A histogram percentile by linear interpolation in its bucket. The first bucket starts at
/// `min` (or 0 when its bound is not negative); the overflow bucket ends at `max`, or the
/// answer is its lower bound. NaN for an empty histogram.
pub(super) fn histogram_percentile(point: &HistogramDataPoint, percentile: f64) -> Result<f64> {
    let (counts, bounds) = (&point.bucket_counts, &point.explicit_bounds);
    if point.count == 0 || counts.is_empty() || bounds.is_empty() {
        return Ok(f64::NAN);
    }
    let target = target_count(point.count, percentile);
    let mut cumulative: u64 = 0;
    for (i, &count) in counts.iter().enumerate() {
        let before = cumulative;
        cumulative = cumulative.saturating_add(count);
        if cumulative < target {
            continue;
        }
        let (lower, upper) = if i == 0 {
            let upper = bounds[0];
            match point.min {
                Some(min) => (min, upper),
                None if upper >= 0.0 => (0.0, upper),
                None => return Ok(upper),
            }
        } else {
            let lower = bounds.get(i - 1).copied().unwrap_or(bounds[bounds.len() - 1]);
            match bounds.get(i) {
                Some(&upper) => (lower, upper),
                None => match point.max {
                    Some(max) if max > lower => (lower, max),
                    _ => return Ok(lower),
                },
            }
        };
        let ratio = (target - before) as f64 / count as f64;
        return Ok(linear_interpolation(lower, upper, ratio));
    }
    bail!(
        "percentile p{percentile:.2} not found in histogram buckets: targetCount={target}, totalCount={}, total cumulative count={cumulative} (malformed data: cumulative count doesn't reach target)",
        point.count
    )
}

/// The lower bound of exponential bucket `index` at `scale` (the OTLP data model).
pub(super) fn exponential_bucket_bound(index: i64, scale: i32) -> f64 {
    if index == 0 {
        1.0
    } else if scale <= 0 {
        let exponent = index.checked_shl(scale.unsigned_abs()).filter(|e| e >> scale.unsigned_abs() == index);
        match exponent {
            Some(e) => (e.clamp(-2000, 2000) as f64).exp2(),
            None if index < 0 => 0.0,
            None => f64::INFINITY,
        }
    } else {
        (index as f64 * std::f64::consts::LN_2 * (-f64::from(scale)).exp2()).exp()
    }
}

/// An exponential histogram percentile: negative buckets (most negative first), then the
/// zero bucket, then positive buckets, interpolated logarithmically. NaN when empty.
pub(super) fn exponential_percentile(point: &ExponentialHistogramDataPoint, percentile: f64) -> Result<f64> {
    let empty = Buckets::default();
    let negative = point.negative.as_ref().unwrap_or(&empty);
    let positive = point.positive.as_ref().unwrap_or(&empty);
    if point.count == 0 || (negative.bucket_counts.is_empty() && positive.bucket_counts.is_empty() && point.zero_count == 0) {
        return Ok(f64::NAN);
    }
    let target = target_count(point.count, percentile);
    let mut cumulative: u64 = 0;
    for (i, &count) in negative.bucket_counts.iter().enumerate() {
        let before = cumulative;
        cumulative = cumulative.saturating_add(count);
        if cumulative >= target {
            let index = i64::from(negative.offset) + i as i64;
            let upper = exponential_bucket_bound(index, point.scale);
            let lower = exponential_bucket_bound(index + 1, point.scale);
            let ratio = (target as f64 - before as f64) / count as f64;
            return Ok(-logarithmic_interpolation(upper, lower, 1.0 - ratio));
        }
    }
    let negative_total = cumulative;
    cumulative = cumulative.saturating_add(point.zero_count);
    if cumulative >= target {
        let has_negative = !negative.bucket_counts.is_empty();
        let has_positive = !positive.bucket_counts.is_empty();
        let lower = if !has_negative && has_positive { 0.0 } else { -point.zero_threshold };
        let upper = if !has_positive && has_negative { 0.0 } else { point.zero_threshold };
        let ratio = (target - negative_total) as f64 / point.zero_count as f64;
        return Ok(linear_interpolation(lower, upper, ratio));
    }
    for (i, &count) in positive.bucket_counts.iter().enumerate() {
        let before = cumulative;
        cumulative = cumulative.saturating_add(count);
        if cumulative >= target {
            let index = i64::from(positive.offset) + i as i64;
            let lower = exponential_bucket_bound(index, point.scale);
            let upper = exponential_bucket_bound(index + 1, point.scale);
            let ratio = (target - before) as f64 / count as f64;
            return Ok(logarithmic_interpolation(lower, upper, ratio));
        }
    }
    bail!(
        "percentile p{percentile:.2} not found in positive buckets for exponential histogram: targetCount={target}, total count={cumulative} (malformed data: cumulative count doesn't reach target count corresponding to percentile)"
    )
}
