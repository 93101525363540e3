// DOM rendering. Every text from the server goes in through textContent; the one HTML that is
// used (search highlights) is escaped first and only <em> is let back in.

import { state, statusOf } from './store.js';

export const $ = (id) => document.getElementById(id);

/** The quick reactions every message offers; other emoji sent by other clients show beside them. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂'];
const DELETE_ARM_MS = 3000;

// what the controls call: media(x, m), react(r, m, emoji, active), edit(r, m), remove(r, m),
// setRole(r, userId, role), removeMember(r, userId), canEncrypt(): this client holds E2EE keys
let view = { media: () => null, react() {}, edit() {}, remove() {}, setRole() {}, removeMember() {}, canEncrypt: () => false };

export function configure(handlers) {
  view = { ...view, ...handlers };
}

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Elasticsearch wraps matches in <em>: escape everything, then let exactly <em> and </em> back. */
export function safeHighlight(html) {
  return escapeHtml(html).replace(/&lt;(\/?)em&gt;/g, '<$1em>');
}

const time = (ts) => (ts ? new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '');

export function toast(text, kind = 'error') {
  const el = h('div', { class: 'toast ' + kind, 'data-testid': 'toast', role: 'status', text });
  $('toasts').append(el);
  setTimeout(() => el.remove(), 6000);
}

export function setConnection(s, info) {
  const el = $('conn-status');
  el.dataset.state = s;
  el.textContent = s === 'offline' && info?.retryInMs ? `offline · retry in ${Math.ceil(info.retryInMs / 1000)}s` : s;
}

export function renderRooms(onOpen) {
  const list = $('room-list');
  const rooms = [...state.rooms.values()].sort((a, b) => b.lastSeq - a.lastSeq || a.id.localeCompare(b.id));
  list.replaceChildren(...rooms.map((r) => h('li', {
    class: 'room' + (r.id === state.openRoomId ? ' active' : ''),
    'data-testid': 'room',
    'data-room-id': r.id,
    'data-origin': r.origin || 'list', // how the client learned of the room: event, list or created
    'data-role': r.roleOf(state.me),
    'data-encrypted': r.encrypted ? 'true' : 'false',
    onclick: () => onOpen(r.id),
  },
  h('span', { class: 'room-kind', text: r.kind === 'direct' ? '@' : '#' }),
  h('span', { class: 'room-name', text: r.title(state.me) }),
  r.encrypted ? h('span', { class: 'room-lock', 'data-testid': 'room-lock', title: 'end-to-end encrypted', text: '🔒' }) : null,
  r.unread > 0 ? h('span', { class: 'unread', 'data-testid': 'unread', text: String(r.unread) }) : null)));
}

const TICKS = { pending: '…', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };

function tickEl(status) {
  return h('span', { class: 'ticks ' + status, 'data-testid': 'ticks', title: status, text: TICKS[status] });
}

/** A user as the timeline names them. */
const who = (u) => (u === state.me ? 'you' : u);

function canDelete(r, m) {
  return m.sender_id === state.me || (r.kind === 'group' && r.roleOf(state.me) === 'admin');
}

function reactionsEl(r, m) {
  const emojis = [...QUICK_REACTIONS, ...[...m.reactions.keys()].filter((e) => !QUICK_REACTIONS.includes(e))];
  return h('div', { class: 'reactions', 'data-testid': 'reactions' }, emojis.map((emoji) => {
    const users = m.reactions.get(emoji) || new Set();
    const mine = users.has(state.me);
    return h('button', {
      type: 'button',
      class: 'reaction' + (users.size ? ' on' : '') + (mine ? ' mine' : ''),
      'data-testid': 'reaction',
      'data-emoji': emoji,
      'data-count': users.size,
      'data-mine': mine ? 'true' : 'false',
      'aria-pressed': mine ? 'true' : 'false',
      title: users.size ? [...users].map(who).join(', ') : 'React ' + emoji,
      onclick: () => view.react(r, m, emoji, !mine),
    }, users.size ? `${emoji} ${users.size}` : emoji);
  }));
}

