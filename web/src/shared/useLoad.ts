import { useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again; the current answer stays until the new one arrives. */
  reload(): void;
}

/**
 * Loads `load()` whenever `key` changes (or on reload), keeping only the answer for the current
 * key: a slow answer for an earlier key is dropped, not shown.
 */
export function useLoad<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const [answer, setAnswer] = useState<{ key: string; round: number; data?: T; error?: unknown } | null>(null);
  const [round, setRound] = useState(0);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  useEffect(() => {
    let live = true;
    loader.current().then(
      (data) => live && setAnswer({ key, round, data }),
      (error: unknown) => live && setAnswer({ key, round, error: error ?? new Error('failed') }),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  const mine = answer?.key === key ? answer : null;
  return { data: mine?.data, error: mine?.error ?? null, loading: mine === null || mine.round !== round, reload: () => setRound((r) => r + 1) };
}
