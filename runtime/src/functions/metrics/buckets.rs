//! `merge_histogram_buckets` (datapoint context).

use super::*;

pub(crate) static FUNCTIONS: &[Function] = &[
    Function::editor("merge_histogram_buckets", &[r("target_value", K::FloatLikeGetter), o("method", K::String)], editor!(merge_histogram_buckets(target_value, method)), "Merges a histogram data point's bucket at `target_value` into its neighbour (\"remove_explicit_bound\" or \"limit_buckets\").", &[Example::new(r#"merge_histogram_buckets(10.0) where metric.name == "http.server.duration""#, r#"metric.name == "http.server.duration" and Len(explicit_bounds) == 1 and Len(bucket_counts) == 2"#)]).only_in(DATAPOINT).origin(Origin::TransformProcessor).literals(bucket_literals),
];

/// How `merge_histogram_buckets` merges (its `method`).
#[derive(Clone, Copy)]
enum Method {
    RemoveExplicitBound,
    LimitBuckets,
}

impl Method {
    const NAMES: &[&str] = &["remove_explicit_bound", "limit_buckets"];

    fn parse(name: &str) -> Result<Method> {
        Ok(match name {
            "remove_explicit_bound" => Method::RemoveExplicitBound,
            "limit_buckets" => Method::LimitBuckets,
            other => {
                bail!("unsupported method {}, expected \"remove_explicit_bound\" or \"limit_buckets\"", coerce::go_quote(other))
            }
        })
    }

    /// The merge of `target_value` by this method.
    fn merge(self, target: f64) -> Result<BucketMerge> {
        Ok(match self {
            Method::RemoveExplicitBound => BucketMerge::RemoveExplicitBound(target),
            Method::LimitBuckets => BucketMerge::LimitBuckets(max_buckets(target)?),
        })
    }
}

/// `maxBucketsFromTargetValue`: with "limit_buckets", `target_value` is a bucket count.
fn max_buckets(target: f64) -> Result<usize> {
    if target < 1.0 || target.trunc() != target || target > i64::MAX as f64 {
        bail!("target_value must be a positive integer when method is \"limit_buckets\", got {}", go::fmt::float_v(target));
    }
    Ok(target as usize)
}

/// The literal `method`, and with "limit_buckets" a literal `target_value`, checked when
/// the statement loads as `mergeHistogramBuckets` does.
fn bucket_literals(args: &LiteralArgs<'_>) -> Vec<LiteralError> {
    let mut problems: Vec<LiteralError> = setting_literal(args, "method", Method::parse, Method::NAMES).into_iter().collect();
    if args.string("method").is_some_and(|name| matches!(Method::parse(name), Ok(Method::LimitBuckets)))
        && let Some(Err(error)) = args.float("target_value").map(max_buckets)
    {
        problems.push(LiteralError::new("target_value", error.to_string()));
    }
    problems
}

#[derive(Clone, Copy)]
enum BucketMerge {
    /// Remove the bound equal (within 1e-12) to the target, merging its bucket into the next.
    RemoveExplicitBound(f64),
    /// At most this many buckets, by merging runs of equal length.
    LimitBuckets(usize),
}

/// `merge_histogram_buckets(target_value, method = "remove_explicit_bound")`: the method
/// is checked first; the target value is read only on a histogram data point, so on any
/// other point a nil or unusable target is no error, as in the reference.
fn merge_histogram_buckets(host: &mut dyn EditorHost, target_value: &Value, method: Option<&str>) -> Result<()> {
    let method = method.map_or(Ok(Method::RemoveExplicitBound), Method::parse)?;
    let Some(ItemMut::DataPoint { metrics, metric, index }) = host.item() else { return Ok(()) };
    let Some(Data::Histogram(histogram)) = metrics.get_mut(metric).and_then(|m| m.data.as_mut()) else { return Ok(()) };
    let Some(point) = histogram.data_points.get_mut(index) else { return Ok(()) };
    let target = coerce::float_like(target_value)?.ok_or_else(|| Error::new("target_value must not be nil"))?;
    let merge = method.merge(target)?;
    // Malformed histograms are left alone.
    if point.explicit_bounds.len() + 1 != point.bucket_counts.len() || point.bucket_counts.len() == 1 {
        return Ok(());
    }
    match merge {
        BucketMerge::RemoveExplicitBound(bound) => {
            if let Some(i) = point.explicit_bounds.iter().position(|b| (b - bound).abs() < 1e-12) {
                let merged = point.bucket_counts[i];
                point.bucket_counts[i + 1] = point.bucket_counts[i + 1].wrapping_add(merged);
                point.bucket_counts.remove(i);
                point.explicit_bounds.remove(i);
            }
        }
        BucketMerge::LimitBuckets(max) => limit_buckets(point, max),
    }
    Ok(())
}

/// Merges runs of `ceil(buckets / max)` adjacent buckets (the last run may be shorter);
/// each run keeps the bound at its end. Needs strictly increasing bounds.
fn limit_buckets(point: &mut HistogramDataPoint, max: usize) {
    let buckets = point.bucket_counts.len();
    let increasing = point.explicit_bounds.windows(2).all(|w| w[1].partial_cmp(&w[0]) == Some(Ordering::Greater));
    if buckets <= max || buckets <= 1 || !increasing {
        return;
    }
    let run = buckets.div_ceil(max);
    point.bucket_counts = point.bucket_counts.chunks(run).map(|c| c.iter().fold(0u64, |a, b| a.wrapping_add(*b))).collect();
    point.explicit_bounds = point.explicit_bounds.iter().skip(run - 1).step_by(run).copied().collect();
}
