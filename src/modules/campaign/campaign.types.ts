import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Node } from '../../shared/graphql/relay';
import { Competition } from '../competition/competition.entity';
import { Trade } from '../competition/trade.entity';

export { RoundKind } from '../competition/trade.entity';
import { RoundKind } from '../competition/trade.entity';

export enum AdvanceBy {
  TOP_N = 'TOP_N',
  THRESHOLD = 'THRESHOLD',
  CHOSEN = 'CHOSEN',
}
registerEnumType(AdvanceBy, {
  name: 'AdvanceBy',
  description: 'Who goes on to the next round.',
  valuesConfig: {
    TOP_N: { description: 'The top `count` of the round (a tie at the cut goes on together).' },
    THRESHOLD: { description: 'Everyone with a total of at least `minTotal`.' },
    CHOSEN: { description: 'Chosen by the round’s chief (lead) judge, each with a reason.' },
  },
});

export enum AttachmentKind {
  VIDEO = 'VIDEO',
  DOCUMENT = 'DOCUMENT',
  IMAGE = 'IMAGE',
  LINK = 'LINK',
}
registerEnumType(AttachmentKind, {
  name: 'AttachmentKind',
  description: 'What an attachment link points to.',
  valuesConfig: {
    VIDEO: { description: 'A video.' },
    DOCUMENT: { description: 'A document (report, slides, drawings).' },
    IMAGE: { description: 'An image.' },
    LINK: { description: 'Any other link.' },
  },
});

export enum Eligibility {
  PENDING = 'PENDING',
  ELIGIBLE = 'ELIGIBLE',
  INELIGIBLE = 'INELIGIBLE',
}
registerEnumType(Eligibility, {
  name: 'Eligibility',
  description: 'Outcome of the eligibility review (资格审查).',
  valuesConfig: {
    PENDING: { description: 'Not reviewed yet.' },
    ELIGIBLE: { description: 'Eligible: enters the first round.' },
    INELIGIBLE: { description: 'Not eligible, with a reason.' },
  },
});

@InputType({ description: 'A category of a campaign with its award quota.' })
export class CategoryInput {
  @Field({ description: 'Short code, unique in the campaign (1–50 characters).' })
  code!: string;

  @Field({ description: 'Name, e.g. 优秀科技创新项目.' })
  name!: string;

  @Field(() => Int, { description: 'How many submissions of the category may be awarded.' })
  awardQuota!: number;
}

@InputType({ description: 'A new innovation campaign.' })
export class CreateCampaignInput {
  @Field({ description: 'Name, e.g. 第一届职工科技节.' })
  name!: string;

  @Field(() => ID, { description: 'The union running it: one you manage.' })
  hostId!: string;

  @Field(() => Int, { description: 'Year (2000–2100).' })
  year!: number;

  @Field(() => String, { nullable: true, description: 'Description (up to 5,000 characters).' })
  description?: string | null;

  @Field({ description: 'Submissions open.' })
  submissionsOpenAt!: Date;

  @Field({ description: 'Submissions close (after they open).' })
  submissionsCloseAt!: Date;

  @Field(() => [CategoryInput], { description: 'Categories, 1–20.' })
  categories!: CategoryInput[];
}

@InputType({ description: 'How a round’s best go on.' })
export class AdvanceRuleInput {
  @Field(() => AdvanceBy, { description: 'Top N, threshold, or chosen by the lead judge.' })
  by!: AdvanceBy;

  @Field(() => Int, { nullable: true, description: 'TOP_N: how many.' })
  count?: number | null;

  @Field(() => Float, { nullable: true, description: 'THRESHOLD: the lowest total that goes on.' })
  minTotal?: number | null;
}

@InputType({ description: 'Adds the next judged round to a category.' })
export class AddRoundInput {
  @Field(() => ID, { description: 'The category.' })
  categoryId!: string;

  @Field(() => RoundKind, { description: 'Kind of round; FINAL closes the chain.' })
  kind!: RoundKind;

