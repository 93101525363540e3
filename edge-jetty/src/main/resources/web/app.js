// Parley web client: wires the HTTP API, the WebSocket session and the DOM together.

import { createApi } from './api.js';
import { Session } from './protocol.js';
import { Room, TIMELINE_KINDS, state, room, openRoom } from './store.js';
import { sha256Hex } from './sha256.js';
import { E2eeClient, webCryptoSupported } from './e2ee-client.js';
import * as ui from './ui.js';

const { $, h, toast } = ui;
const TYPING_TTL_MS = 3000;
const TYPING_REFRESH_MS = 2000;
const ROOMS_POLL_MS = 8000;
const RESEND_AFTER_MS = 10000;
const PAGE = 50;

const api = createApi(() => state.token);
const deviceId = stableDeviceId();
const session = new Session({
  url: wsUrl,
  onFrame,
  onState: onConnection,
  lastSeq: (id) => room(id)?.contig ?? 0,
  onReady,
  onSignedOut,
});
// ref of a command -> {roomId, clientMsgId} (send, edit, delete, react) or {roomId, join: true}
const sendRefs = new Map();
const mediaUrls = new Map(); // media_id -> Promise<object URL>
let typing = { roomId: null, on: false, sentAt: 0, timer: null };
let wasOnline = false;
let roomsFailing = false;
// E2EE (docs/e2ee.md): this device's keys and sender keys, once signed in; null when this
// browser's WebCrypto lacks X25519/Ed25519 (then encrypted rooms are shown, not written to)
let e2ee = null;
let e2eeReady = false;
let e2eeSupported; // undefined until known
const earlyFrames = []; // to_device frames that came before e2ee was made

// ---------- sign in ----------

function stableDeviceId() {
  let id = sessionStorage.getItem('parley.device');
  if (!id) {
    id = 'web-' + randomId(12);
    sessionStorage.setItem('parley.device', id);
  }
  return id;
}

function randomId(n) {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return [...bytes].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
}

function jwtExp(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).exp || 0;
  } catch {
    return 0;
  }
}

function setToken(token, me) {
  state.token = token;
  state.me = me;
  sessionStorage.setItem('parley.token', token);
  sessionStorage.setItem('parley.me', me);
}

/** A dev token that is valid for another minute at least (local mode re-issues it). */
async function freshToken(force = false) {
  const exp = jwtExp(state.token);
  if (force || (exp && exp * 1000 - Date.now() < 60000)) {
    const t = await api.devToken(state.me, deviceId);
    setToken(t.token, state.me);
  }
}

async function signIn(userId) {
  try {
    const t = await api.devToken(userId, deviceId);
    setToken(t.token, t.user_id || userId);
    enterApp();
  } catch (e) {
    toast(`Sign in failed: ${e.message}`);
  }
}

function enterApp() {
  ui.configure({ media: mediaEl, react, edit: startEdit, remove: deleteMessage, setRole, removeMember, canEncrypt: () => e2eeReady });
  $('signin').hidden = true;
  $('app').hidden = false;
  $('me').textContent = state.me;
  $('signout-btn').hidden = false;
  $('devices-btn').hidden = false;
  startE2ee();
  session.start();
  loadRooms();
  setInterval(loadRooms, ROOMS_POLL_MS);
  setInterval(resendStale, RESEND_AFTER_MS / 2);
}

function signOut() {
  session.stop();
  sessionStorage.removeItem('parley.token');
  sessionStorage.removeItem('parley.me');
  location.reload();
}

/** Another device of mine signed this one out (close code 4001): back to the sign-in form. */
function onSignedOut() {
  sessionStorage.removeItem('parley.token');
  sessionStorage.removeItem('parley.me');
  state.token = null;
  $('app').hidden = true;
  $('signin').hidden = false;
  $('signout-btn').hidden = true;
  $('devices-btn').hidden = true;
  $('devices-panel').hidden = true;
  toast('This device was signed out from another device', 'info');
}

// ---------- end-to-end encryption (PROTOCOL.md section 6, docs/e2ee.md) ----------

/**
 * Makes this device's keys (kept in localStorage under the user and this browser session's device
 * id), uploads them with 20 one-time prekeys (PUT /v1/keys) or tops those up, and from then on
 * handles the to_device frames.
 */
async function startE2ee() {
  e2eeSupported = await webCryptoSupported();
  if (!e2eeSupported) {
    earlyFrames.length = 0;
    toast('This browser has no X25519/Ed25519 in WebCrypto: encrypted rooms cannot be read or written here', 'info');
    for (const r of state.rooms.values()) {
      for (const m of r.messages.values()) if (m.encrypted) decryptInto(r, m);
    }
    return;
  }
  e2ee = new E2eeClient({
    api: {
      uploadKeys: (body) => freshToken().then(() => api.uploadKeys(body)),
      keysOf: (u) => freshToken().then(() => api.keysOf(u)),
      claimKeys: (u) => freshToken().then(() => api.claimKeys(u)),
      keyCount: (d) => freshToken().then(() => api.keyCount(d)),
      roomInfo: (id) => freshToken().then(() => api.roomInfo(id)),
    },
    send: (frame) => session.send(frame),
    storage: window.localStorage,
    me: state.me,
    deviceId,
    onRoomKey,
    notice: (text) => console.warn('e2ee:', text),
  });
  window.parley.e2ee = e2ee;
  earlyFrames.splice(0).forEach((f) => e2ee.onFrame(f));
  for (const r of state.rooms.values()) onRoomKey(r.id); // what arrived meanwhile
  for (let attempt = 0; ; attempt++) {
    try {
      await e2ee.start();
      break;
    } catch (err) {
      if (attempt === 0) toast(`Encryption keys: ${err.message}`);
      await new Promise((res) => setTimeout(res, Math.min(30000, 2000 * 2 ** attempt)));
    }
  }
  e2eeReady = true;
  document.body.dataset.e2ee = 'ready';
  const r = openRoom();
  if (r) {
    renderOpenRoom(r);
    refreshMessages(r);
  }
}

