import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyError } from '../../../src/core/errors/classify';
import { HttpClient } from '../../../src/core/http/httpClient';
import { parseErrorBody } from '../../../src/core/http/json';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A local server whose answers each test scripts, one handler per request, recording what arrived. */
async function scriptedServer(handlers: Handler[]) {
  const received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      const handler = handlers.shift();
      if (!handler) {
        response.writeHead(500).end('no scripted answer');
        return;
      }
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => {
  return (_request, _body, response) =>
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

describe('core/http: the one HTTP path', () => {
  const client = new HttpClient({ source: 'github', serviceName: 'GitHub', allowInsecureConnection: true });

  it('sends JSON with the right headers and reads a JSON object back', async () => {
    const server = await scriptedServer([json(200, { id: 7 })]);
    try {
      const body = await client.json({ method: 'POST', url: `${server.url}/dispatches`, json: { ref: 'main' } });
      assert.deepEqual(body, { id: 7 });
      const [sent] = server.received;
      assert.equal(sent.method, 'POST');
      assert.equal(sent.headers['content-type'], 'application/json');
      assert.equal(sent.headers.accept, 'application/json');
      assert.deepEqual(JSON.parse(sent.body), { ref: 'main' });
    } finally {
      await server.close();
    }
  });

  it('retries a 503 after its Retry-After, then succeeds', async () => {
    const server = await scriptedServer([json(503, { message: 'busy' }, { 'retry-after': '0' }), json(200, { ok: 1 })]);
    try {
      assert.deepEqual(await client.json({ method: 'GET', url: `${server.url}/x` }), { ok: 1 });
      assert.equal(server.received.length, 2);
    } finally {
      await server.close();
    }
  });

  it("turns an error status into an error worded for the service, with the service's own message", async () => {
    const server = await scriptedServer([json(404, { message: 'Not Found', documentation_url: 'https://docs' })]);
    try {
      await assert.rejects(client.json({ method: 'GET', url: `${server.url}/repos/a/b` }), (error: unknown) => {
        const classified = classifyError(error);
        assert.equal(classified.source, 'github');
        assert.equal(classified.kind, 'notFound');
        assert.match(classified.message, /^GitHub .*Not Found/);
        return true;
      });
    } finally {
      await server.close();
    }
  });

  it('reports a body that is not JSON (cut off) as an error, never as an empty result', async () => {
    const cutOff: Handler = (_request, _body, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"value": [{"name": "a"');
    const server = await scriptedServer([cutOff]);
    try {
      await assert.rejects(client.json({ method: 'GET', url: `${server.url}/list` }), (error: Error) => {
        assert.match(error.message, /GitHub sent a response that is not JSON \(cut off\?\)/);
        assert.equal(classifyError(error).source, 'github');
        return true;
      });
    } finally {
      await server.close();
    }
  });

  it('reads error bodies in the shapes ARM, GitHub and Azure DevOps use, and none from an HTML page', () => {
    assert.deepEqual(parseErrorBody('{"error":{"code":"AuthorizationFailed","message":"no"}}'), {
      code: 'AuthorizationFailed',
      message: 'no',
    });
    assert.deepEqual(parseErrorBody('{"message":"Bad credentials"}'), { code: undefined, message: 'Bad credentials' });
    assert.deepEqual(parseErrorBody('{"message":"TF400813","typeKey":"UnauthorizedRequestException"}'), {
      code: 'UnauthorizedRequestException',
      message: 'TF400813',
    });
    assert.equal(parseErrorBody('<html>502 Bad Gateway</html>'), undefined);
  });
});
