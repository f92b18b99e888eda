/** One line of a benchmark table. */
export interface BenchRow {
  readonly benchmark: string;
  readonly variant: string;
  readonly opsPerSecond: number;
  /** Latency percentiles in milliseconds, for benchmarks that measure requests. */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** What the figure should reach (and whether it did), for benchmarks that have targets. */
  readonly target?: string;
  readonly note?: string;
}

/**
 * Runs `operation` repeatedly for about `durationMs` (after a short warm-up) and returns
 * operations per second. Synchronous operations run in tight batches so the clock is not
 * what gets measured.
 */
export function opsPerSecond(operation: () => void, durationMs = 1_000): number {
  const deadline = (until: number) => performance.now() < until;
  const warmUntil = performance.now() + durationMs / 5;
  while (deadline(warmUntil)) {
    for (let index = 0; index < 100; index++) {
      operation();
    }
  }
  let count = 0;
  const start = performance.now();
  const until = start + durationMs;
  while (deadline(until)) {
    for (let index = 0; index < 100; index++) {
      operation();
    }
    count += 100;
  }
  return (count * 1_000) / (performance.now() - start);
}

/** The async counterpart: `concurrency` loops awaiting `operation` until the time is up. */
export async function asyncOpsPerSecond(
  operation: () => Promise<unknown>,
  { durationMs = 1_000, concurrency = 1 }: { durationMs?: number; concurrency?: number } = {},
): Promise<number> {
  const run = async (until: number) => {
    let count = 0;
    while (performance.now() < until) {
      await operation();
      count++;
    }
    return count;
  };
  await Promise.all(
    Array.from({ length: concurrency }, () => run(performance.now() + durationMs / 5)),
  );
  const start = performance.now();
  const counts = await Promise.all(
    Array.from({ length: concurrency }, () => run(start + durationMs)),
  );
  return (counts.reduce((sum, count) => sum + count, 0) * 1_000) / (performance.now() - start);
}

/** Latency and target columns appear only when some row has them, so older tables keep their shape. */
export function formatTable(rows: readonly BenchRow[]): string {
  const latency = rows.some((row) => row.p50Ms !== undefined || row.p99Ms !== undefined);
  const targets = rows.some((row) => row.target !== undefined);
  const cells = (row: BenchRow): string[] => [
    row.benchmark,
    row.variant,
    Number.isFinite(row.opsPerSecond) ? Math.round(row.opsPerSecond).toLocaleString('en-US') : '',
    ...(latency ? [formatMs(row.p50Ms), formatMs(row.p99Ms)] : []),
    ...(targets ? [row.target ?? ''] : []),
    row.note ?? '',
  ];
  const header = [
    'benchmark',
    'variant',
    'ops/s',
    ...(latency ? ['p50 ms', 'p99 ms'] : []),
    ...(targets ? ['target'] : []),
    'note',
  ];
  const align = [
    '---',
    '---',
    '---:',
    ...(latency ? ['---:', '---:'] : []),
    ...(targets ? ['---'] : []),
    '---',
  ];
  const line = (values: readonly string[]) => `| ${values.join(' | ')} |`;
  return [line(header), `|${align.join('|')}|`, ...rows.map((row) => line(cells(row)))].join('\n');
}

function formatMs(value: number | undefined): string {
  if (value === undefined) {
    return '';
  }
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}
