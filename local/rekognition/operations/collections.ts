/** CreateCollection, DeleteCollection, DescribeCollection, ListCollections. */
import { RekognitionError } from '../protocol';
import { FACE_MODEL_VERSION } from '../store';
import { collectionId, num } from '../validate';
import { page, requireCollection, type Operation } from './context';

export const CreateCollection: Operation = async (ctx, body) => {
  const id = collectionId(body);
  const c = ctx.store.create(id);
  if (!c) throw new RekognitionError('ResourceAlreadyExistsException', `The collection id: ${id} already exists`);
  return { StatusCode: 200, CollectionArn: c.arn, FaceModelVersion: FACE_MODEL_VERSION };
};

export const DeleteCollection: Operation = async (ctx, body) => {
  const id = collectionId(body);
  requireCollection(ctx, id);
  await ctx.store.delete(id);
  return { StatusCode: 200 };
};

export const DescribeCollection: Operation = async (ctx, body) => {
  const c = requireCollection(ctx, collectionId(body));
  return {
    FaceCount: c.faces.size,
    UserCount: c.users.size,
    FaceModelVersion: FACE_MODEL_VERSION,
    CollectionARN: c.arn,
    CreationTimestamp: c.createdAt / 1000,
  };
};

export const ListCollections: Operation = async (ctx, body) => {
  const max = num(body, 'MaxResults', 0, 4096) ?? 1000;
  const p = page(ctx.store.list(), body.NextToken, max);
  return {
    CollectionIds: p.items.map((c) => c.id),
    FaceModelVersions: p.items.map(() => FACE_MODEL_VERSION),
    ...(p.next ? { NextToken: p.next } : {}),
  };
};
