import type { LogCapture } from './log-capture';

/** Something a reader (a log, a browser) received: where it came from and its text. */
export interface Exposure {
  readonly where: string;
  readonly text: string;
}

function leaksIn(exposures: readonly Exposure[], secrets: Iterable<string>): string[] {
  return [...secrets]
    .filter((secret) => secret.length >= 8)
    .flatMap((secret) =>
      exposures
        .filter((exposure) => exposure.text.includes(secret))
        .map((exposure) => `${secret.slice(0, 6)}… in ${exposure.where.slice(0, 200)}`),
    );
}

/**
 * Fails with the offending lines if any secret appears anywhere in the captured logs.
 * Tests collect every key and token they see and call this at the end.
 */
export function expectNoSecretsInLogs(logs: LogCapture, secrets: Iterable<string>): void {
  expect(
    leaksIn(
      logs.lines.map((line) => ({ where: line, text: line })),
      secrets,
    ),
  ).toEqual([]);
}

/**
 * The same for what a browser received (pages, scripts, API answers): no secret anywhere,
 * except each key in `shownOnce` in the one answer that created it.
 */
export function expectNoSecretsExposed(
  exposures: readonly Exposure[],
  secrets: Iterable<string>,
  shownOnce: ReadonlyMap<string, string> = new Map(),
): void {
  const leaks = leaksIn(exposures, secrets).filter((leak) => {
    for (const [key, where] of shownOnce) {
      if (leak === `${key.slice(0, 6)}… in ${where.slice(0, 200)}`) {
        return false;
      }
    }
    return true;
  });
  expect(leaks).toEqual([]);
}
