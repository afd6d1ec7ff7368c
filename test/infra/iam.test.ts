import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '../../infra/step-permissions';
import { actionsOf, resourcesOf, roleOfFunction, statementsOfRole, synthesize, type Statement, type Synthesized } from './synth';

let s: Synthesized;
let template: Template;
const logicalId = (element: unknown): string => s.stack.getLogicalId(element as CfnElement);
const json = (value: unknown): string => JSON.stringify(value);

beforeAll(async () => {
  s = await synthesize();
  template = s.template;
});

const statementsOf = (name: FunctionName): Statement[] =>
  statementsOfRole(template, roleOfFunction(template, logicalId(s.stack.steps.get(name).node.defaultChild)));

const actionsOn = (statements: Statement[], prefix: string): string[] =>
  statements.flatMap(actionsOf).filter((a) => a.startsWith(prefix)).sort();

/** What each Lambda calls, traced by hand through core/flows and adapters/ (the spec of this test). */
const REKOGNITION: Record<FunctionName, string[]> = {
  uploads: [],
  register: [
    'AssociateFaces', 'CompareFaces', 'CreateUser', 'DeleteFaces', 'DeleteUser', 'DetectFaces', 'DisassociateFaces',
    'IndexFaces', 'SearchFaces', 'SearchFacesByImage', 'SearchUsersByImage',
  ],
  authenticate: ['CompareFaces', 'DetectFaces', 'SearchUsersByImage'],
  admin: ['DeleteFaces', 'DeleteUser', 'SearchFacesByImage'],
  account: ['DeleteFaces', 'DeleteUser'],
  defineAuthChallenge: [],
  createAuthChallenge: [],
  verifyAuthChallengeResponse: ['CompareFaces', 'DetectFaces', 'SearchUsersByImage'],
};
const DYNAMODB: Record<FunctionName, string[]> = {
  uploads: [],
  register: ['DeleteItem', 'GetItem', 'PutItem', 'Query'],
  authenticate: ['DeleteItem', 'GetItem', 'PutItem', 'Query'],
  admin: ['BatchWriteItem', 'GetItem', 'Query'],
  account: ['BatchWriteItem', 'GetItem', 'Query'],
  // The lockout counter only.
  defineAuthChallenge: ['GetItem'],
  createAuthChallenge: [],
  verifyAuthChallengeResponse: ['DeleteItem', 'GetItem', 'PutItem', 'Query'],
};
/** action → key prefixes of the image bucket. */
const S3_OBJECTS: Record<FunctionName, Record<string, string[]>> = {
  uploads: { 's3:PutObject': ['uploads/'] },
  register: {
    's3:GetObject': ['faces/', 'uploads/'],
    's3:PutObject': ['faces/', 'idcards/'],
    's3:DeleteObject': ['faces/', 'idcards/', 'uploads/'],
  },
  // Reads the staged selfie and (1:1 fallback) enrolled images; deletes only the staged selfie.
  authenticate: { 's3:GetObject': ['faces/', 'uploads/'], 's3:DeleteObject': ['uploads/'] },
  // Reads the staged search image, and enrolled faces for faceImageUrl's presigned GETs (signed with its role).
  admin: { 's3:GetObject': ['faces/', 'uploads/'], 's3:DeleteObject': ['faces/', 'idcards/'] },
  account: { 's3:DeleteObject': ['faces/', 'idcards/'] },
  defineAuthChallenge: {},
  // Presigns the PUT of its challenge's key only.
  createAuthChallenge: { 's3:PutObject': ['uploads/signin/'] },
  // Reads the sign-in upload and (1:1 fallback) enrolled images; deletes only sign-in uploads.
  verifyAuthChallengeResponse: { 's3:GetObject': ['faces/', 'uploads/signin/'], 's3:DeleteObject': ['uploads/signin/'] },
};
/** Cognito admin actions on the end users' pool. */
const COGNITO: Record<FunctionName, string[]> = {
  uploads: [],
  register: ['AdminCreateUser', 'AdminDeleteUser', 'AdminGetUser', 'AdminSetUserPassword'],
  authenticate: [],
  admin: ['AdminDeleteUser'],
  account: ['AdminDeleteUser'],
  defineAuthChallenge: [],
  createAuthChallenge: [],
  verifyAuthChallengeResponse: [],
};
const LAMBDAS = Object.keys(REKOGNITION) as FunctionName[];

