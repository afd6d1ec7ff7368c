/** Small shared pieces of the app and the console. */
import type { ReactNode } from 'react';
import { ApiError, toApiError } from './api';
import { explain } from './errors';

/** A refusal, explained: errorType, what to do, errorInfo's details. */
export function ErrorBox({ error }: { error: unknown }) {
  const e = error instanceof ApiError ? error : toApiError(error);
  const { title, detail, points } = explain(e);
  return (
    <div className="notice error" role="alert" data-error-type={e.errorType}>
      <p className="title">{title}</p>
      {detail && <p>{detail}</p>}
      {points && (
        <ul>
          {points.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <p className="code">{e.errorType}</p>
    </div>
  );
}

export function Success({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="notice success" role="status">
      <p className="title">{title}</p>
      {children}
    </div>
  );
}

/** A labelled text field. */
export function TextField(props: {
  label: string;
  value: string;
  onChange(v: string): void;
  hint?: string;
  required?: boolean;
  pattern?: string;
  autoComplete?: string;
  type?: string;
  name?: string;
  inputMode?: 'numeric' | 'text' | 'decimal';
}) {
  const id = `field-${props.name ?? props.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        pattern={props.pattern}
        autoComplete={props.autoComplete ?? 'off'}
        inputMode={props.inputMode}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

/** userId: what the API accepts (core/validation.ts's alphabet), said before it refuses. */
export const USER_ID_PATTERN = '[a-zA-Z0-9_.\\-:]{1,128}';
export const USER_ID_HINT = 'Letters, digits and _ . - : (up to 128).';

export const formatDate = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');
export const percent = (n: number): string => `${n.toFixed(2)} %`;
