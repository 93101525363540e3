// web/e2ee-client.js against an in-memory fake of the server's key directory and to_device relay
// (PROTOCOL.md section 6): several users and devices share sender keys, ask for missing ones and
// answer each other, with no real server.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadWeb } from './load.mjs';

const { E2eeClient } = await loadWeb('e2ee-client.js');
const e = await loadWeb('e2ee.js');

class FakeServer {
  constructor() {
    this.keys = new Map(); // user -> Map(device -> {identity_key, signing_key, signed_prekey, otks})
    this.rooms = new Map(); // room -> Set(user)
    this.clients = new Map(); // "user|device" -> {client, online}
    this.waiting = new Map(); // "user|device" -> Map(id -> frame) not yet acked
    this.frames = []; // every client -> server frame: [from, frame]
    this.next = 0;
  }

  devicesOf(user, claim) {
    const m = this.keys.get(user) || new Map();
    return [...m.entries()].map(([device_id, k]) => {
      const d = { device_id, identity_key: k.identity_key, signing_key: k.signing_key, signed_prekey: k.signed_prekey };
      if (claim) d.one_time_prekey = k.otks.shift() || null;
      return d;
    });
  }

  api(user, device) {
    const member = (room) => {
      if (!this.rooms.get(room)?.has(user)) throw Object.assign(new Error('forbidden'), { status: 403 });
    };
    return {
      uploadKeys: async (body) => {
        assert.equal(body.device_id, device);
        const m = this.keys.get(user) || new Map();
        this.keys.set(user, m);
        const old = m.get(device);
        m.set(device, { identity_key: body.identity_key, signing_key: body.signing_key, signed_prekey: body.signed_prekey,
          otks: [...(old && old.identity_key === body.identity_key ? old.otks : []), ...body.one_time_prekeys] });
      },
      keysOf: async (u) => ({ user_id: u, devices: this.devicesOf(u, false) }),
      claimKeys: async (u) => ({ user_id: u, devices: this.devicesOf(u, true) }),
      keyCount: async (d) => ({ count: this.keys.get(user)?.get(d)?.otks.length ?? 0 }),
      roomInfo: async (room) => {
        member(room);
        return { room_id: room, members: [...this.rooms.get(room)].map((u) => ({ user_id: u, role: 'member' })) };
      },
    };
  }

  /** A client of (user, device); online unless told. */
  client(user, device, { online = true, storage = new e.MemoryStorage() } = {}) {
    const who = `${user}|${device}`;
    const entry = { online, got: [], keys: [], notices: [] };
    entry.client = new E2eeClient({
      api: this.api(user, device),
      send: (frame) => this.onClientFrame(who, user, device, frame),
      storage, me: user, deviceId: device,
      onRoomKey: (...k) => entry.keys.push(k),
      notice: (t) => entry.notices.push(t),
    });
    this.clients.set(who, entry);
    return entry;
  }

  deliver(who, frame) {
    const c = this.clients.get(who);
    if (c?.online) setImmediate(() => { c.got.push(frame); c.client.onFrame(frame); });
  }

  /** A device comes online: what waits for it is delivered (PROTOCOL.md: "on its next connection"). */
  connect(who) {
    this.clients.get(who).online = true;
    for (const f of this.waiting.get(who)?.values() || []) this.deliver(who, f);
  }

  onClientFrame(who, user, device, frame) {
    this.frames.push([who, JSON.parse(JSON.stringify(frame))]);
    if (frame.type === 'to_device_ack') {
      this.waiting.get(who)?.delete(frame.id);
      return true;
    }
    if (frame.type !== 'to_device') return true;
    const ms = frame.messages;
    const bad = ms.length === 0 || ms.length > 100 || ms.some((m) => !this.keys.get(m.user_id)?.has(m.device_id));
    if (bad) {
      this.deliver(who, { type: 'error', code: ms.length > 100 ? 'bad_request' : 'not_found', message: 'no', ref: frame.ref });
      return true;
    }
    for (const m of ms) {
      const target = `${m.user_id}|${m.device_id}`;
      const f = { type: 'to_device', id: 'td' + ++this.next, sender_id: user, sender_device_id: device, ciphertext: m.ciphertext };
      if (!this.waiting.has(target)) this.waiting.set(target, new Map());
      this.waiting.get(target).set(f.id, f);
      this.deliver(target, f);
    }
    this.deliver(who, { type: 'to_device_sent', client_msg_id: frame.client_msg_id });
    return true;
  }

