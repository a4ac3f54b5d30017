// Herald's admin UI: small progressive enhancements. Every page works without them.
(function () {
  "use strict";

  // htmx requests carry the session's CSRF token, as forms do in their _csrf field.
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) e.detail.headers["X-CSRF-Token"] = meta.content;
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof HTMLElement)) return;
    // a phone's menu: opens and closes in place (without script, its link's #menu target shows it)
    if (t.classList.contains("menu-toggle")) {
      e.preventDefault();
      var open = t.closest("header").classList.toggle("open");
      t.setAttribute("aria-expanded", open ? "true" : "false");
    }
    // copy a one-time secret or an address
    if (t.dataset.copy) {
      var input = document.getElementById(t.dataset.copy);
      input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value);
      t.textContent = "Copied";
    }
    // the event picker: select what the search shows, clear, or a whole group
    if (t.dataset.selectVisible !== undefined) {
      document.querySelectorAll(t.dataset.selectVisible + " li:not([hidden]) input[type=checkbox]").forEach(function (c) { c.checked = true; });
      changed(t);
    }
    if (t.dataset.clear !== undefined) {
      document.querySelectorAll(t.dataset.clear + " input[type=checkbox]").forEach(function (c) { c.checked = false; });
      changed(t);
    }
    if (t.dataset.selectGroup !== undefined) {
      e.preventDefault();
      t.closest("details").querySelectorAll("li:not([hidden]) input[type=checkbox]").forEach(function (c) { c.checked = true; });
      changed(t);
    }
  });

  function changed(el) {
    var form = el.closest("form");
    if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
    count();
  }

  function count() {
    document.querySelectorAll("[data-count]").forEach(function (out) {
      var n = document.querySelectorAll(out.dataset.count + " input[name=_event]:checked").length;
      out.textContent = n + " chosen";
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target instanceof HTMLInputElement && e.target.name === "_event") count();
  });

  // search the catalog: hide the events that do not match, open the groups that do
  document.addEventListener("input", function (e) {
    var t = e.target;
    if (!(t instanceof HTMLInputElement) || !t.dataset.filter) return;
    var words = t.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll(t.dataset.filter).forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("li").forEach(function (li) {
        var ok = words.every(function (w) { return li.dataset.text.indexOf(w) >= 0; });
        li.hidden = !ok;
        if (ok) shown++;
      });
      group.hidden = shown === 0;
      if (words.length) group.open = shown > 0;
    });
  });

  // a destructive form asks first
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      var question = form.getAttribute("data-confirm") || "Are you sure?";
      if (!window.confirm(question)) e.preventDefault();
    }
  });

  // Settings that matter for some choices of a select only (data-when="its-name=choice|choice", or
  // "its-name!=choice" for all but those): a service's kind, a receiver's authentication, a retry
  // policy. Shown for those choices; without script, all are shown.
  function showChosen() {
    document.querySelectorAll("[data-when]").forEach(function (f) {
      // a field the server named in an error stays in sight, whatever the choice
      if (f.classList.contains("has-error") || f.querySelector(".has-error")) return;
      var rule = f.dataset.when, eq = rule.indexOf("="), not = rule.charAt(eq - 1) === "!";
      var form = f.closest("form");
      var select = form && form.querySelector('select[name="' + rule.slice(0, not ? eq - 1 : eq) + '"]');
      if (select) f.hidden = (rule.slice(eq + 1).split("|").indexOf(select.value) >= 0) === not;
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target instanceof HTMLSelectElement) showChosen();
  });
  document.addEventListener("DOMContentLoaded", showChosen);
  showChosen();

  // a chosen file (a PEM certificate or key) fills the text area beside it
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!(t instanceof HTMLInputElement) || t.type !== "file" || !t.dataset.fill || !t.files.length) return;
    t.files[0].text().then(function (text) {
      var area = document.getElementById(t.dataset.fill);
      area.value = text;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
