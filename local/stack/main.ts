/**
 * `npm start -- [--port 4000] [--data .facegate] [--workers N] [--faults SPEC] [--verbose]`: the
 * whole facegate API on this machine (see index.ts). Ctrl-C stops it; data stays in the data
 * directory. `--faults` (or FACEGATE_FAULTS) injects throttling, errors and slowness into the
 * step Lambdas' Rekognition, DynamoDB and S3 calls (local/faults/spec.ts).
 */
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FaultSpecError, parseFaultSpec } from '../faults/index';
import { ensureWebBuild, WEB_BUILD_DIR } from '../../web/build';
import { DataDirLockedError, LOCAL_INFO_FILE, startLocalStack } from './index';

const usage = `Usage: npm start -- [--port 4000] [--data .facegate] [--host 127.0.0.1] [--workers N] [--faults SPEC] [--no-web] [--verbose]
  --faults SPEC   e.g. rekognition:IndexFaces=throttle@first:2,dynamodb:PutItem=error@25%,s3=slow:3000,seed=7
                  (service[:Operation]=throttle|error|<AWS error name>|slow:<ms>[@<p>|<p>%|first:<n>|every:<n>]; env FACEGATE_FAULTS)`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.FACEGATE_PORT ?? '4000' },
      data: { type: 'string', default: process.env.FACEGATE_DATA ?? '.facegate' },
      host: { type: 'string', default: '127.0.0.1' },
      workers: { type: 'string' },
      faults: { type: 'string', default: process.env.FACEGATE_FAULTS },
      verbose: { type: 'boolean', default: false },
      'no-web': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0–65535, got ${values.port}\n${usage}`);
  process.exit(2);
}
const workers = values.workers === undefined ? undefined : Number(values.workers);
if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
  console.error(`--workers must be a positive integer\n${usage}`);
  process.exit(2);
}
const faults = values.faults === undefined || values.faults === '' ? undefined : values.faults;
if (faults !== undefined) {
  try {
    parseFaultSpec(faults);
  } catch (e) {
    if (!(e instanceof FaultSpecError)) throw e;
    console.error(`--faults: ${e.message}\n${usage}`);
    process.exit(2);
  }
}
const dataDir = path.resolve(values.data);
// The step Lambdas log JSON per step (Powertools); keep the console readable unless --verbose.
process.env.POWERTOOLS_LOG_LEVEL ??= values.verbose ? 'INFO' : 'WARN';
// The SDK's notice that its 2027 releases need Node 22 is noise on a local dev server.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Fail fast on a taken port or an address this machine does not have, before seconds of model loading.
{
  const problem = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const probe = net.createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(e));
    probe.listen(port, values.host, () => probe.close(() => resolve(undefined)));
  });
  if (problem?.code === 'EADDRINUSE') {
    console.error(`facegate: port ${port} is in use; pass --port N (or --port 0 for any free port)`);
    process.exit(1);
  }
  if (problem) {
    console.error(`facegate: cannot listen on ${values.host}:${port} (${problem.code ?? problem.message}); check --host`);
    process.exit(1);
  }
}

console.log(`facegate: starting the local stack (data ${dataDir})…`);
// The web app is rebuilt only when its sources changed (about a second when they did), while the
// stack starts; the site reads dist/web per request, so it serves the new build from the start.
const webBuild = values['no-web']
  ? undefined
  : ensureWebBuild({ log: (line) => console.log(line) }).catch((e: unknown) => {
      console.error(`facegate: ${(e as Error).message}\nfacegate: the web app is not up to date (fix the build, or pass --no-web)`);
    });
let stack;
try {
  [stack] = await Promise.all([
    startLocalStack({
      dataDir,
      port,
      host: values.host,
      ...(values['no-web'] ? {} : { web: { root: WEB_BUILD_DIR } }),
      ...(workers ? { engineWorkers: workers } : {}),
      logEngineRequests: values.verbose,
      ...(faults !== undefined ? { faults, logFaults: values.verbose } : {}),
      log: (line) => {
        // Per-request lines only with --verbose.
        if (values.verbose || !/^\[appsync\] (POST|WS|ws|subscription|publish)/.test(line)) console.log(line);
      },
    }),
    webBuild,
  ]);
} catch (e) {
  if (e instanceof DataDirLockedError) {
    console.error(`facegate: ${e.message}`);
    process.exit(1);
  }
  if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`facegate: port ${port} is in use; pass --port N (or --port 0 for any free port)`);
    process.exit(1);
  }
  throw e;
}

const { authThreshold: t } = stack;
console.log(`
facegate local stack ready in ${(stack.readyMs / 1000).toFixed(1)} s${values.verbose ? ` (${Object.entries(stack.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')})` : ''}
${stack.webUrl ? `\n  Web app     ${stack.webUrl}   (admin console: ${stack.webUrl}admin.html)\n` : ''}
  GraphQL     ${stack.graphqlUrl}
  Real-time   ${stack.realtimeUrl}
  API key     ${stack.apiKey}
  Admin token ${stack.adminToken.slice(0, 24)}… (group "admins", full token in the file below)

  DynamoDB    ${stack.endpoints.dynamodb}   table ${stack.tableName}
  S3          ${stack.endpoints.s3}   bucket ${stack.bucketName}
  Rekognition ${stack.endpoints.rekognition}   collection ${stack.collectionId}
  Cognito     ${stack.userPool.endpoint}   user pool ${stack.userPool.userPoolId}, client ${stack.userPool.userPoolClientId} (face sign-in)

  Settings for clients: ${path.join(dataDir, LOCAL_INFO_FILE)}
  Auth threshold: ${t.value}${t.localDefault ? ' (local default; AWS default is 99 — set FACEGATE_AUTH_THRESHOLD to change)' : ' (FACEGATE_AUTH_THRESHOLD)'}${stack.faults ? `\n  Faults      ${stack.faults.spec} (the step Lambdas' Rekognition, DynamoDB and S3 calls)` : ''}

  Try: npx facegate register -u alice -p photo.jpg      (npx facegate --help)
       npx facegate login -u alice -p another-photo.jpg
  Ctrl-C to stop; data stays in ${dataDir}
`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) {
    console.log('facegate: forced exit');
    process.exit(130);
  }
  stopping = true;
  console.log(`\nfacegate: ${signal}, stopping…`);
  const force = setTimeout(() => {
    console.error('facegate: did not stop within 10 s, exiting');
    process.exit(1);
  }, 10_000);
  force.unref();
  void stack.close().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(`facegate: error while stopping: ${(e as Error).message}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
