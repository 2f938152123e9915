import type Redis from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Viewer } from '../access/viewer';

export interface RateLimitSettings {
  ipPerMinute: number;
  accountPerMinute: number;
  apiKeyPerMinute: number;
  signInMaxFailures: number;
  signInLockoutSeconds: number;
  /** Failed authentications (bad key or token) per address per minute; beyond them 429. */
  authFailuresPerMinute?: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  ipPerMinute: 600,
  accountPerMinute: 1_200,
  apiKeyPerMinute: 3_000,
  signInMaxFailures: 5,
  signInLockoutSeconds: 900,
};

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
  /** Which counter refused: `ip`, `account` or `apiKey`. */
  scope?: string;
}

/**
 * Request quotas per IP, per account and per API key, and sign-in lock-out.
 * Counters live in Redis when it is configured, so limits hold across
 * instances; otherwise in this process.
 */
export class RateLimits {
  private readonly ip: RateLimiterAbstract;
  private readonly account: RateLimiterAbstract;
  private readonly apiKey: RateLimiterAbstract;
  private readonly signInByName: RateLimiterAbstract;
  private readonly signInByIp: RateLimiterAbstract;
  private readonly authFailures: RateLimiterAbstract;

  constructor(settings: RateLimitSettings, redis: Redis | null, prefix = 'jingsai') {
    const make = (keyPrefix: string, points: number, duration: number, blockDuration = 0) =>
      redis
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${prefix}:${keyPrefix}`,
            points,
            duration,
            blockDuration,
          })
        : new RateLimiterMemory({ keyPrefix, points, duration, blockDuration });
    this.ip = make('rl:ip', settings.ipPerMinute, 60);
    this.account = make('rl:acct', settings.accountPerMinute, 60);
    this.apiKey = make('rl:key', settings.apiKeyPerMinute, 60);
    // Failures count for a lock-out window; a success does not reset an IP hammering many names.
    const lock = settings.signInLockoutSeconds;
    this.signInByName = make('signin:name', settings.signInMaxFailures, lock, lock);
    this.signInByIp = make('signin:ip', settings.signInMaxFailures * 4, lock, lock);
    this.authFailures = make('authfail:ip', settings.authFailuresPerMinute ?? 30, 60);
  }

  /** Whether this address may present credentials now (it has not failed too often). */
  async authAllowed(ip: string): Promise<RateDecision> {
    const r = await this.authFailures.get(ip);
    return r && r.remainingPoints <= 0 && r.msBeforeNext > 0
      ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(r.msBeforeNext / 1000)), scope: 'ip' }
      : { allowed: true, retryAfterSeconds: 0 };
  }

  /** Counts a bad key or token against the address that sent it. */
  async authFailed(ip: string): Promise<void> {
    await this.authFailures.penalty(ip, 1).catch(() => {});
  }

  /** Counts one request against the caller's IP and identity. */
  async request(ip: string, viewer: Viewer): Promise<RateDecision> {
    const checks: [RateLimiterAbstract, string, string][] = [[this.ip, ip, 'ip']];
    if (viewer.kind === 'account') checks.push([this.account, String(viewer.accountId), 'account']);
    if (viewer.kind === 'apiKey') checks.push([this.apiKey, String(viewer.apiKeyId), 'apiKey']);
    for (const [limiter, key, scope] of checks) {
      try {
        await limiter.consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          return {
            allowed: false,
            retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)),
            scope,
          };
        }
        throw err;
      }
    }
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Whether a sign-in for this name from this IP may be tried now. */
  async signInAllowed(username: string, ip: string): Promise<RateDecision> {
    const [byName, byIp] = await Promise.all([this.signInByName.get(username), this.signInByIp.get(ip)]);
    const blocked = [byName, byIp].find((r) => r && r.remainingPoints <= 0 && r.msBeforeNext > 0);
    return blocked
      ? { allowed: false, retryAfterSeconds: Math.ceil(blocked.msBeforeNext / 1000) }
      : { allowed: true, retryAfterSeconds: 0 };
  }

  async signInFailed(username: string, ip: string): Promise<void> {
    await Promise.all([
      this.signInByName.penalty(username, 1).catch(() => {}),
      this.signInByIp.penalty(ip, 1).catch(() => {}),
    ]);
    // Reaching the limit starts the lock-out block.
    const r = await this.signInByName.get(username);
    if (r && r.remainingPoints <= 0)
      await this.signInByName.block(username, Math.ceil(r.msBeforeNext / 1000) || 1);
    const i = await this.signInByIp.get(ip);
    if (i && i.remainingPoints <= 0) await this.signInByIp.block(ip, Math.ceil(i.msBeforeNext / 1000) || 1);
  }

  async signInSucceeded(username: string): Promise<void> {
    await this.signInByName.delete(username).catch(() => {});
  }
}
