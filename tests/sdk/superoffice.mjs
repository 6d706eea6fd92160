// Runs SuperOffice's own client (@superoffice/webapi), unchanged, against the mock:
//   node superoffice.mjs <mock base URL> <password|ticket|token> <credential...> [$select]
// Prints one JSON document with what the client received (its converted carriers, the raw
// request it sent), for tests/test_sdk.py to check.
import { createRequire } from 'node:module';

// The package's ESM build imports without file extensions, which Node's ESM loader refuses;
// its CommonJS build (the package's "require" entry) is the same code and loads as published.
const { WebApi } = createRequire(import.meta.url)('@superoffice/webapi');

const [base, how, first, second, select] = process.argv.slice(2);
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
