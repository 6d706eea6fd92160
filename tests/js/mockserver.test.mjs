// Reset, seed and verify from a JavaScript test: Node's own test runner and fetch, nothing to
// install. Run with a mock serving: MOCKSERVER_URL=http://127.0.0.1:8080 node --test tests/js/
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

const MOCK = process.env.MOCKSERVER_URL ?? 'http://127.0.0.1:8080';
const NAMESPACE = { 'Mock-Namespace': `node-${process.pid}` }; // this run's own state

async function admin(method, path, body) {
  const response = await fetch(`${MOCK}/__admin${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...NAMESPACE }, // admin calls act on it too
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

const hapihub = (path, init = {}) =>
  fetch(`${MOCK}/hapihub${path}`, {
    ...init,
    headers: { Authorization: 'Bearer demo-admin-token', 'Content-Type': 'application/json', ...NAMESPACE },
  });

beforeEach(() => admin('POST', '/reset?api=hapihub'));

test('a seeded data set is what the app reads, and the call is verified', async () => {
  const { records: [session] } = await admin('GET', '/state/hapihub/sessions');
  await admin('POST', '/fixtures/hapihub', { sessions: [{ ...session, room: 'seeded-room' }] });

  const found = await (await hapihub('/chat-sessions')).json(); // Feathers: an array, unpaged
  assert.deepEqual(found.map((s) => s.room), ['seeded-room']);

  const { count } = await admin('GET', `/journal/count?namespace=${NAMESPACE['Mock-Namespace']}` +
    '&api=hapihub&method=GET&path=/hapihub/chat-sessions&status=200');
  assert.equal(count, 1);
});

test('a refused request is explained in the words of its 400', async () => {
  const answer = await hapihub('/chat-sessions', { method: 'POST', body: JSON.stringify({ room: 7 }) });
  assert.equal(answer.status, 400);

  const { entries: [entry] } = await admin('GET', '/journal?limit=1&method=POST&body=room=7');
  const why = await admin('GET', `/journal/${entry.id}/explain`);
  assert.equal(why.outcome, 'refused');
  assert.match(why.text, /POST \/hapihub\/chat-sessions was refused with 400/);
  assert.ok(why.reasons.some((reason) => reason.includes('room')), why.text);
});