describe('step Lambda roles', () => {
  it('carry no managed policy; no role in the stack does', () => {
    for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role'))) {
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    }
  });

  it.each(LAMBDAS)('%s lists exactly the Rekognition actions it calls, on the collection where IAM allows', (name) => {
    const statements = statementsOf(name);
    expect(actionsOn(statements, 'rekognition:')).toEqual(REKOGNITION[name].map((a) => 'rekognition:' + a).sort());
    const collection = { 'Fn::GetAtt': [logicalId(s.stack.storage.collection), 'Arn'] };
    for (const statement of statements.filter((st) => actionsOf(st).some((a) => a.startsWith('rekognition:')))) {
      const unscoped = actionsOf(statement).every((a) => a === 'rekognition:DetectFaces' || a === 'rekognition:CompareFaces');
      // DetectFaces and CompareFaces take no collection: IAM accepts only * for them.
      expect(statement.Resource).toEqual(unscoped ? '*' : collection);
    }
  });

  it.each(LAMBDAS)('%s reaches only its table, with only the item actions it uses', (name) => {
    const statements = statementsOf(name);
    expect(actionsOn(statements, 'dynamodb:')).toEqual(DYNAMODB[name].map((a) => 'dynamodb:' + a).sort());
    const table = { 'Fn::GetAtt': [logicalId(s.stack.storage.table.node.defaultChild), 'Arn'] };
    for (const statement of statements.filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')))) {
      expect(statement.Resource).toEqual(table);
    }
  });

  it.each(LAMBDAS)('%s reaches only its bucket, by key prefix', (name) => {
    const bucketArn = { 'Fn::GetAtt': [logicalId(s.stack.storage.bucket.node.defaultChild), 'Arn'] };
    const statements = statementsOf(name).filter((st) => actionsOf(st).some((a) => a.startsWith('s3:')));
    const granted: Record<string, string[]> = {};
    for (const statement of statements) {
      for (const action of actionsOf(statement)) {
        if (action === 's3:ListBucket') {
          expect(statement.Resource).toEqual(bucketArn);
          continue;
        }
        const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
        for (const resource of resources as { 'Fn::Join': [string, [unknown, string]] }[]) {
          expect(resource['Fn::Join'][1][0]).toEqual(bucketArn);
          (granted[action] ??= []).push(resource['Fn::Join'][1][1].replace(/^\//, '').replace(/\*$/, ''));
        }
      }
    }
    for (const prefixes of Object.values(granted)) prefixes.sort();
    expect(granted).toEqual(S3_OBJECTS[name]);
    // Listing is what turns HeadObject of a missing upload into 404 (and deletePrefix lists): only the Lambdas that read uploads or erase need it.
    expect(actionsOn(statements, 's3:ListBucket').length > 0).toBe(!['uploads', 'defineAuthChallenge', 'createAuthChallenge'].includes(name));
  });

  it('lets authenticate delete staged uploads only: it cannot write or delete enrolled images', () => {
    const bucketArn = { 'Fn::GetAtt': [logicalId(s.stack.storage.bucket.node.defaultChild), 'Arn'] };
    const statements = statementsOf('authenticate');
    const resourcesFor = (action: string): unknown[] =>
      statements
        .filter((st) => actionsOf(st).includes(action) || actionsOf(st).includes('s3:*'))
        .flatMap((st) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]));
    expect(resourcesFor('s3:DeleteObject')).toEqual([{ 'Fn::Join': ['', [bucketArn, '/uploads/*']] }]);
    expect(resourcesFor('s3:PutObject')).toEqual([]);
    expect(json(resourcesFor('s3:DeleteObject'))).not.toContain('faces/');
    // No wildcard S3 action could reach faces/ either.
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:') && a.includes('*'))).toEqual([]);
  });

  it.each(LAMBDAS)('%s has exactly the Cognito admin actions it calls, on the end users\' pool only, and USER_POOL_ID with them', (name) => {
    const statements = statementsOf(name).filter((st) => actionsOf(st).some((a) => a.startsWith('cognito-idp:')));
    expect(statements.flatMap(actionsOf).sort()).toEqual(COGNITO[name].map((a) => 'cognito-idp:' + a).sort());
    const endUsers = { 'Fn::GetAtt': [logicalId(s.stack.identity.endUserPool.node.defaultChild), 'Arn'] };
    for (const statement of statements) expect(statement.Resource).toEqual(endUsers);
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[logicalId(s.stack.steps.get(name).node.defaultChild)]!;
    const env = (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    if (COGNITO[name].length > 0) expect(env.USER_POOL_ID).toEqual({ Ref: logicalId(s.stack.identity.endUserPool.node.defaultChild) });
    else expect(env.USER_POOL_ID).toBeUndefined();
  });

  it('gives no Lambda any right on the admins\' pool', () => {
    const admins = json({ 'Fn::GetAtt': [logicalId(s.stack.identity.userPool.node.defaultChild), 'Arn'] });
    for (const name of LAMBDAS) expect(json(statementsOf(name))).not.toContain(admins);
  });

  it('lets only the register Lambda read ID cards with Textract', () => {
    for (const name of LAMBDAS) {
      expect(actionsOn(statementsOf(name), 'textract:')).toEqual(name === 'register' ? ['textract:AnalyzeID'] : []);
    }
  });

  it('writes each Lambda\'s logs to its own log group only', () => {
    for (const name of LAMBDAS) {
      const logs = statementsOf(name).filter((st) => actionsOf(st).some((a) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      const fn = resourcesOf(template, 'AWS::Lambda::Function')[logicalId(s.stack.steps.get(name).node.defaultChild)]!;
      const group = (fn.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(logs[0]!.Resource).toEqual({ 'Fn::GetAtt': [group, 'Arn'] });
    }
  });

  it('grants nothing beyond these services', () => {
    for (const name of LAMBDAS) {
      const services = new Set(statementsOf(name).flatMap(actionsOf).map((a) => a.split(':')[0]));
      for (const service of services) expect(['rekognition', 'dynamodb', 's3', 'textract', 'logs', 'xray', 'appsync', 'cognito-idp']).toContain(service);
    }
  });
});

describe('AppSync access', () => {
  const apiArn = (): unknown => ({ 'Fn::GetAtt': [logicalId(s.stack.api.api.node.defaultChild), 'Arn'] });
  const fieldArn = (type: string, field: string): unknown => ({ 'Fn::Join': ['', [apiArn(), `/types/${type}/fields/${field}`]] });

  it('lets only the step Lambda that publishes progress call publishRegistrationProgress', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
    const granting = policies.filter((p) => json(p.Properties!.PolicyDocument).includes('publishRegistrationProgress'));
    expect(granting).toHaveLength(1);
    const roles = granting[0]!.Properties!.Roles as { Ref: string }[];
    expect(roles).toEqual([{ Ref: roleOfFunction(template, logicalId(s.stack.steps.get('register').node.defaultChild)) }]);
    const statement = statementsOf('register').find((st) => actionsOf(st).includes('appsync:GraphQL'))!;
    expect(json(statement.Resource)).toMatch(/:apis\/".*\/types\/Mutation\/fields\/publishRegistrationProgress"/);
    for (const name of LAMBDAS.filter((n) => n !== 'register')) expect(actionsOn(statementsOf(name), 'appsync:')).toEqual([]);
  });

  it('lets identity-pool roles call the app-client fields and nothing else', () => {
    const pool = resourcesOf(template, 'AWS::Cognito::IdentityPoolRoleAttachment');
    const attachment = Object.values(pool)[0]!.Properties!.Roles as Record<'authenticated' | 'unauthenticated', { 'Fn::GetAtt': [string, string] }>;
    const expected = [
      fieldArn('Mutation', 'authenticate'),
      fieldArn('Mutation', 'createUploadUrl'),
      fieldArn('Mutation', 'registerUser'),
      fieldArn('Mutation', 'registerWithIdCard'),
      fieldArn('Mutation', 'updatePhoto'),
      fieldArn('Query', 'registration'),
      fieldArn('Subscription', 'onRegistrationProgress'),
    ].map(json).sort();
    for (const role of [attachment.authenticated, attachment.unauthenticated]) {
      const statements = statementsOfRole(template, role['Fn::GetAtt'][0]);
      expect(statements).toHaveLength(1);
      expect(actionsOf(statements[0]!)).toEqual(['appsync:GraphQL']);
      expect((statements[0]!.Resource as unknown[]).map(json).sort()).toEqual(expected);
    }
  });

  it('lets each data source role reach only its own target', () => {
    const sources = Object.values(resourcesOf(template, 'AWS::AppSync::DataSource')).map((r) => r.Properties!);
    for (const source of sources.filter((p) => p.Type !== 'NONE')) {
      const roleId = (source.ServiceRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const statements = statementsOfRole(template, roleId);
      if (source.Type === 'AWS_LAMBDA') {
        const fnArn = (source.LambdaConfig as { LambdaFunctionArn: unknown }).LambdaFunctionArn;
        expect(statements).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fnArn }]);
      } else {
        const tableArn = { 'Fn::GetAtt': [logicalId(s.stack.storage.table.node.defaultChild), 'Arn'] };
        expect(statements).toEqual([
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:Query'],
            Resource: [tableArn, { 'Fn::Join': ['', [tableArn, '/index/gsi1']] }],
          },
        ]);
      }
    }
  });

  it('never grants appsync:GraphQL on the whole API', () => {
    for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
      const statements = (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement;
      for (const statement of statements.filter((st) => actionsOf(st).includes('appsync:GraphQL'))) {
        expect(json(statement.Resource)).not.toMatch(/\/\*"/);
        expect(statement.Resource).not.toBe('*');
      }
    }
  });
});

describe('context', () => {
  it('idDocumentReader=none drops Textract from the register role and says so in the environment', async () => {
    const other = await synthesize({ context: { idDocumentReader: 'none', stage: 'qa' } });
    const fn = other.stack.steps.get('register');
    const id = other.stack.getLogicalId(fn.node.defaultChild as CfnElement);
    const statements = statementsOfRole(other.template, roleOfFunction(other.template, id));
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('textract:'))).toEqual([]);
    const env = (resourcesOf(other.template, 'AWS::Lambda::Function')[id]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ ID_DOCUMENT_READER: 'none', COLLECTION_ID: 'facegate-qa' });
    expect(other.stack.stackName).toBe('Facegate-qa');
  });

  it('refuses a stage that cannot name resources', async () => {
    await expect(synthesize({ context: { stage: 'Prod_1' } })).rejects.toThrow(/stage/);
  });
});
