// The WebSocket session of wire protocol v1.1 (PROTOCOL.md sections 2 and 4): connects, keeps the
// joined rooms, reconnects with exponential backoff and then resumes every room from its last
// contiguous seq (messages and events alike).

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 8000;
const PING_EVERY_MS = 20000;
const DEAD_AFTER_MS = 50000;
const SIGNED_OUT = 4001;

export class Session {
  /**
   * @param {object} o
   * @param {() => Promise<string>} o.url builds the ws(s) URL (with a fresh token)
   * @param {(frame: object) => void} o.onFrame every server frame
   * @param {(state: string, info?: object) => void} o.onState 'connecting' | 'online' | 'offline'
   * @param {(roomId: string) => number} o.lastSeq the last contiguous seq held for a room
   * @param {() => void} o.onReady after each (re)connect, once join/resume went out
   * @param {() => void} [o.onSignedOut] the server closed with 4001: this device was signed out
   */
  constructor(o) {
    this.o = o;
    this.ws = null;
    this.rooms = new Set();
    this.attempt = 0;
    this.stopped = true;
    this.timer = null;
    this.pinger = null;
    this.lastFrameAt = 0;
    this.refs = 0;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.detach();
    if (ws) ws.close(1000, 'bye');
    this.rooms.clear();
    this.o.onState('offline');
  }

  get online() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a command now; false if the socket is not open (the caller keeps it to retry). */
  send(frame) {
    if (!this.online) return false;
    if (!frame.ref) frame.ref = 'c' + (++this.refs);
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Joins (or joins again: the replay restarts from sinceSeq); the ref of the join, or null if offline. */
  join(roomId, sinceSeq) {
    this.rooms.add(roomId);
    const frame = { type: 'join', room_id: roomId, since_seq: Math.max(0, sinceSeq || 0) };
    return this.send(frame) ? frame.ref : null;
  }

  leave(roomId) {
    if (this.rooms.delete(roomId)) this.send({ type: 'leave', room_id: roomId });
  }

  /** A room I was removed from: the server sends nothing more of it, so no leave and no resume. */
  forget(roomId) {
    this.rooms.delete(roomId);
  }

  /** Skips the wait of the backoff (the browser came back online, the tab became visible). */
  reconnectNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    this.connect();
  }

  async connect() {
    if (this.stopped) return;
    this.o.onState('connecting');
    let url;
    try {
      url = await this.o.url();
    } catch (e) {
      this.retry(e.message);
      return;
    }
    if (this.stopped) return;
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      this.retry(e.message);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.lastFrameAt = Date.now();
      if (this.rooms.size > 0) {
        // join each room again and replay what was missed (seq > last_seq)
        this.send({
          type: 'resume',
          rooms: [...this.rooms].map((id) => ({ room_id: id, last_seq: this.o.lastSeq(id) })),
        });
      }
      this.o.onState('online');
      this.pinger = setInterval(() => this.heartbeat(), PING_EVERY_MS);
      this.o.onReady();
    };
    ws.onmessage = (ev) => {
      this.lastFrameAt = Date.now();
      this.attempt = 0;
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      this.o.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.detach();
      if (ev.code === SIGNED_OUT) {
        // v1.1 section 5: this device was signed out; do not reconnect
        this.stopped = true;
        this.o.onState('offline', { reason: 'signed out' });
        if (this.o.onSignedOut) this.o.onSignedOut();
        return;
      }
      this.retry(`closed ${ev.code}${ev.reason ? ' ' + ev.reason : ''}`);
    };
  }

  heartbeat() {
    if (Date.now() - this.lastFrameAt > DEAD_AFTER_MS) {
      const ws = this.ws;
      this.detach();
      if (ws) ws.close(4000, 'no heartbeat');
      this.retry('no heartbeat');
      return;
    }
    this.send({ type: 'ping' });
  }

  detach() {
    clearInterval(this.pinger);
    if (this.ws) {
      this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
    }
    this.ws = null;
  }

  retry(reason) {
    if (this.stopped) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt++);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.o.onState('offline', { retryInMs: delay, reason });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