function actionsEl(r, m) {
  const mine = m.sender_id === state.me;
  const edit = mine && !m.encrypted && (!r.encrypted || view.canEncrypt())
    ? h('button', { type: 'button', class: 'link act', 'data-testid': 'edit-btn', onclick: () => view.edit(r, m), text: 'Edit' })
    : null;
  let del = null;
  if (canDelete(r, m)) {
    // a deletion is for everyone and final: a second click within a few seconds confirms it
    del = h('button', { type: 'button', class: 'link act danger', 'data-testid': 'delete-btn', text: 'Delete' });
    del.addEventListener('click', () => {
      if (del.dataset.armed === 'true') {
        view.remove(r, m);
        return;
      }
      del.dataset.armed = 'true';
      del.textContent = 'Delete for everyone?';
      setTimeout(() => {
        del.dataset.armed = 'false';
        del.textContent = 'Delete';
      }, DELETE_ARM_MS);
    });
  }
  return edit || del ? h('div', { class: 'actions' }, edit, del) : null;
}

export function messageEl(r, m) {
  const mine = m.sender_id === state.me;
  const status = statusOf(r, m);
  const sequenced = m.seq != null;
  let body = null;
  if (m.deleted) body = h('div', { class: 'body deleted', 'data-testid': 'body', text: 'message deleted' });
  else if (m.encrypted) body = encryptedBody(m);
  else if (m.body) body = h('div', { class: 'body', 'data-testid': 'body', text: m.body });
  const waiting = !m.deleted && m.encrypted && !m.decryptError && m.decrypted !== undefined;
  return h('li', {
    class: 'msg ' + (mine ? 'mine' : 'theirs') + (m.deleted ? ' tombstone' : '') + (waiting ? ' waiting-key' : ''),
    'data-testid': 'message',
    'data-seq': m.seq ?? null,
    'data-client-msg-id': m.client_msg_id || null,
    'data-sender': m.sender_id,
    'data-status': status,
    'data-edited': m.edited_ts && !m.deleted ? 'true' : null,
    'data-deleted': m.deleted ? 'true' : null,
    // E2EE (PROTOCOL.md section 6): decrypted, waiting (for the key), decrypting or failed
    'data-e2ee': m.ciphertext == null || m.deleted ? null
      : !m.encrypted ? 'decrypted' : m.decryptError ? 'failed' : m.decrypted === undefined ? 'decrypting' : 'waiting',
  },
  h('div', { class: 'meta' },
    h('span', { class: 'sender', text: mine ? 'you' : m.sender_id }),
    h('time', { text: time(m.ts) }),
    m.edited_ts && !m.deleted
      ? h('span', { class: 'edited', 'data-testid': 'edited', title: 'edited ' + time(m.edited_ts), text: 'edited' }) : null),
  body,
  m.deleted ? null : (m.media || []).map((x) => view.media(x, m)),
  sequenced && !m.deleted ? h('div', { class: 'msg-foot' }, reactionsEl(r, m), actionsEl(r, m)) : null,
  mine && !m.deleted ? tickEl(status) : null);
}

/**
 * The body of a message still in ciphertext: being decrypted, waiting for its sender key (a
 * key_request is out; the text appears when the room_key arrives) or unreadable.
 */
function encryptedBody(m) {
  if (m.decryptError) {
    return h('div', { class: 'body encrypted failed', 'data-testid': 'body', title: m.decryptError, text: 'this message cannot be decrypted' });
  }
  if (m.decrypted === undefined) return h('div', { class: 'body encrypted', 'data-testid': 'body', text: 'decrypting…' });
  return h('div', { class: 'body encrypted waiting', 'data-testid': 'body', text: 'waiting for the key…' });
}

