import { Writable } from 'node:stream';

/** Collects every log line an app writes, so tests can search them for secrets. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }

  text(): string {
    return this.lines.join('\n');
  }

  /** The lines containing `needle`; tests expect this to be empty for every secret. */
  linesContaining(needle: string): string[] {
    return this.lines.filter((line) => line.includes(needle));
  }

  parsed(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
