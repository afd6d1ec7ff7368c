/** The local stack's ws:// for Amplify, which always dials wss:// (web/src/shared/local-realtime.ts). */
import { describe, expect, it } from 'vitest';
import { routeAmplifyRealtimeTo } from '../../web/src/shared/local-realtime';

/** A stand-in for the browser's WebSocket that records what it was asked to open. */
function fakeScope() {
  const opened: { url: string; protocols?: string | string[] }[] = [];
  class FakeWebSocket {
    static readonly OPEN = 1;
    constructor(url: string | URL, protocols?: string | string[]) {
      opened.push({ url: String(url), protocols });
    }
  }
  return { scope: { WebSocket: FakeWebSocket as unknown as typeof WebSocket }, opened, Original: FakeWebSocket };
}

describe('routeAmplifyRealtimeTo', () => {
  it('opens ws:// where Amplify asks for wss:// of the local real-time URL, query and protocols kept', () => {
    const { scope, opened } = fakeScope();
    routeAmplifyRealtimeTo('ws://127.0.0.1:4000/graphql/realtime', scope);
    new scope.WebSocket('wss://127.0.0.1:4000/graphql/realtime', ['graphql-ws', 'header-abc']);
    new scope.WebSocket('wss://127.0.0.1:4000/graphql/realtime?x-extra=1');
    expect(opened).toEqual([
      { url: 'ws://127.0.0.1:4000/graphql/realtime', protocols: ['graphql-ws', 'header-abc'] },
      { url: 'ws://127.0.0.1:4000/graphql/realtime?x-extra=1', protocols: undefined },
    ]);
    expect(scope.WebSocket.OPEN).toBe(1);
  });

  it('leaves every other URL alone', () => {
    const { scope, opened } = fakeScope();
    routeAmplifyRealtimeTo('ws://127.0.0.1:4000/graphql/realtime', scope);
    for (const url of ['wss://127.0.0.1:4001/graphql/realtime', 'wss://127.0.0.1:4000/graphql/realtimex', 'wss://example.com/graphql/realtime', 'ws://127.0.0.1:4000/other']) {
      new scope.WebSocket(url);
    }
    expect(opened.map((o) => o.url)).toEqual(['wss://127.0.0.1:4001/graphql/realtime', 'wss://127.0.0.1:4000/graphql/realtimex', 'wss://example.com/graphql/realtime', 'ws://127.0.0.1:4000/other']);
  });

  it('does nothing for a wss:// (deployed) real-time URL, and wraps only once', () => {
    const deployed = fakeScope();
    routeAmplifyRealtimeTo('wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql', deployed.scope);
    expect(deployed.scope.WebSocket).toBe(deployed.Original);
    const local = fakeScope();
    routeAmplifyRealtimeTo('ws://127.0.0.1:4000/graphql/realtime', local.scope);
    const wrapped = local.scope.WebSocket;
    routeAmplifyRealtimeTo('ws://127.0.0.1:4000/graphql/realtime', local.scope);
    expect(local.scope.WebSocket).toBe(wrapped);
  });
});
