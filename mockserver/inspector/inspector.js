// The inspector: reads and drives the admin API (/__admin) from the browser. No build step, no
// dependencies. The admin token, when the server has one, is kept in this tab's sessionStorage
// and sent as "Authorization: Bearer <token>" with every call.
"use strict";

const ADMIN = "/__admin";
const TOKEN_KEY = "mockserver.adminToken";
const POLL_MS = 1000;
const MAX_ROWS = 500;
// Headers a replay does not need: the client sets them itself.
const CURL_SKIP = new Set(["host", "content-length", "connection", "accept-encoding", "user-agent"]);

const $ = (selector) => document.querySelector(selector);
let newest = 0; // id of the newest journal entry shown
let generation = 0; // bumped when the filters change: answers to older polls are dropped
let inFlight = null; // the generation a poll is under way for: one at a time per generation

function say(message, isError = false) {
  const status = $("#status");
  status.textContent = message;
  status.className = isError ? "error" : "";
}

async function admin(method, path, body) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  // A namespace chosen in the filters is what the whole page looks at: its journal, state, rules.
  const namespace = $("#filter-namespace").value.trim();
  if (namespace) headers["Mock-Namespace"] = namespace;
  const init = { method, headers };
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    if (body !== undefined) init.body = JSON.stringify(body);
  }
  const response = await fetch(ADMIN + path, init);
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) {
    throw new Error("The server needs its admin token: enter it above.");
  }
  if (!response.ok) throw new Error(data.message || `${method} ${path}: ${response.status}`);
  return data;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

// ---- journal ------------------------------------------------------------------------------

function journalQuery() {
  const params = new URLSearchParams({ limit: "200" });
  const api = $("#filter-api").value;
  const status = $("#filter-status").value.trim();
  const namespace = $("#filter-namespace").value.trim();
  if (api) params.set("api", api);
  if (/^[1-5]([0-9]{2}|xx)$/.test(status)) params.set("status", status);
  if (namespace) params.set("namespace", namespace);
  if (newest) params.set("after", String(newest));
  return params;
}

function statusClass(status) {
  if (status === null) return "s-none";
  return `s-${String(status)[0]}xx`;
}

function row(entry) {
  const query = entry.query ? `?${entry.query}` : "";
  return el(
    "tr",
    { "data-id": entry.id, class: statusClass(entry.status), onclick: () => openEntry(entry.id) },
    el("td", {}, entry.id),
    el("td", {}, entry.time.slice(11, 23)),
    el("td", { class: "status" }, entry.status ?? "dropped"),
    el("td", {}, entry.method),
    el("td", { class: "path" }, entry.path + query),
    el("td", {}, entry.api ?? "—"),
    el("td", {}, entry.namespace ?? ""),
    el("td", {}, Math.round(entry.duration_ms)),
  );
}

async function pollJournal() {
  if (inFlight === generation) return;
  const asked = generation;
  inFlight = asked;
  try {
    const { entries } = await admin("GET", `/journal?${journalQuery()}`);
    if (asked !== generation) return;
    const body = $("#journal tbody");
    // Newest first from the server; insert the oldest of them first so the newest ends on top.
    for (const entry of entries.slice().reverse()) {
      body.prepend(row(entry));
      newest = Math.max(newest, Number(entry.id));
    }
    while (body.rows.length > MAX_ROWS) body.deleteRow(-1);
    $("#journal-empty").hidden = body.rows.length > 0;
    $("#live").className = "on";
    if ($("#status").className === "error") say("");
  } catch (error) {
    $("#live").className = "";
    say(error.message, true);
  } finally {
    if (inFlight === asked) inFlight = null;
  }
}

function restartJournal() {
  generation += 1;
  newest = 0;
  $("#journal tbody").replaceChildren();
  pollJournal();
}

function shellQuote(text) {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function curlOf(entry) {
  const url = `${location.origin}${entry.path}${entry.query ? `?${entry.query}` : ""}`;
  const parts = ["curl"];
  if (entry.method !== "GET") parts.push("-X", entry.method);
  parts.push(shellQuote(url));
  for (const [name, value] of Object.entries(entry.headers)) {
    if (!CURL_SKIP.has(name)) parts.push("-H", shellQuote(`${name}: ${value}`));
  }
  if (entry.request_body !== null) parts.push("--data-raw", shellQuote(entry.request_body));
  return parts.join(" ");
}

function pretty(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body; // not JSON, or cut at the journal's limit
  }
}

function headerLines(headers) {
  return Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join("\n");
}

async function openEntry(id) {
  try {
    const [entry, why] = await Promise.all([
      admin("GET", `/journal/${id}`),
      admin("GET", `/journal/${id}/explain`),
    ]);
    document.querySelectorAll("#journal tr.selected").forEach((r) => r.classList.remove("selected"));
    document.querySelector(`#journal tr[data-id="${id}"]`)?.classList.add("selected");
    $("#entry-id").textContent = `#${entry.id}`;
    $("#entry-line").textContent =
      `${entry.time} · ${entry.api ?? "no API"} · operation ${entry.operation ?? "none"}` +
      (entry.namespace ? ` · namespace ${entry.namespace}` : "");
    $("#entry-explain").textContent = why.text;
    $("#entry-request").textContent =
      `${why.request}\n${headerLines(entry.headers)}` +
      (entry.request_body !== null ? `\n\n${pretty(entry.request_body)}` : "");
    $("#entry-response").textContent =
      `${entry.status ?? "no answer (connection dropped)"}\n${headerLines(entry.response_headers)}` +
      (entry.response_body !== null ? `\n\n${pretty(entry.response_body)}` : "");
    $("#entry-curl").textContent = curlOf(entry);
    $("#entry").hidden = false;
  } catch (error) {
    say(error.message, true);
  }
}

