// Agent console: paste a ticket, see category and suggestions, give one-click feedback.
// Plain browser JavaScript: no build step, no dependencies. Every value from the API is put
// into the page with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const KEY_STORE = "tickets.apiKey";
let currentTicket = null;

function apiKey() {
  return sessionStorage.getItem(KEY_STORE) || "";
}

function newIdempotencyKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function api(method, path, body, extraHeaders) {
  const headers = { Authorization: "Bearer " + apiKey(), ...(extraHeaders || {}) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = null;
  try { payload = await response.json(); } catch (err) { payload = null; }
  if (!response.ok) throw new Error(describeError(response.status, payload));
  return payload;
}

function describeError(status, payload) {
  const detail = payload && payload.detail;
  if (Array.isArray(detail)) {
    return status + ": " + detail.map((e) => e.loc.slice(1).join(".") + " " + e.msg).join("; ");
  }
  return status + ": " + (detail || "request failed");
}

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

function percent(value) {
  return value === null || value === undefined ? "" : Math.round(value * 100) + "%";
}

function renderResult(ticket) {
  currentTicket = ticket;
  $("result").hidden = false;
  $("ticket-id").textContent = ticket.ticket_id;
  const pending = ticket.enrichment !== "complete";
  $("pending").hidden = !pending;
  $("category").textContent = pending ? "…" : ticket.category;
  $("confidence").textContent = pending ? "" : percent(ticket.confidence) + " confident";
  $("review").hidden = pending || !ticket.needs_review;
  const options = $("category-options");
  options.replaceChildren(...(ticket.top_categories || []).map((c) => {
    const option = document.createElement("option");
    option.value = c.category;
    return option;
  }));
  renderResolution(ticket);
  const items = ticket.recommendations || [];
  renderSuggestions($("kb-articles"), items.filter((s) => s.kind === "kb_article"));
  renderSuggestions($("similar-tickets"), items.filter((s) => s.kind === "similar_ticket"));
}

function renderResolution(ticket) {
  let lines = (ticket.suggested_resolution || "").split("\n").filter((l) => l.trim());
  if (!lines.length && ticket.enrichment === "complete") {
    lines = ["No confident suggestion: check the KB articles and similar tickets below."];
  }
  $("resolution").replaceChildren(...lines.map((line) => {
    const li = document.createElement("li");
    li.textContent = line;
    return li;
  }));
  $("resolution-confidence").textContent =
    ticket.resolution_confidence === null || ticket.resolution_confidence === undefined
      ? "" : percent(ticket.resolution_confidence) + " confident";
  const citations = ticket.citations || [];
  $("citations").textContent = citations.length ? "Cites: " + citations.join(", ") : "";
}

function renderSuggestions(list, suggestions) {
  const template = $("suggestion-template");
  list.replaceChildren(...suggestions.map((s) => {
    const node = template.content.firstElementChild.cloneNode(true);
    node.dataset.id = s.id;
    node.querySelector(".doc-id").textContent = s.id;
    node.querySelector(".doc-title").textContent = s.title;
    node.querySelector(".score").textContent = s.score.toFixed(2);
    node.querySelector(".snippet").textContent = s.snippet;
    node.querySelector(".accept").addEventListener("click", () => sendFeedback(node, s, "accepted"));
    node.querySelector(".reject").addEventListener("click", () => sendFeedback(node, s, "rejected"));
    return node;
  }));
  if (!suggestions.length) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = "none";
    list.replaceChildren(li);
  }
}

async function sendFeedback(node, suggestion, kind) {
  const state = node.querySelector(".feedback-state");
  node.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  try {
    await api("POST", `/v1/tickets/${encodeURIComponent(currentTicket.ticket_id)}/feedback`,
      { kind, recommendation_id: suggestion.id });
    state.textContent = kind === "accepted" ? "saved: helpful" : "saved: not helpful";
    state.classList.add("saved");
  } catch (err) {
    state.textContent = "not saved (" + err.message + ")";
    node.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  }
}

async function submitTicket(event) {
  event.preventDefault();
  if (!apiKey()) { setStatus("Enter an API key with the intake and read scopes first.", true); return; }
  const body = { body: $("body").value };
  for (const field of ["subject", "channel", "priority", "product"]) {
    const value = $(field).value.trim();
    if (value) body[field] = value;
  }
  const button = $("submit");
  button.disabled = true;
  setStatus("Submitting…");
  try {
    const ticket = await api("POST", "/v1/tickets", body, { "Idempotency-Key": newIdempotencyKey() });
    renderResult(ticket);
    setStatus(ticket.enrichment === "complete" ? "Suggestions ready." : "Stored; enrichment pending.");
  } catch (err) {
    setStatus("Could not submit: " + err.message, true);
  } finally {
    button.disabled = false;
  }
}

async function refresh() {
  if (!currentTicket) return;
  try {
    const recs = await api("GET",
      `/v1/tickets/${encodeURIComponent(currentTicket.ticket_id)}/recommendations`);
    renderResult({ ...currentTicket, ...recs });
  } catch (err) {
    setStatus("Could not refresh: " + err.message, true);
  }
}

async function correctCategory(event) {
  event.preventDefault();
  const category = $("corrected").value.trim();
  if (!currentTicket || !category) return;
  try {
    await api("POST", `/v1/tickets/${encodeURIComponent(currentTicket.ticket_id)}/feedback`,
      { kind: "category_corrected", category });
    setStatus("Category correction saved: " + category);
  } catch (err) {
    setStatus("Could not save the correction: " + err.message, true);
  }
}

function useKey(event) {
  event.preventDefault();
  const key = $("api-key").value.trim();
  if (key) sessionStorage.setItem(KEY_STORE, key);
  $("api-key").value = "";
  $("key-state").textContent = apiKey() ? "key set for this tab" : "no key";
}

document.addEventListener("DOMContentLoaded", () => {
  $("key-form").addEventListener("submit", useKey);
  $("ticket-form").addEventListener("submit", submitTicket);
  $("correct-form").addEventListener("submit", correctCategory);
  $("refresh").addEventListener("click", refresh);
  $("key-state").textContent = apiKey() ? "key set for this tab" : "no key";
});
