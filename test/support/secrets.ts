import type { LogCapture } from './log-capture';

/**
 * Fails with the offending lines if any secret appears anywhere in the captured logs.
 * Tests collect every key and token they see and call this at the end.
 */
export function expectNoSecretsInLogs(logs: LogCapture, secrets: Iterable<string>): void {
  const leaks = [...secrets]
    .filter((secret) => secret.length >= 8)
    .flatMap((secret) =>
      logs.linesContaining(secret).map((line) => `${secret.slice(0, 6)}… in ${line.slice(0, 200)}`),
    );
  expect(leaks).toEqual([]);
}
