// A known workload for the profiler's tests: it spins for SECONDS, spending HOT_PERCENT of
// its time in hot_function and the rest in cold_function. Built with frame pointers at -O0, so that
// stacks are complete. Usage: workload SECONDS HOT_PERCENT
// At exit it prints its throughput, loop rounds per second of wall-clock time and of its own CPU
// time, which the profiler's overhead bench compares with and without the profiler.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile unsigned long sink;

// Each function does its own loop, so that it is the innermost frame of its samples.
__attribute__((noinline)) void hot_function(unsigned long rounds) {
    for (unsigned long i = 0; i < rounds; i++)
        sink += i ^ (i >> 3);
}

__attribute__((noinline)) void cold_function(unsigned long rounds) {
    for (unsigned long i = 0; i < rounds; i++)
        sink += i ^ (i >> 3);
}

static double seconds_of(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now(void) {
    return seconds_of(CLOCK_MONOTONIC);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: workload SECONDS HOT_PERCENT\n");
        return 2;
    }
    double seconds = atof(argv[1]);
    unsigned long hot = strtoul(argv[2], 0, 10);
    if (hot > 100) {
        fprintf(stderr, "HOT_PERCENT is at most 100\n");
        return 2;
    }
    // Slices of random length (a tenth of a millisecond to a few), so that the loop has no
    // period a sampling rate could alias with; the shares hold on average.
    unsigned long state = 88172645463325252UL;
    unsigned long rounds = 0;
    double start = now(), end = start + seconds, last = start;
    double cpu_start = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    while ((last = now()) < end) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        unsigned long slice = 1000 + state % 40000;
        hot_function(hot * slice);
        cold_function((100 - hot) * slice);
        rounds += 100 * slice;
    }
    // Over the time actually run: the last slice may end a few milliseconds after `end`.
    printf("%.0f rounds/s %.0f rounds/CPU-s\n", rounds / (last - start),
           rounds / (seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu_start));
    return 0;
}
