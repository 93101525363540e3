// Client state: the rooms and, per room, the messages held (by seq, deduplicated), the local
// messages still pending (by client_msg_id), the contiguous seq cursor and the receipt marks.

export class Room {
  constructor(summary) {
    this.id = summary.room_id;
    this.messages = new Map(); // seq -> message
    this.pending = new Map(); // client_msg_id -> local message not yet sequenced
    this.base = null; // the seq right below the contiguous run the client follows
    this.contig = 0; // every seq in (base, contig] is held
    this.minSeq = Infinity;
    this.maxSeq = 0;
    this.noOlder = false;
    this.peers = new Set();
    this.deliveredUpTo = 0; // my messages up to this seq are delivered to the peers
    this.readUpTo = 0; // ... and read by them
    this.ackSent = 0;
    this.readSent = 0;
    this.typing = new Map(); // user_id -> timer
    this.update(summary);
  }

  update(s) {
    this.kind = s.kind || this.kind || 'group';
    this.name = s.name ?? this.name ?? null;
    this.lastSeq = Math.max(this.lastSeq || 0, s.last_seq || 0);
    this.readSeq = Math.max(this.readSeq || 0, s.read_seq || 0);
    this.unread = s.unread ?? this.unread ?? 0;
  }

  /** Starts the contiguous run just above {@code seq} (once, when the room is first opened). */
  setBase(seq) {
    if (this.base !== null) return;
    this.base = seq;
    this.contig = Math.max(this.contig, seq);
    this.advance();
  }

  /** Adds a sequenced message; false if that seq is already held (dedupe). */
  add(m) {
    if (this.messages.has(m.seq)) return false;
    this.messages.set(m.seq, m);
    this.minSeq = Math.min(this.minSeq, m.seq);
    this.maxSeq = Math.max(this.maxSeq, m.seq);
    this.lastSeq = Math.max(this.lastSeq, m.seq);
    this.advance();
    return true;
  }

  advance() {
    if (this.base === null) return;
    while (this.messages.has(this.contig + 1)) this.contig++;
  }

  /** The first missing range above the contiguous run: [from, to], or null when there is none. */
  gap() {
    if (this.base === null || this.maxSeq <= this.contig) return null;
    let to = this.contig + 1;
    while (!this.messages.has(to + 1)) to++;
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

  /** The other member of a direct room: seen on the wire, or from the "a & b" name it was created with. */
  peer(me) {
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
  openRoomId: null,
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
