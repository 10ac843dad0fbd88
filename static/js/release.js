// Release pages, progressively enhanced. Everything here is optional: without JavaScript footnote links
// jump to the note and back, sentence links open the sentence's page, and the page says all it has to.
// No inline scripts or styles (Content-Security-Policy): positions are set through the CSSOM.
(function () {
  "use strict";

  var article = document.querySelector("article.briefing");
  if (!article) { return; }
  document.documentElement.classList.add("js");

  var lastPointer = "mouse";  // the kind of pointer behind the next click: "mouse", "touch" or "pen"
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType || "mouse"; }, true);
  document.addEventListener("keydown", function () { lastPointer = "keyboard"; }, true);

  // Place a floating panel next to an anchor element, inside the viewport (below it, or above if no room).
  function place(panel, anchor) {
    var margin = 8;
    var viewport = document.documentElement.clientWidth;
    panel.style.maxWidth = Math.min(480, viewport - 2 * margin) + "px";
    panel.style.left = "0px";
    panel.style.top = "0px";
    var rect = anchor.getBoundingClientRect();
    var width = panel.offsetWidth;
    var height = panel.offsetHeight;
    var left = Math.min(Math.max(margin, rect.left), viewport - width - margin);
    var below = rect.bottom + 6;
    var top = (below + height > window.innerHeight && rect.top - height - 6 > 0) ? rect.top - height - 6 : below;
    panel.style.left = (left + window.scrollX) + "px";
    panel.style.top = (top + window.scrollY) + "px";
  }

  function copyText(text, status) {
    function done(ok) { if (status) { status.textContent = ok ? "コピーしました。" : "コピーできませんでした。選択してコピーしてください。"; } }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback(text)); });
    } else {
      done(fallback(text));
    }
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  // --- Footnote previews ------------------------------------------------------------------------
  // Hover or focus a reference: the note appears beside it (screen readers already hear the note: the
  // reference is aria-describedby its text). Tap it: the note opens in place with a link to the notes.
  var preview = document.getElementById("fn-preview");
  var current = null;   // the reference whose note is shown
  var mode = "";        // "hover", "focus" or "tap"
  var hideTimer = 0;

  function noteOf(ref) {
    var number = ref.getAttribute("href").slice(4);
    return { number: number, text: document.getElementById("fn-text-" + number) };
  }

  function showNote(ref, how) {
    var note = noteOf(ref);
    if (!preview || !note.text) { return; }
    window.clearTimeout(hideTimer);
    preview.textContent = "";
    var head = document.createElement("p");
    head.className = "fn-preview-head";
    head.textContent = "注" + note.number;
    preview.appendChild(head);
    var body = document.createElement("p");
    body.className = "fn-preview-body";
    Array.prototype.forEach.call(note.text.childNodes, function (node) {
      var copy = node.cloneNode(true);
      if (copy.nodeType === 1) {
        copy.removeAttribute("id");
        Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
      }
      body.appendChild(copy);
    });
    preview.appendChild(body);
    if (how === "tap") {
      var tools = document.createElement("p");
      tools.className = "fn-preview-tools";
      var jump = document.createElement("a");
      jump.href = "#fn-" + note.number;
      jump.textContent = "注" + note.number + "へ移動";
      jump.addEventListener("click", function () { hideNote(false); });
      var close = document.createElement("button");
      close.type = "button";
      close.className = "fn-preview-close";
      close.textContent = "閉じる";
      close.addEventListener("click", function () { hideNote(true); });
      tools.appendChild(jump);
      tools.appendChild(close);
      preview.appendChild(tools);
      preview.setAttribute("role", "dialog");
      preview.setAttribute("aria-label", "注" + note.number);
      preview.removeAttribute("aria-hidden");
    } else {
      preview.removeAttribute("role");
      preview.removeAttribute("aria-label");
      preview.setAttribute("aria-hidden", "true");  // read already through aria-describedby
    }
    preview.hidden = false;
    current = ref;
    mode = how;
    ref.setAttribute("aria-expanded", "true");
    place(preview, ref);
    if (how === "tap") { preview.querySelector(".fn-preview-close").focus(); }
  }

  function hideNote(restoreFocus) {
    if (!preview || preview.hidden) { return; }
    preview.hidden = true;
    if (current) {
      current.removeAttribute("aria-expanded");
      if (restoreFocus && mode === "tap") { current.focus(); }
    }
    current = null;
    mode = "";
  }

  function laterHide() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(function () { if (mode === "hover") { hideNote(false); } }, 300);
  }

  function refFrom(target) {
    return target && target.closest ? target.closest("sup.fnref a") : null;
  }

  if (preview) {
    document.addEventListener("mouseover", function (event) {
      var ref = refFrom(event.target);
      if (ref && mode !== "tap") { showNote(ref, "hover"); }
      else if (mode === "hover" && preview.contains(event.target)) { window.clearTimeout(hideTimer); }
    });
    document.addEventListener("mouseout", function (event) {
      if (mode === "hover" && (refFrom(event.target) || preview.contains(event.target))) { laterHide(); }
    });
    document.addEventListener("focusin", function (event) {
      var ref = refFrom(event.target);
      if (ref && lastPointer === "keyboard") { showNote(ref, "focus"); }
      else if (mode === "focus" && !preview.contains(event.target)) { hideNote(false); }
    });
    document.addEventListener("click", function (event) {
      var ref = refFrom(event.target);
      if (ref && (lastPointer === "touch" || lastPointer === "pen")) {
        event.preventDefault();
        if (current === ref && mode === "tap") { hideNote(true); } else { showNote(ref, "tap"); }
        return;
      }
      if (ref) { hideNote(false); return; }  // a mouse click or Enter: go to the note, as without JavaScript
      if (mode === "tap" && !preview.contains(event.target)) { hideNote(false); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && current) { hideNote(true); }
    });
    window.addEventListener("resize", function () { if (current) { place(preview, current); } });
  }

  // --- Sentence menu: copy a link to the sentence in this release, cite it, open its page ---------
  var menu = document.getElementById("claim-menu");
  var menuFor = null;
  var permalink = article.dataset.permalink;

  function sentenceCitation(claim) {
    var base = document.getElementById("cite-sist02");
    var text = claim.cloneNode(true);
    Array.prototype.forEach.call(text.querySelectorAll("sup, a.claim-link"), function (el) { el.remove(); });
    var cite = base ? base.textContent.replace(permalink, permalink + "#" + claim.id) : permalink + "#" + claim.id;
    return "「" + text.textContent.trim() + "」" + cite;
  }

  function openMenu(link) {
    var claim = link.closest(".claim");
    if (!menu || !claim) { return; }
    menu.textContent = "";
    var title = document.createElement("p");
    title.className = "claim-menu-title";
    title.textContent = "この文（" + article.dataset.edition + "）";
    menu.appendChild(title);
    var status = document.createElement("p");
    status.className = "claim-menu-status";
    status.setAttribute("role", "status");
    var items = [
      ["この版での文へのリンクをコピー", function () { copyText(permalink + "#" + claim.id, status); }],
      ["この文の引用をコピー（SIST 02）", function () { copyText(sentenceCitation(claim), status); }],
    ];
    items.forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = item[0];
      button.addEventListener("click", item[1]);
      menu.appendChild(button);
    });
    var page = document.createElement("a");
    page.href = link.getAttribute("href");
    page.textContent = "掲載された版・注と出典・関係する出来事";
    menu.appendChild(page);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "claim-menu-close";
    close.textContent = "閉じる";
    close.addEventListener("click", function () { closeMenu(true); });
    menu.appendChild(close);
    menu.appendChild(status);
    menu.setAttribute("role", "dialog");
    menu.setAttribute("aria-label", "この文のリンクと引用");
    menu.hidden = false;
    menuFor = link;
    link.setAttribute("aria-expanded", "true");
    place(menu, link);
    menu.querySelector("button").focus();
  }

  function closeMenu(restoreFocus) {
    if (!menu || menu.hidden) { return; }
    menu.hidden = true;
    if (menuFor) {
      menuFor.removeAttribute("aria-expanded");
      if (restoreFocus) { menuFor.focus(); }
    }
    menuFor = null;
  }

  if (menu) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.claim-link") : null;
      if (link) {
        event.preventDefault();
        if (menuFor === link) { closeMenu(true); } else { closeMenu(false); openMenu(link); }
        return;
      }
      if (!menu.hidden && !menu.contains(event.target)) { closeMenu(false); }
      // On touch screens a tap on a sentence shows its link (hover does that with a mouse).
      var claim = event.target.closest ? event.target.closest(".claim") : null;
      if (claim && (lastPointer === "touch" || lastPointer === "pen") && !event.target.closest("a")) {
        var active = document.querySelector(".claim.is-active");
        if (active && active !== claim) { active.classList.remove("is-active"); }
        claim.classList.toggle("is-active");
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menuFor) { closeMenu(true); }
    });
  }

  // --- Copy buttons of the citation block -------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("button.copy-button[data-copy]"), function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var status = button.parentNode.querySelector(".copy-status");
      if (!status) {
        status = document.createElement("span");
        status.className = "copy-status";
        status.setAttribute("role", "status");
        button.parentNode.appendChild(status);
      }
      copyText(source.textContent, status);
    });
  });

  // --- Dead links in the notes: point readers to the archived copy, beside the note, never in it ---
  // One small list per release (its cited sources only), cached and conditional (ETag, max-age): the
  // browser reuses it while fresh and revalidates it after, so a page view costs at most a 304.
  var api = article.dataset.deadLinks;
  if (api && window.fetch) {
    fetch(api, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || !answer.dead_links) { return; }
        answer.dead_links.forEach(function (source) {
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
              archive.textContent = "アーカイブ" + (source.archive_captured_label ? "（" + source.archive_captured_label + "保存）" : "");
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
  }
})();
