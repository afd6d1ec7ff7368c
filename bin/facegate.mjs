#!/usr/bin/env node
// `npx facegate …`: the CLI is TypeScript (cli/main.ts), run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../cli/main.ts', import.meta.url).href);
