/*! bcagent storefront chat widget. One tag:
 *   <script src="https://<server>/widget.js" data-store="<hash>" async></script>
 * Plain JavaScript, no dependencies, no build step. Everything lives in a shadow root; every piece of shopper,
 * store or model text goes in through textContent (never as HTML); links are built only from the `blocks` and
 * `links` fields of the API's answers (URLs the server checked; the widget checks the scheme again). Talks to `bcagent serve` (see API-CONTRACT in the README): threads, SSE turns over fetch,
 * the confirmation route, GET thread to restore a conversation after a reload.
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector("script[data-store][src*='widget']");
  if (!script || window.bcagentWidget) return;
  var opt = script.dataset;
  var STORE = (opt.store || "").trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(STORE)) {
    console.warn("bcagent widget: data-store must be the store hash; the widget is off.");
    return;
  }
  // The server replaces the placeholder below with the stylesheet when it serves /widget.js; a copy served as a
  // plain static file loads widget.css from beside itself instead.
  var INLINE_CSS = /*BCAGENT_CSS*/ null;
  var SRC = script.src || location.href;
  var API = (opt.api || SRC.replace(/\/(static\/)?widget\.js([?#].*)?$/, "")).replace(/\/+$/, "");
  var STOREFRONT = (opt.storefront || location.origin).replace(/\/+$/, "");
  var KEY = "bcagent:" + STORE + "@" + API;
  var TOOL_WORDS = {
    get_order_information: "Looking up your order",
    cancel_order: "Cancelling your order",
    check_gift_card_balance: "Checking your gift card",
    lookup_discount_code: "Checking that code",
    list_active_promotions: "Looking for current offers",
    get_product_information: "Looking at our products",
    transfer_to_human: "Passing you to our team"
  };
  var CARRIERS = {
    ups: "https://www.ups.com/track?tracknum=",
    fedex: "https://www.fedex.com/fedextrack/?trknbr=",
    usps: "https://tools.usps.com/go/TrackConfirmAction?tLabels=",
    dhl: "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/",
    "canada post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=",
    "australia post": "https://auspost.com.au/mypost/track/details/"
  };
  var YES = /^\s*(yes|y|yeah|yep|yup|sure|ok|okay|yes please|please do|confirm)\s*[.!]*\s*$/i;
  var NO = /^\s*(no|n|nope|no thanks|no thank you|not now|don'?t)\s*[.!]*\s*$/i;

  // ---------- small helpers ----------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = String(text);
    return node;
  }
  function load(store, key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }
  function save(store, key, value) {
    try { if (value == null) store.removeItem(key); else store.setItem(key, JSON.stringify(value)); } catch (e) { /* storage off */ }
  }
  function safeUrl(raw) {
    try {
      var u = new URL(String(raw), location.href);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) { return null; }
  }
  function now() { return performance.now(); }
  function measure(name, start) {
    try { performance.measure(name, { start: start, end: now() }); } catch (e) { /* old browser */ }
  }
  function ApiError(status, code, message, retryAfter) {
    this.status = status; this.code = code; this.message = message; this.retryAfter = retryAfter;
  }

  // ---------- state ----------
  var saved = load(localStorage, KEY) || {};
  var thread = saved.thread_id && saved.secret ? { id: saved.thread_id, secret: saved.secret } : null;
  var knownLinks = saved.links || { tracking: [], products: [] };
  var lastActive = Number(saved.last) || Date.now();   // the thread is forgotten after config.thread_ttl_hours idle
  var owner = saved.customer == null ? null : String(saved.customer);  // the signed-in shopper the thread is theirs
  var limit = 2000;
  var config = null;
  var busy = false;
  var pending = null;      // the open confirmation: {proposal_id, group, buttons}
  var failure = null;      // the last failed turn, for Retry
  var shopperTexts = [];   // what the server has recorded from the shopper, in order (to avoid re-sending a turn)
  var greeted = false;

  function persist() {
    save(localStorage, KEY, thread ? { thread_id: thread.id, secret: thread.secret, links: knownLinks,
      last: lastActive, customer: owner } : null);
  }

  // ---------- DOM ----------
  var host = document.createElement("bcagent-chat");
  host.setAttribute("style", "all: initial");
  host.dataset.state = "loading";
  var root = host.attachShadow({ mode: "open" });
  var box = el("div", "root" + (opt.position === "left" ? " left" : ""));
  box.hidden = true;

  var launcher = el("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "bca-panel");
  launcher.setAttribute("aria-haspopup", "dialog");
  var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  svg.appendChild(path);
  var launcherText = el("span", "", opt.launcherLabel || "Chat with us");
  launcher.appendChild(svg);
  launcher.appendChild(launcherText);

  var panel = el("div", "panel");
  panel.id = "bca-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "bca-title");
  var head = el("div", "head");
  var title = el("h2");
  title.id = "bca-title";
  var titleText = el("span", "", "Chat with us");
  var sub = el("span", "sub", "Support chat \u00b7 automated assistant");
  title.appendChild(titleText);
  title.appendChild(sub);
  var closeBtn = el("button", "close", "\u00d7");
  closeBtn.type = "button";
  closeBtn.setAttribute("aria-label", "Close chat");
  var newBtn = el("button", "new", "New");
  newBtn.type = "button";
  newBtn.setAttribute("aria-label", "New conversation");
  newBtn.title = "New conversation";
  head.appendChild(title);
  head.appendChild(newBtn);
  head.appendChild(closeBtn);

  var log = el("ol", "log");
  log.setAttribute("aria-label", "Conversation");
  log.tabIndex = 0;
  var progress = el("div", "progress");
  var alertBox = el("div", "alert");
  alertBox.hidden = true;
  var alertText = el("span");
  var retryBtn = el("button", "", "Try again");
  retryBtn.type = "button";
  alertBox.appendChild(alertText);
  alertBox.appendChild(retryBtn);
  var quick = el("div", "quick");
  quick.setAttribute("role", "group");
  quick.setAttribute("aria-label", "Suggested questions");

  var form = el("form", "composer");
  var label = el("label", "sr", "Message");
  label.htmlFor = "bca-input";
  var input = el("textarea");
  input.id = "bca-input";
  input.rows = 1;
  input.placeholder = "Type your message";
  input.setAttribute("autocomplete", "off");
  var sendBtn = el("button", "", "Send");
  sendBtn.type = "submit";
  var counter = el("span", "count");
  counter.id = "bca-count";
  counter.hidden = true;
  input.setAttribute("aria-describedby", "bca-count");
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendBtn);
  form.appendChild(counter);

  var live = el("div", "sr");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");

  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(progress);
  panel.appendChild(alertBox);
  panel.appendChild(quick);
  panel.appendChild(form);
  box.appendChild(launcher);
  box.appendChild(panel);
  box.appendChild(live);

  function applyColours() {
    var accent = opt.color, onAccent = opt.textColor;
    if (accent && window.CSS && CSS.supports("color", accent)) {
      host.style.setProperty("--bca-accent", accent);
      if (!(onAccent && CSS.supports("color", onAccent))) onAccent = readableOn(accent);
    }
    if (onAccent && CSS.supports("color", onAccent)) host.style.setProperty("--bca-on-accent", onAccent);
  }
  function luminance(rgb) {
    var c = rgb.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function readableOn(colour) {
    // White text if it reaches 4.5:1 on the accent (WCAG AA), else near-black.
    var probe = el("span");
    probe.style.color = colour;
    root.appendChild(probe);
    var m = getComputedStyle(probe).color.match(/[\d.]+/g);
    root.removeChild(probe);
    if (!m) return "#ffffff";
    var l = luminance(m.slice(0, 3).map(Number));
    return 1.05 / (l + 0.05) >= 4.5 ? "#ffffff" : "#111111";
  }

  // ---------- open / close, keyboard ----------
  var phone = window.matchMedia ? window.matchMedia("(max-width: 480px)") : { matches: false };
  function isOpen() { return !panel.hidden; }
  function open(focus) {
    if (isOpen()) return;
    panel.hidden = false;
    box.classList.add("open");
    launcher.setAttribute("aria-expanded", "true");
    panel.setAttribute("aria-modal", phone.matches ? "true" : "false");
    save(sessionStorage, KEY + ":open", true);
    if (!greeted) greet();
    if (host.dataset.state === "unavailable") showAlert("unavailable");
    scrollDown();
    if (focus !== false) input.focus({ preventScroll: true });
  }
  function close() {
    if (!isOpen()) return;
    panel.hidden = true;
    box.classList.remove("open");
    launcher.setAttribute("aria-expanded", "false");
    save(sessionStorage, KEY + ":open", null);
    launcher.focus({ preventScroll: true });
  }
  launcher.addEventListener("click", function () { if (isOpen()) close(); else open(); });
  closeBtn.addEventListener("click", close);
  box.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && isOpen()) { e.preventDefault(); close(); return; }
    if (e.key === "Tab" && phone.matches) trapTab(e);
  });
  function trapTab(e) {
    var items = Array.prototype.filter.call(
      panel.querySelectorAll("button, textarea, [tabindex='0']"),
      function (n) { return !n.disabled && n.offsetParent !== null; });
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1], at = root.activeElement;
    if (e.shiftKey && at === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && at === last) { e.preventDefault(); first.focus(); }
  }
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  input.addEventListener("input", function () { grow(); count(); });
  // Near the limit a counter shows; past it, a notice says by how much and Send refuses: nothing is cut.
  function count() {
    var n = input.value.length, over = n - limit;
    counter.hidden = n < limit * 0.8;
    if (over > 0 && !counter.classList.contains("over")) announce("Your message is over the " + limit + "-character limit.");
    counter.classList.toggle("over", over > 0);
    counter.textContent = over > 0
      ? over + " characters over the " + limit + "-character limit. Please shorten your message."
      : n + " / " + limit;
    return over <= 0;
  }
  function grow() { input.style.height = "auto"; input.style.height = Math.min(input.scrollHeight + 3, 120) + "px"; }
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  retryBtn.addEventListener("click", function () { retry(); });
  newBtn.addEventListener("click", function () { if (!busy) forget("You started a new conversation."); });

  // ---------- rendering ----------
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function showFrom(li) {
    // A reply taller than the log is shown from its first line, not its end.
    if (li && li.offsetHeight > log.clientHeight - 24) log.scrollTop = li.offsetTop - 8; else scrollDown();
  }
  function bubble(role, text, time) {
    var li = el("li", "msg " + (role === "shopper" ? "me" : role === "note" ? "note" : "bot"), text);
    li.dir = "auto";
    var who = el("span", "sr", role === "shopper" ? "You: " : role === "note" ? "" : role === "staff" ? "Our team: " : "Assistant: ");
    who.dir = "ltr";  // an element with its own dir is skipped by dir="auto": the text decides the direction
    if (role !== "note") li.insertBefore(who, li.firstChild);
    if (role !== "note") stamp(li, time);
    log.appendChild(li);
    scrollDown();
    return li;
  }
  // The time shows on hover and when the conversation has keyboard focus (CSS ::after from data-time), so it
  // never mixes into the message's text.
  function stamp(li, time) {
    var when = time ? new Date(time) : new Date();
    if (isNaN(when.getTime())) return;
    li.dataset.time = when.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }
  // A member of the store's team: their name shown above the text (both as text, never markup).
  function staffBubble(author, text, time) {
    var name = String(author || "Our team");
    var li = bubble("staff", text, time);
    li.classList.add("staff");
    var sr = li.firstChild && li.firstChild.className === "sr" ? li.firstChild : null;
    if (sr) sr.textContent = name + " (staff): ";
    var who = el("span", "who", name);
    who.setAttribute("aria-hidden", "true");
    li.insertBefore(who, sr ? sr.nextSibling : li.firstChild);
    return li;
  }
  function setText(li, text) {
    var who = li.firstChild && li.firstChild.className === "sr" ? li.firstChild : null;
    li.textContent = text;
    li.bcaText = text;
    if (who) li.insertBefore(who, li.firstChild);
  }
  function bodyText(li) {
    if (li.bcaText != null) return li.bcaText;
    var who = li.firstChild && li.firstChild.className === "sr" ? li.firstChild.textContent : "";
    return li.textContent.slice(who.length);
  }

  // ---------- structured replies (blocks, API-CONTRACT.md): every string through textContent ----------
  function link(text, url, cls, label) {
    var href = safeUrl(url);
    if (!href) return el("span", cls, text);
    var a = el("a", cls, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.setAttribute("aria-label", (label || text) + " (opens in a new tab)");
    return a;
  }
  function para(text, cls) { var p = el("p", cls, text); p.dir = "auto"; return p; }
  var RENDER = {
    paragraph: function (b) { return para(b.text); },
    notice: function (b) { var p = para(b.text, "notice" + (b.tone === "warning" ? " warn" : "")); p.setAttribute("role", "note"); return p; },
    list: function (b) {
      var box = el("div", "blist");
      if (b.title) box.appendChild(para(b.title, "btitle"));
      var ul = el("ul");
      (b.items || []).forEach(function (it) {
        var li = el("li");
        li.dir = "auto";
        li.appendChild(it.link ? link(it.text, it.link) : el("span", "", it.text));
        if (it.detail) li.appendChild(el("span", "detail", it.detail));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      return box;
    },
    product: function (b) {
      var card = el("div", "card");
      var img = b.image ? safeUrl(b.image) : null;
      if (img) {
        var pic = el("img");
        pic.alt = "";
        pic.loading = "lazy";
        pic.referrerPolicy = "no-referrer";
        pic.addEventListener("error", function () { pic.remove(); });
        pic.src = img;
        card.appendChild(pic);
      }
      var body = el("div", "cbody");
      body.appendChild(b.link ? link(b.name, b.link, "cname") : el("span", "cname", b.name));
      var price = el("p", "price");
      if (b.sale_price) {
        price.appendChild(el("strong", "", b.sale_price));
        price.appendChild(el("span", "sr", " was "));
        price.appendChild(el("s", "", b.price));
      } else if (b.price) price.appendChild(el("strong", "", b.price));
      if (price.firstChild) body.appendChild(price);
      if (b.stock) body.appendChild(el("p", "stock" + (/out of stock|unavailable/i.test(b.stock) ? " out" : ""), b.stock));
      if (b.options) body.appendChild(para(b.options, "opts"));
      card.appendChild(body);
      return card;
    },
    order: function (b) {
      var card = el("div", "card order");
      var body = el("div", "cbody");
      body.appendChild(el("span", "cname", "Order #" + b.number));
      body.appendChild(el("p", "status", b.status));
      if (b.carrier || b.tracking_number) {
        body.appendChild(el("p", "detail", [b.carrier, b.tracking_number].filter(Boolean).join(" \u00b7 ")));
      }
      var track = b.tracking_link ? safeUrl(b.tracking_link) : null;
      if (track) body.appendChild(link("Track package", track, "track", "Track package " + (b.tracking_number || "")));
      if (b.items && b.items.length) {
        var ul = el("ul", "items");
        b.items.forEach(function (it) {
          var text = (it.quantity != null ? it.quantity + " \u00d7 " : "") + it.name + (it.options ? " (" + it.options + ")" : "");
          var li = el("li", "", text);
          li.dir = "auto";
          ul.appendChild(li);
        });
        body.appendChild(ul);
      }
      if (b.total) body.appendChild(el("p", "total", "Total: " + b.total));
      card.appendChild(body);
      return card;
    },
    actions: function (b) {
      var group = el("div", "chips");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested replies");
      (b.actions || []).forEach(function (a) {
        var btn = el("button", "", a.label);
        btn.type = "button";
        btn.addEventListener("click", function () { if (!busy) send(String(a.message)); });
        group.appendChild(btn);
      });
      return group;
    }
  };
  // Lays a reply out from its blocks; a reply with no block this widget knows keeps its plain text.
  function fill(li, blocks, text) {
    var parts = [];
    (blocks || []).forEach(function (b) {
      var make = b && RENDER[b.type];
      if (make) { try { parts.push(make(b)); } catch (e) { /* a malformed block is skipped */ } }
    });
    if (!parts.length) return false;
    setText(li, "");
    li.bcaText = text;
    li.classList.add("rich");
    parts.forEach(function (p) { li.appendChild(p); });
    return true;
  }
  function retireChips() {
    Array.prototype.forEach.call(log.querySelectorAll(".chips button"), function (b) { b.disabled = true; });
  }
  function announce(text) {
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 60);
  }
  function setProgress(text) {
    progress.textContent = "";
    if (text) { progress.appendChild(document.createTextNode(text)); progress.appendChild(el("span", "dots")); }
  }
  function setBusy(on) {
    busy = on;
    sendBtn.setAttribute("aria-disabled", on ? "true" : "false");
    host.dataset.busy = on ? "true" : "false";
  }
  function greet() {
    greeted = true;
    var text = opt.greeting || (config && config.greeting) || "Hi! I can help with orders, discount codes and products.";
    var li = bubble("assistant", text);
    li.classList.add("greeting");
    log.insertBefore(li, log.firstChild);
    renderQuick();
  }
  function renderQuick() {
    quick.textContent = "";
    var asked = shopperTexts.length > 0 || log.querySelector(".msg.me");
    quick.hidden = !!asked;
    if (asked) return;
    var items = opt.quickReplies ? opt.quickReplies.split("|") : [
      "Where is my order?", "Do you have any discount codes?",
      productId() ? "What sizes does this come in?" : "Help me find a product"];
    items.forEach(function (text) {
      text = text.trim();
      if (!text) return;
      var b = el("button", "", text);
      b.type = "button";
      b.addEventListener("click", function () { send(text); });
      quick.appendChild(b);
    });
  }

  var MESSAGES = {
    unavailable: "Chat is unavailable right now. Please try again in a moment.",
    blocked: "Chat is unavailable on this site right now.",
    network: "We can't reach the chat service. Check your connection and try again.",
    store_unreachable: "We can't reach the store right now. Please try again in a moment.",
    dropped: "The connection dropped before the reply finished.",
    rate_limited: "You're sending messages quickly. Please wait a moment, then try again.",
    turn_in_progress: "Still answering your previous message. Try again in a moment.",
    internal_error: "Something went wrong on our side. Please try again."
  };
  function showAlert(kind, retryable) {
    alertText.textContent = MESSAGES[kind] || MESSAGES.internal_error;
    retryBtn.hidden = retryable === false;
    alertBox.hidden = false;
    scrollDown();
    host.dataset.alert = kind;
    announce(alertText.textContent);
  }
  function hideAlert() { alertBox.hidden = true; delete host.dataset.alert; }

  // Known facts (tracking numbers, product names) found in a reply become links; the rest stays text.
  function linkify(li, links) {
    var text = bodyText(li), needles = [];
    (links.tracking || []).forEach(function (t) {
      var url = trackingUrl(t);
      if (t && t.number && url) {
        needles.push({ text: String(t.number), url: url, label: "Track parcel " + t.number });
        needles.push({ text: url, url: url, label: "Track parcel " + t.number });
        if (t.url) needles.push({ text: String(t.url), url: url, label: "Track parcel " + t.number });
      }
    });
    (links.products || []).forEach(function (p) {
      var url = p && p.name && p.url ? safeUrl(p.url) : null;
      if (url) { needles.push({ text: String(p.name), url: url }); needles.push({ text: String(p.url), url: url }); }
    });
    needles.sort(function (a, b) { return b.text.length - a.text.length; });
    var parts = [], pos = 0, found = false;
    while (pos < text.length) {
      var best = null, bestAt = -1;
      needles.forEach(function (n) {
        var at = n.text ? text.indexOf(n.text, pos) : -1;
        if (at >= 0 && (bestAt < 0 || at < bestAt)) { best = n; bestAt = at; }
      });
      if (!best) break;
      parts.push(text.slice(pos, bestAt), best);
      pos = bestAt + best.text.length;
      found = true;
    }
    if (!found) return;
    parts.push(text.slice(pos));
    setText(li, "");
    parts.forEach(function (part) {
      if (typeof part === "string") { if (part) li.appendChild(document.createTextNode(part)); return; }
      var a = el("a", "", part.text);
      a.href = part.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      if (part.label) a.setAttribute("aria-label", part.label + " (opens in a new tab)");
      li.appendChild(a);
    });
  }
  function trackingUrl(t) {
    if (!t) return null;
    if (t.url) return safeUrl(t.url);
    var base = CARRIERS[String(t.carrier || "").trim().toLowerCase()];
    return base && t.number ? base + encodeURIComponent(String(t.number)) : null;
  }
  function remember(links) {
    ["tracking", "products"].forEach(function (kind) {
      (links[kind] || []).forEach(function (item) {
        var list = knownLinks[kind] || (knownLinks[kind] = []);
        var same = list.some(function (x) { return JSON.stringify(x) === JSON.stringify(item); });
        if (!same) list.push(item);
        if (list.length > 20) list.shift();
      });
    });
    persist();
  }

  function renderConfirm(conf, replies, focus) {
    if (!conf || !conf.proposal_id) return;
    var question = String(conf.question || "Shall I go ahead?");
    var target = null;
    for (var i = replies.length - 1; i >= 0 && !target; i--) {
      if (bodyText(replies[i]).trim() === question.trim()) target = replies[i];
    }
    if (!target) target = bubble("assistant", question);
    target.id = "bca-q-" + String(conf.proposal_id).replace(/[^\w-]/g, "");
    var group = el("div", "confirm");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Answer: " + question);
    if (conf.verify === "email_code") return renderCodeConfirm(conf, target, group, focus);
    var yes = el("button", "yes", "Yes"), no = el("button", "no", "No");
    [yes, no].forEach(function (b, k) {
      b.type = "button";
      b.setAttribute("aria-describedby", target.id);
      b.addEventListener("click", function () { answer(k === 0, k === 0 ? "Yes" : "No"); });
      group.appendChild(b);
    });
    target.appendChild(group);
    pending = { proposal_id: conf.proposal_id, buttons: [yes, no] };
    scrollDown();
    if (focus) yes.focus({ preventScroll: true });
  }
  // An emailed-code confirmation (the store's email_code policy): a code field and Confirm, or No.
  function renderCodeConfirm(conf, target, group, focus) {
    var field = el("input", "code");
    field.type = "text";
    field.inputMode = "numeric";
    field.autocomplete = "one-time-code";
    field.maxLength = 7;
    field.setAttribute("aria-label", "The 6-digit code from the email");
    field.setAttribute("aria-describedby", target.id);
    var ok = el("button", "yes", "Confirm"), no = el("button", "no", "No");
    function confirmCode() {
      var code = field.value.replace(/\D/g, "");
      if (code.length !== 6) { field.focus(); return; }
      answer(true, "\u2022\u2022\u2022\u2022\u2022\u2022", code);
    }
    ok.type = no.type = "button";
    ok.setAttribute("aria-describedby", target.id);
    no.setAttribute("aria-describedby", target.id);
    ok.addEventListener("click", confirmCode);
    no.addEventListener("click", function () { answer(false, "No"); });
    field.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); confirmCode(); } });
    [field, ok, no].forEach(function (n) { group.appendChild(n); });
    target.appendChild(group);
    pending = { proposal_id: conf.proposal_id, buttons: [field, ok, no] };
    scrollDown();
    if (focus) field.focus({ preventScroll: true });
  }
  function settlePending(chosen) {
    if (!pending) return;
    pending.buttons.forEach(function (b, k) {
      b.disabled = true;
      if (chosen != null && b.tagName === "BUTTON") b.setAttribute("aria-pressed", (k === 0) === chosen ? "true" : "false");
    });
    pending = null;
  }

  function renderHistory(t) {
    log.textContent = "";
    greeted = false;
    shopperTexts = [];
    pending = null;
    var bots = [];
    (t.messages || []).forEach(function (m) {
      var li = m.role === "staff" ? staffBubble(m.author, m.text, m.time)
        : bubble(m.role === "shopper" ? "shopper" : "assistant", m.text, m.time);
      if (m.role === "shopper") shopperTexts.push(m.text);
      else { if (!fill(li, m.blocks, m.text)) linkify(li, knownLinks); bots.push(li); }
    });
    greet();
    retireChips();
    var lastChips = bots.length ? bots[bots.length - 1].querySelectorAll(".chips button") : [];
    Array.prototype.forEach.call(lastChips, function (b) { b.disabled = false; });
    if (t.confirmation) renderConfirm(t.confirmation, bots.slice(-2), false);
    watch(t);
  }

  // ---------- a person from the store's team (API-CONTRACT.md, "Staff replies") ----------
  // While the thread has an open or claimed handoff, the widget reads the thread every 1.5 s and shows
  // what staff wrote; it stops once the handoff is closed (the assistant is back).
  var watching = null, shown = 0;
  function watch(t) {
    shown = (t.messages || []).length;
    var h = t.handoff;
    if (h && (h.status === "open" || h.status === "claimed")) { if (!watching) watching = setTimeout(poll, 1500); }
  }
  async function poll() {
    watching = null;
    if (!thread) return;
    try {
      var t = await call("GET", threadPath());
      if (busy) { watching = setTimeout(poll, 1500); return; }
      if ((t.messages || []).length !== shown) { renderHistory(t); announce(lastText(t)); }
      else watch(t);
    } catch (e) { watching = setTimeout(poll, 5000); }
  }
  function lastText(t) {
    var m = (t.messages || [])[(t.messages || []).length - 1];
    return m && m.role !== "shopper" ? (m.author ? m.author + ": " : "") + m.text : "";
  }

  // ---------- talking to the server ----------
  function headers(extra) {
    var h = { "Content-Type": "application/json" };
    if (thread) h["X-Thread-Secret"] = thread.secret;
    for (var k in extra) h[k] = extra[k];
    return h;
  }
  async function errorOf(res) {
    var body = null;
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    var err = body && body.error ? body.error : {};
    return new ApiError(res.status, String(err.code || "internal_error"), String(err.message || ""),
      Number(res.headers.get("Retry-After")) || 0);
  }
  async function call(method, path, body) {
    var res = await fetch(API + path, {
      method: method, headers: headers({ Accept: "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit"
    });
    if (!res.ok) throw await errorOf(res);
    return res.json();
  }
  function threadPath(suffix) {
    return "/v1/stores/" + encodeURIComponent(STORE) + "/threads" + (thread ? "/" + encodeURIComponent(thread.id) : "") + (suffix || "");
  }
  async function ensureThread() {
    if (thread) return;
    var t = await call("POST", threadPath(), {});
    thread = { id: String(t.thread_id), secret: String(t.secret) };
    knownLinks = { tracking: [], products: [] };
    owner = null;
    persist();
  }
  async function customerToken() {
    var app = opt.appClientId || (config && config.app_client_id);
    if (!app) return undefined;
    try {
      var res = await fetch(STOREFRONT + "/customer/current.jwt?app_client_id=" + encodeURIComponent(String(app)),
        { credentials: "include", headers: { Accept: "text/plain" } });
      if (res.status !== 200) return undefined;   // 404: a guest
      var jwt = (await res.text()).trim();
      return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(jwt) ? jwt : undefined;
    } catch (e) { return undefined; }
  }
  // Who is signed in, only to notice a change of shopper (the server verifies the token; this reads the id).
  function customerOf(jwt) {
    if (!jwt) return null;
    try {
      var part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      var c = JSON.parse(atob(part + "===".slice((part.length + 3) % 4))).customer;
      return c && c.id != null ? String(c.id) : null;
    } catch (e) { return null; }
  }
  // A conversation ends when it has been idle too long, on "New conversation", and when the signed-in
  // shopper changes or signs out: the next person on this browser never sees (or continues) it.
  function forget(note) {
    thread = null; owner = null; shopperTexts = []; pending = null; failure = null;
    persist();
    log.textContent = "";
    greeted = false;
    hideAlert();
    if (note) bubble("note", note);
    greet();
    if (isOpen()) input.focus({ preventScroll: true });
  }
  function productId() {
    var raw = (window.bcagentProductId != null ? window.bcagentProductId : null) || opt.productId;
    if (raw == null) {
      var tagged = document.querySelector("[data-bcagent-product-id]");
      var field = document.querySelector("form input[name='product_id']");
      raw = tagged ? tagged.getAttribute("data-bcagent-product-id") : field ? field.value : null;
    }
    var n = Number(raw);
    return Number.isInteger(n) && n > 0 ? n : null;
  }
  function explain(err) {
    if (err instanceof ApiError) return err.code in MESSAGES ? err.code : "internal_error";
    return "network";
  }
  async function reachable() {
    try { await fetch(API + "/healthz", { mode: "no-cors", cache: "no-store" }); return true; } catch (e) { return false; }
  }

  // One turn: a message or a confirmation answer, streamed. Returns when the turn is shown or has failed.
  async function turn(kind, text, body) {
    setBusy(true);
    hideAlert();
    if (kind === "confirm") settlePending(body.confirm);
    var t0 = now(), state = { replies: [], current: null, first: false, done: false, error: null, links: null, confirmation: null };
    var seen = shopperTexts.filter(function (s) { return s === text; }).length;
    var started = false, following = null;
    setProgress("Thinking");
    try {
      if (kind === "message") {
        body.customer_token = await customerToken();
        if (thread && owner !== null && customerOf(body.customer_token) !== owner) {
          var mine = log.lastChild;
          forget("You're signed in as someone else now, so this is a new conversation.");
          if (mine) log.appendChild(mine);
        }
      }
      await ensureThread();
      if (kind === "message" && customerOf(body.customer_token) !== null) owner = customerOf(body.customer_token);
      lastActive = Date.now();
      persist();
      var res = await fetch(API + threadPath(kind === "confirm" ? "/confirmation" : "/messages"), {
        method: "POST", headers: headers({ Accept: "text/event-stream" }), body: JSON.stringify(body), credentials: "omit"
      });
      started = true;
      if (!res.ok) throw await errorOf(res);
      if (kind === "message") shopperTexts.push(text);
      if ((res.headers.get("Content-Type") || "").indexOf("text/event-stream") >= 0 && res.body) {
        await readStream(res, state, t0);
      } else {
        var data = await res.json();
        (data.replies || []).forEach(function (r, i) { onEvent("reply", { text: r, blocks: (data.blocks || [])[i] }, state, t0); });
        if (data.links) onEvent("links", data.links, state, t0);
        if (data.confirmation) onEvent("confirmation", data.confirmation, state, t0);
        state.done = true;
        state.retryable = data.retryable === true;
        state.quickReplies = data.quick_replies || [];
      }
      if (!state.done) throw new Error("stream ended early");
      finishTurn(state);
      var fresh = failure && failure.fresh;
      failure = null;
      if (state.error && state.error.code === "thread_of_another_customer" && kind === "message" && !fresh) {
        // The thread is another signed-in shopper's: start this shopper's own and ask there.
        thread = null; owner = null; shopperTexts = []; persist();
        failure = { fresh: true };
        return await turn(kind, text, body);
      }
      if (state.error) {
        // The server ran the turn and says it failed: asking again is a new turn, not a duplicate.
        failure = { kind: kind, text: text, body: body, seen: seen, resend: true };
        showAlert(state.error.code in MESSAGES ? state.error.code : "internal_error");
      } else if (state.retryable && kind === "message") {
        // The turn was answered, but a tool could not reach the store: offer to ask the same again.
        failure = { kind: kind, text: text, body: { text: body.text, page: body.page }, seen: seen, resend: true };
        showAlert("store_unreachable");
      }
      measure("bcagent:reply", t0);
    } catch (err) {
      if (state.current) state.current.classList.add("partial");
      if (err instanceof ApiError && (err.code === "unknown_thread" || err.code === "thread_of_another_customer") &&
          kind === "message" && !(failure && failure.fresh)) {
        // The saved thread is gone (expired, or the server was reset): start a new one once, then re-send.
        thread = null; shopperTexts = []; persist();
        failure = { fresh: true };
        return await turn(kind, text, body);
      }
      if (err instanceof ApiError && (err.code === "no_such_proposal" || err.code === "unknown_thread")) {
        failure = null;
        if (err.code === "unknown_thread") { thread = null; persist(); }
        bubble("note", "That question is no longer open. Ask again if you still need it.");
        return;
      }
      var why = explain(err);
      if (why === "network" && !started && !(await reachable())) why = "network";
      else if (why === "network" && !started) why = "blocked";
      else if (why === "network") why = "dropped";
      failure = { kind: kind, text: text, body: body, seen: seen, validation: isValidation(err), resend: err instanceof ApiError };
      if (failure.validation) { failure = null; bubble("note", (err instanceof ApiError && err.message) || "That message can't be sent."); }
      else if (why === "dropped" && kind === "message") { following = failure; }
      else showAlert(why, why !== "blocked");
      if (why === "blocked") console.warn("bcagent widget: " + API + " refused this page's origin (" + location.origin + "); add it to the server's CORS origins.");
    } finally {
      host.dataset.turns = String(Number(host.dataset.turns || 0) + 1);
      setBusy(false);
      setProgress("");
      if (!pending && isOpen() && (root.activeElement === sendBtn || document.activeElement === document.body)) {
        input.focus({ preventScroll: true });
      }
    }
    if (following) await follow(following);   // a dropped stream: the turn goes on on the server; wait for it
  }
  function isValidation(err) {
    return err instanceof ApiError && err.status >= 400 && err.status < 500 &&
      ["message_too_long", "empty_message", "invalid_request", "payload_too_large"].indexOf(err.code) >= 0;
  }

  async function readStream(res, state, t0) {
    var reader = res.body.getReader(), decoder = new TextDecoder(), buffer = "", name = "message", data = [];
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      var lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop();
      for (var i = 0; i < lines.length; i++) {
        var line = lines[i];
        if (line === "") {
          if (data.length) {
            var payload = null;
            try { payload = JSON.parse(data.join("\n")); } catch (e) { payload = null; }
            if (payload) onEvent(name, payload, state, t0);
          }
          name = "message"; data = [];
        } else if (line[0] !== ":") {
          var at = line.indexOf(":"), field = at < 0 ? line : line.slice(0, at), value = at < 0 ? "" : line.slice(at + 1);
          if (value[0] === " ") value = value.slice(1);
          if (field === "event") name = value; else if (field === "data") data.push(value);
        }
      }
    }
  }

  function firstText(state, t0) {
    if (state.first) return;
    state.first = true;
    measure("bcagent:first-text", t0);
  }
  function onEvent(name, data, state, t0) {
    if (name === "tool") {
      setProgress(TOOL_WORDS[data.name] || "Working on it");
      if (data.name === "transfer_to_human") state.handoff = true;
    }
    else if (name === "delta" && data.text) {
      if (!state.current) { state.current = bubble("assistant", ""); state.current.classList.add("partial"); }
      state.current.appendChild(document.createTextNode(String(data.text)));
      firstText(state, t0);
      scrollDown();
    } else if (name === "reply") {
      var text = String(data.text == null ? "" : data.text), li = state.current;
      if (li) { setText(li, text); li.classList.remove("partial"); } else li = bubble("assistant", text);
      if (fill(li, data.blocks, text)) li.bcaRich = true;
      state.current = null;
      state.replies.push(li);
      firstText(state, t0);
      announce(state.replies.map(bodyText).join(" "));
      scrollDown();
    } else if (name === "links") state.links = data;
    else if (name === "confirmation") state.confirmation = data;
    else if (name === "error") state.error = data;
    else if (name === "done") {
      state.done = true; state.retryable = data.retryable === true; state.quickReplies = data.quick_replies || [];
    }
  }
  function finishTurn(state) {
    if (state.links) {
      remember(state.links);
      state.replies.forEach(function (li) { if (!li.bcaRich) linkify(li, state.links); });
    }
    var conf = state.confirmation;
    if (!(conf && pending && conf.proposal_id === pending.proposal_id)) {
      settlePending(null);
      if (conf) renderConfirm(conf, state.replies, true);
    }
    renderQuick();
    lastActive = Date.now();
    persist();
    if (!pending) showFrom(state.replies[0]);
    if (state.quickReplies && state.quickReplies.length) offerReplies(state.quickReplies);
    if (state.handoff || watching === null && state.replies.length === 0) poll();
  }
  function offerReplies(items) {
    quick.textContent = "";
    items.forEach(function (text) {
      var b = el("button", "", String(text));
      b.type = "button";
      b.addEventListener("click", function () { quick.hidden = true; send(String(text)); });
      quick.appendChild(b);
    });
    quick.hidden = false;
  }

  async function submit() {
    var text = input.value.trim();
    if (!text || busy) return;
    if (!count()) { input.focus(); return; }
    input.value = "";
    count();
    grow();
    if (pending && (YES.test(text) || NO.test(text))) return answer(YES.test(text), text);
    return send(text);
  }
  async function send(text) {
    if (busy) return;
    if (root.activeElement && root.activeElement.parentNode === quick) input.focus({ preventScroll: true });
    quick.hidden = true;
    retireChips();
    bubble("shopper", text);
    var page = { url: location.href };
    var pid = productId();
    if (pid) page.product_id = pid;
    await turn("message", text, { text: text, page: page });
  }
  async function answer(yes, label, code) {
    if (busy || !pending) return;
    var proposal = pending.proposal_id;
    if (root.activeElement && pending.buttons.indexOf(root.activeElement) >= 0) input.focus({ preventScroll: true });
    bubble("shopper", label);
    var body = { proposal_id: proposal, confirm: yes };
    if (code) body.code = code;
    await turn("confirm", label, body);
  }

  // Retry never re-sends a turn the server already has: it first reads the thread back.
  async function retry() {
    if (busy) return;
    retryBtn.disabled = true;
    try {
      if (config === null) {
        await init();
        if (config === null) { showAlert("unavailable"); return; }
        if (!greeted) greet();
      }
      var f = failure;
      if (!f) { hideAlert(); return; }
      if (!thread || f.resend) { failure = null; return await turn(f.kind, f.text, f.body); }
      var t = await call("GET", threadPath());
      var arrived = f.kind === "message"
        ? (t.messages || []).filter(function (m) { return m.role === "shopper" && m.text === f.text; }).length > f.seen
        : !(t.confirmation && t.confirmation.proposal_id === f.body.proposal_id);
      if (!arrived) { failure = null; return await turn(f.kind, f.text, f.body); }
      failure = null;
      hideAlert();
      renderHistory(t);
      var last = (t.messages || [])[t.messages.length - 1];
      if (last && last.role === "shopper") {
        f.polls = (f.polls || 0) + 1;
        failure = f;
        if (f.polls > 20) showAlert("turn_in_progress");
        else { setProgress("Still working on your message"); setTimeout(retry, 1500); }
      }
    } catch (err) {
      if (err instanceof ApiError && err.code === "unknown_thread") { thread = null; persist(); }
      showAlert(err instanceof ApiError ? explain(err) : (await reachable()) ? "blocked" : "network");
    } finally {
      retryBtn.disabled = false;
    }
  }

  // A turn the server is still running (the page was reloaded mid-turn, or the stream dropped): show the
  // progress line and read the thread back about once a second until the reply is there (API-CONTRACT.md).
  async function follow(f) {
    setBusy(true);
    setProgress("Still working on your message");
    try {
      for (var i = 0; i < 180; i++) {
        var t = await call("GET", threadPath());
        if (!t.turn_in_progress) {
          var last = (t.messages || [])[(t.messages || []).length - 1];
          renderHistory(t);
          var bots = log.querySelectorAll(".msg.bot:not(.greeting)");
          var arrived = f && (t.messages || []).filter(function (m) { return m.role === "shopper" && m.text === f.text; }).length > f.seen;
          if (f && (!arrived || !last || last.role === "shopper")) {
            failure = f;   // the server never got the message (or the turn failed): offer Try again
            showAlert("dropped");
            return;
          }
          failure = null;
          if (bots.length) { announce(bodyText(bots[bots.length - 1])); showFrom(bots[bots.length - 1]); }
          return;
        }
        await new Promise(function (r) { setTimeout(r, i < 10 ? 700 : 1500); });
      }
      showAlert("turn_in_progress");
    } catch (err) {
      failure = f || failure;
      showAlert(err instanceof ApiError ? explain(err) : "network");
    } finally {
      setBusy(false);
      setProgress("");
    }
  }

  // ---------- start ----------
  async function init() {
    try {
      config = await call("GET", "/v1/stores/" + encodeURIComponent(STORE) + "/config");
      hideAlert();
    } catch (err) {
      config = null;
      host.dataset.state = "unavailable";
      if (isOpen()) showAlert("unavailable");
      if (!(err instanceof ApiError) && (await reachable())) {
        console.warn("bcagent widget: " + API + " refused this page's origin (" + location.origin + "); add it to the server's CORS origins.");
      }
      return;
    }
    titleText.textContent = opt.title || config.store_name || "Chat with us";
    limit = Number(config.max_message_chars) > 0 ? Number(config.max_message_chars) : 2000;
    var ttl = Number(config.thread_ttl_hours) > 0 ? Number(config.thread_ttl_hours) : 24;
    if (thread && Date.now() - lastActive > ttl * 3600 * 1000) { thread = null; owner = null; persist(); }
    if (thread && owner !== null && customerOf(await customerToken()) !== owner) { thread = null; owner = null; persist(); }
    if (thread) {
      try {
        var t = await call("GET", threadPath());
        renderHistory(t);
        if (t.turn_in_progress) follow(null);
      } catch (err) {
        if (err instanceof ApiError && err.code === "unknown_thread") { thread = null; persist(); }
      }
    }
    host.dataset.state = "ready";
  }

  function mount() {
    document.body.appendChild(host);
    applyColours();
    var ready = function () {
      box.hidden = false;
      init().then(function () {
        try { performance.mark("bcagent:ready"); } catch (e) { /* old browser */ }
        if (load(sessionStorage, KEY + ":open")) open(false);
      });
    };
    if (INLINE_CSS) {
      var style = el("style");
      style.textContent = INLINE_CSS;
      root.appendChild(style);
      root.appendChild(box);
      ready();
    } else {
      var link = el("link");
      link.rel = "stylesheet";
      link.href = new URL("widget.css", SRC).href;
      link.addEventListener("load", ready);
      link.addEventListener("error", function () { host.dataset.state = "unavailable"; });
      root.appendChild(link);
      root.appendChild(box);
    }
  }

  window.bcagentWidget = {
    open: function () { open(); },
    close: close,
    setProductId: function (id) { window.bcagentProductId = id; renderQuick(); }
  };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
