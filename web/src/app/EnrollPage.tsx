/** Register (optionally with an ID card): one form, the steps live below it. */
import { useState, type FormEvent } from 'react';
import { TextField, USER_ID_HINT, USER_ID_PATTERN } from '../shared/components';
import { PhotoInput } from '../shared/PhotoInput';
import { needPhoto } from '../shared/useAction';
import { EnrollStatus } from './EnrollStatus';
import { useEnroll } from './useEnroll';

export function EnrollPage() {
  const [userId, setUserId] = useState('');
  const [photo, setPhoto] = useState<Blob | null>(null);
  const [withCard, setWithCard] = useState(false);
  const [card, setCard] = useState<Blob | null>(null);
  const enrollment = useEnroll();
  const { busy } = enrollment;

  function submit(e: FormEvent) {
    e.preventDefault();
    void enrollment.start(() =>
      withCard ? { kind: 'registerWithIdCard', userId: userId.trim(), photo: needPhoto(photo), idCard: card } : { kind: 'registerUser', userId: userId.trim(), photo: needPhoto(photo) },
    );
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Register</h1>
      <p className="lead">Enroll with a selfie, taken now with the camera or chosen from a file. Add an ID card to have the selfie checked against it.</p>
      <form onSubmit={submit}>
        <TextField label="User ID" name="userId" value={userId} onChange={setUserId} required pattern={USER_ID_PATTERN} hint={USER_ID_HINT} autoComplete="username" />
        <PhotoInput legend="Your selfie" value={photo} onChange={setPhoto} disabled={busy} />
        <div className="check">
          <input id="with-card" type="checkbox" checked={withCard} onChange={(e) => setWithCard(e.target.checked)} />
          <label htmlFor="with-card">Also check my ID card</label>
        </div>
        {withCard && <PhotoInput legend="Your ID card" value={card} onChange={setCard} facing="environment" disabled={busy} />}
        <button type="submit" className="primary" disabled={busy}>
          Register
        </button>
      </form>
      <EnrollStatus state={enrollment} done={(id) => `Registered ${id}.`} />
    </section>
  );
}
