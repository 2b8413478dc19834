//! A window of samples as OTLP profiles (v1development, the dictionary form): one resource per
//! process, one profile per sampling rate (a profile has one period), and one shared
//! dictionary whose tables are interned, entry 0 of each the empty value.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, any_value};
use opentelemetry_proto::tonic::profiles::v1development::{
    Function, KeyValueAndUnit, Line, Location, Mapping, Profile, ProfilesData, ProfilesDictionary, ResourceProfiles, Sample,
    ScopeProfiles, Stack, ValueType,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

use crate::attributes::{int, string};

use super::stacks::{Binary, Frame};
use super::symbols::Symbols;
use super::window::{ProcessSamples, Window};

/// The instrumentation scope of every profile the agent makes.
pub const SCOPE_NAME: &str = "ottl-agent/profiling";
/// The mapping kernel frames point to, as perf names it.
const KERNEL_MAPPING: &str = "[kernel.kallsyms]";

/// The host the profiles come from, for every resource.
#[derive(Clone, Debug, Default)]
pub struct Host {
    pub name: String,
    pub arch: &'static str,
}

impl Host {
    pub fn this() -> Host {
        let name = crate::host::name().unwrap_or_default();
        // The semantic conventions' host.arch values.
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            other => other,
        };
        Host { name, arch }
    }
}

