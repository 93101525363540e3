// Client state: the rooms and, per room, the entries of its log held (messages and events, by seq,
// deduplicated), the local messages and changes still pending (by client_msg_id), the contiguous
// seq cursor, the room's membership and the receipt marks.
//
// A room's seq numbers every entry of its log (PROTOCOL.md section 4): messages, the events shown
// as timeline lines (room_created, member_*, role_changed, room_renamed) and the events folded
// into a message (message_edited, message_deleted, reaction). The contiguous run counts them all.

/** Events shown as a line of the timeline; the others change a message. */
export const TIMELINE_KINDS = new Set(['room_created', 'member_added', 'member_removed', 'role_changed', 'room_renamed']);

export class Room {
  constructor(summary) {
    this.id = summary.room_id;
    this.messages = new Map(); // seq -> message
    this.events = new Map(); // seq -> timeline event
    this.seen = new Set(); // every seq held: messages, events, and folded entries a history page spans
    this.pending = new Map(); // client_msg_id -> local message not yet sequenced
    this.actions = new Map(); // client_msg_id -> {frame, sentAt}: an edit/delete/react not yet answered
    this.base = null; // the seq right below the contiguous run the client follows
    this.contig = 0; // every seq in (base, contig] is held
    this.maxSeq = 0;
    this.olderBefore = undefined; // before_seq of the next older history page
    this.noOlder = false;
    this.peers = new Set();
    // user_id -> {present, role, seq}: the newest membership entry applied per user, so an older
    // entry (a history page, a replay, a list row) never undoes a newer one
    this.members = new Map();
    this.membersKnown = false;
    this.nameSeq = -1;
    this.encrypted = false;
    this.deliveredUpTo = 0; // my messages up to this seq are delivered to the peers
    this.readUpTo = 0; // ... and read by them
    this.ackSent = 0;
    this.readSent = 0;
    this.typing = new Map(); // user_id -> timer
    this.update(summary);
  }

  /** A row of GET /v1/rooms (or what an event says of the room): its state as of its last_seq. */
  update(s) {
    this.kind = s.kind || this.kind || 'group';
    if (s.name !== undefined) this.rename(s.name, s.last_seq || 0);
    this.lastSeq = Math.max(this.lastSeq || 0, s.last_seq || 0);
    this.readSeq = Math.max(this.readSeq || 0, s.read_seq || 0);
    this.unread = s.unread ?? this.unread ?? 0;
    if (s.encrypted !== undefined) this.encrypted = !!s.encrypted;
  }

  /** The name as of {@code seq}; false if a newer one is held. */
  rename(name, seq) {
    if (seq < this.nameSeq) return false;
    this.name = name ?? this.name ?? null;
    this.nameSeq = seq;
    return true;
  }

  /** A membership entry as of {@code seq}; false if a newer one for that user is held. */
  setMember(userId, present, role, seq) {
    const cur = this.members.get(userId);
    if (cur && cur.seq > seq) return false;
    this.members.set(userId, { present, role: role || cur?.role || 'member', seq });
    // presence is shown for a direct room's peer and for group members seen on the wire
    if (userId !== state.me) {
      if (!present) this.peers.delete(userId);
      else if (this.kind === 'direct') this.peers.add(userId);
    }
    return true;
  }

  /** GET /v1/rooms/{id}: the members as of {@code lastSeq}; whoever is not listed had left by then. */
  setMembers(list, lastSeq) {
    const listed = new Set(list.map((m) => m.user_id));
    for (const m of list) this.setMember(m.user_id, true, m.role, lastSeq);
    for (const [u, cur] of this.members) {
      if (cur.present && !listed.has(u) && cur.seq <= lastSeq) this.setMember(u, false, cur.role, lastSeq);
    }
    this.membersKnown = true;
  }

  /** The users who are members now, sorted. */
  memberList() {
    return [...this.members.entries()].filter(([, m]) => m.present).map(([u, m]) => ({ user_id: u, role: m.role }))
      .sort((a, b) => a.user_id.localeCompare(b.user_id));
  }

  roleOf(userId) {
    const m = this.members.get(userId);
    return m?.present ? m.role : null;
  }

  /** Starts the contiguous run just above {@code seq} (once, when the room is first opened). */
  setBase(seq) {
    if (this.base !== null) return;
    this.base = seq;
    this.contig = Math.max(this.contig, seq);
    if (this.olderBefore === undefined) this.olderBefore = seq + 1;
    this.advance();
  }

  /** Holds a seq; false if it is already held (dedupe). */
  mark(seq) {
    if (this.seen.has(seq)) return false;
    this.seen.add(seq);
    this.maxSeq = Math.max(this.maxSeq, seq);
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.advance();
    return true;
  }

  /** Every seq in [from, to] is held: a history page spans them (folded entries included). */
  cover(from, to) {
    for (let s = from; s <= to; s++) this.seen.add(s);
    if (to >= from) {
      this.maxSeq = Math.max(this.maxSeq, to);
      this.lastSeq = Math.max(this.lastSeq, to);
    }
    this.advance();
  }

  /** Adds a sequenced message; false if that seq is already held (dedupe). */
  add(m) {
    if (!this.mark(m.seq)) return false;
    this.messages.set(m.seq, m);
    return true;
  }

  advance() {
    if (this.base === null) return;
    while (this.seen.has(this.contig + 1)) this.contig++;
  }

  /** The first missing range above the contiguous run: [from, to], or null when there is none. */
  gap() {
    if (this.base === null || this.maxSeq <= this.contig) return null;
    let to = this.contig + 1;
    while (!this.seen.has(to + 1)) to++;
    return [this.contig + 1, to];
  }

  /** Display title: the peer of a direct room when known, else the name. */
  title(me) {
    if (this.kind === 'direct') {
      const peer = this.peer(me);
      if (peer) return peer;
    }
    return this.name || (this.kind === 'direct' ? 'Direct chat' : 'Group') + ' ' + this.id.slice(0, 6);
  }

  /** The other member of a direct room: its members, seen on the wire, or the "a & b" name it was created with. */
  peer(me) {
    for (const [u, m] of this.members) if (u !== me && m.present) return u;
    for (const p of this.peers) if (p !== me) return p;
    const parts = (this.name || '').split(' & ');
    if (parts.length === 2 && parts.includes(me)) return parts[0] === me ? parts[1] : parts[0];
    return null;
  }
}

export const state = {
  me: null,
  token: null,
  rooms: new Map(), // room_id -> Room
  left: new Map(), // room_id -> seq of my member_removed: list rows older than it are stale
  openRoomId: null,
  editing: null, // {roomId, seq} while the composer edits one of my messages
  presence: new Map(), // user_id -> {status, last_seen}
};

export function room(id) {
  return state.rooms.get(id) || null;
}

export function openRoom() {
  return state.openRoomId ? room(state.openRoomId) : null;
}

/** Status of one of my messages: pending, sent, delivered, read (null for others' messages). */
export function statusOf(r, m) {
  if (m.sender_id !== state.me) return null;
  if (m.seq == null) return m.failed ? 'failed' : 'pending';
  if (r.readUpTo >= m.seq) return 'read';
  if (r.deliveredUpTo >= m.seq) return 'delivered';
  return 'sent';
}
