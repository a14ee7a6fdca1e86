/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Sorting applies as soon as it is chosen (the "Apply" button is for no-JS browsers).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        var form = select.form;
        if (form) {
          if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
        }
      });
    });

    // On a phone the filters start folded so the products come first.
    if (window.matchMedia("(max-width: 55.99rem)").matches) {
      document.querySelectorAll("details[data-collapse-on-mobile]").forEach(function (details) {
        details.removeAttribute("open");
      });
    }

    // One click, one submission (the server is idempotent anyway: this just spares a round trip).
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        if (form.dataset.sent) { return; }
        form.dataset.sent = "1";
        window.setTimeout(function () {
          form.querySelectorAll("[data-submit-once]").forEach(function (button) {
            button.setAttribute("aria-disabled", "true");
            button.disabled = true;
          });
        }, 0);
      });
    });

    // Ask before destructive actions (deleting an address, cancelling an order).
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
  });
})();
