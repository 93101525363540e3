// Unit tests of web/e2ee.js (docs/e2ee.md) on Node 20's WebCrypto: node --test edge-jetty/src/test/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadWeb, DOCS } from './load.mjs';

const e = await loadWeb('e2ee.js');

/** A device as POST /v1/keys/claim lists it, from its keys (one one-time prekey or none). */
function claimed(keys, otkId) {
  const up = e.uploadBody(keys);
  const otk = otkId ? up.one_time_prekeys.find((o) => o.key_id === otkId) : null;
  return { device_id: up.device_id, identity_key: up.identity_key, signing_key: up.signing_key, signed_prekey: up.signed_prekey, one_time_prekey: otk };
}

async function pair() {
  const alice = await e.generateDeviceKeys('alice', 'web-a', 3);
  const bob = await e.generateDeviceKeys('bob', 'web-b', 3);
  return { alice, bob };
}

const from = (alice) => ({ senderUser: 'alice', senderDevice: alice.device_id, senderIdentity: alice.identity, targetUser: 'bob' });
const at = (bob, alice) => ({ keys: bob, senderUser: 'alice', senderDevice: alice.device_id, senderIdentityKey: alice.identity.public });
const decodeEnvelope = (ct) => JSON.parse(Buffer.from(ct, 'base64').toString('utf8'));
const encodeEnvelope = (env) => Buffer.from(JSON.stringify(env)).toString('base64');
const payload = { type: 'room_key', room_id: 'r1', owner_user_id: 'alice', owner_device_id: 'web-a', key_id: '0011223344556677', key: 'x' };

test('base64 is the standard alphabet with padding, and round trips', () => {
  const bytes = new Uint8Array([0xfb, 0xff, 0xfe, 0x01]);
  assert.equal(e.b64encode(bytes), '+//+AQ==');
  assert.deepEqual([...e.b64decode('+//+AQ==')], [...bytes]);
  assert.throws(() => e.b64decode('-__-AQ'), { reason: 'bad_base64' });
});

test('device keys: 32-byte raw publics, a verifiable signed prekey, the PUT /v1/keys body', async () => {
  const k = await e.generateDeviceKeys('alice', 'web-a', 20);
  const up = e.uploadBody(k);
  assert.deepEqual(Object.keys(up), ['device_id', 'identity_key', 'signing_key', 'signed_prekey', 'one_time_prekeys']);
  assert.equal(up.device_id, 'web-a');
  for (const b of [up.identity_key, up.signing_key, up.signed_prekey.public_key]) assert.equal(e.b64decode(b).length, 32);
  assert.equal(up.signed_prekey.key_id, 's1');
  assert.equal(e.b64decode(up.signed_prekey.signature).length, 64);
  assert.equal(up.one_time_prekeys.length, 20);
  assert.deepEqual(up.one_time_prekeys.slice(0, 3).map((o) => o.key_id), ['o1', 'o2', 'o3']);
  assert.equal(await e.verifySignedPrekey(up), true);
  assert.equal(await e.x25519PublicOf(k.identity.private_pkcs8), k.identity.public);
  // a top-up lists only the new ones
  const ids = await e.addOneTimePrekeys(k, 2);
  assert.deepEqual(ids, ['o21', 'o22']);
  assert.deepEqual(e.uploadBody(k, ids).one_time_prekeys.map((o) => o.key_id), ['o21', 'o22']);
});

test('pairwise round trip with a one-time prekey; the envelope fields in the documented order', async () => {
  const { alice, bob } = await pair();
  const ct = await e.encryptPairwise({ ...from(alice), target: claimed(bob, 'o2') }, payload);
  const env = decodeEnvelope(ct);
  assert.deepEqual(Object.keys(env), ['v', 'alg', 'ik', 'ek', 'spk', 'otk', 'iv', 'ct']);
  assert.equal(env.v, 1);
  assert.equal(env.alg, 'x3dh-aes256gcm');
  assert.equal(env.ik, alice.identity.public);
  assert.equal(env.spk, 's1');
  assert.equal(env.otk, 'o2');
  assert.equal(e.b64decode(env.iv).length, 12);
  const out = await e.decryptPairwise(at(bob, alice), ct);
  assert.deepEqual(out.payload, payload);
  assert.equal(out.otk, 'o2');
});

