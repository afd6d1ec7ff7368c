/** config.json, beside the page (see web/config.ts for who writes it). */
import { parseWebConfig, type WebConfig } from '../../config';

export async function loadConfig(): Promise<WebConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json could not be loaded (HTTP ${response.status}). Is \`npm start\` running, or was config.json deployed beside the app?`);
  return parseWebConfig(await response.json());
}
