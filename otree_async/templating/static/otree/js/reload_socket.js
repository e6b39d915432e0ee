/* otree-async: reload the page when the server says it is stale.
   A wait page waits for {"type": "ready"}; every other page for {"type": "advanced"}
   (a timeout submitted server-side, or the experimenter advanced the participant).
   The server checks the database whenever a socket connects, so a reconnect after a
   network blip or a server restart needs no reload of its own. */
(function () {
  "use strict";

  function socketUrl(path) {
    if (/^wss?:\/\//.test(path)) return path;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + path;
  }

  function listen(path, expectedType) {
    var attempts = 0;
    var done = false;

    function open() {
      var socket = new WebSocket(socketUrl(path));
      socket.onopen = function () {
        attempts = 0;
      };
      socket.onmessage = function (event) {
        var message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (message && message.type === expectedType) {
          done = true;
          window.location.reload();
        }
      };
      socket.onclose = function () {
        if (done) return;
        attempts += 1;
        var delay = Math.min(30000, 500 * Math.pow(2, attempts)) * (0.75 + Math.random() * 0.5);
        window.setTimeout(open, delay);
      };
    }
    open();
  }

  // Pages call this from an inline script, as oTree's pages do.
  window.makeReconnectingWebSocket = listen;
})();
