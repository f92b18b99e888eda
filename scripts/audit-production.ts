// CI's dependency check: `npm audit --omit=dev --audit-level=high`, told apart from "the
// registry could not answer". A high or critical advisory on a production dependency fails
// the run. A registry without the audit endpoint (some mirrors answer 405) is reported
// loudly and, unless --strict is given, does not fail the run: there is nothing to judge.
import { spawnSync } from 'node:child_process';

interface AuditReport {
  readonly metadata?: { readonly vulnerabilities?: Record<string, number> };
  readonly vulnerabilities?: Record<string, { readonly severity: string }>;
  readonly error?: unknown;
  readonly statusCode?: number;
  readonly message?: string;
}

function main(): number {
  const strict = process.argv.includes('--strict');
  const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], {
    encoding: 'utf8',
  });
  let report: AuditReport;
  try {
    report = JSON.parse(run.stdout) as AuditReport;
  } catch {
    process.stderr.write(`npm audit gave no report:\n${run.stderr}\n`);
    return strict ? 1 : 0;
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    process.stderr.write(
      `WARNING: npm audit could not get advisories from the registry (${report.statusCode ?? '?'} ${report.message ?? ''}); production dependencies were NOT checked\n`,
    );
    return strict ? 1 : 0;
  }
  const serious = Object.entries(report.vulnerabilities ?? {})
    .filter(([, entry]) => entry.severity === 'high' || entry.severity === 'critical')
    .map(([name, entry]) => `${name} (${entry.severity})`);
  if (serious.length > 0) {
    process.stderr.write(`npm audit: high or critical advisories: ${serious.join(', ')}\n`);
    return 1;
  }
  process.stdout.write(`npm audit: no high or critical advisory (${JSON.stringify(counts)})\n`);
  return 0;
}

process.exit(main());
