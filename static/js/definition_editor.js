// The definition editor, enhanced: line numbers beside the text, a preview kept up to date
// as one types (the text is checked a moment after the last key, like the Check button,
// and nothing is published), and problems whose line links put the caret on that line.
// Without JavaScript the page works as before: Check and Publish post the form.
(function () {
  "use strict";
  var box = document.getElementById("text");
  var region = document.getElementById("definition-preview");
  var status = document.getElementById("preview-status");
  if (!box || !region || !status || !window.fetch) {
    return;
  }
  var token = box.form.querySelector("input[name=csrf_token]").value;
  var url = region.getAttribute("data-preview-url");
  var DELAY = 600; // ms after the last key: long enough not to check every letter
  var timer = null;
  var sent = 0; // the number of the latest check asked for; older answers are dropped

  // The gutter: one number per line, scrolled with the text. Screen readers skip it;
  // the caret's line is what they need, and they have it.
  var gutter = document.createElement("pre");
  gutter.className = "app-editor__gutter";
  gutter.setAttribute("aria-hidden", "true");
  box.parentNode.insertBefore(gutter, box);
  var numbered = 0;

  function renumber() {
    var lines = box.value.split("\n").length;
    if (lines !== numbered) {
      var numbers = [];
      for (var n = 1; n <= lines; n += 1) {
        numbers.push(n);
      }
      gutter.textContent = numbers.join("\n") + "\n";
      numbered = lines;
    }
    // As tall as the box, which the user may resize by its corner.
    gutter.style.height = box.offsetHeight + "px";
    gutter.scrollTop = box.scrollTop;
  }

  function goToLine(line) {
    var lines = box.value.split("\n");
    var at = 0;
    for (var n = 0; n < line - 1 && n < lines.length; n += 1) {
      at += lines[n].length + 1;
    }
    box.focus();
    box.setSelectionRange(at, at);
    // Put the line a third of the way down the box, where the eye looks first.
    var height = parseFloat(window.getComputedStyle(box).lineHeight) || 20;
    box.scrollTop = Math.max(0, (line - 1) * height - box.clientHeight / 3);
    renumber();
  }

  function say(words) {
    status.textContent = words;
  }

  function describe() {
    // The text box is described by the problems while there are some.
    var ids = "text-hint" + (document.getElementById("problems") ? " problems" : "");
    box.setAttribute("aria-describedby", ids);
  }

  function check() {
    sent += 1;
    var mine = sent;
    var body = new URLSearchParams();
    body.set("text", box.value);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
      body: body,
    })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error("preview " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (mine !== sent) {
          return; // a newer text is being checked; this answer is stale
        }
        // The alert above the form is about the text last sent with a button; the live
        // problems below replace it.
        var alert = document.getElementById("problems-alert");
        if (alert) {
          alert.parentNode.removeChild(alert);
        }
        region.innerHTML = html;
        describe();
        var count = region.querySelectorAll("#problems li").length;
        say(count ? "Checked: " + count + " problem" + (count === 1 ? "" : "s") : "Checked: no problems");
      })
      .catch(function () {
        if (mine === sent) {
          say("The preview could not be updated; press Check to check the text.");
        }
      });
  }

  box.addEventListener("input", function () {
    renumber();
    window.clearTimeout(timer);
    timer = window.setTimeout(check, DELAY);
  });
  box.addEventListener("scroll", renumber);
  if (window.ResizeObserver) {
    new window.ResizeObserver(renumber).observe(box);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-line]") : null;
    if (link) {
      event.preventDefault();
      goToLine(parseInt(link.getAttribute("data-line"), 10));
    }
  });
  renumber();
})();