/** Decrypts a message (or its edit) that carries ciphertext; shows it again when done. */
async function decryptInto(r, m) {
  if (!m.encrypted || m.ciphertext == null) return;
  if (e2eeSupported === false) {
    Object.assign(m, { decrypted: false, decryptError: 'no X25519/Ed25519 in this browser' });
    if (r.id === state.openRoomId && r.messages.get(m.seq) === m) ui.placeMessage(r, m);
    return;
  }
  if (!e2ee) return;
  const ct = m.ciphertext;
  const res = await e2ee.decryptMessage(r.id, m.sender_id, ct);
  if (m.ciphertext !== ct || m.deleted || !m.encrypted) return;
  if (res.body !== undefined) Object.assign(m, { body: res.body, encrypted: false, decrypted: true, decryptError: null });
  else if (res.error) Object.assign(m, { decrypted: false, decryptError: res.error });
  else Object.assign(m, { decrypted: false, decryptError: null });
  if (r.id === state.openRoomId && r.messages.get(m.seq) === m) ui.placeMessage(r, m);
}

/** A sender key arrived: the messages of that room still in ciphertext are tried again. */
function onRoomKey(roomId) {
  const r = room(roomId);
  if (!r) return;
  for (const m of r.messages.values()) if (m.encrypted && !m.decryptError) decryptInto(r, m);
}

// ---------- devices (v1.1 section 5) ----------

async function toggleDevices(show = $('devices-panel').hidden) {
  $('devices-panel').hidden = !show;
  if (show) await renderDevices();
}

async function renderDevices() {
  try {
    ui.renderDevices(await api.devices(), deviceId, signOutDevice);
  } catch (e) {
    toast(`Devices: ${e.message}`);
  }
}

async function signOutDevice(id) {
  try {
    await api.signOutDevice(id);
    toast(`Signed out ${id}`, 'info');
  } catch (e) {
    toast(`Sign out ${id}: ${e.message}`);
  }
  await renderDevices();
}

async function wsUrl() {
  await freshToken(session.attempt >= 4 && session.attempt % 4 === 0).catch(() => {});
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = new URLSearchParams({ device_id: deviceId, access_token: state.token });
  return `${proto}//${location.host}/v1/ws?${q}`;
}

function onConnection(s, info) {
  ui.setConnection(s, info);
  if (s === 'online' && state.reconnecting) toast('Reconnected', 'info');
  if (s === 'offline' && wasOnline) state.reconnecting = true;
  if (s === 'online') state.reconnecting = false;
  wasOnline = s === 'online';
}

// ---------- rooms ----------

/**
 * The room list from GET /v1/rooms. Events keep it live (a new room, a removal, a rename); this poll
 * brings the unread counts of rooms that are not open and what was missed while offline. A room
 * held before the request and absent from its answer is gone (removed while offline).
 */
async function loadRooms() {
  try {
    await freshToken();
    const before = new Set(state.rooms.keys());
    const list = await api.rooms();
    roomsFailing = false;
    const listed = new Set();
    for (const s of list) {
      listed.add(s.room_id);
      // a list read before my removal arrived after it
      if (state.left.has(s.room_id) && state.left.get(s.room_id) >= (s.last_seq || 0)) continue;
      state.left.delete(s.room_id);
      let r = room(s.room_id);
      if (r) r.update(s);
      else {
        state.rooms.set(s.room_id, (r = new Room(s)));
        r.origin = 'list';
      }
      if (s.role) r.setMember(state.me, true, s.role, s.last_seq || 0);
      const peer = r.kind === 'direct' ? r.peer(state.me) : null;
      if (peer) r.peers.add(peer);
      if (r.id === state.openRoomId && r.readSent >= r.lastSeq) r.unread = 0;
    }
    for (const id of before) {
      const gone = room(id);
      if (!listed.has(id) && gone) dropRoom(id, `You are no longer a member of ${gone.title(state.me)}`);
    }
    ui.renderRooms(openRoomById);
    const r = openRoom();
    if (r) renderOpenRoom(r);
  } catch (e) {
    if (e.status === 401) await freshToken(true).catch(() => {});
    if (!roomsFailing) toast(`Rooms: ${e.message}`);
    roomsFailing = true;
  }
}

/** Forgets a room I am no longer a member of; closes it if it is open. */
function dropRoom(id, why, removedAtSeq) {
  const r = room(id);
  if (!r) return;
  state.left.set(id, Math.max(state.left.get(id) || 0, removedAtSeq || r.lastSeq));
  session.forget(id);
  r.typing.forEach((t) => clearTimeout(t));
  clearTimeout(r.gapTimer);
  clearTimeout(r.cursorTimer);
  state.rooms.delete(id);
  if (state.openRoomId === id) {
    stopTyping();
    cancelEdit();
    state.openRoomId = null;
    $('room-view').dataset.roomId = '';
    $('room-pane').hidden = true;
    $('room-empty').hidden = false;
    $('room-empty').textContent = why || 'Pick a room or create one.';
  }
  if (why) toast(why, 'info');
  ui.renderRooms(openRoomById);
}

