/**
 * The web app and the admin console in a real browser: Debian's Chromium (never a downloaded
 * build) driven by playwright-core, against a local stack this test starts (serving dist/web,
 * built if stale). Chromium's fake camera plays a .y4m made from a labelled photo, so the
 * registration goes through getUserMedia like a webcam; other photos go through the file input.
 * Screenshots of every page land in test-results/web/. One browser, one stack, in order.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
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
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type?: string; payload?: { data?: op.OnRegistrationProgressData } };
        const event = message.type === 'data' ? message.payload?.data?.onRegistrationProgress : undefined;
        if (event) delivered.push(event);
      }),
    );
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

  it('serves the app with its config.json (local: API key and the admin token), to this host only', async () => {
    const config = (await (await fetch(new URL('config.json', base))).json()) as Record<string, unknown>;
    expect(config).toEqual({ stage: 'local', region: t.stack.region, graphqlUrl: t.stack.graphqlUrl, realtimeUrl: t.stack.realtimeUrl, apiKey: t.stack.apiKey, adminToken: t.stack.adminToken });
    // A page that rebinds its own host name to 127.0.0.1 asks with its own Host: no token for it.
    const rebound = await new Promise<number>((resolve, reject) =>
      http.get(new URL('config.json', base), { headers: { host: `evil.example:${new URL(base).port}` } }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject),
    );
    expect(rebound).toBe(404);
    const html = await fetch(base);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('registers through the camera and shows every progress step live, as the subscription delivered it', async () => {
    await page.goto(`${base}#/register`);
    await page.getByLabel('User ID').fill('alice');
    await page.getByRole('button', { name: 'Use the camera' }).click();
    await page.getByRole('button', { name: 'Take the photo' }).click();
    await expect.poll(() => page.getByRole('img', { name: 'Your selfie (chosen)' }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Registered alice.' }).waitFor();

    const registrationId = (await page.getByTestId('registration-id').textContent())!;
    const { registration } = await t.client.request<op.RegistrationData>(op.REGISTRATION, { registrationId }, t.app);
    expect(registration).toMatchObject({ userId: 'alice', status: 'SUCCEEDED' });
    const stored = registration!.events.map((e) => [String(e.seq), e.step, e.status]);
    const shown = await page.getByRole('list', { name: 'Registration progress' }).locator('li').evaluateAll((items) =>
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

  it('signs in with another photo of the same face, using the keyboard only', async () => {
    await page.goto('about:blank');
    await page.goto(`${base}#/sign-in`);
    await page.getByRole('heading', { name: 'Sign in with your face' }).waitFor();
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
    await page.getByRole('img', { name: 'Your selfie (chosen)' }).waitFor();
    expect(await focused()).toMatchObject({ tag: 'INPUT' }); // still on the file input
    await page.keyboard.press('Tab'); // → Remove
    await page.keyboard.press('Tab'); // → Sign in
    expect(await focused()).toMatchObject({ tag: 'BUTTON', text: 'Sign in' });
    await page.keyboard.press('Enter');
    const result = page.getByRole('status').filter({ hasText: 'Signed in as alice.' });
    await result.waitFor();
    const similarity = Number((await page.getByTestId('similarity').textContent())!.replace(' %', ''));
    expect(similarity).toBeGreaterThanOrEqual(t.stack.authThreshold.value);
    await shot('sign-in');
    await checkPhone('sign-in');
  });

  it("refuses another person's face with a clear message", async () => {
    await chooseFile('Your selfie', PHOTOS.bob.enroll);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The face does not match this user.' });
    await alert.waitFor();
    expect(await alert.getAttribute('data-error-type')).toBe('FACE_MISMATCH');
    expect(await page.getByText('Signed in as').count()).toBe(0);
    await shot('sign-in-refused');
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

  it('updates the photo, with its steps live', async () => {
    await page.goto(`${base}#/update-photo`);
    await page.getByLabel('User ID').fill('alice');
    await chooseFile('Your selfie', PHOTOS.alice.other);
    await page.getByRole('button', { name: 'Update photo' }).click();
    await page.getByRole('status').filter({ hasText: 'Updated the photo of alice.' }).waitFor();
    const steps = await page.locator('ol.progress li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.step));
    expect(steps).toContain('VERIFYING_IDENTITY');
    expect(steps.at(-1)).toBe('COMPLETED');
    await shot('update-photo');
    await checkPhone('update-photo');
  });

  it('admin console: finds the user, shows the faces with their images, quality and history', async () => {
    await page.goto(`${base}admin.html`);
    await page.getByText("with the stack's admin token").waitFor();
    const row = page.locator('tr[data-user="alice"]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('ACTIVE');
    await shot('admin-users');
    await checkPhone('admin-users');

    await row.getByRole('link', { name: 'alice' }).click();
    await page.getByRole('heading', { name: 'Enrolled faces (2)' }).waitFor();
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
    await page.getByRole('link', { name: 'Search by face' }).click();
    await chooseFile('Face to look for', PHOTOS.alice.enroll);
    await page.getByRole('button', { name: 'Search' }).click();
    const match = page.locator('ol.matches li[data-user="alice"]').first();
    await match.waitFor();
    expect(await match.textContent()).toMatch(/similarity \d+\.\d{2} %/);
    await shot('admin-search');
    await checkPhone('admin-search');
  });

  it('admin console: erases the user after a confirmation', async () => {
    await page.goto(`${base}admin.html#/users/alice`);
    await page.getByRole('button', { name: 'Erase alice…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase alice?' });
    const erase = dialog.getByRole('button', { name: 'Erase for good' });
    expect(await erase.isDisabled()).toBe(true);
    await dialog.getByLabel('User ID to erase').fill('alic');
    expect(await erase.isDisabled()).toBe(true);
    await dialog.getByLabel('User ID to erase').fill('alice');
    await shot('admin-erase-confirm');
    await erase.click();
    await page.getByRole('status').filter({ hasText: 'Erased alice: 2 face(s) and 2 image(s).' }).waitFor();
    expect(await page.locator('tr[data-user="alice"]').count()).toBe(0);
    expect((await t.client.request<op.UserData>(op.USER, { userId: 'alice' }, t.admin)).user).toBeNull();
    await shot('admin-erased');
  });

  it('raised no page errors (CSP violations, exceptions) along the way', () => {
    expect(problems.filter((p) => !p.includes('the server responded with a status of 400'))).toEqual([]);
  });
});
