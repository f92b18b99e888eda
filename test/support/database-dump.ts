import { queryDatabase } from './test-database';

/**
 * Everything stored in every table of the public schema, as text: each row as JSON (bytea as
 * hex) plus every bytea value decoded as UTF-8, so a secret stored in plaintext shows up
 * whichever way it was written. What a pg_dump would hand an attacker.
 */
export async function dumpDatabase(url: string): Promise<string> {
  const tables = await queryDatabase<{ table_name: string }>(
    url,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    const rows = await queryDatabase<Record<string, unknown>>(url, `SELECT * FROM "${table}"`);
    for (const row of rows) {
      parts.push(
        `${table}: ${JSON.stringify(row, (_key, value: unknown) => (isBufferJson(value) ? Buffer.from(value.data).toString('hex') : value))}`,
      );
      for (const value of Object.values(row)) {
        if (Buffer.isBuffer(value)) {
          parts.push(value.toString('utf8'), value.toString('base64'));
        } else if (typeof value === 'object' && value !== null) {
          // jsonb (an integration's sealed secrets are base64 strings): decoded too.
          for (const text of stringLeaves(value)) {
            parts.push(Buffer.from(text, 'base64').toString('utf8'));
          }
        }
      }
    }
  }
  return parts.join('\n');
}

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).flatMap(stringLeaves);
  }
  return [];
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer'
  );
}
