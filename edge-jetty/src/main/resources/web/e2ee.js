// Parley E2EE scheme v1 (docs/e2ee.md), on WebCrypto only: X25519, Ed25519, HKDF-SHA256 and
// AES-256-GCM from crypto.subtle. Nothing here is a hand-written primitive.
//
// Keys are held in a JSON-serialisable form: {public: b64(raw 32 bytes), private_pkcs8: b64}.
// The functions are pure (apart from fresh randomness) except DeviceStore, which persists one
// device's state in a Storage (localStorage in the browser).
//
// This module imports nothing, so it loads the same in a browser and in Node 20.

const subtle = globalThis.crypto.subtle;
const X25519 = { name: 'X25519' };
const ED25519 = { name: 'Ed25519' };
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export const PAIRWISE_ALG = 'x3dh-aes256gcm';
export const ROOM_ALG = 'sk-aes256gcm';
export const X3DH_INFO = 'parley-x3dh-v1';
export const ONE_TIME_PREKEYS = 20;
export const TOP_UP_BELOW = 5;

/** A ciphertext, key or envelope that does not check out; {@code reason} says which check. */
export class E2eeError extends Error {
  constructor(reason, message) {
    super(message || reason);
    this.reason = reason;
  }
}

// ---------- encodings ----------

/** RFC 4648 base64, standard alphabet, with padding. */
export function b64encode(bytes) {
  const u = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
  return btoa(s);
}

export function b64decode(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new E2eeError('bad_base64', 'not base64');
  }
  const s = atob(text);
  const u = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}

export const utf8 = (s) => enc.encode(s);

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function randomBytes(n) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

function raw32(b64, what) {
  const u = b64decode(b64);
  if (u.length !== 32) throw new E2eeError('bad_key', `${what}: not 32 bytes`);
  return u;
}

// ---------- key pairs ----------

/** A fresh X25519 key pair: {public, private_pkcs8}. */
export async function generateX25519() {
  const kp = await subtle.generateKey(X25519, true, ['deriveBits']);
  return exportPair(kp);
}

/** A fresh Ed25519 key pair: {public, private_pkcs8}. */
export async function generateEd25519() {
  const kp = await subtle.generateKey(ED25519, true, ['sign', 'verify']);
  return exportPair(kp);
}

async function exportPair(kp) {
  return {
    public: b64encode(await subtle.exportKey('raw', kp.publicKey)),
    private_pkcs8: b64encode(await subtle.exportKey('pkcs8', kp.privateKey)),
  };
}

const x25519Private = (pkcs8) => subtle.importKey('pkcs8', b64decode(pkcs8), X25519, false, ['deriveBits']);
const x25519Public = (b64, what) => subtle.importKey('raw', raw32(b64, what), X25519, false, []);

/** X25519(private, public) as 32 bytes. */
async function dh(privatePkcs8, publicB64, what) {
  let bits;
  try {
    bits = await subtle.deriveBits({ name: 'X25519', public: await x25519Public(publicB64, what) },
      await x25519Private(privatePkcs8), 256);
  } catch (e) {
    if (e instanceof E2eeError) throw e;
    throw new E2eeError('bad_key', `${what}: ${e.message}`);
  }
  return new Uint8Array(bits);
}

/** The raw public key of an X25519 private key given as PKCS8 (WebCrypto has no direct way). */
export async function x25519PublicOf(privatePkcs8) {
  const k = await subtle.importKey('pkcs8', b64decode(privatePkcs8), X25519, true, ['deriveBits']);
  const jwk = await subtle.exportKey('jwk', k);
  const pub = await subtle.importKey('jwk', { kty: 'OKP', crv: 'X25519', x: jwk.x }, X25519, true, []);
  return b64encode(await subtle.exportKey('raw', pub));
}

// ---------- a device's keys and its PUT /v1/keys body ----------

/**
 * A new device's keys: identity (X25519), signing (Ed25519), a signed prekey {@code s1} and
 * {@code count} one-time prekeys {@code o1..o<count>}. JSON-serialisable; private keys included.
 */
