// Kodi Sync web UI: live updates over Server-Sent Events, and the copy buttons. No framework: the server
// renders every fragment; this file only tells htmx when to fetch them again.
(function () {
  'use strict';
  var base = (document.querySelector('meta[name="kodi-sync-base"]') || {}).content || '';
  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRF-Token'] || '';
    } catch {
      return '';
    }
  }

  // Live: every job or player change refreshes the fragments marked hx-trigger="live from:body".
  if (document.querySelector('[data-live]') && window.EventSource) {
    var status = document.getElementById('live-status');
    var source = new EventSource(base + '/api/v1/events');
    var pending = false;
    var refresh = function () {
      if (pending) return;
      pending = true;
      setTimeout(function () {
        pending = false;
        if (window.htmx) window.htmx.trigger(document.body, 'live');
      }, 300);
    };
    source.addEventListener('job', refresh);
    source.addEventListener('player', refresh);
    source.addEventListener('hello', function () {
      if (status) status.textContent = 'Live';
      refresh();
    });
    source.onerror = function () {
      if (status) status.textContent = 'Reconnecting…';
    };
  }

  function copy(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = 'Copied';
      setTimeout(function () {
        button.textContent = label;
      }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext)
      navigator.clipboard.writeText(text).then(done, function () {});
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    var copyTarget = target.getAttribute('data-copy');
    if (copyTarget) {
      var field = document.getElementById(copyTarget);
      if (field && field.value) {
        field.select();
        copy(field.value, target);
      }
    }
    var keyTarget = target.getAttribute('data-reveal-key');
    if (keyTarget) {
      // The key is never part of a page: it is fetched only when someone asks for it.
      fetch(base + '/ui/api-key', {
        method: 'POST',
        headers: { 'X-CSRF-Token': csrf() },
        credentials: 'same-origin',
      })
        .then(function (response) {
          return response.text().then(function (text) {
            return { ok: response.ok, text: text };
          });
        })
        .then(function (answer) {
          var input = document.getElementById(keyTarget);
          if (!input) return;
          input.value = answer.text;
          input.type = 'text';
          input.select();
          if (answer.ok) copy(answer.text, target);
        });
    }
  });
})();
