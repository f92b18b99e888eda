import './console.css';
import { rememberSession, session, whenSignedOut } from './api';
import { destroyCharts } from './charts';
import { h, replace } from './dom';
import { renderAudit } from './pages/audit';
import { renderClients } from './pages/clients';
import { renderCredential } from './pages/credential';
import { renderCredentials } from './pages/credentials';
import { renderIntegrations } from './pages/integrations';
import { renderOverview } from './pages/overview';
import { renderSignIn } from './pages/sign-in';
import { renderVault } from './pages/vault';
import { renderWebhooks } from './pages/webhooks';
import { type PageContext, type Route, routerState, startRouter } from './router';
import { errorBox } from './ui';

const ROUTES: Route[] = [
  { pattern: /^\/console(?:\/overview)?$/, nav: 'overview', render: renderOverview },
  { pattern: /^\/console\/credentials\/([^/]+)$/, nav: 'credentials', render: renderCredential },
  { pattern: /^\/console\/credentials$/, nav: 'credentials', render: renderCredentials },
  { pattern: /^\/console\/clients$/, nav: 'clients', render: renderClients },
  { pattern: /^\/console\/integrations$/, nav: 'integrations', render: renderIntegrations },
  { pattern: /^\/console\/vault$/, nav: 'vault', render: renderVault },
  { pattern: /^\/console\/webhooks$/, nav: 'webhooks', render: renderWebhooks },
  { pattern: /^\/console\/audit$/, nav: 'audit', render: renderAudit },
];
const NAV = [
  ['overview', 'Overview', '/console/overview'],
  ['credentials', 'Credentials', '/console/credentials'],
  ['clients', 'Clients', '/console/clients'],
  ['integrations', 'Integrations', '/console/integrations'],
  ['vault', 'Vault', '/console/vault'],
  ['webhooks', 'Webhooks', '/console/webhooks'],
  ['audit', 'Audit', '/console/audit'],
] as const;

const app = document.getElementById('app')!;
let keyPrefix: string | null = null;

function showSignIn(): void {
  destroyCharts();
  keyPrefix = null;
  replace(
    app,
    renderSignIn((signedIn) => {
      keyPrefix = signedIn.keyPrefix;
      routerState.rerender();
    }),
  );
}

function show(route: Route, context: PageContext): void {
  if (!keyPrefix) {
    showSignIn();
    return;
  }
  destroyCharts();
  const signOut = h(
    'button',
    {
      type: 'button',
      class: 'button button-quiet',
      'data-testid': 'sign-out',
      onclick: () => {
        session
          .signOut()
          .catch(() => undefined)
          .finally(() => {
            rememberSession(null);
            showSignIn();
          });
      },
    },
    'Sign out',
  );
  replace(
    app,
    h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: '/console/overview', 'data-link': true }, 'Keyhouse'),
      h(
        'nav',
        {},
        NAV.map(([key, label, href]) =>
          h('a', { href, 'data-link': true, class: key === route.nav ? 'current' : '' }, label),
        ),
      ),
      h('span', { class: 'who', title: 'Signed in with this admin key' }, keyPrefix, '…'),
      signOut,
    ),
    context.main,
  );
  route.render(context).catch((error: unknown) => context.main.append(errorBox(error)));
}

whenSignedOut(showSignIn);
session
  .current()
  .then((current) => {
    rememberSession(current);
    keyPrefix = current.keyPrefix;
  })
  .catch(() => undefined)
  .finally(() => startRouter(ROUTES, show));