test('pairwise round trip without a one-time prekey (otk null)', async () => {
  const { alice, bob } = await pair();
  const ct = await e.encryptPairwise({ ...from(alice), target: claimed(bob, null) }, payload);
  assert.equal(decodeEnvelope(ct).otk, null);
  const out = await e.decryptPairwise(at(bob, alice), ct);
  assert.deepEqual(out.payload, payload);
  assert.equal(out.otk, null);
});

test('pairwise: a used (deleted) one-time prekey cannot decrypt again', async () => {
  const { alice, bob } = await pair();
  const ct = await e.encryptPairwise({ ...from(alice), target: claimed(bob, 'o1') }, payload);
  await e.decryptPairwise(at(bob, alice), ct);
  delete bob.one_time_prekeys.o1;
  await assert.rejects(e.decryptPairwise(at(bob, alice), ct), { reason: 'unknown_prekey' });
});

test('pairwise: a tampered ciphertext, iv or ephemeral key is rejected', async () => {
  const { alice, bob } = await pair();
  const ct = await e.encryptPairwise({ ...from(alice), target: claimed(bob, 'o1') }, payload);
  const env = decodeEnvelope(ct);
  const flip = (b64) => {
    const u = Buffer.from(b64, 'base64');
    u[0] ^= 1;
    return u.toString('base64');
  };
  await assert.rejects(e.decryptPairwise(at(bob, alice), encodeEnvelope({ ...env, ct: flip(env.ct) })), { reason: 'decrypt_failed' });
  await assert.rejects(e.decryptPairwise(at(bob, alice), encodeEnvelope({ ...env, iv: flip(env.iv) })), { reason: 'decrypt_failed' });
  const other = await e.generateX25519();
  await assert.rejects(e.decryptPairwise(at(bob, alice), encodeEnvelope({ ...env, ek: other.public })), { reason: 'decrypt_failed' });
  // claiming no one-time prekey when one was used changes the key
  await assert.rejects(e.decryptPairwise(at(bob, alice), encodeEnvelope({ ...env, otk: null })), { reason: 'decrypt_failed' });
  await assert.rejects(e.decryptPairwise(at(bob, alice), encodeEnvelope({ ...env, alg: 'other' })), { reason: 'bad_envelope' });
  await assert.rejects(e.decryptPairwise(at(bob, alice), 'not base64!'), { reason: 'bad_envelope' });
});

test('pairwise: the AAD binds sender and target (user and device)', async () => {
  const { alice, bob } = await pair();
  const ct = await e.encryptPairwise({ ...from(alice), target: claimed(bob, 'o1') }, payload);
  // the server asserts another sender device, with the same identity key listed
  await assert.rejects(e.decryptPairwise({ ...at(bob, alice), senderDevice: 'web-x' }, ct), { reason: 'decrypt_failed' });
  await assert.rejects(e.decryptPairwise({ ...at(bob, alice), senderUser: 'mallory' }, ct), { reason: 'decrypt_failed' });
  // addressed to bob's device web-b: another device of bob holding the same keys cannot take it
  await assert.rejects(e.decryptPairwise({ ...at({ ...bob, device_id: 'web-c' }, alice) }, ct), { reason: 'decrypt_failed' });
  await assert.rejects(e.decryptPairwise({ ...at({ ...bob, user_id: 'bobby' }, alice) }, ct), { reason: 'decrypt_failed' });
});

test('pairwise: an identity key other than the directory lists is rejected', async () => {
  const { alice, bob } = await pair();
  const ct = await e.encryptPairwise({ ...from(alice), target: claimed(bob, 'o1') }, payload);
  const mallory = await e.generateX25519();
  await assert.rejects(e.decryptPairwise({ ...at(bob, alice), senderIdentityKey: mallory.public }, ct), { reason: 'wrong_identity' });
  await assert.rejects(e.decryptPairwise({ ...at(bob, alice), senderIdentityKey: undefined }, ct), { reason: 'wrong_identity' });
  // an envelope that swaps in mallory's ik (listed as alice's) does not decrypt: DH1 differs
  const env = decodeEnvelope(ct);
  await assert.rejects(e.decryptPairwise({ ...at(bob, alice), senderIdentityKey: mallory.public },
    encodeEnvelope({ ...env, ik: mallory.public })), { reason: 'decrypt_failed' });
});

