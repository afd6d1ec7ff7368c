/** `npm run facegate -- <command>` / `npx facegate <command>`: see cli/index.ts. */
import { runCli } from './index';

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
