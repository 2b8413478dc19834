//! Running a rule set over the resource → scope → item hierarchy, and what the rule-form
//! actions make of the result.
//!
//! A program runs once per item of its level (every span, every data point, …), with the
//! item's resource and scope reachable and a fresh `cache`. Its actions decide the item's
//! [`Fate`]; [`split`] then sorts the items into outputs:
//! - `drop()` removes the item (dropping a resource or scope removes what is under it);
//! - if the rule set has any `keep()`, it is an allow-list: an item survives only if some
//!   `keep()` matched it and no `drop()` did;
//! - `route("x")` sends the item to output `x` (to each of several routes); items never
//!   routed go to the default output.
//!
//! Below the item level (span events, span links, data points) a parent stays in an
//! output while it has children there, except that a metric whose data points were all
//! dropped is removed, as the filter processor does; a span keeps its place when all its
//! events are dropped.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use smallvec::SmallVec;
use smol_str::SmolStr;

use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::logs::v1::{LogRecord, LogsData, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::{Metric, MetricsData, ResourceMetrics, ScopeMetrics};
use opentelemetry_proto::tonic::profiles::v1development::{
    Profile, ProfilesData, ProfilesDictionary, ResourceProfiles, ScopeProfiles,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, TracesData};

use crate::context::{Group, ItemMut, TransformContext};
use crate::error::{Error, Result};
use crate::hierarchy::Context;
use crate::otlp::Telemetry;

/// What a rule-form action asks for an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Keep,
    Drop,
    /// Route names are short: kept inline, they cost no allocation per routed item.
    Route(SmolStr),
}

/// How a failing rule is treated (the processors' `error_mode`, spec §3.7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ErrorMode {
    /// Log the error and go on with the next rule (the transform processor's default).
    #[default]
    Ignore,
    /// Go on without logging.
    Silent,
    /// Stop: the whole payload fails.
    Propagate,
}

/// Whether a rule is a statement or a bare condition, for its error message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    Statement,
    Condition,
}

impl ErrorMode {
    pub fn parse(name: &str) -> Option<ErrorMode> {
        match name {
            "ignore" => Some(ErrorMode::Ignore),
            "silent" => Some(ErrorMode::Silent),
            "propagate" => Some(ErrorMode::Propagate),
            _ => None,
        }
    }

    /// What the failure of rule `text` becomes under this mode: a warning to log
    /// (`ignore`), nothing (`silent`), or the error that fails the payload (`propagate`).
    /// Both back ends word it the same way, as the collector's statement and condition
    /// sequences do (a filter's conditions and a transform group's `conditions` are both
    /// condition sequences).
    pub fn on_failure(self, kind: RuleKind, text: &str, error: Error) -> Result<Option<String>> {
        let what = match kind {
            RuleKind::Statement => "failed to execute statement",
            RuleKind::Condition => "failed to eval condition",
        };
        let error = Error::new(format!("{what}: {text}, {error}"));
        match self {
            ErrorMode::Ignore => Ok(Some(error.to_string())),
            ErrorMode::Silent => Ok(None),
            ErrorMode::Propagate => Err(error),
        }
    }
}

/// What the actions decided for one item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fate {
    pub kept: bool,
    pub dropped: bool,
    /// The routes, each once, in the order first asked for (an item rarely has more than
    /// one or two: they stay inline).
    pub routes: SmallVec<[SmolStr; 2]>,
}

impl Fate {
    pub fn record(&mut self, action: Action) {
        match action {
            Action::Keep => self.kept = true,
            Action::Drop => self.dropped = true,
            Action::Route(name) => {
                if !self.routes.contains(&name) {
                    self.routes.push(name);
                }
            }
        }
    }

    fn is_default(&self) -> bool {
        !self.kept && !self.dropped && self.routes.is_empty()
    }
}

/// Where an item is: resource, scope, item and sub-item indices, as deep as its level.
type Position = [usize; 4];

/// The fates of the items whose actions decided something.
#[derive(Debug, Default)]
pub struct Fates {
    level: Option<Context>,
    /// In the order the items ran, which is the order of their positions: `split`, which
    /// asks in the same order, finds each with a cursor instead of a hash or a search.
    decided: Vec<(Position, Fate)>,
}

/// The program a rule set runs on each item.
pub type Program<'p> = dyn FnMut(&mut TransformContext<'_>) -> Result<Fate> + 'p;