test('pairwise: a bad signed-prekey signature is refused before encrypting', async () => {
  const { alice, bob } = await pair();
  const target = claimed(bob, 'o1');
  const other = await e.generateX25519();
  const swapped = { ...target, signed_prekey: { ...target.signed_prekey, public_key: other.public } };
  assert.equal(await e.verifySignedPrekey(swapped), false);
  await assert.rejects(e.encryptPairwise({ ...from(alice), target: swapped }, payload), { reason: 'bad_signature' });
  const mallory = await e.generateEd25519();
  const resigned = { ...target, signing_key: mallory.public };
  await assert.rejects(e.encryptPairwise({ ...from(alice), target: resigned }, payload), { reason: 'bad_signature' });
  const garbage = { ...target, signed_prekey: { ...target.signed_prekey, signature: 'AAAA' } };
  await assert.rejects(e.encryptPairwise({ ...from(alice), target: garbage }, payload), { reason: 'bad_signature' });
});

test('room message round trip; envelope order; wrong AAD, key or tampering rejected', async () => {
  const sk = e.newSenderKey();
  assert.match(sk.key_id, /^[0-9a-f]{16}$/);
  assert.equal(e.b64decode(sk.key).length, 32);
  const o = { roomId: 'room1', senderUser: 'alice', senderDevice: 'web-a', keyId: sk.key_id, key: sk.key };
  const ct = await e.encryptRoom(o, 'hello ✓ world');
  const env = decodeEnvelope(ct);
  assert.deepEqual(Object.keys(env), ['v', 'alg', 'd', 'k', 'iv', 'ct']);
  assert.deepEqual([env.v, env.alg, env.d, env.k], [1, 'sk-aes256gcm', 'web-a', sk.key_id]);
  assert.deepEqual(e.parseRoom(ct).k, sk.key_id);
  assert.equal(await e.decryptRoom({ roomId: 'room1', senderUser: 'alice', key: sk.key }, ct), 'hello ✓ world');
  // wrong AAD: another room, another sender, another device or key id in the envelope
  await assert.rejects(e.decryptRoom({ roomId: 'room2', senderUser: 'alice', key: sk.key }, ct), { reason: 'decrypt_failed' });
  await assert.rejects(e.decryptRoom({ roomId: 'room1', senderUser: 'bob', key: sk.key }, ct), { reason: 'decrypt_failed' });
  await assert.rejects(e.decryptRoom({ roomId: 'room1', senderUser: 'alice', key: sk.key }, encodeEnvelope({ ...env, d: 'web-z' })), { reason: 'decrypt_failed' });
  await assert.rejects(e.decryptRoom({ roomId: 'room1', senderUser: 'alice', key: sk.key }, encodeEnvelope({ ...env, k: '0000000000000000' })), { reason: 'decrypt_failed' });
  await assert.rejects(e.decryptRoom({ roomId: 'room1', senderUser: 'alice', key: e.newSenderKey().key }, ct), { reason: 'decrypt_failed' });
  const tampered = Buffer.from(env.ct, 'base64');
  tampered[tampered.length - 1] ^= 0x80;
  await assert.rejects(e.decryptRoom({ roomId: 'room1', senderUser: 'alice', key: sk.key }, encodeEnvelope({ ...env, ct: tampered.toString('base64') })), { reason: 'decrypt_failed' });
});

test('room plaintext is UTF-8 JSON {"body": text}', async () => {
  const sk = e.newSenderKey();
  const ct = await e.encryptRoom({ roomId: 'r', senderUser: 'u', senderDevice: 'd', keyId: sk.key_id, key: sk.key }, 'x"y');
  const env = decodeEnvelope(ct);
  const key = await crypto.subtle.importKey('raw', e.b64decode(sk.key), 'AES-GCM', false, ['decrypt']);
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: e.b64decode(env.iv), additionalData: new TextEncoder().encode(`r|u|d|${sk.key_id}`) }, key, e.b64decode(env.ct));
  assert.equal(new TextDecoder().decode(pt), '{"body":"x\\"y"}');
});