async function createRoom() {
  const kind = $('new-room-kind').value;
  const members = $('new-room-members').value.split(',').map((s) => s.trim()).filter((s) => s && s !== state.me);
  if (members.length === 0) return toast('Name at least one other user');
  if (kind === 'direct' && members.length !== 1) return toast('A direct room has exactly one other user');
  const name = kind === 'direct' ? `${state.me} & ${members[0]}` : $('new-room-name').value.trim() || [state.me, ...members].join(', ');
  const encrypted = $('new-room-encrypted').checked;
  try {
    const { room_id: id, seq } = await api.createRoom(kind, members, name, newClientMsgId(), encrypted);
    // its room_created event may have come first and added the room already
    let r = room(id);
    if (!r) {
      r = new Room({ room_id: id, kind, name, last_seq: seq || 0, read_seq: 0, unread: 0, encrypted });
      r.origin = 'created';
      state.rooms.set(id, r);
      state.left.delete(id);
    }
    members.forEach((m) => r.kind === 'direct' && r.peers.add(m));
    $('new-room-members').value = '';
    $('new-room-name').value = '';
    $('new-room-encrypted').checked = false;
    ui.renderRooms(openRoomById);
    await openRoomById(id);
  } catch (e) {
    toast(`Create room: ${e.message}`);
  }
}

async function openRoomById(id) {
  if (state.openRoomId === id) return;
  const prev = openRoom();
  if (prev) {
    stopTyping();
    cancelEdit();
    session.leave(prev.id);
    prev.typing.forEach((t) => clearTimeout(t));
    prev.typing.clear();
  }
  const r = room(id);
  if (!r) return;
  state.openRoomId = id;
  $('room-view').dataset.roomId = id;
  $('room-empty').hidden = true;
  $('room-pane').hidden = false;
  $('search-results').hidden = true;
  $('search-input').value = '';
  $('message-list').replaceChildren();
  const entries = [...r.messages.values(), ...r.events.values()].sort((a, b) => a.seq - b.seq);
  for (const x of entries) {
    if (r.events.has(x.seq)) ui.placeEvent(x);
    else ui.placeMessage(r, x);
  }
  for (const m of r.pending.values()) ui.placeMessage(r, m);
  renderOpenRoom(r);
  ui.renderTyping(r);
  ui.renderPresence(r);
  ui.renderRooms(openRoomById);
  historyStatus(r);
  scrollToBottom(true);
  $('message-input').focus();
  loadRoomInfo(r);

  if (r.base === null) {
    // first open: the newest page from the archive; the join's replay covers what it lacks
    try {
      const page = await api.history(id, undefined, PAGE);
      if (room(id) !== r) return;
      const top = addPage(r, page);
      const low = page.next_before_seq || 1;
      if (top !== null) {
        // the page spans [low, top] (newest first): the entries it does not list (edits,
        // deletions, reactions) are folded into their messages, so they count as held
        r.cover(low, top);
        r.setBase(low - 1);
      } else if (page.next_before_seq) {
        r.setBase(page.next_before_seq - 1);
      }
      if (!page.next_before_seq && top !== null) r.noOlder = true;
    } catch (e) {
      // history is an optional service: the join's replay still brings the recent entries
    }
    if (r.base === null) r.setBase(Math.max(0, r.lastSeq - PAGE));
    if (state.openRoomId !== id) return;
    historyStatus(r);
    scrollToBottom(true);
  }
  join(r);
  r.peers.forEach((p) => p !== state.me && fetchPresence(p));
  flushCursors(r);
}

/** Joins the room on the session, replaying every entry above the contiguous run. */
function join(r) {
  const ref = session.join(r.id, r.contig);
  if (ref) sendRefs.set(ref, { roomId: r.id, join: true });
}

/** GET /v1/rooms/{id}: members and roles of the open room (events keep them current after). */
async function loadRoomInfo(r) {
  try {
    const info = await api.roomInfo(r.id);
    if (room(r.id) !== r) return;
    const role = r.roleOf(state.me);
    r.update({ kind: info.kind, name: info.name, encrypted: info.encrypted, last_seq: info.last_seq });
    r.setMembers(info.members || [], info.last_seq || 0);
    if (r.id === state.openRoomId) {
      renderOpenRoom(r);
      ui.renderPresence(r);
      if (r.roleOf(state.me) !== role) refreshMessages(r);
    }
    ui.renderRooms(openRoomById);
  } catch (e) {
    if (e.status === 403 || e.status === 404) return void loadRooms();
    // members are also learned from the room's events
  }
}

/** The open room's header, members panel and composer. */
function renderOpenRoom(r) {
  ui.renderRoomHead(r);
  ui.renderRoomPanel(r);
  const input = $('message-input');
  // an encrypted room (PROTOCOL.md section 6) is written to once this device's keys are up;
  // media there would have to be encrypted before upload, which this client does not do
  const readOnly = r.encrypted && !e2eeReady;
  input.disabled = readOnly;
  $('send-btn').disabled = readOnly;
  $('attach-btn').disabled = r.encrypted;
  input.placeholder = !r.encrypted ? 'Message'
    : readOnly ? (e2ee ? 'Encrypted room: setting up your keys…' : 'Encrypted room: this browser cannot hold keys')
      : 'Encrypted message';
}

/** Renders the shown messages again (my role changed: the delete buttons follow it). */
function refreshMessages(r) {
  for (const m of r.messages.values()) ui.placeMessage(r, m);
}

function toggleRoomPanel(show) {
  const panel = $('room-panel');
  panel.hidden = show === undefined ? !panel.hidden : !show;
  $('members-btn').setAttribute('aria-expanded', String(!panel.hidden));
  const r = openRoom();
  if (!panel.hidden && r) {
    ui.renderRoomPanel(r);
    loadRoomInfo(r);
  }
}

/** A membership or name change over HTTP; its event updates the view when it arrives. */
async function roomChange(what, call) {
  try {
    await freshToken();
    return await call(newClientMsgId());
  } catch (e) {
    toast(`${what}: ${e.message}`);
    return null;
  }
}

