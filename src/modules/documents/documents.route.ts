import { Router } from 'express';
import type { Viewer } from '../../shared/access/viewer';
import type { Context } from '../../shared/graphql/context';
import { PDF } from './documents.service';
import type { DocumentLinks } from './links';
import { renderDocument } from './render';

/**
 * GET /documents/<signed token>: the file a `DocumentLink` names. No bearer token: the link
 * carries its permission. Forged or damaged → 403, expired → 410, no longer visible → 404.
 */
export function documentsRouter(links: DocumentLinks, contextFor: (viewer: Viewer) => Context): Router {
  const router = Router();
  router.get('/:token', async (req, res, next) => {
    try {
      const claims = links.verify(req.params.token);
      res.setHeader('Cache-Control', 'private, no-store');
      if (claims === 'INVALID') return void res.status(403).type('text/plain').send('Invalid link.\n');
      if (claims === 'EXPIRED')
        return void res.status(410).type('text/plain').send('This link has expired.\n');
      const ctx = contextFor(claims.viewer);
      const doc = await renderDocument(ctx, claims.spec);
      if (!doc) return void res.status(404).type('text/plain').send('No such document.\n');
      res.setHeader('Content-Type', PDF);
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="document.pdf"; filename*=UTF-8''${encodeURIComponent(doc.filename)}`,
      );
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.send(doc.content);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
