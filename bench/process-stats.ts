// Memory of a benchmarked process, from Linux /proc. VmHWM is the kernel's own high-water
// mark of resident memory, so the peak is exact without sampling.
import { readFileSync } from 'node:fs';
import { GATEWAY_NODE_FLAGS, WORKER_NODE_FLAGS } from '../libs/common/src/process/heap-limits';

/** Peak resident set size of a running process in MiB, or undefined off Linux. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return match ? Number(match[1]) / 1_024 : undefined;
  } catch {
    return undefined;
  }
}

/** "peak RSS 123 MB (target < 250 MB)", or nothing where /proc is missing. */
export function peakRssNote(pid: number, who: string): string {
  const peak = peakRssMb(pid);
  return peak === undefined
    ? ''
    : `${who} peak RSS ${Math.round(peak)} MB (target < ${RSS_TARGET_MB} MB${peak < RSS_TARGET_MB ? ', met' : ', MISSED'})`;
}

export const RSS_TARGET_MB = 250;

/**
 * Node flags for the benchmarked worker: those of its start command (WORKER_NODE_FLAGS),
 * or BENCH_WORKER_NODE_OPTIONS instead, e.g. `--heapsnapshot-signal=SIGUSR2`, or a
 * `--require` of a profiling hook (`--cpu-prof` is not allowed in NODE_OPTIONS).
 */
export function workerNodeOptions(): Record<string, string> {
  return { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS ?? WORKER_NODE_FLAGS.join(' ') };
}

/** The same for a benchmarked gateway: GATEWAY_NODE_FLAGS, or BENCH_NODE_OPTIONS instead. */
export function gatewayNodeOptions(): Record<string, string> {
  return { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? GATEWAY_NODE_FLAGS.join(' ') };
}