test('payloads carry their fields in the documented order; room_key acceptance', () => {
  const rk = e.roomKeyPayload('r', 'alice', 'web-a', 'k1', 'KEY');
  assert.deepEqual(Object.keys(rk), ['type', 'room_id', 'owner_user_id', 'owner_device_id', 'key_id', 'key']);
  const kr = e.keyRequestPayload('r', 'alice', 'web-a', 'k1');
  assert.deepEqual(Object.keys(kr), ['type', 'room_id', 'owner_user_id', 'owner_device_id', 'key_id']);
  assert.equal(kr.type, 'key_request');
  assert.equal(e.roomKeyAccepted(rk, 'alice', 'web-a', 'bob'), true); // from the owner
  assert.equal(e.roomKeyAccepted(rk, 'bob', 'web-b2', 'bob'), true); // a forward by my own device
  assert.equal(e.roomKeyAccepted(rk, 'alice', 'web-other', 'bob'), false); // the owner's user, another device
  assert.equal(e.roomKeyAccepted(rk, 'carol', 'web-c', 'bob'), false);
});

test('DeviceStore persists keys, sender keys, received keys and handled ids per user and device', async () => {
  const storage = new e.MemoryStorage();
  const s = new e.DeviceStore(storage, 'alice', 'web-a');
  const keys = await s.ensureKeys();
  assert.equal(Object.keys(keys.one_time_prekeys).length, 20);
  const sk = s.newSenderKey('r1');
  s.markShared('r1', sk.key_id, 'bob', 'web-b');
  s.addRoomKey('r1', 'bob', 'web-b', 'kb', 'KB');
  s.markHandled('td-1');
  s.dropOneTimePrekey('o1');
  s.save();
  const again = new e.DeviceStore(storage, 'alice', 'web-a');
  assert.equal(again.keys.identity.private_pkcs8, keys.identity.private_pkcs8);
  assert.equal((await again.ensureKeys()).identity.public, keys.identity.public);
  assert.equal(again.currentSenderKey('r1').key, sk.key);
  assert.equal(again.isShared('r1', sk.key_id, 'bob', 'web-b'), true);
  assert.equal(again.isShared('r1', sk.key_id, 'bob', 'web-c'), false);
  assert.equal(again.roomKey('r1', 'alice', 'web-a', sk.key_id), sk.key); // my own key decrypts my messages
  assert.equal(again.roomKey('r1', 'bob', 'web-b', 'kb'), 'KB');
  assert.equal(again.handled('td-1'), true);
  assert.equal(again.keys.one_time_prekeys.o1, undefined);
  // another device of the same user starts from nothing
  assert.equal(new e.DeviceStore(storage, 'alice', 'web-z').keys, null);
});

// ---------- interoperability with the Java implementation ----------

const javaVectors = new URL('e2ee-vectors.json', DOCS);
const jsVectors = new URL('e2ee-vectors-js.json', DOCS);

/** Decrypts a vectors file (docs/e2ee-vectors*.json) and checks the expected plaintexts. */
async function checkVectors(v) {
  const r = v.recipient;
  const keys = {
    user_id: r.user_id,
    device_id: r.device_id,
    identity: { public: r.ik_public, private_pkcs8: r.ik_private_pkcs8 },
    signed_prekey: { key_id: r.spk_key_id, public: r.spk_public, private_pkcs8: r.spk_private_pkcs8 },
    one_time_prekeys: r.otk_key_id ? { [r.otk_key_id]: { public: r.otk_public, private_pkcs8: r.otk_private_pkcs8 } } : {},
  };
  // the private keys are the publics' (catches a PKCS8 the other side encodes differently)
  assert.equal(await e.x25519PublicOf(r.ik_private_pkcs8), r.ik_public);
  assert.equal(await e.x25519PublicOf(r.spk_private_pkcs8), r.spk_public);
  if (r.otk_private_pkcs8) assert.equal(await e.x25519PublicOf(r.otk_private_pkcs8), r.otk_public);
  const out = await e.decryptPairwise({ keys, senderUser: v.sender.user_id, senderDevice: v.sender.device_id, senderIdentityKey: v.sender.ik_public }, v.pairwise.ciphertext);
  const expected = typeof v.pairwise.payload === 'string' ? JSON.parse(v.pairwise.payload) : v.pairwise.payload;
  assert.deepEqual(out.payload, expected);
  const body = await e.decryptRoom({ roomId: v.room.room_id, senderUser: v.room.sender_user, key: v.room.key }, v.room.ciphertext);
  assert.equal(e.parseRoom(v.room.ciphertext).d, v.room.sender_device);
  assert.equal(e.parseRoom(v.room.ciphertext).k, v.room.key_id);
  assert.equal(body, v.room.body);
}

