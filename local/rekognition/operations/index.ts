/** Operation name (the part after `RekognitionService.` in X-Amz-Target) → handler. */
import { CreateCollection, DeleteCollection, DescribeCollection, ListCollections } from './collections';
import type { Operation } from './context';
import { CompareFaces, DetectFaces } from './detect';
import { DeleteFaces, IndexFaces, ListFaces, SearchFaces, SearchFacesByImage } from './faces';
import { AssociateFaces, CreateUser, DeleteUser, DisassociateFaces, ListUsers, SearchUsers, SearchUsersByImage } from './users';

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateCollection,
  DeleteCollection,
  DescribeCollection,
  ListCollections,
  DetectFaces,
  CompareFaces,
  IndexFaces,
  ListFaces,
  DeleteFaces,
  SearchFaces,
  SearchFacesByImage,
  CreateUser,
  DeleteUser,
  ListUsers,
  AssociateFaces,
  DisassociateFaces,
  SearchUsers,
  SearchUsersByImage,
};
export type { Ctx, Operation } from './context';
