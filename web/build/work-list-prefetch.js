/*
 * Asks for the first page of the work list while the console's code is still downloading, when the
 * console opens on the work list with a signed-in reviewer or signer: the request then overlaps the
 * download instead of following it. Inlined into index.html by the build (vite.config.ts), so that
 * it runs as the page is parsed, before any other request; the API allows it by its hash (the
 * content security policy in api/app.ts). The work list (web/src/pages/WorkList.tsx,
 * `takePrefetchedFirstPage`) takes the answer, and asks again itself when there is none or it is
 * not a success. The session is what
 * web/src/api/client.ts keeps under 'console.session'.
 */
(function () {
  try {
    var session = JSON.parse(localStorage.getItem('console.session') || 'null');
    if (!session || session.exp * 1000 <= Date.now()) return;
    if (location.pathname !== '/' && location.pathname !== '/tasks') return;
    var works = session.roles.some(function (role) {
      return role === 'reviewer' || role === 'signer';
    });
    if (!works) return;
    var prefetch = { settled: false, page: undefined };
    prefetch.done = fetch('/v1/tasks?status=open&sort=urgency&limit=20', {
      headers: { Authorization: 'Bearer ' + session.token },
    })
      .then(function (response) {
        return response.ok ? response.json() : undefined;
      })
      .catch(function () {
        return undefined;
      })
      .then(function (page) {
        prefetch.page = page;
        prefetch.settled = true;
        return page;
      });
    window.__workListFirstPage = prefetch;
  } catch {
    // No prefetch: the work list asks for its first page itself.
  }
})();
