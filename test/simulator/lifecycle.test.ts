import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { SIMULATOR_ERROR_CODES, startAtlasSimulator } from '../../src/simulator/index.js';
import { CLUSTER_MEDIA_TYPE, FLEX_MEDIA_TYPE, post, startFixture } from './simulator-fixture.js';

function openSocket(url: string): Promise<Socket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

// Reads and discards whatever is left, since a socket only reports the peer's close once its data is consumed.
const closed = (socket: Socket): Promise<void> =>
  new Promise((resolve) => {
    socket.on('error', () => undefined);
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve()).resume();
  });

describe('stop()', () => {
  it('closes idle keep-alive, half-sent and mid-download sockets promptly', async () => {
    const fx = await startFixture({ jobDurationMs: 0, snapshotSizeBytes: 64 * 1024 * 1024 });
    const name = fx.sim.clusters.flex;
    const job = await post(fx.client, `${fx.group}/flexClusters/${name}/backup/download`, FLEX_MEDIA_TYPE, { snapshotId: fx.sim.snapshotIds(name)[0] });
    await fx.client.close();

    const idle = await openSocket(fx.sim.url);
    idle.write('GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await new Promise((resolve) => idle.once('data', resolve));
    const halfSent = await openSocket(fx.sim.url);
    halfSent.write('GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // A download whose reader stopped reading: the server is blocked on backpressure.
    const download = await openSocket(fx.sim.url);
    download.write(`GET ${new URL(job.json.snapshotUrl).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await new Promise((resolve) => download.once('data', resolve));
    download.pause();

    const started = Date.now();
    await fx.sim.stop();
    await Promise.all([closed(idle), closed(halfSent), closed(download)]);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(request(`${fx.sim.url}/nothing`)).rejects.toThrow();
  });

  it('is idempotent', async () => {
    const sim = await startAtlasSimulator();
    const first = sim.stop();
    const second = sim.stop();
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    await expect(sim.stop()).resolves.toBeUndefined();
  });
});

describe('quiet and robust', () => {
  it('writes nothing to stdout or stderr, even when answering a 500', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    let broken = false;
    const fx = await startFixture({ now: () => (broken ? new Date('broken') : new Date('2025-10-01T00:00:00Z')) });
    try {
      const path = `${fx.group}/clusters/${fx.sim.clusters.shared}`;
      expect((await fx.client.send('GET', path, { accept: CLUSTER_MEDIA_TYPE })).status).toBe(200);
      broken = true;
      const failure = await fx.client.send('GET', path, { accept: CLUSTER_MEDIA_TYPE });
      expect(failure.status).toBe(500);
      expect(failure.json).toMatchObject({ error: 500, errorCode: SIMULATOR_ERROR_CODES.unexpectedError });
      const garbage = await openSocket(fx.sim.url);
      garbage.write('NOT HTTP\r\n\r\n');
      await closed(garbage);
      expect(stdout).not.toHaveBeenCalled();
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      await fx.close();
    }
  });

  it('keeps the request log as a copy, and clears it on demand', async () => {
    const fx = await startFixture();
    await fx.client.send('GET', `${fx.group}/clusters/${fx.sim.clusters.shared}`, { accept: CLUSTER_MEDIA_TYPE });
    const log = fx.sim.requests;
    expect(log).toHaveLength(2);
    (log as unknown[]).length = 0;
    expect(fx.sim.requests).toHaveLength(2);
    fx.sim.clearRequests();
    expect(fx.sim.requests).toHaveLength(0);
    await fx.close();
  });
});
