/**
 * Amplify JS v6 derives the real-time URL from the GraphQL endpoint by appending `/realtime` and
 * switching http *and* https to `wss://` (its appsyncUrl.ts; a plain `ws://` is an open feature
 * request, aws-amplify/amplify-js#12894), and it takes no real-time endpoint option. The local
 * stack serves the real-time protocol as plain `ws://` on 127.0.0.1, which is what
 * config.json's realtimeUrl says. So, for the local stack only, the browser's WebSocket is
 * wrapped: a connection to exactly `wss://<that host><that path>` becomes `ws://…`; everything
 * else (any other URL, every deployed config: realtimeUrl is wss:// there) is left alone.
 * Amplify itself is unchanged.
 */
export function routeAmplifyRealtimeTo(realtimeUrl: string, scope: { WebSocket: typeof WebSocket } = window): void {
  const target = new URL(realtimeUrl);
  if (target.protocol !== 'ws:') return;
  const amplifyUrl = `wss://${target.host}${target.pathname}`;
  const Native = scope.WebSocket;
  if ((Native as { routedTo?: string }).routedTo === amplifyUrl) return;
  class LocalRealtimeWebSocket extends Native {
    static routedTo = amplifyUrl;
    constructor(url: string | URL, protocols?: string | string[]) {
      const asked = String(url);
      const rest = asked.slice(amplifyUrl.length);
      const routed = asked.startsWith(amplifyUrl) && (rest === '' || rest.startsWith('?')) ? `ws://${asked.slice('wss://'.length)}` : asked;
      super(routed, protocols);
    }
  }
  scope.WebSocket = LocalRealtimeWebSocket;
}
