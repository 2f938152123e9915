import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import { decodeId } from '../../shared/validation';
import { Competition } from '../competition/competition.entity';
import { Trade } from '../competition/trade.entity';
import { Studio } from '../studio/studio.entity';
import { loadTemplate } from './certificates';
import { documentLink, setCertificateTemplate } from './documents.service';
import {
  CertificateTemplateType,
  DocumentLink,
  SetCertificateTemplateInput,
  SetCertificateTemplatePayload,
} from './documents.types';

@Resolver(() => Trade)
export class TradeDocumentsResolver {
  @FieldResolver(() => DocumentLink, {
    nullable: true,
    description:
      'The results summary (成绩汇总表) as a PDF to sign: ranks, anonymous numbers, names once published, module ' +
      'scores, totals, awards, a signature line per judge and the chief judge, lock time and audit hash. Visible ' +
      'with the results; null otherwise.',
  })
  resultsSummaryPdf(@Root() trade: Trade, @Ctx() ctx: Context): Promise<DocumentLink | null> {
    return documentLink(ctx, { kind: 'RESULTS_SUMMARY', tradeId: trade.id });
  }

  @FieldResolver(() => DocumentLink, {
    nullable: true,
    description:
      'A judge’s marking sheet (评分表) as a PDF: blank without `judgeId` (for the jury and the panel), or filled ' +
      'with that judge’s accepted marks and versions (for that judge and the jury). Null for anyone else.',
  })
  async markingSheetPdf(
    @Root() trade: Trade,
    @Arg('judgeId', () => ID, {
      nullable: true,
      description: 'The judge’s account, for a filled sheet; omitted for a blank one.',
    })
    judgeId: string | null,
    @Ctx() ctx: Context,
  ): Promise<DocumentLink | null> {
    let judge: number | null = null;
    if (judgeId) {
      const p = new Problems();
      judge = decodeId(p, 'judgeId', judgeId, 'Account');
      if (p.any) return null;
    }
    return documentLink(ctx, { kind: 'MARKING_SHEET', tradeId: trade.id, judgeId: judge });
  }

  @FieldResolver(() => DocumentLink, {
    nullable: true,
    description:
      'Award certificates (获奖证书) for the trade’s award winners, one page each, once results are published; ' +
      'null before, or when nobody won an award.',
  })
  certificatesPdf(@Root() trade: Trade, @Ctx() ctx: Context): Promise<DocumentLink | null> {
    return documentLink(ctx, { kind: 'TRADE_CERTIFICATES', tradeId: trade.id });
  }
}

@Resolver(() => Competition)
export class CompetitionDocumentsResolver {
  @FieldResolver(() => DocumentLink, {
    nullable: true,
    description:
      'The results notice (公示) as a PDF: each trade’s results, the notice period, the appeal deadline and where ' +
      'to appeal. Public once results are published; null before.',
  })
  resultsNoticePdf(@Root() competition: Competition, @Ctx() ctx: Context): Promise<DocumentLink | null> {
    return documentLink(ctx, { kind: 'NOTICE', competitionId: competition.id });
  }

  @FieldResolver(() => CertificateTemplateType, {
    description:
      'How the competition’s award certificates are worded (defaults until an organizer sets them).',
  })
  async certificateTemplate(
    @Root() competition: Competition,
    @Ctx() ctx: Context,
  ): Promise<CertificateTemplateType> {
    return loadTemplate(ctx.em, competition.id);
  }

  @Mutation(() => SetCertificateTemplatePayload, {
    description: 'Sets the title, awarding body, date and seal text of a competition’s award certificates.',
  })
  async setCertificateTemplate(
    @Arg('input', { description: 'What to set; see the input type.' }) input: SetCertificateTemplateInput,
    @Ctx() ctx: Context,
  ): Promise<SetCertificateTemplatePayload> {
    const r = await runMutation(ctx, (em) => setCertificateTemplate(ctx, em, input));
    return { competition: r.value, errors: r.errors };
  }
}

@Resolver(() => Studio)
export class StudioDocumentsResolver {
  @FieldResolver(() => DocumentLink, {
    nullable: true,
    description:
      'The naming certificate (命名证书) as a PDF: the host enterprise’s studio named at its current level by the ' +
      'naming union, with the naming document’s number and date. Public while the studio is NAMED; null otherwise.',
  })
  namingCertificatePdf(@Root() studio: Studio, @Ctx() ctx: Context): Promise<DocumentLink | null> {
    return documentLink(ctx, { kind: 'STUDIO_NAMING_CERTIFICATE', studioId: studio.id });
  }
}
