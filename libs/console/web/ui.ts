import { ApiProblem } from './api';
import { type Child, h } from './dom';

/** One colour per state, used by badges and charts alike, so a colour means one thing. */
export const STATUS_COLOURS: Record<string, string> = {
  active: '#1f9d55',
  enabled: '#1f9d55',
  succeeded: '#1f9d55',
  success: '#1f9d55',
  needs_reauth: '#d97706',
  retrying: '#d97706',
  expired: '#dc2626',
  failed: '#dc2626',
  failure: '#dc2626',
  revoked: '#6b7280',
  disabled: '#6b7280',
  idle: '#6b7280',
};
const OTHER_COLOUR = '#2563eb';

export function colourOf(status: string): string {
  return STATUS_COLOURS[status] ?? OTHER_COLOUR;
}

export function badge(status: string, label = status.replace(/_/g, ' ')): HTMLElement {
  const element = h('span', { class: 'badge', 'data-status': status }, label);
  element.style.setProperty('--badge', colourOf(status));
  return element;
}

const HINTS: Record<string, string> = {
  unauthenticated: 'Sign in again with an admin API key.',
  forbidden: 'This needs an admin key; reload the page if the console was open for long.',
  not_found: 'It may have been deleted: go back to the list and reload.',
  conflict: 'Reload to see its current state before trying again.',
  validation_failed: 'Correct the highlighted values and try again.',
  rate_limited: 'Wait a minute, then try again.',
  upstream_unavailable: 'The provider is down or slow; Keyhouse retries by itself. Try later.',
  upstream_error: 'The provider refused the call; see the credential timeline for its code.',
  needs_reauth: 'The user must connect again; Keyhouse cannot refresh this credential.',
  provider_not_configured: 'Configure the provider keys for the gateway, then retry.',
  unavailable: 'The database is unreachable; check the gateway health at /health/ready.',
  network: 'Check that the gateway is running and reachable, then reload.',
};

/** An error box that says what happened and what to do about it. */
export function errorBox(error: unknown, hints: Record<string, string> = {}): HTMLElement {
  const problem =
    error instanceof ApiProblem
      ? error
      : new ApiProblem(0, 'error', error instanceof Error ? error.message : String(error));
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert' },
    h('strong', {}, problem.detail),
    h(
      'span',
      { class: 'hint' },
      hints[problem.code] ?? HINTS[problem.code] ?? 'Reload the page and try again.',
    ),
  );
}

export function emptyState(title: string, text: string): HTMLElement {
  return h('div', { class: 'empty' }, h('strong', {}, title), h('p', {}, text));
}

export function card(label: string, value: Child, note?: Child): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('span', { class: 'card-label' }, label),
    h('span', { class: 'card-value' }, value),
    note ? h('span', { class: 'card-note' }, note) : null,
  );
}

export function table(headings: string[], rows: Child[][], testId?: string): HTMLElement {
  return h(
    'table',
    { class: 'table', 'data-testid': testId },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headings.map((heading) => h('th', {}, heading)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((cell) => h('td', {}, cell)),
        ),
      ),
    ),
  );
}

export function relativeTime(iso: string | null): string {
  if (!iso) {
    return '—';
  }
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1_000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ];
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return iso;
}

export function timestamp(iso: string | null): HTMLElement {
  return h('time', { datetime: iso ?? '', title: iso ?? '' }, relativeTime(iso));
}

/** A modal question; resolves true only when the operator confirms. */
export function confirmAction(title: string, text: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h(
      'dialog',
      { class: 'dialog', 'data-testid': 'confirm-dialog' },
      h('h2', {}, title),
      h('p', {}, text),
    );
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'button', onclick: () => close(false) }, 'Cancel'),
        h(
          'button',
          { type: 'button', class: 'button button-danger', onclick: () => close(true) },
          confirmLabel,
        ),
      ),
    );
    dialog.addEventListener('cancel', () => close(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Runs `action` only after the operator confirms. */
export function whenConfirmed(
  title: string,
  text: string,
  confirmLabel: string,
  action: () => Promise<unknown>,
): void {
  void confirmAction(title, text, confirmLabel).then((yes) => {
    if (yes) {
      void action();
    }
  });
}

/** A key shown once: a read-only field with a copy button, gone when dismissed. */
export function keyReveal(title: string, key: string): HTMLElement {
  const field = h('input', {
    class: 'key-field',
    readonly: true,
    value: key,
    'aria-label': 'New API key',
    'data-testid': 'new-key',
  });
  const copied = h('span', { class: 'copied', 'aria-live': 'polite' });
  const panel = h(
    'div',
    { class: 'alert alert-key', 'data-testid': 'key-reveal' },
    h('strong', {}, title),
    h('p', {}, 'Copy this key now: Keyhouse stores only its hash and will not show it again.'),
    h(
      'div',
      { class: 'key-row' },
      field,
      h(
        'button',
        {
          type: 'button',
          class: 'button',
          onclick: () => {
            field.select();
            void navigator.clipboard
              ?.writeText(key)
              .then(() => (copied.textContent = 'Copied'))
              .catch(() => (copied.textContent = 'Press Ctrl+C to copy'));
          },
        },
        'Copy',
      ),
      h('button', { type: 'button', class: 'button', onclick: () => panel.remove() }, 'Done'),
      copied,
    ),
  );
  return panel;
}
