//! Every path's field, by the stable number the compiler's schema gives it (blocks of 100
//! per context: resource 100.., scope 200.., span 300.., spanevent 400.., spanlink 500..,
//! metric 600.., datapoint 700.., log 800.., profile 900.., otelcol 1000..). The schema
//! tables name these variants, so the number lives in one place.

/// A field of a context, without keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u16)]
pub enum Field {
    /// `resource.attributes`
    ResourceAttributes = 100,
    /// `resource.dropped_attributes_count`
    ResourceDroppedAttributesCount = 101,
    /// `resource.schema_url`
    ResourceSchemaUrl = 102,
    /// `resource.cache`
    ResourceCache = 199,
    /// `scope.name`
    ScopeName = 200,
    /// `scope.version`
    ScopeVersion = 201,
    /// `scope.attributes`
    ScopeAttributes = 202,
    /// `scope.dropped_attributes_count`
    ScopeDroppedAttributesCount = 203,
    /// `scope.schema_url`
    ScopeSchemaUrl = 204,
    /// `scope.cache`
    ScopeCache = 299,
    /// `span.trace_id`
    SpanTraceId = 300,
    /// `span.trace_id.string`
    SpanTraceIdString = 301,
    /// `span.span_id`
    SpanSpanId = 302,
    /// `span.span_id.string`
    SpanSpanIdString = 303,
    /// `span.parent_span_id`
    SpanParentSpanId = 304,
    /// `span.parent_span_id.string`
    SpanParentSpanIdString = 305,
    /// `span.trace_state`
    SpanTraceState = 306,
    /// `span.name`
    SpanName = 307,
    /// `span.kind`
    SpanKind = 308,
    /// `span.kind.string`
    SpanKindString = 309,
    /// `span.kind.deprecated_string`
    SpanKindDeprecatedString = 310,
    /// `span.start_time_unix_nano`
    SpanStartTimeUnixNano = 311,
    /// `span.end_time_unix_nano`
    SpanEndTimeUnixNano = 312,
    /// `span.start_time`
    SpanStartTime = 313,
    /// `span.end_time`
    SpanEndTime = 314,
    /// `span.attributes`
    SpanAttributes = 315,
    /// `span.dropped_attributes_count`
    SpanDroppedAttributesCount = 316,
    /// `span.events`
    SpanEvents = 317,
    /// `span.dropped_events_count`
    SpanDroppedEventsCount = 318,
    /// `span.links`
    SpanLinks = 319,
    /// `span.dropped_links_count`
    SpanDroppedLinksCount = 320,
    /// `span.status`
    SpanStatus = 321,
    /// `span.status.code`
    SpanStatusCode = 322,
    /// `span.status.message`
    SpanStatusMessage = 323,
    /// `span.duration`
    SpanDuration = 324,
    /// `span.trace_id.trace_id`
    SpanTraceIdTraceId = 325,
    /// `span.cache`
    SpanCache = 399,
    /// `spanevent.name`
    SpanEventName = 400,
    /// `spanevent.time_unix_nano`
    SpanEventTimeUnixNano = 401,
    /// `spanevent.time`
    SpanEventTime = 402,
    /// `spanevent.attributes`
    SpanEventAttributes = 403,
    /// `spanevent.dropped_attributes_count`
    SpanEventDroppedAttributesCount = 404,
    /// `spanevent.event_index`
    SpanEventEventIndex = 405,
    /// `spanevent.cache`
    SpanEventCache = 499,
    /// `spanlink.trace_id`
    SpanLinkTraceId = 500,
    /// `spanlink.trace_id.string`
    SpanLinkTraceIdString = 501,
    /// `spanlink.span_id`
    SpanLinkSpanId = 502,
    /// `spanlink.span_id.string`
    SpanLinkSpanIdString = 503,
    /// `spanlink.trace_state`
    SpanLinkTraceState = 504,
    /// `spanlink.attributes`
    SpanLinkAttributes = 505,
    /// `spanlink.dropped_attributes_count`
    SpanLinkDroppedAttributesCount = 506,
    /// `spanlink.flags`
    SpanLinkFlags = 507,
    /// `spanlink.cache`
    SpanLinkCache = 599,
    /// `metric.name`
    MetricName = 600,
    /// `metric.description`
    MetricDescription = 601,
    /// `metric.unit`
    MetricUnit = 602,
    /// `metric.type`
    MetricType = 603,
    /// `metric.aggregation_temporality`
    MetricAggregationTemporality = 604,
    /// `metric.is_monotonic`
    MetricIsMonotonic = 605,
    /// `metric.data_points`
    MetricDataPoints = 606,
    /// `metric.metadata`
    MetricMetadata = 607,
    /// `metric.cache`
    MetricCache = 699,
    /// `datapoint.attributes`
    DataPointAttributes = 700,
    /// `datapoint.start_time_unix_nano`
    DataPointStartTimeUnixNano = 701,
    /// `datapoint.time_unix_nano`
    DataPointTimeUnixNano = 702,
    /// `datapoint.start_time`
    DataPointStartTime = 703,
    /// `datapoint.time`
    DataPointTime = 704,
    /// `datapoint.value_double`
    DataPointValueDouble = 705,
    /// `datapoint.value_int`
    DataPointValueInt = 706,
    /// `datapoint.exemplars`
    DataPointExemplars = 707,
    /// `datapoint.flags`
    DataPointFlags = 708,
    /// `datapoint.count`
    DataPointCount = 709,
    /// `datapoint.sum`
    DataPointSum = 710,
    /// `datapoint.bucket_counts`
    DataPointBucketCounts = 711,
    /// `datapoint.explicit_bounds`
    DataPointExplicitBounds = 712,
    /// `datapoint.scale`
    DataPointScale = 713,
    /// `datapoint.zero_count`
    DataPointZeroCount = 714,
    /// `datapoint.positive`
    DataPointPositive = 715,
    /// `datapoint.positive.offset`
    DataPointPositiveOffset = 716,
    /// `datapoint.positive.bucket_counts`
    DataPointPositiveBucketCounts = 717,
    /// `datapoint.negative`
    DataPointNegative = 718,
    /// `datapoint.negative.offset`
    DataPointNegativeOffset = 719,
    /// `datapoint.negative.bucket_counts`
    DataPointNegativeBucketCounts = 720,
    /// `datapoint.quantile_values`
    DataPointQuantileValues = 721,
    /// `datapoint.cache`
    DataPointCache = 799,
    /// `log.time_unix_nano`
    LogTimeUnixNano = 800,
    /// `log.observed_time_unix_nano`
    LogObservedTimeUnixNano = 801,
    /// `log.time`
    LogTime = 802,
    /// `log.observed_time`
    LogObservedTime = 803,
    /// `log.severity_number`
    LogSeverityNumber = 804,
    /// `log.severity_text`
    LogSeverityText = 805,
    /// `log.body`
    LogBody = 806,
    /// `log.body.string`
    LogBodyString = 807,
    /// `log.attributes`
    LogAttributes = 808,
    /// `log.dropped_attributes_count`
    LogDroppedAttributesCount = 809,
    /// `log.flags`
    LogFlags = 810,
    /// `log.trace_id`
    LogTraceId = 811,
    /// `log.trace_id.string`
    LogTraceIdString = 812,
    /// `log.span_id`
    LogSpanId = 813,
    /// `log.span_id.string`
    LogSpanIdString = 814,
    /// `log.event_name`
    LogEventName = 815,
    /// `log.cache`
    LogCache = 899,
    /// `profile.sample_type`
    ProfileSampleType = 900,
    /// `profile.sample`
    ProfileSample = 901,
    /// `profile.mapping_table`
    ProfileMappingTable = 902,
    /// `profile.location_table`
    ProfileLocationTable = 903,
    /// `profile.location_indices`
    ProfileLocationIndices = 904,
    /// `profile.function_table`
    ProfileFunctionTable = 905,
    /// `profile.attribute_table`
    ProfileAttributeTable = 906,
    /// `profile.attribute_units`
    ProfileAttributeUnits = 907,
    /// `profile.link_table`
    ProfileLinkTable = 908,
    /// `profile.string_table`
    ProfileStringTable = 909,
    /// `profile.time_unix_nano`
    ProfileTimeUnixNano = 910,
    /// `profile.time`
    ProfileTime = 911,
    /// `profile.duration_unix_nano`
    ProfileDurationUnixNano = 912,
    /// `profile.duration`
    ProfileDuration = 913,
    /// `profile.period_type`
    ProfilePeriodType = 914,
    /// `profile.period`
    ProfilePeriod = 915,
    /// `profile.comment_string_indices`
    ProfileCommentStringIndices = 916,
    /// `profile.default_sample_type_string_index`
    ProfileDefaultSampleTypeStringIndex = 917,
    /// `profile.profile_id`
    ProfileProfileId = 918,
    /// `profile.profile_id.string`
    ProfileProfileIdString = 919,
    /// `profile.attribute_indices`
    ProfileAttributeIndices = 920,
    /// `profile.dropped_attributes_count`
    ProfileDroppedAttributesCount = 921,
    /// `profile.original_payload_format`
    ProfileOriginalPayloadFormat = 922,
    /// `profile.original_payload`
    ProfileOriginalPayload = 923,
    /// `profile.attributes`
    ProfileAttributes = 924,
    /// `profile.cache`
    ProfileCache = 999,
    /// `otelcol.client.addr`
    OTelColClientAddr = 1000,
    /// `otelcol.client.metadata`
    OTelColClientMetadata = 1001,
    /// `otelcol.client.auth.attributes`
    OTelColClientAuthAttributes = 1002,
    /// `otelcol.grpc.metadata`
    OTelColGrpcMetadata = 1003,
}

