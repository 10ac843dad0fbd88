/* Tell the server this draft is open here, and show who else has it open (CSP-safe: no inline script). */
(function () {
  "use strict";
  var banner = document.getElementById("presence");
  if (!banner || !window.fetch) { return; }
  var url = banner.getAttribute("data-ping-url");
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  function ping() {
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": tokenInput ? tokenInput.value : "", "Accept": "application/json"}
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        banner.textContent = data.message;
        banner.hidden = !data.message;
      })
      .catch(function () { /* offline: keep what is shown */ });
  }
  window.setInterval(ping, 30000);
})();
