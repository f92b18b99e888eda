/** History-API routing inside /console; a page's timers stop once another page is shown. */
export interface PageContext {
  readonly main: HTMLElement;
  readonly params: URLSearchParams;
  readonly id?: string;
  /** False once the operator has moved on: pollers stop. */
  isCurrent(): boolean;
  navigate(path: string): void;
}

export type PageRenderer = (context: PageContext) => Promise<void>;

export interface Route {
  readonly pattern: RegExp;
  readonly nav: string;
  readonly render: PageRenderer;
}

let generation = 0;

export function startRouter(
  routes: Route[],
  show: (route: Route, context: PageContext) => void,
): void {
  const render = () => {
    const current = ++generation;
    const path = location.pathname.replace(/\/+$/, '') || '/console';
    const route = routes.find((candidate) => candidate.pattern.test(path)) ?? routes[0];
    const id = route.pattern.exec(path)?.[1];
    show(route, {
      main: document.createElement('main'),
      params: new URLSearchParams(location.search),
      id: id === undefined ? undefined : decodeURIComponent(id),
      isCurrent: () => current === generation,
      navigate,
    });
  };
  const navigate = (target: string) => {
    history.pushState(null, '', target);
    render();
  };
  window.addEventListener('popstate', render);
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[data-link]');
    if (
      link instanceof HTMLAnchorElement &&
      event.button === 0 &&
      !event.metaKey &&
      !event.ctrlKey
    ) {
      event.preventDefault();
      navigate(link.getAttribute('href') ?? '/console');
    }
  });
  routerState.rerender = render;
  render();
}

export const routerState = { rerender: () => undefined as void };
