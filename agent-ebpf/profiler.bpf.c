// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
//
// ottl-agent's CPU profiler, the kernel side. One program runs on the software cpu-clock
// event of every online CPU (these VMs have no hardware PMU). Each sample of a selected
// process is counted in a hash map keyed by (process, thread, user stack id, kernel stack id);
// the stacks themselves live in stack-trace maps. User space drains the maps every second.
//
// Two sets of maps, flipped by user space: samples go to the set `config.buffer` names while
// user space reads and clears the other, so that a drain never races the samples it clears.
//
// Per-process rates: the perf events tick at the highest rate any process needs; a process
// keeps a sample with probability (its rate / the events' rate), so each process is sampled
// at its own rate without a perf event per thread. User space weighs samples by their rate.

#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>

// Process selection modes (`config.mode`); user space's `Selection` has the same values.
#define SELECT_ALL 0
#define SELECT_PIDS 1
#define SELECT_CGROUP 2

// Counters in `stats`; user space's `Counter` has the same indices.
#define STAT_SAMPLES 0        // samples of a selected process, kept by its rate
#define STAT_LOST_FULL 1      // the counts map was full
#define STAT_LOST_STACK 2     // a stack id could not be had (the stack map's bucket was taken)
#define STAT_SKIPPED 3        // samples of a selected process dropped by its lower rate
#define STAT_COUNT 4

#define MAX_STACK_DEPTH 127
#define COMM_LEN 16

struct config {
    __u32 buffer;        // the set of maps samples go to, 0 or 1
    __u32 mode;          // SELECT_*
    __u64 cgroup_id;     // SELECT_CGROUP: the cgroup (v2) whose subtree is profiled
    __u32 cgroup_level;  // its level in the hierarchy, for bpf_get_current_ancestor_cgroup_id
    __u32 event_hz;      // the rate the perf events tick at
    __u32 default_hz;    // the rate of a process without an entry in `rates`
    __u32 _pad;
};

struct sample_key {
    __u32 tgid;
    __u32 pid;
    __s32 user_stack;   // a stack id, or a negative errno (-EFAULT: no user stack, a kernel thread)
    __s32 kernel_stack;
};

struct sample_value {
    __u64 count;
    char comm[COMM_LEN];  // the thread's name when first seen in this drain window
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct config);
} config SEC(".maps");

// SELECT_PIDS: the processes (tgid) profiled.
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, __u8);
} selected SEC(".maps");

// A process's own rate in Hz, when it differs from `default_hz` (the adaptive rate).
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, __u32);
} rates SEC(".maps");

// One set of maps: the stacks, and the counts that refer to them. max_entries are set by the
// loader from the configured maximum rate.
#define STACKS_MAP(name)                                         \
    struct {                                                     \
        __uint(type, BPF_MAP_TYPE_STACK_TRACE);                  \
        __uint(max_entries, 1024);                               \
        __uint(key_size, sizeof(__u32));                         \
        __uint(value_size, MAX_STACK_DEPTH * sizeof(__u64));     \
    } name SEC(".maps")

#define COUNTS_MAP(name)                                         \
    struct {                                                     \
        __uint(type, BPF_MAP_TYPE_HASH);                         \
        __uint(max_entries, 1024);                               \
        __type(key, struct sample_key);                          \
        __type(value, struct sample_value);                      \
    } name SEC(".maps")

STACKS_MAP(stacks_0);
STACKS_MAP(stacks_1);
COUNTS_MAP(counts_0);
COUNTS_MAP(counts_1);

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, STAT_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} stats SEC(".maps");

static __always_inline void bump(__u32 counter) {
    __u64 *value = bpf_map_lookup_elem(&stats, &counter);
    if (value)
        *value += 1;  // per-CPU: no other writer
}

static __always_inline int selected_process(const struct config *cfg, __u32 tgid) {
    // If-else rather than a switch: clang may lower a switch to a jump table in .rodata.
    if (cfg->mode == SELECT_PIDS)
        return bpf_map_lookup_elem(&selected, &tgid) != 0;
    if (cfg->mode == SELECT_CGROUP)
        return bpf_get_current_ancestor_cgroup_id(cfg->cgroup_level) == cfg->cgroup_id;
    return 1;
}

// Keeps a sample with probability (the process's rate / the events' rate).
static __always_inline int kept_by_rate(const struct config *cfg, __u32 tgid) {
    __u32 rate = cfg->default_hz;
    __u32 *own = bpf_map_lookup_elem(&rates, &tgid);
    if (own)
        rate = *own;
    if (rate >= cfg->event_hz)
        return 1;
    return bpf_get_prandom_u32() % cfg->event_hz < rate;
}

static __always_inline void record(struct bpf_perf_event_data *ctx, __u32 tgid, __u32 pid, void *stack_map,
                                   void *counts) {
    struct sample_key key = {
        .tgid = tgid,
        .pid = pid,
        .user_stack = bpf_get_stackid(ctx, stack_map, BPF_F_USER_STACK),
        .kernel_stack = bpf_get_stackid(ctx, stack_map, 0),
    };
    // -EFAULT means there is no stack of that kind (a kernel thread has no user stack);
    // any other error means the stack was lost, most often to a taken bucket (-EEXIST).
    if ((key.user_stack < 0 && key.user_stack != -EFAULT) || (key.kernel_stack < 0 && key.kernel_stack != -EFAULT))
        bump(STAT_LOST_STACK);

    struct sample_value *value = bpf_map_lookup_elem(counts, &key);
    if (value) {
        __sync_fetch_and_add(&value->count, 1);
        return;
    }
    // Filled field by field: an initializer may become a copy from .rodata.
    struct sample_value first;
    __builtin_memset(&first, 0, sizeof(first));
    first.count = 1;
    bpf_get_current_comm(first.comm, sizeof(first.comm));
    long inserted = bpf_map_update_elem(counts, &key, &first, BPF_NOEXIST);
    if (inserted == -EEXIST) {
        // Another CPU inserted the key between the lookup and the update.
        value = bpf_map_lookup_elem(counts, &key);
        if (value)
            __sync_fetch_and_add(&value->count, 1);
    } else if (inserted < 0) {
        bump(STAT_LOST_FULL);
    }
}

SEC("perf_event")
int on_cpu_sample(struct bpf_perf_event_data *ctx) {
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u32 tgid = pid_tgid >> 32;
    __u32 pid = (__u32)pid_tgid;
    if (pid == 0)
        return 0;  // the idle task

    __u32 zero = 0;
    struct config *cfg = bpf_map_lookup_elem(&config, &zero);
    if (!cfg || !selected_process(cfg, tgid))
        return 0;
    if (!kept_by_rate(cfg, tgid)) {
        bump(STAT_SKIPPED);
        return 0;
    }
    bump(STAT_SAMPLES);
    if (cfg->buffer & 1)
        record(ctx, tgid, pid, &stacks_1, &counts_1);
    else
        record(ctx, tgid, pid, &stacks_0, &counts_0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
