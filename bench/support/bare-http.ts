import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The machine's floor for one HTTP request: a bare `node:http` server in a process of its own that
 * reads the body and answers a fixed GraphQL-shaped JSON, no framework, no GraphQL, no database.
 * What no server on this machine can beat, at any percentile.
 */
const ANSWER = JSON.stringify({ data: { __typename: 'Query' } });

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
    res.end(ANSWER);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'stop') server.close(() => process.exit(0));
  });
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}/graphql` });
});
