import { rememberSession, session, type SessionInfo } from '../api';
import { formValues, h, replace } from '../dom';
import { errorBox } from '../ui';

const SIGN_IN_HINTS: Record<string, string> = {
  unauthenticated: 'Check it for typos: a rotated or deleted key no longer works.',
  forbidden: 'Use a key with the admin scope, such as the one the gateway printed at first start.',
  validation_failed: 'Paste the whole key, without spaces around it.',
};

export function renderSignIn(onSignedIn: (session: SessionInfo) => void): HTMLElement {
  const message = h('div', { class: 'message' });
  const form = h(
    'form',
    { class: 'signin-form', 'data-testid': 'sign-in' },
    h('h1', {}, 'Keyhouse console'),
    h('p', {}, 'Sign in with an admin API key. It is kept on the server for this session only.'),
    h(
      'label',
      {},
      'Admin API key',
      h('input', {
        type: 'password',
        name: 'apiKey',
        required: true,
        autocomplete: 'off',
        spellcheck: 'false',
      }),
    ),
    h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in'),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const { apiKey = '' } = formValues(form);
    form.reset();
    session
      .signIn(apiKey)
      .then((signedIn) => {
        rememberSession(signedIn);
        onSignedIn(signedIn);
      })
      .catch((error: unknown) => replace(message, errorBox(error, SIGN_IN_HINTS)));
  });
  return h('div', { class: 'signin' }, form);
}
