import { randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';

/** Credentials one simulator run accepts; fresh per start so no test can depend on fixed secrets. */
export interface SimulatorCredentials {
  readonly apiKey: { readonly publicKey: string; readonly privateKey: string };
  readonly serviceAccount: { readonly clientId: string; readonly clientSecret: string };
}

/** Compares a presented secret with the expected one in constant time (for equal lengths). */
export function secretsEqual(presented: string, expected: string): boolean {
  const left = Buffer.from(presented);
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Creates credentials shaped like Atlas's: an 8-letter public key, a UUID private key, `mdb_sa_` ids. */
export function createCredentials(): SimulatorCredentials {
  const letters = Array.from({ length: 8 }, () => String.fromCharCode(97 + randomInt(26))).join('');
  return {
    apiKey: { publicKey: letters, privateKey: randomUUID() },
    serviceAccount: {
      clientId: `mdb_sa_id_${randomBytes(12).toString('hex')}`,
      clientSecret: `mdb_sa_sk_${randomBytes(30).toString('base64url')}`,
    },
  };
}
