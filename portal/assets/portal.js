// Atout: small improvements when JavaScript runs. Every page works without
// this file; nothing here is needed to act.
"use strict";
(function () {
  // Buttons that ask for confirmation before a destructive form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // "Copy the link" buttons next to a read-only field.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        var done = button.getAttribute("data-done");
        var status = document.getElementById(button.getAttribute("data-status"));
        if (status && done) status.textContent = done;
      });
    });
  });

  // Live progress of a bulk upload: the page reloads its own status from
  // the JSON the console exposes, and stops when the batch is done.
  var progress = document.querySelector("[data-progress-url]");
  if (progress && window.fetch) {
    var url = progress.getAttribute("data-progress-url");
    var tick = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) return;
          var bar = progress.querySelector("progress");
          if (bar) { bar.max = s.total || 1; bar.value = s.done || 0; }
          var text = progress.querySelector("[data-progress-text]");
          if (text && s.text) text.textContent = s.text;
          if (s.finished) { window.location.reload(); } else { setTimeout(tick, 1000); }
        })
        .catch(function () { setTimeout(tick, 3000); });
    };
    setTimeout(tick, 1000);
  }

  // Passkeys: registration and login through WebAuthn.
  function b64urlToBuf(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function bufToB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function publicKeyOptions(options) {
    var pk = options.publicKey || options;
    pk.challenge = b64urlToBuf(pk.challenge);
    if (pk.user && pk.user.id) pk.user.id = b64urlToBuf(pk.user.id);
    (pk.excludeCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
    (pk.allowCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
    return pk;
  }
  function credentialJson(cred) {
    var r = cred.response, out = {
      id: cred.id, rawId: bufToB64url(cred.rawId), type: cred.type,
      extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: bufToB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) out.response.attestationObject = bufToB64url(r.attestationObject);
    if (r.authenticatorData) out.response.authenticatorData = bufToB64url(r.authenticatorData);
    if (r.signature) out.response.signature = bufToB64url(r.signature);
    if (r.userHandle) out.response.userHandle = bufToB64url(r.userHandle);
    return out;
  }
  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    if (!window.PublicKeyCredential) return;
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var mode = form.getAttribute("data-passkey");
      var status = form.querySelector("[role=status]");
      var csrf = form.querySelector("input[name=csrf]").value;
      var post = function (url, body) {
        return fetch(url, { method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify(body) }).then(function (r) {
            if (!r.ok) throw new Error(String(r.status));
            return r.json();
          });
      };
      var label = form.querySelector("input[name=label]");
      var email = form.querySelector("input[name=email]");
      var start = mode === "register"
        ? post("/me/account/passkeys/start", { label: label ? label.value : "" })
        : post("/login/passkey/start", { email: email ? email.value : "" });
      start.then(function (s) {
        var options = publicKeyOptions(s.options);
        var ask = mode === "register"
          ? navigator.credentials.create({ publicKey: options })
          : navigator.credentials.get({ publicKey: options });
        return ask.then(function (cred) {
          return post(mode === "register" ? "/me/account/passkeys/finish" : "/login/passkey/finish",
            { ceremony: s.ceremony, credential: credentialJson(cred), label: label ? label.value : "" });
        });
      }).then(function (done) {
        window.location.assign(done.next || window.location.pathname);
      }).catch(function () {
        if (status) status.textContent = form.getAttribute("data-failed") || "";
      });
    });
  });
})();
