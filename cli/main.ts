/** `npm run facegate -- <command>` / `npx facegate <command>`: see cli/index.ts. */
import { runCli } from './index';

// The SDK's notice that its 2027 releases need Node 22 (doctor talks to the stores) is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
const code = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exit(code);
