import { admin } from '../api';
import { h, replace } from '../dom';
import type { PageContext } from '../router';
import { badge, card, confirmAction, errorBox, table, timestamp } from '../ui';

interface VaultKeys {
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

const POLL_MS = 500;

/** Share of credentials already wrapped by the active key. */
export function percentDone(view: VaultKeys): number {
  const total = view.keys.reduce((sum, key) => sum + key.credentials, 0);
  return total === 0 ? 100 : Math.floor(((total - view.pendingRewrap) / total) * 100);
}

export async function renderVault({ main, isCurrent }: PageContext): Promise<void> {
  const summary = h('section', { class: 'cards' });
  const keys = h('section', { class: 'panel' });
  const bar = h('progress', { max: 100, 'aria-label': 'Rotation progress' });
  const percent = h('span', { class: 'percent', 'data-testid': 'rotation-percent' });
  const state = h('span', { class: 'muted', 'data-testid': 'rotation-state' });
  const message = h('div', { class: 'message' });
  const start = h(
    'button',
    { type: 'button', class: 'button button-primary', 'data-testid': 'start-rotation' },
    'Start rotation',
  );

  const draw = (view: VaultKeys) => {
    const done = percentDone(view);
    bar.value = done;
    percent.textContent = `${done}%`;
    state.textContent = view.rotation.running
      ? `Re-wrapping: ${view.rotation.rewrapped} done, ${view.pendingRewrap} to go`
      : view.rotation.finishedAt
        ? `Last rotation finished, ${view.rotation.rewrapped} re-wrapped${view.rotation.lastError ? `, stopped by ${view.rotation.lastError}` : ''}`
        : view.pendingRewrap > 0
          ? `${view.pendingRewrap} credentials are wrapped by an older key`
          : 'Every credential is wrapped by the active key';
    start.disabled = view.rotation.running;
    replace(
      summary,
      card('Active key', h('code', {}, view.activeKeyId)),
      card('Waiting for re-wrap', view.pendingRewrap),
      card('Last rotation started', timestamp(view.rotation.startedAt)),
    );
    replace(
      keys,
      h('h2', {}, 'Keys'),
      table(
        ['Key', 'State', 'Credentials it wraps'],
        view.keys.map((key) => [
          h('code', {}, key.id),
          key.active
            ? badge('active')
            : key.configured
              ? badge('retired', 'older key')
              : badge('failed', 'missing from VAULT_KEYS'),
          key.credentials,
        ]),
        'vault-keys',
      ),
    );
  };
  const poll = async () => {
    while (isCurrent()) {
      const view = await admin.get<VaultKeys>('vault/keys');
      draw(view);
      if (!view.rotation.running) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  start.addEventListener('click', () => {
    void confirmAction(
      'Start a key rotation?',
      'Every data key is re-wrapped to the active vault key, online: reads and refreshes go on.',
      'Start rotation',
    ).then(async (yes) => {
      if (!yes) {
        return;
      }
      replace(message);
      try {
        draw(await admin.post<VaultKeys>('vault/rotate'));
        await poll();
      } catch (error) {
        replace(message, errorBox(error));
      }
    });
  });

  main.append(
    h('h1', {}, 'Vault'),
    summary,
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Rotation'),
      h('div', { class: 'progress-row' }, bar, percent),
      state,
      h('div', { class: 'actions' }, start),
      message,
    ),
    keys,
  );
  await poll();
}
