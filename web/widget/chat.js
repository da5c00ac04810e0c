/*
 * Chat widget for the page assistant (Rasa REST channel). Plain JavaScript, no build step.
 *
 * Embed with one script tag; everything else (stylesheet, markdown-it, DOMPurify, the
 * offline helplines in help.json) is loaded from next to this file:
 *
 *   <script src="/widget/chat.js" defer
 *     data-server=""                      chat server origin; empty = this site (same-origin proxy)
 *     data-title="Questions about this page"
 *     data-label="Chat"                   the launcher's (neutral) label
 *     data-accent="#1d4e5a" data-accent-text="#ffffff"   colours (hex; ignored below AA contrast)
 *     data-exit-url="https://www.bbc.co.uk/weather"      where Quick exit goes (https only)
 *     data-contact-url="#contact"         the site's contact details (#id, https:, mailto:, tel:)
 *     data-help-region="uk"               helpline set from help.json
 *     data-timeout="35000"></script>      ms to wait for a reply (keep it above the server's 30 s)
 *
 * Safety: nothing is ever assigned to innerHTML. Bot text goes through markdown-it (HTML off)
 * and DOMPurify (returning DOM nodes), then every link is checked again: only https:, mailto:,
 * tel: and same-page #anchors survive; anything else is shown as text. Visitor text and button
 * titles are only ever set as textContent.
 *
 * Privacy: the transcript and the random sender id live in this page's memory only, never in
 * web storage (any script on the host page can read that, and "reopen closed tab" brings it
 * back on a shared device). A reload starts a fresh chat and says so. The widget keeps one key
 * of its own in sessionStorage, with no content ("chat-widget:ui": whether the panel was open);
 * Quick exit removes the widget's own keys (the "chat-widget:" prefix), never the host site's,
 * and replaces the page.
 *
 * Each message carries a random message_id, the same on Retry, so the server answers a message
 * it already has with its first reply instead of processing it twice.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || document.querySelector("[data-chat-widget-root]")) {
    return;
  }

  var MAX_CHARS = 1000;
  // Every key the widget writes starts with this, so Quick exit can remove its own and no other.
  var STORE_PREFIX = "chat-widget:";
  var UI_KEY = STORE_PREFIX + "ui"; // "open" or "closed"; nothing of the conversation
  var LEGACY_KEYS = [STORE_PREFIX + "v1"]; // earlier versions kept the transcript there
  // How long to wait for a reply: above the web front's and nginx's 30 s, which are above a
  // channel turn's 25 s (assistant/chat_request.py, Timeouts; tests/unit/test_timeouts.py).
  var DEFAULT_TIMEOUT_MS = 35000;
  // Both sentences are settings/privacy.yml's, word for word (tests/unit/test_privacy_statements.py).
  var RELOAD_NOTE = "For your privacy this window doesn't keep the chat when the page reloads, so this is a fresh start.";
  var PRIVACY_FOOTER = "Tim Norton doesn't read this chat. It is kept on the website's server until it's erased; say \"delete my chat\" to erase it now.";
  var DEFAULT_EXIT = "https://www.bbc.co.uk/weather";
  var ASSET_BASE = new URL(".", script.src).href;
  var VENDOR = [ASSET_BASE + "vendor/markdown-it.min.js", ASSET_BASE + "vendor/purify.min.js"];
  var data = script.dataset;

  // ---------------------------------------------------------------- helpers

  /** Create an element. props: text, class, on<event>, or attributes (values set as strings). */
  function h(tag, props, children) {
    var el = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") el.textContent = String(value);
      else if (key === "class") el.className = value;
      else if (key.slice(0, 2) === "on") el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  function countChars(text) {
    return Array.from(text).length; // code points, as the server counts them
  }

  function randomId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID().replace(/-/g, "");
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  /** A link target the widget allows, or null: https:, mailto:, tel:, or a same-page #anchor. */
  function safeHref(raw) {
    var s = String(raw || "").trim();
    if (/^#[A-Za-z][\w-]{0,63}$/.test(s)) return { href: s, kind: "anchor" };
    if (!/^(https:\/\/|mailto:|tel:)/i.test(s)) return null;
    var url;
    try {
      url = new URL(s);
    } catch (e) {
      return null;
    }
    if (url.protocol === "https:") {
      if (url.username || url.password || !url.hostname) return null;
      return { href: url.href, kind: "web" };
    }
    if (url.protocol === "mailto:" || url.protocol === "tel:") return { href: url.href, kind: "app" };
    return null;
  }

  function validColour(value) {
    return /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(String(value || "").trim());
  }

  function luminance(hex) {
    var v = hex.replace("#", "");
    if (v.length === 3) v = v.replace(/./g, "$&$&");
    return [0, 2, 4]
      .map(function (i) {
        var c = parseInt(v.slice(i, i + 2), 16) / 255;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
      })
      .reduce(function (sum, c, i) {
        return sum + c * [0.2126, 0.7152, 0.0722][i];
      }, 0);
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function wait(ms) {
    return new Promise(function (resolve) {
      window.setTimeout(resolve, ms);
    });
  }

  // ---------------------------------------------------------------- settings

  function chatEndpoint() {
    var server = (data.server || "").trim();
    if (server) {
      try {
        var url = new URL(server, window.location.href);
        if (url.protocol === "https:" || url.protocol === "http:") {
          return url.origin + "/webhooks/rest/webhook";
        }
      } catch (e) {
        /* fall through to the same-origin proxy */
      }
    }
    return new URL("/webhooks/rest/webhook", window.location.href).href;
  }

  var settings = {
    endpoint: chatEndpoint(),
    title: (data.title || "Chat").slice(0, 80),
    label: (data.label || "Chat").slice(0, 30),
    exitUrl: (function () {
      var link = safeHref(data.exitUrl || DEFAULT_EXIT);
      return link && link.kind === "web" ? link.href : DEFAULT_EXIT;
    })(),
    contact: safeHref(data.contactUrl || "#contact"),
    region: (data.helpRegion || "").toLowerCase(),
    timeout: Math.min(Math.max(parseInt(data.timeout, 10) || DEFAULT_TIMEOUT_MS, 1000), 120000),
  };

  // ---------------------------------------------------------------- storage (the widget's own keys only)

  function storageAreas() {
    var areas = [];
    ["sessionStorage", "localStorage"].forEach(function (name) {
      try {
        if (window[name]) areas.push(window[name]);
      } catch (e) {
        /* storage blocked: nothing of ours is there */
      }
    });
    return areas;
  }

  var uiStore = {
    get: function () {
      try {
        return window.sessionStorage.getItem(UI_KEY);
      } catch (e) {
        return null;
      }
    },
    set: function (value) {
      try {
        window.sessionStorage.setItem(UI_KEY, value);
      } catch (e) {
        /* not kept: the panel starts closed after a reload */
      }
    },
  };

  /** Remove the widget's own keys (its prefix) from both storages; the host site's stay. */
  function forgetStored(keys) {
    storageAreas().forEach(function (area) {
      try {
        if (keys) {
          keys.forEach(function (key) {
            area.removeItem(key);
          });
          return;
        }
        for (var i = area.length - 1; i >= 0; i--) {
          var key = area.key(i);
          if (key && key.indexOf(STORE_PREFIX) === 0) area.removeItem(key);
        }
      } catch (e) {
        /* nothing removable */
      }
    });
  }

  var previousUi = uiStore.get(); // set only if a chat was open or closed in this tab before
  forgetStored(LEGACY_KEYS); // a transcript an earlier version left in this tab

  // The conversation, in memory only.
  var state = {
    sender: randomId(),
    open: previousUi === "open",
    started: false,
    reloaded: previousUi === "open" || previousUi === "closed",
  };

  function saveUi() {
    uiStore.set(state.open ? "open" : "closed");
  }

  // ---------------------------------------------------------------- assets

  var scriptPolicy = null;
  if (window.trustedTypes && typeof window.trustedTypes.createPolicy === "function") {
    try {
      scriptPolicy = window.trustedTypes.createPolicy("chat-widget", {
        createScriptURL: function (url) {
          if (VENDOR.indexOf(url) < 0) throw new TypeError("script not allowed: " + url);
          return url;
        },
      });
    } catch (e) {
      scriptPolicy = null;
    }
  }

  function loadScript(url) {
    return new Promise(function (resolve) {
      var el = document.createElement("script");
      el.async = false;
      el.onload = function () {
        resolve(true);
      };
      el.onerror = function () {
        resolve(false);
      };
      try {
        el.src = scriptPolicy ? scriptPolicy.createScriptURL(url) : url;
      } catch (e) {
        resolve(false);
        return;
      }
      document.head.appendChild(el);
    });
  }

  function loadStylesheet() {
    return new Promise(function (resolve) {
      var link = h("link", { rel: "stylesheet", href: ASSET_BASE + "chat.css" });
      link.onload = function () {
        resolve(true);
      };
      link.onerror = function () {
        resolve(false);
      };
      document.head.appendChild(link);
      window.setTimeout(function () {
        resolve(false);
      }, 4000);
    });
  }

  var renderer = null; // {md, purify} once the libraries are in

  function librariesReady() {
    var loaded = Promise.all(VENDOR.map(loadScript)).then(function () {
      if (typeof window.markdownit !== "function" || !window.DOMPurify || !window.DOMPurify.sanitize) return;
      var md = window.markdownit({ html: false, linkify: false, breaks: true, typographer: false });
      md.disable(["image"]);
      md.validateLink = function (url) {
        return safeHref(url) !== null;
      };
      renderer = { md: md, purify: window.DOMPurify };
    });
    return Promise.race([loaded, wait(5000)]);
  }

  var FALLBACK_HELP = {
    therapist: "",
    contact_url: "",
    default_region: "uk",
    regions: {
      uk: {
        emergency: "999",
        intro: "If you might act on thoughts of hurting yourself, or someone is in danger, call 999 now.",
        sections: [
          {
            heading: "Talk to someone now",
            text: "Samaritans on 116 123, free, any time.",
            links: [{ label: "Call 116 123", href: "tel:116123" }],
          },
        ],
      },
    },
  };
  var helpData = FALLBACK_HELP;

  function loadHelp() {
    return fetch(ASSET_BASE + "help.json", { credentials: "omit", cache: "no-cache" })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (json) {
        if (json && json.regions && typeof json.regions === "object") helpData = json;
      })
      .catch(function () {
        /* keep the built-in minimum */
      });
  }

  // ---------------------------------------------------------------- rendering

  var ALLOWED_TAGS = ["p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre", "blockquote", "hr", "s", "del"];

  function plainText(text) {
    var frag = document.createDocumentFragment();
    text.split(/\n{2,}/).forEach(function (para) {
      var p = h("p");
      para.split("\n").forEach(function (line, i) {
        if (i) p.appendChild(h("br"));
        p.appendChild(document.createTextNode(line));
      });
      frag.appendChild(p);
    });
    return frag;
  }

  /** Links: allowed ones get target/rel, the rest become their text. */
  function fixLinks(root) {
    Array.prototype.slice.call(root.querySelectorAll("a")).forEach(function (a) {
      var link = safeHref(a.getAttribute("href"));
      if (!link) {
        a.replaceWith(document.createTextNode(a.textContent));
        return;
      }
      Array.prototype.slice.call(a.attributes).forEach(function (attr) {
        a.removeAttribute(attr.name);
      });
      a.setAttribute("href", link.href);
      if (link.kind === "anchor") {
        a.addEventListener("click", onAnchorClick);
        return;
      }
      a.setAttribute("rel", "noopener noreferrer");
      if (link.kind === "web") {
        a.setAttribute("target", "_blank");
        a.appendChild(h("span", { class: "cw-sr", text: " (opens in a new tab)" }));
      }
    });
  }

  function renderBotText(text) {
    if (renderer) {
      try {
        var html = renderer.md.render(text);
        var frag = renderer.purify.sanitize(html, {
          ALLOWED_TAGS: ALLOWED_TAGS,
          ALLOWED_ATTR: ["href"],
          ALLOWED_URI_REGEXP: /^(?:https:|mailto:|tel:|#)/i,
          ALLOW_DATA_ATTR: false,
          ALLOW_ARIA_ATTR: false,
          RETURN_DOM_FRAGMENT: true,
        });
        fixLinks(frag);
        return frag;
      } catch (e) {
        /* fall back to plain text */
      }
    }
    return plainText(text);
  }

  // ---------------------------------------------------------------- the DOM

  var ui = {};

  function build() {
    var root = h("div", { class: "cw-root", "data-chat-widget-root": true, hidden: true });
    var titleId = "cw-title";

    ui.exitClosed = h("button", { type: "button", class: "cw-exit", text: "Quick exit", onclick: quickExit });
    ui.helpClosed = h("button", {
      type: "button",
      class: "cw-btn cw-btn--help",
      text: "Get help now",
      onclick: function () {
        openPanel({ help: true });
      },
    });
    ui.launcher = h("button", {
      type: "button",
      class: "cw-launcher",
      "aria-expanded": "false",
      "aria-controls": "cw-panel",
      text: settings.label,
      onclick: function () {
        openPanel({});
      },
    });
    ui.bar = h("div", { class: "cw-bar" }, [ui.exitClosed, ui.helpClosed, ui.launcher]);

    ui.helpToggle = h("button", {
      type: "button",
      class: "cw-head-btn",
      "aria-expanded": "false",
      "aria-controls": "cw-help",
      text: "Get help now",
      onclick: function () {
        toggleHelp(ui.help.hidden);
      },
    });
    ui.exitOpen = h("button", { type: "button", class: "cw-exit cw-exit--head", text: "Quick exit", onclick: quickExit });
    ui.close = h("button", {
      type: "button",
      class: "cw-head-btn cw-close",
      "aria-label": "Close chat",
      text: "Close",
      onclick: closePanel,
    });
    var header = h("div", { class: "cw-head" }, [
      h("h2", { id: titleId, class: "cw-title", text: settings.title }),
      h("div", { class: "cw-head-actions" }, [ui.helpToggle, ui.exitOpen, ui.close]),
    ]);

    ui.help = h("section", { id: "cw-help", class: "cw-help", "aria-labelledby": "cw-help-title", hidden: true });
    ui.log = h("div", {
      id: "cw-log",
      class: "cw-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": "Conversation",
      tabindex: "0",
    });
    ui.body = h("div", { class: "cw-body" }, [ui.help, ui.log]);

    ui.typing = h("div", { class: "cw-typing", hidden: true }, [
      h("span", { class: "cw-dot", "aria-hidden": "true" }),
      h("span", { class: "cw-dot", "aria-hidden": "true" }),
      h("span", { class: "cw-dot", "aria-hidden": "true" }),
      h("span", { class: "cw-sr", text: "The assistant is typing" }),
    ]);
    ui.status = h("div", { class: "cw-status", role: "status" }, [ui.typing]);
    ui.alert = h("div", { class: "cw-alert", role: "alert" });

    ui.input = h("textarea", {
      id: "cw-input",
      class: "cw-input",
      rows: "2",
      placeholder: "Type your question",
      autocomplete: "off",
      spellcheck: "true",
      "aria-describedby": "cw-count cw-privacy",
      onkeydown: onInputKey,
      oninput: updateCount,
    });
    ui.count = h("span", { id: "cw-count", class: "cw-count" });
    ui.send = h("button", { type: "submit", class: "cw-send", text: "Send" });
    ui.form = h("form", { class: "cw-form", novalidate: true, onsubmit: onSubmit }, [
      h("label", { for: "cw-input", class: "cw-sr", text: "Your message" }),
      ui.input,
      ui.send,
      ui.count,
    ]);
    var privacy = h("p", {
      id: "cw-privacy",
      class: "cw-privacy",
      text: PRIVACY_FOOTER + " Quick exit leaves at once.",
    });

    ui.panel = h("section", { id: "cw-panel", class: "cw-panel", "aria-labelledby": titleId, hidden: true }, [
      header,
      ui.body,
      ui.status,
      ui.alert,
      ui.form,
      privacy,
    ]);
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        closePanel();
      }
    });
    root.appendChild(ui.bar);
    root.appendChild(ui.panel);
    applyColours(root);
    ui.root = root;
    document.body.appendChild(root);
  }

  function applyColours(root) {
    var accent = validColour(data.accent) ? data.accent.trim() : null;
    var onAccent = validColour(data.accentText) ? data.accentText.trim() : "#ffffff";
    if (accent && contrast(accent, onAccent) >= 4.5 && contrast(accent, "#ffffff") >= 4.5) {
      root.style.setProperty("--cw-accent", accent);
      root.style.setProperty("--cw-on-accent", onAccent);
    } else if (accent && window.console) {
      window.console.warn("chat widget: data-accent colours are below WCAG AA contrast; using the defaults");
    }
  }

  function renderHelp() {
    var regions = helpData.regions || {};
    var region = regions[settings.region] || regions[helpData.default_region] || FALLBACK_HELP.regions.uk;
    var children = [
      h("h3", { id: "cw-help-title", class: "cw-help-title", tabindex: "-1", text: "Get help now" }),
      h("p", { class: "cw-help-intro", text: region.intro || "" }),
    ];
    var list = h("ul", { class: "cw-help-list" });
    (region.sections || []).forEach(function (section) {
      var links = (section.links || []).map(linkNode).filter(Boolean);
      var linkRow = links.length ? h("p", { class: "cw-help-links" }, links) : null;
      list.appendChild(
        h("li", {}, [
          h("h4", { class: "cw-help-heading", text: section.heading || "" }),
          h("p", { text: section.text || "" }),
          linkRow,
        ])
      );
    });
    children.push(list);
    var who = helpData.therapist || "the therapist";
    var contactHref = safeHref(helpData.contact_url || "") || settings.contact;
    children.push(
      h("div", { class: "cw-contact" }, [
        h("h4", { class: "cw-help-heading", text: "Contact " + who }),
        h("p", {}, [
          "For an appointment or a question about therapy, see ",
          contactHref
            ? linkNode({ label: "the contact details on this website", href: contactHref.href })
            : "the contact details on this website",
          ".",
        ]),
      ])
    );
    children.push(
      h("button", {
        type: "button",
        class: "cw-btn",
        text: "Back to the chat",
        onclick: function () {
          toggleHelp(false);
          ui.input.focus();
        },
      })
    );
    ui.help.replaceChildren.apply(ui.help, children);
  }

  function linkNode(item) {
    var link = safeHref(item && item.href);
    if (!link) return null;
    var a = h("a", { href: link.href, text: item.label || link.href });
    if (link.kind === "anchor") {
      a.addEventListener("click", onAnchorClick);
    } else {
      a.setAttribute("rel", "noopener noreferrer");
      if (link.kind === "web") {
        a.setAttribute("target", "_blank");
        a.appendChild(h("span", { class: "cw-sr", text: " (opens in a new tab)" }));
      }
    }
    return a;
  }

  function onAnchorClick() {
    // On a phone the panel covers the page: close it so the section linked to can be seen.
    if (window.matchMedia && window.matchMedia("(max-width: 599px)").matches) closePanel({ keepFocus: true });
  }

  function messageNode(message) {
    var bubble;
    if (message.from === "user") {
      bubble = h("div", { class: "cw-msg cw-msg--user" }, [
        h("span", { class: "cw-sr", text: "You said: " }),
        h("p", { class: "cw-user-text", text: message.text }),
      ]);
    } else {
      var text = h("div", { class: "cw-text" });
      text.appendChild(renderBotText(message.text));
      bubble = h("div", { class: "cw-msg cw-msg--bot" }, [h("span", { class: "cw-sr", text: "Assistant: " }), text]);
    }
    var buttons = Array.isArray(message.buttons) ? message.buttons : [];
    if (message.from === "bot" && buttons.length) {
      var group = h("div", { class: "cw-choices", role: "group", "aria-label": "Suggested replies" });
      buttons.forEach(function (b) {
        if (!b || typeof b.title !== "string") return;
        var payload = typeof b.payload === "string" ? b.payload : b.title;
        group.appendChild(
          h("button", {
            type: "button",
            class: "cw-choice",
            text: b.title,
            onclick: function () {
              sendText(payload, b.title);
            },
          })
        );
      });
      bubble.appendChild(group);
    }
    return bubble;
  }

  function appendMessage(message) {
    ui.log.appendChild(messageNode(message));
    scrollToEnd();
  }

  /** The note that says why the chat is empty after a reload (not a message, so never sent). */
  function reloadNote() {
    return h("p", { class: "cw-notice", text: RELOAD_NOTE });
  }

  function scrollToEnd() {
    if (ui.help.hidden) ui.body.scrollTop = ui.body.scrollHeight; // keep open help in view
  }

  function setTyping(on) {
    ui.typing.hidden = !on;
    if (on) scrollToEnd();
  }

  function showAlert(text, withRetry) {
    var children = [h("p", { text: text })];
    var actions = [];
    if (withRetry) {
      actions.push(h("button", { type: "button", class: "cw-btn cw-retry", text: "Retry", onclick: retry }));
    }
    if (ui.help.hidden) {
      actions.push(
        h("button", {
          type: "button",
          class: "cw-btn cw-btn--plain",
          text: "Get help now",
          onclick: function () {
            toggleHelp(true);
          },
        })
      );
    }
    children.push(h("div", { class: "cw-alert-actions" }, actions));
    ui.alert.replaceChildren.apply(ui.alert, children);
    ui.alert.classList.add("cw-alert--shown");
  }

  function clearAlert() {
    ui.alert.replaceChildren();
    ui.alert.classList.remove("cw-alert--shown");
  }

  function showNote(text) {
    ui.alert.replaceChildren(h("p", { text: text }));
    ui.alert.classList.add("cw-alert--shown");
  }

  function updateCount() {
    var n = countChars(ui.input.value);
    ui.count.textContent = n > MAX_CHARS - 200 ? n + " / " + MAX_CHARS : "";
    ui.count.classList.toggle("cw-count--over", n > MAX_CHARS);
  }

  // ---------------------------------------------------------------- panel

  function openPanel(options) {
    ui.panel.hidden = false;
    ui.bar.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    saveUi();
    if (options.help) {
      toggleHelp(true);
    } else if (!options.restore) {
      ui.input.focus();
    }
    scrollToEnd();
    if (!state.started && !pending) startConversation();
  }

  function closePanel(options) {
    ui.panel.hidden = true;
    ui.bar.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveUi();
    if (!(options && options.keepFocus)) ui.launcher.focus();
  }

  function toggleHelp(show) {
    if (show && ui.panel.hidden) {
      openPanel({ help: true });
      return;
    }
    ui.help.hidden = !show;
    ui.helpToggle.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) {
      ui.body.scrollTop = 0;
      var title = document.getElementById("cw-help-title");
      if (title) title.focus();
    }
  }

  function quickExit() {
    pending = null;
    forgetStored(); // the widget's own keys only: the host site's storage is not ours to clear
    state = { sender: "", open: false, started: false, reloaded: false };
    if (ui.root) ui.root.replaceChildren();
    try {
      window.location.replace(settings.exitUrl);
    } catch (e) {
      window.location.href = settings.exitUrl;
    }
  }

  // ---------------------------------------------------------------- talking to the server

  var pending = null; // the request body waiting for a reply (kept for Retry)
  var busy = false;

  function setBusy(on) {
    busy = on;
    ui.send.setAttribute("aria-disabled", on ? "true" : "false");
    ui.log.setAttribute("aria-busy", on ? "true" : "false");
  }

  function startConversation() {
    request({ sender: state.sender, start: true, message_id: randomId() });
  }

  function onSubmit(event) {
    event.preventDefault();
    if (sendText(ui.input.value)) {
      ui.input.value = "";
      updateCount();
    }
    ui.input.focus();
  }

  function onInputKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      onSubmit(event);
    }
  }

  /** Send a visitor message; returns true when it was accepted for sending. */
  function sendText(text, shown) {
    if (busy) {
      showNote("Please wait for the reply before sending another message.");
      return false;
    }
    if (!text || !text.trim()) return false;
    var n = countChars(text);
    if (n > MAX_CHARS) {
      showNote(
        "Your message is " + n + " characters long, and the limit is " + MAX_CHARS +
          ". Please shorten it, or send it in parts. It has not been sent."
      );
      return false;
    }
    clearAlert();
    appendMessage({ from: "user", text: shown || text });
    // A new id for each message; Retry resends the same body, so the same id.
    request({ sender: state.sender, message: text, message_id: randomId() });
    return true;
  }

  /** Forget the deleted conversation: an empty transcript under a new random sender id. */
  function forgetConversation() {
    state.sender = randomId();
    state.started = true;
    ui.log.replaceChildren();
  }

  /** Leaving the page into the back/forward cache: wipe the transcript as a reload would. */
  function onPageHide(event) {
    if (!event.persisted || !ui.log || !state.sender) return;
    pending = null;
    state.sender = randomId();
    state.started = false;
    setTyping(false);
    setBusy(false);
    clearAlert();
    ui.log.replaceChildren(reloadNote());
  }

  function onPageShow(event) {
    if (event.persisted && ui.panel && !ui.panel.hidden && !state.started && !pending) startConversation();
  }

  function retry() {
    if (pending && !busy) request(pending);
  }

  function errorFor(kind) {
    return (
      {
        network: "The chat couldn't reach the server. Check your connection, then try again.",
        timeout: "The assistant is taking too long to answer. Please try again.",
        empty: "The assistant didn't send a reply. Please try again.",
        server: "The chat isn't available right now. Please try again in a moment.",
        too_long: "That message is too long to send. Please shorten it.",
        busy: "You're sending messages faster than the assistant can answer. Please wait a moment, then try again.",
      }[kind] || "Something went wrong. Please try again."
    );
  }

  function request(body) {
    pending = body;
    clearAlert();
    setBusy(true);
    setTyping(true);
    var controller = new AbortController();
    var timer = window.setTimeout(function () {
      controller.abort();
    }, settings.timeout);
    fetch(settings.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    })
      .then(
        function (res) {
          if (res.status === 429) {
            // Too many messages: the server's own words (they carry the crisis numbers) and Retry.
            return res
              .json()
              .catch(function () {
                return [];
              })
              .then(function (list) {
                var first = (Array.isArray(list) ? list : []).filter(function (m) {
                  return m && typeof m.text === "string";
                })[0];
                throw { kind: "busy", text: first ? first.text : "" };
              });
          }
          if (res.status === 504) throw { kind: "timeout" };
          if (res.status === 413) throw { kind: "too_long" };
          if (!res.ok) throw { kind: "server" };
          return res.json().catch(function () {
            throw { kind: "server" };
          });
        },
        function (err) {
          throw { kind: err && err.name === "AbortError" ? "timeout" : "network" };
        }
      )
      .then(function (reply) {
        window.clearTimeout(timer);
        var messages = (Array.isArray(reply) ? reply : []).filter(function (m) {
          return m && (typeof m.text === "string" || Array.isArray(m.buttons));
        });
        if (!messages.length) throw { kind: "empty" };
        if (pending !== body) return null; // quick exit or a newer request
        pending = null;
        if (body.start) state.started = true;
        // "Delete my chat": the server has erased the conversation; forget it here too.
        var forget = (Array.isArray(reply) ? reply : []).some(function (m) {
          return m && m.custom && m.custom.forget_conversation === true;
        });
        if (forget) forgetConversation(); // before the reply is shown: a reload can't bring it back
        return deliver(messages);
      })
      .catch(function (err) {
        window.clearTimeout(timer);
        if (pending !== body) return;
        setTyping(false);
        setBusy(false);
        if (body.start) toggleHelp(true); // no greeting: the help and contact details stay in view
        var text = err && err.kind === "busy" && err.text ? err.text.slice(0, 500) : errorFor(err && err.kind);
        showAlert(text, !(err && err.kind === "too_long"));
      });
  }

  function deliver(messages) {
    var calm = reducedMotion();
    var chain = Promise.resolve();
    var sender = state.sender;
    messages.forEach(function (m, i) {
      chain = chain.then(function () {
        if (state.sender !== sender) return null; // quick exit, or the page was left
        if (i > 0 && !calm) {
          setTyping(true);
          return wait(Math.min(400 + (m.text || "").length * 6, 1500)).then(function () {
            show(m);
          });
        }
        show(m);
        return null;
      });
    });
    return chain.then(function () {
      setTyping(false);
      setBusy(false);
    });

    function show(m) {
      if (state.sender !== sender) return;
      setTyping(false);
      var buttons = (Array.isArray(m.buttons) ? m.buttons : [])
        .filter(function (b) {
          return b && typeof b.title === "string";
        })
        .map(function (b) {
          return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title };
        });
      var message = { from: "bot", text: typeof m.text === "string" ? m.text : "" };
      if (buttons.length) message.buttons = buttons;
      appendMessage(message);
    }
  }

  // ---------------------------------------------------------------- start

  function init() {
    build();
    var ready = Promise.all([loadStylesheet(), librariesReady(), loadHelp()]);
    window.addEventListener("pagehide", onPageHide);
    window.addEventListener("pageshow", onPageShow);
    ready.then(function () {
      renderHelp();
      if (state.reloaded) ui.log.appendChild(reloadNote());
      ui.root.hidden = false;
      if (state.open) openPanel({ restore: true });
    });
  }

  if (document.body) init();
  else document.addEventListener("DOMContentLoaded", init);
})();
