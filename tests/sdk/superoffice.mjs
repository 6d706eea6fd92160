// Runs SuperOffice's own client (@superoffice/webapi), unchanged, against the mock:
//   node superoffice.mjs <mock base URL> <password|ticket|token> <credential...> [$select]
//   node superoffice.mjs <mock base URL> calls <session in the queue> <demo's session> <manager's session>
// Prints one JSON document with what the client received (its converted carriers, the raw
// request it sent), for tests/test_sdk.py (the list) and tests/vendors/test_superoffice_agent.py
// (the session calls: demo picks up, saves its own session as the client holds it - camelCase,
// masks as numbers - and reads it back, transfers it to hjohansen8, who accepts; messages,
// transcript, reset, delete) to check.
import { createRequire } from 'node:module';

// The package's ESM build imports without file extensions, which Node's ESM loader refuses;
// its CommonJS build (the package's "require" entry) is the same code and loads as published.
const { WebApi } = createRequire(import.meta.url)('@superoffice/webapi');

const [base, how, first, second, select] = process.argv.slice(2);

/** The Chat agent of a client logged in with a password, dates in UTC with offsets. */
function chatAgentOf(user, password) {
  const client = new WebApi({
    baseUrl: `${base}/superoffice/api/`, languageCode: 'en', timezone: 'UTC', timezoneInclude: true,
  });
  client.authenticateWithPassword(user, password);
  return client.getChatAgent();
}

const brief = (s) => s && {
  chatSessionId: s.chatSessionId,
  status: s.status,
  user: s.user ? s.user.associateId : null,
  transferTo: s.transferTo ? s.transferTo.associateId : null,
  lastMessage: s.lastMessage,
  whenIdle: s.whenIdle ? s.whenIdle.toISOString() : null,
  customerName: s.customerName,
  rating: s.rating,
  contact: s.contact ? s.contact.contactId : null,
};

if (how === 'calls') {
  const [queued, own, managed] = [first, second, select].map(Number);
  const demo = chatAgentOf('demo', 'demo-password');
  const receiver = chatAgentOf('hjohansen8', 'hjohansen8-password');
  try {
    const result = {};
    result.pickedUp = brief(await demo.pickUpChatSessionAsync(queued));
    result.listed = brief((await demo.chatSessionsForUserAsync()).find((s) => s.chatSessionId === queued));
    result.notInQueue = await demo.pickUpChatSessionAsync(own);
    const entity = await demo.getChatSessionEntityAsync(own);
    result.saved = brief(await demo.saveChatSessionEntityAsync(
      { ...entity, customerName: 'Saved by the SDK', rating: 5 },
    ));
    result.savedRead = brief(await demo.getChatSessionEntityAsync(own));
    result.untouched = brief(entity);
    result.transferred = brief(await demo.transferChatSessionAsync(own, 'hjohansen8'));
    result.accepted = brief(await receiver.acceptChatSessionTransferAsync(own));
    const message = await demo.addChatMessageAsync(queued, { message: 'Hello from the SDK', type: 1 });
    result.message = { id: message.chatMessageId, type: message.type, author: message.author, text: message.message };
    result.afterMessage = brief(await demo.getChatSessionEntityAsync(queued));
    result.messages = (await demo.getChatMessagesAsync(queued, 0)).map((m) => m.message);
    result.transcript = await demo.getChatTranscriptAsync(queued, false);
    result.reset = brief(await demo.resetChatSessionAsync(queued));
    await demo.deleteChatSessionEntityAsync(managed);
    try {
      await demo.getChatSessionEntityAsync(managed);
      result.afterDelete = 'still there';
    } catch (error) {
      result.afterDelete = { status: error.response?.status, type: error.response?.data?.ErrorType };
    }
    console.log(JSON.stringify(result));
  } catch (error) {
    console.log(JSON.stringify({ error: error.message, status: error.response?.status, body: error.response?.data }));
    process.exitCode = 1;
  }
  process.exit();
}
let sent = null;
const api = new WebApi({
  baseUrl: `${base}/superoffice/api/`,
  languageCode: 'en',
  timezone: 'US-NY',
  timezoneInclude: true,
  axiosConfig: select ? { params: { $select: select } } : {},
});
if (how === 'password') api.authenticateWithPassword(first, second);
if (how === 'ticket') api.authenticateWithTicket(first);
if (how === 'token') api.authenticateWithToken(first);

const agent = api.getChatAgent();
const options = {
  responseCallback: (response) => {
    sent = {
      url: response.request?.path ?? null,
      contentType: response.config.headers['Content-Type'] ?? null,
      browserOffset: response.config.headers['SO-Browser-TZ-Offset'] ?? null,
      received: response.headers['content-type'],
    };
  },
};

try {
  const sessions = await agent.chatSessionsForUserAsync(options);
  console.log(JSON.stringify({
    count: sessions.length,
    sent,
    sessions: sessions.map((s) => ({
      chatSessionId: s.chatSessionId,
      topicId: s.topicId,
      status: s.status,
      flags: s.flags,
      whenRequested: s.whenRequested ? s.whenRequested.toISOString() : null,
      userFullName: s.user ? s.user.fullName : null,
      userType: s.user ? s.user.type : null,
      contactCategory: s.contact ? s.contact.categoryName : null,
      tableRight: s.tableRight ? s.tableRight.mask : null,
      fieldRights: s.fieldProperties
        ? Object.fromEntries(Object.entries(s.fieldProperties).map(([k, v]) => [k, v.fieldRight?.mask ?? null]))
        : null,
    })),
  }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message, status: error.response?.status, body: error.response?.data }));
  process.exitCode = 1;
}
