/* Progressive enhancements that every page shares. No page depends on them. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen readers announce the problems first.
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();
