// Upper and lower bounds on what a scenario may ask for. They keep one run
// inside a small machine's means (2 cores, a few GB, a few minutes): the
// biggest shipped scenario, server-exit (512 GiB of swap on a 128-CPU, 1 TiB
// server), is the envelope. docs/errors-and-bounds.md lists them all.

/** Seeds are 32-bit: the RNG takes the seed modulo 2^32, so larger ones would silently alias. */
export const MAX_SEED = 2 ** 32 - 1;

/** Simulated time of one run (ms): 10 min (continuous-launch simulates 240 s; the run budget bounds the wall time). */
export const MAX_DURATION_MS = 600_000;
/** Any other time field (delays, stalls, CPU work, windows), in ms. */
export const MAX_TIME_MS = 60_000;
/** Smallest period of a polling loop (ms): below it a run is all polling. */
export const MIN_PERIOD_MS = 1;

/** RAM of a custom platform (MiB): from 64 MiB up to the 1 TiB of the server preset. */
export const MIN_RAM_MIB = 64;
export const MAX_RAM_MIB = 1024 * 1024;
/** Any size field (MiB) is at most the largest RAM. */
export const MAX_SIZE_MIB = MAX_RAM_MIB;
/**
 * All the memory the processes of a scenario are made of (anon + file, MiB):
 * the model keeps a word per page, so this bounds a run's memory. 544 GiB is
 * server-exit's 512 GiB plus room; that scenario peaks at ~3 GB RSS.
 */
export const MAX_SIMULATED_MIB = 544 * 1024;

/** CPUs of a custom platform, over all groups. */
export const MAX_CPUS = 512;
/** CPU groups (entries of platform.cpus). */
export const MAX_CPU_GROUPS = 64;
/** NUMA nodes are numbered 0..MAX_NUMA_NODE. */
export const MAX_NUMA_NODE = 63;

/** Cached apps, micro processes. */
export const MAX_APPS = 200;
export const MAX_PROCESSES = 256;
/** Threads per process or per service. */
export const MAX_THREADS = 64;
export const MAX_LOAD_THREADS = 512;
/** Frames the camera renders after preview. */
export const MAX_FRAMES = 10_000;
/** zram compression ratio (lz4 reaches ~3-4; zstd ~5). */
export const MAX_COMPRESSION_RATIO = 16;

/** Scenario files: bytes, YAML aliases, and map keys + list items in all. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
export const MAX_YAML_ALIASES = 100;
export const MAX_YAML_NODES = 10_000;
/** --set overrides on one command line; the index of a list element they may name. */
export const MAX_SETS = 200;
/** Strings: names, descriptions. */
export const MAX_NAME_CHARS = 200;
export const MAX_DESCRIPTION_CHARS = 2000;

/**
 * kernel.aggregation=fine issues an event per lock hold and per entry: it is
 * there to check the chunk aggregation on small cases, not to run whole
 * phones (1 GiB of swap in fine mode is ~6M events and ~100 s).
 */
export const MAX_FINE_SWAP_MIB = 512;
