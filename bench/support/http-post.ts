import { type Agent, request } from 'node:http';
import { documentId, loadManifest } from '../../src/shared/security/trusted-documents';

/** An answer as a bench classes it: HTTP status, the error codes it carried, the parsed body. */
export interface Answer {
  status: number;
  codes: string[];
  body: unknown;
}

/** POSTs a JSON body and gives the status and the text of the answer; rejects on a socket error. */
export function postText(
  agent: Agent,
  url: URL,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs a JSON body; never rejects (a socket error is an answer with status 0 and its code). */
export async function post(
  agent: Agent,
  url: URL,
  body: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  let answer: { status: number; text: string };
  try {
    answer = await postText(agent, url, body, headers);
  } catch (e) {
    return { status: 0, codes: [`SOCKET_${(e as { code?: string }).code}`], body: null };
  }
  let parsed: { errors?: { extensions?: { code?: string } }[] } = {};
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    // An answer that is not JSON is classed by its status alone.
  }
  const codes = (parsed.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
  return { status: answer.status, codes, body: parsed };
}

/** The trusted-document id of a first-party mutation, by operation name. */
export function trustedMutation(operationName: string): string {
  const text = Object.values(loadManifest()).find((d) =>
    new RegExp(`^mutation ${operationName}\\b`, 'm').test(d),
  );
  if (!text) throw new Error(`no trusted document ${operationName}`);
  return documentId(text);
}
