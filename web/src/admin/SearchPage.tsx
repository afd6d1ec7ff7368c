/** Who in the collection looks like this face (searchFaces, 1:N), best first. */
import { useState, type FormEvent } from 'react';
import * as op from '../../../cli/operations';
import { ApiError, request, type Auth } from '../shared/api';
import { ErrorBox, TextField, percent } from '../shared/components';
import { PhotoInput } from '../shared/PhotoInput';
import { uploadPhoto } from '../shared/upload';
import { hrefOf } from '../shared/useHashRoute';

export function SearchPage({ auth }: { auth: Auth }) {
  const [photo, setPhoto] = useState<Blob | null>(null);
  const [threshold, setThreshold] = useState('80');
  const [matches, setMatches] = useState<op.SearchFacesData['searchFaces'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function search(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setMatches(null);
    if (!photo) {
      setError(new ApiError('Take or choose a photo first.', 'INVALID_INPUT', { field: 'image' }));
      return;
    }
    setBusy(true);
    try {
      const image = { s3Key: await uploadPhoto(photo, 'SELFIE') };
      const { searchFaces } = await request<op.SearchFacesData, op.SearchFacesVars>(op.SEARCH_FACES, { image, threshold: Number(threshold), limit: 10 }, auth);
      setMatches(searchFaces);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Search by face</h1>
      <form onSubmit={search}>
        <PhotoInput legend="Face to look for" value={photo} onChange={setPhoto} disabled={busy} />
        <TextField label="Minimum similarity (0–100)" name="threshold" type="number" inputMode="decimal" value={threshold} onChange={setThreshold} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      {matches && (
        <div className="card" role="status">
          <h2>{matches.length === 0 ? 'Nobody in the collection looks like this.' : `${matches.length} match${matches.length === 1 ? '' : 'es'}`}</h2>
          <ol className="matches">
            {matches.map((m) => (
              <li key={m.faceId} data-user={m.userId}>
                <a href={hrefOf('users', m.userId)}>{m.userId}</a> — similarity {percent(m.similarity)} <span className="small">(face {m.faceId})</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
