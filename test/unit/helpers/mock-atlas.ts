import { MockAgent } from 'undici';

/**
 * An undici MockAgent for `origin` that refuses the network, whose service-account token
 * endpoint answers every request with the token `tok-1`: a test then intercepts only the
 * Atlas calls it is about. Close it after the test.
 */
export function mockAtlasWithToken(origin: string): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agent
    .get(origin)
    .intercept({ path: '/api/oauth/token', method: 'POST' })
    .reply(200, { access_token: 'tok-1', token_type: 'Bearer', expires_in: 3600 }, { headers: { 'content-type': 'application/json' } })
    .persist();
  return agent;
}