export async function generateDeviceKeys(userId, deviceId, count = ONE_TIME_PREKEYS) {
  const identity = await generateX25519();
  const signing = await generateEd25519();
  const keys = {
    user_id: userId,
    device_id: deviceId,
    identity,
    signing,
    signed_prekey: await makeSignedPrekey(signing, 's1'),
    one_time_prekeys: {},
    next_otk: 1,
  };
  await addOneTimePrekeys(keys, count);
  return keys;
}

/** An X25519 signed prekey whose 32 raw public bytes are signed with the device's Ed25519 key. */
export async function makeSignedPrekey(signing, keyId) {
  const spk = await generateX25519();
  const sk = await subtle.importKey('pkcs8', b64decode(signing.private_pkcs8), ED25519, false, ['sign']);
  const signature = b64encode(await subtle.sign(ED25519, sk, b64decode(spk.public)));
  return { key_id: keyId, ...spk, signature };
}

/** Adds {@code n} fresh one-time prekeys to {@code keys} (mutates it); their key ids. */
export async function addOneTimePrekeys(keys, n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const id = 'o' + keys.next_otk++;
    keys.one_time_prekeys[id] = await generateX25519();
    ids.push(id);
  }
  return ids;
}

/**
 * The body of {@code PUT /v1/keys} (PROTOCOL.md section 6): public keys only. {@code otkIds}
 * limits the one-time prekeys to those (a top-up); by default every one held is listed.
 */
export function uploadBody(keys, otkIds = Object.keys(keys.one_time_prekeys)) {
  return {
    device_id: keys.device_id,
    identity_key: keys.identity.public,
    signing_key: keys.signing.public,
    signed_prekey: {
      key_id: keys.signed_prekey.key_id,
      public_key: keys.signed_prekey.public,
      signature: keys.signed_prekey.signature,
    },
    one_time_prekeys: otkIds.filter((id) => keys.one_time_prekeys[id])
      .map((id) => ({ key_id: id, public_key: keys.one_time_prekeys[id].public })),
  };
}

/** True when the device's signed_prekey carries a valid Ed25519 signature by its signing_key. */
export async function verifySignedPrekey(device) {
  try {
    const spk = device.signed_prekey;
    const sk = await subtle.importKey('raw', raw32(device.signing_key, 'signing_key'), ED25519, false, ['verify']);
    return await subtle.verify(ED25519, sk, b64decode(spk.signature), raw32(spk.public_key, 'signed_prekey'));
  } catch {
    return false;
  }
}

// ---------- AES-256-GCM and HKDF ----------

async function aesKey(raw, usage) {
  if (raw.length !== 32) throw new E2eeError('bad_key', 'AES key: not 32 bytes');
  return subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, [usage]);
}

async function seal(keyBytes, aad, plaintext) {
  const iv = randomBytes(12);
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 },
    await aesKey(keyBytes, 'encrypt'), plaintext);
  return { iv: b64encode(iv), ct: b64encode(ct) };
}

async function open(keyBytes, aad, ivB64, ctB64) {
  const iv = b64decode(ivB64);
  if (iv.length !== 12) throw new E2eeError('bad_envelope', 'iv: not 12 bytes');
  let pt;
  try {
    pt = await subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 },
      await aesKey(keyBytes, 'decrypt'), b64decode(ctB64));
  } catch (e) {
    throw new E2eeError('decrypt_failed', 'AES-GCM: the tag does not check out');
  }
  return new Uint8Array(pt);
}

async function hkdf(ikm, info) {
  const k = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: utf8(info) }, k, 256);
  return new Uint8Array(bits);
}

/** The envelope JSON as base64 (the {@code ciphertext} field). */
function wrap(envelope) {
  return b64encode(utf8(JSON.stringify(envelope)));
}

function unwrap(ciphertext, alg) {
  let env;
  try {
    env = JSON.parse(dec.decode(b64decode(ciphertext)));
  } catch {
    throw new E2eeError('bad_envelope', 'not a base64 JSON envelope');
  }
  if (!env || env.v !== 1 || env.alg !== alg) throw new E2eeError('bad_envelope', `not a v1 ${alg} envelope`);
  for (const f of ['iv', 'ct']) if (typeof env[f] !== 'string') throw new E2eeError('bad_envelope', `no ${f}`);
  return env;
}