// ---- state --------------------------------------------------------------------------------

async function loadState() {
  try {
    const { apis } = await admin("GET", "/state");
    const select = $("#filter-api");
    if (select.options.length === 1) {
      for (const api of apis) select.append(el("option", { value: api.name }, api.name));
    }
    $("#state").replaceChildren(
      ...apis.map((api) =>
        el(
          "div",
          { class: "api", id: `state-${api.name}` },
          el(
            "h3",
            {},
            `${api.title} `,
            el("code", {}, api.prefix),
            " ",
            el("button", { type: "button", class: "reset", onclick: () => reset(api.name) }, "Reset"),
          ),
          el(
            "ul",
            {},
            ...api.collections.map((c) =>
              el(
                "li",
                {},
                el("a", { href: "#", onclick: (event) => showRecord(event, api.name, c.name) }, c.name),
                " ",
                el("span", { class: "count", "data-collection": `${api.name}/${c.name}` }, c.count),
              ),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    say(error.message, true);
  }
}

async function showRecord(event, api, collection) {
  event.preventDefault();
  try {
    const shown = await admin("GET", `/state/${api}/${collection}?limit=1`);
    const record = $("#record");
    record.textContent =
      `${api}/${collection}: first of ${shown.total}\n` + JSON.stringify(shown.records[0] ?? null, null, 2);
    record.hidden = false;
  } catch (error) {
    say(error.message, true);
  }
}

async function reset(api) {
  try {
    const done = await admin("POST", api ? `/reset?api=${encodeURIComponent(api)}` : "/reset");
    say(`Reset: ${done.reset.join(", ")}`);
    await loadState();
  } catch (error) {
    say(error.message, true);
  }
}

// ---- fault rules --------------------------------------------------------------------------

function describeRule(rule) {
  const does = [];
  if (rule.status) does.push(`status ${rule.status}`);
  if (rule.fault) does.push(rule.fault);
  if (rule.latency_ms) {
    const { min, max } = rule.latency_ms;
    does.push(min === max ? `${min} ms` : `${min}-${max} ms`);
  }
  if (rule.every > 1) does.push(`every ${rule.every}`);
  if (rule.times) does.push(`${rule.times} times`);
  return does.join(", ");
}

async function loadRules() {
  try {
    const { rules } = await admin("GET", "/rules");
    $("#rules tbody").replaceChildren(
      ...rules.map((rule) =>
        el(
          "tr",
          { "data-id": rule.id },
          el("td", {}, rule.id),
          el("td", {}, rule.method ?? "any"),
          el("td", {}, rule.path),
          el("td", {}, describeRule(rule)),
          el("td", { class: "fired" }, `${rule.fired} / ${rule.calls}`),
          el("td", {}, el("button", { type: "button", onclick: () => removeRule(rule.id) }, "Remove")),
        ),
      ),
    );
  } catch (error) {
    say(error.message, true);
  }
}

function ruleFromForm() {
  const rule = { path: $("#rule-path").value.trim() };
  const number = (selector) => ($(selector).value ? Number($(selector).value) : undefined);
  const method = $("#rule-method").value;
  if (method) rule.method = method;
  if (number("#rule-status")) rule.status = number("#rule-status");
  if (number("#rule-every")) rule.every = number("#rule-every");
  if (number("#rule-times")) rule.times = number("#rule-times");
  if ($("#rule-fault").value) rule.fault = $("#rule-fault").value;
  const latency = $("#rule-latency").value.trim();
  if (latency) {
    const [min, max] = latency.split("-").map(Number);
    rule.latency_ms = max === undefined ? { min } : { min, max };
  }
  return rule;
}

async function addRule(event) {
  event.preventDefault();
  try {
    const rule = await admin("POST", "/rules", ruleFromForm());
    say(`Rule ${rule.id} added`);
    await loadRules();
  } catch (error) {
    say(error.message, true);
  }
}

async function removeRule(id) {
  try {
    await admin("DELETE", `/rules/${encodeURIComponent(id)}`);
    say(`Rule ${id} removed`);
    await loadRules();
  } catch (error) {
    say(error.message, true);
  }
}

// ---- start --------------------------------------------------------------------------------

function refreshAll() {
  loadState();
  loadRules();
  restartJournal();
}

document.addEventListener("DOMContentLoaded", () => {
  $("#token").value = sessionStorage.getItem(TOKEN_KEY) ?? "";
  $("#token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("#token").value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    say("");
    refreshAll();
  });
  for (const id of ["#filter-api", "#filter-status"]) {
    $(id).addEventListener("change", restartJournal);
  }
  $("#filter-namespace").addEventListener("change", refreshAll);
  $("#clear-journal").addEventListener("click", async () => {
    try {
      await admin("DELETE", "/journal");
      restartJournal();
    } catch (error) {
      say(error.message, true);
    }
  });
  $("#close-entry").addEventListener("click", () => {
    $("#entry").hidden = true;
  });
  $("#reset-all").addEventListener("click", () => reset());
  $("#rule-form").addEventListener("submit", addRule);
  refreshAll();
  setInterval(() => {
    pollJournal();
    loadRules();
  }, POLL_MS);
});
