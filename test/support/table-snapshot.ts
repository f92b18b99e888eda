import { Client } from 'pg';

/** A fingerprint of every table: name → md5 of all its rows, in a stable order. */
export type TableFingerprints = ReadonlyMap<string, string>;

/**
 * Fingerprints every table of a database in one round trip, so a suite can show that a
 * request changed nothing (every column, `last_used_at` included).
 */
export class TableSnapshots {
  private query = '';

  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<TableSnapshots> {
    const client = new Client({ connectionString: url });
    await client.connect();
    const snapshots = new TableSnapshots(client);
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    snapshots.query = tables.rows
      .map(
        ({ table_name: table }) =>
          `SELECT '${table}' AS name, md5(coalesce(string_agg(row_text, '|' ORDER BY row_text), '')) AS digest
             FROM (SELECT t::text AS row_text FROM "${table}" t) rows`,
      )
      .join(' UNION ALL ');
    return snapshots;
  }

  async take(): Promise<TableFingerprints> {
    const result = await this.client.query<{ name: string; digest: string }>(this.query);
    return new Map(result.rows.map((row) => [row.name, row.digest]));
  }

  /** The tables whose rows differ between two fingerprints. */
  static changed(before: TableFingerprints, after: TableFingerprints): string[] {
    return [...after.keys()].filter((table) => before.get(table) !== after.get(table));
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