function parseJson(bytes) {
  try {
    return JSON.parse(dec.decode(bytes));
  } catch {
    throw new E2eeError('bad_payload', 'the plaintext is not UTF-8 JSON');
  }
}

// ---------- pairwise (X3DH) messages: the ciphertext of a to_device target ----------

export const pairwiseAad = (senderUser, senderDevice, targetUser, targetDevice) =>
  utf8(`${senderUser}|${senderDevice}|${targetUser}|${targetDevice}`);

/**
 * Encrypts {@code payload} (an object, sent as UTF-8 JSON) to one device of a claim answer.
 * @param {object} o
 * @param {string} o.senderUser
 * @param {string} o.senderDevice
 * @param {{public: string, private_pkcs8: string}} o.senderIdentity the sender's IK pair
 * @param {string} o.targetUser
 * @param {{device_id, identity_key, signing_key, signed_prekey: {key_id, public_key, signature},
 *   one_time_prekey?: {key_id, public_key}|null}} o.target a device of POST /v1/keys/claim
 * @returns {Promise<string>} the base64 envelope; throws E2eeError('bad_signature') when the
 *   signed prekey's signature does not verify (the device is to be skipped)
 */
export async function encryptPairwise(o, payload) {
  const t = o.target;
  if (!(await verifySignedPrekey(t))) throw new E2eeError('bad_signature', `${o.targetUser}/${t.device_id}: bad signed_prekey signature`);
  const ek = await generateX25519();
  const otk = t.one_time_prekey || null;
  const parts = [
    new Uint8Array(32).fill(0xff),
    await dh(o.senderIdentity.private_pkcs8, t.signed_prekey.public_key, 'signed_prekey'),
    await dh(ek.private_pkcs8, t.identity_key, 'identity_key'),
    await dh(ek.private_pkcs8, t.signed_prekey.public_key, 'signed_prekey'),
  ];
  if (otk) parts.push(await dh(ek.private_pkcs8, otk.public_key, 'one_time_prekey'));
  const key = await hkdf(concat(...parts), X3DH_INFO);
  const aad = pairwiseAad(o.senderUser, o.senderDevice, o.targetUser, t.device_id);
  const { iv, ct } = await seal(key, aad, utf8(JSON.stringify(payload)));
  return wrap({
    v: 1,
    alg: PAIRWISE_ALG,
    ik: o.senderIdentity.public,
    ek: ek.public,
    spk: t.signed_prekey.key_id,
    otk: otk ? otk.key_id : null,
    iv,
    ct,
  });
}

/** The envelope of a pairwise ciphertext, unchecked beyond its shape (which keys it names). */
export function parsePairwise(ciphertext) {
  const env = unwrap(ciphertext, PAIRWISE_ALG);
  for (const f of ['ik', 'ek', 'spk']) if (typeof env[f] !== 'string') throw new E2eeError('bad_envelope', `no ${f}`);
  if (env.otk !== null && env.otk !== undefined && typeof env.otk !== 'string') throw new E2eeError('bad_envelope', 'bad otk');
  return env;
}

/**
 * Decrypts a pairwise ciphertext sent to this device.
 * @param {object} o
 * @param {object} o.keys this device's keys (generateDeviceKeys shape: user_id, device_id,
 *   identity, signed_prekey {key_id, private_pkcs8}, one_time_prekeys {key_id: {private_pkcs8}})
 * @param {string} o.senderUser sender_id of the to_device frame (asserted by the server)
 * @param {string} o.senderDevice sender_device_id of the frame
 * @param {string} o.senderIdentityKey the identity_key the directory lists for that device
 * @returns {Promise<{payload: object, otk: string|null}>} otk: the one-time prekey used, which
 *   the caller deletes
 */
