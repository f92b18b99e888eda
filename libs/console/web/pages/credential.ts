import { admin, type Page } from '../api';
import { append, type Child, h, replace } from '../dom';
import type { PageContext } from '../router';
import { badge, errorBox, timestamp, whenConfirmed } from '../ui';
import type { AdminCredential } from './credentials';
import { type AuditEvent, timeline } from './timeline';

/** What each last-error code means for the operator. */
const ERROR_MEANINGS: Record<string, string> = {
  refresh_token_rejected: 'The provider refused the stored grant: the user must connect again.',
  mfa_required: 'The provider asks the user for a one-time code before it refreshes again.',
  upstream_unavailable: 'The provider was down or slow; Keyhouse retries with backoff.',
  upstream_error: 'The provider answered with an error; Keyhouse retries with backoff.',
  provider_not_configured: 'The gateway has no keys for this provider: configure them.',
  response_lost: 'A refresh answer was lost to a crash; the user must connect again.',
};

export async function renderCredential({
  main,
  id,
  isCurrent,
  navigate,
}: PageContext): Promise<void> {
  const [credential, events] = await Promise.all([
    admin.get<AdminCredential>(`credentials/${id}`),
    admin.get<Page<AuditEvent>>(`audit?credentialId=${id}&limit=100`),
  ]);
  if (!isCurrent()) {
    return;
  }
  const message = h('div', { class: 'message' });
  const live = credential.status !== 'revoked';
  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      navigate(`/console/credentials/${credential.id}?done=${encodeURIComponent(done)}`);
    } catch (error) {
      replace(message, errorBox(error));
    }
  };
  const refreshButton = h(
    'button',
    {
      type: 'button',
      class: 'button button-primary',
      disabled: !live,
      onclick: () => {
        whenConfirmed(
          'Refresh this credential now?',
          'Keyhouse asks the provider for a new token now, through the usual lease.',
          'Refresh now',
          () => act(() => admin.post(`credentials/${credential.id}/refresh`), 'Refreshed'),
        );
      },
    },
    'Refresh now',
  );
  const revokeButton = h(
    'button',
    {
      type: 'button',
      class: 'button button-danger',
      disabled: !live,
      onclick: () => {
        whenConfirmed(
          'Revoke this credential?',
          'It is revoked at the provider where possible and its tokens are erased. The user must connect again.',
          'Revoke',
          () => act(() => admin.delete(`credentials/${credential.id}`), 'Revoked'),
        );
      },
    },
    'Revoke',
  );
  const done = new URLSearchParams(location.search).get('done');
  const fields: [string, Child][] = [
    ['Team', credential.team],
    ['User', credential.userId],
    ['Account', credential.accountId ?? '—'],
    ['Provider', credential.provider],
    ['Status', badge(credential.status)],
    ['Expires', timestamp(credential.expiresAt)],
    ['Refresh token expires', timestamp(credential.refreshTokenExpiresAt)],
    ['Next refresh', timestamp(credential.refreshAt)],
    ['Last refreshed', timestamp(credential.lastRefreshedAt)],
    ['Failed attempts', credential.attempts],
    ['Vault key', credential.vaultKeyId ?? '—'],
    ['Created', timestamp(credential.createdAt)],
  ];
  append(main, [
    h('p', {}, h('a', { href: '/console/credentials', 'data-link': true }, '← Credentials')),
    h('h1', {}, `${credential.provider} credential `, h('code', {}, credential.id.slice(0, 8))),
    done ? h('div', { class: 'alert alert-ok', role: 'status' }, `${done}.`) : null,
    h('div', { class: 'actions' }, refreshButton, revokeButton),
    message,
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Metadata'),
        h(
          'dl',
          { class: 'fields', 'data-testid': 'credential-fields' },
          fields.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
        ),
        h('h2', {}, 'Last error'),
        credential.lastError
          ? h(
              'div',
              { class: 'alert alert-error', 'data-testid': 'last-error' },
              h('code', {}, credential.lastError),
              h('span', { class: 'hint' }, ERROR_MEANINGS[credential.lastError] ?? ''),
            )
          : h(
              'p',
              { class: 'muted', 'data-testid': 'last-error' },
              'None: the last refresh worked.',
            ),
      ),
      h('section', { class: 'panel' }, h('h2', {}, 'Timeline'), timeline(events.items)),
    ),
  ]);
}