/// Runs `program` on every item of `level`; the error of the first item that fails ends
/// the run (the `propagate` error mode's payload failure).
pub fn run(telemetry: &mut Telemetry, level: Context, program: &mut Program<'_>) -> Result<Fates> {
    if !level.fits(telemetry) {
        return Err(Error::new(format!("{level} statements do not apply to this payload's signal")));
    }
    let mut fates = Fates { level: Some(level), decided: Vec::new() };
    match telemetry {
        Telemetry::Traces(data) => walk(&mut data.resource_spans, &mut (), level, program, &mut fates)?,
        Telemetry::Metrics(data) => walk(&mut data.resource_metrics, &mut (), level, program, &mut fates)?,
        Telemetry::Logs(data) => walk(&mut data.resource_logs, &mut (), level, program, &mut fates)?,
        Telemetry::Profiles(data) => {
            let dictionary = data.dictionary.get_or_insert_with(Default::default);
            walk(&mut data.resource_profiles, dictionary, level, program, &mut fates)?
        }
    }
    // Items are run in position order; kept so whatever a function did to the hierarchy.
    if !fates.decided.is_sorted_by(|a, b| a.0 < b.0) {
        fates.decided.sort_by_key(|(position, _)| *position);
    }
    Ok(fates)
}

fn walk<R: ResourceGroup>(
    resources: &mut [R],
    shared: &mut <R::Scope as ScopeGroup>::Shared,
    level: Context,
    program: &mut Program<'_>,
    fates: &mut Fates,
) -> Result<()> {
    let mut record = |position: Position, fate: Fate| {
        if !fate.is_default() {
            fates.decided.push((position, fate));
        }
    };
    for (ri, group) in resources.iter_mut().enumerate() {
        let (resource, resource_schema_url, scopes) = group.parts();
        if level == Context::Resource {
            let (mut scope, mut scope_schema_url) = (InstrumentationScope::default(), String::new());
            let mut ctx = TransformContext {
                resource,
                resource_schema_url,
                scope: &mut scope,
                scope_schema_url: &mut scope_schema_url,
                item: ItemMut::Resource,
                cache: Vec::new(),
                group: Group { resource: ri, scope: 0 },
            };
            record([ri, 0, 0, 0], program(&mut ctx)?);
            continue;
        }
        for (si, scope_group) in scopes.iter_mut().enumerate() {
            let (scope, scope_schema_url, items) = scope_group.parts();
            let mut run_item = |item: ItemMut<'_>, ii: usize, sub: usize| -> Result<()> {
                let mut ctx = TransformContext {
                    resource: &mut *resource,
                    resource_schema_url: &mut *resource_schema_url,
                    scope: &mut *scope,
                    scope_schema_url: &mut *scope_schema_url,
                    item,
                    cache: Vec::new(),
                    group: Group { resource: ri, scope: si },
                };
                record([ri, si, ii, sub], program(&mut ctx)?);
                Ok(())
            };
            if level == Context::Scope {
                run_item(ItemMut::Scope, 0, 0)?;
            } else {
                R::Scope::for_each_item(items, shared, level, &mut run_item)?;
            }
        }
    }
    Ok(())
}

/// A `ResourceSpans` / `ResourceMetrics` / `ResourceLogs`.
trait ResourceGroup: Clone {
    type Scope: ScopeGroup;
    fn parts(&mut self) -> (&mut Resource, &mut String, &mut Vec<Self::Scope>);
}

