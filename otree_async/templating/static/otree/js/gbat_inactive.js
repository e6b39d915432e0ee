/* group_by_arrival_time wait pages (oTree 6): after GBAT_INACTIVE_SECONDS_UNTIL_PROMPT ask
   "are you still there?"; without a click within GBAT_INACTIVE_SECONDS_TO_CONFIRM, leave for
   /GBATInactive. Leaving closes the wait page's socket, so the server stops counting this
   participant as present and does not put them into a group until they come back. */
(function () {
  "use strict";

  var box = document.getElementById("are-you-there");
  if (!box) return;
  var overlay = document.getElementById("inactivity-overlay");
  var message = document.getElementById("msg-act-within-n-seconds");
  var promptAfterMs = parseFloat(box.getAttribute("data-prompt-after")) * 1000;
  var confirmSeconds = Math.ceil(parseFloat(box.getAttribute("data-confirm-within")));
  // The page writes these in the project's language; English when an older page lacks them.
  var withinText = box.getAttribute("data-within-text") ||
    "Click the button below within {seconds} seconds.";
  var confirmText = box.getAttribute("data-confirm-text") || "Please confirm";
  var originalTitle = document.title;
  var promptTimer = null;
  var countdown = null;

  function show(visible) {
    box.hidden = !visible;
    overlay.hidden = !visible;
  }

  function leave() {
    var here = window.location.pathname + window.location.search;
    window.location.href = "/GBATInactive?return_url=" + encodeURIComponent(here);
  }

  function clock(seconds) {
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function ask() {
    var left = confirmSeconds;
    show(true);
    function tick() {
      if (left <= 0) {
        window.clearInterval(countdown);
        leave();
        return;
      }
      message.textContent = withinText.replace("{seconds}", String(left));
      // The tab's title counts down too, for a participant looking at another tab.
      document.title = "(" + clock(left) + ") " + confirmText;
      left -= 1;
    }
    tick();
    countdown = window.setInterval(tick, 1000);
  }

  // Called by the button (oTree's name); starts the wait for the next prompt over.
  window.confirmActive = function () {
    window.clearTimeout(promptTimer);
    window.clearInterval(countdown);
    show(false);
    document.title = originalTitle;
    promptTimer = window.setTimeout(ask, promptAfterMs);
  };
  window.confirmActive();
})();
