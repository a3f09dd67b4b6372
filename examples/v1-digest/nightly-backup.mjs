// An "existing codebase" from before 2023: a nightly job that saves the newest snapshot of
// an M2/M5 cluster through the Atlas Admin API v1.0, with digest auth of its own and
// Node's global `fetch`. Nothing here knows about atlas-snapshot-shim: see README.md for
// the one line that keeps it working after the tenant endpoints' sunset on 2026-01-22.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Finds the newest COMPLETED snapshot of the cluster, requests its download, polls the
 * restore job until the file is ready, and saves it.
 *
 * @param {object} input
 * @param {string} input.baseUrl Atlas origin, e.g. 'https://cloud.mongodb.com'.
 * @param {string} input.groupId The project id.
 * @param {string} input.clusterName The M2/M5 cluster.
 * @param {string} input.publicKey The programmatic API key's public half (the digest user).
 * @param {string} input.privateKey Its private half (the digest password).
 * @param {string} input.file Where to save the snapshot.
 * @param {number} [input.pollIntervalMs] Pause between two polls. Default 10000.
 * @returns {Promise<{ snapshotId: string, job: Record<string, unknown>, bytes: number }>}
 */
export async function backupNewestSnapshot({ baseUrl, groupId, clusterName, publicKey, privateKey, file, pollIntervalMs = 10_000 }) {
  const api = new DigestApi(baseUrl, publicKey, privateKey);
  const tenant = `/api/atlas/v1.0/groups/${groupId}/clusters/${clusterName}/backup/tenant`;
  const { results } = await api.call('GET', `${tenant}/snapshots`);
  const newest = results.find((snapshot) => snapshot.status === 'COMPLETED');
  if (!newest) throw new Error(`cluster ${clusterName} has no completed snapshot`);
  let job = await api.call('POST', `${tenant}/download`, { snapshotId: newest.id });
  while (job.status !== 'COMPLETED') {
    if (job.status === 'FAILED') throw new Error(`restore job ${job.id} FAILED`);
    await sleep(pollIntervalMs);
    job = await api.call('GET', `${tenant}/restores/${job.id}`);
  }
  const download = await fetch(job.snapshotUrl);
  if (!download.ok) throw new Error(`snapshot download answered HTTP ${download.status}`);
  const bytes = Buffer.from(await download.arrayBuffer());
  await writeFile(file, bytes);
  return { snapshotId: newest.id, job, bytes: bytes.length };
}

/** The v1.0 API with HTTP digest auth (RFC 2617, MD5, qop=auth), as the Atlas docs of the time showed with curl --digest. */
class DigestApi {
  #challenge;
  #count = 0;

  constructor(baseUrl, user, password) {
    this.baseUrl = baseUrl;
    this.user = user;
    this.password = password;
  }

  async call(method, path, body) {
    for (let attempt = 0; ; attempt += 1) {
      const headers = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (this.#challenge) headers.authorization = this.#sign(method, path);
      const response = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      if (response.status === 401 && attempt === 0) {
        this.#challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
        continue;
      }
      if (!response.ok) throw new Error(`${method} ${path} answered HTTP ${response.status}: ${text}`);
      return JSON.parse(text);
    }
  }

  #sign(method, uri) {
    const { realm, nonce, qop, opaque } = this.#challenge;
    const md5 = (text) => createHash('md5').update(text).digest('hex');
    const nc = (++this.#count).toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const response = md5(`${md5(`${this.user}:${realm}:${this.password}`)}:${nonce}:${nc}:${cnonce}:${qop}:${md5(`${method}:${uri}`)}`);
    const opaquePart = opaque ? `, opaque="${opaque}"` : '';
    return `Digest username="${this.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", qop=${qop}, nc=${nc}, cnonce="${cnonce}", response="${response}", algorithm=MD5${opaquePart}`;
  }
}

function parseChallenge(header) {
  const fields = Object.fromEntries([...header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map(([, key, quoted, bare]) => [key, quoted ?? bare]));
  return { realm: fields.realm, nonce: fields.nonce, qop: (fields.qop ?? 'auth').split(',')[0].trim(), opaque: fields.opaque };
}
