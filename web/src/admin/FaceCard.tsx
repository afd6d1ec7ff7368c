/** One enrolled face: its image through a short-lived presigned GET (faceImageUrl), quality and date. */
import * as op from '../../../cli/operations';
import { request, type Auth } from '../shared/api';
import { ErrorBox, formatDate } from '../shared/components';
import { useLoad } from '../shared/useLoad';

export function FaceCard({ face, auth }: { face: op.FaceRecordOut; auth: Auth }) {
  const { data: image, error } = useLoad(face.faceId, () =>
    request<op.FaceImageUrlData, op.FaceImageUrlVars>(op.FACE_IMAGE_URL, { userId: face.userId, faceId: face.faceId }, auth).then((d) => d.faceImageUrl),
  );
  const q = face.quality;
  return (
    <figure className="face" data-face={face.faceId}>
      {image ? (
        <img src={image.url} alt={`Enrolled face of ${face.userId}, indexed ${formatDate(face.indexedAt)}`} referrerPolicy="no-referrer" />
      ) : (
        <div className="placeholder">{image === null ? 'Image not found' : error ? 'Image unavailable' : 'Loading…'}</div>
      )}
      <figcaption>
        <dl className="facts">
          <dt>Indexed</dt>
          <dd>{formatDate(face.indexedAt)}</dd>
          <dt>Confidence</dt>
          <dd>{q.confidence.toFixed(1)}</dd>
          <dt>Brightness</dt>
          <dd>{q.brightness.toFixed(0)}</dd>
          <dt>Sharpness</dt>
          <dd>{q.sharpness.toFixed(0)}</dd>
          <dt>Pose</dt>
          <dd>
            yaw {q.yaw.toFixed(0)}°, pitch {q.pitch.toFixed(0)}°, roll {q.roll.toFixed(0)}°
          </dd>
          <dt>Face ID</dt>
          <dd>
            <code className="wrap">{face.faceId}</code>
          </dd>
        </dl>
        {image && <p className="small">Image link valid until {formatDate(image.expiresAt)}.</p>}
        {error !== null && <ErrorBox error={error} />}
      </figcaption>
    </figure>
  );
}
