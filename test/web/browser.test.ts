/**
 * The web app and the admin console in a real browser: Debian's Chromium (never a downloaded
 * build) driven by playwright-core, against a local stack this test starts (serving dist/web,
 * built if stale). Chromium's fake camera plays a .y4m made from a labelled photo, so the
 * registration goes through getUserMedia like a webcam; other photos go through the file input.
 * Face sign-in goes through Amplify JS v6 to the stack's Cognito endpoint (custom authentication),
 * then the account page acts with that session (me, updateMyPhoto, deleteMe).
 * Screenshots of every page land in test-results/web/. One browser, one stack, in order.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as op from '../../cli/operations';
import { ensureWebBuild } from '../../web/build';
import { PHOTOS, haveSharedFaces, photoPath, repoRoot, startTestStack, warnIfNoSharedFaces, type TestStack } from '../e2e/helpers';
import { writeY4m } from './fake-camera';

const CHROMIUM = process.env.FACEGATE_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`\n!!! SKIPPING the browser tests (test/web): no Chromium at ${CHROMIUM}. Install Debian's: apt-get update && apt-get install -y chromium (or set FACEGATE_CHROMIUM)\n`);
}
warnIfNoSharedFaces('the browser tests (test/web/browser.test.ts)');

/** Chromium on a closed network: no background connections, no GPU, a fresh profile. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
];
const SHOTS = path.join(repoRoot, 'test-results', 'web');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1100, height: 900 };

describe.skipIf(!haveChromium || !haveSharedFaces)('the web app in Chromium (fake camera, local stack)', { timeout: 60_000 }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facegate-web-'));
  let t: TestStack;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  /** Every onRegistrationProgress delivery the page received over its WebSocket. */
  const delivered: op.ProgressEvent[] = [];
  /** The subscriptions the page started: their registrationId and the authorization block's header names. */
  const started: { registrationId: string; authorization: string[] }[] = [];
  /** The Cognito operations the page called (X-Amz-Target), in order; reset by each test that checks them. */
  const cognitoCalls: string[] = [];

  beforeAll(async () => {
    const [web] = await Promise.all([ensureWebBuild(), fs.promises.mkdir(SHOTS, { recursive: true })]);
    t = await startTestStack(dataDir, { web: { root: web.dir } });
    base = t.stack.webUrl!;
    const camera = path.join(dataDir, 'camera.y4m');
    await writeY4m(photoPath(PHOTOS.alice.enroll), camera);
    context = await chromium.launchPersistentContext(path.join(dataDir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      args: [...CHROMIUM_FLAGS, `--use-file-for-fake-video-capture=${camera}`],
      viewport: DESKTOP,
    });
    await context.grantPermissions(['camera'], { origin: new URL(base).origin });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type?: string; payload?: { data?: op.OnRegistrationProgressData } };
        const event = message.type === 'data' ? message.payload?.data?.onRegistrationProgress : undefined;
        if (event) delivered.push(event);
      });
      ws.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type?: string; payload?: { data?: string; extensions?: { authorization?: Record<string, string> } } };
        if (message.type !== 'start' || !message.payload?.data) return;
        const { variables } = JSON.parse(message.payload.data) as { variables: { registrationId: string } };
        started.push({ registrationId: variables.registrationId, authorization: Object.keys(message.payload.extensions?.authorization ?? {}).sort() });
      });
    });
    page.on('request', (req) => {
      const target = req.headers()['x-amz-target'];
      if (req.url().startsWith(t.stack.userPool.endpoint) && target) cognitoCalls.push(target.replace('AWSCognitoIdentityProviderService.', ''));
    });
  });

  afterAll(async () => {
    await context?.close();
    await t?.stack.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  /** The page at phone width: nothing sticks out sideways. Screenshot, then back to desktop. */
  async function checkPhone(name: string) {
    await page.setViewportSize(PHONE);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await shot(`${name}-390px`);
    await page.setViewportSize(DESKTOP);
    expect(overflow, `${name} is wider than ${PHONE.width} px`).toBeLessThanOrEqual(0);
  }

  /** What has the keyboard focus: its tag and accessible text. */
  const focused = () => page.evaluate(() => ({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent?.trim(), id: document.activeElement?.id }));

  const chooseFile = (legend: string, file: string) =>
    page.getByRole('group', { name: legend }).getByLabel(/Choose (a photo|another) file/).setInputFiles(photoPath(file));

  it('serves the app with its config.json (local: API key, the end users\' pool and the admin token), to this host only', async () => {
    const config = (await (await fetch(new URL('config.json', base))).json()) as Record<string, unknown>;
    const { userPoolId, userPoolClientId, endpoint } = t.stack.userPool;
    expect(config).toEqual({
      stage: 'local',
      region: t.stack.region,
      graphqlUrl: t.stack.graphqlUrl,
      realtimeUrl: t.stack.realtimeUrl,
      apiKey: t.stack.apiKey,
      userPool: { userPoolId, userPoolClientId, endpoint },
      adminToken: t.stack.adminToken,
    });
    // A page that rebinds its own host name to 127.0.0.1 asks with its own Host: no token for it.
    const rebound = await new Promise<number>((resolve, reject) =>
      http.get(new URL('config.json', base), { headers: { host: `evil.example:${new URL(base).port}` } }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject),
    );
    expect(rebound).toBe(404);
    const html = await fetch(base);
    const csp = html.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    // Face sign-in calls the stack's Cognito endpoint from the page.
    expect(csp).toMatch(new RegExp(`connect-src [^;]*${new URL(endpoint).origin}`));
  });

  it('registers through the camera and shows every progress step live, as the subscription delivered it', async () => {
    await page.goto(`${base}#/register`);
    await page.getByLabel('User ID').fill('alice');
    await page.getByRole('button', { name: 'Use the camera', exact: true }).click();
    await page.getByRole('button', { name: 'Take the photo', exact: true }).click();
    await expect.poll(() => page.getByRole('img', { name: 'Your selfie (chosen)', exact: true }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Registered alice.' }).waitFor();

    const registrationId = (await page.getByTestId('registration-id').textContent())!;
    const { registration } = await t.client.request<op.RegistrationData>(op.REGISTRATION, { registrationId }, t.app);
    expect(registration).toMatchObject({ userId: 'alice', status: 'SUCCEEDED' });
    const stored = registration!.events.map((e) => [String(e.seq), e.step, e.status]);
    const shown = await page.getByRole('list', { name: 'Registration progress', exact: true }).locator('li').evaluateAll((items) =>
      items.map((li) => [(li as HTMLElement).dataset.seq, (li as HTMLElement).dataset.step, (li as HTMLElement).dataset.status]),
    );
    // Every step the registration went through is on the page, in order…
    expect(shown).toEqual(stored);
    expect(new Set(stored.map(([, step]) => step))).toEqual(new Set(['STARTED', 'SCREENING', 'DUPLICATE_CHECK', 'INDEXING', 'SAVING', 'COMPLETED']));
    // …each one as it arrived on onRegistrationProgress (not read back from the history afterwards).
    expect(delivered.filter((e) => e.registrationId === registrationId).map((e) => [String(e.seq), e.step, e.status])).toEqual(stored);
    expect(await page.getByText('from history').count()).toBe(0);
    await shot('register');
    // For the README: the live steps and the result, without the photo (no face from ../shared/faces goes into the repository).
    const boxes = await Promise.all([page.locator('.card').filter({ hasText: 'Progress' }).boundingBox(), page.getByRole('status').filter({ hasText: 'Registered alice.' }).boundingBox()]);
    const [top, bottom] = boxes as [NonNullable<(typeof boxes)[0]>, NonNullable<(typeof boxes)[1]>];
    await page.screenshot({ path: path.join(SHOTS, 'readme-register-steps.png'), fullPage: true, clip: { x: top.x - 8, y: top.y - 8, width: top.width + 16, height: bottom.y + bottom.height - top.y + 16 } });
    await checkPhone('register');
  });

  /**
   * An erasure's confirmation (ConfirmErase), by keyboard: the dialog takes the focus into its
   * field; the button stays disabled until the user ID is typed in full; screenshot, then erase.
   */
  async function confirmErasure(o: { open: string; dialog: string; field: string; erase: string; userId: string; shot: string }) {
    await page.getByRole('button', { name: o.open }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: o.dialog });
    const erase = dialog.getByRole('button', { name: o.erase });
    await dialog.getByLabel(o.field).waitFor();
    expect(await focused()).toMatchObject({ tag: 'INPUT', id: 'confirm-user' });
    expect(await erase.isDisabled()).toBe(true);
    await page.keyboard.type(o.userId.slice(0, -1));
    expect(await erase.isDisabled()).toBe(true);
    await page.keyboard.type(o.userId.slice(-1));
    await shot(o.shot);
    await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ tag: 'BUTTON', text: o.erase });
    await page.keyboard.press('Enter');
  }

  /** The sign-in form: user ID, a photo file, Sign in. */
  async function signIn(userId: string, file: string) {
    await page.getByLabel('User ID').fill(userId);
    await chooseFile('Your selfie', file);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** The "not accepted" notice after answer `answered`, as the page shows it (its text, with the user ID nowhere in it). */
  async function notAccepted(answered: number): Promise<string> {
    const notice = page.getByTestId('not-accepted');
    await expect.poll(() => notice.getAttribute('data-answered').catch(() => null)).toBe(String(answered));
    return (await notice.textContent())!;
  }

  it('signs in with the face through Cognito (Amplify custom auth), using the keyboard only: who, and until when', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#/sign-in`);
    await page.getByRole('heading', { name: 'Sign in with your face', exact: true }).waitFor();
    cognitoCalls.length = 0;
    await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ tag: 'A', text: 'Skip to content' });
    await page.keyboard.press('Enter');
    expect(await focused()).toMatchObject({ tag: 'MAIN' });
    await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ tag: 'INPUT', id: 'field-userId' });
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab'); // → Use the camera
    expect(await focused()).toMatchObject({ tag: 'BUTTON', text: 'Use the camera' });
    await page.keyboard.press('Tab'); // → the file input (its label is the visible button)
    expect(await focused()).toMatchObject({ tag: 'INPUT' });
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles(photoPath(PHOTOS.alice.other));
    await page.getByRole('img', { name: 'Your selfie (chosen)', exact: true }).waitFor();
    expect(await focused()).toMatchObject({ tag: 'INPUT' }); // still on the file input
    await page.keyboard.press('Tab'); // → Remove
    await page.keyboard.press('Tab'); // → Sign in
    expect(await focused()).toMatchObject({ tag: 'BUTTON', text: 'Sign in' });
    const upload = page.waitForRequest((r) => r.method() === 'PUT' && r.url().startsWith(t.stack.endpoints.s3));
    await page.keyboard.press('Enter');
    const result = page.getByRole('status').filter({ hasText: 'Signed in as alice.' });
    await result.waitFor();
    // The selfie went to the challenge's own ticket, and the pool was asked through Amplify's calls.
    expect(new URL((await upload).url()).pathname).toMatch(/^\/facegate-images\/uploads\/signin\/[0-9a-f-]{36}\.jpg$/);
    expect(cognitoCalls.slice(0, 2)).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    // The outcome has the focus (the form is gone), says who and until when; the header says it too.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Signed in as alice.');
    const expiresAt = Date.parse((await page.getByTestId('expires-at').getAttribute('data-expires-at'))!);
    expect(expiresAt - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(await page.getByTestId('expires-at').textContent()).toMatch(/^access token valid until .+ \(in (59|60) minutes\)/);
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('alice');
    await shot('sign-in');
    await checkPhone('sign-in');
  });

  it("shows my account (me) and updates my photo with its steps live, on a subscription made with my own token", async () => {
    await page.getByRole('link', { name: 'Go to my account', exact: true }).click();
    await page.getByRole('heading', { name: 'My account', exact: true }).waitFor();
    await expect.poll(() => page.getByTestId('faces').textContent().catch(() => null)).toBe('1');
    expect(await page.getByTestId('status').textContent()).toBe('ACTIVE');
    await shot('account');
    await checkPhone('account');

    await chooseFile('Your new selfie', PHOTOS.alice.other);
    await page.getByRole('button', { name: 'Update my photo', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Your photo was updated.' }).waitFor();
    const registrationId = (await page.getByTestId('registration-id').textContent())!;
    const { registration } = await t.client.request<op.RegistrationData>(op.REGISTRATION, { registrationId }, t.app);
    expect(registration).toMatchObject({ userId: 'alice', kind: 'UPDATE_PHOTO', status: 'SUCCEEDED' });
    const stored = registration!.events.map((e) => [String(e.seq), e.step, e.status]);
    expect(stored.map(([, step]) => step)).toContain('VERIFYING_IDENTITY');
    // Every step is on the page as the subscription delivered it, and that subscription carried the user's token, not the API key.
    const shown = await page.locator('ol.progress li').evaluateAll((items) => items.map((li) => [(li as HTMLElement).dataset.seq, (li as HTMLElement).dataset.step, (li as HTMLElement).dataset.status]));
    expect(shown).toEqual(stored);
    expect(delivered.filter((e) => e.registrationId === registrationId).map((e) => [String(e.seq), e.step, e.status])).toEqual(stored);
    const subscriptions = started.filter((s) => s.registrationId === registrationId);
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]!.authorization).toContain('Authorization');
    expect(subscriptions[0]!.authorization).not.toContain('x-api-key');
    // me is read again: two faces now.
    await expect.poll(() => page.getByTestId('faces').textContent()).toBe('2');
    await shot('account-photo-updated');
  });

  it('signs out (Amplify signOut revokes the token)', async () => {
    cognitoCalls.length = 0;
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByText('You are not signed in.').waitFor();
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    expect(cognitoCalls).toEqual(['RevokeToken']);
  });

  let refusalText = '';

  it("refuses another person's face with another try and how many remain; after three answers the sign-in fails", async () => {
    await page.goto(`${base}#/sign-in`);
    cognitoCalls.length = 0;
    await signIn('alice', PHOTOS.bob.enroll);
    refusalText = await notAccepted(1);
    expect(refusalText).toContain('The face was not accepted (photo 1 of 3).');
    expect(refusalText).toContain('2 more tries in this sign-in');
    // The waiting challenge takes a new photo.
    expect(await page.getByRole('img', { name: 'Your selfie (chosen)', exact: true }).count()).toBe(0);
    await shot('sign-in-not-accepted');
    await checkPhone('sign-in-not-accepted');
    await chooseFile('Your selfie', PHOTOS.bob.other);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await notAccepted(2)).toContain('1 more try in this sign-in');
    await chooseFile('Your selfie', PHOTOS.carol.enroll);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'Not signed in: the face was not accepted.' });
    await failed.waitFor();
    expect(await failed.getAttribute('data-error-type')).toBe('FACE_MISMATCH');
    expect(await failed.textContent()).toContain('None of the 3 photos matched this user ID');
    expect(await page.getByTestId('not-accepted').count()).toBe(0);
    // One sign-in, three answers to it.
    expect(cognitoCalls).toEqual(['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
    await shot('sign-in-failed');
  });

  it('an unknown user ID reads exactly like a wrong face, even with an enrolled face on the camera', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#/sign-in`);
    await page.getByLabel('User ID').fill('nobody');
    await page.getByRole('button', { name: 'Use the camera', exact: true }).click();
    await page.getByRole('button', { name: 'Take the photo', exact: true }).click();
    await page.getByRole('img', { name: 'Your selfie (chosen)', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await notAccepted(1)).toBe(refusalText);
  });

  it('locks the user out after five failed faces (sign-in and authenticate count alike), with the time to try again', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#/sign-in`);
    // alice has three failures from the sign-in above: two more lock her out.
    await signIn('alice', PHOTOS.bob.enroll);
    await notAccepted(1);
    await chooseFile('Your selfie', PHOTOS.bob.other);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const locked = page.getByRole('alert').filter({ hasText: 'Too many failed attempts.' });
    await locked.waitFor();
    expect(await locked.getAttribute('data-error-type')).toBe('LOCKED_OUT');
    expect(await locked.textContent()).toMatch(/Try again at .+ \(in 1[45] minutes\)\./);
    await shot('sign-in-locked-out');
    await checkPhone('sign-in-locked-out');
  });

  it('explains a photo with two faces (MULTIPLE_FACES), and the failed step is on the list', async () => {
    await page.goto(`${base}#/register`);
    await page.getByLabel('User ID').fill('pair');
    await chooseFile('Your selfie', PHOTOS.group);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'There is more than one face in the photo.' });
    await alert.waitFor();
    expect(await alert.getAttribute('data-error-type')).toBe('MULTIPLE_FACES');
    await expect.poll(() => page.locator('li[data-step="COMPLETED"][data-status="FAILED"]').count()).toBe(1);
    await shot('register-refused');
  });

  it('registers with an ID card (both from files): the card is matched and shown', async () => {
    await page.goto(`${base}#/register`);
    await page.getByLabel('User ID').fill('dave');
    await chooseFile('Your selfie', PHOTOS.dave.enroll);
    await page.getByLabel('Also check my ID card').check();
    await chooseFile('Your ID card', PHOTOS.dave.card);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    const done = page.getByRole('status').filter({ hasText: 'Registered dave.' });
    await done.waitFor();
    expect(await done.textContent()).toMatch(/ID card\s*similarity \d+\.\d %/);
    expect(await page.locator('li[data-step="ID_CARD_MATCH"][data-status="SUCCEEDED"]').count()).toBe(1);
    await shot('register-id-card');
  });

  it('deletes my account after a confirmation (deleteMe): the face record and the sign-in account are gone', async () => {
    await page.goto(`${base}#/sign-in`);
    await signIn('dave', PHOTOS.dave.card);
    await page.getByRole('status').filter({ hasText: 'Signed in as dave.' }).waitFor();
    await page.getByRole('link', { name: 'My account', exact: true }).click();
    await expect.poll(() => page.getByTestId('faces').textContent().catch(() => null)).toBe('1');
    await confirmErasure({ open: 'Delete my account…', dialog: 'Delete your account?', field: 'Your user ID', erase: 'Delete for good', userId: 'dave', shot: 'account-delete-confirm' });
    await page.getByRole('status').filter({ hasText: 'Your account dave was deleted.' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Your account dave was deleted.' }).textContent()).toContain('1 face(s) and 2 image(s) were erased');
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    await shot('account-deleted');
    // Gone for the admins' API and for the user pool.
    expect((await t.client.request<op.UserData>(op.USER, { userId: 'dave' }, t.admin)).user).toBeNull();
    const cognito = new CognitoIdentityProviderClient({ region: t.stack.region, endpoint: t.stack.userPool.endpoint, credentials: t.stack.credentials });
    const lookup = await cognito.send(new AdminGetUserCommand({ UserPoolId: t.stack.userPool.userPoolId, Username: 'dave' })).then(
      () => 'found',
      (e: Error) => e.name,
    );
    cognito.destroy();
    expect(lookup).toBe('UserNotFoundException');
  });

  it('admin console: finds the user, shows the faces with their images, quality and history', async () => {
    await page.goto(`${base}admin.html`);
    await page.getByText("with the stack's admin token").waitFor();
    const row = page.locator('tr[data-user="alice"]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('ACTIVE');
    await shot('admin-users');
    await checkPhone('admin-users');

    await row.getByRole('link', { name: 'alice', exact: true }).click();
    await page.getByRole('heading', { name: 'Enrolled faces (2)', exact: true }).waitFor();
    const images = page.locator('figure.face img');
    await expect.poll(() => images.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length)).toBe(2);
    for (const src of await images.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src))) {
      const url = new URL(src);
      expect(url.origin).toBe(new URL(t.stack.endpoints.s3).origin);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
      expect(url.searchParams.has('X-Amz-Signature')).toBe(true);
    }
    expect(await page.locator('figure.face').first().textContent()).toMatch(/Confidence\s*\d/);
    const history = page.locator('ol.history > li');
    await expect.poll(() => history.count()).toBe(2);
    await history.first().getByRole('button', { name: /Show the steps/ }).click();
    await page.getByRole('list', { name: /^Steps of registration/ }).locator('li[data-step="VERIFYING_IDENTITY"]').first().waitFor();
    await shot('admin-user');
    await checkPhone('admin-user');
  });

  it('admin console: searches by face', async () => {
    await page.getByRole('link', { name: 'Search by face', exact: true }).click();
    await chooseFile('Face to look for', PHOTOS.alice.enroll);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const match = page.locator('ol.matches li[data-user="alice"]').first();
    await match.waitFor();
    expect(await match.textContent()).toMatch(/similarity \d+\.\d{2} %/);
    await shot('admin-search');
    await checkPhone('admin-search');
  });

  it('admin console: erases the user after a confirmation', async () => {
    await page.goto(`${base}admin.html#/users/alice`);
    await confirmErasure({ open: 'Erase alice…', dialog: 'Erase alice?', field: 'User ID to erase', erase: 'Erase for good', userId: 'alice', shot: 'admin-erase-confirm' });
    await page.getByRole('status').filter({ hasText: 'Erased alice: 2 face(s) and 2 image(s).' }).waitFor();
    expect(await page.locator('tr[data-user="alice"]').count()).toBe(0);
    expect((await t.client.request<op.UserData>(op.USER, { userId: 'alice' }, t.admin)).user).toBeNull();
    await shot('admin-erased');
  });

  it('raised no page errors (CSP violations, exceptions) along the way', () => {
    expect(problems.filter((p) => !p.includes('the server responded with a status of 400'))).toEqual([]);
  });
});
