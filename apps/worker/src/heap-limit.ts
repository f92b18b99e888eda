/**
 * The worker's V8 heap limit, on its start command (package.json `start:worker`, the
 * compose file's worker) and in the benchmarks that start it.
 *
 * Why: its live heap is small and does not grow with the number of credentials (about
 * 55 MB after a full collection, in a 20,000-credential wave and at concurrency 100), but
 * under a 24 GiB machine V8 let floating garbage (rows, answers and buffers that outlive
 * two scavenges by a few hundred milliseconds) pile up to 130 MB of old space before its
 * first full collection, so the process peaked at 260-300 MB. With a 128 MB old space V8
 * collects sooner: the same wave peaked at 169 MB, with no change of lateness, and the
 * refresh benchmark at concurrency 100 (one worker and two) ran without running out.
 * A deployment with much more concurrency or larger batches can raise it.
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=128'] as const;
