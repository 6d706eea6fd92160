// Runs a stock Feathers 5 client (rest-client over fetch + authentication-client), unchanged,
// against the mock: node hapihub.mjs <mock base URL> <email> <password> <participant uid>...
// Prints one JSON document with what the client received, for tests/test_sdk.py to check.
import { feathers } from '@feathersjs/feathers';
import rest from '@feathersjs/rest-client';
import authentication from '@feathersjs/authentication-client';
import { FeathersError } from '@feathersjs/errors';

const [base, email, password, ...participants] = process.argv.slice(2);
const app = feathers();
app.configure(rest(`${base}/hapihub`).fetch(fetch));
app.configure(authentication());
const sessions = app.service('chat-sessions');

// A refused call as the client's own error class says it.
async function failure (call) {
  try {
    await call();
    return null;
  } catch (error) {
    return {
      feathers: error instanceof FeathersError,
      name: error.name,
      code: error.code,
      className: error.className,
      message: error.message,
    };
  }
}

try {
  const login = await app.authenticate({ strategy: 'local', email, password });
  const page = await sessions.find({
    query: { $limit: 3, $skip: 1, $sort: { createdAt: -1 }, $select: ['id', 'createdAt'] },
  });
  const mine = await sessions.find({ query: { participants: login.user.uid, $limit: 100 } });
  const created = await sessions.create({ participants, title: 'Hello' });
  const read = await sessions.get(created.id);
  const started = await sessions.patch(created.id, { start: true });
  const listed = await sessions.find({ query: { id: { $in: [created.id] } } });
  const conflict = await failure(() => sessions.patch(created.id, { start: true }));
  const notFound = await failure(() => sessions.get('no-such-session'));
  const badQuery = await failure(() => sessions.find({ query: { room: { $regex: 'x' } } }));
  const again = await app.reAuthenticate(true);
  await app.logout();
  const afterLogout = await failure(() => sessions.find({ query: {}, headers: { Authorization: `Bearer ${login.accessToken}` } }));
  console.log(JSON.stringify({
    login: { uid: login.uid, user: login.user, strategy: login.authentication.strategy },
    page,
    mine,
    created,
    read,
    started,
    listed,
    conflict,
    notFound,
    badQuery,
    sameTokenAfterReAuthenticate: again.accessToken === login.accessToken,
    afterLogout,
  }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message, name: error.name, code: error.code }));
  process.exitCode = 1;
}