/** The line a timeline event reads as, e.g. "bob added carol", "carol left", "bob is now admin". */
export function eventText(e) {
  const actor = who(e.actor_id);
  const user = who(e.user_id);
  let text;
  switch (e.kind) {
    case 'room_created': {
      const others = (e.members || []).map((m) => m.user_id).filter((u) => u !== e.actor_id);
      text = e.room_kind === 'direct'
        ? `${actor} started the chat`
        : `${actor} created the group${e.name ? ` “${e.name}”` : ''}${others.length ? ' with ' + others.map(who).join(', ') : ''}`;
      break;
    }
    case 'member_added':
      text = e.actor_id === e.user_id ? `${user} joined` : `${actor} added ${user}`;
      if (e.role === 'admin') text += ' as admin';
      break;
    case 'member_removed':
      text = e.actor_id === e.user_id ? `${user} left` : `${actor} removed ${user}`;
      break;
    case 'role_changed': {
      const be = e.user_id === state.me ? 'are' : 'is';
      text = e.role === 'admin' ? `${user} ${be} now admin` : `${user} ${be} no longer admin`;
      if (e.actor_id && e.actor_id !== 'parley' && e.actor_id !== e.user_id) text += ` (by ${actor})`;
      break;
    }
    case 'room_renamed':
      text = `${actor} renamed the room to ${e.name}`;
      break;
    default:
      text = e.kind;
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function eventEl(e) {
  return h('li', {
    class: 'event',
    'data-testid': 'event',
    'data-seq': e.seq,
    'data-kind': e.kind,
    'data-actor': e.actor_id,
    'data-user': e.user_id || null,
  }, h('span', { class: 'event-text', text: eventText(e) }), h('time', { text: time(e.ts) }));
}

/** Puts an entry's node in seq order (pending messages stay last); replaces the node of the same seq. */
function place(el, seq, echo) {
  const list = $('message-list');
  const old = seq != null ? list.querySelector(`li[data-seq="${seq}"]`) : null;
  if (old) {
    old.replaceWith(el);
    echo?.remove();
    return el;
  }
  echo?.remove();
  if (seq == null) {
    list.append(el);
    return el;
  }
  // walk back from the end: live entries land last
  let after = list.lastElementChild;
  while (after && (!after.dataset.seq || Number(after.dataset.seq) > seq)) after = after.previousElementSibling;
  if (after) after.after(el);
  else list.prepend(el);
  return el;
}

/** Shows a message (again, after an edit, a deletion or a reaction); replaces its local echo. */
export function placeMessage(r, m) {
  const list = $('message-list');
  const echo = m.client_msg_id && m.sender_id === state.me
    ? list.querySelector(`li[data-client-msg-id="${CSS.escape(m.client_msg_id)}"]:not([data-seq])`) : null;
  return place(messageEl(r, m), m.seq, echo);
}

export function placeEvent(e) {
  return place(eventEl(e), e.seq, null);
}

export function refreshTicks(r) {
  for (const li of $('message-list').querySelectorAll('li.msg.mine[data-seq]')) {
    const m = r.messages.get(Number(li.dataset.seq));
    if (!m) continue;
    const s = statusOf(r, m);
    if (li.dataset.status !== s) {
      li.dataset.status = s;
      li.querySelector('.ticks')?.replaceWith(tickEl(s));
    }
  }
}

export function renderTyping(r) {
  const el = $('typing');
  const who = [...r.typing.keys()];
  el.hidden = who.length === 0;
  el.dataset.users = who.join(',');
  el.textContent = who.length === 0 ? '' : `${who.join(', ')} ${who.length > 1 ? 'are' : 'is'} typing…`;
}

export function renderPresence(r) {
  const peers = [...r.peers].filter((p) => p !== state.me).sort();
  $('room-presence').replaceChildren(...peers.map((p) => {
    const s = state.presence.get(p);
    const status = s?.status || 'unknown';
    const label = status === 'online' ? 'online'
      : status === 'away' ? 'away'
        : s?.last_seen ? 'last seen ' + lastSeen(s.last_seen) : status === 'unknown' ? '' : 'offline';
    return h('span', { class: 'peer ' + status, 'data-testid': 'presence', 'data-user': p, 'data-status': status },
      h('span', { class: 'dot' }), `${p}${label ? ' · ' + label : ''}`);
  }));
}

function lastSeen(ts) {
  const d = new Date(ts);
  return d.toDateString() === new Date().toDateString() ? 'at ' + time(ts) : d.toLocaleString();
}

export function renderSearch(hits, onPick) {
  const box = $('search-results');
  box.hidden = false;
  const close = h('button', { type: 'button', class: 'link close', onclick: () => { box.hidden = true; }, text: 'close' });
  if (hits.length === 0) {
    box.replaceChildren(h('div', { class: 'search-head' }, 'No results', close));
    return;
  }
  box.replaceChildren(h('div', { class: 'search-head' }, `${hits.length} result${hits.length > 1 ? 's' : ''}`, close),
    ...hits.map((hit) => {
      const text = h('div', { class: 'hit-body' });
      text.innerHTML = hit.highlight ? safeHighlight(hit.highlight) : escapeHtml(hit.body || '');
      return h('div', { class: 'hit', 'data-testid': 'search-hit', 'data-seq': hit.seq, onclick: () => onPick(hit) },
        h('div', { class: 'meta' }, h('span', { class: 'sender', text: hit.sender_id }), h('time', { text: time(hit.ts) })),
        text);
    }));
}

/** The room's header: title, and the members button with the member count when known. */
export function renderRoomHead(r) {
  $('room-title').textContent = r.title(state.me);
  $('room-title').dataset.kind = r.kind;
  $('room-encrypted').hidden = !r.encrypted;
  const n = r.memberList().length;
  $('members-btn').textContent = r.membersKnown || n ? `Members (${n})` : 'Members';
}

/**
 * The members panel: the list with each role; a group's admins also get rename, add, remove and
 * the admin toggle; anyone can leave a group (a direct room cannot be left).
 */
export function renderRoomPanel(r) {
  const group = r.kind === 'group';
  const admin = group && r.roleOf(state.me) === 'admin';
  $('room-panel').dataset.role = r.roleOf(state.me) || '';
  $('rename-form').hidden = !admin;
  $('add-member-form').hidden = !admin;
  $('leave-btn').hidden = !group || !r.roleOf(state.me);
  if (document.activeElement !== $('rename-input')) $('rename-input').value = r.name || '';
  // rendered again only when it changed: a poll must not swap a button away under the pointer
  const key = JSON.stringify([r.id, admin, r.memberList()]);
  if ($('member-list').dataset.key === key) return;
  $('member-list').dataset.key = key;
  $('members-empty').hidden = r.memberList().length > 0;
  $('member-list').replaceChildren(...r.memberList().map((m) => {
    const self = m.user_id === state.me;
    return h('li', { class: 'member', 'data-testid': 'member', 'data-user': m.user_id, 'data-role': m.role },
      h('span', { class: 'member-name', text: self ? `${m.user_id} (you)` : m.user_id }),
      m.role === 'admin' ? h('span', { class: 'role-badge', text: 'admin' }) : null,
      admin && !self ? h('button', {
        type: 'button', class: 'link', 'data-testid': 'toggle-admin',
        onclick: () => view.setRole(r, m.user_id, m.role === 'admin' ? 'member' : 'admin'),
        text: m.role === 'admin' ? 'Make member' : 'Make admin',
      }) : null,
      admin && !self ? h('button', {
        type: 'button', class: 'link danger', 'data-testid': 'remove-member',
        onclick: () => view.removeMember(r, m.user_id), text: 'Remove',
      }) : null);
  }));
}

/** The composer's edit mode: a banner above it while one of my messages is being edited. */
export function renderEditing(editing) {
  $('edit-banner').hidden = !editing;
  $('edit-banner').dataset.seq = editing ? editing.seq : '';
  $('send-btn').textContent = editing ? 'Save' : 'Send';
}

/** v1.1: the signed-in user's devices, each but this one with a sign-out button. */
export function renderDevices(devices, thisDevice, onSignOut) {
  const list = $('device-list');
  list.replaceChildren(...devices.map((d) => {
    const mine = d.device_id === thisDevice;
    const seen = d.connected ? 'connected' : d.last_seen ? 'last seen ' + new Date(d.last_seen).toLocaleString() : 'offline';
    return h('li', { 'data-testid': 'device', 'data-device-id': d.device_id, 'data-connected': String(d.connected) },
      h('span', { class: 'device-id', text: d.device_id + (mine ? ' (this device)' : '') }),
      h('span', { class: 'hint', text: [d.platform, seen, d.push ? 'push' : null].filter(Boolean).join(' · ') }),
      mine ? null : h('button', { type: 'button', class: 'danger', 'data-testid': 'device-signout',
        onclick: () => onSignOut(d.device_id), text: 'Sign out' }));
  }));
  if (devices.length === 0) list.replaceChildren(h('li', { class: 'hint', text: 'No devices' }));
}