  @Field(() => AdvanceRuleInput, { nullable: true, description: 'Who goes on (not for FINAL).' })
  advance?: AdvanceRuleInput | null;

  @Field({
    defaultValue: true,
    description: 'Blind review: judges see anonymous numbers, not who submitted.',
  })
  blind!: boolean;
}

@InputType({ description: 'A link attached to a submission, with what is known about it.' })
export class AttachmentInput {
  @Field(() => AttachmentKind, { description: 'Video, document, image or other link.' })
  kind!: AttachmentKind;

  @Field({ description: 'http(s) URL, up to 2,000 characters.' })
  url!: string;

  @Field(() => String, { nullable: true, description: 'Title.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'MIME type, e.g. video/mp4.' })
  mimeType?: string | null;

  @Field(() => Float, { nullable: true, description: 'Size in bytes.' })
  sizeBytes?: number | null;

  @Field(() => Int, { nullable: true, description: 'Length in seconds (videos).' })
  durationSeconds?: number | null;
}

@InputType({ description: 'A submission to a campaign category, by a person, a team or a studio.' })
export class SubmitEntryInput {
  @Field(() => ID, { description: 'The category.' })
  categoryId!: string;

  @Field({ description: 'Title, 1–300 characters.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Summary, up to 5,000 characters.' })
  summary?: string | null;

  @Field(() => ID, { nullable: true, description: 'A person submitting.' })
  personId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A team submitting.' })
  teamId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A studio submitting (named).' })
  studioId?: string | null;

  @Field(() => [AttachmentInput], { nullable: true, description: 'Attachments, at most 20.' })
  attachments?: AttachmentInput[] | null;

  @Field(() => [String], { nullable: true, description: 'Topic tags, at most 10 of 1–30 characters.' })
  tags?: string[] | null;
}

@InputType({ description: 'The eligibility decision on a submission.' })
export class ReviewEligibilityInput {
  @Field(() => ID, { description: 'The submission.' })
  submissionId!: string;

  @Field({ description: 'Eligible (enters the first round) or not.' })
  eligible!: boolean;

  @Field(() => String, { nullable: true, description: 'Why; required when not eligible.' })
  reason?: string | null;
}

@InputType({ description: 'Automatic, balanced assignment of reviewers to a round’s submissions.' })
export class AssignReviewersInput {
  @Field(() => ID, { description: 'The round.' })
  tradeId!: string;

  @Field(() => [ID], { description: 'The judges (accounts), at least `perSubmission`.' })
  judgeIds!: string[];

  @Field(() => Int, { description: 'Reviewers per submission (K).' })
  perSubmission!: number;

  @Field(() => Int, { description: 'Most submissions per judge (L).' })
  maxPerJudge!: number;
}

@InputType({ description: 'Manual assignment: the reviewers of one submission in a round.' })
export class SetReviewersInput {
  @Field(() => ID, { description: 'The entrant (the submission in this round).' })
  entrantId!: string;

  @Field(() => [ID], { description: 'Its reviewers (judge accounts); none conflicted.' })
  judgeIds!: string[];
}

@InputType({ description: 'A submission the lead judge sends on, with the reason.' })
export class ChosenInput {
  @Field(() => ID, { description: 'The entrant in this round.' })
  entrantId!: string;

  @Field({ description: 'Why it goes on.' })
  reason!: string;
}

@InputType({ description: 'Moves a signed-off round’s best to the next round.' })
export class AdvanceRoundInput {
  @Field(() => ID, { description: 'The round.' })
  tradeId!: string;

  @Field(() => [ChosenInput], { nullable: true, description: 'CHOSEN rounds: the lead judge’s choice.' })
  chosen?: ChosenInput[] | null;
}

@ObjectType({ description: 'A link attached to a submission.' })
export class Attachment {
  @Field(() => AttachmentKind, { description: 'Kind.' })
  kind!: AttachmentKind;

  @Field({ description: 'URL.' })
  url!: string;

  @Field(() => String, { nullable: true, description: 'Title.' })
  title!: string | null;

  @Field(() => String, { nullable: true, description: 'MIME type.' })
  mimeType!: string | null;

  @Field(() => Float, { nullable: true, description: 'Size in bytes.' })
  sizeBytes!: number | null;

  @Field(() => Int, { nullable: true, description: 'Length in seconds.' })
  durationSeconds!: number | null;
}

@ObjectType({ implements: Node, description: 'A submission to a campaign.' })
export class Submission implements Node {
  @Field(() => ID, { description: 'Global ID of the submission.' })
  id!: string;

  @Field({ description: 'Title.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Summary.' })
  summary!: string | null;

  @Field({ description: 'Code of its category.' })
  categoryCode!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Who submitted (a person, team or studio); hidden from blind reviewers.',
  })
  submitterName!: string | null;

