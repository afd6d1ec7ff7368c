/**
 * "Sign in with this photo" — the one place that knows how a face sign-in is done, so the page
 * does not. Today it is the `authenticate` mutation (API key): upload the selfie, ask whether it
 * is this user, show the similarity. When Cognito custom authentication lands (issue 10), this
 * file becomes Amplify's signIn({username, options: {authFlowType: 'CUSTOM_WITHOUT_SRP'}}) →
 * upload to the challenge's ticket → confirmSignIn({challengeResponse: key}) → tokens; the page
 * keeps calling signInWithFace and showing a FaceSignIn.
 */
import * as op from '../../../cli/operations';
import { request } from '../shared/api';
import { uploadPhoto } from '../shared/upload';

export interface FaceSignIn {
  userId: string;
  /** True when the face matched; a refusal is thrown as ApiError (FACE_MISMATCH, LOCKED_OUT, …). */
  signedIn: boolean;
  /** Similarity of the selfie to the user's enrolled face, 0–100, when the API tells it. */
  similarity: number | null;
  at: string;
}

export async function signInWithFace(userId: string, photo: Blob): Promise<FaceSignIn> {
  const image = { s3Key: await uploadPhoto(photo, 'SELFIE') };
  const { authenticate } = await request<op.AuthenticateData, op.AuthenticateVars>(op.AUTHENTICATE, { input: { userId, image } });
  return { userId: authenticate.userId, signedIn: authenticate.authenticated, similarity: authenticate.similarity, at: authenticate.authenticatedAt };
}