/// A `ScopeSpans` / `ScopeMetrics` / `ScopeLogs`.
trait ScopeGroup: Clone {
    type Item: Clone + Default;
    /// What the items of a payload share (the profiles' dictionary; nothing elsewhere).
    type Shared;
    fn parts(&mut self) -> (&mut InstrumentationScope, &mut String, &mut Vec<Self::Item>);
    /// Calls `f` on every item of `level` with its index and sub-item index.
    fn for_each_item(
        items: &mut Vec<Self::Item>,
        shared: &mut Self::Shared,
        level: Context,
        f: &mut dyn FnMut(ItemMut<'_>, usize, usize) -> Result<()>,
    ) -> Result<()>;
    /// Keeps the items (or sub-items) of `level` for which `keep(index, sub)` holds.
    fn retain(items: &mut Vec<Self::Item>, level: Context, keep: &dyn Fn(usize, usize) -> bool);
}

macro_rules! resource_group {
    ($resource:ty, $scope:ty, $scopes:ident, $item:ty, $items:ident) => {
        impl ResourceGroup for $resource {
            type Scope = $scope;
            fn parts(&mut self) -> (&mut Resource, &mut String, &mut Vec<$scope>) {
                (self.resource.get_or_insert_with(Default::default), &mut self.schema_url, &mut self.$scopes)
            }
        }
    };
}

macro_rules! scope_parts {
    ($items:ident, $item:ty) => {
        type Item = $item;
        fn parts(&mut self) -> (&mut InstrumentationScope, &mut String, &mut Vec<$item>) {
            (self.scope.get_or_insert_with(Default::default), &mut self.schema_url, &mut self.$items)
        }
    };
}

resource_group!(ResourceSpans, ScopeSpans, scope_spans, Span, spans);
resource_group!(ResourceMetrics, ScopeMetrics, scope_metrics, Metric, metrics);
resource_group!(ResourceLogs, ScopeLogs, scope_logs, LogRecord, log_records);
resource_group!(ResourceProfiles, ScopeProfiles, scope_profiles, Profile, profiles);

impl ScopeGroup for ScopeSpans {
    scope_parts!(spans, Span);
    type Shared = ();