async function renameRoom() {
  const r = openRoom();
  const name = $('rename-input').value.trim();
  if (!r || !name || name === r.name) return;
  if (await roomChange('Rename', (cmid) => api.rename(r.id, name, cmid))) $('rename-input').blur();
}

async function addMember() {
  const r = openRoom();
  const user = $('add-member-input').value.trim();
  if (!r || !user) return;
  if (await roomChange('Add member', (cmid) => api.addMember(r.id, user, undefined, cmid))) {
    $('add-member-input').value = '';
  }
}

function removeMember(r, userId) {
  roomChange('Remove member', (cmid) => api.removeMember(r.id, userId, cmid));
}

function setRole(r, userId, role) {
  roomChange('Change role', (cmid) => api.setRole(r.id, userId, role, cmid));
}

async function leaveRoom() {
  const r = openRoom();
  if (!r || r.kind !== 'group') return;
  const res = await roomChange('Leave', (cmid) => api.removeMember(r.id, state.me, cmid));
  if (res) dropRoom(r.id, `You left ${r.title(state.me)}`, res.seq);
}

// ---------- frames ----------

function onFrame(f) {
  // to_device, to_device_sent, to_device_dropped and the errors of to_device frames
  if (!e2ee && e2eeSupported === undefined && String(f.type).startsWith('to_device')) return void earlyFrames.push(f);
  if (e2ee && e2ee.onFrame(f)) {
    if (f.type === 'to_device_dropped') toast(`${f.count} key message(s) for this device were dropped; missing keys are asked for again`, 'info');
    return undefined;
  }
  switch (f.type) {
    case 'joined': return onJoined(f);
    case 'message': return onMessage(f);
    case 'event': return onEvent(f);
    case 'sent': return onSent(f);
    case 'receipt': return onReceipt(f);
    case 'typing': return onTyping(f);
    case 'presence': return onPresence(f);
    case 'resumed': return onJoined(f);
    case 'read_state': return onReadState(f);
    case 'error': return onError(f);
    default: return undefined;
  }
}

function onJoined(f) {
  const r = room(f.room_id);
  if (!r) return;
  r.update({ last_seq: f.last_seq, read_seq: f.read_seq });
  if (f.read_seq) r.readSent = Math.max(r.readSent, f.read_seq);
  flushCursors(r);
}

/** v1.1: my read cursor moved on another device of mine. */
function onReadState(f) {
  document.body.dataset.readStates = String(Number(document.body.dataset.readStates || 0) + 1);
  const r = room(f.room_id);
  if (!r) return;
  r.update({ read_seq: f.read_seq });
  r.readSent = Math.max(r.readSent, f.read_seq);
  if (f.read_seq >= r.lastSeq && r.unread !== 0) {
    r.unread = 0;
    ui.renderRooms(openRoomById);
  }
}

function reactionMap(list) {
  const map = new Map();
  for (const x of list || []) if (x.user_ids?.length) map.set(x.emoji, new Set(x.user_ids));
  return map;
}

/** A message frame (live, replayed, or from history with its current state) as the client holds it. */
function normalize(f) {
  const deleted = !!f.deleted;
  return {
    seq: f.seq, msg_id: f.msg_id, sender_id: f.sender_id, client_msg_id: f.client_msg_id,
    body: deleted ? '' : f.body || '', encrypted: !deleted && f.body == null && f.ciphertext != null,
    ciphertext: deleted ? null : f.ciphertext ?? null,
    media: deleted ? [] : f.media || [], reply_to_seq: f.reply_to_seq, ts: f.ts,
    edited_ts: f.edited_ts || null, deleted, reactions: deleted ? new Map() : reactionMap(f.reactions),
  };
}

function normalizeEvent(f) {
  const { type: _type, room: _summary, ...e } = f;
  return { ...e, event: true };
}

function onMessage(f) {
  const r = room(f.room_id);
  if (!r) return void loadRooms();
  const m = normalize(f);
  if (m.sender_id !== state.me) notePeer(r, m.sender_id);
  const echo = m.sender_id === state.me && m.client_msg_id ? r.pending.get(m.client_msg_id) : null;
  // my own encrypted message: its text is the local echo's (it decrypts to the same)
  if (echo && m.encrypted && echo.ciphertext === m.ciphertext) Object.assign(m, { body: echo.body, encrypted: false, decrypted: true });
  if (echo) r.pending.delete(m.client_msg_id);
  if (!addEntries(r, [m])) return;
  if (m.sender_id !== state.me && r.typing.has(m.sender_id)) {
    clearTimeout(r.typing.get(m.sender_id));
    r.typing.delete(m.sender_id);
    if (r.id === state.openRoomId) ui.renderTyping(r);
  }
  if (r.id !== state.openRoomId && m.sender_id !== state.me) {
    r.unread++;
    ui.renderRooms(openRoomById);
  }
}

/**
 * A room event (PROTOCOL.md section 4). In the joined room it is an entry of the log like a
 * message: deduplicated by seq and counted in the contiguous run. Outside it (room_created,
 * member_*, room_renamed reach every member, and the user they name, joined or not) it only
 * updates the room list: the join's replay brings it as an entry later. A new room comes with
 * {@code room}, so it is listed at once; after my own member_removed the room sends nothing more.
 */