  @Field(() => String, { nullable: true, description: 'The submitter’s unit; hidden like the name.' })
  submitterUnit!: string | null;

  @Field(() => [Attachment], { description: 'Attachments.' })
  attachments!: Attachment[];

  @Field(() => [String], { description: 'Topic tags.' })
  tags!: string[];

  @Field(() => Eligibility, { description: 'Eligibility review outcome.' })
  eligibility!: Eligibility;

  @Field(() => String, { nullable: true, description: 'Why it was found ineligible.' })
  eligibilityReason!: string | null;

  @Field({ description: 'When it was submitted.' })
  submittedAt!: Date;
}

@ObjectType({ implements: Node, description: 'A category of a campaign.' })
export class CampaignCategory implements Node {
  @Field(() => ID, { description: 'Global ID of the category.' })
  id!: string;

  @Field({ description: 'Code.' })
  code!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => Int, { description: 'Award quota.' })
  awardQuota!: number;

  @Field(() => [Trade], { description: 'Its judged rounds, in order.' })
  rounds!: Trade[];

  @Field(() => Int, { description: 'Submissions received.' })
  submissionCount!: number;

  dbId!: number;
}

@ObjectType({ description: 'A judge’s share of a round’s reviews.' })
export class ReviewLoad {
  @Field(() => ID, { description: 'The judge.' })
  judgeId!: string;

  @Field(() => Int, { description: 'Submissions assigned.' })
  assigned!: number;
}

@ObjectType({ description: 'The reviewers of one submission in a round.' })
export class ReviewAssignment {
  @Field(() => ID, { description: 'The entrant (the submission in this round).' })
  entrantId!: string;

  @Field(() => String, { nullable: true, description: 'Its anonymous number.' })
  anonymousNumber!: string | null;

  @Field(() => [ID], { description: 'Its reviewers.' })
  judgeIds!: string[];
}

@ObjectType({ description: 'Result of creating a campaign.' })
export class CampaignPayload {
  @Field(() => Competition, {
    nullable: true,
    description: 'The campaign (a competition of kind INNOVATION).',
  })
  campaign!: Competition | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@ObjectType({ description: 'Result of adding a round.' })
export class RoundPayload {
  @Field(() => Trade, { nullable: true, description: 'The round (a trade of the campaign).' })
  round!: Trade | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@ObjectType({ description: 'Result of a submission step.' })
export class SubmissionPayload {
  @Field(() => Submission, { nullable: true, description: 'The submission; null on failure.' })
  submission!: Submission | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@ObjectType({ description: 'Result of assigning reviewers.' })
export class AssignReviewersPayload {
  @Field(() => [ReviewLoad], { description: 'Each judge’s load.' })
  loads!: ReviewLoad[];

  @Field(() => [ReviewAssignment], { description: 'The reviewers of each submission.' })
  assignments!: ReviewAssignment[];

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@ObjectType({ description: 'Result of moving a round’s best on.' })
export class AdvanceRoundPayload {
  @Field(() => [ID], { description: 'Entrants of this round that went on.' })
  advanced!: string[];

  @Field(() => Trade, { nullable: true, description: 'The next round.' })
  nextRound!: Trade | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}
