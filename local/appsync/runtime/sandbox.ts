/**
 * The APPSYNC_JS sandbox: one node:vm context holding `@aws-appsync/utils` (prelude.ts) and every
 * resolver bundle. Bundles are ES modules importing `@aws-appsync/utils`; esbuild turns each into
 * a CommonJS factory that the prelude runs with a `require` answering only that specifier. The
 * context has no require, process, Buffer, fetch or timers. Each handler call is a vm script run
 * with a timeout; values cross the boundary as JSON strings, so no host object (and no host
 * Function constructor) is ever reachable from resolver code.
 */
import { randomBytes } from 'node:crypto';
import { build, transform } from 'esbuild';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import type { FieldError } from '../contract';

export interface SandboxOptions {
  /** Per handler call (and per module load), in ms. Default 1000. */
  timeoutMs?: number;
  /** console.* from resolver code; default: dropped. */
  log?: (level: string, line: string) => void;
}

/** What one handler call produced. */
export type HandlerOutcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'error'; error: FieldError }
  | { kind: 'early'; value: unknown; skipTo: 'END' | 'NEXT' | null }
  | { kind: 'crash'; error: FieldError };

/** Context fields AppSync sets before the pipeline starts. */
export interface ContextInit {
  arguments: Record<string, unknown>;
  identity: unknown;
  source: Record<string, unknown> | null;
  info: {
    fieldName: string;
    parentTypeName: string;
    variables: Record<string, unknown>;
    selectionSetList: string[];
    selectionSetGraphQL: string;
  };
  request: { headers: Record<string, string>; domainName: string | null };
  env?: Record<string, string>;
  /** Initial ctx.stash (AppSync starts with {}; tests of one handler start elsewhere). */
  stash?: Record<string, unknown>;
}

/** How a handler call changes ctx before it runs. */
export interface ContextPatch {
  prev?: { result: unknown };
  /** Drop ctx.result and ctx.error (request handlers). */
  clearResult?: boolean;
  result?: unknown;
  error?: { message: string; type: string } | null;
}

export interface InvocationRecord {
  /** util.appendError calls, in order. */
  errors: FieldError[];
  subscriptionFilter: unknown;
  invalidationFilter: unknown;
  invalidations: unknown[];
  evictions: unknown[];
}

/** One field resolution's ctx, kept inside the sandbox across handlers (stash, prev.result). */
export interface SandboxInvocation {
  run(code: string, handler: 'request' | 'response', patch?: ContextPatch): HandlerOutcome;
  /** ctx.stash as JSON sees it. */
  stash(): Record<string, unknown>;
  /** Frees the ctx and returns what the handlers recorded. */
  end(): InvocationRecord;
}

export interface Sandbox {
  /** Loads one bundle (ES module source) under its manifest code name. */
  load(code: string, source: string): Promise<void>;
  has(code: string, handler?: 'request' | 'response'): boolean;
  open(init: ContextInit): SandboxInvocation;
  /** Evaluates an expression in the sandbox (tests); the result comes back through JSON. */
  evaluate(expression: string): unknown;
}

const PRELUDE = fileURLToPath(new URL('./prelude.ts', import.meta.url));
let preludeSource: Promise<string> | null = null;