function onEvent(f) {
  let r = room(f.room_id);
  const removesMe = f.kind === 'member_removed' && f.user_id === state.me;
  if (!r) {
    if (removesMe) return;
    if (!f.room) return void loadRooms();
    if ((state.left.get(f.room_id) ?? -1) >= f.seq) return;
    state.left.delete(f.room_id);
    r = new Room({ room_id: f.room_id, kind: f.room.kind, name: f.room.name, last_seq: f.room.last_seq });
    r.origin = 'event';
    state.rooms.set(r.id, r);
  } else if (f.room) {
    r.update({ kind: f.room.kind, name: f.room.name, encrypted: f.room.encrypted, last_seq: f.room.last_seq });
  }
  if (f.room) r.encrypted = !!f.room.encrypted;
  const e = normalizeEvent(f);
  if (session.rooms.has(r.id) && r.base !== null) {
    if (!addEntries(r, [e])) return;
  } else {
    applyRoomEvent(r, e);
    r.lastSeq = Math.max(r.lastSeq, e.seq);
  }
  if (removesMe) {
    const by = f.actor_id === state.me ? 'You left' : `${f.actor_id} removed you from`;
    return void dropRoom(r.id, `${by} ${r.title(state.me)}`, f.seq);
  }
  ui.renderRooms(openRoomById);
}

/** What a timeline event changes of the room: its name, members and roles (never undone by older entries). */
function applyRoomEvent(r, e) {
  switch (e.kind) {
    case 'room_created':
      r.update({ kind: e.room_kind, encrypted: e.encrypted });
      r.rename(e.name ?? null, e.seq);
      for (const m of e.members || []) r.setMember(m.user_id, true, m.role, e.seq);
      r.membersKnown = true;
      break;
    case 'member_added':
      r.setMember(e.user_id, true, e.role, e.seq);
      break;
    case 'member_removed':
      r.setMember(e.user_id, false, null, e.seq);
      break;
    case 'role_changed':
      r.setMember(e.user_id, true, e.role, e.seq);
      break;
    case 'room_renamed':
      r.rename(e.name, e.seq);
      break;
    default:
      return false;
  }
  if (r.id === state.openRoomId) {
    renderOpenRoom(r);
    ui.renderPresence(r);
    if (e.user_id === state.me && e.kind === 'role_changed') refreshMessages(r);
  }
  return true;
}

/**
 * An edit, deletion or reaction applied to its message, if held (an older message comes from
 * history with them folded in). Replays bring them again in seq order, so each is idempotent.
 */
function applyToMessage(r, e) {
  const m = r.messages.get(e.target_seq);
  if (!m || m.deleted) return null;
  switch (e.kind) {
    case 'message_edited':
      m.body = e.body ?? '';
      m.encrypted = e.body == null && e.ciphertext != null;
      m.ciphertext = e.ciphertext ?? null;
      m.decrypted = undefined;
      m.decryptError = null;
      m.edited_ts = e.ts;
      if (m.encrypted) decryptInto(r, m);
      break;
    case 'message_deleted':
      Object.assign(m, { deleted: true, body: '', media: [], reactions: new Map(), encrypted: false });
      if (state.editing?.roomId === r.id && state.editing.seq === m.seq) cancelEdit();
      break;
    case 'reaction': {
      const users = m.reactions.get(e.emoji) || new Set();
      if (e.active) users.add(e.actor_id);
      else users.delete(e.actor_id);
      if (users.size) m.reactions.set(e.emoji, users);
      else m.reactions.delete(e.emoji);
      break;
    }
    default:
      return null;
  }
  return m;
}

/** A history page (newest first); the highest seq it lists, or null when it lists nothing. */
function addPage(r, page) {
  const entries = [...(page.messages || []).map(normalize), ...(page.events || []).map(normalizeEvent)];
  addEntries(r, entries);
  return entries.length ? Math.max(...entries.map((x) => x.seq)) : null;
}

/** Adds sequenced entries (deduplicated by seq) and shows them; true if any was new. */
function addEntries(r, entries) {
  const open = r.id === state.openRoomId;
  const atBottom = open && nearBottom();
  const list = $('messages');
  const before = list.scrollHeight;
  const top = list.scrollTop;
  let added = false;
  let older = false;
  for (const x of entries) {
    if (x.event) {
      if (!r.mark(x.seq)) continue;
      if (TIMELINE_KINDS.has(x.kind)) {
        r.events.set(x.seq, x);
        applyRoomEvent(r, x);
        if (open) ui.placeEvent(x);
      } else {
        const m = applyToMessage(r, x);
        if (m && open) ui.placeMessage(r, m);
      }
    } else {
      if (!r.add(x)) continue;
      if (x.sender_id !== state.me) notePeer(r, x.sender_id);
      if (open) ui.placeMessage(r, x);
      if (x.encrypted) decryptInto(r, x);
    }
    added = true;
    older ||= r.base !== null && x.seq <= r.base;
  }
  if (!added) return false;
  if (open) {
    if (atBottom && !older) scrollToBottom(true);
    else if (older) list.scrollTop = top + (list.scrollHeight - before);
  }
  scheduleCursors(r);
  scheduleGapFill(r);
  return true;
}

function onSent(f) {
  const r = room(f.room_id);
  if (!r) return;
  // an edit, deletion or reaction: its event (same seq) brings the change
  if (r.actions.delete(f.client_msg_id)) return;
  const p = r.pending.get(f.client_msg_id);
  if (!p) return;
  r.pending.delete(f.client_msg_id);
  Object.assign(p, { seq: f.seq, msg_id: f.msg_id, ts: f.ts || p.ts });
  if (r.messages.has(f.seq)) {
    // the message frame came first: drop the local echo
    if (r.id === state.openRoomId) ui.placeMessage(r, r.messages.get(f.seq));
    return;
  }
  addEntries(r, [p]);
}

/**
 * Ticks: in a direct room the receipt names the peer whose cursor moved; in a group the counts
 * say how many members are at or past receipt.seq (me included when my own cursor is there).
 */
