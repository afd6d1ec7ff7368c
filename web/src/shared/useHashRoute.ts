import { useEffect, useState } from 'react';
import { MAIN_ID } from './Layout';

/**
 * The route is the URL's hash (#/sign-in): any static host serves the app, no rewrites. A route
 * change moves the focus to the page's content (element `focusId`), as a page load would for a
 * screen reader or keyboard user.
 */
export function useHashRoute(focusId = MAIN_ID): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => {
      setRoute(read());
      requestAnimationFrame(() => document.getElementById(focusId)?.focus());
    };
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, [focusId]);
  return route;
}

export const hrefOf = (...parts: string[]): string => '#/' + parts.map(encodeURIComponent).join('/');