async function compilePrelude(): Promise<string> {
  const out = await build({
    entryPoints: [PRELUDE],
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('prelude did not build');
  return file.text;
}

/** A handler that threw something other than util.error: errorType `Code` (see README of this folder). */
function crash(name: string, message: string): FieldError {
  return { message: `${name}: ${message}`, errorType: 'Code', data: null, errorInfo: null };
}

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const timeout = options.timeoutMs ?? 1000;
  preludeSource ??= compilePrelude();
  const prelude = await preludeSource;
  const log = options.log ?? ((): void => undefined);

  const context = vm.createContext(Object.create(null) as object, {
    name: 'APPSYNC_JS',
    codeGeneration: { strings: false, wasm: false },
  });
  const functionPrototype = vm.runInContext('Function.prototype', context) as object;
  // Host functions lent to the prelude: primitives in, primitives out, and a sandbox prototype so
  // `.constructor` leads to the sandbox's Function, not Node's.
  const lend = <F extends (...a: never[]) => unknown>(fn: F): F => Object.setPrototypeOf(fn, functionPrototype) as F;
  const bridge = Object.setPrototypeOf(
    {
      randomHex: lend((bytes: number): string => randomBytes(Math.max(0, Math.min(64, Number(bytes) | 0))).toString('hex')),
      log: lend((level: string, line: string): void => log(String(level), String(line))),
    },
    vm.runInContext('Object.prototype', context) as object,
  ) as object;
  (context as Record<string, unknown>).__facegateHost = bridge;
  new vm.Script(prelude, { filename: 'appsync-utils.js' }).runInContext(context, { timeout });

  const scripts = {
    run: new vm.Script('__facegate.run(__in.id, __in.code, __in.handler, __in.patch)', { filename: 'dispatch.js' }),
    begin: new vm.Script('__facegate.begin(__in.id, __in.ctx)'),
    stash: new vm.Script('__facegate.stash(__in.id)'),
    end: new vm.Script('__facegate.end(__in.id)'),
    has: new vm.Script('__facegate.has(__in.code, __in.handler)'),
  };
  /** Inputs go in as a null-prototype object of strings. */
  const call = (script: vm.Script, input: Record<string, string>): unknown => {
    const inObj = vm.runInContext('Object.create(null)', context) as Record<string, string>;
    Object.assign(inObj, input);
    (context as Record<string, unknown>).__in = inObj;
    try {
      return script.runInContext(context, { timeout });
    } finally {
      delete (context as Record<string, unknown>).__in;
    }
  };

  let nextId = 0;
  return {
    async load(code, source) {
      const cjs = await transform(source, { format: 'cjs', loader: 'js', target: 'es2022', sourcefile: code + '.js' });
      const wrapped = `__facegate.define(${JSON.stringify(code)}, function (require, module, exports) {\n${cjs.code}\n});`;
      new vm.Script(wrapped, { filename: code + '.js' }).runInContext(context, { timeout });
    },
    has(code, handler) {
      if (handler) return call(scripts.has, { code, handler }) === true;
      return call(scripts.has, { code, handler: 'request' }) === true || call(scripts.has, { code, handler: 'response' }) === true;
    },
    open(init) {
      const id = String((nextId += 1));
      call(scripts.begin, { id, ctx: JSON.stringify(init) });
      return {
        run(code, handler, patch = {}) {
          let text: unknown;
          try {
            text = call(scripts.run, { id, code, handler, patch: JSON.stringify(patch) });
          } catch (e) {
            const err = e as { code?: string; message?: string };
            if (err.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
              return { kind: 'crash', error: crash('TimeoutError', `${code}.${handler} ran longer than ${timeout} ms`) };
            }
            return { kind: 'crash', error: crash('Error', err.message ?? String(e)) };
          }
          const out = JSON.parse(String(text)) as
            | { kind: 'value'; value?: unknown }
            | { kind: 'error'; error: FieldError }
            | { kind: 'early'; value?: unknown; skipTo: 'END' | 'NEXT' | null }
            | { kind: 'crash'; name: string; message: string };
          switch (out.kind) {
            case 'value':
              return { kind: 'value', value: out.value ?? null };
            case 'error':
              return { kind: 'error', error: out.error };
            case 'early':
              return { kind: 'early', value: out.value ?? null, skipTo: out.skipTo };
            default:
              return { kind: 'crash', error: crash(out.name, out.message) };
          }
        },
        stash() {
          return JSON.parse(String(call(scripts.stash, { id }))) as Record<string, unknown>;
        },
        end() {
          const rec = JSON.parse(String(call(scripts.end, { id }))) as Partial<InvocationRecord>;
          return {
            errors: rec.errors ?? [],
            subscriptionFilter: rec.subscriptionFilter ?? null,
            invalidationFilter: rec.invalidationFilter ?? null,
            invalidations: rec.invalidations ?? [],
            evictions: rec.evictions ?? [],
          };
        },
      };
    },
    evaluate(expression) {
      const script = new vm.Script(`(function () { const __v = (${expression}); return __v === undefined ? undefined : JSON.stringify(__v); })()`);
      const out = script.runInContext(context, { timeout });
      return out === undefined ? undefined : (JSON.parse(String(out)) as unknown);
    },
  };
}
