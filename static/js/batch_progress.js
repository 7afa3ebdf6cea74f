// A batch PDF's progress, kept up to date in place every 3 seconds while it is being made.
// In place, not by reloading the page: a page that reloads itself by a timer moves focus
// and the reading position (WCAG 2.2.1, axe's meta-refresh). Without JavaScript the page's
// "Check again" link does the same.
(function () {
  "use strict";
  var region = document.getElementById("batch-status");
  if (!region || region.getAttribute("data-busy") !== "true") {
    return;
  }
  function poll() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("batch-status");
        if (!fresh) {
          return;
        }
        region.innerHTML = fresh.innerHTML;
        region.setAttribute("data-busy", fresh.getAttribute("data-busy"));
        if (fresh.getAttribute("data-busy") === "true") {
          window.setTimeout(poll, 3000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }
  window.setTimeout(poll, 3000);
})();