function onReceipt(f) {
  const r = room(f.room_id);
  if (!r || f.user_id === state.me) return;
  const read = f.status === 'read';
  let covers = true;
  if (!f.user_id && f.member_count) {
    const mine = read ? r.readSent : r.ackSent;
    const need = mine >= f.seq ? f.member_count : f.member_count - 1;
    covers = (read ? f.read_count : f.delivered_count) >= need;
  } else if (f.user_id) {
    notePeer(r, f.user_id);
  }
  if (!covers) return;
  r.deliveredUpTo = Math.max(r.deliveredUpTo, f.seq);
  if (read) r.readUpTo = Math.max(r.readUpTo, f.seq);
  if (r.id === state.openRoomId) ui.refreshTicks(r);
}

function onTyping(f) {
  const r = room(f.room_id);
  if (!r || f.user_id === state.me) return;
  notePeer(r, f.user_id);
  clearTimeout(r.typing.get(f.user_id));
  if (f.active) {
    r.typing.set(f.user_id, setTimeout(() => {
      r.typing.delete(f.user_id);
      if (r.id === state.openRoomId) ui.renderTyping(r);
    }, TYPING_TTL_MS));
  } else {
    r.typing.delete(f.user_id);
  }
  if (r.id === state.openRoomId) ui.renderTyping(r);
}

function onPresence(f) {
  state.presence.set(f.user_id, { status: f.status, last_seen: f.last_seen });
  const r = openRoom();
  if (r && r.peers.has(f.user_id)) ui.renderPresence(r);
}

function onError(f) {
  const target = f.ref && sendRefs.get(f.ref);
  if (!target) return void toast(`${f.code}: ${f.message}`);
  sendRefs.delete(f.ref);
  const r = room(target.roomId);
  if (target.join) {
    // no longer a member (removed while this client was away): the room is gone
    if (f.code === 'forbidden' && r) dropRoom(r.id, `You are no longer a member of ${r.title(state.me)}`);
    else toast(`${f.code}: ${f.message}`);
    return;
  }
  toast(`${f.code}: ${f.message}`);
  const retry = f.code === 'rate_limited' || f.code === 'unavailable' || f.code === 'internal';
  const action = r?.actions.get(target.clientMsgId);
  if (action) {
    if (retry) setTimeout(() => transmitAction(r, target.clientMsgId), f.retry_after_ms || 2000);
    else r.actions.delete(target.clientMsgId);
    return;
  }
  const p = r?.pending.get(target.clientMsgId);
  if (!p) return;
  if (retry) {
    setTimeout(() => transmit(r, p), f.retry_after_ms || 2000);
  } else {
    p.failed = true;
    if (r.id === state.openRoomId) ui.placeMessage(r, p);
  }
}

function notePeer(r, userId) {
  if (!userId || userId === state.me || r.peers.has(userId)) return;
  r.peers.add(userId);
  if (r.id === state.openRoomId) {
    $('room-title').textContent = r.title(state.me);
    ui.renderPresence(r);
    fetchPresence(userId);
  }
}

async function fetchPresence(userId) {
  try {
    const p = await api.presence(userId);
    if (!state.presence.has(userId) || state.presence.get(userId).fetched) {
      state.presence.set(userId, { status: p.status, last_seen: p.last_seen, fetched: true });
    }
    const r = openRoom();
    if (r && r.peers.has(userId)) ui.renderPresence(r);
  } catch {
    // presence is decoration
  }
}

// ---------- delivered / read cursors ----------

function scheduleCursors(r) {
  clearTimeout(r.cursorTimer);
  r.cursorTimer = setTimeout(() => flushCursors(r), 150);
}

function flushCursors(r) {
  if (r.contig > r.ackSent && session.send({ type: 'ack', room_id: r.id, seq: r.contig })) {
    r.ackSent = r.contig;
  }
  const visible = r.id === state.openRoomId && document.visibilityState === 'visible';
  if (visible && r.contig > r.readSent && session.send({ type: 'read', room_id: r.id, seq: r.contig })) {
    r.readSent = r.contig;
  }
  if (visible && r.unread !== 0) {
    r.unread = 0;
    ui.renderRooms(openRoomById);
  }
}

/**
 * A gap that the replay did not close in time: join again from the contiguous seq, so the server
 * replays the log's entries as appended. (History would not do: it folds edits, deletions and
 * reactions into their messages and does not list them, so their seqs would stay missing.)
 */
function scheduleGapFill(r, delay = 2000) {
  if (r.gapTimer || !r.gap()) return;
  r.gapTimer = setTimeout(() => {
    r.gapTimer = null;
    if (!r.gap() || room(r.id) !== r) return;
    if (session.rooms.has(r.id)) join(r);
    scheduleGapFill(r, Math.min(30000, delay * 2));
  }, delay);
}

// ---------- sending ----------

function newClientMsgId() {
  return 'w' + Date.now().toString(36) + randomId(8);
}

function sendMessage(body, media = []) {
  const r = openRoom();
  if (!r || (!body.trim() && media.length === 0)) return;
  const m = {
    seq: null, client_msg_id: newClientMsgId(), sender_id: state.me,
    body, media, ts: Date.now(), edited_ts: null, deleted: false, reactions: new Map(),
  };
  r.pending.set(m.client_msg_id, m);
  ui.placeMessage(r, m);
  scrollToBottom(true);
  transmit(r, m);
}

function transmit(r, m) {
  if (!r.pending.has(m.client_msg_id)) return;
  if (r.encrypted) return void transmitEncrypted(r, m);
  const frame = { type: 'send', room_id: r.id, client_msg_id: m.client_msg_id, body: m.body };
  if (m.media.length) frame.media_ids = m.media.map((x) => x.media_id);
  m.sentAt = Date.now();
  if (session.send(frame)) sendRefs.set(frame.ref, { roomId: r.id, clientMsgId: m.client_msg_id });
}

