// Runs ChatKitty's own SDK, unchanged, against the mock: node chatkitty.mjs <mock base URL>.
// Prints one JSON document with what the SDK received, for tests/test_sdk_chatkitty.py to check.
import ChatKittyModule from 'chatkitty';

const { ChatKitty } = ChatKittyModule;
const base = process.argv[2];
const [clientId, clientSecret] = [process.argv[3] ?? 'demo-client', process.argv[4] ?? 'demo-secret'];

const kitty = new ChatKitty({
  clientId,
  clientSecret,
  basePath: `${base}/chatkitty`,
  authorizationBasePath: `${base}/chatkitty/oauth/token`,
});

try {
  const first = await kitty.ChatSessionsApi.listChatSessions(0, 5, ['created_time,desc', 'id,asc'], 'ENDED');
  const second = await kitty.ChatSessionsApi.listChatSessions(1, 5, ['created_time,desc', 'id,asc'], 'ENDED');
  // What a session links to, through the SDK's own calls for it.
  const session = first.data._embedded.sessions[0];
  // The session names its channel only in its link, as the vendor's does.
  const channelId = Number(session._links.channel.href.split('/').pop());
  const channel = await kitty.ChannelsApi.retrieveChannel(channelId);
  const application = await kitty.ApplicationApi.retrieveApplication();
  console.log(JSON.stringify({
    channel: { status: channel.status, id: channel.data.id, type: channel.data.type },
    application: { status: application.status, id: application.data.id, key: application.data.key },
    sessionLinks: session._links,
    status: first.status,
    contentType: first.headers['content-type'],
    page: first.data.page,
    links: Object.keys(first.data._links),
    first: first.data._embedded.sessions,
    second: second.data._embedded.sessions,
  }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message, status: error.response?.status, body: error.response?.data }));
  process.exitCode = 1;
}
