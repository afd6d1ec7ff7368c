import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import codegenConfig, { generatedTypesPath } from '../../codegen';
import type { AuthMode } from '../../local/appsync/contract';
import { loadSchema } from '../../local/appsync/server/schema';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
// The local AppSync server's reading of the auth directives (field, else type, else the default IAM).
const loaded = loadSchema();
const { schema } = loaded;

const modesOf = (typeName: string, fieldName: string): AuthMode[] => [...loaded.ruleOf(typeName, fieldName).keys()];

const rootFields = (type: GraphQLObjectType | null | undefined) => Object.values(type?.getFields() ?? {});

describe('schema', () => {
  it('is valid with AppSync scalars and directives declared', () => {
    expect(schema.getQueryType()?.name).toBe('Query');
    expect(Object.keys(schema.getMutationType()!.getFields()).sort()).toEqual(
      ['authenticate', 'createUploadUrl', 'deleteMe', 'deleteUser', 'publishRegistrationProgress', 'registerUser', 'registerWithIdCard', 'updateMyPhoto', 'updatePhoto'].sort(),
    );
  });

  it('carries every errorType of the design', () => {
    const values = (schema.getType('ErrorType') as unknown as { getValues(): { name: string }[] }).getValues().map((v) => v.name);
    for (const name of ['NO_FACE', 'MULTIPLE_FACES', 'POOR_QUALITY', 'FACE_ALREADY_REGISTERED', 'USER_ALREADY_EXISTS', 'USER_NOT_FOUND', 'FACE_MISMATCH', 'FACE_MISMATCH_ID_CARD', 'LOCKED_OUT', 'INVALID_IMAGE', 'IMAGE_TOO_LARGE', 'UNAUTHORIZED', 'INTERNAL']) {
      expect(values).toContain(name);
    }
  });

  it('gives app fields to API key and IAM, admin fields to the admins group, publishing to IAM only', () => {
    for (const name of ['registerUser', 'registerWithIdCard', 'updatePhoto', 'authenticate']) {
      expect(modesOf('Mutation', name)).toEqual(['API_KEY', 'AWS_IAM']);
    }
    // Signed-in users upload their selfies too.
    expect(modesOf('Mutation', 'createUploadUrl')).toEqual(['API_KEY', 'AWS_IAM', 'AMAZON_COGNITO_USER_POOLS']);
    expect(modesOf('Mutation', 'publishRegistrationProgress')).toEqual(['AWS_IAM']);
    const admin = [['Mutation', 'deleteUser'], ...['user', 'listUsers', 'faceRecords', 'searchFaces', 'faceImageUrl', 'registrations'].map((n) => ['Query', n])] as const;
    for (const [typeName, fieldName] of admin) {
      expect(modesOf(typeName, fieldName)).toEqual(['AMAZON_COGNITO_USER_POOLS']);
      expect(loaded.ruleOf(typeName, fieldName).get('AMAZON_COGNITO_USER_POOLS')).toEqual(['admins']);
    }
  });

  it('gives the fields about oneself to any user-pool caller, and only them', () => {
    for (const [typeName, fieldName] of [['Query', 'me'], ['Mutation', 'updateMyPhoto'], ['Mutation', 'deleteMe']] as const) {
      expect(modesOf(typeName, fieldName)).toEqual(['AMAZON_COGNITO_USER_POOLS']);
      expect(loaded.ruleOf(typeName, fieldName).get('AMAZON_COGNITO_USER_POOLS')).toBeNull();
    }
    expect(Object.keys(schema.getQueryType()!.getFields()).sort()).toEqual(['faceImageUrl', 'faceRecords', 'listUsers', 'me', 'registration', 'registrations', 'searchFaces', 'user']);
  });

  it('lets every mode that can reach a field read the type it returns (AppSync checks each level)', () => {
    const problems: string[] = [];
    const visit = (type: GraphQLObjectType, modes: AuthMode[], seen: Set<string>) => {
      if (seen.has(type.name)) return;
      seen.add(type.name);
      for (const field of Object.values(type.getFields())) {
        const allowed = modesOf(type.name, field.name);
        const missing = modes.filter((m) => !allowed.includes(m));
        if (missing.length > 0) problems.push(`${type.name}.${field.name} unreadable with ${missing.join(', ')}`);
        const target = getNamedType(field.type);
        if (isObjectType(target)) visit(target, modes.filter((m) => allowed.includes(m)), seen);
      }
    };
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const field of rootFields(root)) {
        const target = getNamedType(field.type);
        if (isObjectType(target)) visit(target, modesOf(root!.name, field.name), new Set());
      }
    }
    expect(problems).toEqual([]);
  });

  it('subscribes to progress through the publish mutation, with matching selection', () => {
    const sub = schema.getSubscriptionType()!.getFields().onRegistrationProgress!;
    const directive = sub.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
    expect(directive?.arguments?.[0]?.value).toMatchObject({ values: [{ value: 'publishRegistrationProgress' }] });
    expect(getNamedType(sub.type)).toBe(getNamedType(schema.getMutationType()!.getFields().publishRegistrationProgress!.type));
    expect(sub.args.map((a) => a.name)).toEqual(['registrationId']);
  });
});

describe('codegen', () => {
  it('the generated types are up to date with the schema (run `npm run codegen`)', async () => {
    const [output] = await generate({ ...codegenConfig, cwd: new URL('../..', import.meta.url).pathname, silent: true }, false);
    expect(output?.filename).toBe(generatedTypesPath);
    expect(read(generatedTypesPath)).toBe(output!.content);
  }, 30_000);
});
