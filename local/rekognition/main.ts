/** `npm run engine -- --port N --data DIR [--workers N]`: the face engine alone on 127.0.0.1. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startRekognitionServer } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.REKOGNITION_PORT ?? '4570' },
    data: { type: 'string', default: process.env.REKOGNITION_DATA_DIR ?? '.facegate/rekognition' },
    workers: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const started = Date.now();
const server = await startRekognitionServer({
  port: Number(values.port),
  dataDir: path.resolve(values.data as string),
  host: values.host as string,
  ...(values.workers ? { workers: Number(values.workers) } : {}),
});
console.log(`[rekognition] listening on ${server.url} (data ${path.resolve(values.data as string)}, models ready in ${Date.now() - started} ms)`);
console.log(`[rekognition] export AWS_ENDPOINT_URL_REKOGNITION=${server.url}`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