test('docs/e2ee-vectors.json (written by the Java side, E2eeTest) decrypts', async () => {
  await checkVectors(JSON.parse(readFileSync(fileURLToPath(javaVectors), 'utf8')));
});

test('docs/e2ee-vectors-js.json (written by write-vectors.mjs) decrypts', async () => {
  await checkVectors(JSON.parse(readFileSync(fileURLToPath(jsVectors), 'utf8')));
});

// ---------- the scheme checked byte for byte with another implementation (node:crypto) ----------

import nodeCrypto from 'node:crypto';

const priv = (pkcs8) => nodeCrypto.createPrivateKey({ key: Buffer.from(pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
const pubX = (raw) => nodeCrypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw, 'base64').toString('base64url') }, format: 'jwk' });
const nodeDh = (p, q) => nodeCrypto.diffieHellman({ privateKey: priv(p), publicKey: pubX(q) });
function gcmOpen(key, iv, aad, ctAndTag) {
  const d = nodeCrypto.createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(ctAndTag.subarray(ctAndTag.length - 16));
  return Buffer.concat([d.update(ctAndTag.subarray(0, ctAndTag.length - 16)), d.final()]).toString('utf8');
}

test('node:crypto, following docs/e2ee.md step by step, reads what e2ee.js writes', async () => {
  const { alice, bob } = await pair();
  for (const otkId of ['o3', null]) {
    const env = decodeEnvelope(await e.encryptPairwise({ ...from(alice), target: claimed(bob, otkId) }, payload));
    const parts = [Buffer.alloc(32, 0xff),
      nodeDh(bob.signed_prekey.private_pkcs8, env.ik),
      nodeDh(bob.identity.private_pkcs8, env.ek),
      nodeDh(bob.signed_prekey.private_pkcs8, env.ek)];
    if (otkId) parts.push(nodeDh(bob.one_time_prekeys[otkId].private_pkcs8, env.ek));
    const key = Buffer.from(nodeCrypto.hkdfSync('sha256', Buffer.concat(parts), Buffer.alloc(32), Buffer.from('parley-x3dh-v1'), 32));
    const text = gcmOpen(key, Buffer.from(env.iv, 'base64'), 'alice|web-a|bob|web-b', Buffer.from(env.ct, 'base64'));
    assert.equal(text, JSON.stringify(payload));
  }
  // the signature is Ed25519 over the 32 raw bytes of the signed prekey
  const up = e.uploadBody(bob);
  const spki = nodeCrypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(up.signing_key, 'base64').toString('base64url') }, format: 'jwk' });
  assert.equal(nodeCrypto.verify(null, Buffer.from(up.signed_prekey.public_key, 'base64'), spki, Buffer.from(up.signed_prekey.signature, 'base64')), true);
  // room messages
  const sk = e.newSenderKey();
  const env = decodeEnvelope(await e.encryptRoom({ roomId: 'R', senderUser: 'alice', senderDevice: 'web-a', keyId: sk.key_id, key: sk.key }, 'hi'));
  assert.equal(gcmOpen(Buffer.from(sk.key, 'base64'), Buffer.from(env.iv, 'base64'), `R|alice|web-a|${sk.key_id}`, Buffer.from(env.ct, 'base64')), '{"body":"hi"}');
});
