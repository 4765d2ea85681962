// A local stand-in for an SMS provider's endpoint: an HTTP server on 127.0.0.1 that records each request the SDK sent
// and answers what the test says. The adapters' SDKs take an endpoint, so nothing leaves the machine.
import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';

export type Recorded = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };
export type Answer = { status?: number; body?: unknown; headers?: Record<string, string> } | 'hang' | 'reset';

export async function startStandIn(answer: (req: Recorded) => Answer) {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const a = answer(recorded);
      if (a === 'hang') return;
      if (a === 'reset') return req.socket.destroy();
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json;charset=utf-8', ...a.headers });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves every name to 127.0.0.1, so an SDK that derives something from the host name (Tencent's service) can be
 * pointed at `sms.localhost:PORT` and still reach the stand-in. */
export const loopbackLookup: LookupFunction = (_host, options, callback) => {
  const cb = callback as unknown as (
    err: Error | null,
    address: string | { address: string; family: number }[],
    family?: number,
  ) => void;
  if ((options as { all?: boolean }).all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
};

export const TEMPLATES = {
  sign_in_code: 'SMS_100001',
  contact_verification_code: 'SMS_100002',
  case_acknowledged: 'SMS_100003',
  evaluation_requested: 'SMS_100004',
  case_paused: 'SMS_100005',
  case_closed: 'SMS_100006',
} as const;
