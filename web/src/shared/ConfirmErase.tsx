/**
 * Erasure behind a confirmation: a danger card whose button opens a modal dialog that asks to
 * type the user ID before the erase button works. The admin console's "Erase a user" and the
 * app's "Delete my account" (the right to erasure) both use it.
 */
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorBox } from './components';
import { useAction } from './useAction';

export interface ConfirmEraseProps<T> {
  userId: string;
  /** The card's heading, and what erasing means. */
  title: string;
  children: ReactNode;
  /** The button that opens the dialog ("Erase alice…"), the dialog's heading and text. */
  openLabel: string;
  question: string;
  explanation: string;
  /** The confirmation field's label and the final button's. */
  fieldLabel: string;
  eraseLabel: string;
  erase(): Promise<T>;
  onErased(result: T): void;
}

export function ConfirmErase<T>(props: ConfirmEraseProps<T>) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const { busy, error, run } = useAction<T>();
  const { userId } = props;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (typed !== userId) return;
    const erased = await run(props.erase);
    if (erased !== null) {
      dialog.current?.close();
      props.onErased(erased);
    }
  }

  return (
    <section aria-labelledby="erase-title" className="card danger">
      <h2 id="erase-title">{props.title}</h2>
      {props.children}
      <button
        type="button"
        className="danger"
        onClick={() => {
          setTyped('');
          dialog.current?.showModal();
        }}
      >
        {props.openLabel}
      </button>
      <dialog ref={dialog} aria-labelledby="confirm-title">
        <form onSubmit={submit}>
          <h2 id="confirm-title">{props.question}</h2>
          <p>{props.explanation}</p>
          <div className="field">
            <label htmlFor="confirm-user">{props.fieldLabel}</label>
            <input id="confirm-user" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </div>
          {error !== null && <ErrorBox error={error} />}
          <div className="row">
            <button type="submit" className="danger" disabled={typed !== userId || busy}>
              {busy ? 'Erasing…' : props.eraseLabel}
            </button>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
