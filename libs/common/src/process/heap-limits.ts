/**
 * The V8 heap limits of the two apps, on their start commands (package.json `start` and
 * `start:worker`, the Dockerfile, the compose file) and in the benchmarks that start them.
 *
 * Why: each app's live heap is small and bounded (caches have size limits, batches and
 * pages are capped), but on a machine with a lot of memory V8 sets a heap limit of several
 * gigabytes and lets floating garbage (requests, rows, answers and buffers that outlive two
 * scavenges by a few hundred milliseconds) pile up in old space before its first full
 * collection. A lower limit makes it collect sooner, at no measurable CPU cost:
 * - the worker's live heap is about 55 MB after a full collection, in a 20,000-credential
 *   wave and at concurrency 100; it peaked at 260-300 MB and, with a 128 MB old space,
 *   at 169 MB, with no change of lateness;
 * - the gateway's is about 60 MB under 11,000 token reads/s; its old space grew to 190 MB
 *   before the first full collection (peak RSS about 300 MB) and, with a 256 MB limit,
 *   the same load peaked at about 160 MB, mints at 167 MB.
 * A deployment with much more concurrency, larger batches or larger caches can raise them.
 */
export const GATEWAY_NODE_FLAGS = ['--max-old-space-size=256'] as const;
export const WORKER_NODE_FLAGS = ['--max-old-space-size=128'] as const;
