import { describe, expect, it } from 'vitest';
import { redirectError, redirectTarget } from '../../src/atlas/atlas-answer.js';
import { AtlasResponseError } from '../../src/errors/atlas-errors.js';
import { isRetryable, serverEffect } from '../../src/atlas/atlas-answer.js';

const ORIGIN = 'https://cloud.mongodb.com';
const request = { method: 'GET', path: '/api/atlas/v2/groups/x/clusters/y' };

describe('a 3xx answer from the Atlas API', () => {
  it('is an AtlasResponseError saying the redirect is not followed, and where it pointed', () => {
    const error = redirectError(302, 'https://elsewhere.example:8443/api/atlas/v2/groups/x/clusters/y', ORIGIN, request);
    expect(error).toBeInstanceOf(AtlasResponseError);
    expect(error).toMatchObject({ status: 302, request });
    expect(error.message).toBe(
      'GET /api/atlas/v2/groups/x/clusters/y (HTTP 302): a redirect to https://elsewhere.example:8443/api/atlas/v2/groups/x/clusters/y, ' +
        'which is not followed: Atlas API calls are answered by the configured origin only',
    );
  });

  it.each([
    ['a query and a fragment', 'https://elsewhere.example/p?X-Amz-Signature=secret&token=t#frag', 'https://elsewhere.example/p'],
    ['user info', 'https://user:pass@elsewhere.example/p', 'https://elsewhere.example/p'],
    ['a relative Location, resolved against the origin', '/login?next=%2Fapi', 'https://cloud.mongodb.com/login'],
    ['a Location that is no URL', 'http://[bad/p?q=1', 'http://[bad/p'],
  ])('never shows %s', (_what, location, shown) => {
    expect(redirectTarget(location, ORIGIN)).toBe(shown);
    expect(redirectError(307, location, ORIGIN, request).message).not.toMatch(/secret|token=|pass|next=|q=1|frag/);
  });

  it('says so when there is no Location, and cuts a huge one short', () => {
    expect(redirectError(301, undefined, ORIGIN, request).message).toContain('a redirect without a Location, which is not followed');
    expect(redirectTarget(`/${'a'.repeat(5000)}`, ORIGIN)?.length).toBeLessThan(260);
  });

  it('is never retried; only a 303 (how a server answers a POST it processed) may have done something', () => {
    for (const status of [301, 302, 303, 307, 308]) expect(isRetryable({ kind: 'redirect', status })).toBe(false);
    expect([301, 302, 307, 308].map((status) => serverEffect({ kind: 'redirect', status }))).toEqual(['none', 'none', 'none', 'none']);
    expect(serverEffect({ kind: 'redirect', status: 303 })).toBe('unknown');
  });
});
