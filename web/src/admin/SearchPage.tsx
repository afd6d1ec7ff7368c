/** Who in the collection looks like this face (searchFaces, 1:N), best first. */
import { useState, type FormEvent } from 'react';
import * as op from '../../../cli/operations';
import { request, type Auth } from '../shared/api';
import { ErrorBox, TextField, percent } from '../shared/components';
import { PhotoInput } from '../shared/PhotoInput';
import { needPhoto, useAction } from '../shared/useAction';
import { uploadPhoto } from '../shared/upload';
import { hrefOf } from '../shared/useHashRoute';

export function SearchPage({ auth }: { auth: Auth }) {
  const [photo, setPhoto] = useState<Blob | null>(null);
  const [threshold, setThreshold] = useState('80');
  const { busy, result: matches, error, run } = useAction<op.SearchFacesData['searchFaces']>();

  const search = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const image = { s3Key: await uploadPhoto(needPhoto(photo), 'SELFIE') };
      const { searchFaces } = await request<op.SearchFacesData, op.SearchFacesVars>(op.SEARCH_FACES, { image, threshold: Number(threshold), limit: 10 }, auth);
      return searchFaces;
    });
  };

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
