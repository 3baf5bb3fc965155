// authgo's passkey script for the built-in sign-in page. It runs the
// WebAuthn ceremonies of every form with data-webauthn-options, on
// Auth.js's wire: GET <options URL>?action=…[&email=…] gives
// {action, options}; the credential goes to POST <callback URL> as action,
// data (its JSON), csrfToken and callbackUrl, answered {url} (the request
// carries X-Auth-Return-Redirect). Where the browser supports conditional
// mediation and the page has an input with autocomplete "username
// webauthn", passkeys are also offered in that input's autofill. A submit
// button with value "register" registers (with the form's email input, if
// any, for a new account; a signed-in user adds a passkey); any other
// signs in. The form needs csrfToken and may have callbackUrl.
"use strict";
(function () {
  var b64 = {
    decode: function (s) {
      s = s.replace(/-/g, "+").replace(/_/g, "/");
      while (s.length % 4) s += "=";
      var bin = atob(s), out = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out.buffer;
    },
    encode: function (buf) {
      var bytes = new Uint8Array(buf), bin = "";
      for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
      return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    },
  };

  // publicKey turns options JSON into what navigator.credentials takes.
  function publicKey(o, create) {
    if (create && PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(o);
    if (!create && PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(o);
    var k = Object.assign({}, o, { challenge: b64.decode(o.challenge) });
    var ids = function (list) {
      return (list || []).map(function (c) { return Object.assign({}, c, { id: b64.decode(c.id) }); });
    };
    if (create) {
      k.user = Object.assign({}, o.user, { id: b64.decode(o.user.id) });
      k.excludeCredentials = ids(o.excludeCredentials);
    } else {
      k.allowCredentials = ids(o.allowCredentials);
    }
    return k;
  }

  // toJSON is the credential's JSON (RegistrationResponseJSON or
  // AuthenticationResponseJSON).
  function toJSON(c) {
    if (typeof c.toJSON === "function") return c.toJSON();
    var r = c.response, resp = { clientDataJSON: b64.encode(r.clientDataJSON) };
    if (r.attestationObject) {
      resp.attestationObject = b64.encode(r.attestationObject);
      resp.transports = r.getTransports ? r.getTransports() : [];
    } else {
      resp.authenticatorData = b64.encode(r.authenticatorData);
      resp.signature = b64.encode(r.signature);
      if (r.userHandle) resp.userHandle = b64.encode(r.userHandle);
    }
    return {
      id: c.id, rawId: b64.encode(c.rawId), type: c.type, response: resp,
      clientExtensionResults: c.getClientExtensionResults(), authenticatorAttachment: c.authenticatorAttachment || undefined,
    };
  }

  function setup(form) {
    var optionsURL = form.getAttribute("data-webauthn-options");
    var callbackURL = form.getAttribute("data-webauthn-callback");
    var email = form.querySelector("input[name=email]");
    var errorBox = form.querySelector("[data-webauthn-error]");
    var pending = null; // the AbortController of a conditional request
    var conditional = Promise.resolve(); // settles when that request has
    var finishing = false; // a credential is on its way to the server

    function fail(msg) {
      if (errorBox) {
        errorBox.textContent = msg;
        errorBox.hidden = false;
      }
    }

    function options(action) {
      var q = new URLSearchParams({ action: action });
      if (action === "register" && email && email.value) q.set("email", email.value);
      return fetch(optionsURL + "?" + q, { credentials: "same-origin" }).then(function (res) {
        if (!res.ok) throw new Error(action === "register" ? "Enter a valid email address to create an account." : "Passkeys are not available right now.");
        return res.json();
      });
    }

    function finish(action, credential) {
      var body = new URLSearchParams({
        action: action, data: JSON.stringify(toJSON(credential)),
        csrfToken: form.elements.csrfToken.value,
        callbackUrl: form.elements.callbackUrl ? form.elements.callbackUrl.value : location.href,
      });
      return fetch(callbackURL, {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Auth-Return-Redirect": "1" },
      }).then(function (res) { return res.json(); }).then(function (v) { location.href = v.url; });
    }

    function run(action, mediation) {
      return options(action).then(function (o) {
        if (o.action === "register") {
          return navigator.credentials.create({ publicKey: publicKey(o.options, true) }).then(function (c) { return finish("register", c); });
        }
        var req = { publicKey: publicKey(o.options, false) };
        if (mediation) {
          pending = new AbortController();
          req.mediation = "conditional";
          req.signal = pending.signal;
        }
        return navigator.credentials.get(req).then(function (c) {
          if (!c) return;
          finishing = true;
          return finish("authenticate", c);
        });
      });
    }

    form.addEventListener("submit", function (ev) {
      if (!window.PublicKeyCredential) return; // the form posts: no passkeys here
      ev.preventDefault();
      var action = ev.submitter && ev.submitter.value === "register" ? "register" : "authenticate";
      if (pending) pending.abort();
      pending = null;
      // One ceremony at a time: the challenge cookie belongs to the last
      // options fetched, so wait until the autofill request has ended and
      // start nothing if it produced a credential.
      conditional.catch(function () {}).then(function () {
        if (!finishing) return run(action, false);
      }).catch(function (e) {
        if (e && e.name === "NotAllowedError") fail("The passkey request was cancelled or timed out.");
        else if (e && e.name === "InvalidStateError") fail("This device already has a passkey for this account.");
        else fail(e && e.message ? e.message : "Signing in with a passkey failed.");
      });
    });

    // Autofill needs an input that offers passkeys (autocomplete
    // "username webauthn") on the page.
    var autofill = document.querySelector('input[autocomplete~="webauthn"]');
    if (autofill && window.PublicKeyCredential && PublicKeyCredential.isConditionalMediationAvailable) {
      conditional = PublicKeyCredential.isConditionalMediationAvailable().then(function (yes) {
        if (yes) return run("authenticate", true);
      });
      conditional.catch(function (e) {
        if (!e || e.name !== "AbortError") console.warn("authgo: passkey autofill:", e);
      });
    }
  }

  document.querySelectorAll("form[data-webauthn-options]").forEach(setup);
})();