  unacked() {
    return [...this.waiting.entries()].filter(([who, m]) => m.size && this.clients.get(who)?.online).map(([who]) => who);
  }
}

async function until(cond, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function world() {
  const s = new FakeServer();
  s.rooms.set('R', new Set(['alice', 'bob']));
  const a1 = s.client('alice', 'a1');
  const a2 = s.client('alice', 'a2');
  const b1 = s.client('bob', 'b1');
  const b2 = s.client('bob', 'b2');
  await Promise.all([a1, a2, b1, b2].map((c) => c.client.start()));
  return { s, a1, a2, b1, b2 };
}

test('start uploads 20 one-time prekeys once, and tops up below 5', async () => {
  const s = new FakeServer();
  const storage = new e.MemoryStorage();
  const a = s.client('alice', 'a1', { storage });
  await a.client.start();
  assert.equal(s.keys.get('alice').get('a1').otks.length, 20);
  assert.equal(await e.verifySignedPrekey(s.devicesOf('alice')[0]), true);
  // claims use 16 of them; a new start (a reload) finds 4 and uploads 16 new ones
  for (let i = 0; i < 16; i++) s.devicesOf('alice', true);
  const again = s.client('alice', 'a1', { storage });
  await again.client.start();
  const otks = s.keys.get('alice').get('a1').otks;
  assert.equal(otks.length, 20);
  assert.equal(new Set(otks.map((o) => o.key_id)).size, 20);
  assert.equal(s.frames.length, 0);
});

test('a send shares the sender key with every other device of every member, then decrypts everywhere', async () => {
  const { s, a1, a2, b1, b2 } = await world();
  const ct = await a1.client.encryptForRoom('R', 'hello bob');
  const env = JSON.parse(Buffer.from(ct, 'base64').toString());
  assert.equal(env.d, 'a1');
  const tds = s.frames.filter(([, f]) => f.type === 'to_device');
  assert.equal(tds.length, 1);
  assert.deepEqual(tds[0][1].messages.map((m) => `${m.user_id}|${m.device_id}`).sort(), ['alice|a2', 'bob|b1', 'bob|b2']);
  await until(() => b1.keys.length && b2.keys.length && a2.keys.length, 'the room keys');
  for (const c of [a1, a2, b1, b2]) assert.deepEqual(await c.client.decryptMessage('R', 'alice', ct), { body: 'hello bob' });
  await until(() => s.unacked().length === 0, 'every to_device acked');
  // a second send shares nothing again
  const ct2 = await a1.client.encryptForRoom('R', 'again');
  assert.equal(s.frames.filter(([, f]) => f.type === 'to_device').length, 1);
  assert.deepEqual(await b2.client.decryptMessage('R', 'alice', ct2), { body: 'again' });
  // the same to_device id again is only acked
  const before = b1.keys.length;
  const acks = s.frames.filter(([w, f]) => w === 'bob|b1' && f.type === 'to_device_ack').length;
  b1.client.onFrame(b1.got.find((f) => f.type === 'to_device'));
  await until(() => s.frames.filter(([w, f]) => w === 'bob|b1' && f.type === 'to_device_ack').length === acks + 1, 'the ack again');
  assert.equal(b1.keys.length, before);
});

test('a device without the key asks the owner and its own devices; the owner answers a member', async () => {
  const { s, a1 } = await world();
  const ct = await a1.client.encryptForRoom('R', 'before b3');
  const b3 = s.client('bob', 'b3');
  await b3.client.start();
  const first = await b3.client.decryptMessage('R', 'alice', ct);
  assert.ok(first.waiting, 'waiting for the key');
  await until(() => b3.keys.length === 1, 'the answered key');
  assert.deepEqual(await b3.client.decryptMessage('R', 'alice', ct), { body: 'before b3' });
  const req = s.frames.find(([w, f]) => w === 'bob|b3' && f.type === 'to_device');
  assert.deepEqual(req[1].messages.map((m) => `${m.user_id}|${m.device_id}`).sort(), ['alice|a1', 'bob|b1', 'bob|b2']);
  await until(() => s.unacked().length === 0, 'every to_device acked');
});

test('my own device forwards a key it holds when the owner is away', async () => {
  const { s, a1 } = await world();
  const ct = await a1.client.encryptForRoom('R', 'forwarded');
  s.clients.get('alice|a1').online = false;
  const b3 = s.client('bob', 'b3');
  await b3.client.start();
  assert.ok((await b3.client.decryptMessage('R', 'alice', ct)).waiting);
  await until(() => b3.keys.length >= 1, 'a forwarded key');
  assert.deepEqual(await b3.client.decryptMessage('R', 'alice', ct), { body: 'forwarded' });
  const answers = s.frames.filter(([w, f]) => (w === 'bob|b1' || w === 'bob|b2') && f.type === 'to_device');
  assert.ok(answers.length >= 1);
});

test('no key for a non-member, nor from a device that is not the owner and not mine', async () => {
  const { s, a1, b1 } = await world();
  const ct = await a1.client.encryptForRoom('R', 'members only');
  const carol = s.client('carol', 'c1');
  await carol.client.start();
  assert.ok((await carol.client.decryptMessage('R', 'alice', ct)).waiting);
  await until(() => s.unacked().length === 0, 'the request handled');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(s.frames.filter(([w, f]) => w === 'alice|a1' && f.type === 'to_device').length, 1, 'only the first share');
  assert.deepEqual(carol.keys, []);
  // bob's b1 holds alice's key but carol is not bob: b1 does not forward, and a room_key from b1
  // naming alice as owner is not taken by carol
  const sk = a1.client.store.currentSenderKey('R');
  const claim = await s.api('bob', 'b1').claimKeys('carol');
  const forged = await b1.client.encryptTo('carol', claim.devices, e.roomKeyPayload('R', 'alice', 'a1', sk.key_id, sk.key));
  await b1.client.sendToDevice(forged);
  await until(() => s.unacked().length === 0, 'the forged key handled');
  assert.deepEqual(carol.keys, []);
  assert.ok((await carol.client.decryptMessage('R', 'alice', ct)).waiting);
});

test('after a member leaves, the next send uses a new key the leaver does not get', async () => {
  const { s, a1 } = await world();
  s.rooms.get('R').add('carol');
  const carol = s.client('carol', 'c1');
  await carol.client.start();
  await a1.client.encryptForRoom('R', 'with carol');
  await until(() => carol.keys.length === 1, 'carol has the first key');
  s.rooms.get('R').delete('carol');
  const ct = await a1.client.encryptForRoom('R', 'without carol');
  await until(() => s.unacked().length === 0, 'all handled');
  assert.equal(carol.keys.length, 1);
  assert.notEqual(JSON.parse(Buffer.from(ct, 'base64').toString()).k, carol.keys[0][3]);
});

test('an undecryptable to_device is acked and dropped; a to_device error rejects the share', async () => {
  const { s, a1, b1 } = await world();
  s.deliver('bob|b1', { type: 'to_device', id: 'junk', sender_id: 'alice', sender_device_id: 'a1', ciphertext: 'AAAA' });
  await until(() => s.frames.some(([w, f]) => w === 'bob|b1' && f.type === 'to_device_ack' && f.id === 'junk'), 'the junk acked');
  assert.ok(b1.notices.some((n) => /Undecryptable/.test(n)));
  // a member whose device is listed but unknown to the relay: the whole frame is not_found
  s.keys.get('bob').set('ghost', { ...s.keys.get('bob').get('b1'), otks: [] });
  const realDeliver = s.onClientFrame.bind(s);
  s.onClientFrame = (who, user, device, frame) => {
    if (frame.type === 'to_device') {
      s.deliver(who, { type: 'error', code: 'not_found', message: 'no such device', ref: frame.ref });
      return true;
    }
    return realDeliver(who, user, device, frame);
  };
  await assert.rejects(a1.client.encryptForRoom('R', 'x'), { reason: 'not_found' });
  // nothing was marked shared: a later send tries those devices again
  assert.equal(a1.client.store.isShared('R', a1.client.store.currentSenderKey('R').key_id, 'bob', 'b1'), false);
});
