/** The manifest against the schema (the contract) and the files on disk. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../resolvers/build';
import {
  codeEntries,
  dataSources,
  pipelineFunctions,
  resolverCode,
  resolvers,
  type LambdaDataSource,
} from '../../resolvers/manifest';

const schema = buildSchema(
  readFileSync(join(projectRoot, 'schema', 'appsync.graphql'), 'utf8') +
    '\n' +
    readFileSync(join(projectRoot, 'schema', 'schema.graphql'), 'utf8'),
);

function fieldsOf(typeName: string): string[] {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return Object.keys(type.getFields()).map((f) => `${typeName}.${f}`);
}

const ALL_STEPS = ['createUploadUrl', 'registerUser', 'registerWithIdCard', 'updatePhoto', 'authenticate', 'deleteUser', 'searchFaces', 'faceImageUrl', 'me', 'updateMyPhoto', 'deleteMe'];

describe('resolvers/manifest', () => {
  it('every Query, Mutation and Subscription field and User.faces has exactly one resolver', () => {
    const wanted = [...fieldsOf('Query'), ...fieldsOf('Mutation'), ...fieldsOf('Subscription'), 'User.faces'].sort();
    const have = resolvers.map((r) => `${r.typeName}.${r.fieldName}`).sort();
    expect(have).toEqual(wanted);
    expect(new Set(have).size).toBe(have.length);
    expect(have).toHaveLength(19);
  });

  it('each resolver code is named <Type>.<field> and its file exists', () => {
    for (const r of resolvers) {
      expect(existsSync(join(projectRoot, 'resolvers', resolverCode(r) + '.ts')), resolverCode(r)).toBe(true);
    }
  });

  it('every pipeline function exists, is unique, and binds an existing data source', () => {
    const names = pipelineFunctions.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of pipelineFunctions) {
      expect(f.code.startsWith('functions/'), f.name).toBe(true);
      expect(existsSync(join(projectRoot, 'resolvers', f.code + '.ts')), f.code).toBe(true);
      expect(dataSources.map((d) => d.name), f.name).toContain(f.dataSource);
    }
  });

  it('pipelines use known functions (1 to 10 of them) and every function and data source is used', () => {
    const used = new Set<string>();
    for (const r of resolvers) {
      expect(r.functions.length, resolverCode(r)).toBeGreaterThanOrEqual(1);
      expect(r.functions.length, resolverCode(r)).toBeLessThanOrEqual(10);
      for (const name of r.functions) {
        expect(pipelineFunctions.map((f) => f.name), resolverCode(r)).toContain(name);
        used.add(name);
      }
    }
    expect([...used].sort()).toEqual(pipelineFunctions.map((f) => f.name).sort());
    expect(new Set(pipelineFunctions.map((f) => f.dataSource))).toEqual(new Set(dataSources.map((d) => d.name)));
  });

  it('the Lambda data sources are the five step Lambdas and together serve each step exactly once', () => {
    const lambdas = dataSources.filter((d): d is LambdaDataSource => d.kind === 'AWS_LAMBDA');
    expect(lambdas.map((d) => [d.name, d.lambda])).toEqual([
      ['uploads', 'uploads'],
      ['register', 'register'],
      ['authenticate', 'authenticate'],
      ['admin', 'admin'],
      ['account', 'account'],
    ]);
    const steps = lambdas.flatMap((d) => d.steps);
    expect([...steps].sort()).toEqual([...ALL_STEPS].sort());
    expect(dataSources.filter((d) => d.kind === 'AMAZON_DYNAMODB').map((d) => d.name)).toEqual(['table']);
    expect(dataSources.filter((d) => d.kind === 'NONE').map((d) => d.name)).toEqual(['none']);
  });

  it('a field that invokes a Lambda invokes the one that serves its step', () => {
    for (const r of resolvers) {
      for (const name of r.functions) {
        const f = pipelineFunctions.find((fn) => fn.name === name);
        const ds = dataSources.find((d) => d.name === f?.dataSource);
        if (ds?.kind === 'AWS_LAMBDA') {
          expect(f?.code).toBe('functions/invokeStep');
          expect(ds.steps, resolverCode(r)).toContain(r.fieldName);
        }
      }
    }
    const lambdaFields = resolvers
      .filter((r) => r.functions.some((n) => pipelineFunctions.find((f) => f.name === n)?.code === 'functions/invokeStep'))
      .map((r) => r.fieldName)
      .sort();
    expect(lambdaFields).toEqual([...ALL_STEPS].sort());
  });

  it('admin reads go straight to DynamoDB; publish and subscribe use NONE', () => {
    const pipeline = (field: string): string[] => resolvers.find((r) => r.fieldName === field)?.functions ?? [];
    expect(pipeline('user')).toEqual(['getUser']);
    expect(pipeline('listUsers')).toEqual(['queryUsers']);
    expect(pipeline('faceRecords')).toEqual(['queryFaces']);
    expect(pipeline('faces')).toEqual(['queryFaces']);
    expect(pipeline('registration')).toEqual(['queryRegistration']);
    expect(pipeline('registrations')).toEqual(['queryUserRegistrations']);
    expect(pipeline('publishRegistrationProgress')).toEqual(['passThrough']);
    expect(pipeline('onRegistrationProgress')).toEqual(['passThrough']);
  });

  it('codeEntries lists each code once: 19 resolvers and 7 function codes', () => {
    const codes = codeEntries();
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toHaveLength(26);
    expect(codes.filter((c) => c.startsWith('functions/')).sort()).toEqual([
      'functions/getUser',
      'functions/invokeStep',
      'functions/passThrough',
      'functions/queryFaces',
      'functions/queryRegistration',
      'functions/queryUserRegistrations',
      'functions/queryUsers',
    ]);
  });
});
