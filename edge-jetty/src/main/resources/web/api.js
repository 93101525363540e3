// HTTP API of Parley (PROTOCOL.md section 3), with the bearer token of the signed-in user.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || 'http_' + status;
  }
}

export function createApi(getToken) {
  async function call(method, path, body) {
    const headers = {};
    const token = getToken();
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let r;
    try {
      r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(0, 'unavailable', 'server unreachable');
    }
    const text = await r.text();
    let json = null;
    if (text) {
      try { json = JSON.parse(text); } catch { /* not JSON */ }
    }
    if (!r.ok) throw new ApiError(r.status, json?.code, json?.message || text.slice(0, 200));
    return json;
  }

  const q = (params) => new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();

  return {
    /** v1.1: a token bound to this device (PROTOCOL.md section 5). */
    devToken: (userId, deviceId) => call('POST', '/v1/auth/dev-token', { user_id: userId, device_id: deviceId }),
    /** v1.1: [{device_id, platform?, connected, last_seen, push, keys}] */
    devices: () => call('GET', '/v1/devices'),
    signOutDevice: (deviceId) => call('DELETE', `/v1/devices/${encodeURIComponent(deviceId)}`),
    rooms: () => call('GET', '/v1/rooms'),
    createRoom: (kind, members, name, clientMsgId, encrypted) =>
      call('POST', '/v1/rooms', { kind, members, name: name || undefined, encrypted: encrypted || undefined, client_msg_id: clientMsgId }),
    /** v1.1: {room_id, kind, name, encrypted, last_seq, members: [{user_id, role}]}, members only. */
    roomInfo: (roomId) => call('GET', `/v1/rooms/${encodeURIComponent(roomId)}`),
    // membership and name (PROTOCOL.md section 4): each answers {room_id, seq} once its event is in the log
    rename: (roomId, name, clientMsgId) =>
      call('PATCH', `/v1/rooms/${encodeURIComponent(roomId)}`, { name, client_msg_id: clientMsgId }),
    addMember: (roomId, userId, role, clientMsgId) =>
      call('POST', `/v1/rooms/${encodeURIComponent(roomId)}/members`, { user_id: userId, role, client_msg_id: clientMsgId }),
    removeMember: (roomId, userId, clientMsgId) =>
      call('DELETE', `/v1/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(userId)}?`
        + q({ client_msg_id: clientMsgId })),
    setRole: (roomId, userId, role, clientMsgId) =>
      call('PUT', `/v1/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(userId)}`,
        { role, client_msg_id: clientMsgId }),
    history: (roomId, beforeSeq, limit = 50) =>
      call('GET', '/v1/history?' + q({ room_id: roomId, before_seq: beforeSeq, limit })),
    search: (text, roomId) => call('GET', '/v1/search?' + q({ q: text, room_id: roomId, limit: 20 })),
    presence: (userId) => call('GET', `/v1/users/${encodeURIComponent(userId)}/presence`),
    createMedia: (req) => call('POST', '/v1/media', req),
    // key directory (PROTOCOL.md section 6): public keys only
    uploadKeys: (body) => call('PUT', '/v1/keys', body),
    keysOf: (userId) => call('GET', `/v1/keys/${encodeURIComponent(userId)}`),
    claimKeys: (userId) => call('POST', '/v1/keys/claim', { user_id: userId }),
    keyCount: (deviceId) => call('GET', '/v1/keys/count?' + q({ device_id: deviceId })),

    /** PUTs the bytes to the presigned upload URL, with the declared Content-Type. */
    async upload(url, mime, bytes) {
      let r;
      try {
        r = await fetch(url, { method: 'PUT', headers: { 'Content-Type': mime }, body: bytes });
      } catch (e) {
        throw new ApiError(0, 'unavailable', 'upload to object storage failed (unreachable or CORS)');
      }
      if (!r.ok) throw new ApiError(r.status, 'upload_failed', `upload answered ${r.status}`);
    },

    /** The media's bytes as a Blob: GET /v1/media/{id} needs the bearer token, then redirects. */
    async mediaBlob(mediaId) {
      const r = await fetch('/v1/media/' + encodeURIComponent(mediaId), {
        headers: { Authorization: 'Bearer ' + getToken() },
      });
      if (!r.ok) throw new ApiError(r.status, 'media', `media ${mediaId}: ${r.status}`);
      return r.blob();
    },
  };
}
