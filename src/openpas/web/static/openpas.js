// openpas web client: live lists over Server-Sent Events, and form checks as people type.
// The checks are the server's (openpas.work.forms.apply and openpas.model.constraints):
// the server checks again on every submit and its answer is shown next to each field.
"use strict";

(function () {
  // ------------------------------------------------------------------ live lists
  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )openpas_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function liveLists() {
    var lists = document.querySelectorAll("[data-live-list]");
    if (!lists.length || !window.EventSource) return;
    var status = document.getElementById("live-status");
    var source = new EventSource("/api/v1/events");
    var pending = {};
    function refresh(list) {
      var url = list.getAttribute("data-live-list");
      if (pending[url]) return;
      pending[url] = true;
      setTimeout(function () {
        var query = list.getAttribute("data-live-query") || "";
        fetch(url + query, { credentials: "same-origin", headers: { Accept: "text/html" } })
          .then(function (r) {
            if (r.redirected || r.status === 401) { window.location.reload(); return null; }
            return r.ok ? r.text() : null;
          })
          .then(function (html) {
            pending[url] = false;
            if (html === null) return;
            var focused = document.activeElement && list.contains(document.activeElement)
              ? document.activeElement.textContent : null;
            list.innerHTML = html;
            list.setAttribute("data-updated", String(Date.now()));
            if (focused) {  // keep the keyboard where it was, on the same button
              var again = Array.prototype.find.call(list.querySelectorAll("a,button"),
                function (el) { return el.textContent === focused; });
              if (again) again.focus();
            }
          })
          .catch(function () { pending[url] = false; });
      }, 150);  // several events of one change become one fetch
    }
    function onEvent(ev) {
      var topic = ev.type === "message" ? "" : ev.type;
      try { topic = JSON.parse(ev.data).topic || topic; } catch (e) { /* keep the type */ }
      lists.forEach(function (list) {
        var topics = (list.getAttribute("data-topics") || "").split(",");
        if (topics.some(function (t) { return t.trim() === topic; })) refresh(list);
      });
    }
    ["work item", "queue", "flow", "agent", "message"].forEach(function (t) {
      source.addEventListener(t, onEvent);
    });
    source.onopen = function () {
      if (status) status.textContent = status.getAttribute("data-live-text") || "";
      lists.forEach(refresh);  // catch up with what changed while disconnected
    };
    source.onerror = function () {
      if (status) status.textContent = "Live updates interrupted; reconnecting…";
    };
  }

  // ------------------------------------------------------------------ checks
  var CURRENCY = /^\s*(?:([A-Z]{3})\s+)?([-+]?\d[\d_]*(?:\.\d+)?)(?:\s+([A-Z]{3}))?\s*$/;
  var CHARACTERS = {
    "alphabetic lower": [/^\p{Ll}*$/u, "lower-case letters"],
    "alphabetic upper": [/^\p{Lu}*$/u, "upper-case letters"],
    "alphabetic": [/^\p{L}*$/u, "letters"],
    "alphanumeric": [/^[\p{L}\p{N}]*$/u, "letters and digits"]
  };

  // The value of text in a kind: {ok, value (comparable), error}.
  function parse(kind, text) {
    var t = text.trim();
    switch (kind) {
      case "integer":
        return /^[-+]?\d+$/.test(t) ? { value: parseInt(t, 10) }
          : { error: "expected a whole number, got " + JSON.stringify(text) };
      case "decimal":
        return /^[-+]?(\d[\d_]*)?(\.\d+)?$/.test(t) && /\d/.test(t) ? { value: parseFloat(t.replace(/_/g, "")), places: decimals(t) }
          : { error: "expected a decimal number such as 12.50, got " + JSON.stringify(text) };
      case "currency": {
        var m = CURRENCY.exec(text);
        if (!m || (m[1] && m[3])) return { error: "expected an amount of money such as 1000 USD, got " + JSON.stringify(text) };
        return { value: parseFloat(m[2].replace(/_/g, "")), places: decimals(m[2]) };
      }
      case "date":
        return /^\d{4}-\d{2}-\d{2}$/.test(t) && !isNaN(Date.parse(t)) ? { value: t }
          : { error: "expected a date such as 2024-05-31, got " + JSON.stringify(text) };
      case "time":
        return /^\d{2}:\d{2}(:\d{2})?$/.test(t) ? { value: t.length === 5 ? t + ":00" : t }
          : { error: "expected a time of day such as 14:30, got " + JSON.stringify(text) };
      case "datetime":
        return !isNaN(Date.parse(t)) ? { value: Date.parse(t) }
          : { error: "expected a date and time such as 2024-05-31T14:30:00+02:00, got " + JSON.stringify(text) };
      case "boolean":
        return /^(true|false|on|yes)$/i.test(t) ? { value: t.toLowerCase() }
          : { error: "expected true or false, got " + JSON.stringify(text) };
      case "mailbox":
        return /^[^@\s]+@[^@\s]+$/.test(t) ? { value: t } : { error: "expected an e-mail address, got " + JSON.stringify(text) };
      default:
        return { value: text };
    }
  }

  function decimals(t) {
    var i = t.indexOf(".");
    return i < 0 ? 0 : t.slice(i + 1).replace(/0+$/, "").length;
  }

  function bound(kind, raw) {
    var p = parse(kind, String(raw));
    return p.error ? null : p.value;
  }

  // Every rule the value breaks, in the server's words.
  function violations(kind, text, constraints) {
    var found = [];
    constraints.forEach(function (c) {
      var value = text;
      if (c.trim) value = value.trim();
      var p = parse(kind, value);
      if (p.error) { found.push(p.error); return; }
      if (c.min !== undefined && bound(kind, c.min) !== null && p.value < bound(kind, c.min)) found.push("must be at least " + c.min);
      if (c.max !== undefined && bound(kind, c.max) !== null && p.value > bound(kind, c.max)) found.push("must be at most " + c.max);
      var length = Array.from(value).length;
      if (c.min_length !== undefined && length < c.min_length) found.push("must be at least " + c.min_length + " characters long");
      if (c.max_length !== undefined && length > c.max_length) found.push("must have at most " + c.max_length + " characters");
      if (c.pattern !== undefined) {
        try {
          if (!new RegExp("^(?:" + c.pattern + ")$", "u").test(value)) found.push("does not match " + c.pattern);
        } catch (e) { /* a pattern JavaScript cannot read: the server decides */ }
      }
      if (c.characters !== undefined && CHARACTERS[c.characters] && !CHARACTERS[c.characters][0].test(value)) {
        found.push("may contain only " + CHARACTERS[c.characters][1]);
      }
      if (c.decimal_places !== undefined && p.places !== undefined && p.places > c.decimal_places) {
        found.push("may have at most " + c.decimal_places + " decimal places");
      }
      if (c.choices !== undefined && c.choices.map(function (x) { return String(x); }).indexOf(value.trim()) < 0) {
        found.push("must be one of: " + c.choices.slice(0, 10).join(", ") + (c.choices.length > 10 ? " ..." : ""));
      }
    });
    return found.filter(function (m, i) { return found.indexOf(m) === i; });
  }

  function valueOf(el) {
    if (el.hasAttribute("data-radio")) {
      var checked = el.querySelector("input:checked");
      return checked ? checked.value : "";
    }
    if (el.type === "checkbox") return el.checked ? "true" : "false";
    return el.value;
  }

  function check(el) {
    var kind = el.getAttribute("data-kind") || "string";
    var text = valueOf(el);
    var required = el.getAttribute("data-required") === "true";
    var constraints = [];
    try { constraints = JSON.parse(el.getAttribute("data-constraints") || "[]"); } catch (e) { constraints = []; }
    var problems;
    var empty = kind === "string" ? text === "" : text.trim() === "";
    if (kind === "boolean" && el.type === "checkbox") {
      problems = [];
    } else if (empty) {
      problems = required ? ["a value is required"] : [];
    } else if (kind === "list" || kind === "complex") {
      problems = [];  // the server reads lists and records; it answers on submit
    } else {
      problems = violations(kind, text, constraints);
    }
    return problems;
  }

  function show(el, problems, touched) {
    var id = el.id;
    var box = document.getElementById(id + "-error");
    var wrapper = el.closest("[data-wrapper]");
    var visible = touched && problems.length > 0;
    if (box) box.innerHTML = visible ? '<span aria-hidden="true">! </span>' + escapeHtml(problems.join("; ")) : "";
    if (visible) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
    if (wrapper) wrapper.classList.toggle("invalid", visible);
  }

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function validatedForms() {
    document.querySelectorAll("form[data-validate]").forEach(function (form) {
      var fields = Array.prototype.slice.call(form.querySelectorAll("[data-field]"))
        .filter(function (el) { return !el.disabled; });
      var submits = form.querySelectorAll('button[data-kind="submit"]');
      var help = form.querySelector("[data-submit-help]");
      function update(touchedEl) {
        var valid = true;
        fields.forEach(function (el) {
          var problems = check(el);
          if (problems.length) valid = false;
          if (el === touchedEl || el.hasAttribute("data-touched")) show(el, problems, true);
        });
        submits.forEach(function (b) { b.disabled = !valid; });
        if (help) help.hidden = valid;
        form.setAttribute("data-valid", valid ? "true" : "false");
      }
      fields.forEach(function (el) {
        ["input", "change"].forEach(function (type) {
          el.addEventListener(type, function () { el.setAttribute("data-touched", ""); update(el); });
        });
        // An answer of the server stays visible until the field changes.
        if (el.getAttribute("aria-invalid") === "true") el.setAttribute("data-touched", "");
      });
      update(null);
      // Cancel buttons and Hold never wait for a valid page.
      form.addEventListener("submit", function (ev) {
        var by = ev.submitter;
        if (by && by.getAttribute("data-kind") === "submit" && form.getAttribute("data-valid") === "false") {
          ev.preventDefault();
          fields.forEach(function (el) { el.setAttribute("data-touched", ""); });
          update(null);
        }
      });
    });
  }

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }

  window.openpas = { csrfToken: csrfToken, violations: violations };
  document.addEventListener("DOMContentLoaded", function () {
    liveLists();
    validatedForms();
    autosubmit();
  });
})();