/// The profiles of `window`, which ended at `end`. Frames are symbolized first.
pub fn profiles(window: &Window, end: SystemTime, symbols: &mut Symbols, host: &Host) -> ProfilesData {
    symbols.resolve(
        window
            .processes
            .values()
            .flat_map(|process| process.by_rate.values())
            .flat_map(|stacks| stacks.keys())
            .flat_map(|key| key.frames.iter()),
    );
    let mut dictionary = Dictionary::default();
    let start = nanos(window.start);
    let duration = nanos(end).saturating_sub(start);
    let resource_profiles = window
        .processes
        .values()
        .map(|process| {
            let profiles = process.by_rate.keys().map(|&hz| dictionary.profile(process, hz, start, duration, symbols)).collect();
            ResourceProfiles {
                resource: Some(resource(process, host)),
                scope_profiles: vec![ScopeProfiles {
                    scope: Some(InstrumentationScope {
                        name: SCOPE_NAME.into(),
                        version: env!("CARGO_PKG_VERSION").into(),
                        ..Default::default()
                    }),
                    profiles,
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }
        })
        .collect();
    ProfilesData { resource_profiles, dictionary: Some(dictionary.finish()) }
}

fn resource(process: &ProcessSamples, host: &Host) -> Resource {
    let mut attributes =
        vec![int("process.pid", i64::from(process.info.pid)), string("process.executable.name", &process.info.executable_name)];
    if let Some(path) = &process.info.executable_path {
        attributes.push(string("process.executable.path", path));
    }
    attributes.push(string("host.name", &host.name));
    attributes.push(string("host.arch", host.arch));
    attributes.push(string("os.type", "linux"));
    Resource { attributes, ..Default::default() }
}

fn nanos(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos() as u64)
}

/// A table whose entries are interned: the same value gets the same index.
struct Table<K, V> {
    entries: Vec<V>,
    index: HashMap<K, i32>,
}

impl<K: Eq + Hash, V: Default> Default for Table<K, V> {
    fn default() -> Self {
        Table { entries: vec![V::default()], index: HashMap::new() }
    }
}

impl<K: Eq + Hash, V> Table<K, V> {
    fn intern(&mut self, key: K, make: impl FnOnce() -> V) -> i32 {
        if let Some(&index) = self.index.get(&key) {
            return index;
        }
        let index = self.entries.len() as i32;
        self.entries.push(make());
        self.index.insert(key, index);
        index
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum AttributeKey {
    Int(&'static str, i64),
    Str(&'static str, String),
}

#[derive(Default)]
struct Dictionary {
    strings: Table<Arc<str>, String>,
    mappings: Table<Option<Arc<Binary>>, Mapping>,
    functions: Table<i32, Function>,
    locations: Table<Frame, Location>,
    stacks: Table<Vec<i32>, Stack>,
    attributes: Table<AttributeKey, KeyValueAndUnit>,
}

impl Dictionary {
    fn string(&mut self, text: &str) -> i32 {
        if text.is_empty() {
            return 0;
        }
        let key: Arc<str> = Arc::from(text);
        self.strings.intern(key, || text.to_string())
    }

    fn attribute(&mut self, key: AttributeKey) -> i32 {
        let (name, value) = match &key {
            AttributeKey::Int(name, value) => (*name, any_value::Value::IntValue(*value)),
            AttributeKey::Str(name, value) => (*name, any_value::Value::StringValue(value.clone())),
        };
        let key_strindex = self.string(name);
        self.attributes.intern(key, || KeyValueAndUnit {
            key_strindex,
            value: Some(AnyValue { value: Some(value) }),
            unit_strindex: 0,
        })
    }

    fn profile(&mut self, process: &ProcessSamples, hz: u32, start: u64, duration: u64, symbols: &Symbols) -> Profile {
        let mut samples: Vec<Sample> = Vec::new();
        if let Some(stacks) = process.by_rate.get(&hz) {
            let mut entries: Vec<_> = stacks.iter().collect();
            // A stable order, so that equal windows give equal payloads.
            entries.sort_by(|a, b| b.1.cmp(a.1).then(a.0.tid.cmp(&b.0.tid)));
            for (key, &count) in entries {
                let locations: Vec<i32> = key.frames.iter().map(|frame| self.location(frame, symbols)).collect();
                let stack_index = self.stacks.intern(locations.clone(), || Stack { location_indices: locations });
                let thread_name = process.threads.get(&key.tid).map(|thread| thread.name.clone()).unwrap_or_default();
                let attribute_indices = vec![
                    self.attribute(AttributeKey::Int("thread.id", i64::from(key.tid))),
                    self.attribute(AttributeKey::Str("thread.name", thread_name)),
                ];
                samples.push(Sample { stack_index, attribute_indices, values: vec![count as i64], ..Default::default() });
            }
        }
        let sample_type = Some(ValueType { type_strindex: self.string("samples"), unit_strindex: self.string("count") });
        let period_type = Some(ValueType { type_strindex: self.string("cpu"), unit_strindex: self.string("nanoseconds") });
        Profile {
            sample_type,
            samples,
            time_unix_nano: start,
            duration_nano: duration,
            period_type,
            period: 1_000_000_000 / i64::from(hz.max(1)),
            profile_id: rand::random::<[u8; 16]>().to_vec(),
            ..Default::default()
        }
    }

    fn location(&mut self, frame: &Frame, symbols: &Symbols) -> i32 {
        if let Some(&index) = self.locations.index.get(frame) {
            return index;
        }
        let (mapping_index, address, frame_type) = match frame {
            Frame::Kernel(address) => (self.mapping(None), *address, "kernel"),
            Frame::User { binary, file_offset } => (self.mapping(Some(binary.clone())), *file_offset, "native"),
            Frame::Unmapped(address) => (0, *address, "native"),
        };
        let lines = match symbols.name(frame) {
            Some(name) => {
                let name_strindex = self.string(&name);
                let function_index = self.functions.intern(name_strindex, || Function {
                    name_strindex,
                    system_name_strindex: name_strindex,
                    ..Default::default()
                });
                vec![Line { function_index, ..Default::default() }]
            }
            None => Vec::new(),
        };
        let attribute_indices = vec![self.attribute(AttributeKey::Str("profile.frame.type", frame_type.into()))];
        self.locations.intern(frame.clone(), || Location { mapping_index, address, lines, attribute_indices })
    }

    /// A binary's mapping, or the kernel's for `None`. Addresses are normalized, so a mapping
    /// is a file, not a range of some process's memory.
    fn mapping(&mut self, binary: Option<Arc<Binary>>) -> i32 {
        if let Some(&index) = self.mappings.index.get(&binary) {
            return index;
        }
        let filename = binary.as_ref().map_or(KERNEL_MAPPING.to_string(), |binary| binary.path.display().to_string());
        let filename_strindex = self.string(&filename);
        let attribute_indices = match binary.as_ref().and_then(|binary| binary.build_id.as_ref()) {
            Some(build_id) => {
                let hex: String = build_id.iter().map(|byte| format!("{byte:02x}")).collect();
                vec![self.attribute(AttributeKey::Str("process.executable.build_id.gnu", hex))]
            }
            None => Vec::new(),
        };
        self.mappings.intern(binary, || Mapping { filename_strindex, attribute_indices, ..Default::default() })
    }

    fn finish(self) -> ProfilesDictionary {
        ProfilesDictionary {
            mapping_table: self.mappings.entries,
            location_table: self.locations.entries,
            function_table: self.functions.entries,
            link_table: vec![Default::default()],
            string_table: self.strings.entries,
            attribute_table: self.attributes.entries,
            stack_table: self.stacks.entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;
    use crate::profiler::window::{ProcessInfo, StackKey, Thread};

    fn binary(path: &str) -> Arc<Binary> {
        Arc::new(Binary { path: path.into(), build_id: Some(vec![0xab, 0xcd]), names: Mutex::default() })
    }

    #[test]
    fn a_window_becomes_one_resource_per_process_and_one_profile_per_rate_over_one_dictionary() {
        let app = binary("/usr/bin/app");
        let leaf = Frame::User { binary: app.clone(), file_offset: 0x1100 };
        let caller = Frame::User { binary: app.clone(), file_offset: 0x1200 };
        let kernel = Frame::Kernel(0xffff_ffff_8100_0000);
        let mut window = Window::new(UNIX_EPOCH + Duration::from_secs(100));
        let mut process = ProcessSamples {
            info: ProcessInfo { pid: 42, executable_name: "app".into(), executable_path: Some("/usr/bin/app".into()) },
            ..ProcessSamples::default()
        };
        let stack = |frames: Vec<Frame>| StackKey { tid: 43, frames: frames.into() };
        process
            .by_rate
            .insert(99, HashMap::from([(stack(vec![leaf.clone(), caller.clone()]), 7), (stack(vec![kernel, caller]), 2)]));
        process.by_rate.insert(999, HashMap::from([(stack(vec![leaf.clone()]), 30)]));
        process.threads.insert(43, Thread { name: "worker".into() });
        window.processes.insert(42, process);
        // Known names, as if symbolized already.
        app.names.lock().unwrap().extend([(0x1100, Some(Arc::from("leaf_fn"))), (0x1200, Some(Arc::from("caller_fn")))]);

        let data = profiles(&window, UNIX_EPOCH + Duration::from_secs(105), &mut Symbols::new(), &Host::default());
        let dictionary = data.dictionary.as_ref().unwrap();
        for (table, first_is_empty) in [
            ("strings", dictionary.string_table[0].is_empty()),
            ("locations", dictionary.location_table[0] == Location::default()),
            ("stacks", dictionary.stack_table[0] == Stack::default()),
            ("mappings", dictionary.mapping_table[0] == Mapping::default()),
            ("functions", dictionary.function_table[0] == Function::default()),
            ("attributes", dictionary.attribute_table[0] == KeyValueAndUnit::default()),
        ] {
            assert!(first_is_empty, "entry 0 of the {table} table is the empty value");
        }
        assert_eq!(data.resource_profiles.len(), 1);
        let resource = &data.resource_profiles[0];
        let pid = &resource.resource.as_ref().unwrap().attributes[0];
        assert_eq!(
            (pid.key.as_str(), pid.value.clone()),
            ("process.pid", Some(AnyValue { value: Some(any_value::Value::IntValue(42)) }))
        );
        let profiles = &resource.scope_profiles[0].profiles;
        assert_eq!(profiles.iter().map(|profile| profile.period).collect::<Vec<_>>(), [10_101_010, 1_001_001]);
        assert_eq!((profiles[0].time_unix_nano, profiles[0].duration_nano), (100_000_000_000, 5_000_000_000));
        let string = |index: i32| dictionary.string_table[index as usize].as_str();
        let sample_type = profiles[0].sample_type.unwrap();
        assert_eq!((string(sample_type.type_strindex), string(sample_type.unit_strindex)), ("samples", "count"));
        // The same leaf in both profiles is one location and one function.
        let leaf_of = |profile: &Profile, sample: usize| {
            dictionary.stack_table[profile.samples[sample].stack_index as usize].location_indices[0]
        };
        assert_eq!(profiles[0].samples[0].values, [7], "the biggest count first");
        assert_eq!(leaf_of(&profiles[0], 0), leaf_of(&profiles[1], 0));
        let location = &dictionary.location_table[leaf_of(&profiles[0], 0) as usize];
        assert_eq!(location.address, 0x1100);
        assert_eq!(string(dictionary.function_table[location.lines[0].function_index as usize].name_strindex), "leaf_fn");
        let mapping = &dictionary.mapping_table[location.mapping_index as usize];
        assert_eq!(string(mapping.filename_strindex), "/usr/bin/app");
        let build_id = &dictionary.attribute_table[mapping.attribute_indices[0] as usize];
        assert_eq!(string(build_id.key_strindex), "process.executable.build_id.gnu");
        assert_eq!(build_id.value, Some(AnyValue { value: Some(any_value::Value::StringValue("abcd".into())) }));
        // The kernel frame has the kernel's mapping and no name (kallsyms was not asked).
        let kernel_stack = &dictionary.stack_table[profiles[0].samples[1].stack_index as usize];
        let kernel_location = &dictionary.location_table[kernel_stack.location_indices[0] as usize];
        assert_eq!(
            string(dictionary.mapping_table[kernel_location.mapping_index as usize].filename_strindex),
            "[kernel.kallsyms]"
        );
        let thread = &dictionary.attribute_table[profiles[0].samples[0].attribute_indices[1] as usize];
        assert_eq!(string(thread.key_strindex), "thread.name");
    }
}
