// The web client's E2EE behaviour (docs/e2ee.md) on top of e2ee.js: publishes this device's keys,
// shares its sender key of a room with every device of every member before it sends, decrypts
// room messages, asks for missing keys (key_request), answers other devices' requests, and handles
// the to_device frames of PROTOCOL.md section 6. It knows nothing of the DOM: the HTTP calls and
// the WebSocket come in as functions, so that Node can run it against a fake server.

import {
  DeviceStore, E2eeError, ONE_TIME_PREKEYS, TOP_UP_BELOW, addOneTimePrekeys, b64decode, decryptPairwise,
  decryptRoom, encryptPairwise, encryptRoom, keyRequestPayload, parseRoom, roomKeyAccepted, roomKeyPayload,
  roomKeyRef, uploadBody,
} from './e2ee.js';

const MAX_TARGETS = 100; // per to_device frame
const TO_DEVICE_TIMEOUT_MS = 15000;
const REQUEST_AGAIN_MS = 60000;
const DIRECTORY_TTL_MS = 30000;

/** True when this browser's WebCrypto has X25519 and Ed25519. */
export async function webCryptoSupported() {
  try {
    await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']);
    await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}

export class E2eeClient {
  /**
   * @param {object} o
   * @param {object} o.api uploadKeys(body), keysOf(user), claimKeys(user), keyCount(device),
   *   roomInfo(roomId): the HTTP calls of PROTOCOL.md sections 3 and 6 (promises of their JSON)
   * @param {(frame: object) => boolean} o.send sends a WebSocket frame; false when offline
   * @param {Storage} o.storage where the device's state is kept (localStorage)
   * @param {string} o.me the signed-in user
   * @param {string} o.deviceId this device
   * @param {(roomId, ownerUser, ownerDevice, keyId) => void} [o.onRoomKey] a sender key arrived
   * @param {(text: string) => void} [o.notice] something the user should know of
   */
  constructor(o) {
    this.o = o;
    this.me = o.me;
    this.deviceId = o.deviceId;
    this.store = new DeviceStore(o.storage, o.me, o.deviceId);
    this.waiters = new Map(); // client_msg_id of a to_device -> {resolve, reject, timer}
    this.requested = new Map(); // roomKeyRef -> time of its key_request
    this.directory = new Map(); // user -> {at, devices}
    this.roomLocks = new Map(); // room_id -> promise of the last share into it
    this.inbox = Promise.resolve(); // incoming to_device frames, one at a time
    this.seq = 0;
    this.topUpTimer = null;
    this.ready = null;
  }

  /** Makes (first time) and publishes this device's keys; tops up its one-time prekeys. */
  start() {
    if (!this.ready) {
      this.ready = (async () => {
        await this.store.ensureKeys();
        await this.publish();
      })();
      this.ready.catch(() => { this.ready = null; });
    }
    return this.ready;
  }

  /** PUT /v1/keys when the directory does not list this device with these keys; else a top-up. */
  async publish() {
    const keys = this.store.keys;
    const dir = await this.o.api.keysOf(this.me);
    const listed = (dir?.devices || []).find((d) => d.device_id === this.deviceId);
    if (!this.store.s.uploaded || !listed || listed.identity_key !== keys.identity.public
      || listed.signed_prekey?.public_key !== keys.signed_prekey.public) {
      if (this.store.s.uploaded) {
        // the directory lost this device (signed out elsewhere, or wiped): fresh one-time prekeys
        keys.one_time_prekeys = {};
        await addOneTimePrekeys(keys, ONE_TIME_PREKEYS);
        this.store.save();
      }
      await this.o.api.uploadKeys(uploadBody(keys));
      this.store.s.uploaded = true;
      this.store.save();
      this.directory.delete(this.me);
      return;
    }
    await this.topUp();
  }

  /** GET /v1/keys/count: under 5 left, uploads new ones up to 20. */
  async topUp() {
    const { count } = await this.o.api.keyCount(this.deviceId);
    if (count >= TOP_UP_BELOW) return;
    const ids = await addOneTimePrekeys(this.store.keys, ONE_TIME_PREKEYS - count);
    this.store.save();
    await this.o.api.uploadKeys(uploadBody(this.store.keys, ids));
  }

  scheduleTopUp() {
    clearTimeout(this.topUpTimer);
    this.topUpTimer = setTimeout(() => this.topUp().catch(() => {}), 1000);
  }

  // ---------- directory ----------

  /** The devices the directory lists for a user (cached a little while). */
  async devicesOf(user, fresh = false) {
    const c = this.directory.get(user);
    if (!fresh && c && Date.now() - c.at < DIRECTORY_TTL_MS) return c.devices;
    const dir = await this.o.api.keysOf(user);
    const devices = dir?.devices || [];
    this.directory.set(user, { at: Date.now(), devices });
    return devices;
  }

  // ---------- to_device out ----------

  /**
   * Sends pairwise ciphertexts [{user_id, device_id, ciphertext}], at most 100 a frame, each
   * frame awaited until its to_device_sent (rejects on its error frame, offline or a timeout).
   */
  async sendToDevice(messages) {
    for (let i = 0; i < messages.length; i += MAX_TARGETS) {
      await this.sendFrame(messages.slice(i, i + MAX_TARGETS));
    }
  }

  sendFrame(messages) {
    const id = `td-${this.deviceId}-${Date.now().toString(36)}-${++this.seq}`.slice(0, 64);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new E2eeError('timeout', 'no to_device_sent'));
      }, TO_DEVICE_TIMEOUT_MS);
      this.waiters.set(id, { resolve, reject, timer });
      if (!this.o.send({ type: 'to_device', client_msg_id: id, ref: id, messages })) {
        clearTimeout(timer);
        this.waiters.delete(id);
        reject(new E2eeError('offline', 'not connected'));
      }
    });
  }

  /** Encrypts one payload to each listed device of a claim answer; skips bad signatures. */
  async encryptTo(user, claimedDevices, payload) {
    const keys = this.store.keys;
    const out = [];
    for (const d of claimedDevices) {
      try {
        const ciphertext = await encryptPairwise({
          senderUser: this.me, senderDevice: this.deviceId, senderIdentity: keys.identity, targetUser: user, target: d,
        }, payload);
        out.push({ user_id: user, device_id: d.device_id, ciphertext });
      } catch (e) {
        if (!(e instanceof E2eeError)) throw e;
        this.o.notice?.(`Skipped ${user}/${d.device_id}: ${e.message}`);
      }
    }
    return out;
  }

  // ---------- room keys out ----------

  /** Runs {@code fn} after the previous share into the room (one sender key at a time). */
  serial(roomId, fn) {
    const prev = this.roomLocks.get(roomId) || Promise.resolve();
    const next = prev.catch(() => {}).then(fn);
    this.roomLocks.set(roomId, next);
    return next;
  }

  /**
   * My sender key of the room, shared with every device of every member that does not have it
   * yet. A new key replaces it when a user it was shared with is no longer a member.
   */
  shareRoomKey(roomId) {
    return this.serial(roomId, async () => {
      await this.start();
      const info = await this.o.api.roomInfo(roomId);
      const members = (info.members || []).map((m) => m.user_id);
      let sk = this.store.currentSenderKey(roomId);
      const gone = sk && sk.shared_with.some((w) => !members.includes(w.slice(0, w.lastIndexOf('|'))));
      if (!sk || gone) sk = this.store.newSenderKey(roomId);
      const payload = roomKeyPayload(roomId, this.me, this.deviceId, sk.key_id, sk.key);
      const perUser = await Promise.all(members.map(async (user) => {
        const devices = await this.devicesOf(user, true);
        const need = devices.filter((d) => !(user === this.me && d.device_id === this.deviceId)
          && !this.store.isShared(roomId, sk.key_id, user, d.device_id));
        if (need.length === 0) return [];
        const claim = await this.o.api.claimKeys(user);
        const wanted = new Set(need.map((d) => d.device_id));
        return this.encryptTo(user, (claim?.devices || []).filter((d) => wanted.has(d.device_id)), payload);
      }));
      const messages = perUser.flat();
      await this.sendToDevice(messages);
      for (const m of messages) this.store.markShared(roomId, sk.key_id, m.user_id, m.device_id);
      this.store.save();
      return sk;
    });
  }

  /** The ciphertext of {@code send} (or {@code edit}) in an encrypted room, key shared first. */
  async encryptForRoom(roomId, text) {
    const sk = await this.shareRoomKey(roomId);
    return encryptRoom({ roomId, senderUser: this.me, senderDevice: this.deviceId, keyId: sk.key_id, key: sk.key }, text);
  }

  // ---------- room messages in ----------

  /**
   * A message's ciphertext: {body} when its key is held, {waiting: ref} when not (a key_request
   * goes out), {error: reason} when it cannot be read at all (bad envelope, tag mismatch).
   */
  async decryptMessage(roomId, senderId, ciphertext) {
    let env;
    try {
      env = parseRoom(ciphertext);
    } catch (e) {
      return { error: e.reason || 'bad_envelope' };
    }
    await this.start().catch(() => {});
    const key = this.store.roomKey(roomId, senderId, env.d, env.k);
    if (!key) {
      this.requestKey(roomId, senderId, env.d, env.k);
      return { waiting: roomKeyRef(roomId, senderId, env.d, env.k) };
    }
    try {
      return { body: await decryptRoom({ roomId, senderUser: senderId, key }, ciphertext) };
    } catch (e) {
      return { error: e.reason || 'decrypt_failed' };
    }
  }

  /** Asks the owner device and my own other devices for a sender key (once a minute at most). */
  async requestKey(roomId, ownerUser, ownerDevice, keyId) {
    const ref = roomKeyRef(roomId, ownerUser, ownerDevice, keyId);
    const at = this.requested.get(ref);
    if (at && Date.now() - at < REQUEST_AGAIN_MS) return;
    this.requested.set(ref, Date.now());
    try {
      await this.start();
      const payload = keyRequestPayload(roomId, ownerUser, ownerDevice, keyId);
      const messages = [];
      const ownerIsMe = ownerUser === this.me;
      if (!ownerIsMe) {
        const claim = await this.o.api.claimKeys(ownerUser);
        const owner = (claim?.devices || []).filter((d) => d.device_id === ownerDevice);
        messages.push(...await this.encryptTo(ownerUser, owner, payload));
      }
      const mine = await this.devicesOf(this.me, true);
      if (mine.some((d) => d.device_id !== this.deviceId)) {
        const claim = await this.o.api.claimKeys(this.me);
        const others = (claim?.devices || []).filter((d) => d.device_id !== this.deviceId);
        messages.push(...await this.encryptTo(this.me, others, payload));
      }
      await this.sendToDevice(messages);
    } catch (e) {
      this.requested.delete(ref); // try again on the next message that needs it
      this.o.notice?.(`Key request: ${e.message}`);
    }
  }

  // ---------- frames in ----------

  /** A server frame; true when it was this module's. */
  onFrame(f) {
    switch (f.type) {
      case 'to_device':
        this.inbox = this.inbox.then(() => this.receive(f)).catch((e) => this.o.notice?.(`to_device: ${e.message}`));
        return true;
      case 'to_device_sent': {
        const w = this.waiters.get(f.client_msg_id);
        if (!w) return true;
        this.waiters.delete(f.client_msg_id);
        clearTimeout(w.timer);
        w.resolve();
        return true;
      }
      case 'to_device_dropped':
        // keys may be among the dropped: whatever still waits asks again
        this.requested.clear();
        this.o.notice?.(`${f.count} device message(s) were dropped while this device was away`);
        return true;
      case 'error': {
        const w = f.ref && this.waiters.get(f.ref);
        if (!w) return false;
        this.waiters.delete(f.ref);
        clearTimeout(w.timer);
        w.reject(new E2eeError(f.code || 'error', `${f.code}: ${f.message}`));
        return true;
      }
      default:
        return false;
    }
  }

  ack(id) {
    this.o.send({ type: 'to_device_ack', id });
  }

  /** One incoming to_device: decrypted, acted on, acked (a handled id is only acked again). */
  async receive(f) {
    if (this.store.handled(f.id)) return this.ack(f.id);
    await this.start();
    let out;
    try {
      out = await this.decryptFrom(f);
    } catch (e) {
      if (!(e instanceof E2eeError)) throw e; // the directory unreachable: not acked, it comes again
      // it cannot ever be read (stale prekey, forged, tampered): drop it
      this.o.notice?.(`Undecryptable device message from ${f.sender_id}/${f.sender_device_id}: ${e.message}`);
      this.store.markHandled(f.id);
      return this.ack(f.id);
    }
    this.store.dropOneTimePrekey(out.otk);
    if (out.otk) this.scheduleTopUp();
    const p = out.payload;
    let after = null;
    if (p?.type === 'room_key') this.takeRoomKey(p, f);
    else if (p?.type === 'key_request') after = () => this.answerKeyRequest(p, f);
    this.store.markHandled(f.id);
    this.ack(f.id);
    if (after) await after().catch((e) => this.o.notice?.(`Key request from ${f.sender_id}: ${e.message}`));
  }

  async decryptFrom(f) {
    const attempt = async (fresh) => {
      const d = (await this.devicesOf(f.sender_id, fresh)).find((x) => x.device_id === f.sender_device_id);
      return decryptPairwise({
        keys: this.store.keys, senderUser: f.sender_id, senderDevice: f.sender_device_id, senderIdentityKey: d?.identity_key,
      }, f.ciphertext);
    };
    try {
      return await attempt(false);
    } catch (e) {
      if (e.reason !== 'wrong_identity') throw e;
      return attempt(true); // the cached directory may predate the sender's keys
    }
  }

  takeRoomKey(p, f) {
    if (!roomKeyAccepted(p, f.sender_id, f.sender_device_id, this.me)) return;
    if (typeof p.room_id !== 'string' || typeof p.key_id !== 'string') return;
    try {
      if (b64decode(p.key).length !== 32) return;
    } catch {
      return;
    }
    const fresh = this.store.addRoomKey(p.room_id, p.owner_user_id, p.owner_device_id, p.key_id, p.key);
    this.requested.delete(roomKeyRef(p.room_id, p.owner_user_id, p.owner_device_id, p.key_id));
    if (fresh) this.o.onRoomKey?.(p.room_id, p.owner_user_id, p.owner_device_id, p.key_id);
  }

  /**
   * The owner answers with its room_key when the requester's user is a member of the room; a
   * device of the requester's own user forwards the key when it holds it.
   */
  async answerKeyRequest(p, f) {
    const ownKey = p.owner_user_id === this.me && p.owner_device_id === this.deviceId;
    let key = null;
    if (ownKey) {
      const sk = this.store.ownSenderKey(p.room_id, p.key_id);
      if (!sk) return;
      if (f.sender_id !== this.me) {
        const info = await this.o.api.roomInfo(p.room_id);
        if (!(info.members || []).some((m) => m.user_id === f.sender_id)) return;
      }
      key = sk.key;
    } else if (f.sender_id === this.me) {
      key = this.store.roomKey(p.room_id, p.owner_user_id, p.owner_device_id, p.key_id);
    }
    if (!key) return;
    const claim = await this.o.api.claimKeys(f.sender_id);
    const target = (claim?.devices || []).filter((d) => d.device_id === f.sender_device_id);
    const payload = roomKeyPayload(p.room_id, p.owner_user_id, p.owner_device_id, p.key_id, key);
    const messages = await this.encryptTo(f.sender_id, target, payload);
    await this.sendToDevice(messages);
    if (ownKey && messages.length) {
      this.store.markShared(p.room_id, p.key_id, f.sender_id, f.sender_device_id);
      this.store.save();
    }
  }
}
