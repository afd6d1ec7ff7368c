import { useEffect, useState } from 'react';

/** The route is the URL's hash (#/sign-in): any static host serves the app, no rewrites. */
export function useHashRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export const hrefOf = (...parts: string[]): string => '#/' + parts.map(encodeURIComponent).join('/');
