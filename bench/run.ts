// npm run bench [name...]: runs the benchmarks (all, or those whose name contains an
// argument) and prints one markdown table. Each benchmark runs its floor in the same
// invocation, so the numbers compare on the same machine and moment.
import { runPendingCleanups } from './harness';
import { formatTable, type BenchRow } from './measure';
import { dueWaveBenchmark } from './due-wave.bench';
import { refreshBenchmark } from './refresh.bench';
import { startupBenchmark } from './startup.bench';
import { tokenReadBenchmark } from './token-read.bench';
import { vaultCryptoBenchmark } from './vault-crypto.bench';

const BENCHMARKS: Record<string, () => Promise<BenchRow[]>> = {
  'vault-crypto': vaultCryptoBenchmark,
  'token-read': tokenReadBenchmark,
  refresh: refreshBenchmark,
  startup: startupBenchmark,
  // Last: it takes about 12 minutes (100,000 credentials due over 10).
  'due-wave': dueWaveBenchmark,
};

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const selected = Object.entries(BENCHMARKS).filter(
    ([name]) => filters.length === 0 || filters.some((filter) => name.includes(filter)),
  );
  const rows: BenchRow[] = [];
  for (const [name, run] of selected) {
    process.stderr.write(`running ${name}...\n`);
    rows.push(...(await run()));
  }
  process.stdout.write(`${formatTable(rows)}\n`);
}

// Interrupted: stop the apps, servers and databases the running benchmark started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`${signal}: cleaning up...\n`);
    void runPendingCleanups().finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
