/**
 * Fault injection for the local stack: one proxy per stand-in (./proxy.ts), all applying one
 * plan (./spec.ts) that can be replaced while the stack runs. The step Lambdas' SDK endpoints
 * point at the proxies; the stack's own clients (provisioning, the upload sweep, the face
 * engine reading S3 objects) go to the stand-ins directly, as Rekognition's own S3 reads in AWS
 * are not the caller's S3 calls.
 */
import { startFaultProxy, type FaultProxy } from './proxy';
import { FaultPlan, parseFaultSpec, type Injection, type Service } from './spec';

export { FaultSpecError, parseFaultSpec } from './spec';
export type { Injection } from './spec';

export interface FaultControl {
  /** The spec in force ('' for none). */
  readonly spec: string;
  /** Replaces the plan (counts start afresh); throws FaultSpecError on a bad spec. */
  set(spec: string): void;
  clear(): void;
  /** What was injected since the plan was set, in order. */
  injected(): Injection[];
}

export interface FaultProxies {
  control: FaultControl;
  /** Starts the proxy in front of a stand-in; returns the URL clients should use. */
  front(service: Service, upstream: string): Promise<string>;
  close(): Promise<void>;
}

export function createFaultProxies({ spec, host, log }: { spec: string; host: string; log?: (line: string) => void }): FaultProxies {
  let plan: FaultPlan | null = null;
  const apply = (text: string) => {
    const parsed = parseFaultSpec(text);
    plan = parsed.rules.length > 0 ? new FaultPlan(parsed) : null;
  };
  apply(spec);
  const proxies: FaultProxy[] = [];
  return {
    control: {
      get spec() {
        return plan?.spec.text ?? '';
      },
      set: apply,
      clear: () => apply(''),
      injected: () => [...(plan?.injected ?? [])],
    },
    async front(service, upstream) {
      const proxy = await startFaultProxy({ service, upstream, host, plan: () => plan, ...(log ? { log } : {}) });
      proxies.push(proxy);
      return proxy.url;
    },
    async close() {
      await Promise.all(proxies.splice(0).map((p) => p.close()));
    },
  };
}
