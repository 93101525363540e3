// Writes docs/e2ee-vectors-js.json: a recipient's private keys, one pairwise envelope and one room
// envelope made by web/e2ee.js, for the Java implementation to decrypt (interoperability).
// Run once from the repository root: node edge-jetty/src/test/js/write-vectors.mjs
// (not a test file: node --test only runs *.test.mjs here).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadWeb, DOCS } from './load.mjs';

const e = await loadWeb('e2ee.js');

const bob = await e.generateDeviceKeys('bob', 'web-bob1', 1);
const alice = await e.generateDeviceKeys('alice', 'web-alice1', 0);
const up = e.uploadBody(bob);
const otk = up.one_time_prekeys[0];
const target = { device_id: up.device_id, identity_key: up.identity_key, signing_key: up.signing_key, signed_prekey: up.signed_prekey, one_time_prekey: otk };

const sk = e.newSenderKey();
const roomId = 'room-vectors-1';
const payload = e.roomKeyPayload(roomId, 'alice', alice.device_id, sk.key_id, sk.key);
const pairwise = await e.encryptPairwise({ senderUser: 'alice', senderDevice: alice.device_id, senderIdentity: alice.identity, targetUser: 'bob', target }, payload);
const body = 'Hello from WebCrypto: ünïcødé ✓ "quoted"';
const room = await e.encryptRoom({ roomId, senderUser: 'alice', senderDevice: alice.device_id, keyId: sk.key_id, key: sk.key }, body);

const vectors = {
  recipient: {
    user_id: 'bob',
    device_id: bob.device_id,
    ik_private_pkcs8: bob.identity.private_pkcs8,
    ik_public: bob.identity.public,
    spk_private_pkcs8: bob.signed_prekey.private_pkcs8,
    spk_public: bob.signed_prekey.public,
    spk_key_id: bob.signed_prekey.key_id,
    otk_private_pkcs8: bob.one_time_prekeys[otk.key_id].private_pkcs8,
    otk_public: otk.public_key,
    otk_key_id: otk.key_id,
  },
  sender: { user_id: 'alice', device_id: alice.device_id, ik_public: alice.identity.public },
  pairwise: { ciphertext: pairwise, payload },
  room: { room_id: roomId, sender_user: 'alice', sender_device: alice.device_id, key_id: sk.key_id, key: sk.key, ciphertext: room, body },
};
const out = fileURLToPath(new URL('e2ee-vectors-js.json', DOCS));
writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n');
console.log('wrote', out);
