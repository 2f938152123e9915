import type { Context } from '../../shared/graphql/context';
import type { NodeType } from '../../shared/graphql/nodes';
import { canSeeCompetition, canSeeEntrants } from '../competition/competition.service';
import { categoriesOf } from './campaign-setup.service';
import { loadSubmissions, submissionView } from './submissions.service';
import { CampaignCategory, Submission } from './campaign.types';

/** As `Competition.submissions`: the host's organizers, everyone once results are published. */
async function fetchSubmission(ctx: Context, id: number): Promise<Submission | null> {
  const [s] = await loadSubmissions(ctx.em, 's.id = ?', [id]);
  const c = s && (await ctx.loaders.competitionById.load(s.competition_id));
  return c && (await canSeeEntrants(ctx, c)) ? submissionView(s, true) : null;
}

/** As the campaign's `categories`: whoever may see the campaign. */
async function fetchCategory(ctx: Context, id: number): Promise<CampaignCategory | null> {
  const [k] = await ctx.em.execute<{ competition_id: number }[]>(
    'select competition_id from campaign_category where id = ?',
    [id],
  );
  const c = k && (await ctx.loaders.competitionById.load(k.competition_id));
  if (!c || !(await canSeeCompetition(ctx, c))) return null;
  return (await categoriesOf(ctx, c.id)).find((x) => x.dbId === id) ?? null;
}

export const campaignNodes: NodeType[] = [
  { name: 'Submission', cls: Submission, fetch: fetchSubmission },
  { name: 'CampaignCategory', cls: CampaignCategory, fetch: fetchCategory },
];
