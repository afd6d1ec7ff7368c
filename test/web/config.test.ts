/** config.json: what the app accepts, and the deployed one made from the CDK outputs (never with an admin token). */
import { describe, expect, it } from 'vitest';
import { parseWebConfig, WebConfigError } from '../../web/config';
import { readOutputs, webConfigFromOutputs, WEB_OUTPUTS } from '../../web/config-from-outputs';

const local = {
  stage: 'local',
  region: 'us-east-1',
  graphqlUrl: 'http://127.0.0.1:4000/graphql',
  realtimeUrl: 'ws://127.0.0.1:4000/graphql/realtime',
  apiKey: 'da2-abc',
  userPool: { userPoolId: 'us-east-1_users1a2b3c', userPoolClientId: 'localclient1', endpoint: 'http://127.0.0.1:4001/' },
  adminToken: 'eyJ.a.b',
};
const outputs = {
  GraphqlUrl: 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql',
  RealtimeUrl: 'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
  ApiKeyId: 'da2-deployed',
  Region: 'eu-west-1',
  UserPoolId: 'eu-west-1_AbCdEf',
  UserPoolClientId: '1example23456789',
  EndUserPoolId: 'eu-west-1_EnDuSr',
  EndUserPoolClientId: '2example98765432',
  BucketName: 'ignored',
};

describe('parseWebConfig', () => {
  it('accepts the local stack’s config with its admin token', () => {
    expect(parseWebConfig(local)).toEqual(local);
  });

  it.each([
    [{ ...local, stage: 'prod' }, /stage/],
    [{ ...local, apiKey: '' }, /apiKey/],
    [{ ...local, graphqlUrl: 'not a url' }, /graphqlUrl is not a URL/],
    [{ ...local, realtimeUrl: 'http://127.0.0.1:4000/graphql/realtime' }, /realtimeUrl must be ws: or wss:/],
    [{ ...local, adminPool: { userPoolId: 'x' } }, /adminPool.userPoolClientId/],
    [{ ...local, userPool: undefined }, /userPool must be an object/],
    [{ ...local, userPool: { userPoolClientId: 'c' } }, /userPool.userPoolId/],
    [[], /JSON object/],
  ])('refuses %j', (value, message) => {
    expect(() => parseWebConfig(value)).toThrow(WebConfigError);
    expect(() => parseWebConfig(value)).toThrow(message);
  });

  it('a deployed config takes TLS endpoints only and never an admin token', () => {
    const aws = { ...local, stage: 'aws', graphqlUrl: outputs.GraphqlUrl, realtimeUrl: outputs.RealtimeUrl };
    expect(() => parseWebConfig(aws)).toThrow(/adminToken belongs to the local stack only/);
    const { adminToken: _, ...withoutToken } = aws;
    expect(parseWebConfig(withoutToken).stage).toBe('aws');
    expect(() => parseWebConfig({ ...withoutToken, graphqlUrl: 'http://api.example/graphql' })).toThrow(/graphqlUrl must be https:/);
    expect(() => parseWebConfig({ ...withoutToken, realtimeUrl: 'ws://api.example/graphql' })).toThrow(/realtimeUrl must be wss:/);
  });
});

describe('web:config (config.json from the CDK outputs)', () => {
  const expected = {
    stage: 'aws',
    region: 'eu-west-1',
    graphqlUrl: outputs.GraphqlUrl,
    realtimeUrl: outputs.RealtimeUrl,
    apiKey: 'da2-deployed',
    // Face sign-in: the end users' pool (CUSTOM_AUTH client), Cognito's own endpoint.
    userPool: { userPoolId: 'eu-west-1_EnDuSr', userPoolClientId: '2example98765432' },
    adminPool: { userPoolId: 'eu-west-1_AbCdEf', userPoolClientId: '1example23456789' },
  };

  it('reads `cdk deploy --outputs-file` and describe-stacks output alike', () => {
    expect(webConfigFromOutputs(readOutputs({ 'Facegate-dev': outputs }))).toEqual(expected);
    const described = Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
    expect(webConfigFromOutputs(readOutputs(described))).toEqual(expected);
    expect(JSON.stringify(webConfigFromOutputs(readOutputs(described)))).not.toContain('adminToken');
  });

  it('asks which stack when the file has several, and names missing outputs', () => {
    expect(() => readOutputs({ 'Facegate-dev': outputs, 'Facegate-prod': outputs })).toThrow(/--stack .*Facegate-dev, Facegate-prod/);
    expect(readOutputs({ 'Facegate-dev': outputs, 'Facegate-prod': { ...outputs, Region: 'us-east-1' } }, 'Facegate-prod').Region).toBe('us-east-1');
    expect(() => webConfigFromOutputs({ GraphqlUrl: outputs.GraphqlUrl })).toThrow(`the stack outputs lack ${WEB_OUTPUTS.slice(1).join(', ')}`);
  });
});
