import type { Node } from 'constructs';

/** What may differ between deployments, read from CDK context (`-c stage=prod`). */
export interface FacegateConfig {
  /** Names the stack (`Facegate-<stage>`) and the Rekognition collection (`facegate-<stage>`). */
  stage: string;
  /** How ID cards are read: Textract AnalyzeID, or not at all (fields left empty). */
  idDocumentReader: 'textract' | 'none';
  /** Origins allowed to PUT to presigned upload URLs from a browser. */
  uploadOrigins: string[];
}

const STAGE = /^[a-z][a-z0-9-]{0,19}$/;

function list(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function readConfig(node: Node): FacegateConfig {
  const stage = String(node.tryGetContext('stage') ?? 'dev');
  if (!STAGE.test(stage)) throw new Error(`context stage must match ${STAGE}, got "${stage}"`);
  const reader = String(node.tryGetContext('idDocumentReader') ?? 'textract');
  if (reader !== 'textract' && reader !== 'none') throw new Error(`context idDocumentReader must be textract or none, got "${reader}"`);
  return {
    stage,
    idDocumentReader: reader,
    uploadOrigins: list(node.tryGetContext('uploadOrigins')) ?? ['*'],
  };
}