/**
 * A send into an encrypted room: my sender key is shared with every device of every member first
 * (to_device, each frame awaited), then the message goes with {@code ciphertext} and no body. The
 * ciphertext is made once, so a resend (same client_msg_id) is the same frame.
 */
function transmitEncrypted(r, m) {
  m.sentAt = Date.now();
  if (m.ciphertext) {
    const frame = { type: 'send', room_id: r.id, client_msg_id: m.client_msg_id, ciphertext: m.ciphertext };
    if (session.send(frame)) sendRefs.set(frame.ref, { roomId: r.id, clientMsgId: m.client_msg_id });
    return;
  }
  if (m.preparing || !e2ee) return;
  m.preparing = e2ee.encryptForRoom(r.id, m.body).then((ct) => {
    m.preparing = null;
    m.ciphertext = ct;
    transmit(r, m);
  }, (err) => {
    // kept pending: resendStale tries again (a member's device may have been unreachable)
    m.preparing = null;
    if (err.reason !== 'offline') toast(`Encrypt: ${err.message}`);
  });
}

/**
 * An edit, deletion or reaction (PROTOCOL.md section 4): a command with its own client_msg_id,
 * answered by {@code sent}; the change itself shows when its event arrives.
 */
function sendAction(r, frame) {
  const clientMsgId = newClientMsgId();
  r.actions.set(clientMsgId, { frame: { ...frame, room_id: r.id, client_msg_id: clientMsgId }, sentAt: 0 });
  transmitAction(r, clientMsgId);
}

function transmitAction(r, clientMsgId) {
  const a = r.actions.get(clientMsgId);
  if (!a) return;
  const frame = { ...a.frame };
  a.sentAt = Date.now();
  if (session.send(frame)) sendRefs.set(frame.ref, { roomId: r.id, clientMsgId });
}

function react(r, m, emoji, active) {
  if (m.seq == null || m.deleted) return;
  sendAction(r, { type: 'react', target_seq: m.seq, emoji, active });
}

function deleteMessage(r, m) {
  if (m.seq == null || m.deleted) return;
  sendAction(r, { type: 'delete', target_seq: m.seq });
}

/** Edit mode: the composer holds the message's body; submitting it sends an edit. */
function startEdit(r, m) {
  if (m.seq == null || m.deleted || m.sender_id !== state.me || r.id !== state.openRoomId) return;
  stopTyping();
  state.editing = { roomId: r.id, seq: m.seq };
  $('message-input').value = m.body;
  ui.renderEditing(state.editing);
  $('message-input').focus();
}

function cancelEdit() {
  if (!state.editing) return;
  state.editing = null;
  $('message-input').value = '';
  ui.renderEditing(null);
}

function submitEdit(body) {
  const { roomId, seq } = state.editing;
  cancelEdit();
  const r = room(roomId);
  const m = r?.messages.get(seq);
  if (!m || m.deleted || !body.trim() || body === m.body) return;
  if (!r.encrypted) return void sendAction(r, { type: 'edit', target_seq: seq, body });
  if (!e2ee) return;
  e2ee.encryptForRoom(r.id, body).then((ciphertext) => sendAction(r, { type: 'edit', target_seq: seq, ciphertext }),
    (err) => toast(`Encrypt: ${err.message}`));
}

/** After each (re)connect: the room list may have changed meanwhile; pending commands go again. */
function onReady() {
  resendPending();
  loadRooms();
  if (e2eeReady) e2ee.topUp().catch(() => {});
}

/** After a (re)connect: the same client_msg_id again is idempotent on the server. */
function resendPending() {
  for (const id of session.rooms) {
    const r = room(id);
    r?.pending.forEach((m) => !m.failed && transmit(r, m));
    r?.actions.forEach((a, clientMsgId) => transmitAction(r, clientMsgId));
  }
  const r = openRoom();
  if (r) flushCursors(r);
}

function resendStale() {
  if (!session.online) return;
  const stale = (t) => Date.now() - (t || 0) > RESEND_AFTER_MS;
  for (const r of state.rooms.values()) {
    r.pending.forEach((m) => !m.failed && stale(m.sentAt) && transmit(r, m));
    r.actions.forEach((a, clientMsgId) => stale(a.sentAt) && transmitAction(r, clientMsgId));
  }
}

function onComposerInput() {
  const r = openRoom();
  if (!r || state.editing) return;
  if ($('message-input').value.trim() === '') return stopTyping();
  const now = Date.now();
  if (!typing.on || typing.roomId !== r.id || now - typing.sentAt > TYPING_REFRESH_MS) {
    if (typing.on && typing.roomId !== r.id) stopTyping();
    session.send({ type: 'typing', room_id: r.id, active: true });
    typing = { ...typing, roomId: r.id, on: true, sentAt: now };
  }
  clearTimeout(typing.timer);
  typing.timer = setTimeout(stopTyping, TYPING_TTL_MS);
}

function stopTyping() {
  clearTimeout(typing.timer);
  if (typing.on) session.send({ type: 'typing', room_id: typing.roomId, active: false });
  typing = { roomId: null, on: false, sentAt: 0, timer: null };
}

// ---------- media ----------

async function attach(file) {
  const r = openRoom();
  if (!r || !file) return;
  cancelEdit();
  if (!/^image\/(png|jpeg|gif|webp)$/.test(file.type)) return toast('Only PNG, JPEG, GIF or WebP images');
  try {
    const bytes = await file.arrayBuffer();
    const sha256 = await sha256Hex(bytes);
    const up = await api.createMedia({ mime: file.type, size: file.size, sha256, room_id: r.id });
    await api.upload(up.upload_url, file.type, bytes);
    mediaUrls.set(up.media_id, Promise.resolve(URL.createObjectURL(file)));
    const body = $('message-input').value;
    $('message-input').value = '';
    sendMessage(body, [{ media_id: up.media_id, mime: file.type, size: file.size }]);
  } catch (e) {
    toast(`Attach: ${e.message}`);
  }
}