export async function decryptPairwise(o, ciphertext) {
  const env = parsePairwise(ciphertext);
  if (!o.senderIdentityKey || env.ik !== o.senderIdentityKey) {
    throw new E2eeError('wrong_identity', `${o.senderUser}/${o.senderDevice}: the identity key is not the directory's`);
  }
  const k = o.keys;
  const spk = k.signed_prekey;
  if (!spk || env.spk !== spk.key_id) throw new E2eeError('unknown_prekey', `signed prekey ${env.spk} is not held`);
  const otkId = env.otk ?? null;
  const otk = otkId === null ? null : k.one_time_prekeys[otkId];
  if (otkId !== null && !otk) throw new E2eeError('unknown_prekey', `one-time prekey ${otkId} is not held (used already?)`);
  const parts = [
    new Uint8Array(32).fill(0xff),
    await dh(spk.private_pkcs8, env.ik, 'ik'),
    await dh(k.identity.private_pkcs8, env.ek, 'ek'),
    await dh(spk.private_pkcs8, env.ek, 'ek'),
  ];
  if (otk) parts.push(await dh(otk.private_pkcs8, env.ek, 'ek'));
  const key = await hkdf(concat(...parts), X3DH_INFO);
  const aad = pairwiseAad(o.senderUser, o.senderDevice, k.user_id, k.device_id);
  const payload = parseJson(await open(key, aad, env.iv, env.ct));
  return { payload, otk: otkId };
}

// ---------- payloads ----------

export function roomKeyPayload(roomId, ownerUser, ownerDevice, keyId, key) {
  return { type: 'room_key', room_id: roomId, owner_user_id: ownerUser, owner_device_id: ownerDevice, key_id: keyId, key };
}

export function keyRequestPayload(roomId, ownerUser, ownerDevice, keyId) {
  return { type: 'key_request', room_id: roomId, owner_user_id: ownerUser, owner_device_id: ownerDevice, key_id: keyId };
}

/**
 * Whether a room_key payload may be taken from the to_device sender: the owner itself, or a
 * device of the receiver's own user (a forward).
 */
export function roomKeyAccepted(payload, senderUser, senderDevice, me) {
  if (!payload || payload.type !== 'room_key') return false;
  const owner = payload.owner_user_id === senderUser && payload.owner_device_id === senderDevice;
  return owner || senderUser === me;
}

// ---------- room messages (sender keys) ----------