    fn for_each_item(
        items: &mut Vec<Span>,
        _: &mut (),
        level: Context,
        f: &mut dyn FnMut(ItemMut<'_>, usize, usize) -> Result<()>,
    ) -> Result<()> {
        for (ii, span) in items.iter_mut().enumerate() {
            match level {
                Context::Span => f(ItemMut::Span(span), ii, 0)?,
                Context::SpanEvent => {
                    for index in 0..span.events.len() {
                        f(ItemMut::SpanEvent { span: &mut *span, index }, ii, index)?;
                    }
                }
                Context::SpanLink => {
                    for index in 0..span.links.len() {
                        f(ItemMut::SpanLink { span: &mut *span, index }, ii, index)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn retain(items: &mut Vec<Span>, level: Context, keep: &dyn Fn(usize, usize) -> bool) {
        match level {
            Context::Span => retain_indexed(items, |ii, _| keep(ii, 0)),
            Context::SpanEvent => {
                items.iter_mut().enumerate().for_each(|(ii, s)| retain_indexed(&mut s.events, |sub, _| keep(ii, sub)))
            }
            Context::SpanLink => {
                items.iter_mut().enumerate().for_each(|(ii, s)| retain_indexed(&mut s.links, |sub, _| keep(ii, sub)))
            }
            _ => {}
        }
    }
}

impl ScopeGroup for ScopeMetrics {
    scope_parts!(metrics, Metric);
    type Shared = ();

    fn for_each_item(
        items: &mut Vec<Metric>,
        _: &mut (),
        level: Context,
        f: &mut dyn FnMut(ItemMut<'_>, usize, usize) -> Result<()>,
    ) -> Result<()> {
        // Functions may append metrics; they are visited too, as the reference does.
        let mut ii = 0;
        while ii < items.len() {
            match level {
                Context::Metric => f(ItemMut::Metric { metrics: &mut *items, index: ii }, ii, 0)?,
                Context::DataPoint => {
                    let mut index = 0;
                    while index < items.get(ii).map_or(0, point_count) {
                        f(ItemMut::DataPoint { metrics: &mut *items, metric: ii, index }, ii, index)?;
                        index += 1;
                    }
                }
                _ => {}
            }
            ii += 1;
        }
        Ok(())
    }

    fn retain(items: &mut Vec<Metric>, level: Context, keep: &dyn Fn(usize, usize) -> bool) {
        match level {
            Context::Metric => retain_indexed(items, |ii, _| keep(ii, 0)),
            Context::DataPoint => retain_unemptied(items, |ii, metric| {
                let before = point_count(metric);
                retain_points(metric, &|sub| keep(ii, sub));
                before > 0 && point_count(metric) == 0
            }),
            _ => {}
        }
    }
}

impl ScopeGroup for ScopeLogs {
    scope_parts!(log_records, LogRecord);
    type Shared = ();

    fn for_each_item(
        items: &mut Vec<LogRecord>,
        _: &mut (),
        level: Context,
        f: &mut dyn FnMut(ItemMut<'_>, usize, usize) -> Result<()>,
    ) -> Result<()> {
        if level == Context::Log {
            for (ii, log) in items.iter_mut().enumerate() {
                f(ItemMut::Log(log), ii, 0)?;
            }
        }
        Ok(())
    }

    fn retain(items: &mut Vec<LogRecord>, level: Context, keep: &dyn Fn(usize, usize) -> bool) {
        if level == Context::Log {
            retain_indexed(items, |ii, _| keep(ii, 0));
        }
    }
}

impl ScopeGroup for ScopeProfiles {
    scope_parts!(profiles, Profile);
    type Shared = ProfilesDictionary;

    fn for_each_item(
        items: &mut Vec<Profile>,
        dictionary: &mut ProfilesDictionary,
        level: Context,
        f: &mut dyn FnMut(ItemMut<'_>, usize, usize) -> Result<()>,
    ) -> Result<()> {
        if level == Context::Profile {
            for (ii, profile) in items.iter_mut().enumerate() {
                f(ItemMut::Profile { profile, dictionary: &mut *dictionary }, ii, 0)?;
            }
        }
        Ok(())
    }

    fn retain(items: &mut Vec<Profile>, level: Context, keep: &dyn Fn(usize, usize) -> bool) {
        if level == Context::Profile {
            retain_indexed(items, |ii, _| keep(ii, 0));
        }
    }
}

/// `Vec::retain` with each element's original index.
fn retain_indexed<T>(items: &mut Vec<T>, keep: impl Fn(usize, &T) -> bool) {
    let mut index = 0;
    items.retain(|item| {
        let kept = keep(index, item);
        index += 1;
        kept
    });
}

/// How many data points a metric has.
pub fn point_count(metric: &Metric) -> usize {
    match &metric.data {
        Some(Data::Gauge(g)) => g.data_points.len(),
        Some(Data::Sum(s)) => s.data_points.len(),
        Some(Data::Histogram(h)) => h.data_points.len(),
        Some(Data::ExponentialHistogram(h)) => h.data_points.len(),
        Some(Data::Summary(s)) => s.data_points.len(),
        None => 0,
    }
}

fn retain_points(metric: &mut Metric, keep: &dyn Fn(usize) -> bool) {
    match &mut metric.data {
        Some(Data::Gauge(g)) => retain_indexed(&mut g.data_points, |i, _| keep(i)),
        Some(Data::Sum(s)) => retain_indexed(&mut s.data_points, |i, _| keep(i)),
        Some(Data::Histogram(h)) => retain_indexed(&mut h.data_points, |i, _| keep(i)),
        Some(Data::ExponentialHistogram(h)) => retain_indexed(&mut h.data_points, |i, _| keep(i)),
        Some(Data::Summary(s)) => retain_indexed(&mut s.data_points, |i, _| keep(i)),
        None => {}
    }
}

/// The default output and one output per route.
#[derive(Debug)]
pub struct Outputs {
    pub default: Telemetry,
    pub routes: BTreeMap<String, Telemetry>,
}

impl Fates {
    /// Whether any item was routed, kept or dropped.
    pub fn is_empty(&self) -> bool {
        self.decided.is_empty()
    }

    /// A reader of the fates for positions asked in increasing order.
    fn cursor(&self) -> FateCursor<'_> {
        FateCursor { decided: &self.decided, next: Cell::new(0) }
    }
}

/// Finds fates by position: a step forward for positions asked in increasing order (as
/// `split`'s walks ask), a binary search for any other.
struct FateCursor<'f> {
    decided: &'f [(Position, Fate)],
    next: Cell<usize>,
}

impl<'f> FateCursor<'f> {
    fn fate(&self, position: Position) -> Option<&'f Fate> {
        let mut next = self.next.get();
        if next > 0 && self.decided[next - 1].0 > position {
            next = self.decided.partition_point(|(p, _)| *p < position);
        }
        while next < self.decided.len() && self.decided[next].0 < position {
            next += 1;
        }
        self.next.set(next);
        self.decided.get(next).filter(|(p, _)| *p == position).map(|(_, fate)| fate)
    }
}

/// Runs `program` on every item of `level` and sorts the items into outputs: [`run`], then
/// [`split`], in one pass where it can. For spans and logs under a rule set that routes
/// nothing (`routes` false: every transform and filter), each item is kept or removed
/// right after it ran, while its data is still in the cache, and no fate is recorded;
/// the outputs are the same.
pub fn run_and_split<P>(
    mut telemetry: Telemetry,
    level: Context,
    allow_list: bool,
    routes: bool,
    program: &mut P,
) -> Result<Outputs>
where
    P: FnMut(&mut TransformContext<'_>) -> Result<Fate>,
{
    let survives = |fate: Fate| !fate.dropped && (!allow_list || fate.kept);
    let one_pass = !routes && level.fits(&telemetry);
    match (&mut telemetry, level) {
        (Telemetry::Traces(data), Context::Span) if one_pass => {
            run_keeping(&mut data.resource_spans, |span| ItemMut::Span(span), &mut |ctx| program(ctx).map(survives))?
        }
        (Telemetry::Logs(data), Context::Log) if one_pass => {
            run_keeping(&mut data.resource_logs, |log| ItemMut::Log(log), &mut |ctx| program(ctx).map(survives))?
        }
        _ => {
            let fates = run(&mut telemetry, level, program)?;
            return Ok(split(telemetry, &fates, allow_list));
        }
    }
    Ok(Outputs { default: telemetry, routes: BTreeMap::new() })
}

/// Runs `keeps` on every item directly under the scopes of `resources` (spans, logs) and
/// removes the items it does not keep as it goes, then the scopes and resources that had
/// items and have none left, as [`split`] does. The first error ends the run.
fn run_keeping<R: ResourceGroup>(
    resources: &mut Vec<R>,
    as_item: for<'a> fn(&'a mut <R::Scope as ScopeGroup>::Item) -> ItemMut<'a>,
    keeps: &mut dyn FnMut(&mut TransformContext<'_>) -> Result<bool>,
) -> Result<()> {
    let mut failure = None;
    retain_unemptied(resources, |ri, group| {
        let (resource, resource_schema_url, scopes) = group.parts();
        let had_scopes = !scopes.is_empty();
        retain_unemptied(scopes, |si, scope_group| {
            let (scope, scope_schema_url, items) = scope_group.parts();
            let had_items = !items.is_empty();
            items.retain_mut(|item| {
                if failure.is_some() {
                    return true;
                }
                let mut ctx = TransformContext {
                    resource: &mut *resource,
                    resource_schema_url: &mut *resource_schema_url,
                    scope: &mut *scope,
                    scope_schema_url: &mut *scope_schema_url,
                    item: as_item(item),
                    cache: Vec::new(),
                    group: Group { resource: ri, scope: si },
                };
                keeps(&mut ctx).unwrap_or_else(|error| {
                    failure = Some(error);
                    true
                })
            });
            had_items && items.is_empty()
        });
        had_scopes && scopes.is_empty()
    });
    failure.map_or(Ok(()), Err)
}

/// Sorts the items of `telemetry` into outputs by their fates. `allow_list`: the rule set
/// has a `keep()`, so unkept items go nowhere.
pub fn split(mut telemetry: Telemetry, fates: &Fates, allow_list: bool) -> Outputs {
    // Nothing decided and no allow-list (every transform): everything stays where it is.
    let level = match fates.level {
        Some(level) if allow_list || !fates.is_empty() => level,
        _ => return Outputs { default: telemetry, routes: BTreeMap::new() },
    };
    let survives = |fate: Option<&Fate>| match fate {
        Some(f) => !f.dropped && (!allow_list || f.kept),
        None => !allow_list,
    };
    let names: BTreeSet<&SmolStr> = fates.decided.iter().flat_map(|(_, f)| f.routes.iter()).collect();
    let mut routes = BTreeMap::new();
    for name in names {
        let cursor = fates.cursor();
        // Routes are filled in name order: an item's last route takes it instead of a copy
        // (it leaves the default output anyway; `retain` below removes what is left).
        let routed = copy_where(&mut telemetry, level, &|p| {
            let fate = cursor.fate(p).filter(|f| survives(Some(f)) && f.routes.contains(name))?;
            Some(if fate.routes.iter().max() == Some(name) { Taking::Move } else { Taking::Copy })
        });
        routes.insert(name.to_string(), routed);
    }
    let cursor = fates.cursor();
    retain(&mut telemetry, level, &|p| {
        let fate = cursor.fate(p);
        survives(fate) && fate.is_none_or(|f| f.routes.is_empty())
    });
    Outputs { default: telemetry, routes }
}

fn retain(telemetry: &mut Telemetry, level: Context, keep: &dyn Fn(Position) -> bool) {
    match telemetry {
        Telemetry::Traces(data) => retain_groups(&mut data.resource_spans, level, keep),
        Telemetry::Metrics(data) => retain_groups(&mut data.resource_metrics, level, keep),
        Telemetry::Logs(data) => retain_groups(&mut data.resource_logs, level, keep),
        Telemetry::Profiles(data) => retain_groups(&mut data.resource_profiles, level, keep),
    }
}

/// Filters one signal's hierarchy; a scope or resource left empty by the filter goes too.
/// A copy of `telemetry` holding only what `keep` keeps, as `retain` on a clone would,
/// but copying only the items kept: a route usually takes a few of many.
fn copy_where(telemetry: &mut Telemetry, level: Context, take: &dyn Fn(Position) -> Option<Taking>) -> Telemetry {
    if !matches!(level, Context::Span | Context::Log | Context::Metric | Context::Profile) {
        let mut copy = telemetry.clone();
        retain(&mut copy, level, &|p| take(p).is_some());
        return copy;
    }
    match telemetry {
        Telemetry::Traces(data) => Telemetry::Traces(TracesData { resource_spans: copy_groups(&mut data.resource_spans, take) }),
        Telemetry::Metrics(data) => {
            Telemetry::Metrics(MetricsData { resource_metrics: copy_groups(&mut data.resource_metrics, take) })
        }
        Telemetry::Logs(data) => Telemetry::Logs(LogsData { resource_logs: copy_groups(&mut data.resource_logs, take) }),
        Telemetry::Profiles(data) => Telemetry::Profiles(ProfilesData {
            resource_profiles: copy_groups(&mut data.resource_profiles, take),
            dictionary: data.dictionary.clone(),
        }),
    }
}

/// How a route takes one of the items it gets.
#[derive(Clone, Copy)]
enum Taking {
    /// A copy: the item goes to a later route too.
    Copy,
    /// The item itself, leaving an empty one behind for `retain` to remove.
    Move,
}

/// The resources and scopes of `resources` with copies of the items `keep` keeps (at
/// an item level); like `retain_groups`, a scope or resource that had items and keeps
/// none is left out.
fn copy_groups<R: ResourceGroup>(resources: &mut [R], take: &dyn Fn(Position) -> Option<Taking>) -> Vec<R> {
    let mut copies = Vec::new();
    for (ri, group) in resources.iter_mut().enumerate() {
        let scopes = group.parts().2;
        let had_scopes = !scopes.is_empty();
        let items: Vec<Vec<_>> = scopes.iter_mut().map(|scope| std::mem::take(scope.parts().2)).collect();
        let mut copy = group.clone();
        for (scope, items) in group.parts().2.iter_mut().zip(items) {
            *scope.parts().2 = items;
        }
        let originals = group.parts().2;
        let mut si = 0;
        copy.parts().2.retain_mut(|scope| {
            let items = originals[si].parts().2;
            let kept: Vec<_> = items
                .iter_mut()
                .enumerate()
                .filter_map(|(ii, item)| match take([ri, si, ii, 0])? {
                    Taking::Move => Some(std::mem::take(item)),
                    Taking::Copy => Some(item.clone()),
                })
                .collect();
            let emptied = !items.is_empty() && kept.is_empty();
            *scope.parts().2 = kept;
            si += 1;
            !emptied
        });
        if !(had_scopes && copy.parts().2.is_empty()) {
            copies.push(copy);
        }
    }
    copies
}

fn retain_groups<R: ResourceGroup>(resources: &mut Vec<R>, level: Context, keep: &dyn Fn(Position) -> bool) {
    if level == Context::Resource {
        retain_indexed(resources, |ri, _| keep([ri, 0, 0, 0]));
        return;
    }
    retain_unemptied(resources, |ri, group| {
        let scopes = group.parts().2;
        let before = scopes.len();
        if level == Context::Scope {
            retain_indexed(scopes, |si, _| keep([ri, si, 0, 0]));
        } else {
            retain_unemptied(scopes, |si, scope_group| {
                let items = scope_group.parts().2;
                let had_items = !items.is_empty();
                R::Scope::retain(items, level, &|ii, sub| keep([ri, si, ii, sub]));
                had_items && items.is_empty()
            });
        }
        before > 0 && scopes.is_empty()
    });
}

/// Lets `emptied_by(index, item)` filter each item's children and removes the items it
/// reports it left empty (a container that had children and lost them all).
fn retain_unemptied<T>(items: &mut Vec<T>, mut emptied_by: impl FnMut(usize, &mut T) -> bool) {
    let mut index = 0;
    items.retain_mut(|item| {
        let emptied = emptied_by(index, item);
        index += 1;
        !emptied
    });
}
