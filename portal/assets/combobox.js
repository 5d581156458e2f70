// Atout: suggestions for framework codes (ROME, ESCO, RNCP…) under the text
// inputs marked data-combobox. Every such input works without this file: it
// is a plain text field. With JavaScript (and fetch, AbortController), it
// becomes an ARIA 1.2 combobox with a list of suggestions from
// GET /frameworks/search (WAI-ARIA Authoring Practices, "list autocomplete
// with manual selection").
//
// The markup contract (attributes read on the <input>):
//   data-combobox        search URL, may already hold a query string; q, and
//                        lang and limit unless present, are added to it
//   data-lang            language asked for (else <html lang>)
//   data-limit           how many suggestions (default 8)
//   data-framework-input id of a <select> or <input> receiving hit.framework
//   data-code-input      id of a hidden input receiving hit.code; the visible
//                        input then receives the label, else the code
//   data-label-output    id of an element showing "label (FRAMEWORK CODE)"
//   data-empty           said (and shown) when nothing matches
//   data-count           said when suggestions arrive; {n} is their number
//   data-fallback        words after a label not in the asked language
//   data-guessed         words for a label that is a best guess (≈)
//   data-via             how the matching alternative label is shown;
//                        {m} is that label (default "via « {m} »")
//   data-level           how a level is shown; {n} is the level (optional)
//   data-inactive        words after a code no longer active (optional)
// The input should sit in an element with class "combo" (see combobox.css).
"use strict";
(function () {
  if (!window.fetch || !window.AbortController || !document.querySelectorAll) return;

  var MIN_CHARS = 2;
  var DELAY = 150;
  var LIMIT = 8;
  var counter = 0;

  function byId(id) {
    return id ? document.getElementById(id) : null;
  }

  function trim(s) {
    return String(s || "").replace(/^\s+|\s+$/g, "");
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function fill(template, name, value) {
    return String(template).split("{" + name + "}").join(value);
  }

  function fire(field, type) {
    var event;
    if (typeof Event === "function") {
      event = new Event(type, { bubbles: true });
    } else {
      event = document.createEvent("Event");
      event.initEvent(type, true, false);
    }
    field.dispatchEvent(event);
  }

  // Sets a field's value; returns whether it changed. A <select> keeps its
  // value when it has no option for the new one.
  function setValue(field, value) {
    if (!field) return false;
    value = String(value);
    if (field.tagName === "SELECT") {
      var found = false;
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].value === value) found = true;
      }
      if (!found) return false;
    }
    if (field.value === value) return false;
    field.value = value;
    return true;
  }

  function paramName(part) {
    var name = part.split("=")[0].replace(/\+/g, " ");
    try { return decodeURIComponent(name); } catch (e) { return name; }
  }

  // The search URL: the base (with or without its own query string), q
  // always set, lang and limit added when the base does not fix them.
  function searchUrl(base, q, lang, limit) {
    var at = base.indexOf("#");
    if (at >= 0) base = base.slice(0, at);
    at = base.indexOf("?");
    var path = at >= 0 ? base.slice(0, at) : base;
    var parts = at >= 0 ? base.slice(at + 1).split("&") : [];
    var kept = [], seen = {};
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      var name = paramName(parts[i]);
      if (name === "q") continue;
      seen[name] = true;
      kept.push(parts[i]);
    }
    kept.push("q=" + encodeURIComponent(q));
    if (lang && !seen.lang) kept.push("lang=" + encodeURIComponent(lang));
    if (limit && !seen.limit) kept.push("limit=" + encodeURIComponent(limit));
    return path + "?" + kept.join("&");
  }

  function usable(hit) {
    return hit && typeof hit === "object" && typeof hit.code === "string" && hit.code !== "";
  }

  function labelFor(input) {
    if (input.labels && input.labels.length) return input.labels[0];
    var labels = document.getElementsByTagName("label");
    for (var i = 0; i < labels.length; i++) {
      if (labels[i].htmlFor === input.id) return labels[i];
    }
    return null;
  }

  function enhance(input) {
    if (input.atoutCombobox || !input.getAttribute("data-combobox")) return;
    input.atoutCombobox = true;
    counter += 1;
    if (!input.id) input.id = "combo-" + counter;

    var base = input.getAttribute("data-combobox");
    var lang = input.getAttribute("data-lang") || document.documentElement.lang || "";
    var limit = parseInt(input.getAttribute("data-limit"), 10) || LIMIT;
    var text = function (name) { return input.getAttribute("data-" + name) || ""; };
    var fwInput = byId(input.getAttribute("data-framework-input"));
    var codeInput = byId(input.getAttribute("data-code-input"));
    var labelOut = byId(input.getAttribute("data-label-output"));

    var list = element("ul", "combo-list");
    list.id = input.id + "-listbox";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var label = labelFor(input);
    if (label) {
      if (!label.id) label.id = input.id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    } else if (input.getAttribute("aria-label")) {
      list.setAttribute("aria-label", input.getAttribute("aria-label"));
    }
    // Shown when nothing matches; the status region says it to screen readers.
    var empty = element("div", "combo-empty");
    empty.setAttribute("aria-hidden", "true");
    empty.hidden = true;
    var status = element("div", "combo-status");
    status.id = input.id + "-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var after = input.nextSibling;
    input.parentNode.insertBefore(list, after);
    input.parentNode.insertBefore(empty, after);
    input.parentNode.insertBefore(status, after);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    if (!input.getAttribute("autocomplete")) input.setAttribute("autocomplete", "off");

    var results = [];      // the hits shown (or ready to be shown)
    var shownFor = null;   // the query those hits answer
    var active = -1;       // index of the active option, -1 when none
    var open = false;
    var timer = null;
    var request = null;    // the AbortController of the request under way
    var seq = 0;           // answers to an older request are ignored
    var quiet = false;     // true while this script itself changes the input
    var chosen = input.value; // the text that matches the code fields

    function announce(message) {
      if (!message) return;
      // The same words twice in a row would not be said again.
      if (status.textContent === message) message += "\u00a0";
      status.textContent = message;
    }

    function cancel() {
      if (timer) { clearTimeout(timer); timer = null; }
      if (request) { request.abort(); request = null; }
      seq += 1;
    }

    function setActive(index) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = index;
      if (index < 0 || !options[index]) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
        return;
      }
      var option = options[index];
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      // Keep it in view inside the scrolling list.
      if (option.offsetTop < list.scrollTop) {
        list.scrollTop = option.offsetTop;
      } else if (option.offsetTop + option.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTop = option.offsetTop + option.offsetHeight - list.clientHeight;
      }
    }

    function close() {
      setActive(-1);
      open = false;
      list.hidden = true;
      empty.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function option(hit, index) {
      var li = element("li", "combo-option" + (hit.active === false ? " is-inactive" : ""));
      li.id = list.id + "-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-index", String(index));

      var line = element("span", "combo-line");
      if (hit.guessed) {
        var mark = element("span", "combo-guessed", "≈");
        mark.setAttribute("aria-hidden", "true");
        if (text("guessed")) mark.title = text("guessed");
        line.appendChild(mark);
        line.appendChild(document.createTextNode(" "));
      }
      var words = element("span", "combo-text", String(hit.label || hit.code));
      if (hit.fallback && hit.labelLang) words.lang = String(hit.labelLang);
      line.appendChild(words);
      if (hit.guessed && text("guessed")) {
        line.appendChild(element("span", "combo-sr", " (" + text("guessed") + ")"));
      }
      if (hit.fallback) {
        var langName = text("fallback") || String(hit.labelLang || "").toUpperCase();
        if (langName) {
          line.appendChild(document.createTextNode(" "));
          var badge = element("span", "combo-lang", langName);
          badge.setAttribute("aria-hidden", "true");
          line.appendChild(badge);
          line.appendChild(element("span", "combo-sr", " (" + langName + ")"));
        }
      }
      li.appendChild(line);

      if (hit.matched && hit.matched !== hit.label) {
        li.appendChild(document.createTextNode(" "));
        var via = element("span", "combo-via",
          fill(text("via") || "via « {m} »", "m", String(hit.matched)));
        li.appendChild(via);
      }

      var meta = [String(hit.framework || ""), hit.code].join(" ").replace(/^\s+/, "");
      if (hit.level && text("level")) meta += " · " + fill(text("level"), "n", String(hit.level));
      if (hit.active === false && text("inactive")) meta += " · " + text("inactive");
      li.appendChild(document.createTextNode(" "));
      li.appendChild(element("span", "combo-meta", meta));
      return li;
    }

    // Shows the hits of the last answer; then says which option to make
    // active: "first", "last" or none.
    function show(then) {
      setActive(-1);
      list.textContent = "";
      if (!results.length) {
        open = false;
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        empty.textContent = text("empty");
        empty.hidden = !text("empty");
        announce(text("empty"));
        return;
      }
      for (var i = 0; i < results.length; i++) list.appendChild(option(results[i], i));
      empty.hidden = true;
      list.hidden = false;
      list.scrollTop = 0;
      open = true;
      input.setAttribute("aria-expanded", "true");
      if (then === "first") setActive(0);
      else if (then === "last") setActive(results.length - 1);
      if (text("count")) announce(fill(text("count"), "n", String(results.length)));
    }

    function search(q, then) {
      cancel();
      var mine = seq;
      var controller = new AbortController();
      request = controller;
      fetch(searchUrl(base, q, lang, limit), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal
      }).then(function (response) {
        // 429 (too many requests) and server errors: no suggestions.
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (mine !== seq) return;
        request = null;
        if (trim(input.value) !== q) return;
        var hits = answer && Object.prototype.toString.call(answer.results) === "[object Array]"
          ? answer.results : null;
        if (!hits) { results = []; shownFor = null; close(); return; }
        results = [];
        for (var i = 0; i < hits.length; i++) if (usable(hits[i])) results.push(hits[i]);
        shownFor = q;
        if (document.activeElement === input) show(then);
      }).catch(function () {
        // Aborted, offline, or not JSON: the plain field remains.
        if (mine !== seq) return;
        request = null;
        results = [];
        shownFor = null;
        close();
      });
    }

    // Arrow keys on a closed list: show the answer for the current text, or
    // ask for it at once.
    function openFor(then) {
      var q = trim(input.value);
      if (q.length < MIN_CHARS) return;
      if (shownFor === q && !request && !timer) show(then);
      else search(q, then);
    }

    function choose(index) {
      var hit = results[index];
      if (!hit) return;
      var words = String(hit.label || hit.code);
      var changed = [];
      quiet = true;
      try {
        if (fwInput && hit.framework && setValue(fwInput, hit.framework)) changed.push(fwInput);
        if (codeInput) {
          if (setValue(codeInput, hit.code)) changed.push(codeInput);
          if (setValue(input, words)) changed.push(input);
        } else if (setValue(input, hit.code)) {
          changed.push(input);
        }
        for (var i = 0; i < changed.length; i++) {
          fire(changed[i], "input");
          fire(changed[i], "change");
        }
      } finally {
        quiet = false;
      }
      chosen = input.value;
      var full = words + " (" + trim((hit.framework || "") + " " + hit.code) + ")";
      if (labelOut) labelOut.textContent = full;
      cancel();
      close();
      results = [];
      shownFor = null;
      announce(full);
    }

    // The text no longer matches the chosen code.
    function edited() {
      if (input.value === chosen) return;
      if (codeInput && codeInput.value !== "") {
        codeInput.value = "";
        fire(codeInput, "input");
        fire(codeInput, "change");
      }
      if (labelOut && labelOut.textContent !== "") labelOut.textContent = "";
    }

    input.addEventListener("input", function () {
      if (quiet) return;
      edited();
      var q = trim(input.value);
      if (timer) { clearTimeout(timer); timer = null; }
      if (q.length < MIN_CHARS) {
        cancel();
        results = [];
        shownFor = null;
        close();
        return;
      }
      timer = setTimeout(function () {
        timer = null;
        search(q, null);
      }, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.isComposing || event.keyCode === 229) return;
      var n = results.length;
      switch (event.key) {
        case "ArrowDown":
        case "Down":
          event.preventDefault();
          if (event.altKey) { if (!open) openFor(null); }
          else if (open) setActive(active < 0 ? 0 : (active + 1) % n);
          else openFor("first");
          break;
        case "ArrowUp":
        case "Up":
          event.preventDefault();
          if (event.altKey) { if (open) close(); }
          else if (open) setActive(active < 0 ? n - 1 : (active - 1 + n) % n);
          else openFor("last");
          break;
        case "Enter":
          if (open && active >= 0) {
            event.preventDefault();
            choose(active);
          } else {
            cancel();
            close();
          }
          break;
        case "Escape":
        case "Esc":
          if (open || !empty.hidden || timer || request) {
            // Handled here: a dialog around the field stays open.
            event.preventDefault();
            event.stopPropagation();
            cancel();
            close();
          }
          break;
        case "Tab":
          cancel();
          close();
          break;
      }
    });

    input.addEventListener("blur", function () {
      // Clicks in the list keep the focus in the field (see mousedown).
      setTimeout(function () {
        if (document.activeElement !== input) { cancel(); close(); }
      }, 0);
    });

    function keepFocus(event) { event.preventDefault(); }
    list.addEventListener("mousedown", keepFocus);
    empty.addEventListener("mousedown", keepFocus);
    list.addEventListener("click", function (event) {
      var node = event.target;
      while (node && node !== list && node.getAttribute("role") !== "option") node = node.parentNode;
      if (!node || node === list) return;
      choose(parseInt(node.getAttribute("data-index"), 10));
      if (document.activeElement !== input) input.focus();
    });

    if (input.form) {
      input.form.addEventListener("reset", function () {
        setTimeout(function () { chosen = input.value; cancel(); close(); }, 0);
      });
    }
  }

  function enhanceAll(root) {
    var inputs = (root || document).querySelectorAll("input[data-combobox]");
    for (var i = 0; i < inputs.length; i++) enhance(inputs[i]);
  }

  // For rows added to a page after it loaded.
  window.AtoutCombobox = { enhance: enhanceAll };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
})();