/** A new sender key: {key_id: 16 hex chars, key: b64(32 random bytes)}. */
export function newSenderKey() {
  const id = [...randomBytes(8)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return { key_id: id, key: b64encode(randomBytes(32)) };
}

export const roomAad = (roomId, senderUser, senderDevice, keyId) =>
  utf8(`${roomId}|${senderUser}|${senderDevice}|${keyId}`);

/**
 * Encrypts a room message's text with the sender's key.
 * @param {{roomId, senderUser, senderDevice, keyId, key}} o key: b64 of 32 bytes
 * @returns {Promise<string>} the base64 envelope for {@code send}'s ciphertext
 */
export async function encryptRoom(o, text) {
  const aad = roomAad(o.roomId, o.senderUser, o.senderDevice, o.keyId);
  const { iv, ct } = await seal(raw32(o.key, 'sender key'), aad, utf8(JSON.stringify({ body: text })));
  return wrap({ v: 1, alg: ROOM_ALG, d: o.senderDevice, k: o.keyId, iv, ct });
}

/** The envelope of a room ciphertext: {d, k, ...}, which key decrypts it. */
export function parseRoom(ciphertext) {
  const env = unwrap(ciphertext, ROOM_ALG);
  if (typeof env.d !== 'string' || typeof env.k !== 'string') throw new E2eeError('bad_envelope', 'no d or k');
  return env;
}

/**
 * Decrypts a room message.
 * @param {{roomId, senderUser, key}} o senderUser: the message's sender_id; key: the sender key
 *   found by (roomId, senderUser, envelope d, envelope k)
 * @returns {Promise<string>} the body text
 */
export async function decryptRoom(o, ciphertext) {
  const env = parseRoom(ciphertext);
  const aad = roomAad(o.roomId, o.senderUser, env.d, env.k);
  const p = parseJson(await open(raw32(o.key, 'sender key'), aad, env.iv, env.ct));
  if (!p || typeof p.body !== 'string') throw new E2eeError('bad_payload', 'no body');
  return p.body;
}

// ---------- one device's persistent state ----------

const HANDLED_KEPT = 2000;

/** Where a received sender key is filed. */
export const roomKeyRef = (roomId, user, device, keyId) => `${roomId}|${user}|${device}|${keyId}`;

/**
 * One device's E2EE state in a Storage (localStorage-like: getItem/setItem), under
 * {@code parley.e2ee.<user>.<device>}: its keys (private keys as PKCS8), its own sender key per
 * room (the current one, with who it was shared with, and the older ones), the room keys
 * received, and the to_device ids handled.
 */
export class DeviceStore {
  constructor(storage, userId, deviceId) {
    this.storage = storage;
    this.name = `parley.e2ee.${userId}.${deviceId}`;
    this.userId = userId;
    this.deviceId = deviceId;
    let s = null;
    try {
      s = JSON.parse(storage.getItem(this.name) || 'null');
    } catch {
      s = null;
    }
    this.s = s && s.v === 1 ? s : { v: 1, keys: null, uploaded: false, own: {}, room_keys: {}, handled: [] };
    this.handledSet = new Set(this.s.handled);
  }

  save() {
    this.s.handled = [...this.handledSet].slice(-HANDLED_KEPT);
    this.storage.setItem(this.name, JSON.stringify(this.s));
  }

  get keys() {
    return this.s.keys;
  }

  /** The device's keys, made (and saved) the first time. */
  async ensureKeys() {
    if (!this.s.keys) {
      this.s.keys = await generateDeviceKeys(this.userId, this.deviceId, ONE_TIME_PREKEYS);
      this.s.uploaded = false;
      this.save();
    }
    return this.s.keys;
  }

  /** A one-time prekey was used: its private key goes. */
  dropOneTimePrekey(keyId) {
    if (keyId && this.s.keys?.one_time_prekeys[keyId]) {
      delete this.s.keys.one_time_prekeys[keyId];
      this.save();
    }
  }

  /** My current sender key in a room: {key_id, key, shared_with: ["user|device"], members: [user]}. */
  currentSenderKey(roomId) {
    const own = this.s.own[roomId];
    return own ? own.keys[own.current] : null;
  }

  /** A new sender key for the room (the first, or after a member left); also filed as received. */
  newSenderKey(roomId) {
    const sk = { ...newSenderKey(), shared_with: [], created: Date.now() };
    const own = this.s.own[roomId] || (this.s.own[roomId] = { current: null, keys: {} });
    own.keys[sk.key_id] = sk;
    own.current = sk.key_id;
    this.s.room_keys[roomKeyRef(roomId, this.userId, this.deviceId, sk.key_id)] = sk.key;
    this.save();
    return sk;
  }

  /** One of my sender keys (current or older) by id, or null. */
  ownSenderKey(roomId, keyId) {
    return this.s.own[roomId]?.keys[keyId] || null;
  }

  markShared(roomId, keyId, user, device) {
    const sk = this.ownSenderKey(roomId, keyId);
    if (!sk) return;
    const who = `${user}|${device}`;
    if (!sk.shared_with.includes(who)) sk.shared_with.push(who);
  }

  isShared(roomId, keyId, user, device) {
    return !!this.ownSenderKey(roomId, keyId)?.shared_with.includes(`${user}|${device}`);
  }

  roomKey(roomId, user, device, keyId) {
    return this.s.room_keys[roomKeyRef(roomId, user, device, keyId)] || null;
  }

  /** Files a received sender key; false when it was held already. */
  addRoomKey(roomId, user, device, keyId, key) {
    const ref = roomKeyRef(roomId, user, device, keyId);
    if (this.s.room_keys[ref] === key) return false;
    this.s.room_keys[ref] = key;
    this.save();
    return true;
  }

  handled(id) {
    return this.handledSet.has(id);
  }

  markHandled(id) {
    this.handledSet.delete(id);
    this.handledSet.add(id);
    this.save();
  }
}

/** A Storage kept in memory (tests, or a browser without localStorage). */
export class MemoryStorage {
  constructor() {
    this.m = new Map();
  }

  getItem(k) {
    return this.m.has(k) ? this.m.get(k) : null;
  }

  setItem(k, v) {
    this.m.set(k, String(v));
  }

  removeItem(k) {
    this.m.delete(k);
  }
}
