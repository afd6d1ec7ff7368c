import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLocalAuth, generateCognitoKeyPair, isUnauthorized } from '../../../local/appsync/auth';
import { API_KEY, IAM, REGION, signedHeaders, USER_POOL } from './helpers';

const pair = generateCognitoKeyPair();

describe('createLocalAuth', () => {
  it('takes the key pair as PEM or JWK, and verifies with the public key alone', async () => {
    const jwk = createPrivateKey(pair.privateKey).export({ format: 'jwk' });
    const issuer = createLocalAuth({ cognito: { ...USER_POOL, privateKey: jwk } });
    const token = issuer.issueCognitoToken({ username: 'eve', groups: ['admins'], expiresInSeconds: 60 });
    const verifier = createLocalAuth({ cognito: { ...USER_POOL, publicKey: pair.publicKey } });
    const caller = await verifier.authenticate({ headers: { Authorization: token }, path: '/graphql', body: '' });
    expect(caller).toMatchObject({ mode: 'AMAZON_COGNITO_USER_POOLS', identity: { username: 'eve', groups: ['admins'] } });
    expect(() => verifier.issueCognitoToken({ username: 'x' })).toThrow(/privateKey/);
    expect(verifier.jwks().keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: pair.kid });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ kid: pair.kid, alg: 'RS256' });
  });

  it('checks issuer, token_use and client id', async () => {
    const auth = createLocalAuth({ cognito: { ...USER_POOL, privateKey: pair.privateKey, clientId: 'app' } });
    const check = (token: string) => auth.authenticate({ headers: { authorization: token }, path: '/graphql', body: '' });
    expect(isUnauthorized(await check(auth.issueCognitoToken({ username: 'a' })))).toBe(false);
    expect(isUnauthorized(await check(auth.issueCognitoToken({ username: 'a', tokenUse: 'access' })))).toBe(false);
    const otherPool = createLocalAuth({ cognito: { ...USER_POOL, userPoolId: 'eu-west-1_Other', privateKey: pair.privateKey } });
    expect(await check(otherPool.issueCognitoToken({ username: 'a' }))).toMatchObject({ status: 401, reason: expect.stringMatching(/^iss/) });
    expect(await check(auth.issueCognitoToken({ username: 'a', extraClaims: { token_use: 'refresh' } }))).toMatchObject({ reason: expect.stringMatching(/token_use/) });
    expect(await check(auth.issueCognitoToken({ username: 'a', extraClaims: { aud: 'other-app' } }))).toMatchObject({ reason: expect.stringMatching(/client/) });
    expect(await check('not.a.jwt')).toMatchObject({ errorType: 'UnauthorizedException' });
  });

  it('accepts several user pools, each token checked against its own pool (key, client id), and names its issuer', async () => {
    const endUsersPair = generateCognitoKeyPair();
    const endUsers = { ...USER_POOL, userPoolId: `${USER_POOL.region}_EndUsers`, privateKey: endUsersPair.privateKey, clientId: 'face-app' };
    const auth = createLocalAuth({ cognito: [{ ...USER_POOL, privateKey: pair.privateKey }, endUsers] });
    const check = (token: string) => auth.authenticate({ headers: { authorization: token }, path: '/graphql', body: '' });
    const admin = await check(auth.issueCognitoToken({ username: 'ops', groups: ['admins'] }));
    const user = await check(auth.issueCognitoToken({ username: 'alice', tokenUse: 'access', userPoolId: endUsers.userPoolId }));
    expect(admin).toMatchObject({ identity: { username: 'ops', issuer: `https://cognito-idp.${USER_POOL.region}.amazonaws.com/${USER_POOL.userPoolId}` } });
    expect(user).toMatchObject({ identity: { username: 'alice', groups: null, issuer: `https://cognito-idp.${USER_POOL.region}.amazonaws.com/${endUsers.userPoolId}` } });
    // The end users' pool checks its client id; a token claiming that pool but signed with the other key is refused.
    expect(await check(auth.issueCognitoToken({ username: 'a', userPoolId: endUsers.userPoolId, extraClaims: { aud: 'other' } }))).toMatchObject({ reason: expect.stringMatching(/client/) });
    const forged = auth.issueCognitoToken({ username: 'a', extraClaims: { iss: `https://cognito-idp.${USER_POOL.region}.amazonaws.com/${endUsers.userPoolId}` } });
    expect(await check(forged)).toMatchObject({ status: 401, reason: expect.stringMatching(/signature/) });
    expect(auth.jwks().keys.map((k) => k.kid).sort()).toEqual([pair.kid, endUsersPair.kid].sort());
    expect(() => auth.issueCognitoToken({ username: 'a', userPoolId: 'nope' })).toThrow(/nope/);
  });

  it('selects the mode from the headers like AppSync, and refuses modes it does not have', async () => {
    const auth = createLocalAuth({ apiKeys: ['k1', API_KEY], iam: IAM, region: REGION });
    expect(auth.modes).toEqual(['AWS_IAM', 'API_KEY']);
    expect(await auth.authenticate({ headers: { 'X-API-KEY': 'k1' }, path: '/graphql', body: '' })).toEqual({ mode: 'API_KEY', identity: null });
    const body = '{"query":"{ __typename }"}';
    const headers = await signedHeaders('http://127.0.0.1:1/graphql', body);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace(/(^|-)\w/g, (c) => c.toUpperCase()), v]));
    expect(await auth.authenticate({ headers: upper, path: '/graphql', body, sourceIp: '::ffff:10.0.0.7' })).toMatchObject({ mode: 'AWS_IAM', identity: { sourceIp: ['10.0.0.7'] } });
    expect(await auth.authenticate({ headers: { authorization: 'eyJ.x.y' }, path: '/graphql', body: '' })).toMatchObject({ status: 401, reason: /not configured/ });
    const wrongRegion = createLocalAuth({ iam: IAM, region: 'us-east-1' });
    expect(await wrongRegion.authenticate({ headers, path: '/graphql', body })).toMatchObject({ status: 403, errorType: 'InvalidSignatureException', message: /scoped to a valid region/ });
  });
});
