import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { ago } from '../output';

export interface VaultKeys {
  readonly activeKeyId: string;
  readonly keys: { id: string; active: boolean; configured: boolean; credentials: number }[];
  readonly pendingRewrap: number;
  readonly rotation: {
    running: boolean;
    startedAt: string | null;
    finishedAt: string | null;
    rewrapped: number;
    lastError: string | null;
  };
}

const POLL_MS = 250;
/** Give up when nothing moved for this long: the rotation stopped somewhere. */
const STALL_MS = 60_000;

export function percentDone(view: VaultKeys): number {
  const total = view.keys.reduce((sum, key) => sum + key.credentials, 0);
  return total === 0 ? 100 : Math.floor(((total - view.pendingRewrap) / total) * 100);
}

export function registerVault(program: Command, context: CommandContext): void {
  const vault = program.command('vault').description('Vault keys and key rotation');

  vault
    .command('keys')
    .description('Each vault key and how many credentials it wraps')
    .action(async (_options: unknown, command: Command) => {
      const view = await context.api().get<VaultKeys>('/admin/vault/keys');
      const out = context.output(command);
      out.result(view, () => {
        out.table(
          ['key', 'state', 'credentials'],
          view.keys.map((key) => [
            key.id,
            key.active ? 'active' : key.configured ? 'older' : 'MISSING from VAULT_KEYS',
            key.credentials,
          ]),
          'No vault keys.',
        );
        out.line(
          `${view.pendingRewrap} credentials wait for re-wrapping (${percentDone(view)}% done).`,
        );
        if (view.rotation.startedAt) {
          out.line(
            `Last rotation started ${ago(view.rotation.startedAt)}, ${view.rotation.rewrapped} re-wrapped.`,
          );
        }
      });
    });

  vault
    .command('rotate')
    .description('Re-wrap every credential to the active key, online')
    .option('--wait', 'show progress until every credential is re-wrapped')
    .action(async (options: { wait?: boolean }, command: Command) => {
      const api = context.api();
      const out = context.output(command);
      let view = await api.post<VaultKeys>('/admin/vault/rotate');
      if (options.wait) {
        view = await waitForRotation(() => api.get<VaultKeys>('/admin/vault/keys'), view);
      }
      out.result(view, () =>
        out.line(
          options.wait
            ? `Rotation done: every credential is wrapped by ${view.activeKeyId}.`
            : `Rotation started: ${view.pendingRewrap} to re-wrap. Watch it with: keyhouse vault rotate --wait`,
        ),
      );
    });
}

async function waitForRotation(
  read: () => Promise<VaultKeys>,
  started: VaultKeys,
): Promise<VaultKeys> {
  // On stderr, so `--json` output on stdout stays one clean document.
  const bar = new SingleBar({
    format: 'Re-wrapping [{bar}] {percentage}% | {pending} to go',
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 1_000,
    hideCursor: true,
  });
  bar.start(100, percentDone(started), { pending: started.pendingRewrap });
  let view = started;
  let lastChange = Date.now();
  try {
    while (view.pendingRewrap > 0) {
      if (!view.rotation.running && view.rotation.lastError) {
        throw new CliError(
          ExitCode.OperationFailed,
          `The rotation stopped: ${view.rotation.lastError}`,
          'Check the gateway logs, then start it again with: keyhouse vault rotate --wait',
        );
      }
      if (Date.now() - lastChange > STALL_MS) {
        throw new CliError(
          ExitCode.OperationFailed,
          `No progress for ${STALL_MS / 1_000} s with ${view.pendingRewrap} left`,
          'The gateway running the rotation may have stopped: start it again with keyhouse vault rotate --wait',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const next = await read();
      if (next.pendingRewrap !== view.pendingRewrap) {
        lastChange = Date.now();
      }
      view = next;
      bar.update(percentDone(view), { pending: view.pendingRewrap });
    }
    bar.update(100, { pending: 0 });
  } finally {
    bar.stop();
  }
  return view;
}
