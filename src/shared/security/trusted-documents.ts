import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Role } from '../access/role';
import type { Viewer } from '../access/viewer';

/**
 * Operations first-party clients (judge tablets, venue screens) may send, by id.
 * The manifest is generated from `clients/first-party/*.graphql` by
 * `npm run trusted-documents` and committed; the test command fails when stale.
 */
export const MANIFEST_PATH: string = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'schema',
  'trusted-documents.json',
);

export type Manifest = Record<string, string>;

export function documentId(document: string): string {
  return `sha256:${createHash('sha256').update(document, 'utf8').digest('hex')}`;
}

export function loadManifest(file = MANIFEST_PATH): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** Tablets sign in as judges; screens use API keys marked first-party. */
export function isFirstParty(viewer: Viewer): boolean {
  if (viewer.kind === 'account') return viewer.role === Role.JUDGE || viewer.role === Role.CHIEF_JUDGE;
  if (viewer.kind === 'apiKey') return viewer.firstParty;
  return false;
}
