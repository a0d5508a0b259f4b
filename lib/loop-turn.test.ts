import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nextLoopTurn } from './loop-turn';

const opened: net.Socket[] = [];
const servers: net.Server[] = [];

afterEach(async () => {
  for (const socket of opened.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

describe('nextLoopTurn', () => {
  it('resolves after the loop has polled for I/O again, where one immediate does not', async () => {
    const trigger = await connectedPair();
    // Not read until resumed: its bytes wait in the kernel, sent before the trigger's, so surely there when it fires.
    const waiting = await connectedPair({ pauseOnConnect: true });
    waiting.client.write('waiting');
    const order: string[] = [];
    await new Promise<void>((done) => {
      // In a data callback the loop is running I/O callbacks; a socket it starts reading now is read at its next poll.
      trigger.accepted.once('data', () => {
        waiting.accepted.once('data', () => order.push('read at the next poll'));
        waiting.accepted.resume();
        setImmediate(() => order.push('one immediate'));
        void nextLoopTurn().then(() => {
          order.push('next loop turn');
          done();
        });
      });
      trigger.client.write('go');
    });
    expect(order).toEqual(['one immediate', 'read at the next poll', 'next loop turn']);
  });
});

async function connectedPair(options: net.ServerOpts = {}): Promise<{ client: net.Socket; accepted: net.Socket }> {
  const server = net.createServer(options);
  servers.push(server);
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const client = await connectTo((server.address() as net.AddressInfo).port);
  const socket = await accepted;
  opened.push(socket);
  return { client, accepted: socket };
}

function connectTo(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    opened.push(socket);
    socket.once('error', reject);
  });
}
