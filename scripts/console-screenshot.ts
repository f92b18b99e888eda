// Takes the README's console screenshot (docs/console-overview.png) from a real gateway in
// Chromium. The credentials are stored through the vault; the three hours of refresh
// history are audit rows written here, because a fresh gateway has none to show:
//   KEYHOUSE_TEST_POSTGRES_URL=postgres://... node -r @swc-node/register scripts/console-screenshot.ts
import { join } from 'node:path';
import {
  createTestDatabase,
  launchChromium,
  queryDatabase,
  seedCredential,
  startGateway,
} from '@keyhouse/testing';

const PROVIDERS = ['mesh', 'tpa-stream', 'stream-chat', 'mydatahelps', 'api-stream'];
const OUTPUT = join(__dirname, '..', 'docs', 'console-overview.png');

const HISTORY_SQL = `
  INSERT INTO audit_events (created_at, action, outcome, actor_kind, actor_name, provider, details)
  SELECT now() - make_interval(mins => m) + make_interval(secs => n * 4),
         CASE WHEN n > 9 THEN 'credential.refresh_failed' ELSE 'credential.refreshed' END,
         CASE WHEN n > 9 THEN 'failure' ELSE 'success' END,
         'system', 'refresh-scheduler', 'mesh',
         CASE WHEN n > 9 THEN jsonb_build_object('code', 'upstream_unavailable', 'willRetry', n < 12)
              ELSE jsonb_build_object('latenessSeconds',
                round((0.4 + (m * 7 + n * 13) % 17 / 10.0 + CASE WHEN m BETWEEN 62 AND 71 THEN 6 ELSE 0 END)::numeric, 1))
         END
  FROM generate_series(1, 179) AS m,
       generate_series(1, 14) AS n
  WHERE n <= 4 + (m * 5) % 6 OR (m BETWEEN 62 AND 71 AND n > 9)`;

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const gateway = await startGateway({
    database,
    env: { REFRESH_ENABLED: 'true', REFRESH_INTERVAL_MS: '1000' },
  });
  const browser = await launchChromium();
  try {
    for (let index = 0; index < 240; index++) {
      await seedCredential(gateway, {
        team: ['growth', 'care', 'payments'][index % 3],
        provider: PROVIDERS[index % 5 === 4 && index % 2 ? 0 : index % 5],
        userId: `user-${index}`,
      });
    }
    await queryDatabase(
      database.url,
      `UPDATE credentials SET status = CASE WHEN n % 9 = 0 THEN 'needs_reauth' WHEN n % 13 = 0 THEN 'expired' ELSE 'revoked' END,
              last_error = CASE WHEN n % 9 = 0 THEN 'refresh_token_rejected' ELSE NULL END
       FROM (SELECT id, row_number() OVER (ORDER BY created_at) AS n FROM credentials) AS numbered
       WHERE credentials.id = numbered.id AND (n % 9 = 0 OR n % 13 = 0 OR n % 17 = 0)`,
    );
    await queryDatabase(database.url, HISTORY_SQL);
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 } })
    ).newPage();
    await page.goto(`${gateway.baseUrl}/console`);
    await page.getByLabel('Admin API key').fill(gateway.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.locator('canvas').nth(2).waitFor();
    await page.waitForFunction('document.querySelectorAll("canvas").length === 3');
    await page.screenshot({ path: OUTPUT, fullPage: true });
    process.stdout.write(`wrote ${OUTPUT}\n`);
  } finally {
    await browser.close();
    await gateway.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
