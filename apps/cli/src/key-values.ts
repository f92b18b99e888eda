import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';

/** Commander's collector for a repeatable option: every value, in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const EXAMPLES: Record<string, string> = {
  '--setting': '--setting baseUrl=https://chat.example.com',
  '--secret': '--secret apiSecret=… (or --secret-env / --secret-stdin, kept out of the history)',
  '--secret-env': '--secret-env apiSecret=STREAM_SECRET',
};

/** `name=value` (the value may hold more `=`), for --setting, --secret and --secret-env. */
export function splitPair(text: string, option: string): [string, string] {
  const mark = text.indexOf('=');
  if (mark <= 0) {
    // The text is not echoed: after --secret it may be the secret itself.
    throw new CliError(
      ExitCode.Usage,
      `${option} takes name=value`,
      `For example: ${EXAMPLES[option] ?? `${option} name=value`}`,
    );
  }
  return [text.slice(0, mark), text.slice(mark + 1)];
}

/** Adds `name` once: the same field given twice is a mistake, not a last-one-wins. */
export function putOnce(values: Record<string, string>, name: string, value: string): void {
  if (name in values) {
    throw new CliError(
      ExitCode.Usage,
      `${name} is given twice`,
      'Give each setting or secret once, through one of the options.',
    );
  }
  values[name] = value;
}
