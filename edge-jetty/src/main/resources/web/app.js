// Parley web client: wires the HTTP API, the WebSocket session and the DOM together.

import { createApi } from './api.js';
import { Session } from './protocol.js';
import { Room, state, room, openRoom } from './store.js';
import { sha256Hex } from './sha256.js';
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
  onReady: resendPending,
});
const sendRefs = new Map(); // ref of a send -> {roomId, clientMsgId}
const mediaUrls = new Map(); // media_id -> Promise<object URL>
let typing = { roomId: null, on: false, sentAt: 0, timer: null };
let wasOnline = false;
let roomsFailing = false;

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
    const t = await api.devToken(state.me);
    setToken(t.token, state.me);
  }
}

async function signIn(userId) {
  try {
    const t = await api.devToken(userId);
    setToken(t.token, t.user_id || userId);
    enterApp();
  } catch (e) {
    toast(`Sign in failed: ${e.message}`);
  }
}

function enterApp() {
  $('signin').hidden = true;
  $('app').hidden = false;
  $('me').textContent = state.me;
  $('signout-btn').hidden = false;
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

async function loadRooms() {
  try {
    await freshToken();
    const list = await api.rooms();
    roomsFailing = false;
    for (const s of list) {
      let r = room(s.room_id);
      if (r) r.update(s);
      else state.rooms.set(s.room_id, (r = new Room(s)));
      const peer = r.kind === 'direct' ? r.peer(state.me) : null;
      if (peer) r.peers.add(peer);
      if (r.id === state.openRoomId && r.readSent >= r.lastSeq) r.unread = 0;
    }
    ui.renderRooms(openRoomById);
    const r = openRoom();
    if (r) $('room-title').textContent = r.title(state.me);
  } catch (e) {
    if (e.status === 401) await freshToken(true).catch(() => {});
    if (!roomsFailing) toast(`Rooms: ${e.message}`);
    roomsFailing = true;
  }
}

async function createRoom() {
  const kind = $('new-room-kind').value;
  const members = $('new-room-members').value.split(',').map((s) => s.trim()).filter((s) => s && s !== state.me);
  if (members.length === 0) return toast('Name at least one other user');
  if (kind === 'direct' && members.length !== 1) return toast('A direct room has exactly one other user');
  const name = kind === 'direct' ? `${state.me} & ${members[0]}` : $('new-room-name').value.trim() || [state.me, ...members].join(', ');
  try {
    const { room_id: id } = await api.createRoom(kind, members, name);
    const r = new Room({ room_id: id, kind, name, last_seq: 0, read_seq: 0, unread: 0 });
    members.forEach((m) => r.peers.add(m));
    state.rooms.set(id, r);
    $('new-room-members').value = '';
    $('new-room-name').value = '';
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
    session.leave(prev.id);
    prev.typing.forEach((t) => clearTimeout(t));
    prev.typing.clear();
  }
  const r = room(id);
  state.openRoomId = id;
  $('room-view').dataset.roomId = id;
  $('room-empty').hidden = true;
  $('room-pane').hidden = false;
  $('search-results').hidden = true;
  $('search-input').value = '';
  $('room-title').textContent = r.title(state.me);
  $('message-list').replaceChildren();
  for (const m of [...r.messages.values()].sort((a, b) => a.seq - b.seq)) ui.placeMessage(r, m, mediaEl);
  for (const m of r.pending.values()) ui.placeMessage(r, m, mediaEl);
  ui.renderTyping(r);
  ui.renderPresence(r);
  ui.renderRooms(openRoomById);
  historyStatus(r);
  scrollToBottom(true);
  $('message-input').focus();

  if (r.base === null) {
    // first open: the newest page from the archive; the join's replay covers what it lacks
    try {
      const page = await api.history(id, undefined, PAGE);
      addMessages(r, (page.messages || []).map(normalize));
      if (!page.next_before_seq) r.noOlder = true;
    } catch (e) {
      // history is an optional service: the join's replay still brings the recent messages
    }
    if (r.base === null) {
      r.setBase(r.minSeq !== Infinity ? r.minSeq - 1 : Math.max(0, r.lastSeq - PAGE));
    }
    if (state.openRoomId !== id) return;
    historyStatus(r);
    scrollToBottom(true);
  }
  session.join(id, r.contig);
  r.peers.forEach((p) => p !== state.me && fetchPresence(p));
  flushCursors(r);
}

// ---------- frames ----------

function onFrame(f) {
  switch (f.type) {
    case 'joined': return onJoined(f);
    case 'message': return onMessage(f);
    case 'sent': return onSent(f);
    case 'receipt': return onReceipt(f);
    case 'typing': return onTyping(f);
    case 'presence': return onPresence(f);
    case 'resumed': return onJoined(f);
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

function normalize(f) {
  return {
    seq: f.seq, msg_id: f.msg_id, sender_id: f.sender_id, client_msg_id: f.client_msg_id,
    body: f.body || '', media: f.media || [], reply_to_seq: f.reply_to_seq, ts: f.ts,
  };
}

function onMessage(f) {
  const r = room(f.room_id);
  if (!r) return void loadRooms();
  const m = normalize(f);
  if (m.sender_id !== state.me) notePeer(r, m.sender_id);
  if (m.sender_id === state.me && m.client_msg_id) r.pending.delete(m.client_msg_id);
  if (!addMessages(r, [m])) return;
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

/** Adds sequenced messages (deduplicated by seq) and shows them; true if any was new. */
function addMessages(r, messages) {
  const open = r.id === state.openRoomId;
  const atBottom = open && nearBottom();
  const list = $('messages');
  const before = list.scrollHeight;
  const top = list.scrollTop;
  let added = false;
  let older = false;
  for (const m of messages) {
    if (!r.add(m)) continue;
    added = true;
    older ||= r.base !== null && m.seq <= r.base;
    if (m.sender_id !== state.me) notePeer(r, m.sender_id);
    if (open) ui.placeMessage(r, m, mediaEl);
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
  const p = r.pending.get(f.client_msg_id);
  if (!p) return;
  r.pending.delete(f.client_msg_id);
  Object.assign(p, { seq: f.seq, msg_id: f.msg_id, ts: f.ts || p.ts });
  if (r.messages.has(f.seq)) {
    // the message frame came first: drop the local echo
    if (r.id === state.openRoomId) ui.placeMessage(r, r.messages.get(f.seq), mediaEl);
    return;
  }
  addMessages(r, [p]);
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
  toast(`${f.code}: ${f.message}`);
  if (!target) return;
  sendRefs.delete(f.ref);
  const r = room(target.roomId);
  const p = r?.pending.get(target.clientMsgId);
  if (!p) return;
  if (f.code === 'rate_limited' || f.code === 'unavailable' || f.code === 'internal') {
    setTimeout(() => transmit(r, p), f.retry_after_ms || 2000);
  } else {
    p.failed = true;
    if (r.id === state.openRoomId) ui.placeMessage(r, p, mediaEl);
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

function scheduleGapFill(r, delay = 2000) {
  if (r.gapTimer || !r.gap()) return;
  r.gapTimer = setTimeout(async () => {
    r.gapTimer = null;
    const gap = r.gap();
    if (!gap) return;
    // a gap that replay did not close in time: fetch exactly it from history
    try {
      const page = await api.history(r.id, gap[1] + 1, Math.min(200, gap[1] - gap[0] + 1));
      addMessages(r, (page.messages || []).map(normalize));
    } catch {
      // retried below
    }
    scheduleGapFill(r, Math.min(30000, delay * 2));
  }, delay);
}

// ---------- sending ----------

function sendMessage(body, media = []) {
  const r = openRoom();
  if (!r || (!body.trim() && media.length === 0)) return;
  const m = {
    seq: null, client_msg_id: 'w' + Date.now().toString(36) + randomId(8), sender_id: state.me,
    body, media, ts: Date.now(),
  };
  r.pending.set(m.client_msg_id, m);
  ui.placeMessage(r, m, mediaEl);
  scrollToBottom(true);
  transmit(r, m);
}

function transmit(r, m) {
  if (!r.pending.has(m.client_msg_id)) return;
  const frame = { type: 'send', room_id: r.id, client_msg_id: m.client_msg_id, body: m.body };
  if (m.media.length) frame.media_ids = m.media.map((x) => x.media_id);
  m.sentAt = Date.now();
  if (session.send(frame)) sendRefs.set(frame.ref, { roomId: r.id, clientMsgId: m.client_msg_id });
}

/** After a (re)connect: the same client_msg_id again is idempotent on the server. */
function resendPending() {
  for (const id of session.rooms) {
    const r = room(id);
    r?.pending.forEach((m) => !m.failed && transmit(r, m));
  }
  const r = openRoom();
  if (r) flushCursors(r);
}

function resendStale() {
  if (!session.online) return;
  for (const r of state.rooms.values()) {
    r.pending.forEach((m) => !m.failed && Date.now() - (m.sentAt || 0) > RESEND_AFTER_MS && transmit(r, m));
  }
}

function onComposerInput() {
  const r = openRoom();
  if (!r) return;
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
  const done = r.noOlder || r.minSeq === 1 || (r.minSeq === Infinity && (r.base ?? 0) === 0);
  $('load-older').hidden = done || !!r.loadingOlder;
  $('history-status').textContent = r.loadingOlder ? 'Loading…' : done ? 'Beginning of the conversation' : '';
}

async function loadOlder() {
  const r = openRoom();
  if (!r || r.loadingOlder || r.noOlder || r.base === null) return;
  const before = r.minSeq !== Infinity ? r.minSeq : r.base + 1;
  if (before <= 1) {
    r.noOlder = true;
    return historyStatus(r);
  }
  r.loadingOlder = true;
  historyStatus(r);
  try {
    const page = await api.history(r.id, before, PAGE);
    if (!page.next_before_seq || !(page.messages || []).length) r.noOlder = true;
    addMessages(r, (page.messages || []).map(normalize));
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
    $('message-input').value = '';
    stopTyping();
    sendMessage(body);
  });
  $('message-input').addEventListener('input', onComposerInput);
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
window.parley = { state, session }; // for debugging from the console
const saved = sessionStorage.getItem('parley.token');
if (saved) {
  setToken(saved, sessionStorage.getItem('parley.me'));
  enterApp();
}
