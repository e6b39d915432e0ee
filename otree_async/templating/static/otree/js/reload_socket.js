/* otree-async wait page: wait for {"type": "ready"} on the page's websocket, then reload. */
(function () {
  "use strict";

  function socketUrl(path) {
    if (/^wss?:\/\//.test(path)) return path;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + path;
  }

  function connect(path) {
    var attempts = 0;
    var everConnected = false;

    function open() {
      var socket = new WebSocket(socketUrl(path));
      socket.onopen = function () {
        // Messages published while we were disconnected are lost: reload so the server re-checks.
        if (everConnected) {
          window.location.reload();
          return;
        }
        everConnected = true;
        attempts = 0;
      };
      socket.onmessage = function (event) {
        var message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (message && message.type === "ready") window.location.reload();
      };
      socket.onclose = function () {
        attempts += 1;
        var delay = Math.min(30000, 500 * Math.pow(2, attempts)) * (0.75 + Math.random() * 0.5);
        window.setTimeout(open, delay);
      };
    }
    open();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector(".otree-wait-page[data-socket-url]");
    if (page && page.getAttribute("data-socket-url")) connect(page.getAttribute("data-socket-url"));
  });
})();
