import Table from 'cli-table3';

export interface OutputOptions {
  readonly json?: boolean;
}

/** Human tables by default; with --json, the API's own JSON on stdout for scripts. */
export class Output {
  constructor(
    private readonly options: OutputOptions,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
  ) {}

  get json(): boolean {
    return this.options.json === true;
  }

  /** Prints `value` as JSON, or calls `human` to print it for people. */
  result(value: unknown, human: () => void): void {
    if (this.json) {
      this.line(JSON.stringify(value, null, 2));
    } else {
      human();
    }
  }

  table(headings: string[], rows: (string | number | null | undefined)[][], empty: string): void {
    if (rows.length === 0) {
      this.line(empty);
      return;
    }
    const table = new Table({
      head: headings,
      style: { head: [], border: [], compact: true },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    table.push(
      ...rows.map((row) =>
        row.map((cell) =>
          cell === null || cell === undefined || cell === '' ? '—' : String(cell),
        ),
      ),
    );
    this.line(table.toString());
  }

  fields(pairs: [string, string | number | null | undefined][]): void {
    const width = Math.max(...pairs.map(([name]) => name.length));
    for (const [name, value] of pairs) {
      this.line(`${name.padEnd(width)}  ${value === null || value === undefined ? '—' : value}`);
    }
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }
}

/** "3600", "90s", "30m", "24h", "7d" → seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const unit = { '': 1, s: 1, m: 60, h: 3_600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export function ago(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1_000);
  const magnitude = Math.abs(seconds);
  const text =
    magnitude < 60
      ? `${magnitude}s`
      : magnitude < 3_600
        ? `${Math.round(magnitude / 60)}m`
        : magnitude < 86_400
          ? `${Math.round(magnitude / 3_600)}h`
          : `${Math.round(magnitude / 86_400)}d`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}
