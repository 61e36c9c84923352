"""The preview's own page: the HTML rendering, the PDF pages, the warnings, live reload.

The HTML rendering sits in an iframe (``/render.html``, a plain ``src``) beside the PDF
pages as images (``/pages/N.png``, loaded lazily). A small inline script listens to
``/events`` (Server-Sent Events: one message per change) and then reads ``/state`` to
reload what changed, keeping the reader's scroll position; of the pages, only those whose
tag changed (a chapter laid out again, then the assembled book) are loaded again. Nothing
is fetched from elsewhere: the page works offline.
"""

from __future__ import annotations

import html

_STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: #e8e8e8; color: #222;
  display: flex; flex-direction: column; height: 100vh; }
header { padding: .4rem .8rem; background: #333; color: #fff; display: flex; gap: 1rem; }
header .status { margin-left: auto; opacity: .8; }
#error { background: #b00020; color: #fff; padding: .5rem .8rem; white-space: pre-wrap; }
#warnings { background: #fff4ce; padding: .3rem .8rem; max-height: 9rem; overflow: auto; }
#warnings ul { margin: .2rem 0; padding-left: 1.2rem; font-family: monospace; }
main { flex: 1; display: flex; min-height: 0; }
#html { flex: 1; border: 0; background: #fff; }
#pages { width: 42%; overflow: auto; padding: .8rem; display: flex; flex-direction: column;
  align-items: center; gap: .8rem; border-left: 1px solid #bbb; }
#pages img { width: 100%; max-width: 700px; background: #fff;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); }
#pages p { color: #666; }
"""

_SCRIPT = """
const seen = {html: 0, pdf: 0};
const frame = document.getElementById('html');
const pages = document.getElementById('pages');
function showHtml(v) {
  let y = 0;
  try { y = frame.contentWindow.scrollY; } catch (e) {}
  frame.onload = () => { try { frame.contentWindow.scrollTo(0, y); } catch (e) {} };
  frame.src = '/render.html?v=' + v;
}
function showPages(tags) {
  const imgs = pages.querySelectorAll('img');
  for (let n = imgs.length; n > tags.length; n--) imgs[n - 1].remove();
  pages.querySelectorAll('p').forEach(p => p.remove());
  for (let n = 1; n <= tags.length; n++) {
    let img = imgs[n - 1];
    if (!img) {
      img = document.createElement('img');
      img.loading = 'lazy'; img.alt = 'Page ' + n; img.width = 595; img.height = 842;
      pages.appendChild(img);
    }
    if (img.dataset.tag !== tags[n - 1]) {  // only the pages laid out again reload
      img.dataset.tag = tags[n - 1];
      img.src = '/pages/' + n + '.png?v=' + tags[n - 1];
    }
  }
}
async function refresh() {
  const s = await (await fetch('/state', {cache: 'no-store'})).json();
  if (s.html_version !== seen.html && s.html_version > 0) {
    seen.html = s.html_version; showHtml(s.html_version);
  }
  if (s.pdf_version !== seen.pdf && s.pdf_version > 0) {
    seen.pdf = s.pdf_version; showPages(s.page_tags);
  }
  const error = document.getElementById('error');
  error.hidden = !s.error; error.textContent = s.error;
  const box = document.getElementById('warnings');
  box.hidden = !s.warnings.length;
  box.querySelector('summary').textContent = s.warnings.length + ' warning(s)';
  const list = box.querySelector('ul'); list.replaceChildren();
  for (const w of s.warnings) {
    const li = document.createElement('li'); li.textContent = w; list.appendChild(li);
  }
  const busy = {html: 'reading…', pdf: 'laying out pages…'}[s.busy];
  const took = Object.entries(s.timings).map(([k, t]) => k + ' ' + t.toFixed(2) + ' s').join(', ');
  const failed = s.error ? 'failed: showing the last good build' : '';
  document.getElementById('status').textContent = busy || failed || (took ? 'built: ' + took : '');
}
const events = new EventSource('/events');
events.onmessage = refresh;
refresh();
"""


def shell(title: str) -> bytes:
    """Return the preview page for a book called ``title``."""
    name = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{name} - exporter preview</title>
<style>{_STYLE}</style></head>
<body>
<header><strong>exporter preview</strong><span>{name}</span>
<span class="status" id="status">building…</span></header>
<div id="error" role="alert" hidden></div>
<details id="warnings" open hidden><summary></summary><ul></ul></details>
<main>
<iframe id="html" src="/render.html" title="HTML rendering"></iframe>
<section id="pages" aria-label="PDF pages"><p>Laying out pages…</p></section>
</main>
<script>{_SCRIPT}</script>
</body></html>
""".encode()
