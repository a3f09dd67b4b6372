import { describe, expect, it } from 'vitest';
import {
  computeDigestResponse,
  formatDigestAuthorization,
  parseDigestAuthorization,
  parseDigestChallenge,
} from '../../src/auth/digest.js';

// RFC 7616 §3.9.1, the worked example: same request, MD5 and SHA-256.
const rfc = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  method: 'GET',
  uri: '/dir/index.html',
  qop: 'auth' as const,
  nc: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

describe('computeDigestResponse (RFC 7616 §3.9.1)', () => {
  it('matches the MD5 example', () => {
    expect(computeDigestResponse({ ...rfc, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });
  it('matches the SHA-256 example', () => {
    expect(computeDigestResponse({ ...rfc, algorithm: 'SHA-256' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });
  it('matches RFC 2617 §3.5 (MD5, qop=auth)', () => {
    expect(
      computeDigestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        password: 'Circle Of Life',
        realm: 'testrealm@host.com',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        method: 'GET',
        uri: '/dir/index.html',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });
  it('differs for -sess variants', () => {
    expect(computeDigestResponse({ ...rfc, algorithm: 'MD5-sess' })).not.toBe(
      computeDigestResponse({ ...rfc, algorithm: 'MD5' }),
    );
  });
});

describe('parseDigestChallenge', () => {
  const challenge =
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';

  it('reads the RFC example challenge', () => {
    expect(parseDigestChallenge(challenge)).toEqual({
      realm: 'http-auth@example.org',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
      algorithm: 'SHA-256',
      qop: ['auth', 'auth-int'],
      stale: false,
    });
  });
  it('defaults to MD5, reads stale, and picks the strongest of several', () => {
    const md5 = 'Digest realm="r", nonce="n1", qop="auth", stale=TRUE';
    expect(parseDigestChallenge(md5)).toMatchObject({ algorithm: 'MD5', stale: true });
    expect(parseDigestChallenge([md5, challenge])?.algorithm).toBe('SHA-256');
  });
  it('ignores other schemes, unknown algorithms and missing nonces', () => {
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseDigestChallenge('Digest realm="x", nonce="n", algorithm=SHA-1')).toBeUndefined();
    expect(parseDigestChallenge('Digest realm="x"')).toBeUndefined();
    expect(parseDigestChallenge(undefined)).toBeUndefined();
  });
  it('keeps escaped quotes and commas inside quoted values', () => {
    expect(parseDigestChallenge('Digest realm="a \\"b\\", c", nonce="n"')?.realm).toBe('a "b", c');
  });
});

describe('formatDigestAuthorization', () => {
  it('produces a header whose parsed response verifies', () => {
    const parsed = parseDigestChallenge(
      'Digest realm="http-auth@example.org", qop="auth", algorithm=SHA-256, nonce="abc", opaque="op"',
    );
    const header = formatDigestAuthorization(parsed!, {
      username: 'u"ser',
      password: 'pw',
      method: 'post',
      uri: '/a?b=1',
      nc: 26,
      cnonce: 'cn',
    });
    const fields = parseDigestAuthorization(header)!;
    expect(fields).toMatchObject({ username: 'u"ser', nc: '0000001a', qop: 'auth', opaque: 'op', uri: '/a?b=1' });
    expect(fields.response).toBe(
      computeDigestResponse({
        algorithm: 'SHA-256',
        username: 'u"ser',
        password: 'pw',
        realm: 'http-auth@example.org',
        nonce: 'abc',
        method: 'POST',
        uri: '/a?b=1',
        qop: 'auth',
        nc: '0000001a',
        cnonce: 'cn',
      }),
    );
    expect(header).not.toContain('pw');
  });
});