impl Field {
    /// Every field, in id order.
    pub const ALL: &'static [Field] = &[
        Field::ResourceAttributes,
        Field::ResourceDroppedAttributesCount,
        Field::ResourceSchemaUrl,
        Field::ResourceCache,
        Field::ScopeName,
        Field::ScopeVersion,
        Field::ScopeAttributes,
        Field::ScopeDroppedAttributesCount,
        Field::ScopeSchemaUrl,
        Field::ScopeCache,
        Field::SpanTraceId,
        Field::SpanTraceIdString,
        Field::SpanSpanId,
        Field::SpanSpanIdString,
        Field::SpanParentSpanId,
        Field::SpanParentSpanIdString,
        Field::SpanTraceState,
        Field::SpanName,
        Field::SpanKind,
        Field::SpanKindString,
        Field::SpanKindDeprecatedString,
        Field::SpanStartTimeUnixNano,
        Field::SpanEndTimeUnixNano,
        Field::SpanStartTime,
        Field::SpanEndTime,
        Field::SpanAttributes,
        Field::SpanDroppedAttributesCount,
        Field::SpanEvents,
        Field::SpanDroppedEventsCount,
        Field::SpanLinks,
        Field::SpanDroppedLinksCount,
        Field::SpanStatus,
        Field::SpanStatusCode,
        Field::SpanStatusMessage,
        Field::SpanDuration,
        Field::SpanTraceIdTraceId,
        Field::SpanCache,
        Field::SpanEventName,
        Field::SpanEventTimeUnixNano,
        Field::SpanEventTime,
        Field::SpanEventAttributes,
        Field::SpanEventDroppedAttributesCount,
        Field::SpanEventEventIndex,
        Field::SpanEventCache,
        Field::SpanLinkTraceId,
        Field::SpanLinkTraceIdString,
        Field::SpanLinkSpanId,
        Field::SpanLinkSpanIdString,
        Field::SpanLinkTraceState,
        Field::SpanLinkAttributes,
        Field::SpanLinkDroppedAttributesCount,
        Field::SpanLinkFlags,
        Field::SpanLinkCache,
        Field::MetricName,
        Field::MetricDescription,
        Field::MetricUnit,
        Field::MetricType,
        Field::MetricAggregationTemporality,
        Field::MetricIsMonotonic,
        Field::MetricDataPoints,
        Field::MetricMetadata,
        Field::MetricCache,
        Field::DataPointAttributes,
        Field::DataPointStartTimeUnixNano,
        Field::DataPointTimeUnixNano,
        Field::DataPointStartTime,
        Field::DataPointTime,
        Field::DataPointValueDouble,
        Field::DataPointValueInt,
        Field::DataPointExemplars,
        Field::DataPointFlags,
        Field::DataPointCount,
        Field::DataPointSum,
        Field::DataPointBucketCounts,
        Field::DataPointExplicitBounds,
        Field::DataPointScale,
        Field::DataPointZeroCount,
        Field::DataPointPositive,
        Field::DataPointPositiveOffset,
        Field::DataPointPositiveBucketCounts,
        Field::DataPointNegative,
        Field::DataPointNegativeOffset,
        Field::DataPointNegativeBucketCounts,
        Field::DataPointQuantileValues,
        Field::DataPointCache,
        Field::LogTimeUnixNano,
        Field::LogObservedTimeUnixNano,
        Field::LogTime,
        Field::LogObservedTime,
        Field::LogSeverityNumber,
        Field::LogSeverityText,
        Field::LogBody,
        Field::LogBodyString,
        Field::LogAttributes,
        Field::LogDroppedAttributesCount,
        Field::LogFlags,
        Field::LogTraceId,
        Field::LogTraceIdString,
        Field::LogSpanId,
        Field::LogSpanIdString,
        Field::LogEventName,
        Field::LogCache,
        Field::ProfileSampleType,
        Field::ProfileSample,
        Field::ProfileMappingTable,
        Field::ProfileLocationTable,
        Field::ProfileLocationIndices,
        Field::ProfileFunctionTable,
        Field::ProfileAttributeTable,
        Field::ProfileAttributeUnits,
        Field::ProfileLinkTable,
        Field::ProfileStringTable,
        Field::ProfileTimeUnixNano,
        Field::ProfileTime,
        Field::ProfileDurationUnixNano,
        Field::ProfileDuration,
        Field::ProfilePeriodType,
        Field::ProfilePeriod,
        Field::ProfileCommentStringIndices,
        Field::ProfileDefaultSampleTypeStringIndex,
        Field::ProfileProfileId,
        Field::ProfileProfileIdString,
        Field::ProfileAttributeIndices,
        Field::ProfileDroppedAttributesCount,
        Field::ProfileOriginalPayloadFormat,
        Field::ProfileOriginalPayload,
        Field::ProfileAttributes,
        Field::ProfileCache,
        Field::OTelColClientAddr,
        Field::OTelColClientMetadata,
        Field::OTelColClientAuthAttributes,
        Field::OTelColGrpcMetadata,
    ];

    /// The stable number.
    pub fn id(self) -> u16 {
        self as u16
    }

    /// The field with this number.
    pub fn from_id(id: u16) -> Option<Field> {
        Field::ALL.binary_search_by_key(&id, |f| f.id()).ok().map(|i| Field::ALL[i])
    }
}