function mediaEl(x) {
  if (!String(x.mime || '').startsWith('image/')) {
    return h('div', { class: 'attachment', text: `attachment ${x.media_id}` });
  }
  const img = h('img', { class: 'media', alt: 'image', 'data-testid': 'media', 'data-media-id': x.media_id });
  img.addEventListener('load', () => nearBottom(200) && scrollToBottom(true));
  if (!mediaUrls.has(x.media_id)) {
    mediaUrls.set(x.media_id, api.mediaBlob(x.media_id).then((b) => URL.createObjectURL(b)));
  }
  mediaUrls.get(x.media_id).then((url) => { img.src = url; }, () => {
    mediaUrls.delete(x.media_id);
    img.replaceWith(h('span', { class: 'media-missing', text: 'image unavailable' }));
  });
  return img;
}

// ---------- history and search ----------

function historyStatus(r) {
  const done = r.noOlder || (r.olderBefore ?? 1) <= 1;
  $('load-older').hidden = done || !!r.loadingOlder;
  $('history-status').textContent = r.loadingOlder ? 'Loading…' : done ? 'Beginning of the conversation' : '';
}

async function loadOlder() {
  const r = openRoom();
  if (!r || r.loadingOlder || r.noOlder || r.base === null) return;
  const before = r.olderBefore;
  if (before <= 1) {
    r.noOlder = true;
    return historyStatus(r);
  }
  r.loadingOlder = true;
  historyStatus(r);
  try {
    const page = await api.history(r.id, before, PAGE);
    if (room(r.id) !== r) return;
    // a page spans up to PAGE entries and may list few of them (folded edits and reactions):
    // only a missing next_before_seq means the start of the room
    if (page.next_before_seq) r.olderBefore = Math.min(r.olderBefore, page.next_before_seq);
    else r.noOlder = true;
    addPage(r, page);
  } catch (e) {
    toast(`History: ${e.message}`);
  } finally {
    r.loadingOlder = false;
    if (r.id === state.openRoomId) historyStatus(r);
  }
}

async function search(q) {
  if (!q) {
    $('search-results').hidden = true;
    return;
  }
  try {
    const res = await api.search(q, state.openRoomId);
    ui.renderSearch(res.hits || [], pickHit);
  } catch (e) {
    toast(`Search: ${e.message}`);
  }
}

async function pickHit(hit) {
  if (hit.room_id !== state.openRoomId && room(hit.room_id)) await openRoomById(hit.room_id);
  const r = openRoom();
  for (let i = 0; i < 20 && r && !r.messages.has(hit.seq) && !r.noOlder; i++) await loadOlder();
  const el = $('message-list').querySelector(`li[data-seq="${hit.seq}"]`);
  if (el) {
    el.scrollIntoView({ block: 'center' });
    el.classList.add('flash');
    setTimeout(() => el.classList.remove('flash'), 1600);
  }
}

// ---------- wiring ----------

function nearBottom(px = 60) {
  const el = $('messages');
  return el.scrollHeight - el.scrollTop - el.clientHeight < px;
}

function scrollToBottom(force) {
  const el = $('messages');
  if (force || nearBottom()) el.scrollTop = el.scrollHeight;
}

function wire() {
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn($('signin-user').value.trim());
  });
  $('signout-btn').addEventListener('click', signOut);
  $('devices-btn').addEventListener('click', () => toggleDevices());
  $('devices-close').addEventListener('click', () => toggleDevices(false));
  $('new-room-kind').addEventListener('change', () => {
    $('new-room-name').hidden = $('new-room-kind').value !== 'group';
  });
  $('new-room-form').addEventListener('submit', (e) => {
    e.preventDefault();
    createRoom();
  });
  $('refresh-rooms').addEventListener('click', loadRooms);
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = $('message-input').value;
    if (state.editing) return void submitEdit(body);
    $('message-input').value = '';
    stopTyping();
    sendMessage(body);
  });
  $('message-input').addEventListener('input', onComposerInput);
  $('message-input').addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.editing) cancelEdit();
  });
  $('edit-cancel').addEventListener('click', cancelEdit);
  $('members-btn').addEventListener('click', () => toggleRoomPanel());
  $('room-panel-close').addEventListener('click', () => toggleRoomPanel(false));
  $('rename-form').addEventListener('submit', (e) => {
    e.preventDefault();
    renameRoom();
  });
  $('add-member-form').addEventListener('submit', (e) => {
    e.preventDefault();
    addMember();
  });
  $('leave-btn').addEventListener('click', leaveRoom);
  $('attach-btn').addEventListener('click', () => $('attach-input').click());
  $('attach-input').addEventListener('change', (e) => {
    attach(e.target.files[0]);
    e.target.value = '';
  });
  $('messages').addEventListener('scroll', () => {
    if ($('messages').scrollTop < 40) loadOlder();
  });
  $('load-older').addEventListener('click', loadOlder);
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    search($('search-input').value.trim());
  });
  document.addEventListener('visibilitychange', () => {
    const visible = document.visibilityState === 'visible';
    session.send({ type: 'presence', status: visible ? 'online' : 'away' });
    if (visible) {
      session.reconnectNow();
      const r = openRoom();
      if (r) flushCursors(r);
    }
  });
  window.addEventListener('online', () => session.reconnectNow());
}

wire();
window.parley = { state, session, e2ee: null }; // for debugging from the console
const saved = sessionStorage.getItem('parley.token');
if (saved) {
  setToken(saved, sessionStorage.getItem('parley.me'));
  enterApp();
}
