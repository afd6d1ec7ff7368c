/**
 * A photo from the camera (getUserMedia, a frame of the live preview drawn to a canvas and
 * encoded as JPEG) or from a file. Both are labelled controls reachable by keyboard.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { canvasToJpeg } from './upload';

export interface PhotoInputProps {
  /** What the photo is, e.g. "Your selfie": the group's legend. */
  legend: string;
  value: Blob | null;
  onChange(photo: Blob | null): void;
  /** 'user' for selfies, 'environment' for an ID card. */
  facing?: 'user' | 'environment';
  disabled?: boolean;
}

type Mode = { kind: 'idle' } | { kind: 'starting' } | { kind: 'live'; stream: MediaStream } | { kind: 'failed'; why: string };

export function PhotoInput({ legend, value, onChange, facing = 'user', disabled = false }: PhotoInputProps) {
  const id = useId();
  const [mode, setMode] = useState<Mode>({ kind: 'idle' });
  const [ready, setReady] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const preview = useRef<HTMLImageElement>(null);
  // The preview shows the chosen photo through an object URL, revoked when the photo changes.
  useEffect(() => {
    if (!value || !preview.current) return;
    const url = URL.createObjectURL(value);
    preview.current.src = url;
    return () => URL.revokeObjectURL(url);
  }, [value, mode.kind]);

  const stream = mode.kind === 'live' ? mode.stream : null;
  useEffect(() => {
    if (!stream || !video.current) return;
    video.current.srcObject = stream;
    return () => stream.getTracks().forEach((t) => t.stop());
  }, [stream]);

  async function startCamera() {
    if (!navigator.mediaDevices?.getUserMedia) {
      setMode({ kind: 'failed', why: 'This browser cannot use a camera here. Choose a file instead.' });
      return;
    }
    setReady(false);
    setMode({ kind: 'starting' });
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: facing, width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
      setMode({ kind: 'live', stream: s });
    } catch (e) {
      const denied = (e as DOMException).name === 'NotAllowedError';
      setMode({ kind: 'failed', why: denied ? 'The camera was not allowed. Allow it in the browser, or choose a file.' : `No camera could be opened (${(e as Error).message}). Choose a file instead.` });
    }
  }

  async function capture() {
    const v = video.current;
    if (!v || v.videoWidth === 0) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')!.drawImage(v, 0, 0);
    onChange(await canvasToJpeg(canvas));
    setMode({ kind: 'idle' });
  }

  return (
    <fieldset className="photo" disabled={disabled}>
      <legend>{legend}</legend>
      {mode.kind === 'live' || mode.kind === 'starting' ? (
        <div className="camera">
          <video ref={video} autoPlay playsInline muted aria-label={`Camera preview for ${legend.toLowerCase()}`} onPlaying={() => setReady(true)} />
          <div className="row">
            <button type="button" onClick={capture} disabled={!ready}>
              Take the photo
            </button>
            <button type="button" className="secondary" onClick={() => setMode({ kind: 'idle' })}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <>
          {value && <img ref={preview} className="preview" alt={`${legend} (chosen)`} />}
          <div className="row">
            <button type="button" onClick={startCamera}>
              {value ? 'Retake with the camera' : 'Use the camera'}
            </button>
            <label className="file-button" htmlFor={`${id}-file`}>
              {value ? 'Choose another file' : 'Choose a photo file'}
            </label>
            <input
              id={`${id}-file`}
              className="visually-hidden"
              type="file"
              accept="image/jpeg,image/png,image/*"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) onChange(file);
                e.target.value = '';
              }}
            />
            {value && (
              <button type="button" className="secondary" onClick={() => onChange(null)}>
                Remove
              </button>
            )}
          </div>
          {mode.kind === 'failed' && (
            <p className="hint" role="alert">
              {mode.why}
            </p>
          )}
        </>
      )}
    </fieldset>
  );
}
