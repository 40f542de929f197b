// A tiny history router: the server answers every page path with index.html (SPA fallback), links are
// ordinary <a href> elements (so they work with the keyboard, middle-click and screen readers) and same-origin
// clicks are turned into pushState navigations.
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  path: string;
  query: URLSearchParams;
}

const subscribers = new Set<() => void>();
/** When the last in-app navigation happened (0: none pending). */
let focusRequestedAt = 0;

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(href: string, options: { replace?: boolean; state?: unknown } = {}): void {
  if (options.replace) window.history.replaceState(options.state ?? null, '', href);
  else window.history.pushState(options.state ?? null, '', href);
  window.scrollTo(0, 0);
  focusRequestedAt = performance.now();
  for (const notify of subscribers) notify();
}

/**
 * Ref for each page's <h1>: after an in-app navigation, focus moves to the new page's heading once it is
 * rendered (possibly after its data loaded), so keyboard and screen-reader users start reading there.
 * A full page load starts at the top anyway, so nothing is focused then.
 */
export function focusOnArrival(heading: HTMLElement | null): void {
  if (!heading || focusRequestedAt === 0) return;
  if (performance.now() - focusRequestedAt < 5_000) heading.focus({ preventScroll: true });
  focusRequestedAt = 0;
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    const popped = () => {
      focusRequestedAt = performance.now();
      update();
    };
    subscribers.add(update);
    window.addEventListener('popstate', popped);
    return () => {
      subscribers.delete(update);
      window.removeEventListener('popstate', popped);
    };
  }, []);
  return location;
}

/** Intercepts plain left-clicks on same-origin links; anything else stays a normal browser navigation. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    const link = (event.target as Element).closest('a');
    if (!link || link.target || link.hasAttribute('download') || link.origin !== window.location.origin) return;
    if (link.pathname.startsWith('/api/') || link.pathname.startsWith('/assets/')) return;
    event.preventDefault();
    navigate(link.pathname + link.search);
  });
}

/** Matches `/products/:id` style patterns; returns the parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (path === '/' && pattern === '/') return {};
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!g) return null;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}
