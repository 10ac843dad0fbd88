// Release pages are cached as immutable; whether a later release exists is asked here.
(function () {
  "use strict";
  var notice = document.getElementById("not-latest");
  if (!notice || !window.fetch) { return; }
  var current = parseInt(notice.dataset.release, 10);
  fetch(notice.dataset.api, { headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (briefing) {
      if (!briefing || !briefing.releases || !briefing.releases.length) { return; }
      var latest = briefing.releases.reduce(function (a, b) { return a.number > b.number ? a : b; });
      if (latest.number <= current) { return; }
      var parts = latest.information_as_of.split("-");
      var label = parseInt(parts[0], 10) + "年" + parseInt(parts[1], 10) + "月" + parseInt(parts[2], 10) + "日現在";
      var link = document.createElement("a");
      link.href = notice.dataset.base + latest.number + "/";
      link.textContent = "最新の第" + latest.number + "版（" + label + "）";
      notice.textContent = "この版は最新ではありません。";
      notice.appendChild(link);
      notice.appendChild(document.createTextNode("があります。"));
      notice.hidden = false;
    })
    .catch(function () { /* the page stays readable without the notice */ });
})();

// Dead links in the notes: point readers to the archived copy, around the page, never in it.
(function () {
  "use strict";
  var notice = document.getElementById("not-latest");
  if (!notice || !window.fetch) { return; }
  var api = notice.dataset.sources;
  if (!api) { return; }
  fetch(api, { headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (page) {
      if (!page || !page.results) { return; }
      page.results.forEach(function (source) {
        document.querySelectorAll("section.footnotes a.url").forEach(function (link) {
          if (link.getAttribute("href") !== source.url || link.dataset.checked) { return; }
          link.dataset.checked = "1";
          var note = document.createElement("span");
          note.className = "dead-link";
          note.textContent = "（リンク切れ";
          if (source.archive_url) {
            var archive = document.createElement("a");
            archive.href = source.archive_url;
            archive.rel = "noopener";
            archive.textContent = "アーカイブ" + (source.archive_captured_on ? "（" + source.archive_captured_on + "保存）" : "");
            note.appendChild(document.createTextNode("。"));
            note.appendChild(archive);
          }
          note.appendChild(document.createTextNode("）"));
          var after = link.nextSibling;  // the text node that begins with ">"
          var rest = after && after.nodeType === 3 && after.data.charAt(0) === ">" ? after.splitText(1) : after;
          link.parentNode.insertBefore(note, rest);
        });
      });
    })
    .catch(function () { /* the notes stay as published */ });
})();
