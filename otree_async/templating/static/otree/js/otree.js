/* otree-async page helpers: window.forminputs, back_button(), preserved inputs, the timer. */
(function () {
  "use strict";

  function pageForm() {
    return document.getElementById("form");
  }

  // forminputs.<name> is the input (or the RadioNodeList of radios) named <name> in #form.
  window.forminputs = new Proxy({}, {
    get: function (target, name) {
      var form = pageForm();
      return form && typeof name === "string" ? form.elements.namedItem(name) : undefined;
    }
  });

  function formatSeconds(total) {
    var minutes = Math.floor(total / 60);
    var seconds = total % 60;
    return minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function fireCountdownEvent(element, name, total) {
    // Apps written for oTree listen to jQuery countdown events on .otree-timer__time-left.
    if (!window.jQuery) return;
    var event = window.jQuery.Event(name);
    event.offset = {
      totalSeconds: total,
      minutes: Math.floor(total / 60) % 60,
      seconds: total % 60,
      hours: Math.floor(total / 3600)
    };
    window.jQuery(element).trigger(event);
  }

  function submitTimedOut() {
    var form = pageForm();
    if (!form) return;
    var flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "timeout_happened";
    flag.value = "1";
    form.appendChild(flag);
    // form.submit() skips the browser's `required` checks, as a timeout must.
    form.submit();
  }

  // oTree's back_button(): submit the form asking for the previous page, skipping the
  // browser's `required` checks (nothing on this page is saved).
  window.back_button = function (options) {
    var form = pageForm();
    if (!form) return;
    var flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "back_button";
    flag.value = JSON.stringify(options || {});
    form.appendChild(flag);
    form.submit();
  };

  function startTimer(timer) {
    var secondsLeft = parseFloat(timer.getAttribute("data-seconds-left"));
    if (isNaN(secondsLeft)) return;
    var deadline = Date.now() + secondsLeft * 1000;
    var display = timer.querySelector(".otree-timer__time-left");
    var shown = null;

    function tick() {
      var total = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      if (total !== shown) {
        shown = total;
        if (display) display.textContent = formatSeconds(total);
        fireCountdownEvent(display, "update.countdown", total);
      }
      if (total <= 0) {
        fireCountdownEvent(display, "finish.countdown", 0);
        submitTimedOut();
        return;
      }
      window.setTimeout(tick, 250);
    }
    tick();
  }

  // preserve_unsubmitted_inputs: what was typed survives a reload of this tab. Radios and
  // checkboxes store whether they are checked, the rest their value.
  function preserveInputs(form) {
    var prefix = "otree-input-" + form.getAttribute("data-preserve-inputs") + "-";
    var inputs = form.querySelectorAll("input[name], select[name], textarea[name]");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "hidden" || input.type === "submit") continue;
      var toggles = input.type === "radio" || input.type === "checkbox";
      var key = prefix + input.name + (input.type === "radio" ? "=" + input.value : "");
      var stored = window.sessionStorage.getItem(key);
      if (stored !== null) {
        if (toggles) input.checked = stored === "1";
        else input.value = stored;
      }
      input.addEventListener("change", rememberInput);
      input.addEventListener("input", rememberInput);
    }

    function rememberInput(event) {
      var input = event.target;
      if (input.type === "radio") {
        // Checking one radio unchecks the others of its name: store them all.
        var group = form.querySelectorAll('input[type="radio"]');
        for (var j = 0; j < group.length; j++) {
          if (group[j].name !== input.name) continue;
          window.sessionStorage.setItem(
            prefix + input.name + "=" + group[j].value, group[j].checked ? "1" : "0");
        }
      } else if (input.type === "checkbox") {
        window.sessionStorage.setItem(prefix + input.name, input.checked ? "1" : "0");
      } else {
        window.sessionStorage.setItem(prefix + input.name, input.value);
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var preserved = document.querySelector("form[data-preserve-inputs]");
    if (preserved) preserveInputs(preserved);
    var timers = document.querySelectorAll(".otree-timer[data-seconds-left]");
    for (var i = 0; i < timers.length; i++) startTimer(timers[i]);
  });
})();
