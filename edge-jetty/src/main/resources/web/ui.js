// DOM rendering. Every text from the server goes in through textContent; the one HTML that is
// used (search highlights) is escaped first and only <em> is let back in.

import { state, statusOf } from './store.js';

export const $ = (id) => document.getElementById(id);

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
    onclick: () => onOpen(r.id),
  },
  h('span', { class: 'room-kind', text: r.kind === 'direct' ? '@' : '#' }),
  h('span', { class: 'room-name', text: r.title(state.me) }),
  r.unread > 0 ? h('span', { class: 'unread', 'data-testid': 'unread', text: String(r.unread) }) : null)));
}

const TICKS = { pending: '…', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };

function tickEl(status) {
  return h('span', { class: 'ticks ' + status, 'data-testid': 'ticks', title: status, text: TICKS[status] });
}

export function messageEl(r, m, media) {
  const mine = m.sender_id === state.me;
  const status = statusOf(r, m);
  return h('li', {
    class: 'msg ' + (mine ? 'mine' : 'theirs'),
    'data-testid': 'message',
    'data-seq': m.seq ?? null,
    'data-client-msg-id': m.client_msg_id || null,
    'data-sender': m.sender_id,
    'data-status': status,
  },
  h('div', { class: 'meta' },
    h('span', { class: 'sender', text: mine ? 'you' : m.sender_id }),
    h('time', { text: time(m.ts) })),
  m.body ? h('div', { class: 'body', 'data-testid': 'body', text: m.body }) : null,
  (m.media || []).map((x) => media(x, m)),
  mine ? tickEl(status) : null);
}

/** Puts a message node in seq order (pending ones stay last); replaces the node of the same key. */
export function placeMessage(r, m, media) {
  const list = $('message-list');
  const el = messageEl(r, m, media);
  const old = m.seq != null ? list.querySelector(`li[data-seq="${m.seq}"]`) : null;
  const echo = m.client_msg_id && m.sender_id === state.me
    ? list.querySelector(`li[data-client-msg-id="${CSS.escape(m.client_msg_id)}"]:not([data-seq])`) : null;
  if (old) {
    old.replaceWith(el);
    echo?.remove();
    return el;
  }
  echo?.remove();
  if (m.seq == null) {
    list.append(el);
    return el;
  }
  // walk back from the end: live messages land last
  let after = list.lastElementChild;
  while (after && (!after.dataset.seq || Number(after.dataset.seq) > m.seq)) after = after.previousElementSibling;
  if (after) after.after(el);
  else list.prepend(el);
  return el;
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
