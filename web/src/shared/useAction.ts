import { useState } from 'react';
import { ApiError } from './api-error';

/** A form's one action: busy while it runs, then its result or its error (a new run clears both). */
export function useAction<T>() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function run(work: () => Promise<T>): Promise<T | null> {
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      const value = await work();
      setResult(value);
      return value;
    } catch (e) {
      setError(e);
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { busy, result, error, run };
}

/** The photo a form needs, or the refusal to show (before anything is sent). */
export function needPhoto(photo: Blob | null): Blob {
  if (!photo) throw new ApiError('Take or choose a photo first.', 'INVALID_INPUT', { field: 'image' });
  return photo;
}
