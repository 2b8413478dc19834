//! `convert_exponential_histogram_to_histogram`: exponential buckets redistributed over
//! explicit bounds.

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::editor("convert_exponential_histogram_to_histogram", &[r("distribution_fn", K::String), r("explicit_bounds", K::FloatList)], editor!(convert_exponential_histogram_to_histogram(distribution_fn, explicit_bounds)), "Converts an exponential histogram to an explicit-bucket histogram (\"upper\", \"midpoint\", \"uniform\" or \"random\" distribution).", &[Example::new(r#"convert_exponential_histogram_to_histogram("midpoint", [0.0, 10.0, 100.0]) where metric.name == "latency""#, r#"metric.name == "latency" and metric.type == METRIC_DATA_TYPE_HISTOGRAM"#)]).only_in(METRIC).origin(Origin::TransformProcessor).literals(conversion_literals),
];

/// How an exponential bucket's count is spread over explicit buckets it overlaps.
#[derive(Clone, Copy)]
enum Distribution {
    Upper,
    Midpoint,
    Uniform,
    Random,
}

impl Distribution {
    const NAMES: &[&str] = &["upper", "midpoint", "random", "uniform"];

    fn parse(name: &str) -> Result<Distribution> {
        Ok(match name {
            "upper" => Distribution::Upper,
            "midpoint" => Distribution::Midpoint,
            // The reference's default when the name is empty.
            "random" | "" => Distribution::Random,
            "uniform" => Distribution::Uniform,
            other => bail!("invalid conversion function: {other}, must be one of [{}]", Distribution::NAMES.join(", ")),
        })
    }
}

/// At least one explicit bound (the factory's check).
fn non_empty_bounds<T>(bounds: &[T]) -> Result<()> {
    if bounds.is_empty() {
        bail!("explicit bounds cannot be empty: []");
    }
    Ok(())
}

/// The literal distribution name and bounds, checked when the statement loads as the
/// factory does.
fn conversion_literals(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let distribution = setting_literal(args, "distribution_fn", Distribution::parse, Distribution::NAMES);
    let bounds = match args.get("explicit_bounds") {
        Some(Literal::List(bounds)) => {
            non_empty_bounds(bounds).err().map(|e| LiteralError::new("explicit_bounds", e.to_string()))
        }
        _ => None,
    };
    distribution.into_iter().chain(bounds).collect()
}

/// `convert_exponential_histogram_to_histogram(distribution, explicit_bounds)`: the
/// distribution is checked before the bounds are read.
fn convert_exponential_histogram_to_histogram(
    host: &mut dyn EditorHost,
    distribution_fn: &str,
    explicit_bounds: &Value,
) -> Result<()> {
    let distribution = Distribution::parse(distribution_fn)?;
    let bounds = List::of(explicit_bounds)?.floats()?;
    non_empty_bounds(&bounds)?;
    let metric = metric_mut(host, "convert_exponential_histogram_to_histogram")?;
    let exponential = match metric.data.take() {
        Some(Data::ExponentialHistogram(exponential)) => exponential,
        other => {
            metric.data = other;
            return Ok(());
        }
    };
    let data_points = exponential
        .data_points
        .into_iter()
        .map(|point| HistogramDataPoint {
            bucket_counts: explicit_bucket_counts(&point, &bounds, distribution),
            explicit_bounds: bounds.clone(),
            start_time_unix_nano: point.start_time_unix_nano,
            time_unix_nano: point.time_unix_nano,
            count: point.count,
            sum: Some(point.sum.unwrap_or(0.0)),
            min: Some(point.min.unwrap_or(0.0)),
            max: Some(point.max.unwrap_or(0.0)),
            exemplars: point.exemplars,
            attributes: point.attributes,
            flags: 0,
        })
        .collect();
    metric.metadata.clear();
    metric.data = Some(Data::Histogram(Histogram { data_points, aggregation_temporality: exponential.aggregation_temporality }));
    Ok(())
}

/// The explicit bucket counts of an exponential point, as the newest reference computes
/// them: one count per bound (the last also takes what lies above it), the zero count in
/// the first bucket when the first bound is 0, negative buckets ignored.
fn explicit_bucket_counts(point: &ExponentialHistogramDataPoint, bounds: &[f64], distribution: Distribution) -> Vec<u64> {
    let mut counts = vec![0u64; bounds.len()];
    let last = bounds.len() - 1;
    if point.zero_count > 0 && bounds[0] == 0.0 {
        counts[0] += point.zero_count;
    }
    let Some(positive) = &point.positive else { return counts };
    let factor = std::f64::consts::LN_2 * (-f64::from(point.scale)).exp2();
    for (i, &count) in positive.bucket_counts.iter().enumerate() {
        let index = positive.offset.wrapping_add(i as i32);
        let upper = ((f64::from(index) + 1.0) * factor).exp();
        let lower = (f64::from(index) * factor).exp();
        if lower > bounds[last] {
            counts[last] = counts[last].wrapping_add(count);
            continue;
        }
        // A bucket that falls inside one explicit bucket goes there whatever the distribution.
        if let Some(inside) = (1..bounds.len()).find(|&b| lower > bounds[b - 1] && upper <= bounds[b]) {
            counts[inside - 1] = counts[inside - 1].wrapping_add(count);
            continue;
        }
        match distribution {
            Distribution::Upper => distribute_at(&mut counts, bounds, upper, count, false),
            Distribution::Midpoint => distribute_at(&mut counts, bounds, (upper + lower) / 2.0, count, true),
            Distribution::Uniform => distribute_uniformly(&mut counts, bounds, lower, upper, count),
            Distribution::Random => distribute_randomly(&mut counts, bounds, lower, upper, count),
        }
    }
    counts
}

/// All of `count` to the first bound at or above `value` (the one before it, for the
/// midpoint method), or to the last bucket.
fn distribute_at(counts: &mut [u64], bounds: &[f64], value: f64, count: u64, previous: bool) {
    let at = match bounds.iter().position(|&bound| value <= bound) {
        Some(j) if previous && j > 0 => j - 1,
        Some(j) => j,
        None => bounds.len() - 1,
    };
    counts[at] = counts[at].wrapping_add(count);
}

/// The bounds an exponential bucket `(lower, upper]` reaches: the first at or above `lower`
/// to the first from there at or above `upper`, kept within the bounds.
fn intersecting_bounds(bounds: &[f64], lower: f64, upper: f64) -> (usize, usize) {
    let last = bounds.len() - 1;
    let start = bounds.iter().position(|&b| lower <= b).unwrap_or(bounds.len());
    let end = (start..bounds.len()).find(|&j| upper <= bounds[j]).unwrap_or(bounds.len());
    (start.min(last), end.min(last))
}

/// `count` spread evenly over the intersecting bounds, the remainder one each from the first.
fn distribute_uniformly(counts: &mut [u64], bounds: &[f64], lower: f64, upper: f64, count: u64) {
    let (start, end) = intersecting_bounds(bounds, lower, upper);
    if end <= start {
        counts[start] = counts[start].wrapping_add(count);
        return;
    }
    let width = (end - start + 1) as u64;
    let (each, mut remainder) = (count / width, count % width);
    for slot in &mut counts[start..=end] {
        *slot = slot.wrapping_add(each);
        if remainder > 0 {
            *slot = slot.wrapping_add(1);
            remainder -= 1;
        }
    }
}

/// `count` spread at random over the intersecting bounds, weighted by overlap, the rest
/// one at a time to random bounds (in bulk when it is large, so this never runs long).
pub(super) fn distribute_randomly(counts: &mut [u64], bounds: &[f64], lower: f64, upper: f64, count: u64) {
    let (start, end) = intersecting_bounds(bounds, lower, upper);
    if end <= start {
        counts[start] = counts[start].wrapping_add(count);
        return;
    }
    let width = upper - lower;
    let mut allocated: u64 = 0;
    for (j, slot) in counts.iter_mut().enumerate().take(end + 1).skip(start) {
        let bucket_lower = if j == 0 { lower } else { bounds[j - 1] };
        let overlap = bounds[j].min(upper) - bucket_lower.max(lower);
        let share = (count as f64 * (overlap / width)) as u64;
        let random_share = (random_unit() * share as f64) as u64;
        *slot = slot.wrapping_add(random_share);
        allocated = allocated.saturating_add(random_share);
    }
    let mut remaining = count.saturating_sub(allocated);
    let slots = (end - start + 1) as u64;
    if remaining > 1 << 16 {
        let each = remaining / slots;
        counts[start..=end].iter_mut().for_each(|slot| *slot = slot.wrapping_add(each));
        remaining -= each * slots;
    }
    for _ in 0..remaining {
        let j = start + (random_u64() % slots) as usize;
        counts[j] = counts[j].wrapping_add(1);
    }
}

thread_local! {
    static RANDOM_STATE: Cell<u64> = Cell::new(random_seed());
}

/// A per-thread seed from the standard library's randomly keyed hasher.
fn random_seed() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64) | 1
}

/// xorshift64*: plenty for spreading counts.
fn random_u64() -> u64 {
    RANDOM_STATE.with(|state| {
        let mut x = state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// A uniform float in [0, 1).
fn random_unit() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}
