import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import type { Viewer } from '../shared/access/viewer';
import { TopLevelCode } from '../shared/errors';
import { checkInputBounds } from '../shared/security/input-bounds';
import { checkOperation, type OperationLimits } from '../shared/security/operation-limits';
import { isFirstParty, type Manifest } from '../shared/security/trusted-documents';
import { topLevel } from './errors';
import { text } from '../shared/i18n';

/** An operation as either transport received it, before any check. */
export interface OperationRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export type Admit = (
  request: OperationRequest,
  viewer: Viewer,
  transport: 'http' | 'ws',
) => { query: string; document: DocumentNode | null; errors: GraphQLError[] };

/** The trusted document's id a request names (top level or in `extensions`, as Apollo takes it). */
export function documentIdOf(request: OperationRequest): unknown {
  const ext = (request.extensions ?? {}) as { documentId?: unknown };
  return request.documentId ?? ext.documentId;
}

/**
 * The gate every operation passes on either transport, before any resolver
 * or SQL: trusted documents for first-party clients, then the limits and the input bounds.
 */
export function admission(schema: GraphQLSchema, trusted: Manifest, limits: OperationLimits): Admit {
  return (request, viewer, transport) => {
    const id = documentIdOf(request);
    let query = typeof request.query === 'string' ? request.query : '';
    if (typeof id === 'string' && id) {
      const doc = trusted[id];
      if (!doc) {
        return {
          query,
          document: null,
          errors: [
            topLevel(
              TopLevelCode.TRUSTED_DOCUMENT_NOT_FOUND,
              text(`没有 ID 为 ${id} 的可信文档。`, `No trusted document has id ${id}.`),
            ),
          ],
        };
      }
      query = doc;
    } else if (isFirstParty(viewer)) {
      return {
        query,
        document: null,
        errors: [
          topLevel(
            TopLevelCode.TRUSTED_DOCUMENT_REQUIRED,
            text(
              '此客户端只能通过 documentId 发送可信文档。',
              'This client may send only trusted documents, by documentId.',
            ),
          ),
        ],
      };
    }
    const variables = (
      request.variables && typeof request.variables === 'object' ? request.variables : {}
    ) as Record<string, unknown>;
    const operationName = typeof request.operationName === 'string' ? request.operationName : null;
    const { document, errors } = checkOperation(schema, query, variables, operationName, limits, transport);
    // Over-long text and lists are refused here, before any resolver or pool connection.
    const tooLong =
      document && !errors.length ? checkInputBounds(schema, document, variables, operationName) : null;
    return tooLong ? { query, document: null, errors: [tooLong] } : { query, document, errors };
  };
}
